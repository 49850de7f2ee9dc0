// The GitHub Action (action.yml), run the way a runner runs a composite action: inputs and
// expressions substituted, each `run:` step through `bash -e` with GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY files, step outputs read back. No GitHub needed.
import assert from "node:assert/strict";
import * as path from "node:path";
import { parse } from "yaml";
import { REPO } from "./_cli.ts";
import { assertValidSarif, parseCommand } from "./report/_reports.ts";
import { gitHistory } from "./_git.ts";

interface Step {
  id?: string;
  name?: string;
  shell?: string;
  env?: Record<string, string>;
  run?: string;
  uses?: string;
}

interface Action {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

/** This machine's pip and uv configuration files must not leak into the verdict. */
const MACHINE = { PIP_CONFIG_FILE: "/dev/null", UV_NO_CONFIG: "1" };

interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  temp: string;
}

/** Substitute `${{ … }}` as the runner does; an expression this emulation does not know fails the test. */
function substitute(text: string, context: Record<string, string>): string {
  return text.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_, name: string) => {
    if (!Object.hasOwn(context, name)) {
      throw new Error(`action.yml uses \${{ ${name} }}, not emulated`);
    }
    return context[name];
  });
}

function readOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) outputs[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return outputs;
}

async function runAction(
  inputs: Record<string, string>,
  options: { workspace?: string } = {},
): Promise<ActionRun> {
  const workspace = options.workspace ?? REPO;
  const action = parse(await Deno.readTextFile(path.join(REPO, "action.yml"))) as Action;
  assert.equal(action.runs.using, "composite");
  const temp = await Deno.makeTempDir({ prefix: "tollgate-action-" });
  const summaryFile = path.join(temp, "step_summary.md");
  await Deno.writeTextFile(summaryFile, "");
  const context: Record<string, string> = {
    "github.action_path": REPO,
    "github.workspace": workspace,
    "runner.temp": temp,
  };
  for (const [name, input] of Object.entries(action.inputs)) {
    context[`inputs.${name}`] = substitute(inputs[name] ?? input.default ?? "", context);
  }
  for (const name of Object.keys(inputs)) {
    assert.ok(Object.hasOwn(action.inputs, name), `the action has no input ${name}`);
  }
  let stdout = "";
  let stderr = "";
  let code = 0;
  for (const [i, step] of action.runs.steps.entries()) {
    assert.equal(step.uses, undefined, "a composite step that runs another action is not emulated");
    assert.equal(step.shell, "bash");
    const outputFile = path.join(temp, `output_${i}`);
    await Deno.writeTextFile(outputFile, "");
    const script = path.join(temp, `step_${i}.sh`);
    await Deno.writeTextFile(script, substitute(step.run!, context));
    // The runner's own environment (Deno's cache, certificates) plus what a runner sets for a step.
    const env: Record<string, string> = {
      RUNNER_TEMP: temp,
      GITHUB_WORKSPACE: workspace,
      GITHUB_ACTION_PATH: REPO,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      ...MACHINE,
      XDG_CONFIG_HOME: temp,
    };
    for (const [name, value] of Object.entries(step.env ?? {})) {
      env[name] = substitute(String(value), context);
    }
    // GitHub's bash shell: `bash --noprofile --norc -eo pipefail {0}`.
    const out = await new Deno.Command("bash", {
      args: ["--noprofile", "--norc", "-eo", "pipefail", script],
      cwd: workspace,
      env,
      stdout: "piped",
      stderr: "piped",
    }).output();
    stdout += new TextDecoder().decode(out.stdout);
    stderr += new TextDecoder().decode(out.stderr);
    if (step.id) {
      const outputs = readOutputs(await Deno.readTextFile(outputFile));
      for (const [name, value] of Object.entries(outputs)) {
        context[`steps.${step.id}.outputs.${name}`] = value;
      }
    }
    code = out.code;
    if (code !== 0) break;
  }
  const outputs: Record<string, string> = {};
  for (const [name, output] of Object.entries(action.outputs)) {
    outputs[name] = substitute(output.value, context);
  }
  return { code, stdout, stderr, outputs, summary: await Deno.readTextFile(summaryFile), temp };
}

