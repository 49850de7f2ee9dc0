import assert from "node:assert/strict";
import * as path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { main } from "../../cli.ts";
import { catalogue } from "../../checks/mod.ts";
import { Report, Snapshot } from "../../mod.ts";
import { checkJson, NOW, project, REPO, tollgate } from "../_cli.ts";
import { SHA } from "./_check.ts";

const ESC = "\x1b[";

function noStackTrace(stderr: string) {
  assert.doesNotMatch(stderr, /^\s+at /m, `stack trace leaked:\n${stderr}`);
}

Deno.test("check examples/ml-app fails the recommended policy in four families, every finding located", async () => {
  const { code, stderr, report } = await checkJson("examples/ml-app");
  assert.equal(code, 1, stderr);
  assert.equal(report.verdict, "fail");
  const failing = report.results.filter((r) => r.status === "fail");
  assert.deepEqual([...new Set(failing.map((r) => r.family))].sort(), [
    "hub",
    "signature",
    "source",
    "venv",
  ]);
  const findings = failing.flatMap((r) => r.findings);
  assert.ok(findings.length >= 10);
  for (const finding of findings) {
    assert.ok(finding.location?.file, `${finding.check} ${finding.subject} has no location`);
    assert.ok(finding.fix, `${finding.check} ${finding.subject} has no fix`);
  }
  const subjects = findings.map((f) =>
    `${f.check} ${f.subject} ${f.location?.file}:${f.location?.line}`
  );
  for (
    const expected of [
      "source.allowed-indexes index:https://pypi.ml-internal.example.com/simple requirements.txt:4",
      "signature.hash-pinned pkg:pypi/torch@2.3.1 requirements.txt:6",
      "signature.hash-pinned pkg:pypi/ruff@0.4.8 requirements-dev.txt:2",
      "venv.isolated env:.venv .venv/pyvenv.cfg:2",
      "hub.no-remote-code hf:tiiuae/falcon-7b-instruct src/sentiment/train.py:26",
    ]
  ) assert.ok(subjects.includes(expected), `missing: ${expected}\n${subjects.join("\n")}`);
  assert.ok(!subjects.some((s) => s.includes("pandas")), "pandas is pinned with a hash");
});

Deno.test("the same inputs twice give identical JSON, and eval of the snapshot agrees with check", async () => {
  const args = ["--offline", "--format", "json", "--now", NOW];
  const one = await tollgate(["check", "examples/ml-app", ...args]);
  const two = await tollgate(["check", "examples/ml-app", ...args]);
  assert.equal(one.stdout, two.stdout);
  const dir = await Deno.makeTempDir();
  const snapshotFile = path.join(dir, "snapshot.json");
  const snap = await tollgate([
    "snapshot",
    "examples/ml-app",
    "--now",
    NOW,
    "--output",
    snapshotFile,
  ], { write: true });
  assert.equal(snap.code, 0, snap.stderr);
  const evaluated = await tollgate(["eval", snapshotFile, ...args]);
  assert.equal(evaluated.code, 1);
  assert.equal(evaluated.stdout, one.stdout);
});

Deno.test("the snapshot validates against the JSON Schema that `schema snapshot` prints", async () => {
  const [schema, snapshot, reportSchema, report, policySchema] = await Promise.all([
    tollgate(["schema", "snapshot"]),
    tollgate(["snapshot", "examples/ml-app", "--now", NOW]),
    tollgate(["schema", "report"]),
    tollgate(["check", "examples/ml-app", "--offline", "--format", "json", "--now", NOW]),
    tollgate(["schema", "policy"]),
  ]);
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validSnapshot = ajv.compile(JSON.parse(schema.stdout));
  const data: Snapshot = JSON.parse(snapshot.stdout);
  assert.ok(validSnapshot(data), JSON.stringify(validSnapshot.errors, null, 2));
  assert.ok(Snapshot.safeParse(data).success);
  assert.ok(
    data.packages.length > 10 && data.models.length === 3 && data.environments.length === 1,
  );
  assert.ok(!validSnapshot({ ...data, schema: "tollgate.snapshot/v2" }));
  const validReport = ajv.compile(JSON.parse(reportSchema.stdout));
  assert.ok(validReport(JSON.parse(report.stdout)), JSON.stringify(validReport.errors, null, 2));
  const validPolicy = ajv.compile(JSON.parse(policySchema.stdout));
  assert.ok(validPolicy({ extends: ["recommended"], checks: { "venv.isolated": false } }));
  assert.ok(!validPolicy({ failOn: "fatal" }));
});

