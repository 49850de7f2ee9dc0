/**
 * The `venv` family: where packages are installed.
 * One check per file beside this one, named after its id; this module is the family's
 * public face.
 *
 * @module
 */
export { isolated } from "./isolated.ts";
export { matchesLock } from "./matches_lock.ts";
