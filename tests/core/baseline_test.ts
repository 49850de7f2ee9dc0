import assert from "node:assert/strict";
import {
  type Baseline,
  baselineOf,
  definePolicy,
  evaluate,
  type FindingDraft,
  type Report,
} from "../../mod.ts";
import { snapshotOf, TEST_NOW } from "../../testing.ts";
import { fixedCheck } from "./_fixed_check.ts";

let current: FindingDraft[] = [];
const policy = definePolicy({
  name: "p",
  checks: [fixedCheck("custom.a", () => current)()],
  waivers: [],
});

async function run(drafts: FindingDraft[], baseline?: Baseline, extra = {}): Promise<Report> {
  current = drafts;
  return await evaluate({ snapshot: snapshotOf({}), policy, now: TEST_NOW, baseline, ...extra });
}

const torch: FindingDraft = {
  subject: "pkg:pypi/torch",
  message: "torch is not hash-pinned",
  location: { file: "requirements.txt", line: 3 },
};
const numpy: FindingDraft = {
  subject: "pkg:pypi/numpy",
  message: "numpy is not hash-pinned",
  location: { file: "requirements.txt", line: 4 },
};
const evil: FindingDraft = {
  subject: "pkg:pypi/evil",
  message: "evil is not hash-pinned",
  location: { file: "requirements.txt", line: 1 },
};

Deno.test("baseline: recorded findings no longer fail; a new one does, and only it counts", async () => {
  const before = await run([torch, numpy]);
  assert.equal(before.verdict, "fail");
  const baseline = baselineOf(before);
  assert.deepEqual(baseline.findings.map((f) => f.subject), ["pkg:pypi/numpy", "pkg:pypi/torch"]);

  const same = await run([torch, numpy], baseline);
  assert.equal(same.verdict, "pass");
  const result = same.results.find((r) => r.check === "custom.a")!;
  assert.equal(result.status, "pass");
  assert.deepEqual(result.findings, []);
  assert.equal(result.baselined?.length, 2, "known findings stay in the report");
  assert.deepEqual(same.baseline, {
    createdAt: before.evaluatedAt,
    known: 2,
    fixed: [],
    unchecked: 0,
  });
  assert.equal(same.summary.findings.error, 0);

  // A new finding above the old ones: lines move, the known ones are still known.
  const shifted = [
    evil,
    ...[torch, numpy].map((d) => ({
      ...d,
      location: { ...d.location!, line: d.location!.line! + 1 },
    })),
  ];
  const grown = await run(shifted, baseline);
  assert.equal(grown.verdict, "fail");
  const grownResult = grown.results.find((r) => r.check === "custom.a")!;
  assert.deepEqual(grownResult.findings.map((f) => f.subject), ["pkg:pypi/evil"]);
  assert.equal(grown.summary.findings.error, 1);
});

Deno.test("baseline: fixed findings are listed; findings of checks that did not run are not 'fixed'", async () => {
  const baseline = baselineOf(await run([torch, numpy]));
  const fixed = await run([torch], baseline);
  assert.equal(fixed.verdict, "pass");
  assert.deepEqual(fixed.baseline?.fixed.map((f) => f.subject), ["pkg:pypi/numpy"]);

  const other = definePolicy({ name: "other", checks: [], waivers: [] });
  const report = await evaluate({
    snapshot: snapshotOf({}),
    policy: other,
    now: TEST_NOW,
    baseline,
  });
  assert.deepEqual(report.baseline?.fixed, []);
  assert.equal(report.baseline?.unchecked, 2);
});

Deno.test("baseline: waived findings are not recorded, so a waiver's expiry still bites", async () => {
  current = [torch, numpy];
  const waived = await evaluate({
    snapshot: snapshotOf({}),
    policy: definePolicy({
      name: "p",
      checks: [fixedCheck("custom.a", () => current)()],
      waivers: [{
        check: "custom.a",
        subject: "pkg:pypi/torch",
        reason: "r",
        expires: "2099-01-01",
      }],
    }),
    now: TEST_NOW,
  });
  assert.deepEqual(baselineOf(waived).findings.map((f) => f.subject), ["pkg:pypi/numpy"]);
});

Deno.test("baseline: without one the report is unchanged, byte for byte", async () => {
  const plain = await run([torch]);
  assert.equal("baseline" in plain, false);
  assert.equal("baselined" in plain.results[0], false);
  const empty = await run([torch], { ...baselineOf(plain), findings: [] });
  assert.equal(empty.verdict, "fail");
  assert.deepEqual(empty.baseline, {
    createdAt: plain.evaluatedAt,
    known: 0,
    fixed: [],
    unchecked: 0,
  });
});

Deno.test("baseline: a baseline written from a baselined run keeps the known findings", async () => {
  const baseline = baselineOf(await run([torch, numpy]));
  const again = baselineOf(await run([torch, numpy, evil], baseline));
  assert.deepEqual(again.findings.map((f) => f.subject).sort(), [
    "pkg:pypi/evil",
    "pkg:pypi/numpy",
    "pkg:pypi/torch",
  ]);
});