Deno.test("a clean project passes with exit 0", async () => {
  const dir = await project({
    ".github/CODEOWNERS": "* @acme/ml-platform\n",
    "requirements.txt": `numpy==1.26.4 --hash=sha256:${SHA}\n`,
    ".venv/pyvenv.cfg": "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.7\n",
    "train.py":
      `from transformers import AutoModel\nAutoModel.from_pretrained("google/m", revision="${
        "b".repeat(40)
      }")\n`,
  });
  const run = await tollgate(["check", dir, "--offline"]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /^PASS {2}0 failed, 0 warned, 21 passed/m);
});

Deno.test("configuration errors exit 2 with one message naming file and key or line", async () => {
  const badYaml = await project({
    "tollgate.yaml": "extends: [recommended]\nchecks:\n  venv.isolated: [\n",
  });
  const yamlRun = await tollgate(["check", badYaml]);
  assert.equal(yamlRun.code, 2);
  assert.match(yamlRun.stderr, /^tollgate: .*tollgate\.yaml:\d+: not valid YAML/);
  assert.equal(yamlRun.stderr.trim().split("\n").length, 1);
  assert.equal(yamlRun.stdout, "");

  const unknown = await project({ "tollgate.yaml": "checks:\n  source.https-onyl: true\n" });
  const unknownRun = await tollgate(["check", unknown]);
  assert.equal(unknownRun.code, 2);
  assert.match(
    unknownRun.stderr,
    /tollgate\.yaml: checks\["source\.https-onyl"\]: unknown check id/,
  );

  const badParams = await project({
    "tollgate.toml": '[checks."source.allowed-indexes"]\nindexes = 5\n',
  });
  const paramsRun = await tollgate(["check", badParams]);
  assert.equal(paramsRun.code, 2);
  assert.match(
    paramsRun.stderr,
    /tollgate\.toml: checks\["source\.allowed-indexes"\]\.indexes: expected array/,
  );

  const throwing = await project({ "policy.ts": 'throw new Error("policy exploded");\n' });
  const throwRun = await tollgate([
    "check",
    throwing,
    "--policy",
    path.join(throwing, "policy.ts"),
  ]);
  assert.equal(throwRun.code, 2);
  assert.match(throwRun.stderr, /policy\.ts: the policy module failed to load: .*policy exploded/);

  const notPolicy = await project({ "policy.ts": "export default 42;\n" });
  const notRun = await tollgate([
    "check",
    notPolicy,
    "--policy",
    path.join(notPolicy, "policy.ts"),
  ]);
  assert.equal(notRun.code, 2);
  assert.match(notRun.stderr, /expected a default export made with definePolicy/);

  for (const run of [yamlRun, unknownRun, paramsRun, throwRun, notRun]) noStackTrace(run.stderr);
});

Deno.test("a TS policy found in the scanned project is not run unless named", async () => {
  const marker = await Deno.makeTempDir();
  const dir = await project({
    "tollgate.policy.ts": `Deno.writeTextFileSync(${
      JSON.stringify(path.join(marker, "ran"))
    }, "x");\nexport default {};\n`,
  });
  const run = await tollgate(["check", dir], { write: true });
  assert.equal(run.code, 2);
  assert.match(
    run.stderr,
    /is a TypeScript policy, which runs code; it is only loaded when named explicitly/,
  );
  await assert.rejects(Deno.stat(path.join(marker, "ran")));
});

