/**
 * X.509 certificate chains for OpenSSF Model Signing's "certificate" method: parse certificates
 * (bundle DER, trusted PEM), and find a path from the signing certificate to a trusted CA,
 * checking each link's signature, CA flags, key usage and path length constraint, the signing
 * certificate's extended key usage, that no certificate on the path carries a critical extension
 * we do not process (or name constraints, which we do not enforce), and every certificate's
 * validity at a given time. Pure: no I/O, no system trust store.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { X509Certificate } from "node:crypto";
import { ASN1Obj, X509Certificate as SigstoreCertificate } from "@sigstore/core";

/** What path building needs from a certificate's extensions, read once from its DER. */
export interface CertificateProfile {
  /**
   * Why the certificate may not be on a path at all: an extension that is malformed or present
   * twice, a critical extension we do not process, or name constraints (not enforced here).
   */
  problem?: string;
  /** basicConstraints cA. */
  ca: boolean;
  /** basicConstraints pathLenConstraint: how many CA certificates may follow it; none: no limit. */
  maxPathLength?: number;
  /** The key usage bits we use; undefined without a key usage extension. */
  keyUsage?: { digitalSignature: boolean; keyCertSign: boolean };
  /** Extended key usage purposes (OIDs); undefined without the extension. */
  extendedKeyUsage?: string[];
}

/** A certificate parsed once, with what chain building and messages need. */
export interface ParsedCertificate {
  der: Uint8Array;
  node: X509Certificate;
  /** The same certificate read by @sigstore/core, for extensions and validity dates. */
  fields: SigstoreCertificate;
  /** "sha256:" + hex SHA-256 of the DER. */
  fingerprint: string;
  subject: string;
  issuer: string;
  /** Its extensions, as path building reads them. */
  profile: CertificateProfile;
}

const PEM_CERTIFICATE =
  /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]{1,100000}?)-----END CERTIFICATE-----/g;
const MAX_TRUSTED_CERTIFICATES = 64;
const MAX_PATH_LENGTH = 16;
const MAX_EXTENSIONS = 64;

const OID = {
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extendedKeyUsage: "2.5.29.37",
  subjectAltName: "2.5.29.17",
  subjectKeyId: "2.5.29.14",
  authorityKeyId: "2.5.29.35",
  nameConstraints: "2.5.29.30",
} as const;

/** Critical extensions whose meaning we apply (identifiers and names need no processing here). */
const UNDERSTOOD_CRITICAL: ReadonlySet<string> = new Set([
  OID.basicConstraints,
  OID.keyUsage,
  OID.extendedKeyUsage,
  OID.subjectAltName,
  OID.subjectKeyId,
  OID.authorityKeyId,
]);

/** Extended key usages that allow signing models: codeSigning and anyExtendedKeyUsage. */
const SIGNING_PURPOSES: readonly string[] = ["1.3.6.1.5.5.7.3.3", "2.5.29.37.0"];

function distinguishedName(name: string | undefined): string {
  const text = (name ?? "").split("\n").filter((part) => part !== "").join(", ");
  return text === "" ? "(empty)" : text;
}

/**
 * Parse one DER certificate; `undefined` when it is not a certificate both parsers accept.
 *
 * @example
 * ```ts
 * import { readCertificateDer } from "./_oms_x509.ts";
 * readCertificateDer(new Uint8Array([0x30, 0x00])); // undefined
 * ```
 */
export function readCertificateDer(der: Uint8Array): ParsedCertificate | undefined {
  try {
    const node = new X509Certificate(Buffer.from(der));
    const fields = SigstoreCertificate.parse(Buffer.from(der));
    return {
      der,
      node,
      fields,
      fingerprint: `sha256:${node.fingerprint256.replaceAll(":", "").toLowerCase()}`,
      subject: distinguishedName(node.subject),
      issuer: distinguishedName(node.issuer),
      profile: readProfile(fields),
    };
  } catch {
    return undefined;
  }
}

const isSequence = (value: ASN1Obj) =>
  value.tag.isUniversal() && value.tag.constructed && value.tag.number === 0x10;

