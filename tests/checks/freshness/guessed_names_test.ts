// The registry-backed checks judge only names someone wrote (issue 15, item 6): a reader's guess
// at a name (from a path or URL) may be another project on PyPI entirely.
import assert from "node:assert/strict";
import { maxAge, noKnownVulnerabilities, notYanked } from "../../../checks/freshness/mod.ts";
import { pkg, runCheck, snapshotOf } from "../../../testing.ts";
import { registry } from "./_freshness.ts";

Deno.test("freshness and vulnerability checks skip a guessed name, even with a version", async () => {
  const snapshot = snapshotOf({
    packages: [
      pkg("numpy==1.26.0", { nameFrom: "guessed" }),
      pkg("torch==2.1.0", { nameFrom: "guessed" }),
      pkg("internal-lib==1.0", { nameFrom: "guessed" }),
    ],
    registry: registry({
      advisories: [{
        id: "PYSEC-2024-1",
        aliases: [],
        package: "torch",
        version: "2.1.0",
        severity: "critical",
        fixed: ["2.2.0"],
      }],
    }),
  });
  assert.deepEqual(await runCheck(notYanked({}), snapshot), []);
  assert.deepEqual(await runCheck(maxAge({}), snapshot), []);
  assert.deepEqual(await runCheck(noKnownVulnerabilities({}), snapshot), []);
});
