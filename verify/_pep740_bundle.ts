/**
 * PEP 740 provenance objects, as the PyPI Integrity API serves them, read defensively and turned
 * into Sigstore bundles that @sigstore/verify can check. Nothing here is trusted: the bundles are
 * verified afterwards, and the `publisher` of a bundle (written by the index, not signed) is kept
 * for messages only.
 *
 * A PEP 740 attestation carries the parts of a Sigstore bundle with a DSSE envelope:
 * `verification_material.certificate` (base64 DER of the Fulcio leaf),
 * `verification_material.transparency_entries` (Rekor `TransparencyLogEntry` objects in their
 * protobuf JSON form), optional `verification_material.timestamps` (base64 RFC 3161 tokens),
 * and `envelope.statement` / `envelope.signature` (base64 in-toto statement and DSSE signature).
 *
 * @module
 */
import { isRecord } from "../packaging/mod.ts";
import { Buffer } from "node:buffer";

/**
 * The DSSE payload type of every PEP 740 attestation.
 *
 * @example
 * ```ts
 * import { IN_TOTO_PAYLOAD_TYPE } from "./_pep740_bundle.ts";
 * IN_TOTO_PAYLOAD_TYPE; // "application/vnd.in-toto+json"
 * ```
 */
export const IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

const LIMITS = {
  bundles: 16,
  attestationsPerBundle: 16,
  attestations: 64,
  entries: 8,
  timestamps: 8,
  base64Chars: 1_400_000,
} as const;

/** The (unsigned) trusted-publisher claim PyPI attaches to a bundle. */
export interface PublisherClaim {
  kind: string;
  /** `owner/repo` (GitHub), `namespace/project` (GitLab), when given. */
  repository?: string;
  workflow?: string;
  email?: string;
}

/** One attestation, ready for verification. */
export interface Pep740Attestation {
  /** Position: bundle index and attestation index, from 0. */
  bundle: number;
  index: number;
  publisher?: PublisherClaim;
  /** A Sigstore bundle in its JSON form, for `bundleFromJSON`. */
  sigstoreBundle: Record<string, unknown>;
  /** The statement bytes (the DSSE payload), not yet verified. */
  statement: Uint8Array;
}

/** The result of {@linkcode readProvenance}. */
export type ProvenanceReading =
  | { ok: true; attestations: Pep740Attestation[]; problems: string[] }
  | { ok: false; problem: string };

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decode standard base64 (padding optional); undefined when it is not base64 or too long. */
function decodeBase64(value: unknown): Uint8Array | undefined {
  if (typeof value !== "string" || value.length > LIMITS.base64Chars) return undefined;
  const trimmed = value.replace(/\s+/g, "");
  if (!BASE64.test(trimmed) || trimmed.length % 4 === 1) return undefined;
  return new Uint8Array(Buffer.from(trimmed, "base64"));
}

/**
 * Read a provenance object: every attestation of every bundle, each as a Sigstore bundle. An
 * attestation that cannot be read is a problem (listed), not a reason to skip the others; so are
 * attestations beyond the limits (16 per bundle, 64 in all), which are not read.
 *
 * @param value The provenance as served (parsed JSON).
 * @returns The attestations and problems, or why the object is not PEP 740 provenance at all.
 * @example
 * ```ts
 * import { readProvenance } from "./_pep740_bundle.ts";
 * readProvenance({ version: 2 }); // { ok: false, problem: "provenance version 2 is not 1" }
 * ```
 */
export function readProvenance(value: unknown): ProvenanceReading {
  if (!isRecord(value)) return { ok: false, problem: "the provenance is not a JSON object" };
  if (value.version !== 1) {
    return { ok: false, problem: `provenance version ${describe(value.version)} is not 1` };
  }
  const bundles = value.attestation_bundles;
  if (!Array.isArray(bundles) || bundles.length === 0) {
    return { ok: false, problem: "the provenance has no attestation_bundles" };
  }
  if (bundles.length > LIMITS.bundles) {
    return { ok: false, problem: `the provenance has more than ${LIMITS.bundles} bundles` };
  }
  const attestations: Pep740Attestation[] = [];
  const problems: string[] = [];
  let unread = 0;
  bundles.forEach((bundle, b) => {
    if (!isRecord(bundle) || !Array.isArray(bundle.attestations)) {
      problems.push(`bundle ${b + 1} has no attestations list`);
      return;
    }
    const publisher = readPublisher(bundle.publisher);
    if (bundle.attestations.length > LIMITS.attestationsPerBundle) {
      problems.push(`bundle ${b + 1} has more than ${LIMITS.attestationsPerBundle} attestations`);
    }
    bundle.attestations.slice(0, LIMITS.attestationsPerBundle).forEach((item, index) => {
      if (attestations.length >= LIMITS.attestations) {
        unread++;
        return;
      }
      const read = toSigstoreBundle(item);
      if (typeof read === "string") {
        problems.push(`attestation ${index + 1} of bundle ${b + 1}: ${read}`);
        return;
      }
      attestations.push({ bundle: b, index, ...(publisher ? { publisher } : {}), ...read });
    });
  });
  // Never judge a file on part of its attestations: the rest could be the bad ones.
  if (unread > 0) {
    problems.push(
      `the provenance holds more than ${LIMITS.attestations} attestations (${unread} more were ` +
        "not checked)",
    );
  }
  if (attestations.length === 0 && problems.length === 0) {
    return { ok: false, problem: "the provenance holds no attestation" };
  }
  return { ok: true, attestations, problems };
}

