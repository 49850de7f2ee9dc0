/**
 * Judging one collected model signature: verify the OMS bundle against the trusted keys, CAs or
 * Sigstore identities, then compare the signed digests with the files on disk. What
 * `signature.model-signed` and `tollgate verify-model` both conclude.
 *
 * @module
 */
import { z } from "zod";
import type { Signature } from "../core/snapshot.ts";
import { compareSignedFiles, type SignedFilesComparison } from "./_model_signature_files.ts";
import { type OmsTrust, verifyOmsBundle } from "./_oms_verify.ts";
import bundledRoot from "../data/sigstore_trusted_root.json" with { type: "json" };

/**
 * What a model signature check concludes, from worst evidence to none: the verdicts users see.
 *
 * @example
 * ```ts
 * import { ModelSignatureVerdict } from "./model_signature.ts";
 * ModelSignatureVerdict.options.includes("digest-mismatch"); // true
 * ```
 */
export const ModelSignatureVerdict = z.enum([
  "valid",
  "unsigned",
  "malformed",
  "bad-signature",
  "untrusted-signer",
  "digest-mismatch",
  "unsigned-extra-files",
  "incomplete",
]);
/** A model signature verdict. */
export type ModelSignatureVerdict = z.infer<typeof ModelSignatureVerdict>;

/** Trust material and ignore paths, as the check's params and `verify-model` take them. */
export const ModelSignatureTrust = z.object({
  publicKeys: z.array(z.string().min(1)).default([])
    .describe("Trusted public keys (PEM, SPKI): ECDSA P-256/P-384/P-521 or Ed25519"),
  certificateAuthorities: z.array(z.string().min(1)).default([])
    .describe("Trusted CA certificates (PEM; one text may hold several) for certificate signing"),
  identities: z.array(
    z.object({
      identity: z.string().min(1).describe("Certificate SAN: e-mail, URI (workflow) or DNS name"),
      issuer: z.string().min(1).describe("OIDC issuer URL that vouched for the identity"),
    }).strict(),
  ).default([]).describe("Trusted Sigstore keyless signers (exact match)"),
  trustedRoot: z.unknown().optional().describe(
    "Sigstore trusted_root.json (parsed) for keyless signatures; default: the bundled " +
      "public-good root (data/sigstore_trusted_root.json)",
  ),
  ignorePaths: z.array(z.string().min(1)).default([])
    .describe("Paths (relative to the model) that may exist unsigned, besides the signature's own"),
});

/** The result of checking one signature against its files. */
export interface ModelSignatureResult {
  /** The verdict. */
  verdict: ModelSignatureVerdict;
  /** One sentence for people. */
  message: string;
  /** Who signed it, when the signature verified. */
  signer?: string;
  /** File differences, when the signature verified. */
  files?: SignedFilesComparison;
}

/**
 * Judges one collected signature: the bundle is verified cryptographically against `trust`, then
 * the signed digests are compared with the files found on disk. Pure; shared by the check and
 * `tollgate verify-model`.
 *
 * @param signature A collected signature (snapshot `signatures[]`).
 * @param options Trust material and ignore paths (see {@linkcode ModelSignatureTrust}); `now`.
 * @returns The verdict with a message.
 * @example
 * ```ts
 * import { judgeModelSignature } from "./model_signature.ts";
 * const result = await judgeModelSignature(
 *   { path: "model.sig", format: "unknown", modelPath: ".", modelKind: "directory", bundle: undefined, files: [], truncated: false, issues: ["not JSON"] },
 *   { trust: { publicKeys: [], certificateAuthorities: [], identities: [], ignorePaths: [] }, now: new Date() },
 * );
 * result.verdict; // "malformed"
 * ```
 */
export async function judgeModelSignature(
  signature: Signature,
  options: { trust: z.output<typeof ModelSignatureTrust>; now: Date },
): Promise<ModelSignatureResult> {
  if (signature.bundle === undefined || signature.bundle === null) {
    const why = signature.issues[0] ?? "it is not a Sigstore bundle";
    return { verdict: "malformed", message: `${signature.path} cannot be read: ${why}.` };
  }
  const trust: OmsTrust = {
    publicKeys: options.trust.publicKeys,
    certificateAuthorities: options.trust.certificateAuthorities,
    identities: options.trust.identities,
    trustedRoot: options.trust.trustedRoot ?? bundledRoot,
  };
  const envelope = await verifyOmsBundle(signature.bundle, { trust, now: options.now });
  if (!envelope.ok) return { verdict: envelope.verdict, message: envelope.message };
  const signer = envelope.signer;
  if (signature.truncated) {
    return {
      verdict: "incomplete",
      signer,
      message: `${signature.modelPath} has more files than Tollgate walks, so unsigned files ` +
        "cannot be ruled out.",
    };
  }
  const { manifest } = envelope;
  if (manifest.hashType !== "sha256") {
    return {
      verdict: "incomplete",
      signer,
      message: `the signature uses ${manifest.hashType} digests; Tollgate computes sha256 only.`,
    };
  }
  const files = compareSignedFiles({
    manifest,
    signature,
    ignorePaths: options.trust.ignorePaths,
  });
  const list = (paths: string[]) =>
    paths.slice(0, 10).join(", ") + (paths.length > 10 ? ` and ${paths.length - 10} more` : "");
  if (files.unreadable.length > 0) {
    return {
      verdict: "incomplete",
      signer,
      files,
      message: `signed files could not be read: ${list(files.unreadable)}.`,
    };
  }
  const mismatch = [
    ...files.changed.map((p) => `${p} changed`),
    ...files.missing.map((p) => `${p} is missing`),
    ...files.symlinks.map((p) => `${p} is a symbolic link, which the signature does not allow`),
  ];
  if (mismatch.length > 0) {
    return {
      verdict: "digest-mismatch",
      signer,
      files,
      message: `the files no longer match the signature: ${list(mismatch)}.`,
    };
  }
  if (files.extra.length > 0) {
    return {
      verdict: "unsigned-extra-files",
      signer,
      files,
      message: `files that the signature does not cover: ${list(files.extra)}.`,
    };
  }
  return { verdict: "valid", signer, files, message: `signed by ${signer}; every file matches.` };
}
