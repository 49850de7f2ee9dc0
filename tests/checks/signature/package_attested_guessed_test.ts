// package-attested judges the critical packages someone named: a name a reader guessed from a path
// or URL (issue 15, item 6) is not the critical project, whatever it is spelled like.
import { deepStrictEqual } from "node:assert/strict";
import { runCheck } from "../../../testing.ts";
import { provenanceOf } from "../../_sigstore_testing.ts";
import { check, pinned, snapshotWith } from "./_package_attested.ts";

Deno.test("a guessed name is not a critical package: nothing to attest, nothing to find", async () => {
  const guessed = { ...pinned(), nameFrom: "guessed" as const };
  deepStrictEqual(await runCheck(check(), snapshotWith(provenanceOf([]), [guessed])), []);
  // The same entry with a written name is judged (and fails: no attestation).
  deepStrictEqual(
    (await runCheck(check(), snapshotWith(provenanceOf([]), [pinned()]))).length > 0,
    true,
  );
});
