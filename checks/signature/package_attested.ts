/**
 * `signature.package-attested`: the files a project pins of its critical packages carry PEP 740
 * attestations that verify against the Sigstore trusted root, attest exactly those files, and
 * were published from the expected source repository.
 *
 * @module
 */
import { hasWrittenName, normaliseName } from "../../packaging/mod.ts";
import { z } from "zod";
import { defineCheck, type FindingDraft, Severity } from "../../core/check.ts";
import type { Snapshot } from "../../core/snapshot.ts";
import { OWASP_ML06, packageSubject } from "../_shared.ts";
import { planProvenance, type ProvenancePlan } from "../../verify/mod.ts";
import {
  type FileJudgement,
  type FileVerdict,
  judgeProvenance,
  normaliseRepository,
} from "./_pep740_judge.ts";
import { trustMaterialFrom } from "../../verify/mod.ts";
import bundledRoot from "../../data/sigstore_trusted_root.json" with { type: "json" };

/**
 * The packages checked unless the params say otherwise: the core of most ML stacks.
 *
 * @example
 * ```ts
 * import { DEFAULT_ATTESTED_PACKAGES } from "./package_attested.ts";
 * DEFAULT_ATTESTED_PACKAGES.includes("torch"); // true
 * ```
 */
export const DEFAULT_ATTESTED_PACKAGES: readonly string[] = [
  "torch",
  "numpy",
  "transformers",
  "safetensors",
  "huggingface-hub",
  "tokenizers",
  "scikit-learn",
];

type Verdict =
  | Exclude<FileVerdict, "verified">
  | "unhashed"
  | "unknown-release"
  | "unpublished-hash";

const FIX: Record<Verdict, string> = {
  "no-attestation": "Ask the project to publish with a PyPI Trusted Publisher and attestations " +
    "(pypa/gh-action-pypi-publish does so by default); until then verify the release another " +
    "way, or take this package off the params' `packages` list.",
  invalid: "Do not install this file: its attestation fails verification, so the answer was " +
    "altered or the Sigstore keys rotated. Retry later; if it persists, compare with another " +
    "network, or pass a newer trusted root (`trustedRoot`).",
  "other-subject": "Do not install this file: the attestation served for it covers another " +
    "file or digest. Check the pinned hashes against the index and re-lock.",
  "other-repository": "Do not install this release before finding out why it was published " +
    "from another repository (a hijacked account or a moved project); if the move is " +
    "legitimate, update `repositories` in the params.",
  unpinned: "Set the expected repository in the params (`repositories`) so that a release " +
    "published from anywhere else fails.",
  unhashed: "Pin sha256 hashes (pip-compile --generate-hashes, uv or Poetry lock files) so the " +
    "installed files can be tied to their attestations.",
  "unknown-release": "Check that the release exists on the index the provenance comes from; " +
    "enrich with the PyPI data (not --offline) so the release's files are known.",
  "unpublished-hash": "Find out where the pinned file comes from: it is not a file of this " +
    "release on the index. Re-lock against the index, or review the lock change that added it.",
};

/** The fix when a package with an expected repository has files without attestations. */
const UNATTESTED_EXPECTED = "Do not install this release before finding out why it was " +
  "uploaded without an attestation from its expected repository (an upload outside the trusted " +
  "publisher, with a leaked token or a hijacked account, looks like this); if the project no " +
  "longer attests, take it out of `repositories` in the params.";

/** Severities for one package, and its expected repository (normalised), if any. */
interface Severities {
  missing: Severity;
  unpinned: Severity;
  expected: string | undefined;
}

const TITLE: Record<Exclude<Verdict, "unhashed" | "unknown-release" | "unpublished-hash">, string> =
  {
    "no-attestation": "no PEP 740 attestation",
    invalid: "an attestation that does not verify",
    "other-subject": "an attestation of another file",
    "other-repository": "an attestation from another repository",
    unpinned: "an attestation, with no expected repository set",
  };

const PEP740 = {
  title: "PEP 740 – Index support for digital attestations",
  url: "https://peps.python.org/pep-0740/",
};

/**
 * `signature.package-attested`: PEP 740 attestations of the pinned files of critical packages.
 *
 * @example
 * ```ts
 * import { packageAttested } from "./package_attested.ts";
 * packageAttested({ packages: ["numpy"], repositories: { numpy: "numpy/numpy" } });
 * ```
 */
