/**
 * Keyless (Sigstore) verification of OpenSSF Model Signing bundles with @sigstore/verify: the
 * Fulcio certificate chains to the trusted root's CA at the transparency-log time, the Rekor
 * entry is included and matches the envelope, and the certificate's identity (SAN) and OIDC
 * issuer are one of the trusted pairs. Before handing over to @sigstore, the trusted root is
 * checked for the log, CA, CT log and timestamp authority the bundle needs, so a missing piece is
 * reported as "incomplete" with its name. Pure: no I/O (the trusted root is passed in).
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { bundleFromJSON } from "@sigstore/bundle";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { toSignedEntity, toTrustMaterial, VerificationError, Verifier } from "@sigstore/verify";
import type { OmsBundleParts } from "./_oms_envelope.ts";
import { verifyDsse } from "./_oms_keys.ts";
import { type ParsedCertificate, readCertificateDer } from "./_oms_x509.ts";
import { installSigstoreCompat } from "./_sigstore_compat.ts";

/** What verifying the signature and its signer gives, before the statement is read. */
export type SignerCheck =
  | { ok: true; signer: string }
  | {
    ok: false;
    verdict: "malformed" | "bad-signature" | "untrusted-signer" | "incomplete";
    message: string;
  };

/** A trusted Sigstore identity: certificate SAN and OIDC issuer, both matched exactly. */
export interface SigstoreIdentity {
  identity: string;
  issuer: string;
}

const ROOT_FLAG = "(--trusted-root / trustedRoot)";
const IDENTITY_FLAG = "(--identity and --issuer / identities)";

function hexOf(bytes: Uint8Array | undefined): string {
  return bytes === undefined ? "" : Buffer.from(bytes).toString("hex");
}

function base64Of(bytes: Uint8Array | undefined): string {
  return bytes === undefined ? "" : Buffer.from(bytes).toString("base64");
}

function issues(child: ParsedCertificate, der: Uint8Array): boolean {
  const issuer = readCertificateDer(der);
  try {
    return issuer !== undefined && child.node.checkIssued(issuer.node) &&
      child.node.verify(issuer.node.publicKey);
  } catch {
    return false;
  }
}

function covers(range: { start?: Date; end?: Date } | undefined, at: Date): boolean {
  return (range?.start === undefined || range.start <= at) &&
    (range?.end === undefined || at <= range.end);
}

/** The first piece of trust the bundle needs that the root lacks, in one sentence. */
function missingFromRoot(
  root: TrustedRoot,
  bundle: ReturnType<typeof bundleFromJSON>,
  leaf: ParsedCertificate,
): string | undefined {
  for (const entry of bundle.verificationMaterial.tlogEntries) {
    const id = entry.logId?.keyId;
    const log = root.tlogs.find((tlog) =>
      [tlog.logId?.keyId, tlog.checkpointKeyId?.keyId].some((key) =>
        key !== undefined && id !== undefined && hexOf(key) === hexOf(id)
      )
    );
    if (log === undefined) {
      return `the trusted root has no transparency log with id ${base64Of(id)} (hex ${
        hexOf(id)
      }), ` +
        `which recorded this signature at log index ${entry.logIndex}; pass a trusted root that ` +
        `includes it ${ROOT_FLAG}`;
    }
    const at = new Date(Number(entry.integratedTime) * 1000);
    if (entry.inclusionPromise !== undefined && !covers(log.publicKey?.validFor, at)) {
      return `the trusted root's transparency log ${log.baseUrl} (id ${base64Of(id)}) has no key ` +
        `valid on ${at.toISOString()}, when this signature was logged; pass a newer trusted root ` +
        ROOT_FLAG;
    }
  }
  const authorities = root.certificateAuthorities.flatMap((ca) => ca.certChain?.certificates ?? []);
  if (!authorities.some((certificate) => issues(leaf, certificate.rawBytes))) {
    return `the trusted root has no certificate authority that issued the signing certificate ` +
      `(issuer "${leaf.issuer}"); pass a trusted root that includes it ${ROOT_FLAG}`;
  }
  const ctlogIds = new Set(root.ctlogs.map((log) => hexOf(log.logId?.keyId)));
  for (const sct of leaf.fields.extSCT?.signedCertificateTimestamps ?? []) {
    if (!ctlogIds.has(hexOf(sct.logID))) {
      return `the trusted root has no certificate-transparency log with id ${
        base64Of(sct.logID)
      }, ` +
        `which timestamped the signing certificate; pass a trusted root that includes it ${ROOT_FLAG}`;
    }
  }
  const timestamps = bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps ?? [];
  if (timestamps.length > 0 && root.timestampAuthorities.length === 0) {
    return `the bundle carries an RFC 3161 timestamp but the trusted root has no timestamp ` +
      `authority; pass a trusted root that includes it ${ROOT_FLAG}`;
  }
  return undefined;
}

