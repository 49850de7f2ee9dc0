// From what a file writes to what runs: tools' substitutions, shell wrappers unwrapped, and the
// launch facts every infrastructure reader shares (environment values, secret arguments).
import assert from "node:assert/strict";
import {
  composeInterpolation,
  expandWord,
  githubExpression,
  kubernetesExpansion,
  splitScript,
  unwrapScript,
  unwrapShell,
} from "../../../collect/infra/command_words.ts";
import { argumentSecrets, environmentEntry } from "../../../collect/infra/_launch_facts.ts";

const words = (...texts: string[]) => texts.map((text) => ({ text }));
const shown = (argv: { text: string; unresolved?: string[] }[]) =>
  argv.map((w) => (w.unresolved ? `⟨${w.text}⟩` : w.text)).join(" ");
const token = "hf_" + "x".repeat(34);

Deno.test("substitutions: compose interpolation, the kubelet's $(VAR), GitHub expressions", () => {
  assert.deepEqual(expandWord("--port=${PORT:-${DEFAULT}}", composeInterpolation), {
    text: "--port=${PORT:-${DEFAULT}}",
    unresolved: ["${PORT:-${DEFAULT}}"],
  });
  assert.deepEqual(expandWord("$$HOME and $USER", composeInterpolation), {
    text: "$HOME and $USER",
    unresolved: ["$USER"],
  });
  const kubelet = kubernetesExpansion(new Map([["HOST", "0.0.0.0"]]));
  assert.deepEqual(expandWord("--host=$(HOST)", kubelet), { text: "--host=0.0.0.0" });
  assert.deepEqual(expandWord("$(TOKEN) $$(HOST)", kubelet), {
    text: "$(TOKEN) $(HOST)",
    unresolved: ["$(TOKEN)"],
  });
  // GitHub substitutes inside single quotes too, where a shell would not expand anything.
  const [command] = splitScript("tensorboard --logdir '${{ inputs.dir }}/x'", githubExpression)
    .commands;
  assert.deepEqual(command.words[2], {
    text: "${{ inputs.dir }}/x",
    unresolved: ["${{ inputs.dir }}"],
  });
});

Deno.test("unwrapping: sh -c, bash -lc, -o pipefail, env bash: the script's commands run", () => {
  const cases: [string[], string[]][] = [
    [["sh", "-c", "mlflow server --host 0.0.0.0"], ["mlflow server --host 0.0.0.0"]],
    [["/bin/bash", "-lc", "pip install x && exec jupyter lab"], ["pip install x", "jupyter lab"]],
    [["bash", "-euo", "pipefail", "-c", "nohup ray start --head"], ["ray start --head"]],
    [["/usr/bin/env", "bash", "-c", "--", "tensorboard --bind_all"], ["tensorboard --bind_all"]],
    [["sh", "-c", "bash -c 'exec sh -c \"streamlit run app.py\"'"], ["streamlit run app.py"]],
    // Not wrappers: a shell running a script file, a -c that is some other program's flag.
    [["sh", "start.sh", "-c", "x"], ["sh start.sh -c x"]],
    [["python", "-c", "print(1)"], ["python -c print(1)"]],
    // An empty script leaves the wrapper as it is.
    [["sh", "-c", ""], ["sh -c "]],
  ];
  for (const [argv, expected] of cases) {
    assert.deepEqual(
      unwrapShell(words(...argv)).map((c) => shown(c.argv)),
      expected,
      argv.join(" "),
    );
  }
  const [serve] = unwrapShell(
    words("sh", "-c", "GRADIO_SERVER_NAME=0.0.0.0 HOST=$IP python app.py"),
  );
  assert.deepEqual(serve.assignments, [
    { name: "GRADIO_SERVER_NAME", value: { text: "0.0.0.0" } },
    { name: "HOST", value: { text: "$IP", unresolved: ["$IP"] } },
  ]);
  assert.deepEqual(serve.script, { index: 2, line: 1 });
});

Deno.test("scripts: reserved words and compound heads run nothing; lines are kept", () => {
  const script = [
    "pip install tensorboard",
    "for run in runs/*; do",
    "  echo $run",
    "done",
    "if [ -d runs ]; then",
    "  tensorboard --logdir runs --bind_all &",
    "fi",
    "PORT=6006",
  ].join("\n");
  assert.deepEqual(
    unwrapScript(script).map((c) => `${c.script?.line}: ${shown(c.argv)}`),
    [
      "1: pip install tensorboard",
      "3: echo ⟨$run⟩",
      "5: [ -d runs ]",
      "6: tensorboard --logdir runs --bind_all",
    ],
  );
});

Deno.test("launch facts: environment values only when literal and not secret", () => {
  const at = { file: "compose.yaml", line: 4 };
  assert.deepEqual(environmentEntry({ name: "HF_TOKEN", value: token, location: at }), {
    entry: { name: "HF_TOKEN", location: at },
    secret: { kind: "huggingface-token", name: "HF_TOKEN", location: at },
  });
  assert.deepEqual(
    environmentEntry({ name: "HOST", value: "${HOST}", unresolved: true, location: at }),
    { entry: { name: "HOST", location: at } },
  );
  assert.deepEqual(environmentEntry({ name: "JUPYTER_TOKEN", value: "", location: at }), {
    entry: { name: "JUPYTER_TOKEN", value: "", location: at },
  });
  assert.deepEqual(environmentEntry({ name: "PASSTHROUGH", location: at }), {
    entry: { name: "PASSTHROUGH", location: at },
  });
  // camelCase names read as words: adminPassword is a password's name.
  assert.equal(
    environmentEntry({ name: "adminPassword", value: "hunter2", location: at }).secret?.kind,
    "password",
  );
});

Deno.test("launch facts: secret arguments are recorded by kind and replaced by ***", () => {
  const argv = words(
    "vllm",
    "serve",
    "--api-key",
    "sk-" + "a".repeat(30),
    `--hf-token=${token}`,
    "--NotebookApp.token=",
    "--no-browser",
    "--password",
    "--backend-store-uri",
    "postgresql://mlflow:s3cret@db/mlflow",
  );
  const found = argumentSecrets(argv, (i) => ({ file: "deploy.yaml", line: 10 + i }));
  assert.equal(
    shown(found.argv),
    "vllm serve --api-key *** --hf-token=*** --NotebookApp.token= --no-browser --password " +
      "--backend-store-uri ***",
  );
  assert.deepEqual(found.secrets.map((s) => `${s.kind} ${s.name} ${s.location.line}`), [
    "openai-key api-key 13",
    "huggingface-token hf-token 14",
    "url-credentials backend-store-uri 19",
  ]);
  assert.ok(!JSON.stringify(found).includes("s3cret"));
});
