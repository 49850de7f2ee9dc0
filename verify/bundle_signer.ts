/**
 * Who a Sigstore bundle says signed it, read without verifying anything: for telling, in a review,
 * that a model's signature now comes from someone else. Verification is the signature checks' job.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { isRecord } from "../packaging/mod.ts";
import { readCertificateDer } from "./_oms_x509.ts";

/** Most base64 characters of a certificate read (a real one is a few kilobytes). */
const MAX_CERTIFICATE_TEXT = 64 * 1024;

/**
 * The signer a bundle's verification material names, in words: the signing certificate's
 * identity (its subject alternative name, as Sigstore keyless certificates carry the e-mail or
 * workflow; else its subject) with its fingerprint, or the public key (its digest, or the hint
 * model_signing 1.1 writes). Not verified.
 *
 * @param bundle A parsed Sigstore bundle (any JSON value).
 * @returns One line, or undefined when the bundle names no signer it can read.
 * @example
 * ```ts
 * import { bundleSigner } from "./bundle_signer.ts";
 * bundleSigner({ verificationMaterial: { publicKey: { hint: "ab12" } } }); // "public key ab12"
 * bundleSigner({}); // undefined
 * ```
 */
export function bundleSigner(bundle: unknown): string | undefined {
  const material = isRecord(bundle) ? bundle.verificationMaterial : undefined;
  if (!isRecord(material)) return undefined;
  const chain = isRecord(material.x509CertificateChain)
    ? material.x509CertificateChain.certificates
    : undefined;
  const leaf = isRecord(material.certificate)
    ? material.certificate
    : Array.isArray(chain) && isRecord(chain[0])
    ? chain[0]
    : undefined;
  const raw = leaf?.rawBytes;
  if (typeof raw === "string" && raw.length > 0 && raw.length <= MAX_CERTIFICATE_TEXT) {
    const certificate = readCertificateDer(Buffer.from(raw, "base64"));
    if (!certificate) return `an unreadable certificate`;
    const identity = certificate.node.subjectAltName?.split(", ")[0] ?? certificate.subject;
    return `certificate ${identity} (${certificate.fingerprint.slice(0, 23)})`;
  }
  const key = isRecord(material.publicKey) ? material.publicKey : undefined;
  // model_signing 1.0 records the key itself; 1.1 a hint (the SHA-256 of its PEM text).
  if (typeof key?.rawBytes === "string" && key.rawBytes.length <= MAX_CERTIFICATE_TEXT) {
    const digest = createHash("sha256").update(Buffer.from(key.rawBytes, "base64"));
    return `public key (sha256:${digest.digest("hex").slice(0, 16)})`;
  }
  if (typeof key?.hint === "string" && key.hint.length > 0) {
    return `public key ${key.hint.slice(0, 128)}`;
  }
  return undefined;
}
