/**
 * The judgement of `signature.package-attested` for one distribution file: from the provenance
 * the Integrity API served to a verdict — no attestation, does not verify, attests another
 * file or digest, published from another repository, or verified (from the expected repository,
 * or from any when none is expected).
 *
 * @module
 */
import type { TrustMaterial } from "@sigstore/verify";
import { readProvenance } from "../../verify/mod.ts";
import {
  type AttestationSigner,
  type AttestationVerdict,
  verifyAttestation,
} from "../../verify/mod.ts";
import type { ProvenanceTarget } from "../../verify/mod.ts";

/** What a file's provenance comes to, worst first. */
export type FileVerdict =
  | "no-attestation"
  | "invalid"
  | "other-subject"
  | "other-repository"
  | "unpinned"
  | "verified";

/** The verdict on one file, with a detail sentence and the facts behind it. */
export interface FileJudgement {
  verdict: FileVerdict;
  /** Clause that completes "<file> …", e.g. "was published from github.com/x/y". */
  detail: string;
  /** Repositories (or identities) that signed verified attestations. */
  signers: string[];
  /** One entry per attestation: its verdict and signer or problem. */
  attestations: Array<Record<string, unknown>>;
}

/**
 * Normalise an expected repository: `owner/repo` means GitHub; URLs and `host/path` keep their
 * host. Lower case, no scheme, no trailing slash or `.git`.
 *
 * @example
 * ```ts
 * import { normaliseRepository } from "./_pep740_judge.ts";
 * normaliseRepository("PyTorch/pytorch"); // "github.com/pytorch/pytorch"
 * normaliseRepository("https://gitlab.com/group/sub/project.git"); // "gitlab.com/group/sub/project"
 * ```
 */
export function normaliseRepository(text: string): string {
  const bare = text.trim().toLowerCase().replace(/^[a-z][a-z0-9+.-]*:\/\//, "")
    .replace(/\/+$/, "").replace(/\.git$/, "");
  const parts = bare.split("/");
  return parts.length === 2 && !parts[0].includes(".") ? `github.com/${bare}` : bare;
}

/**
 * Judge the provenance served for one file. Never throws.
 *
 * @param options The provenance as stored (`null`: none), the file and its pinned digest, trust
 *   material, and the expected repository (normalised), if any.
 * @returns The verdict.
 * @example
 * ```ts ignore
 * const judgement = judgeProvenance({ provenance: null, target, trust, expected: undefined });
 * judgement.verdict; // "no-attestation"
 * ```
 */
export function judgeProvenance(options: {
  provenance: unknown;
  target: ProvenanceTarget;
  trust: TrustMaterial;
  expected: string | undefined;
}): FileJudgement {
  const { provenance, target, trust, expected } = options;
  if (provenance === null || provenance === undefined) {
    return {
      verdict: "no-attestation",
      detail: "has no attestation",
      signers: [],
      attestations: [],
    };
  }
  const reading = readProvenance(provenance);
  if (!reading.ok) {
    return {
      verdict: "invalid",
      detail: `has provenance that is not PEP 740: ${reading.problem}`,
      signers: [],
      attestations: [],
    };
  }
  const results = reading.attestations.map((attestation) => ({
    attestation,
    result: verifyAttestation(attestation, {
      trust,
      filename: target.filename,
      sha256: target.sha256,
    }),
  }));
  const attestations = results.map(({ attestation, result }) => ({
    bundle: attestation.bundle + 1,
    attestation: attestation.index + 1,
    ...(attestation.publisher ? { publisherClaim: attestation.publisher } : {}),
    verdict: result.verdict,
    ...(result.verdict === "invalid" ? { problem: result.message } : {}),
    ...(result.verdict === "other-subject" ? { subject: result.subject } : {}),
    ...(result.verdict === "invalid" ? {} : { signer: result.signer }),
  }));
  const signers = [
    ...new Set(
      results.flatMap(({ result }) =>
        result.verdict === "verified" ? [signerName(result.signer)] : []
      ),
    ),
  ];
  const base = { signers, attestations };
  const invalid = [
    ...reading.problems,
    ...results.flatMap(({ result }) => result.verdict === "invalid" ? [result.message] : []),
  ];
  if (invalid.length > 0) {
    return {
      ...base,
      verdict: "invalid",
      detail: reading.problems.length > 0
        ? `has provenance that cannot be checked in full: ${reading.problems[0]}`
        : `has an attestation that does not verify: ${invalid[0]}`,
    };
  }
  const other = results.map(({ result }) => result).find(
    (r): r is Extract<AttestationVerdict, { verdict: "other-subject" }> =>
      r.verdict === "other-subject",
  );
  if (other !== undefined) {
    return {
      ...base,
      verdict: "other-subject",
      detail: `has an attestation that ${other.message}`,
    };
  }
  const verified = results.flatMap(({ result }) => result.verdict === "verified" ? [result] : []);
  if (expected !== undefined) {
    const strangers = verified.filter((v) => v.signer.repository !== expected);
    if (strangers.length > 0) {
      const { signer } = strangers[0];
      return {
        ...base,
        verdict: "other-repository",
        detail: signer.repositoryProblem === undefined
          ? `was published by ${signerName(signer)}, not from ${expected}`
          : `was published by ${signerName(signer)}, but ${signer.repositoryProblem}, so it ` +
            `cannot be tied to ${expected}`,
      };
    }
    return { ...base, verdict: "verified", detail: `was published from ${expected}` };
  }
  const unbound = verified.find((v) => v.signer.repositoryProblem !== undefined);
  return {
    ...base,
    verdict: "unpinned",
    detail: `was published by ${signers.join(", ")}` +
      (unbound ? `; ${unbound.signer.repositoryProblem}, so it is tied to no repository` : ""),
  };
}

/** The repository a signer published from, else its identity and issuer. */
function signerName(signer: AttestationSigner): string {
  if (signer.repository !== undefined) return signer.repository;
  const identity = signer.identity ?? "an unnamed identity";
  return signer.issuer === undefined ? identity : `${identity} (issuer ${signer.issuer})`;
}
