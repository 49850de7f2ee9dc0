import { deepStrictEqual, match, rejects, strictEqual } from "node:assert/strict";
import { readProvenance } from "../../../verify/_pep740_bundle.ts";
import { normaliseRepository } from "../../../checks/signature/_pep740_judge.ts";
import { planProvenance } from "../../../verify/_pep740_targets.ts";
import type { Package, RegistryData } from "../../../core/snapshot.ts";
import { pkg, runCheck, runPolicy, snapshotOf } from "../../../testing.ts";
import { definePolicy } from "../../../core/policy.ts";
import { provenanceOf } from "../../_sigstore_testing.ts";
import {
  attest,
  check,
  pinned,
  pypi,
  SDIST,
  SDIST_SHA,
  snapshotWith,
  WHEEL,
  WHEEL_SHA,
} from "./_package_attested.ts";

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

Deno.test("one bad attestation among good ones fails the file", async () => {
  const provenance = provenanceOf([attest(), attest({ repository: "mallory/widgets" })]);
  const findings = await runCheck(check(), snapshotWith(provenance));
  deepStrictEqual(findings.map((f) => f.evidence?.verdict), ["other-repository"]);
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