function verificationFailure(error: unknown): SignerCheck {
  const detail = error instanceof Error ? error.message.split("\n")[0].slice(0, 200) : "unknown";
  if (error instanceof VerificationError) {
    // Too few timestamps or log entries: evidence is missing rather than forged.
    if (/^expected \d+ (timestamps|tlog entries)/.test(error.message)) {
      return {
        ok: false,
        verdict: "untrusted-signer",
        message:
          `the keyless signature lacks the transparency-log entry or timestamp that proves ` +
          `when it was made (${detail})`,
      };
    }
    switch (error.code) {
      case "SIGNATURE_ERROR":
      case "TLOG_BODY_ERROR":
      case "TLOG_INCLUSION_PROOF_ERROR":
      case "TLOG_INCLUSION_PROMISE_ERROR":
      case "TIMESTAMP_ERROR":
        return {
          ok: false,
          verdict: "bad-signature",
          message: `the Sigstore evidence does not verify (${error.code}: ${detail})`,
        };
      case "CERTIFICATE_ERROR":
        return {
          ok: false,
          verdict: "untrusted-signer",
          message:
            `the signing certificate is not trusted by the trusted root at the signing time ` +
            `(${detail})`,
        };
      default:
        return {
          ok: false,
          verdict: "untrusted-signer",
          message: `the keyless signature cannot be trusted (${error.code}: ${detail})`,
        };
    }
  }
  return {
    ok: false,
    verdict: "malformed",
    message: `the Sigstore bundle could not be verified (${detail})`,
  };
}

function matchIdentity(
  san: string,
  issuer: string,
  identities: readonly SigstoreIdentity[],
): SignerCheck {
  const signer = `${san} (issuer ${issuer})`;
  if (identities.length === 0) {
    return {
      ok: false,
      verdict: "untrusted-signer",
      message:
        `signed keylessly with Sigstore by ${signer}: give the expected identity and issuer ` +
        IDENTITY_FLAG,
    };
  }
  if (identities.some((trusted) => trusted.identity === san && trusted.issuer === issuer)) {
    return { ok: true, signer };
  }
  const sameName = identities.find((trusted) => trusted.identity === san);
  return {
    ok: false,
    verdict: "untrusted-signer",
    message: sameName
      ? `signed by ${san} through OIDC issuer ${issuer}, but that identity is trusted only from ` +
        `issuer ${sameName.issuer}`
      : `signed by ${signer}, which is not a trusted identity (trusted: ${
        identities.slice(0, 5).map((t) => `${t.identity} (issuer ${t.issuer})`).join(", ")
      })`,
  };
}

