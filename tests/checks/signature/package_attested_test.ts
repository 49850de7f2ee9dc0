import { deepStrictEqual, match, rejects, strictEqual } from "node:assert/strict";
import fc from "fast-check";
import { packageAttested } from "../../../checks/signature/package_attested.ts";
import { readProvenance } from "../../../verify/_pep740_bundle.ts";
import { normaliseRepository } from "../../../checks/signature/_pep740_judge.ts";
import { planProvenance } from "../../../verify/_pep740_targets.ts";
import type { Package, RegistryData } from "../../../core/snapshot.ts";
import { pkg, runCheck, runPolicy, snapshotOf } from "../../../testing.ts";
import { definePolicy } from "../../../core/policy.ts";
import {
  type AttestOptions,
  type Pep740Attestation,
  provenanceOf,
  sha256Hex,
  TestSigstore,
} from "../../_sigstore_testing.ts";

/**
 * A real provenance object from PyPI, published from Google Cloud Build on 2025-04-21 (Rekor
 * rekor.sigstore.dev log index 200170367): the test asset
 * `test/assets/gcb_attestation_test-0.0.0.tar.gz.provenance` of pypi/pypi-attestations.
 */
const REAL_PROVENANCE = JSON.parse(
  await Deno.readTextFile(
    new URL("../../fixtures/pep740/gcb_attestation_test-0.0.0.tar.gz.provenance.json", import.meta.url),
  ),
);

const sigstore = new TestSigstore();
const root = sigstore.trustedRoot();

const WHEEL = "widgets-1.0.0-py3-none-any.whl";
const SDIST = "widgets-1.0.0.tar.gz";
const WHEEL_SHA = sha256Hex(new TextEncoder().encode("wheel bytes"));
const SDIST_SHA = sha256Hex(new TextEncoder().encode("sdist bytes"));

const pypi: RegistryData["pypi"] = [{
  name: "widgets",
  found: true,
  releases: [{
    version: "1.0.0",
    yanked: false,
    files: [{ filename: WHEEL, sha256: WHEEL_SHA }, { filename: SDIST, sha256: SDIST_SHA }],
  }],
}];

const pinned = (hashes = [WHEEL_SHA]): Package =>
  pkg("widgets==1.0.0", { hashes: hashes.map((h) => `sha256:${h}`) });

const attest = (over: Partial<AttestOptions> = {}): Pep740Attestation =>
  sigstore.attest({ filename: WHEEL, sha256: WHEEL_SHA, ...over });

function snapshotWith(provenance: unknown, packages = [pinned()]) {
  return snapshotOf({
    packages,
    registry: {
      pypi,
      advisories: [],
      hub: [],
      provenance: [{
        name: "widgets",
        version: "1.0.0",
        filename: WHEEL,
        sha256: WHEEL_SHA,
        url: `https://pypi.org/integrity/widgets/1.0.0/${WHEEL}/provenance`,
        provenance,
      }],
    },
  });
}

const check = (over: Record<string, unknown> = {}) =>
  packageAttested({
    packages: ["widgets"],
    repositories: { widgets: "acme/widgets" },
    trustedRoot: root,
    ...over,
  });

Deno.test("an attestation from the expected repository passes", async () => {
  const findings = await runCheck(check(), snapshotWith(provenanceOf([attest()])));
  deepStrictEqual(findings, []);
});

