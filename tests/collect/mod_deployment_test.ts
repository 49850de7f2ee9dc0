// The collector over deployment files and scripts: Dockerfiles, Procfiles, Makefiles, shell
// scripts (by extension, and without one by their #! line) and Python server calls reach the
// snapshot's services and secrets sections, listed in coverage; an extensionless file that is no
// script is still sniffed for model content.
import assert from "node:assert/strict";
import { collect } from "../../collect/mod.ts";
import { Snapshot } from "../../core/snapshot.ts";
import { project } from "../_cli.ts";

Deno.test("collect: deployment files and scripts become launches, exposures, server calls and secrets", async () => {
  const dir = await project({
    "Dockerfile":
      'FROM python:3.12\nRUN pip install gradio\nEXPOSE 7860\nCMD ["python", "app.py"]\n',
    "Procfile": "web: streamlit run app.py --server.address 0.0.0.0\n",
    "Makefile": "serve:\n\t@mlflow ui --host $(HOST)\n",
    "scripts/train.sh":
      "export WANDB_API_KEY=0123456789abcdef0123456789abcdef01234567\npython train.py\n",
    "bin/serve": "#!/usr/bin/env bash\nexec tensorboard --logdir runs --bind_all\n",
    "bin/notes": "plain text, no #! line\n",
    "app.py":
      'import gradio as gr\nfrom transformers import pipeline\npipe = pipeline("text-generation", model="gpt2")\n' +
      "gr.Interface(fn=pipe, inputs='text', outputs='text').launch(share=True)\n",
    "lib/util.py": "def helper():\n    return 1\n",
  });
  // A pickle saved without an extension in bin/: not a script, still found by its content.
  const pickle = new Uint8Array([
    ...[0x80, 0x04, 0x95, 0x10, 0, 0, 0, 0, 0, 0, 0, 0x8c, 0x02],
    ...new TextEncoder().encode("os"),
    ...[0x8c, 0x06],
    ...new TextEncoder().encode("system"),
    ...[0x93, 0x2e],
  ]);
  await Deno.writeFile(`${dir}/bin/weights`, pickle);
  try {
    const snapshot = Snapshot.parse(await collect({ root: dir, now: new Date(0) }));
    assert.ok(snapshot.collected.includes("services") && snapshot.collected.includes("secrets"));
    assert.deepEqual(
      snapshot.launches.map((l) => `${l.origin} ${l.unit}: ${l.argv.map((w) => w.text).join(" ")}`)
        .sort(),
      [
        "dockerfile Dockerfile: pip install gradio",
        "dockerfile Dockerfile: python app.py",
        "procfile web: streamlit run app.py --server.address 0.0.0.0",
        "makefile serve: mlflow ui --host $(HOST)",
        "shell scripts/train.sh: export WANDB_API_KEY=***",
        "shell scripts/train.sh: python train.py",
        "shell bin/serve: tensorboard --logdir runs --bind_all",
      ].sort(),
    );
    assert.deepEqual(snapshot.exposures.map((e) => `${e.unit} ${e.via} ${e.port}`), [
      "Dockerfile expose 7860",
    ]);
    assert.deepEqual(snapshot.serverCalls.map((c) => [c.call, c.args]), [["gradio.launch", {
      share: "True",
    }]]);
    assert.deepEqual(snapshot.secrets.map((s) => [s.kind, s.location.file]), [[
      "wandb-key",
      "scripts/train.sh",
    ]]);
    const inputs = Object.fromEntries(snapshot.inputs.map((i) => [i.file, i.format]));
    assert.deepEqual(inputs, {
      "Dockerfile": "Dockerfile",
      "Makefile": "Makefile",
      "Procfile": "Procfile",
      "app.py": "python",
      "bin/serve": "shell script",
      "bin/weights": "model file (by content)",
      "scripts/train.sh": "shell script",
    });
    assert.deepEqual(snapshot.problems.filter((p) => !p.file.startsWith("bin/weights")), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
