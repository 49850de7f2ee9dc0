import { deepStrictEqual, match, rejects } from "node:assert/strict";
import { maxAge, noKnownVulnerabilities, notYanked } from "../../../checks/freshness/mod.ts";
import { pkg, runCheck, snapshotOf, TEST_NOW } from "../../../testing.ts";
import { evaluate } from "../../../core/evaluate.ts";
import { definePolicy } from "../../../core/policy.ts";

Deno.test("without registry data the freshness checks error, or are skipped offline — never a silent pass", async () => {
  const snapshot = snapshotOf({ packages: [pkg("torch==2.1.0")] });
  await rejects(runCheck(notYanked({}), snapshot), /registry\.pypi/);
  const policy = definePolicy({ name: "t", checks: [maxAge({}), noKnownVulnerabilities({})] });
  const online = await evaluate({ snapshot, policy, now: TEST_NOW });
  deepStrictEqual(online.results.map((r) => r.status), ["error", "error"]);
  const offline = await evaluate({ snapshot, policy, now: TEST_NOW, offline: true });
  deepStrictEqual(offline.results.map((r) => r.status), ["skipped", "skipped"]);
  for (const r of offline.results) match(r.reason ?? "", /offline/);
});