Deno.test("each defect has its own verdict, message and severity", async () => {
  const cases: Array<[string, unknown, string, string, RegExp]> = [
    [
      "no provenance",
      null,
      "no-attestation",
      "error",
      /1 pinned file\(s\) of widgets 1\.0\.0 have no PEP 740 attestation on https:\/\/pypi\.org, though github\.com\/acme\/widgets is expected to publish them: widgets-1\.0\.0-py3-none-any\.whl/,
    ],
    [
      "another repository",
      provenanceOf([attest({ repository: "mallory/widgets" })]),
      "other-repository",
      "error",
      /was published by github\.com\/mallory\/widgets, not from github\.com\/acme\/widgets/,
    ],
    [
      "a signature over another digest",
      provenanceOf([attest({ sha256: SDIST_SHA })]),
      "other-subject",
      "error",
      /attests widgets-1\.0\.0-py3-none-any\.whl with sha256 [0-9a-f]{64}, not .* with the pinned sha256/,
    ],
    [
      "another file's statement",
      provenanceOf([attest({ filename: SDIST })]),
      "other-subject",
      "error",
      /attests widgets-1\.0\.0\.tar\.gz/,
    ],
    [
      "a tampered statement",
      provenanceOf([attest({
        signedStatement: {
          _type: "https://in-toto.io/Statement/v1",
          subject: [{ name: WHEEL, digest: { sha256: SDIST_SHA } }],
          predicateType: "https://docs.pypi.org/attestations/publish/v1",
          predicate: null,
        },
      })]),
      "invalid",
      "error",
      /does not verify: .*(TLOG_BODY_ERROR|SIGNATURE_ERROR)/,
    ],
    [
      "an unknown predicate type",
      provenanceOf([attest({ predicateType: "https://example.com/anything/v1" })]),
      "invalid",
      "error",
      /predicate type "?https:\/\/example\.com\/anything\/v1"? is not one PyPI accepts/,
    ],
    [
      "a certificate without SCT",
      provenanceOf([attest({ withoutSct: true })]),
      "invalid",
      "error",
      /CERTIFICATE_ERROR: expected 1 SCTs, got 0/,
    ],
    [
      "a log entry with a proof but no timestamp",
      provenanceOf([attest({ inclusion: "proof" })]),
      "invalid",
      "error",
      /TIMESTAMP_ERROR/,
    ],
    [
      "a signer from another issuer",
      provenanceOf([attest({ issuer: "https://accounts.example.com" })]),
      "other-repository",
      "error",
      /published by https:\/\/github\.com\/acme\/widgets\/\.github\/workflows\/release\.yml@refs\/tags\/v1\.0\.0 \(issuer https:\/\/accounts\.example\.com\)/,
    ],
    ["not PEP 740", { version: 2 }, "invalid", "error", /provenance version 2 is not 1/],
  ];
  for (const [name, provenance, verdict, severity, message] of cases) {
    const findings = await runCheck(check(), snapshotWith(provenance));
    strictEqual(findings.length, 1, name);
    strictEqual(findings[0].evidence?.verdict, verdict, name);
    strictEqual(findings[0].severity, severity, name);
    strictEqual(findings[0].subject, "pkg:pypi/widgets@1.0.0", name);
    match(findings[0].message, message, name);
  }
});

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

