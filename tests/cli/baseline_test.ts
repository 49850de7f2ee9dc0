// --write-baseline / --baseline on the command line, on a copy of examples/ml-app edited the way a
// pull request would edit it; --path-prefix and --progress, the other flags pipelines need.
import assert from "node:assert/strict";
import * as path from "node:path";
import { Baseline } from "../../core/baseline.ts";
import { Report } from "../../core/report.ts";
import { NOW, REPO, tollgate } from "../_cli.ts";

const ML_APP = path.join(REPO, "examples/ml-app");

async function copyOfMlApp(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "tollgate-baseline-" });
  const out = await new Deno.Command("cp", { args: ["-a", `${ML_APP}/.`, dir] }).output();
  assert.ok(out.success);
  return dir;
}

async function check(dir: string, extra: string[]) {
  const run = await tollgate(
    ["check", dir, "--offline", "--no-machine-config", "--now", NOW, "--format", "json", ...extra],
    { write: true },
  );
  assert.notEqual(run.stdout, "", run.stderr);
  return { ...run, report: Report.parse(JSON.parse(run.stdout)) };
}

Deno.test("baseline CLI: record, then pass; a new finding fails alone; a fixed one is listed", async () => {
  const dir = await copyOfMlApp();
  const file = path.join(await Deno.makeTempDir(), "baseline.json");
  try {
    const first = await check(dir, ["--write-baseline", file]);
    assert.equal(first.code, 1, "writing a baseline does not hide today's verdict");
    const baseline = Baseline.parse(JSON.parse(await Deno.readTextFile(file)));
    const total = first.report.results.reduce((n, r) => n + r.findings.length, 0);
    assert.equal(baseline.findings.length, total);
    assert.match(first.stderr, new RegExp(`recorded ${total} finding\\(s\\) in `));

    const same = await check(dir, ["--baseline", file]);
    assert.equal(same.code, 0, same.stderr);
    assert.equal(same.report.verdict, "pass");
    assert.equal(same.report.baseline?.known, total);

    // The pull request: a new unpinned package above the others (every line below moves), and
    // the extra index (a recorded finding) removed.
    const requirements = path.join(dir, "requirements.txt");
    const text = await Deno.readTextFile(requirements);
    await Deno.writeTextFile(
      requirements,
      "acme-feature-store\n" +
        text.replace("--extra-index-url https://pypi.ml-internal.example.com/simple\n", ""),
    );
    const pr = await check(dir, ["--baseline", file]);
    assert.equal(pr.code, 1);
    const fresh = pr.report.results.flatMap((r) => r.findings);
    assert.ok(fresh.length > 0);
    assert.ok(
      fresh.every((f) => f.subject.includes("acme-feature-store")),
      `only the new package's findings are new: ${fresh.map((f) => `${f.check} ${f.subject}`)}`,
    );
    const fixed = pr.report.baseline!.fixed;
    assert.ok(fixed.some((e) => e.subject.includes("pypi.ml-internal.example.com")), "fixed");
    assert.ok(
      fixed.every((e) => e.file === "requirements.txt"),
      "moving lines fixes nothing else",
    );
    const text2 = await tollgate(
      ["check", dir, "--offline", "--no-machine-config", "--now", NOW, "--baseline", file],
    );
    assert.match(text2.stdout, /Fixed since the baseline/);
    assert.match(text2.stdout, / known \(baseline\), \d+ fixed/);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(path.dirname(file), { recursive: true });
  }
});

Deno.test("baseline CLI: an unreadable or foreign baseline is a configuration error naming it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tollgate-baseline-bad-" });
  try {
    const cases: [string, string, RegExp][] = [
      [
        "broken.json",
        '{\n  "schema": "tollgate.baseline/v1",\n  oops\n}',
        /broken\.json:3: not JSON/,
      ],
      [
        "report.json",
        '{"schema": "tollgate.report/v1"}',
        /report\.json: schema: not a tollgate\.baseline\/v1 file/,
      ],
      [
        "short.json",
        JSON.stringify({
          schema: "tollgate.baseline/v1",
          createdAt: "x",
          project: "p",
          policy: "p",
          findings: [{
            fingerprint: "nothex",
            check: "c",
            severity: "error",
            subject: "s",
            message: "m",
          }],
        }),
        /short\.json: findings\[0\]\.fingerprint: not a tollgate\.baseline\/v1 file: expected 32 hex digits/,
      ],
    ];
    for (const [name, text, message] of cases) {
      await Deno.writeTextFile(path.join(dir, name), text);
      const run = await tollgate([
        "check",
        ML_APP,
        "--offline",
        "--baseline",
        path.join(dir, name),
      ]);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, message);
      assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack trace");
    }
    const missing = await tollgate([
      "check",
      ML_APP,
      "--offline",
      "--baseline",
      path.join(dir, "nope.json"),
    ]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.json: cannot read the baseline: no such file/);
    const scan = await tollgate(["scan", ML_APP, "--baseline", path.join(dir, "report.json")]);
    assert.equal(scan.code, 2);
    assert.match(scan.stderr, /apply to check and eval/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("eval --baseline: a stored snapshot judged against a baseline gives check's verdict", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tollgate-baseline-eval-" });
  try {
    const baseline = path.join(dir, "baseline.json");
    const snapshot = path.join(dir, "snapshot.json");
    await check(ML_APP, ["--write-baseline", baseline]);
    const snap = await tollgate(["snapshot", ML_APP, "--no-machine-config", "--output", snapshot], {
      write: true,
    });
    assert.equal(snap.code, 0, snap.stderr);
    const run = await tollgate([
      "eval",
      snapshot,
      "--offline",
      "--now",
      NOW,
      "--baseline",
      baseline,
      "--format",
      "json",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(Report.parse(JSON.parse(run.stdout)).baseline?.fixed.length, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--path-prefix: annotations name files from the repository root; a path outside is refused", async () => {
  const github = await tollgate([
    "check",
    ML_APP,
    "--offline",
    "--no-machine-config",
    "--format",
    "github",
    "--path-prefix",
    "./examples/ml-app/",
  ]);
  const files = [...github.stdout.matchAll(/^::\w+ file=([^,]+),/gm)].map((m) => m[1]);
  assert.ok(files.length > 0);
  for (const file of files) {
    assert.ok(file.startsWith("examples/ml-app/"), file);
    await Deno.stat(path.join(REPO, file));
  }
  for (const bad of ["../elsewhere", "/abs"]) {
    const run = await tollgate([
      "check",
      ML_APP,
      "--offline",
      "--format",
      "github",
      "--path-prefix",
      bad,
    ]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--path-prefix: ".*" is not a relative path inside the repository/);
  }
});

Deno.test("--progress: plain progress lines on stderr when it is not a terminal, none without", async () => {
  const quiet = await tollgate(["check", ML_APP, "--offline", "--no-machine-config"]);
  assert.doesNotMatch(quiet.stderr, /tollgate: (hashing files|fetching registry data):/);
  const shown = await tollgate(["check", ML_APP, "--offline", "--no-machine-config", "--progress"]);
  assert.match(shown.stderr, /^tollgate: fetching registry data: \d+\/\d+$/m);
  assert.ok(!shown.stderr.includes("\r") && !shown.stderr.includes("\u001b"), "no terminal codes");
});
