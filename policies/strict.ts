/**
 * The `strict` policy: `recommended`, with warnings failing the build.
 *
 * @module
 */
import { definePolicy, type Policy } from "../core/policy.ts";
import { recommended } from "./recommended.ts";

/**
 * `recommended` with `failOn: "warning"`: a dynamic revision, a missing virtualenv or an expired
 * waiver fails too.
 *
 * @example
 * ```ts
 * import { strict } from "./strict.ts";
 * strict.failOn; // "warning"
 * ```
 */
export const strict: Policy = definePolicy({
  name: "strict",
  extends: [recommended],
  failOn: "warning",
});