Deno.test("one bad attestation among good ones fails the file", async () => {
  const provenance = provenanceOf([attest(), attest({ repository: "mallory/widgets" })]);
  const findings = await runCheck(check(), snapshotWith(provenance));
  deepStrictEqual(findings.map((f) => f.evidence?.verdict), ["other-repository"]);
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

Deno.test("a missing attestation is an error with an expected repository, missingSeverity without", async () => {
  const withExpected = await runCheck(check(), snapshotWith(null));
  deepStrictEqual(withExpected.map((f) => f.severity), ["error"]);
  match(withExpected[0].fix ?? "", /uploaded without an attestation from its expected repository/);
  // Setting missingSeverity lower does not weaken a package with an expected repository.
  const lowered = await runCheck(check({ missingSeverity: "info" }), snapshotWith(null));
  deepStrictEqual(lowered.map((f) => f.severity), ["error"]);
  const withoutExpected = await runCheck(check({ repositories: {} }), snapshotWith(null));
  deepStrictEqual(withoutExpected.map((f) => f.severity), ["warning"]);
  match(withoutExpected[0].message, /have no PEP 740 attestation on https:\/\/pypi\.org: /);
  const quiet = await runCheck(
    check({ repositories: {}, missingSeverity: "info" }),
    snapshotWith(null),
  );
  deepStrictEqual(quiet.map((f) => f.severity), ["info"]);
});

Deno.test("more attestations than are checked is a finding, never a silent pass", async () => {
  const good = attest();
  const bundles = (count: number) => ({
    version: 1,
    attestation_bundles: Array.from({ length: Math.ceil(count / 16) }, (_, b) => ({
      publisher: { kind: "GitHub", repository: "acme/widgets" },
      attestations: Array.from({ length: Math.min(16, count - 16 * b) }, () => good),
    })),
  });
  deepStrictEqual(await runCheck(check(), snapshotWith(bundles(64))), []);
  const reading = readProvenance(bundles(70));
  strictEqual(reading.ok && reading.attestations.length, 64);
  deepStrictEqual(reading.ok && reading.problems, [
    "the provenance holds more than 64 attestations (6 more were not checked)",
  ]);
  const findings = await runCheck(check(), snapshotWith(bundles(70)));
  deepStrictEqual(findings.map((f) => [f.evidence?.verdict, f.severity]), [["invalid", "error"]]);
  match(findings[0].message, /cannot be checked in full: the provenance holds more than 64/);
});

Deno.test("a package without an expected repository is reported as info, naming the publisher", async () => {
  const findings = await runCheck(
    check({ repositories: {} }),
    snapshotWith(provenanceOf([attest({ repository: "Acme/Widgets" })])),
  );
  strictEqual(findings.length, 1);
  strictEqual(findings[0].severity, "info");
  match(
    findings[0].message,
    /widgets 1\.0\.0 is attested \(published by github\.com\/acme\/widgets\)/,
  );
});

Deno.test("packages that cannot be tied to files are reported, not skipped", async () => {
  const other = "cd".repeat(32);
  // [package, index facts, verdict, severity with an expected repository, severity without]
  const cases: Array<[Package, RegistryData["pypi"], string, string, string]> = [
    [pinned([]), pypi, "unhashed", "error", "warning"],
    [pinned([other]), pypi, "unpublished-hash", "error", "error"],
    [
      pinned(),
      [{ name: "widgets", found: false, releases: [] }],
      "unknown-release",
      "error",
      "warning",
    ],
  ];
  for (const [pkgEntry, facts, verdict, expected, unexpected] of cases) {
    const snapshot = snapshotOf({
      packages: [pkgEntry],
      registry: { pypi: facts, advisories: [], hub: [], provenance: [] },
    });
    const findings = await runCheck(check(), snapshot);
    deepStrictEqual(findings.map((f) => [f.evidence?.verdict, f.severity]), [[verdict, expected]]);
    const open = await runCheck(check({ repositories: {} }), snapshot);
    deepStrictEqual(open.map((f) => [f.evidence?.verdict, f.severity]), [[verdict, unexpected]]);
  }
});

Deno.test("a pinned file whose provenance was not fetched makes the check error", async () => {
  const snapshot = snapshotOf({
    packages: [pinned([WHEEL_SHA, SDIST_SHA])],
    registry: { pypi, advisories: [], hub: [], provenance: [] },
  });
  await rejects(
    runCheck(check(), snapshot),
    /provenance was not fetched for widgets-1\.0\.0-py3-none-any\.whl, widgets-1\.0\.0\.tar\.gz/,
  );
});

Deno.test("without registry sections the check errors, and is skipped offline", async () => {
  const snapshot = snapshotOf({ packages: [pinned()] });
  const policy = definePolicy({ name: "t", checks: [check()] });
  const online = await runPolicy(policy, snapshot);
  strictEqual(online.results[0].status, "error");
  const offline = await runPolicy(policy, snapshot, { offline: true });
  strictEqual(offline.results[0].status, "skipped");
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

Deno.test("expected repositories normalise owner/repo, URLs and .git", () => {
  strictEqual(normaliseRepository("Acme/Widgets"), "github.com/acme/widgets");
  strictEqual(
    normaliseRepository("https://github.com/acme/widgets.git/"),
    "github.com/acme/widgets",
  );
  strictEqual(normaliseRepository("gitlab.com/group/sub/project"), "gitlab.com/group/sub/project");
});

Deno.test("planning ties pinned hashes to files once per name and version", () => {
  const plans = planProvenance({
    packages: [
      pinned([WHEEL_SHA]),
      pinned([SDIST_SHA.toUpperCase()]),
      pkg("widgets==1.0.0", { layer: "constraint", hashes: [] }),
      pkg("other==1.0", { hashes: [`sha256:${WHEEL_SHA}`] }),
    ],
    pypi,
    critical: ["Widgets"],
  });
  strictEqual(plans.length, 1);
  deepStrictEqual(plans[0].files.map((f) => f.filename), [WHEEL, SDIST]);
  deepStrictEqual(plans[0].unpublished, []);
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