/**
 * Verify a keyless Sigstore OMS bundle: the envelope signature with the Fulcio certificate's key,
 * the trusted root's coverage of the bundle, the full Sigstore verification, then the identity.
 * Never throws.
 *
 * @param options.bundle The bundle as parsed JSON; `parts` its already-read parts.
 * @param options.trustedRoot A parsed Sigstore trusted_root.json; absent → "incomplete".
 * @param options.identities Trusted SAN + OIDC issuer pairs.
 * @returns The signer (`SAN (issuer URL)`) or a verdict with one sentence.
 * @example
 * ```ts
 * import { verifyKeyless } from "./_oms_sigstore.ts";
 * const check = verifyKeyless({
 *   bundle: {},
 *   parts: {
 *     mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json",
 *     payloadType: "application/vnd.in-toto+json",
 *     payload: new Uint8Array(),
 *     signatures: [],
 *     material: { kind: "certificate", certificates: [new Uint8Array([0x30, 0x00])] },
 *     tlogEntries: 1,
 *   },
 *   trustedRoot: undefined,
 *   identities: [{ identity: "ml@example.com", issuer: "https://accounts.google.com" }],
 * });
 * check.ok; // false: the signing certificate cannot be parsed
 * ```
 */
export function verifyKeyless(options: {
  bundle: unknown;
  parts: OmsBundleParts;
  trustedRoot: unknown;
  identities: readonly SigstoreIdentity[];
}): SignerCheck {
  const { parts } = options;
  const leaf = readCertificateDer(
    parts.material.kind === "public-key" ? new Uint8Array() : parts.material.certificates[0],
  );
  if (leaf === undefined) {
    return { ok: false, verdict: "malformed", message: "the signing certificate cannot be parsed" };
  }
  const signatureOk = verifyDsse({
    key: leaf.node.publicKey,
    payloadType: parts.payloadType,
    payload: parts.payload,
    signatures: parts.signatures,
    legacy: false,
  });
  if (!signatureOk) {
    return {
      ok: false,
      verdict: "bad-signature",
      message:
        "the DSSE signature does not verify with the key of the Sigstore signing certificate",
    };
  }
  if (options.trustedRoot === undefined || options.trustedRoot === null) {
    return {
      ok: false,
      verdict: "incomplete",
      message: `the signature is keyless (Sigstore) and no trusted root was given ${ROOT_FLAG}`,
    };
  }
  let bundle: ReturnType<typeof bundleFromJSON>;
  try {
    bundle = bundleFromJSON(options.bundle);
  } catch (error) {
    const detail = error instanceof Error ? error.message.slice(0, 200) : "unknown";
    return {
      ok: false,
      verdict: "malformed",
      message: `the Sigstore bundle is invalid (${detail})`,
    };
  }
  let root: TrustedRoot;
  let material: ReturnType<typeof toTrustMaterial>;
  try {
    const raw = options.trustedRoot as Record<string, unknown>;
    if (!Array.isArray(raw.tlogs) || !Array.isArray(raw.certificateAuthorities)) {
      throw new Error("no tlogs or certificateAuthorities list");
    }
    root = TrustedRoot.fromJSON(options.trustedRoot);
    material = toTrustMaterial(root);
  } catch {
    return {
      ok: false,
      verdict: "incomplete",
      message: `the trusted root is not a readable Sigstore trusted_root.json ${ROOT_FLAG}`,
    };
  }
  const missing = missingFromRoot(root, bundle, leaf);
  if (missing !== undefined) return { ok: false, verdict: "incomplete", message: missing };
  let signer: ReturnType<Verifier["verify"]>;
  try {
    installSigstoreCompat();
    signer = new Verifier(material).verify(toSignedEntity(bundle));
  } catch (error) {
    return verificationFailure(error);
  }
  const san = signer.identity?.subjectAlternativeName;
  const issuer = signer.identity?.extensions?.issuer;
  if (san === undefined || issuer === undefined) {
    return {
      ok: false,
      verdict: "untrusted-signer",
      message: "the signing certificate names no identity (SAN) or no OIDC issuer",
    };
  }
  return matchIdentity(san, issuer, options.identities);
}