Deno.test("unreadable project input exits 3, names the file and line, and is in the coverage", async () => {
  const dir = await project({
    "requirements.txt": `numpy==1.26.4 --hash=sha256:${SHA}\ntorch=>2.0\n`,
    "pyproject.toml": "[project\nname = 'x'\n",
    ".venv/pyvenv.cfg": "include-system-site-packages = false\n",
  });
  const run = await tollgate(["check", dir, "--offline", "--format", "json"]);
  assert.equal(run.code, 3, run.stderr);
  const report = Report.parse(JSON.parse(run.stdout));
  assert.equal(report.verdict, "incomplete");
  const where = report.coverage.problems.map((p) => `${p.file}:${p.line}`);
  assert.deepEqual(where, ["pyproject.toml:1", "requirements.txt:2"]);
  assert.match(run.stderr, /incomplete: 2 input problem\(s\)/);
  assert.match(run.stderr, /requirements\.txt:2: /);
  noStackTrace(run.stderr);
  const allowed = await tollgate(["check", dir, "--offline", "--allow-incomplete", "--quiet"]);
  assert.equal(allowed.code, 0);
  assert.match(allowed.stdout, /2 input problem\(s\)/);
});

Deno.test("colour only on a terminal, never with --no-color or NO_COLOR", async () => {
  const capture = async (args: string[], isTerminal: boolean) => {
    const out: string[] = [];
    await main(args, { stdout: (t) => out.push(t), stderr: () => {}, isTerminal });
    return out.join("");
  };
  const base = ["check", path.join(REPO, "examples/ml-app"), "--offline", "--now", NOW];
  const saved = Deno.env.get("NO_COLOR");
  Deno.env.delete("NO_COLOR");
  try {
    assert.ok((await capture(base, true)).includes(`${ESC}31m`));
    assert.ok(!(await capture(base, false)).includes(ESC));
    assert.ok(!(await capture([...base, "--no-color"], true)).includes(ESC));
    Deno.env.set("NO_COLOR", "1");
    assert.ok(!(await capture(base, true)).includes(ESC));
  } finally {
    if (saved === undefined) Deno.env.delete("NO_COLOR");
    else Deno.env.set("NO_COLOR", saved);
  }
});

Deno.test("--format is repeatable with FORMAT=PATH; --fail-on and --strict change the outcome", async () => {
  const dir = await Deno.makeTempDir();
  const jsonFile = path.join(dir, "report.json");
  const run = await tollgate(
    [
      "check",
      "examples/ml-app",
      "--offline",
      "--now",
      NOW,
      "--format",
      "text",
      "--format",
      `json=${jsonFile}`,
    ],
    { write: true },
  );
  assert.equal(run.code, 1);
  assert.match(run.stdout, /^FAIL /m);
  assert.equal(Report.parse(JSON.parse(await Deno.readTextFile(jsonFile))).verdict, "fail");

  const warnOnly = await project({ "requirements.txt": `numpy==1.26.4 --hash=sha256:${SHA}\n` });
  assert.equal((await tollgate(["check", warnOnly, "--offline"])).code, 0); // no venv: a warning
  assert.equal((await tollgate(["check", warnOnly, "--offline", "--fail-on", "warning"])).code, 1);
});