export const packageAttested = defineCheck({
  id: "signature.package-attested",
  title: "Critical packages carry PEP 740 attestations from their expected repository",
  description:
    "For the listed critical packages pinned with an exact version, every pinned file (tied to " +
    "its name by the pinned sha256 and the index's file list) must have PEP 740 provenance on " +
    "the PyPI Integrity API whose Sigstore attestations verify against the trusted root " +
    "(Fulcio certificate, SCT, Rekor entry, DSSE signature), attest exactly that file and " +
    "digest, and were signed by a trusted publisher in the expected source repository. An " +
    "upload from a hijacked account or another repository, or a swapped file, fails here.",
  family: "signature",
  severity: "error",
  references: [OWASP_ML06, PEP740, {
    title: "PyPI Integrity API",
    url: "https://docs.pypi.org/api/integrity/",
  }],
  params: z.object({
    packages: z.array(z.string().min(1)).default([...DEFAULT_ATTESTED_PACKAGES])
      .describe("Critical packages whose pinned files must be attested"),
    repositories: z.record(z.string().min(1), z.string().min(1)).default({}).describe(
      "Expected source repository per package: owner/repo on GitHub, or host/path " +
        "(gitlab.com/group/project). Packages without one pass on any verified attestation, " +
        "with a finding of unpinnedSeverity naming who published",
    ),
    trustedRoot: z.unknown().optional().describe(
      "Sigstore trusted_root.json (parsed); default: the bundled public-good root " +
        "(data/sigstore_trusted_root.json)",
    ),
    missingSeverity: Severity.default("warning").describe(
      "Severity when a file has no attestation or a package cannot be tied to its files " +
        "(many projects do not publish attestations yet); always error for a package with an " +
        "expected repository, whose releases must all be attested from it",
    ),
    unpinnedSeverity: Severity.default("info")
      .describe("Severity when a package is attested but has no expected repository"),
  }).strict(),
  needs: ["packages", "registry.pypi", "registry.provenance"],
  wants: (params) => ({ attestedPackages: params.packages }),
  remedy: FIX["no-attestation"],
  run(snapshot, params) {
    const trust = trustMaterialFrom(params.trustedRoot ?? bundledRoot);
    if (typeof trust === "string") throw new Error(trust);
    const expected = new Map(
      Object.entries(params.repositories).map(([name, repo]) => [
        normaliseName(name),
        normaliseRepository(repo),
      ]),
    );
    const entries = provenanceEntries(snapshot);
    const plans = planProvenance({
      // A name guessed from a path or URL is not the critical project it may be spelled like.
      packages: snapshot.packages.filter(hasWrittenName),
      pypi: snapshot.registry.pypi,
      critical: params.packages,
    });
    const findings: FindingDraft[] = [];
    const notFetched: string[] = [];
    for (const plan of plans) {
      // With an expected repository, a missing attestation is what an upload that bypassed the
      // trusted publisher looks like: never only a warning.
      const expectedRepository = expected.get(plan.name);
      const severities: Severities = {
        missing: expectedRepository === undefined ? params.missingSeverity : "error",
        unpinned: params.unpinnedSeverity,
        expected: expectedRepository,
      };
      if (plan.truncated) notFetched.push(`${plan.name} ${plan.version} (too many files)`);
      findings.push(...planFindings(plan, severities));
      const byVerdict = new Map<
        FileVerdict,
        Array<{ filename: string; judgement: FileJudgement; url: string }>
      >();
      for (const target of plan.files) {
        const entry = entries.get(`${target.name}\n${target.version}\n${target.filename}`);
        if (
          entry === undefined ||
          (entry.sha256 !== undefined && entry.sha256.toLowerCase() !== target.sha256)
        ) {
          notFetched.push(target.filename);
          continue;
        }
        const judgement = judgeProvenance({
          provenance: entry.provenance,
          target,
          trust,
          expected: expected.get(plan.name),
        });
        const list = byVerdict.get(judgement.verdict) ?? [];
        list.push({ filename: target.filename, judgement, url: entry.url });
        byVerdict.set(judgement.verdict, list);
      }
      for (const [verdict, files] of byVerdict) {
        if (verdict === "verified") continue;
        findings.push(fileFinding(plan, verdict, files, severities));
      }
    }
    if (notFetched.length > 0) {
      throw new Error(
        `PEP 740 provenance was not fetched for ${
          listed(notFetched)
        }; enrich again (registry.provenance)`,
      );
    }
    return findings;
  },
});

