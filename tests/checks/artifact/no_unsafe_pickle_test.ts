// Model files end to end: the real fixtures (written by torch, joblib, numpy, pickle) collected
// from a project tree and judged by the artifact checks, against LABELS.json.
import assert from "node:assert/strict";
import * as path from "node:path";
import { collect } from "../../../collect/mod.ts";
import { checks } from "../../../checks/mod.ts";
import { runCheck } from "../../../testing.ts";

const FIXTURES = new URL("../../../../shared/fixtures/models/", import.meta.url).pathname;
const LABELS: Record<string, { format: string; dangerous: boolean; dangerous_globals: string[] }> =
  JSON.parse(Deno.readTextFileSync(path.join(FIXTURES, "LABELS.json")));

async function fixtureProject(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "tollgate-models-" });
  await Deno.mkdir(path.join(dir, "models"));
  for (const name of Object.keys(LABELS)) {
    await Deno.copyFile(path.join(FIXTURES, name), path.join(dir, "models", name));
  }
  return dir;
}

Deno.test("every fixture is collected with its format; dangerous ones fail with their globals", async () => {
  const dir = await fixtureProject();
  try {
    const snapshot = await collect({ root: dir, env: {} });
    assert.deepEqual(snapshot.problems, []);
    const byPath = new Map(snapshot.artifacts.map((a) => [a.path, a]));
    for (const [name, label] of Object.entries(LABELS)) {
      assert.equal(byPath.get(`models/${name}`)?.format, label.format, name);
    }
    for (const artifact of snapshot.artifacts) assert.deepEqual(artifact.issues, [], artifact.path);
    // Deny by default: unknown imports (whole pickled modules, estimators) are errors too, but
    // only the dangerous ones carry kind "dangerous".
    const findings = await runCheck(checks.artifact.noUnsafePickle(), snapshot);
    const dangerous = new Map(
      findings.filter((f) => f.evidence?.kind === "dangerous")
        .map((f) => [f.subject, f.evidence?.globals]),
    );
    for (const [name, label] of Object.entries(LABELS)) {
      if (label.dangerous) {
        assert.deepEqual(dangerous.get(`models/${name}`), label.dangerous_globals, name);
      } else assert.ok(!dangerous.has(`models/${name}`), `${name} was reported dangerous`);
    }
    for (const f of findings) assert.equal(f.severity, "error");
    const unknown = findings.filter((f) => f.evidence?.kind === "unknown").map((f) => f.subject);
    assert.deepEqual(unknown.sort(), [
      "models/linear_full_module.pt",
      "models/malicious_sklearn.joblib",
      "models/sklearn_logreg.joblib",
      "models/sklearn_logreg.pkl",
    ]);
    // With warnUnknown, benign files pass or, for whole pickled modules and estimators, ask for
    // a review; the dangerous ones stay errors.
    const relaxed = await runCheck(checks.artifact.noUnsafePickle({ warnUnknown: true }), snapshot);
    const errors = new Map(
      relaxed.filter((f) => f.severity === "error").map((f) => [f.subject, f.evidence?.globals]),
    );
    for (const [name, label] of Object.entries(LABELS)) {
      if (label.dangerous) {
        assert.deepEqual(errors.get(`models/${name}`), label.dangerous_globals, name);
      } else assert.ok(!errors.has(`models/${name}`), `${name} was reported dangerous`);
    }
    const warned = relaxed.filter((f) => f.severity === "warning").map((f) => f.subject).sort();
    for (const subject of warned) {
      assert.ok(!LABELS[subject.slice(7)].dangerous || errors.has(subject), subject);
    }
    const formats = await runCheck(checks.artifact.safeFormat(), snapshot);
    assert.ok(!formats.some((f) => f.subject === "models/model.safetensors"));
    assert.ok(!formats.some((f) => f.subject === "models/array_float32.npy"));
    assert.ok(formats.some((f) => f.subject === "models/pytorch_model.bin"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the CLI fails a project carrying a malicious model, naming the file and the import", async () => {
  const { checkJson } = await import("../../_cli.ts");
  const dir = await Deno.makeTempDir({ prefix: "tollgate-models-" });
  try {
    await Deno.copyFile(
      path.join(FIXTURES, "malicious_state_dict.pt"),
      path.join(dir, "weights.pt"),
    );
    const { code, report } = await checkJson(dir);
    assert.equal(code, 1);
    const finding = report.results.find((r) =>
      r.check === "artifact.no-unsafe-pickle"
    )!.findings[0];
    assert.equal(finding.location?.file, "weights.pt");
    assert.match(finding.message, /runs code when loaded: it imports posix\.system/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tollgate scan: model files by path, with the artifact checks only", async () => {
  const { tollgate } = await import("../../_cli.ts");
  const dir = await Deno.makeTempDir({ prefix: "tollgate-scan-" });
  try {
    await Deno.copyFile(path.join(FIXTURES, "malicious_eval.pkl"), path.join(dir, "evil.bin"));
    await Deno.copyFile(
      path.join(FIXTURES, "model.safetensors"),
      path.join(dir, "model.safetensors"),
    );
    const run = await tollgate(["scan", dir, "--format", "json"]);
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout);
    assert.deepEqual(report.results.map((r: { check: string }) => r.check), [
      "artifact.no-embedded-code",
      "artifact.no-unsafe-pickle",
      "artifact.safe-format",
    ]);
    const errors = report.results[1].findings;
    assert.deepEqual(errors.map((f: { subject: string }) => f.subject), [`${dir}/evil.bin`]);
    assert.match(errors[0].message, /imports builtins\.eval/);
    const safe = await tollgate(["scan", path.join(dir, "model.safetensors")]);
    assert.equal(safe.code, 0, safe.stdout + safe.stderr);
    const missing = await tollgate(["scan", path.join(dir, "nope.pt")]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.pt: no such file or directory/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
