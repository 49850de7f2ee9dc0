import assert from "node:assert/strict";
import { z } from "zod";
import { defineCheck, definePolicy, disable, evaluate, WAIVERS_CHECK_ID } from "../../mod.ts";
import { index, pkg, runPolicy, snapshotOf, TEST_NOW } from "../../testing.ts";
import { checks } from "../../checks/mod.ts";
import type { CheckDefinition, CheckFactory } from "../../core/check.ts";
import type { Section } from "../../core/snapshot.ts";

/** A throwaway check for exercising the runtime: only what the test is about is given. */
function customCheck(
  options: { id: string; needs: Section[]; run: CheckDefinition["run"] },
): CheckFactory<z.ZodType> {
  return defineCheck({
    ...options,
    title: options.id,
    description: "",
    family: "custom",
    severity: "error",
    references: [],
    params: z.object({}),
    remedy: "",
  });
}

const throwing = customCheck({
  id: "custom.throws",
  needs: ["packages"],
  run: () => {
    throw new Error("boom at line 3");
  },
});

const malformed = customCheck({
  id: "custom.malformed",
  needs: [],
  run: () => [{ subject: "x", message: "" }],
});

Deno.test("a check that throws becomes status error with its message; the others still run", async () => {
  const report = await runPolicy(
    definePolicy({ name: "p", checks: [throwing(), checks.signature.hashPinned()] }),
    snapshotOf({ packages: [pkg("numpy==1.26.4")] }),
  );
  const thrown = report.results.find((r) => r.check === "custom.throws")!;
  assert.equal(thrown.status, "error");
  assert.equal(thrown.reason, "the check failed: boom at line 3");
  assert.equal(report.results.find((r) => r.check === "signature.hash-pinned")!.status, "fail");
  assert.equal(report.verdict, "fail");
  assert.equal(report.summary.error, 1);
});

Deno.test("an errored check alone makes the verdict incomplete, never pass", async () => {
  const report = await runPolicy(
    definePolicy({ name: "p", checks: [throwing()] }),
    snapshotOf({ packages: [] }),
  );
  assert.equal(report.verdict, "incomplete");
});

Deno.test("malformed findings are an error, not a crash", async () => {
  const report = await runPolicy(definePolicy({ name: "p", checks: [malformed()] }), snapshotOf());
  assert.equal(report.results[0].status, "error");
  assert.equal(
    report.results[0].reason,
    "the check returned an invalid finding at [0].message: Too small: expected string to have >=1 characters",
  );
});

Deno.test("a section that was not collected is an error; registry data offline is skipped", async () => {
  const needsRegistry = customCheck({
    id: "custom.needs-registry",
    needs: ["registry.pypi"],
    run: () => [],
  });
  const policy = definePolicy({ name: "p", checks: [needsRegistry(), checks.venv.isolated()] });
  const online = await runPolicy(policy, snapshotOf({ packages: [], collected: ["packages"] }));
  assert.deepEqual(online.results.map((r) => [r.check, r.status]), [
    ["custom.needs-registry", "error"],
    ["venv.isolated", "error"],
  ]);
  assert.match(online.results[1].reason!, /environments/);
  const offline = await runPolicy(
    policy,
    snapshotOf({ packages: [], collected: ["packages"] }),
    { offline: true },
  );
  assert.equal(offline.results[0].status, "skipped");
  assert.match(offline.results[0].reason!, /--offline/);
  assert.equal(offline.results[1].status, "error");
  // A source that tried and failed says why in `missing`: an error quoting it, even offline.
  const failed = { ...snapshotOf({ packages: [], collected: ["packages"] }) };
  failed.missing = [{ section: "registry.pypi", reason: "the local database is damaged" }];
  const broken = await runPolicy(policy, failed, { offline: true });
  assert.equal(broken.results[0].status, "error");
  assert.match(broken.results[0].reason!, /registry\.pypi.*: the local database is damaged/);
  assert.deepEqual(broken.coverage.missing, failed.missing);
  assert.equal(broken.verdict, "incomplete");
});

