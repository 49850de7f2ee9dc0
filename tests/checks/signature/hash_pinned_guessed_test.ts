// hash-pinned: a declaration is covered by a requirements or lock entry of the same name, but a
// guessed name (issue 15, item 6) names nothing for sure, so it covers nothing.
import assert from "node:assert/strict";
import { checks } from "../../../checks/mod.ts";
import { pkg, runCheck, snapshotOf } from "../../../testing.ts";

Deno.test("a guessed requirements name does not cover a pyproject declaration of that name", async () => {
  const sha = "sha256:" + "a".repeat(64);
  const findings = await runCheck(
    checks.signature.hashPinned(),
    snapshotOf({
      packages: [
        pkg("numpy>=1.26", { layer: "manifest", locations: [{ file: "pyproject.toml", line: 4 }] }),
        pkg("numpy", {
          nameFrom: "guessed",
          source: { kind: "url", url: "https://files.example/dl/numpy-1.26.4.tar.gz" },
          hashes: [sha],
          locations: [{ file: "requirements.txt", line: 1 }],
        }),
        pkg("torch>=2", { layer: "manifest", locations: [{ file: "pyproject.toml", line: 5 }] }),
        pkg("torch==2.3.1", { hashes: [sha], locations: [{ file: "requirements.txt", line: 2 }] }),
      ],
    }),
  );
  assert.deepEqual(findings.map((f) => `${f.location?.file}:${f.location?.line} ${f.subject}`), [
    "pyproject.toml:4 pkg:pypi/numpy",
  ]);
});