/** The extensions of a certificate as path building reads them; never throws. */
function readProfile(fields: SigstoreCertificate): CertificateProfile {
  const profile: CertificateProfile = { ca: false };
  let extensions: ASN1Obj[];
  try {
    extensions = fields.extensions;
  } catch {
    return { ca: false, problem: "has an extension list that cannot be read" };
  }
  if (extensions.length > MAX_EXTENSIONS) {
    return { ca: false, problem: `has more than ${MAX_EXTENSIONS} extensions` };
  }
  const seen = new Set<string>();
  for (const extension of extensions) {
    let problem: string | undefined;
    try {
      problem = readExtension(extension, profile, seen);
    } catch {
      problem = "has a malformed extension";
    }
    if (problem !== undefined) return { ...profile, problem };
  }
  return profile;
}

/** Record one extension into `profile`; returns why the certificate is unusable, if it is. */
function readExtension(
  extension: ASN1Obj,
  profile: CertificateProfile,
  seen: Set<string>,
): string | undefined {
  const parts = extension.subs;
  if (!isSequence(extension) || parts.length < 2 || parts.length > 3) {
    return "has a malformed extension";
  }
  const id = parts[0].toOID();
  const critical = parts.length === 3 && parts[1].toBoolean();
  const octets = parts[parts.length - 1];
  if (!octets.tag.isOctetString()) return `has a malformed extension ${id}`;
  if (seen.has(id)) return `has extension ${id} twice`;
  seen.add(id);
  // Only the extensions we read are decoded: others (Fulcio's v1 ones) need not be DER.
  const value = () => ASN1Obj.parseBuffer(Buffer.from(octets.value));
  switch (id) {
    case OID.basicConstraints: {
      const sequence = value();
      const items = [...sequence.subs];
      if (!isSequence(sequence) || items.length > 2) return "has a malformed basicConstraints";
      if (items[0]?.tag.isBoolean()) profile.ca = items.shift()!.toBoolean();
      if (items.length === 1) {
        const limit = items[0].toInteger();
        if (limit < 0n) return "has a negative pathLenConstraint";
        profile.maxPathLength = limit > 1000n ? 1000 : Number(limit);
      } else if (items.length > 0) return "has a malformed basicConstraints";
      return undefined;
    }
    case OID.keyUsage: {
      const bits = value().toBitString();
      profile.keyUsage = { digitalSignature: bits[0] === 1, keyCertSign: bits[5] === 1 };
      return undefined;
    }
    case OID.extendedKeyUsage: {
      const purposes = value();
      if (!isSequence(purposes) || purposes.subs.length === 0 || purposes.subs.length > 64) {
        return "has a malformed extendedKeyUsage";
      }
      profile.extendedKeyUsage = purposes.subs.map((purpose) => purpose.toOID());
      return undefined;
    }
    case OID.nameConstraints:
      return "carries name constraints (2.5.29.30), which Tollgate does not enforce";
    default:
      return critical && !UNDERSTOOD_CRITICAL.has(id)
        ? `has a critical extension ${id} that Tollgate does not process`
        : undefined;
  }
}

/**
 * Read every `CERTIFICATE` PEM block of each text (roots and intermediates alike), at most 64.
 *
 * @param texts PEM texts.
 * @returns The certificates, and one message per text or block that could not be used.
 * @example
 * ```ts
 * import { readPemCertificates } from "./_oms_x509.ts";
 * readPemCertificates(["no pem here"]).problems.length; // 1
 * ```
 */
export function readPemCertificates(
  texts: readonly string[],
): { certificates: ParsedCertificate[]; problems: string[] } {
  const certificates: ParsedCertificate[] = [];
  const problems: string[] = [];
  texts.forEach((text, index) => {
    const blocks = typeof text === "string" ? [...text.matchAll(PEM_CERTIFICATE)] : [];
    if (blocks.length === 0) problems.push(`CA text ${index + 1} holds no PEM "CERTIFICATE" block`);
    for (const block of blocks) {
      if (certificates.length >= MAX_TRUSTED_CERTIFICATES) {
        problems.push(`more than ${MAX_TRUSTED_CERTIFICATES} CA certificates were given`);
        return;
      }
      const der = new Uint8Array(Buffer.from(block[1].replace(/\s+/g, ""), "base64"));
      const certificate = readCertificateDer(der);
      if (certificate === undefined) {
        problems.push(`CA text ${index + 1} holds a certificate that cannot be parsed`);
      } else certificates.push(certificate);
    }
  });
  return { certificates, problems };
}

