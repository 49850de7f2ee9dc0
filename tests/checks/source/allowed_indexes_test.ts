import assert from "node:assert/strict";
import { checks } from "../../../checks/mod.ts";
import { index, runCheck, snapshotOf } from "../../../testing.ts";

Deno.test("allowed-indexes: conda channel names and URLs compare equal", async () => {
  const findings = await runCheck(
    checks.source.allowedIndexes(),
    snapshotOf({
      indexes: [
        index("conda-forge", { role: "conda-channel" }),
        index("https://conda.anaconda.org/conda-forge/", { role: "conda-channel" }),
        index("defaults", { role: "conda-channel" }),
        index("pytorch", { role: "conda-channel" }),
      ],
    }),
  );
  assert.deepEqual(findings.map((f) => f.subject), ["index:defaults", "index:pytorch"]);
});

Deno.test("allowed-indexes: a bare find-links directory is a path, not a conda channel", async () => {
  const findings = await runCheck(
    checks.source.allowedIndexes({
      indexes: ["https://pypi.org/simple", "https://conda.anaconda.org/*"],
    }),
    snapshotOf({
      indexes: [
        index("wheels", { role: "find-links" }),
        index("bioconda", { role: "conda-channel" }),
      ],
    }),
  );
  assert.deepEqual(findings.map((f) => f.subject), ["index:wheels"]);
  assert.match(findings[0].fix!, /add "wheels"/);
});
