/**
 * Verify an OpenSSF Model Signing (OMS) signature bundle — the `model.sig` written by
 * `model_signing` — against the signers a user trusts: public keys, certificate authorities, or
 * Sigstore identities with a trusted root. Returns the signed manifest (files and digests) for
 * the caller to compare with the files on disk, or a verdict with one sentence. Pure: no disk or
 * network I/O; never throws, whatever the bundle holds.
 *
 * Which verdict when:
 * - `malformed`: not a Sigstore bundle v0.1–v0.3, no DSSE envelope, bad base64, wrong payload
 *   type, not an in-toto statement with an OMS predicate, subject digest inconsistent.
 * - `bad-signature`: the signature does not verify with the key the bundle names (its embedded
 *   key, its signing certificate, or the trusted key its hint selects), or the Sigstore log
 *   entry does not match: the signed content was altered.
 * - `untrusted-signer`: the signature verifies, but with a key, chain or identity that is not
 *   trusted, or no trust material of the bundle's kind was given (the message says what to pass).
 *   A bundle signed by another key lands here: its embedded key or hint shows a different key.
 * - `incomplete`: a keyless bundle without a trusted root, a root that lacks the log, CA, CT log
 *   or timestamp authority the bundle needs (named), or unreadable trust material.
 *
 * @module
 */
import type { KeyObject } from "node:crypto";
import { type OmsBundleParts, readOmsBundle } from "./_oms_envelope.ts";
import {
  describeKeyType,
  hintMatches,
  keyFingerprint,
  readEmbeddedKey,
  readPublicKeys,
  signatureDigest,
  verifyDsse,
} from "./_oms_keys.ts";
import { type SignerCheck, type SigstoreIdentity, verifyKeyless } from "./_oms_sigstore.ts";
import { type OmsManifest, parseOmsStatement } from "./_oms_statement.ts";
import {
  describeCertificate,
  type ParsedCertificate,
  readCertificateDer,
  readPemCertificates,
  verifyCertificatePath,
} from "./_oms_x509.ts";

export type { OmsManifest, OmsResource } from "./_oms_statement.ts";

/** The signers a user trusts; give the kind that matches how the model was signed. */
export interface OmsTrust {
  /** PEM SubjectPublicKeyInfo public keys (text around the PEM blocks is ignored). */
  publicKeys?: string[];
  /** PEM texts, each may hold several certificates (roots and intermediates); all are anchors. */
  certificateAuthorities?: string[];
  /** Sigstore keyless: certificate SAN and OIDC issuer, both matched exactly. */
  identities?: SigstoreIdentity[];
  /** A parsed Sigstore trusted_root.json, needed for keyless bundles; the caller supplies a default. */
  trustedRoot?: unknown;
}

/** Why a bundle was not accepted. */
export type OmsVerdict = "malformed" | "bad-signature" | "untrusted-signer" | "incomplete";

/** How the bundle was signed. */
export type OmsMethod = "key" | "certificate" | "sigstore";

/** The result of {@link verifyOmsBundle}. */
export type OmsEnvelopeResult =
  | { ok: true; manifest: OmsManifest; method: OmsMethod; signer: string }
  | { ok: false; verdict: OmsVerdict; message: string };

/** Options of {@link verifyOmsBundle}. */
export interface VerifyOmsOptions {
  trust: OmsTrust;
  /** The time certificate chains must be valid at (keyless bundles use the log time instead). */
  now: Date;
}

const KEY_FLAG = "(--key / publicKeys)";
const CA_FLAG = "(--cert-chain / certificateAuthorities)";

function untrusted(message: string): SignerCheck {
  return { ok: false, verdict: "untrusted-signer", message };
}

function badSignature(message: string): SignerCheck {
  return { ok: false, verdict: "bad-signature", message };
}

function verifies(parts: OmsBundleParts, key: KeyObject): boolean {
  return verifyDsse({
    key,
    payloadType: parts.payloadType,
    payload: parts.payload,
    signatures: parts.signatures,
    legacy: true,
  });
}

