/**
 * Putting Tollgate together for a caller: finding and loading the policy a project or a path
 * names. The CLI and library users call the same functions.
 *
 * @example
 * ```ts
 * import { DISCOVERED_POLICY_FILES } from "./mod.ts";
 * DISCOVERED_POLICY_FILES.includes("tollgate.yaml"); // true
 * ```
 *
 * @module
 */
export { choosePolicy, DISCOVERED_POLICY_FILES, loadPolicy } from "./policy_file.ts";
