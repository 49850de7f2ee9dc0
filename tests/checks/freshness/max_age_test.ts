import { deepStrictEqual, match } from "node:assert/strict";
import { maxAge } from "../../../checks/freshness/mod.ts";
import { pkg, runCheck, snapshotOf } from "../../../testing.ts";
import { registry } from "./_freshness.ts";

Deno.test("max-age reports each dependency further behind than the limit, with the newest version", async () => {
  const snapshot = snapshotOf({
    packages: [pkg("torch==2.1.0"), pkg("numpy==2.0.1"), pkg("internal-lib==1.0")],
    registry: registry(),
  });
  const findings = await runCheck(maxAge({ days: 365, private: ["internal_lib"] }), snapshot);
  deepStrictEqual(findings.map((f) => f.subject), ["pkg:pypi/torch@2.1.0"]);
  match(findings[0].message, /torch 2\.1\.0 is 797 days behind 2\.5\.0/);
  deepStrictEqual(await runCheck(maxAge({ days: 1000, private: ["internal-lib"] }), snapshot), []);
  // A pin the index does not know is never silently passed: it is named, as a warning.
  const [unknown] = await runCheck(maxAge({ days: 1000 }), snapshot);
  deepStrictEqual([unknown.subject, unknown.severity], ["pkg:pypi/internal-lib@1.0", "warning"]);
  match(unknown.message, /internal-lib is not on the index/);
});

Deno.test("max-age bounds total libyears when asked", async () => {
  const snapshot = snapshotOf({
    packages: [pkg("torch==2.1.0"), pkg("numpy==1.26.0")],
    registry: registry(),
  });
  const findings = await runCheck(maxAge({ days: 10_000, libyears: 2 }), snapshot);
  deepStrictEqual(findings.map((f) => f.subject), ["project"]);
  match(findings[0].message, /3\.5 libyears/);
});
