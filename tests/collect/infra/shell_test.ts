// The shell script reader on a notebook server's start script (venv created and activated, an
// exported token, TensorBoard in the background, JupyterLab with an empty token), an extensionless
// bin script found by its #! line, and a Python script that is not one.
import assert from "node:assert/strict";
import fc from "fast-check";
import { assertInfraWithinFile } from "./_infra.ts";
import {
  isShellScript,
  readShellScript,
  shellScriptReader,
  shellShebang,
} from "../../../collect/infra/shell.ts";

const fixture = (name: string) =>
  Deno.readTextFileSync(new URL(`../../fixtures/infra/scripts/${name}`, import.meta.url));

Deno.test("shell: a notebook start script, command by command", () => {
  const file = "docker/start-notebook.sh";
  const facts = readShellScript(fixture("start-notebook.sh"), { file });
  assert.deepEqual(
    facts.launches.map((l) => [l.location.line, l.argv.map((w) => w.text).join(" "), l.venv?.path]),
    [
      [3, "set -euo pipefail", undefined],
      [5, "export HF_TOKEN=***", undefined],
      [6, ": ${JUPYTER_PORT:=8888}", undefined],
      [8, "[ ! -d /opt/venv ]", undefined],
      [9, "python3 -m venv /opt/venv", undefined],
      [11, "source /opt/venv/bin/activate", undefined],
      [12, "pip install -r requirements.txt", "/opt/venv"],
      [14, "tensorboard --logdir $HOME/runs --bind_all", "/opt/venv"],
      [
        15,
        "jupyter lab --ip=0.0.0.0 --port=$JUPYTER_PORT --no-browser --ServerApp.token= --ServerApp.password=",
        "/opt/venv",
      ],
    ],
  );
  assert.ok(facts.launches.every((l) => l.origin === "shell" && l.unit === file));
  assert.deepEqual(facts.secrets, [
    { kind: "huggingface-token", name: "HF_TOKEN", location: { file, line: 5 } },
  ]);
  assert.doesNotMatch(JSON.stringify(facts), /hf_abc/);
  assert.deepEqual(facts.problems, []);
});

Deno.test("shell: assignments before a command are its environment", () => {
  const facts = readShellScript(fixture("serve-gradio"), { file: "bin/serve-gradio" });
  const serve = facts.launches.at(-1)!;
  assert.deepEqual(serve.argv.map((w) => w.text), ["python", "app.py"]);
  assert.deepEqual(serve.env.map((e) => [e.name, e.value, e.location.line]), [
    ["GRADIO_SERVER_NAME", "0.0.0.0", 3],
    ["GRADIO_SERVER_PORT", "7860", 3],
  ]);
});

Deno.test("shell: a #! naming another interpreter is not a shell script, whatever the name", () => {
  assert.deepEqual(readShellScript(fixture("plot"), { file: "bin/plot" }).launches, []);
  assert.deepEqual(
    readShellScript("#!/usr/bin/env node\nconsole.log(1)\n", { file: "x.sh" }).launches,
    [],
  );
});

Deno.test("shell: #! lines", () => {
  for (
    const yes of [
      "#!/bin/sh",
      "#! /bin/bash -e",
      "#!/usr/bin/env bash",
      "#!/usr/bin/env -S bash -eu",
      "#!/bin/dash",
      "#!/bin/busybox sh",
    ]
  ) {
    assert.equal(shellShebang(yes + "\n"), true, yes);
  }
  for (const no of ["#!/usr/bin/env python3", "#!/usr/bin/perl", "#!/usr/bin/env -S uv run"]) {
    assert.equal(shellShebang(no + "\n"), false, no);
  }
  assert.equal(shellShebang("set -e\n"), undefined);
});

Deno.test("shell: names; a self-extracting payload after a NUL byte is not read", () => {
  assert.ok(isShellScript("scripts/train.sh") && isShellScript("a.bash"));
  assert.ok(!isShellScript("bin/serve") && !isShellScript("sh") && !isShellScript("x.shx"));
  assert.equal(shellScriptReader.format, "shell script");
  const installer = '#!/bin/sh\ntail -n +4 "$0" | tar xz\nexit 0\n\0\x01\'"binary\n';
  const facts = readShellScript(installer, { file: "install.sh" });
  assert.deepEqual(facts.launches.map((l) => l.argv[0].text), ["tail", "tar", "exit"]);
  assert.deepEqual(facts.problems, []);
});

Deno.test("shell: any text reads without throwing; problems and launches lie within it", () => {
  const piece = fc.constantFrom(
    "#!/bin/sh\n",
    "echo",
    " ",
    "'",
    '"',
    "\\\n",
    "\n",
    "&&",
    ";",
    "|",
    "$(",
    ")",
    "`",
    "<<EOF\n",
    "EOF\n",
    "<<<",
    "if",
    "then",
    "fi",
    "for x in a; do",
    "done",
    ". v/bin/activate",
    "A=1 ",
  );
  const text = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.array(piece, { maxLength: 40 }).map((p) => p.join("")),
  );
  fc.assert(
    fc.property(text, (t) => {
      assertInfraWithinFile(readShellScript(t, { file: "s.sh" }), t, "s.sh");
    }),
    { numRuns: 500 },
  );
});
