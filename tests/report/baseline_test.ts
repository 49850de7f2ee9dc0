// Formats with a baseline (SARIF results new or unchanged; text and Markdown count the known and
// list the fixed), and SARIF with a path prefix (files named from the repository root, so code
// scanning finds them when the project is a subfolder).
import assert from "node:assert/strict";
import { applyBaseline, baselineOf } from "../../core/baseline.ts";
import { formatMarkdown, formatSarif, formatText, rulesOf } from "../../report/mod.ts";
import { assertValidSarif, mlAppReport } from "./_reports.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

Deno.test("sarif: with a baseline, findings are 'new' and known ones 'unchanged', all still results", async () => {
  const { report, policy } = await mlAppReport();
  const baseline = baselineOf(report);
  const all = report.results.flatMap((r) => r.findings);
  // Record all but the first finding; the first is then the only new one.
  const partial = {
    ...baseline,
    findings: baseline.findings.filter((e) => e.fingerprint !== all[0].fingerprint),
  };
  const judged = structuredClone(report);
  judged.baseline = applyBaseline(judged.results, partial);
  const text = formatSarif(judged, { checks: rulesOf(policy) });
  await assertValidSarif(text);
  const results: Json[] = JSON.parse(text).runs[0].results;
  const states = results.filter((r) => !r.suppressions).map((r) => r.baselineState);
  assert.equal(states.filter((s) => s === "new").length, 1);
  assert.equal(states.filter((s) => s === "unchanged").length, all.length - 1);
  const fresh = results.find((r) => r.baselineState === "new");
  assert.equal(fresh.partialFingerprints["tollgate/v1"], all[0].fingerprint);
  // Without a baseline, no result claims a state.
  assert.ok(
    JSON.parse(formatSarif(report)).runs[0].results.every((r: Json) => !("baselineState" in r)),
  );
});

Deno.test("sarif: a path prefix puts the project's folder before every project file, and nothing else", async () => {
  const { report } = await mlAppReport();
  const plain: Json = JSON.parse(formatSarif(report));
  const prefixed: Json = JSON.parse(formatSarif(report, { pathPrefix: "examples/ml-app" }));
  await assertValidSarif(JSON.stringify(prefixed));
  const uris = (log: Json) =>
    log.runs[0].results.flatMap((r: Json) =>
      (r.locations ?? []).map((l: Json) => l.physicalLocation?.artifactLocation?.uri ?? "(logical)")
    );
  const before = uris(plain);
  const after = uris(prefixed);
  assert.ok(before.some((u: string) => u !== "(logical)"));
  assert.deepEqual(
    after,
    before.map((u: string) => u === "(logical)" ? u : `examples/ml-app/${u}`),
    "machine configuration (~/…, env:…) stays a logical location",
  );
  assert.throws(() => formatSarif(report, { pathPrefix: "../x" }), /not a relative path inside/);
});

Deno.test("markdown and text: a baselined report says how many findings are known and lists the fixed", async () => {
  const { report } = await mlAppReport();
  const baseline = baselineOf(report);
  const gone = baseline.findings[0];
  const judged = structuredClone(report);
  // Every finding known, plus one recorded finding this run no longer has.
  judged.baseline = applyBaseline(judged.results, {
    ...baseline,
    findings: [...baseline.findings, {
      ...gone,
      fingerprint: "f".repeat(32),
      subject: "pkg:pypi/gone",
    }],
  });
  const known = judged.baseline.known;
  assert.ok(known > 0);
  assert.match(formatMarkdown(judged), new RegExp(`${known} known \\(baseline\\), 1 fixed since`));
  const text = formatText(judged, {});
  assert.match(text, new RegExp(`${known} known \\(baseline\\), 1 fixed`));
  assert.match(text, /Fixed since the baseline \(1\):\n {2}\S+ {2}.*pkg:pypi\/gone/);
});
