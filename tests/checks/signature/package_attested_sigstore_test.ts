import { deepStrictEqual, match, rejects, strictEqual } from "node:assert/strict";
import fc from "fast-check";
import { packageAttested } from "../../../checks/signature/package_attested.ts";
import { readProvenance } from "../../../verify/_pep740_bundle.ts";
import { pkg, runCheck, snapshotOf } from "../../../testing.ts";
import { provenanceOf, TestSigstore } from "../../_sigstore_testing.ts";
import { attest, check, root, snapshotWith, WHEEL, WHEEL_SHA } from "./_package_attested.ts";

/**
 * A real provenance object from PyPI, published from Google Cloud Build on 2025-04-21 (Rekor
 * rekor.sigstore.dev log index 200170367): the test asset
 * `test/assets/gcb_attestation_test-0.0.0.tar.gz.provenance` of pypi/pypi-attestations.
 */
const REAL_PROVENANCE = JSON.parse(
  await Deno.readTextFile(
    new URL(
      "../../fixtures/pep740/gcb_attestation_test-0.0.0.tar.gz.provenance.json",
      import.meta.url,
    ),
  ),
);

Deno.test("an attestation signed by another Sigstore does not verify against the trusted root", async () => {
  const stranger = new TestSigstore();
  const provenance = provenanceOf([
    stranger.attest({ filename: WHEEL, sha256: WHEEL_SHA }),
  ]);
  const findings = await runCheck(check(), snapshotWith(provenance));
  strictEqual(findings[0].evidence?.verdict, "invalid");
  match(
    findings[0].message,
    /does not verify: CERTIFICATE_ERROR: Failed to verify certificate chain/,
  );
});

Deno.test("inclusion promises alone (a v0.1 bundle) verify", async () => {
  const findings = await runCheck(
    check(),
    snapshotWith(provenanceOf([attest({ inclusion: "promise" })])),
  );
  deepStrictEqual(findings, []);
});

Deno.test("without the Source Repository URI extension a CI attestation is tied to no repository", async () => {
  const provenance = provenanceOf([attest({ omitSourceRepository: true })]);
  const pinnedRepo = await runCheck(check(), snapshotWith(provenance));
  deepStrictEqual(pinnedRepo.map((f) => [f.evidence?.verdict, f.severity]), [
    ["other-repository", "error"],
  ]);
  match(
    pinnedRepo[0].message,
    /published by https:\/\/github\.com\/acme\/widgets\/\.github\/workflows\/release\.yml@refs\/tags\/v1\.0\.0 \(issuer https:\/\/token\.actions\.githubusercontent\.com\), but its certificate has no Source Repository URI \(Fulcio extension 1\.3\.6\.1\.4\.1\.57264\.1\.12\), so it cannot be tied to github\.com\/acme\/widgets/,
  );
  const unpinned = await runCheck(check({ repositories: {} }), snapshotWith(provenance));
  deepStrictEqual(unpinned.map((f) => f.evidence?.verdict), ["unpinned"]);
  match(unpinned[0].message, /so it is tied to no repository/);
  // A Source Repository URI on another host than the issuer's binds nothing either.
  const gitlab = await runCheck(
    check(),
    snapshotWith(provenanceOf([attest({ issuer: "https://gitlab.com" })])),
  );
  match(
    gitlab[0].message,
    /Source Repository URI https:\/\/github\.com\/acme\/widgets is no repository on gitlab\.com/,
  );
});

Deno.test("a reusable workflow: the repository is the Source Repository URI's, not the SAN's", async () => {
  // The SAN names the reusable workflow's repository, which may be the expected one.
  const borrowed = attest({ repository: "mallory/widgets", workflowRepository: "acme/widgets" });
  const findings = await runCheck(check(), snapshotWith(provenanceOf([borrowed])));
  deepStrictEqual(findings.map((f) => f.evidence?.verdict), ["other-repository"]);
  match(
    findings[0].message,
    /published by github\.com\/mallory\/widgets, not from github\.com\/acme\/widgets/,
  );
  // The expected repository calling a shared workflow elsewhere passes.
  const shared = attest({ repository: "acme/widgets", workflowRepository: "pypa/workflows" });
  deepStrictEqual(await runCheck(check(), snapshotWith(provenanceOf([shared]))), []);
});