function verifyWithKeys(parts: OmsBundleParts, trust: OmsTrust): SignerCheck {
  if (parts.material.kind !== "public-key") throw new Error("not a key bundle");
  const { keys, problems } = readPublicKeys(trust.publicKeys ?? []);
  if (problems.length > 0) return { ok: false, verdict: "incomplete", message: problems[0] };
  const trusted = keys.find((key) => verifies(parts, key));
  if (trusted) return { ok: true, signer: `public key ${keyFingerprint(trusted)}` };
  const { hint, rawBytes } = parts.material;
  const embedded = rawBytes === undefined ? undefined : readEmbeddedKey(rawBytes);
  if (rawBytes !== undefined && embedded === undefined) {
    return {
      ok: false,
      verdict: "malformed",
      message: "the bundle's embedded public key cannot be read",
    };
  }
  if (embedded) {
    const name = `${describeKeyType(embedded)} public key ${keyFingerprint(embedded)}`;
    if (signatureDigest(embedded) === undefined) {
      return untrusted(`signed with a ${name}, a key type OMS verification does not support`);
    }
    if (!verifies(parts, embedded)) {
      return badSignature(`the signature does not verify with the ${name} the bundle names`);
    }
    return untrusted(
      keys.length === 0
        ? `signed with the ${name}: give the trusted public key ${KEY_FLAG}`
        : `signed with the ${name}, which is not one of the ${keys.length} trusted keys`,
    );
  }
  if (hint !== undefined) {
    const named = keys.find((key) => hintMatches(hint, key));
    if (named) {
      return badSignature(
        `the signature does not verify with the trusted public key ${keyFingerprint(named)} ` +
          `that the bundle's key hint names`,
      );
    }
    return untrusted(
      keys.length === 0
        ? `signed with a public key (hint ${
          hint.slice(0, 64)
        }): give the trusted public key ${KEY_FLAG}`
        : `signed with a public key whose hint ${hint.slice(0, 64)} matches none of the ` +
          `${keys.length} trusted keys`,
    );
  }
  return keys.length === 0
    ? untrusted(
      `signed with a public key the bundle does not name: give the trusted public key ${KEY_FLAG}`,
    )
    : badSignature(`the signature verifies with none of the ${keys.length} trusted keys`);
}

function verifyWithCertificates(parts: OmsBundleParts, trust: OmsTrust, now: Date): SignerCheck {
  if (parts.material.kind === "public-key") throw new Error("not a certificate bundle");
  const chain: ParsedCertificate[] = [];
  for (const [index, der] of parts.material.certificates.entries()) {
    const certificate = readCertificateDer(der);
    if (certificate === undefined) {
      return {
        ok: false,
        verdict: "malformed",
        message: `certificate ${index + 1} of the bundle's chain cannot be parsed`,
      };
    }
    chain.push(certificate);
  }
  const leaf = chain[0];
  const key = leaf.node.publicKey;
  if (signatureDigest(key) === undefined) {
    return untrusted(
      `the signing ${describeCertificate(leaf)} has a ${describeKeyType(key)} key, which OMS ` +
        "verification does not support",
    );
  }
  if (!verifies(parts, key)) {
    return badSignature(
      `the signature does not verify with the signing ${describeCertificate(leaf)}`,
    );
  }
  const { certificates: anchors, problems } = readPemCertificates(
    trust.certificateAuthorities ?? [],
  );
  if (problems.length > 0) return { ok: false, verdict: "incomplete", message: problems[0] };
  if (anchors.length === 0) {
    return untrusted(
      `signed with a certificate chain (signing ${describeCertificate(leaf)}): give a trusted CA ` +
        CA_FLAG,
    );
  }
  const path = verifyCertificatePath({ leaf, intermediates: chain.slice(1), anchors, now });
  if (!path.ok) return untrusted(path.message);
  const anchor = path.path[path.path.length - 1];
  return {
    ok: true,
    signer: `${describeCertificate(leaf)}, chaining to trusted "${anchor.subject}"`,
  };
}