Deno.test("same snapshot, policy and now give byte-identical reports", async () => {
  const snapshot = snapshotOf({
    packages: [pkg("b==1"), pkg("a==1", { locations: [{ file: "requirements.txt", line: 9 }] })],
    indexes: [index("http://mirror.example/simple", { role: "extra" })],
  });
  const one = JSON.stringify(
    await runPolicy(
      definePolicy({
        name: "p",
        checks: [
          checks.source.httpsOnly(),
          checks.signature.hashPinned(),
        ],
      }),
      snapshot,
    ),
  );
  const two = JSON.stringify(
    await runPolicy(
      definePolicy({
        name: "p",
        checks: [
          checks.signature.hashPinned(),
          checks.source.httpsOnly(),
        ],
      }),
      structuredClone(snapshot),
    ),
  );
  assert.equal(one, two);
  const report = JSON.parse(one);
  assert.deepEqual(report.results.map((r: { check: string }) => r.check), [
    "signature.hash-pinned",
    "source.https-only",
  ]);
  assert.deepEqual(report.results[0].findings.map((f: { subject: string }) => f.subject), [
    "pkg:pypi/b@1",
    "pkg:pypi/a@1",
  ]);
});

Deno.test("waivers: matched findings are reported apart; expired warns; unused is orphaned", async () => {
  const policy = definePolicy({
    name: "p",
    checks: [checks.signature.hashPinned()],
    waivers: [
      {
        check: "signature.hash-pinned",
        subject: "pkg:pypi/numpy@*",
        reason: "vendored",
        expires: "2026-01-15",
      },
      {
        check: "signature.hash-pinned",
        subject: "pkg:pypi/torch@*",
        reason: "old",
        owner: "@ml",
        expires: "2026-01-14",
      },
      { check: "*", subject: "pkg:pypi/nothing", reason: "stale", expires: "2027-01-01" },
    ],
  });
  const snapshot = snapshotOf({ packages: [pkg("numpy==1.26.4"), pkg("torch==2.3.1")] });
  const report = await runPolicy(policy, snapshot, { now: new Date("2026-01-15T23:59:59Z") });
  const pinned = report.results.find((r) => r.check === "signature.hash-pinned")!;
  assert.deepEqual(pinned.findings.map((f) => f.subject), ["pkg:pypi/torch@2.3.1"]);
  assert.deepEqual(pinned.waived.map((f) => [f.subject, f.waiver.reason]), [[
    "pkg:pypi/numpy@1.26.4",
    "vendored",
  ]]);
  const waivers = report.results.find((r) => r.check === WAIVERS_CHECK_ID)!;
  assert.deepEqual(waivers.findings.map((f) => [f.severity, f.subject]), [
    ["info", "waiver:*:pkg:pypi/nothing"],
    ["warning", "waiver:signature.hash-pinned:pkg:pypi/torch@*"],
  ]);
  assert.match(waivers.findings[1].message, /expired on 2026-01-14/);
  assert.match(waivers.findings[1].message, /@ml/);
  assert.equal(report.summary.waived, 1);

  const strict = await runPolicy(policy, snapshot, { strict: true });
  assert.equal(strict.results.find((r) => r.check === "signature.hash-pinned")!.findings.length, 2);
  assert.equal(strict.results.find((r) => r.check === WAIVERS_CHECK_ID), undefined);
  assert.equal(strict.summary.waived, 0);
});

Deno.test("a waiver stops applying the day after it expires", async () => {
  const policy = definePolicy({
    name: "p",
    checks: [checks.signature.hashPinned()],
    waivers: [{ check: "signature.hash-pinned", subject: "*", reason: "r", expires: "2026-01-15" }],
  });
  const snapshot = snapshotOf({ packages: [pkg("numpy==1.26.4")] });
  const before = await runPolicy(policy, snapshot, { now: new Date("2026-01-15T12:00:00Z") });
  assert.equal(before.verdict, "pass");
  const after = await runPolicy(policy, snapshot, { now: new Date("2026-01-16T00:00:00Z") });
  assert.equal(after.verdict, "fail");
});

Deno.test("failOn decides which severities fail the verdict", async () => {
  const snapshot = snapshotOf({ environments: [] });
  const onError = await runPolicy(
    definePolicy({ name: "p", checks: [checks.venv.isolated()] }),
    snapshot,
  );
  assert.equal(onError.results[0].status, "warn"); // a warning below failOn warns...
  assert.equal(onError.verdict, "pass"); // ...and does not fail a policy failing on errors
  const onWarning = await runPolicy(
    definePolicy({ name: "p", checks: [checks.venv.isolated()], failOn: "warning" }),
    snapshot,
  );
  assert.equal(onWarning.verdict, "fail");
  assert.equal(onWarning.results[0].status, "fail");
});