Deno.test("action: on examples/ml-app it fails the job, annotates, summarises and writes SARIF", async () => {
  const run = await runAction({ path: "examples/ml-app", offline: "true" });
  try {
    assert.equal(run.code, 1);
    assert.equal(run.outputs.verdict, "fail");
    assert.equal(run.outputs["sarif-file"], path.join(run.temp, "tollgate.sarif"));
    await assertValidSarif(await Deno.readTextFile(run.outputs["sarif-file"]));
    const annotations = run.stdout.split("\n").filter((line) => line.startsWith("::error "));
    assert.ok(annotations.length > 0, "findings are annotations");
    for (const line of annotations) {
      const command = parseCommand(line)!;
      assert.equal(command.name, "error");
      // GitHub resolves annotation files from the repository root, not from the project.
      if (command.properties.file) {
        const file = path.join(REPO, command.properties.file);
        assert.ok(await Deno.stat(file).then(() => true, () => false), `no such file: ${file}`);
      }
    }
    assert.match(run.stdout, /✗ fail {2}venv\.isolated/, "the text report is in the log");
    assert.match(run.summary, /fail/i);
    assert.match(run.summary, /<details>/);
  } finally {
    await Deno.remove(run.temp, { recursive: true });
  }
});

Deno.test("action: with a baseline of today's findings the job passes and counts them as known", async () => {
  const work = await Deno.makeTempDir({ prefix: "tollgate-action-baseline-" });
  try {
    const baseline = path.join(work, "baseline.json");
    // Recorded on the same machine and configuration as the action runs with.
    const recorded = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--quiet",
        path.join(REPO, "cli.ts"),
        "check",
        "examples/ml-app",
        "--offline",
        "--write-baseline",
        baseline,
        "--format",
        "json=" + path.join(work, "r.json"),
      ],
      cwd: REPO,
      env: { ...MACHINE, XDG_CONFIG_HOME: work },
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.equal(recorded.code, 1, new TextDecoder().decode(recorded.stderr));
    const run = await runAction({ path: "examples/ml-app", offline: "true", baseline });
    try {
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.outputs.verdict, "pass");
      assert.match(run.stdout, /known \(baseline\)/);
    } finally {
      await Deno.remove(run.temp, { recursive: true });
    }
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});

Deno.test("action: fail-on and policy inputs reach the check; a bad input fails with the message", async () => {
  const lenient = await runAction({
    path: "examples/ml-app",
    offline: "true",
    policy: "examples/policies/team.yaml",
  });
  try {
    assert.match(
      lenient.stdout,
      /policy examples\/policies\/team\.yaml/,
      "the text report names the policy",
    );
  } finally {
    await Deno.remove(lenient.temp, { recursive: true });
  }
  const bad = await runAction({ path: "examples/ml-app", offline: "true", "fail-on": "loud" });
  try {
    assert.equal(bad.code, 2);
    assert.equal(bad.outputs.verdict, "error");
  } finally {
    await Deno.remove(bad.temp, { recursive: true });
  }
});

Deno.test("action: with a base revision the job fails only on what the change adds", async () => {
  // A repository whose first commit already has a finding (torch pinned without a hash); the
  // second adds a model loaded with remote code.
  const workspace = await gitHistory([
    { "app/requirements.txt": "torch==2.3.1\n" },
    {
      "app/load.py": "from transformers import AutoModel\n" +
        'AutoModel.from_pretrained("org/m", revision="a" * 40, trust_remote_code=True)\n',
    },
  ]);
  try {
    const unchanged = await runAction({ path: "app", offline: "true", base: "HEAD" }, {
      workspace,
    });
    try {
      assert.equal(unchanged.code, 0, unchanged.stdout + unchanged.stderr);
      assert.equal(unchanged.outputs.verdict, "pass");
      assert.match(
        unchanged.stdout,
        /signature\.hash-pinned/,
        "the whole check is still in the log",
      );
      assert.match(unchanged.summary, /^## ✅ PASS: no new findings/);
      await assertValidSarif(await Deno.readTextFile(unchanged.outputs["sarif-file"]));
    } finally {
      await Deno.remove(unchanged.temp, { recursive: true });
    }
    const changed = await runAction({ path: "app", offline: "true", base: "HEAD~1" }, {
      workspace,
    });
    try {
      assert.equal(changed.code, 1, changed.stdout + changed.stderr);
      assert.equal(changed.outputs.verdict, "fail");
      assert.match(changed.summary, /### New findings/);
      assert.match(changed.summary, /hub\.no-remote-code/);
      assert.doesNotMatch(changed.summary, /signature\.hash-pinned/, "not new: BASE had it");
    } finally {
      await Deno.remove(changed.temp, { recursive: true });
    }
  } finally {
    await Deno.remove(workspace, { recursive: true });
  }
});