function methodOf(parts: OmsBundleParts): OmsMethod {
  if (parts.material.kind === "public-key") return "key";
  if (parts.material.kind === "certificate" || parts.tlogEntries > 0) return "sigstore";
  return "certificate";
}

/**
 * Verify an OMS signature bundle against trusted signers and return its manifest. The signature
 * is checked first (with the embedded or hinted key, the signing certificate, or the Fulcio
 * certificate and the Sigstore log), then whether the signer is trusted, then the signed
 * in-toto statement. Comparing the manifest with the files on disk is the caller's job.
 *
 * @param bundle The bundle as parsed JSON (untrusted, any shape).
 * @param options Trusted signers and the time for certificate validity.
 * @returns The manifest with how and by whom it was signed, or a verdict with one sentence.
 * @example
 * ```ts
 * import { generateKeyPairSync } from "node:crypto";
 * import { signOmsBundle, buildOmsStatement } from "./_oms_sign.ts";
 * import { verifyOmsBundle } from "./_oms_verify.ts";
 * const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
 * const statement = buildOmsStatement({
 *   modelName: "model",
 *   method: "files",
 *   resources: [{ name: "weights.bin", digest: "ab".repeat(32) }],
 * });
 * const bundle = signOmsBundle({
 *   statement,
 *   privateKeyPem: String(privateKey.export({ type: "pkcs8", format: "pem" })),
 * });
 * const result = await verifyOmsBundle(bundle, {
 *   trust: { publicKeys: [String(publicKey.export({ type: "spki", format: "pem" }))] },
 *   now: new Date(),
 * });
 * result.ok; // true
 * ```
 */
export function verifyOmsBundle(
  bundle: unknown,
  options: VerifyOmsOptions,
): Promise<OmsEnvelopeResult> {
  try {
    const read = readOmsBundle(bundle);
    if (!read.ok) {
      return Promise.resolve({ ok: false, verdict: "malformed", message: read.message });
    }
    const { parts } = read;
    const trust = options.trust ?? {};
    const method = methodOf(parts);
    const check = method === "key"
      ? verifyWithKeys(parts, trust)
      : method === "certificate"
      ? verifyWithCertificates(parts, trust, options.now)
      : verifyKeyless({
        bundle,
        parts,
        trustedRoot: trust.trustedRoot,
        identities: trust.identities ?? [],
      });
    if (!check.ok) return Promise.resolve(check);
    const statement = parseOmsStatement(parts.payload);
    if (!statement.ok) {
      return Promise.resolve({ ok: false, verdict: "malformed", message: statement.message });
    }
    return Promise.resolve({
      ok: true,
      manifest: statement.manifest,
      method,
      signer: check.signer,
    });
  } catch (error) {
    const detail = error instanceof Error ? error.message.split("\n")[0].slice(0, 200) : "unknown";
    return Promise.resolve({
      ok: false,
      verdict: "malformed",
      message: `the signature could not be verified (${detail})`,
    });
  }
}

/**
 * Problems with trust material before any bundle is read (unreadable PEM keys or certificates,
 * empty identities), so a command line can refuse bad arguments up front.
 *
 * @example
 * ```ts
 * import { checkOmsTrust } from "./_oms_verify.ts";
 * checkOmsTrust({ publicKeys: ["not a key"] }); // ['public key 1 holds no PEM "PUBLIC KEY" block']
 * ```
 */
export function checkOmsTrust(trust: OmsTrust): string[] {
  const problems = [
    ...readPublicKeys(trust.publicKeys ?? []).problems,
    ...readPemCertificates(trust.certificateAuthorities ?? []).problems,
  ];
  for (const [index, pair] of (trust.identities ?? []).entries()) {
    if (!pair.identity || !pair.issuer) {
      problems.push(`identity ${index + 1} needs both an identity (SAN) and an OIDC issuer`);
    }
  }
  return problems;
}
