/**
 * Signature verification and signing, as a package of its own: OpenSSF Model Signing (OMS)
 * bundles (keys, certificate chains, Sigstore keyless), PEP 740 attestations of PyPI files, the
 * files a model signature covers, and signing a model. Pure computation over bytes and parsed
 * JSON (no file or network I/O): collect gathers the bundles and digests, enrich the
 * attestations; checks, enrich and the CLI import this face only.
 *
 * @example
 * ```ts
 * import { checkOmsTrust } from "./mod.ts";
 * checkOmsTrust({ publicKeys: [], certificateAuthorities: [], identities: [] }); // []
 * ```
 *
 * @module
 */
export {
  checkOmsTrust,
  type OmsEnvelopeResult,
  type OmsManifest,
  type OmsMethod,
  type OmsResource,
  type OmsTrust,
  type OmsVerdict,
  verifyOmsBundle,
  type VerifyOmsOptions,
} from "./_oms_verify.ts";
export {
  buildOmsStatement,
  type BuildOmsStatementOptions,
  type OmsSignedBundle,
  type OmsSignedResource,
  type OmsStatement,
  signOmsBundle,
} from "./_oms_sign.ts";
export { describeKeyType, keyFingerprint, signatureDigest } from "./_oms_keys.ts";
export { bundleSigner } from "./bundle_signer.ts";
export {
  compareSignedFiles,
  GIT_PATHS,
  type SignedFilesComparison,
  type SignedManifest,
} from "./_model_signature_files.ts";
export {
  type AttestationSigner,
  type AttestationVerdict,
  PEP740_PREDICATE_TYPES,
  trustMaterialFrom,
  verifyAttestation,
} from "./_pep740_verify.ts";
export {
  type Pep740Attestation,
  type ProvenanceReading,
  readProvenance,
} from "./_pep740_bundle.ts";
export {
  MAX_PROVENANCE_TARGETS,
  planProvenance,
  type ProvenancePlan,
  type ProvenanceTarget,
  provenanceTargets,
} from "./_pep740_targets.ts";
export {
  judgeModelSignature,
  type ModelSignatureResult,
  ModelSignatureTrust,
  ModelSignatureVerdict,
} from "./model_signature.ts";