/**
 * One line naming a certificate for people: subject, issuer and fingerprint.
 *
 * @example
 * ```ts ignore
 * describeCertificate(leaf); // 'certificate "CN=signer" issued by "CN=root" (sha256:…)'
 * ```
 */
export function describeCertificate(certificate: ParsedCertificate): string {
  return `certificate "${certificate.subject}" issued by "${certificate.issuer}" (${certificate.fingerprint})`;
}

/**
 * Whether `issuer` signed `child`: names match and the signature verifies. Not checkIssued, which
 * also refuses issuers without keyCertSign and would hide that reason from the message.
 */
function signedBy(child: ParsedCertificate, issuer: ParsedCertificate): boolean {
  try {
    return child.issuer === issuer.subject && child.node.verify(issuer.node.publicKey);
  } catch {
    return false;
  }
}

const PURPOSE_NAMES: Readonly<Record<string, string>> = {
  "1.3.6.1.5.5.7.3.1": "serverAuth",
  "1.3.6.1.5.5.7.3.2": "clientAuth",
  "1.3.6.1.5.5.7.3.4": "emailProtection",
  "1.3.6.1.5.5.7.3.8": "timeStamping",
  "1.3.6.1.5.5.7.3.9": "OCSPSigning",
};

/** Why the signing certificate may not sign models, or undefined when it may. */
function notASigner(leaf: ParsedCertificate): string | undefined {
  const { problem, keyUsage, extendedKeyUsage } = leaf.profile;
  if (problem !== undefined) return problem;
  if (keyUsage !== undefined && !keyUsage.digitalSignature) {
    return "may not sign (key usage lacks digitalSignature)";
  }
  if (
    extendedKeyUsage !== undefined &&
    !extendedKeyUsage.some((purpose) => SIGNING_PURPOSES.includes(purpose))
  ) {
    const purposes = extendedKeyUsage.slice(0, 5).map((p) => PURPOSE_NAMES[p] ?? p).join(", ");
    return `may not sign code (extended key usage ${purposes} has neither codeSigning nor ` +
      "anyExtendedKeyUsage)";
  }
  return undefined;
}

/**
 * Why a certificate may not issue the next one down a path, or undefined when it may.
 * `caBelow` counts the CA certificates between it and the signing certificate, self-issued ones
 * left out (RFC 5280 6.1.4 (l)), for its pathLenConstraint.
 */
function notAnIssuer(certificate: ParsedCertificate, caBelow: number): string | undefined {
  const { problem, ca, keyUsage, maxPathLength } = certificate.profile;
  if (problem !== undefined) return `"${certificate.subject}" ${problem}`;
  if (!ca) return `"${certificate.subject}" is not a CA certificate`;
  if (keyUsage !== undefined && !keyUsage.keyCertSign) {
    return `"${certificate.subject}" may not sign certificates (key usage lacks keyCertSign)`;
  }
  if (maxPathLength !== undefined && caBelow > maxPathLength) {
    return `"${certificate.subject}" allows ${maxPathLength} CA certificate(s) below it ` +
      `(pathLenConstraint), but the path has ${caBelow}: path length constraint exceeded`;
  }
  return undefined;
}

function isoDay(date: Date): string {
  return Number.isNaN(date.getTime()) ? "an invalid date" : date.toISOString().slice(0, 10);
}

/** Non-self-issued CA certificates from `current` down to the leaf, the leaf left out. */
function casBelow(
  current: ParsedCertificate,
  leaf: ParsedCertificate,
  previous: ReadonlyMap<string, ParsedCertificate | null>,
): number {
  let count = 0;
  for (
    let at: ParsedCertificate | null | undefined = current;
    at && at !== leaf;
    at = previous.get(at.fingerprint)
  ) {
    if (at.subject !== at.issuer) count++;
  }
  return count;
}

