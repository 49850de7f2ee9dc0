/**
 * The `infra` family: how the project's deployment files run its MLOps services.
 * One check per file beside this one, named after its id; this module is the family's
 * public face.
 *
 * @module
 */
export { noUnauthenticatedUi } from "./no_unauthenticated_ui.ts";
export { noPlaintextSecrets } from "./no_plaintext_secrets.ts";
