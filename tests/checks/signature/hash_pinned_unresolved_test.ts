// hash-pinned on a pin that holds an unexpanded ${VAR} (issue 15, item 9): no version is known,
// and the finding says why rather than calling the package unpinned.
import assert from "node:assert/strict";
import { checks } from "../../../checks/mod.ts";
import { pkg, runCheck, snapshotOf } from "../../../testing.ts";

Deno.test("a pin holding an unexpanded variable is reported as unresolved, not as unpinned", async () => {
  const findings = await runCheck(
    checks.signature.hashPinned(),
    snapshotOf({
      packages: [
        pkg("torch", {
          specifier: "==${TORCH_VERSION}",
          versionFrom: "unresolved",
          hashes: ["sha256:" + "a".repeat(64)],
        }),
      ],
    }),
  );
  assert.deepEqual(findings.map((f) => f.message), [
    "torch has no known version: its pin ==${TORCH_VERSION} holds an unexpanded variable, so " +
    "which file is installed is not known.",
  ]);
});