Deno.test("an unusable trusted root makes the check error", async () => {
  await rejects(
    runCheck(check({ trustedRoot: { mediaType: "x" } }), snapshotWith(null)),
    /trusted root lists no certificate authority/,
  );
});

Deno.test("a real PyPI attestation verifies offline against the bundled public-good root", async () => {
  // Published by a Google Cloud service account (no repository): verified, but not from GitHub.
  const statement = JSON.parse(
    atob(REAL_PROVENANCE.attestation_bundles[0].attestations[0].envelope.statement),
  );
  const [subject] = statement.subject;
  const snapshot = snapshotOf({
    packages: [pkg("gcb-attestation-test==0.0.0", { hashes: [`sha256:${subject.digest.sha256}`] })],
    registry: {
      pypi: [{
        name: "gcb-attestation-test",
        found: true,
        releases: [{
          version: "0.0.0",
          yanked: false,
          files: [{ filename: subject.name, sha256: subject.digest.sha256 }],
        }],
      }],
      advisories: [],
      hub: [],
      provenance: [{
        name: "gcb-attestation-test",
        version: "0.0.0",
        filename: subject.name,
        sha256: subject.digest.sha256,
        url: "https://pypi.org/integrity/gcb-attestation-test/0.0.0/x/provenance",
        provenance: REAL_PROVENANCE,
      }],
    },
  });
  const unpinned = await runCheck(
    packageAttested({ packages: ["gcb-attestation-test"] }),
    snapshot,
  );
  strictEqual(unpinned.length, 1);
  strictEqual(unpinned[0].evidence?.verdict, "unpinned");
  match(
    unpinned[0].message,
    /published by 919436158236-compute@developer\.gserviceaccount\.com \(issuer https:\/\/accounts\.google\.com\)/,
  );
  const pinnedRepo = await runCheck(
    packageAttested({
      packages: ["gcb-attestation-test"],
      repositories: { "gcb-attestation-test": "pypi/pypi-attestations" },
    }),
    snapshot,
  );
  strictEqual(pinnedRepo[0].evidence?.verdict, "other-repository");
  // The same attestation against our test root does not verify.
  const ours = await runCheck(
    packageAttested({ packages: ["gcb-attestation-test"], trustedRoot: root }),
    snapshot,
  );
  strictEqual(ours[0].evidence?.verdict, "invalid");
});

Deno.test("property: any provenance value, or a mutated valid one, is judged without throwing", async () => {
  const valid = provenanceOf([attest()]);
  const mutated = fc.tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), fc.jsonValue())
    .map(([path, value]) => mutate(valid, path, value));
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.jsonValue(), mutated, fc.anything()), async (provenance) => {
      // runCheck throws when the check errors; one file gives at most one finding.
      const findings = await runCheck(check(), snapshotWith(provenance));
      strictEqual(findings.length <= 1, true);
    }),
    { numRuns: 150 },
  );
  strictEqual(readProvenance(valid).ok, true);
});

Deno.test("property: a changed signature, statement or certificate never passes", async () => {
  const valid = attest();
  const fields = ["signature", "statement", "certificate"] as const;
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...fields),
      fc.uint8Array({ minLength: 1, maxLength: 96 }),
      async (field, bytes) => {
        const replacement = btoa(String.fromCharCode(...bytes));
        const changed = structuredClone(valid);
        if (field === "certificate") changed.verification_material.certificate = replacement;
        else changed.envelope[field] = replacement;
        const findings = await runCheck(check(), snapshotWith(provenanceOf([changed])));
        strictEqual(findings.length, 1);
        strictEqual(findings[0].evidence?.verdict, "invalid");
      },
    ),
    { numRuns: 60 },
  );
});

/** Replace the value at a path of indexes into keys (each index modulo the keys there). */
function mutate(value: unknown, path: number[], replacement: unknown): unknown {
  if (path.length === 0 || typeof value !== "object" || value === null) return replacement;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value)
    ? [...value]
    : { ...(value as Record<string, unknown>) };
  const keys = Object.keys(copy);
  if (keys.length === 0) return replacement;
  const key = keys[path[0] % keys.length];
  (copy as Record<string, unknown>)[key] = mutate(
    (copy as Record<string, unknown>)[key],
    path.slice(1),
    replacement,
  );
  return copy;
}