function provenanceEntries(snapshot: Snapshot) {
  const map = new Map<string, Snapshot["registry"]["provenance"][number]>();
  for (const entry of snapshot.registry.provenance) {
    map.set(`${normaliseName(entry.name)}\n${entry.version}\n${entry.filename}`, entry);
  }
  return map;
}

function locate(plan: ProvenancePlan): Pick<FindingDraft, "subject" | "location"> {
  return { subject: packageSubject(plan.package), location: plan.package.locations[0] };
}

/** Findings about the package as a whole: unhashed, unknown release, hashes not on the index. */
function planFindings(plan: ProvenancePlan, severities: Severities): FindingDraft[] {
  const who = `${plan.name} ${plan.version}`;
  const missing = severities.missing;
  if (plan.status === "unhashed") {
    return [{
      ...locate(plan),
      severity: missing,
      message: `${who} is pinned without sha256 hashes, so its PEP 740 attestations cannot be ` +
        "tied to the files that get installed.",
      fix: FIX.unhashed,
      evidence: { verdict: "unhashed" },
    }];
  }
  if (plan.status === "unknown-release") {
    return [{
      ...locate(plan),
      severity: missing,
      message: `the index facts list no files for ${who}, so its attestations cannot be checked.`,
      fix: FIX["unknown-release"],
      evidence: { verdict: "unknown-release" },
    }];
  }
  if (plan.unpublished.length === 0) return [];
  return [{
    ...locate(plan),
    severity: "error",
    message: `${who} pins ${plan.unpublished.length} sha256 digest(s) that are none of the ` +
      `release's files on the index (${
        listed(plan.unpublished.map((h) => h.slice(0, 16) + "…"))
      }), ` +
      "so no attestation of the index covers them.",
    fix: FIX["unpublished-hash"],
    evidence: { verdict: "unpublished-hash", sha256: plan.unpublished },
  }];
}

/** One finding per package and verdict, naming its files. */
function fileFinding(
  plan: ProvenancePlan,
  verdict: Exclude<FileVerdict, "verified">,
  files: Array<{ filename: string; judgement: FileJudgement; url: string }>,
  severities: Severities,
): FindingDraft {
  const who = `${plan.name} ${plan.version}`;
  const names = files.map((f) => f.filename);
  const first = files[0];
  const message = verdict === "no-attestation"
    ? `${names.length} pinned file(s) of ${who} have no PEP 740 attestation on ` +
      `${origin(first.url)}` +
      (severities.expected === undefined
        ? ""
        : `, though ${severities.expected} is expected to publish them`) +
      `: ${listed(names)}.`
    : verdict === "unpinned"
    ? `${who} is attested (${first.judgement.detail.replace(/^was /, "")}), but no expected ` +
      "repository is set for it."
    : `${who}: ${first.filename} ${first.judgement.detail}` +
      (files.length > 1 ? ` (${files.length} pinned files have ${TITLE[verdict]}).` : ".");
  return {
    ...locate(plan),
    ...(verdict === "no-attestation"
      ? { severity: severities.missing }
      : verdict === "unpinned"
      ? { severity: severities.unpinned }
      : {}),
    message,
    fix: verdict === "no-attestation" && severities.expected !== undefined
      ? UNATTESTED_EXPECTED
      : FIX[verdict],
    evidence: {
      verdict,
      files: files.slice(0, 50).map((f) => ({
        filename: f.filename,
        url: f.url,
        ...(f.judgement.signers.length ? { signers: f.judgement.signers } : {}),
        ...(f.judgement.attestations.length
          ? { attestations: f.judgement.attestations.slice(0, 8) }
          : {}),
      })),
    },
  };
}

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "the index";
  }
}

function listed(items: readonly string[]): string {
  const shown = items.slice(0, 5).join(", ");
  return items.length > 5 ? `${shown} and ${items.length - 5} more` : shown;
}
