/**
 * Built-in policies, by name (the names `extends:` accepts in policy files).
 *
 * @module
 */
import type { Policy } from "../core/policy.ts";
import { recommended } from "./recommended.ts";
import { strict } from "./strict.ts";

export { ML06_PREVENTION, PREVENTION_BY_CHECK, recommended } from "./recommended.ts";
export { strict } from "./strict.ts";

/**
 * Built-in policies keyed by name.
 *
 * @example
 * ```ts
 * import { policies } from "./mod.ts";
 * policies.recommended.name; // "recommended"
 * ```
 */
export const policies: Readonly<Record<string, Policy>> = { recommended, strict };
