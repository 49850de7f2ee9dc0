/**
 * X.509 certificate chains for OpenSSF Model Signing's "certificate" method: parse certificates
 * (bundle DER, trusted PEM), and find a path from the signing certificate to a trusted CA,
 * checking each link's signature, CA flags and key usage, and every certificate's validity at a
 * given time. Pure: no I/O, no system trust store.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { X509Certificate } from "node:crypto";
import { X509Certificate as SigstoreCertificate } from "@sigstore/core";

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
}

const PEM_CERTIFICATE =
  /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]{1,100000}?)-----END CERTIFICATE-----/g;
const MAX_TRUSTED_CERTIFICATES = 64;
const MAX_PATH_LENGTH = 16;

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
    };
  } catch {
    return undefined;
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

/** Why a certificate may not issue others, or undefined when it may. */
function notAnIssuer(certificate: ParsedCertificate): string | undefined {
  if (!certificate.fields.extBasicConstraints?.isCA) {
    return `"${certificate.subject}" is not a CA certificate`;
  }
  const usage = certificate.fields.extKeyUsage;
  if (usage !== undefined && !usage.keyCertSign) {
    return `"${certificate.subject}" may not sign certificates (key usage lacks keyCertSign)`;
  }
  return undefined;
}

function isoDay(date: Date): string {
  return Number.isNaN(date.getTime()) ? "an invalid date" : date.toISOString().slice(0, 10);
}

/** The result of {@link verifyCertificatePath}. */
export type CertificatePathResult =
  | { ok: true; path: ParsedCertificate[] }
  | { ok: false; message: string };

/**
 * Find and check a path from the signing certificate to a trusted certificate. Every trusted
 * certificate is an anchor (a trusted intermediate ends the path, like OpenSSL's partial-chain
 * mode); intermediates come from the bundle or the trusted list. Each link must verify, each
 * issuer must be a CA allowed to sign certificates, the leaf must allow digitalSignature when it
 * has a key usage extension (a CA:TRUE leaf is accepted, as model_signing does), and every
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
  const leafUsage = leaf.fields.extKeyUsage;
  if (leafUsage !== undefined && !leafUsage.digitalSignature) {
    return {
      ok: false,
      message: `the signing ${
        describeCertificate(leaf)
      } may not sign (key usage lacks digitalSignature)`,
    };
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
      for (const candidate of pool.values()) {
        if (previous.has(candidate.fingerprint) || !signedBy(current, candidate)) continue;
        const reason = notAnIssuer(candidate);
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