Deno.test("YAML extends by relative path merges in order; a cycle is a configuration error", async () => {
  const dir = await project({
    "policies/base.yaml":
      "extends: [recommended]\nfailOn: warning\nchecks:\n  venv.isolated: false\n",
    "tollgate.yaml": "extends: [policies/base.yaml]\nchecks:\n  source.https-only: false\n",
    ".github/CODEOWNERS": "* @acme/ml-platform\n",
    "requirements.txt": `numpy==1.26.4 --hash=sha256:${SHA}\n`,
  });
  const { code, stderr, report } = await checkJson(dir);
  assert.equal(code, 0, stderr);
  assert.equal(report.failOn, "warning");
  // Every built-in check but the two the policies switched off, in id order.
  const disabled = ["source.https-only", "venv.isolated"];
  assert.deepEqual(
    report.results.map((r) => r.check),
    [...catalogue.keys()].filter((id) => !disabled.includes(id)),
  );
  const cycle = await project({
    "a.yaml": "extends: [b.yaml]\n",
    "b.yaml": "extends: [./a.yaml]\n",
  });
  const cycleRun = await tollgate(["check", cycle, "--policy", path.join(cycle, "a.yaml")]);
  assert.equal(cycleRun.code, 2);
  assert.match(cycleRun.stderr, /a\.yaml: extends: extends itself through a\.yaml → b\.yaml/);
  const builtin = await project({ "tollgate.yaml": "extends: [recomended]\n" });
  const builtinRun = await tollgate(["check", builtin]);
  assert.match(builtinRun.stderr, /extends\[0\]: unknown built-in policy "recomended"/);
});

Deno.test("stack traces only with --debug; a missing project directory is a usage error", async () => {
  const plain = await tollgate(["check", "does/not/exist"]);
  assert.equal(plain.code, 2);
  assert.equal(plain.stderr, "tollgate: does/not/exist: no such directory\n");
  const debug = await tollgate(["check", "does/not/exist", "--debug"]);
  assert.equal(debug.code, 2);
  assert.match(debug.stderr, /^\s+at /m);
});

Deno.test("--strict on the command line ignores the policy's waivers", async () => {
  const policy = ["--policy", "examples/policies/team.yaml"];
  const { report: lenient } = await checkJson("examples/ml-app", policy);
  const { report: strict } = await checkJson("examples/ml-app", [...policy, "--strict"]);
  assert.equal(lenient.summary.waived, 1);
  assert.equal(strict.summary.waived, 0);
  assert.equal(strict.strict, true);
  assert.equal(strict.summary.findings.error, lenient.summary.findings.error + 1);
});

Deno.test("this machine's pip config files and PIP_ variables count for a pip project, unless --no-machine-config", async () => {
  const home = await project({
    ".config/pip/pip.conf": "[global]\nextra-index-url = https://user:pw@mirror.example/simple\n",
  });
  const dir = await project({ "requirements.txt": `numpy==1.26.4 --hash=sha256:${SHA}\n` });
  const env = {
    HOME: home,
    PIP_CONFIG_FILE: "",
    XDG_CONFIG_DIRS: path.join(home, "no-global"),
    PIP_TRUSTED_HOST: "mirror.example",
    UV_INDEX: "internal=https://pypi.internal.example/simple",
  };
  const run = await tollgate(["check", dir, "--offline", "--format", "json", "--now", NOW], {
    env,
  });
  const report = Report.parse(JSON.parse(run.stdout));
  const located = report.results.flatMap((r) => r.findings)
    .map((f) => `${f.check} ${f.location?.file}:${f.location?.line ?? "-"} ${f.subject}`);
  for (
    const expected of [
      "source.allowed-indexes ~/.config/pip/pip.conf:2 index:https://***@mirror.example/simple",
      "source.https-only env:PIP_TRUSTED_HOST:- host:mirror.example",
    ]
  ) assert.ok(located.includes(expected), `missing ${expected}\n${located.join("\n")}`);
  // uv's variables do not reach `pip install -r requirements.txt`
  assert.ok(!located.some((line) => line.includes("UV_INDEX")), located.join("\n"));
  assert.ok(report.coverage.inputs.some((i) => i.file === "~/.config/pip/pip.conf"));
  assert.ok(!run.stdout.includes(home), "the home directory is written as ~");
  const projectOnly = await tollgate(
    ["check", dir, "--offline", "--format", "json", "--no-machine-config"],
    { env },
  );
  assert.equal(Report.parse(JSON.parse(projectOnly.stdout)).verdict, "pass");
});
