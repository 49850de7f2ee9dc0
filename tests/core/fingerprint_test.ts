import assert from "node:assert/strict";
import { definePolicy, type FindingDraft, fingerprintAll, type Report } from "../../mod.ts";
import { runPolicy, snapshotOf } from "../../testing.ts";
import { fixedCheck } from "./_fixed_check.ts";

/** A check whose findings are given by the test. */
function returning(drafts: FindingDraft[]) {
  return fixedCheck("custom.fixed", () => drafts);
}

async function fingerprints(
  drafts: FindingDraft[],
  waivers: Parameters<typeof definePolicy>[0]["waivers"] = [],
): Promise<{ report: Report; prints: Map<string, string> }> {
  const report = await runPolicy(
    definePolicy({ name: "p", checks: [returning(drafts)()], waivers }),
    snapshotOf({}),
  );
  const result = report.results.find((r) => r.check === "custom.fixed")!;
  const prints = new Map<string, string>();
  for (const finding of [...result.findings, ...result.waived]) {
    assert.match(finding.fingerprint ?? "", /^[0-9a-f]{32}$/);
    prints.set(finding.message, finding.fingerprint!);
  }
  return { report, prints };
}

const two: FindingDraft[] = [
  { subject: "pkg:pypi/torch", message: "first", location: { file: "requirements.txt", line: 3 } },
  { subject: "pkg:pypi/torch", message: "second", location: { file: "requirements.txt", line: 9 } },
  { subject: "pkg:pypi/numpy", message: "numpy", location: { file: "requirements.txt", line: 5 } },
];

Deno.test("fingerprints: the same input gives the same fingerprints, all distinct", async () => {
  const a = await fingerprints(two);
  const b = await fingerprints(structuredClone(two));
  assert.deepEqual([...a.prints], [...b.prints]);
  assert.equal(new Set(a.prints.values()).size, 3);
});

Deno.test("fingerprints: lines moved by an unrelated edit above do not change them", async () => {
  const before = await fingerprints(two);
  const shifted = two.map((d) => ({
    ...d,
    location: { ...d.location!, line: d.location!.line! + 40 },
  }));
  const after = await fingerprints(shifted);
  assert.deepEqual([...after.prints], [...before.prints]);
});

Deno.test("fingerprints: a new finding for another subject leaves the others alone", async () => {
  const before = await fingerprints(two);
  const after = await fingerprints([
    { subject: "pkg:pypi/evil", message: "new", location: { file: "requirements.txt", line: 1 } },
    ...two,
  ]);
  for (const [message, print] of before.prints) assert.equal(after.prints.get(message), print);
  assert.ok(![...before.prints.values()].includes(after.prints.get("new")!));
});

Deno.test("fingerprints: a finding in another file, or of another check, is another finding", async () => {
  const [here, there, other] = await fingerprintAll([
    { check: "c", subject: "s", location: { file: "a.txt" } },
    { check: "c", subject: "s", location: { file: "b.txt" } },
    { check: "d", subject: "s", location: { file: "a.txt" } },
  ]);
  assert.equal(new Set([here, there, other]).size, 3);
  // The separator cannot be forged by a subject that contains the next field.
  const [joined] = await fingerprintAll([{ check: "c", subject: "s\0a.txt" }]);
  assert.notEqual(joined, here);
});

Deno.test("fingerprints: waiving a finding keeps its fingerprint and renames no other", async () => {
  const kept = await fingerprints(two);
  const waived = await fingerprints(two, [{
    check: "custom.fixed",
    subject: "pkg:pypi/torch",
    reason: "accepted",
    expires: "2099-01-01",
  }]);
  const result = waived.report.results.find((r) => r.check === "custom.fixed")!;
  assert.equal(result.waived.length, 2);
  assert.deepEqual([...waived.prints].sort(), [...kept.prints].sort());
});

Deno.test("fingerprints: a check cannot set its own", async () => {
  const report = await runPolicy(
    definePolicy({
      name: "p",
      checks: [
        returning([{ subject: "s", message: "m", fingerprint: "0".repeat(32) } as FindingDraft])(),
      ],
    }),
    snapshotOf({}),
  );
  const result = report.results.find((r) => r.check === "custom.fixed")!;
  assert.equal(result.status, "error");
  assert.match(result.reason ?? "", /fingerprint/);
});

Deno.test("waivers: a file glob limits a waiver to findings in matching files", async () => {
  const drafts: FindingDraft[] = [
    { subject: "model", message: "vendored", location: { file: "third_party/models/a.pkl" } },
    { subject: "model", message: "ours", location: { file: "models/a.pkl" } },
    { subject: "model", message: "nowhere" },
  ];
  const { report } = await fingerprints(drafts, [{
    check: "*",
    subject: "*",
    file: "third_party/**",
    reason: "vendored, reviewed upstream",
    expires: "2099-01-01",
  }]);
  const result = report.results.find((r) => r.check === "custom.fixed")!;
  assert.deepEqual(result.waived.map((f) => f.message), ["vendored"]);
  assert.deepEqual(result.findings.map((f) => f.message).sort(), ["nowhere", "ours"]);
  // '*' stays within one folder.
  const { report: shallow } = await fingerprints(drafts, [{
    check: "*",
    subject: "*",
    file: "third_party/*",
    reason: "r",
    expires: "2099-01-01",
  }]);
  assert.equal(shallow.results.find((r) => r.check === "custom.fixed")!.waived.length, 0);
});
