import { match } from "node:assert/strict";
import { notYanked } from "../../../checks/freshness/mod.ts";
import { pkg, runCheck, snapshotOf } from "../../../testing.ts";
import { registry } from "./_freshness.ts";

Deno.test("not-yanked names the reason and the newest release", async () => {
  const snapshot = snapshotOf({ packages: [pkg("numpy==1.26.0")], registry: registry() });
  const [finding] = await runCheck(notYanked({}), snapshot);
  match(
    finding.message,
    /numpy 1\.26\.0 is yanked: broken wheels\. The newest release is 2\.0\.1\./,
  );
});
