/**
 * `signature.model-signed`: model files carry a valid OpenSSF Model Signing signature from a
 * signer you trust, and still match what was signed.
 *
 * @module
 */
import { z } from "zod";
import { defineCheck, type FindingDraft, Severity } from "../core/check.ts";
import { globToRegExp } from "../core/glob.ts";
import type { Signature, Snapshot } from "../core/snapshot.ts";
import { OWASP_ML06 } from "./_shared.ts";
import { compareSignedFiles, type SignedFilesComparison } from "../verify/mod.ts";
import { checkOmsTrust, type OmsTrust, verifyOmsBundle } from "../verify/mod.ts";
import bundledRoot from "../data/sigstore_trusted_root.json" with { type: "json" };

/**
 * What a model signature check concludes, from worst evidence to none: the verdicts users see.
 *
 * @example
 * ```ts
 * import { ModelSignatureVerdict } from "./signature_model.ts";
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
 * import { judgeModelSignature } from "./signature_model.ts";
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

const FIX: Record<Exclude<ModelSignatureVerdict, "valid" | "incomplete">, string> = {
  unsigned: "Sign the model where it is produced (`model_signing sign key|certificate|sigstore " +
    "MODEL_DIR`, or `tollgate sign-model`) and commit or ship model.sig beside it.",
  malformed: "Re-create the signature with model_signing; the file is not a valid OMS bundle.",
  "bad-signature": "Do not use the model: its signature does not verify, so the files or the " +
    "signature were altered. Get the model and model.sig again from the publisher.",
  "untrusted-signer": "Check who signed the model. If the signer is legitimate, add its public " +
    "key, CA certificate or Sigstore identity and issuer to the check's params.",
  "digest-mismatch": "Do not use the model: files differ from what was signed. Restore them from " +
    "the publisher, or re-sign after review.",
  "unsigned-extra-files": "Remove the files that were added after signing, or re-sign the model " +
    "with them (or list them in ignorePaths when they are not part of the model).",
};

/**
 * `signature.model-signed`: every model file is covered by an OMS signature that verifies against
 * a trusted key, CA or Sigstore identity, and the files still match the signed digests.
 *
 * @example
 * ```ts
 * import { modelSigned } from "./signature_model.ts";
 * const configured = modelSigned({
 *   identities: [{ identity: "ml-release@example.com", issuer: "https://accounts.google.com" }],
 * });
 * ```
 */
export const modelSigned = defineCheck({
  id: "signature.model-signed",
  title: "Models are signed by a trusted signer and unchanged",
  description:
    "Every model file must be covered by an OpenSSF Model Signing (OMS) signature (model.sig: " +
    "a Sigstore bundle with a DSSE-signed in-toto statement listing each file's sha256). The " +
    "signature must verify against a trusted public key, CA certificate chain or Sigstore " +
    "identity, and the files on disk must match the signed digests, with no unsigned files " +
    "added. A model swapped on a hub, a mirror or a shared disk fails here before it is loaded.",
  family: "signature",
  severity: "error",
  references: [OWASP_ML06, {
    title: "OpenSSF Model Signing (model_signing)",
    url: "https://github.com/sigstore/model-transparency",
  }],
  params: ModelSignatureTrust.extend({
    models: z.array(z.string().min(1)).default(["**"])
      .describe("Model files (path globs) that must be signed; default: every model file found"),
    signatures: z.array(
      z.object({
        signature: z.string().min(1).describe("Signature file, relative to the project root"),
        model: z.string().min(1).optional().describe("Model directory or file it signs"),
      }).strict(),
    ).default([]).describe("Signatures not named model.sig, or kept apart from the model"),
    unsignedSeverity: Severity.optional().describe(
      "Severity for model files that no signature covers; default error when any trust material " +
        "is given (deleting model.sig must not turn a failure into a warning), else warning",
    ),
  }).strict(),
  needs: ["artifacts", "signatures"],
  remedy: FIX.unsigned,
  async run(snapshot, params, context) {
    const unusable = checkOmsTrust(params);
    if (unusable.length > 0) throw new Error(`unusable trust params: ${unusable.join("; ")}`);
    const findings: FindingDraft[] = [];
    const incomplete: string[] = [];
    for (const signature of snapshot.signatures) {
      const result = await judgeModelSignature(signature, { trust: params, now: context.now });
      if (result.verdict === "valid") continue;
      if (result.verdict === "incomplete") {
        incomplete.push(`${signature.path}: ${result.message}`);
        continue;
      }
      findings.push({
        subject: `model:${signature.modelPath}`,
        location: { file: signature.path },
        message: `${signature.path}: ${result.verdict} — ${result.message}`,
        fix: FIX[result.verdict],
        evidence: {
          verdict: result.verdict,
          ...(result.signer === undefined ? {} : { signer: result.signer }),
          ...(result.files === undefined ? {} : { files: result.files }),
        },
      });
    }
    const trusted = params.publicKeys.length + params.certificateAuthorities.length +
        params.identities.length > 0;
    const unsignedSeverity = params.unsignedSeverity ?? (trusted ? "error" : "warning");
    findings.push(...unsignedModels(snapshot, params.models, unsignedSeverity));
    if (incomplete.length > 0) {
      throw new Error(`model signatures could not be verified: ${incomplete.join("; ")}`);
    }
    return findings;
  },
});

/** Model files that no signature covers, one finding per directory. */
function unsignedModels(snapshot: Snapshot, globs: string[], severity: Severity): FindingDraft[] {
  const required = globs.map((g) => globToRegExp(g, { path: true }));
  const covered = (path: string) =>
    snapshot.signatures.some((s) =>
      s.modelKind === "file"
        ? s.modelPath === path
        : s.modelPath === "." || path.startsWith(`${s.modelPath}/`)
    );
  const byDirectory = new Map<string, string[]>();
  for (const artifact of snapshot.artifacts) {
    if (!required.some((re) => re.test(artifact.path)) || covered(artifact.path)) continue;
    const slash = artifact.path.lastIndexOf("/");
    const directory = slash < 0 ? "." : artifact.path.slice(0, slash);
    byDirectory.set(directory, [...(byDirectory.get(directory) ?? []), artifact.path]);
  }
  return [...byDirectory].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0).map(([dir, files]) => ({
    subject: `model:${dir}`,
    severity,
    location: { file: files[0] },
    message: files.length === 1
      ? `${files[0]} has no OMS signature (no model.sig covers it).`
      : `${files.length} model files in ${dir} have no OMS signature (no model.sig covers them).`,
    fix: FIX.unsigned,
    evidence: { verdict: "unsigned", files },
  }));
}