/** The result of {@link verifyCertificatePath}. */
export type CertificatePathResult =
  | { ok: true; path: ParsedCertificate[] }
  | { ok: false; message: string };

/**
 * Find and check a path from the signing certificate to a trusted certificate. Every trusted
 * certificate is an anchor (a trusted intermediate ends the path, like OpenSSL's partial-chain
 * mode); intermediates come from the bundle or the trusted list. Each link must verify, each
 * issuer must be a CA allowed to sign certificates whose pathLenConstraint the CA certificates
 * below it respect (anchors included, as OpenSSL does), the leaf must allow digitalSignature when
 * it has a key usage extension and codeSigning or anyExtendedKeyUsage when it has an extended
 * key usage extension (a CA:TRUE leaf is accepted, as model_signing does), no certificate on the
 * path may carry a critical extension we do not process or name constraints, and every
 * certificate on the path must be valid at `now`. The shortest path wins.
 *
 * @example
 * ```ts ignore
 * const result = verifyCertificatePath({ leaf, intermediates, anchors, now: new Date() });
 * if (!result.ok) console.log(result.message);
 * ```
 */
export function verifyCertificatePath(options: {
  leaf: ParsedCertificate;
  intermediates: readonly ParsedCertificate[];
  anchors: readonly ParsedCertificate[];
  now: Date;
}): CertificatePathResult {
  const { leaf, anchors, now } = options;
  const unfit = notASigner(leaf);
  if (unfit !== undefined) {
    return { ok: false, message: `the signing ${describeCertificate(leaf)} ${unfit}` };
  }
  const anchorPrints = new Set(anchors.map((anchor) => anchor.fingerprint));
  const pool = new Map<string, ParsedCertificate>();
  for (const certificate of [...options.intermediates, ...anchors]) {
    pool.set(certificate.fingerprint, certificate);
  }
  // Breadth-first over "is issued by": each certificate is expanded once, so hostile chains that
  // cross-sign each other cost at most pool² signature checks.
  const previous = new Map<string, ParsedCertificate | null>([[leaf.fingerprint, null]]);
  let frontier: ParsedCertificate[] = [leaf];
  let reached: ParsedCertificate | undefined;
  let refused: string | undefined;
  for (let depth = 0; depth <= MAX_PATH_LENGTH && frontier.length > 0 && !reached; depth++) {
    const next: ParsedCertificate[] = [];
    for (const current of frontier) {
      if (anchorPrints.has(current.fingerprint)) {
        reached = current;
        break;
      }
      const caBelow = casBelow(current, leaf, previous);
      for (const candidate of pool.values()) {
        if (previous.has(candidate.fingerprint) || !signedBy(current, candidate)) continue;
        // A refused candidate stays unvisited: another branch may reach it with a shorter path.
        const reason = notAnIssuer(candidate, caBelow);
        if (reason !== undefined) {
          refused ??= reason;
          continue;
        }
        previous.set(candidate.fingerprint, current);
        next.push(candidate);
      }
    }
    frontier = next;
  }
  if (!reached) {
    return {
      ok: false,
      message:
        `the signing ${describeCertificate(leaf)} does not chain to any of the ${anchors.length} ` +
        `trusted CA certificates${refused ? ` (${refused})` : ""}`,
    };
  }
  const path: ParsedCertificate[] = [];
  for (
    let at: ParsedCertificate | null | undefined = reached;
    at;
    at = previous.get(at.fingerprint)
  ) {
    path.unshift(at);
  }
  for (const certificate of path) {
    if (!certificate.fields.validForDate(now)) {
      return {
        ok: false,
        message:
          `certificate "${certificate.subject}" on the chain is not valid on ${isoDay(now)} ` +
          `(valid from ${isoDay(certificate.fields.notBefore)} to ${
            isoDay(certificate.fields.notAfter)
          })`,
      };
    }
  }
  return { ok: true, path };
}