Deno.test("extends merges by check id, later wins; disable removes; waivers accumulate", () => {
  const base = definePolicy({
    name: "base",
    checks: [
      checks.source.allowedIndexes({ indexes: ["https://a/simple"] }),
      checks.venv.isolated(),
    ],
    waivers: [{ check: "*", subject: "a", reason: "r", expires: "2030-01-01" }],
    failOn: "warning",
  });
  const middle = definePolicy({
    name: "middle",
    extends: [base],
    checks: [
      checks.source.allowedIndexes({ indexes: ["https://b/simple"] }),
      disable("venv.isolated"),
    ],
  });
  const top = definePolicy({
    name: "top",
    extends: [middle],
    checks: [checks.hub.revisionPinned()],
    waivers: [{ check: "*", subject: "b", reason: "r", expires: "2030-01-01" }],
  });
  assert.deepEqual(top.checks.map((c) => c.id), ["hub.revision-pinned", "source.allowed-indexes"]);
  assert.deepEqual(top.checks[1].params, { indexes: ["https://b/simple"] });
  assert.deepEqual(top.disabled, ["venv.isolated"]);
  assert.deepEqual(top.waivers.map((w) => w.subject), ["a", "b"]);
  assert.equal(top.failOn, "warning");
  const reenabled = definePolicy({
    name: "again",
    extends: [top],
    checks: [checks.venv.isolated()],
  });
  assert.ok(reenabled.checks.some((c) => c.id === "venv.isolated"));
});

Deno.test("evaluate defaults to the current time and does not mutate the snapshot", async () => {
  const snapshot = snapshotOf({ packages: [pkg("numpy==1.26.4")] });
  const copy = structuredClone(snapshot);
  const report = await evaluate({
    snapshot,
    policy: definePolicy({ name: "p", checks: [checks.signature.hashPinned()] }),
  });
  assert.deepEqual(snapshot, copy);
  assert.ok(Date.parse(report.evaluatedAt) > TEST_NOW.getTime());
});

Deno.test("a check cannot change what later checks see; a hung check times out as error", async () => {
  const mutating = customCheck({
    id: "aaa.mutate",
    needs: ["packages"],
    run: (snapshot) => {
      (snapshot.packages as unknown[]).length = 0;
      return [];
    },
  });
  const hung = customCheck({
    id: "custom.hangs",
    needs: [],
    run: () => new Promise(() => {}),
  });
  const report = await evaluate({
    snapshot: snapshotOf({ packages: [pkg("numpy==1.26.4")] }),
    policy: definePolicy({
      name: "p",
      checks: [mutating(), hung(), checks.signature.hashPinned()],
    }),
    now: TEST_NOW,
    checkTimeoutMs: 50,
  });
  const byId = Object.fromEntries(report.results.map((r) => [r.check, r]));
  assert.equal(byId["aaa.mutate"].status, "error");
  assert.match(byId["aaa.mutate"].reason!, /read.only|not extensible|Cannot assign|frozen/i);
  assert.equal(byId["custom.hangs"].status, "error");
  assert.equal(byId["custom.hangs"].reason, "the check failed: it did not finish within 0.05 s");
  assert.equal(byId["signature.hash-pinned"].findings.length, 1);
});

Deno.test("the report names the snapshot it judged by digest", async () => {
  const snapshot = snapshotOf({ packages: [pkg("numpy==1.26.4")] });
  const a = await runPolicy(definePolicy({ name: "p", checks: [] }), snapshot);
  const b = await runPolicy(
    definePolicy({ name: "p", checks: [] }),
    snapshotOf({ packages: [pkg("numpy==1.26.5")] }),
  );
  assert.match(a.snapshot.digest, /^sha256:[0-9a-f]{64}$/);
  assert.notEqual(a.snapshot.digest, b.snapshot.digest);
  assert.equal(a.snapshot.collectedAt, snapshot.collectedAt);
});