function readPublisher(value: unknown): PublisherClaim | undefined {
  if (!isRecord(value) || typeof value.kind !== "string") return undefined;
  const text = (v: unknown) => typeof v === "string" && v.length <= 500 ? v : undefined;
  const claim: PublisherClaim = { kind: value.kind.slice(0, 100) };
  const repository = text(value.repository);
  if (repository !== undefined) claim.repository = repository;
  const workflow = text(value.workflow) ?? text(value.workflow_filepath);
  if (workflow !== undefined) claim.workflow = workflow;
  const email = text(value.email);
  if (email !== undefined) claim.email = email;
  return claim;
}

/**
 * One PEP 740 attestation as a Sigstore bundle (JSON form), or what is wrong with it. Entries with
 * inclusion proofs make a v0.3 bundle; entries with only inclusion promises (older Rekor
 * answers) a v0.1 bundle, whose rules ask for exactly that.
 *
 * @example
 * ```ts
 * import { toSigstoreBundle } from "./_pep740_bundle.ts";
 * toSigstoreBundle({ version: 1 }); // "it has no verification_material"
 * ```
 */
export function toSigstoreBundle(
  attestation: unknown,
): { sigstoreBundle: Record<string, unknown>; statement: Uint8Array } | string {
  if (!isRecord(attestation)) return "it is not a JSON object";
  if (attestation.version !== 1) {
    return `attestation version ${describe(attestation.version)} is not 1`;
  }
  const material = attestation.verification_material;
  const envelope = attestation.envelope;
  if (!isRecord(material)) return "it has no verification_material";
  if (!isRecord(envelope)) return "it has no envelope";
  const certificate = decodeBase64(material.certificate);
  if (certificate === undefined || certificate.length === 0) {
    return "verification_material.certificate is not base64 DER";
  }
  const statement = decodeBase64(envelope.statement);
  if (statement === undefined || statement.length === 0) return "envelope.statement is not base64";
  const signature = decodeBase64(envelope.signature);
  if (signature === undefined || signature.length === 0) return "envelope.signature is not base64";
  const entries = material.transparency_entries;
  if (!Array.isArray(entries) || entries.length === 0) {
    return "verification_material.transparency_entries is empty";
  }
  if (entries.length > LIMITS.entries || !entries.every(isRecord)) {
    return `transparency_entries must be 1 to ${LIMITS.entries} objects`;
  }
  const timestamps = Array.isArray(material.timestamps) ? material.timestamps : [];
  if (timestamps.length > LIMITS.timestamps || !timestamps.every((t) => decodeBase64(t))) {
    return `timestamps must be at most ${LIMITS.timestamps} base64 RFC 3161 tokens`;
  }
  const onlyPromises = entries.every((e) => isRecord(e.inclusionPromise) && !e.inclusionProof);
  const rawBytes = Buffer.from(certificate).toString("base64");
  return {
    statement,
    sigstoreBundle: {
      mediaType: onlyPromises
        ? "application/vnd.dev.sigstore.bundle+json;version=0.1"
        : "application/vnd.dev.sigstore.bundle.v0.3+json",
      verificationMaterial: {
        ...(onlyPromises
          ? { x509CertificateChain: { certificates: [{ rawBytes }] } }
          : { certificate: { rawBytes } }),
        tlogEntries: entries,
        ...(timestamps.length > 0
          ? {
            timestampVerificationData: {
              rfc3161Timestamps: timestamps.map((t) => ({ signedTimestamp: t })),
            },
          }
          : {}),
      },
      dsseEnvelope: {
        payload: Buffer.from(statement).toString("base64"),
        payloadType: IN_TOTO_PAYLOAD_TYPE,
        signatures: [{ sig: Buffer.from(signature).toString("base64"), keyid: "" }],
      },
    },
  };
}

function describe(value: unknown): string {
  if (value === undefined) return "(missing)";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
