/**
 * The `signature` family: hashes, attestations and signatures of packages and models.
 * One check per file beside this one, named after its id; this module is the family's
 * public face.
 *
 * @module
 */
export { hashPinned } from "./hash_pinned.ts";
export { packageAttested } from "./package_attested.ts";
export { installedIntegrity } from "./installed_integrity.ts";
export { modelSigned } from "./model_signed.ts";
