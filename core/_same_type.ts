/**
 * Type-level proof that a zod schema and the interface documenting it describe the same data.
 *
 * Each data type of the snapshot, the report and the policy file is an interface (what the docs
 * show, field by field) and a zod schema of the same name (what validates and what JSON Schema is
 * generated from). The schema's JSDoc carries `@ignore`: its type is zod's, which our docs cannot
 * describe. Beside each pair, `type _X = Assert<Same<z.output<typeof X>, X>>` stops the build
 * when the two drift apart: a field added, dropped, made optional or retyped on one side only.
 *
 * @module
 */

/**
 * `true` when `A` and `B` are the same type (not merely assignable both ways: an optional field
 * present on one side only, or `readonly` on one side only, makes them differ).
 *
 * @example
 * ```ts
 * import type { Same } from "./_same_type.ts";
 * const yes: Same<{ a?: string }, { a?: string | undefined }> = true;
 * const no: Same<{ a: string }, { a: string; b?: number }> = false;
 * ```
 */
export type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2)
  ? true
  : false;

/**
 * Compiles only when `T` is `true`: "Type 'false' does not satisfy the constraint 'true'" names
 * the line of the schema whose interface drifted.
 *
 * @example
 * ```ts
 * import type { Assert, Same } from "./_same_type.ts";
 * type _Checked = Assert<Same<string, string>>;
 * ```
 */
export type Assert<T extends true> = T;
