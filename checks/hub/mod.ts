/**
 * The `hub` family: models the code loads from a hub.
 * One check per file beside this one, named after its id; this module is the family's
 * public face.
 *
 * @module
 */
export { revisionPinned } from "./revision_pinned.ts";
export { noRemoteCode } from "./no_remote_code.ts";
export { trustedPublishers } from "./trusted_publishers.ts";
export { lookalikePublishers } from "./lookalike_publishers.ts";
export { modelResolves } from "./model_resolves.ts";
export { safeWeights } from "./safe_weights.ts";
export { modelSubject } from "./_subjects.ts";
