/**
 * `signature.model-signed`: model files carry a valid OpenSSF Model Signing signature from a
 * signer you trust, and still match what was signed.
 *
 * @module
 */
import { z } from "zod";
import { defineCheck, type FindingDraft, Severity } from "../../core/check.ts";
import { globToRegExp } from "../../core/glob.ts";
import type { Snapshot } from "../../core/snapshot.ts";
import { OWASP_ML06 } from "../_shared.ts";
import {
  checkOmsTrust,
  judgeModelSignature,
  ModelSignatureTrust,
  type ModelSignatureVerdict,
} from "../../verify/mod.ts";

export {
  judgeModelSignature,
  type ModelSignatureResult,
  ModelSignatureTrust,
  ModelSignatureVerdict,
} from "../../verify/mod.ts";

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
 * import { modelSigned } from "./model_signed.ts";
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
  wants: (params) => ({ signatures: params.signatures }),
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
