/**
 * Values in TOML lock files: the table type, bounds, and how to describe a surprise.
 *
 * @module
 */
import { isRecord } from "../packaging/mod.ts";

/** A TOML table as the parser returns it. */
export type Table = Record<string, unknown>;

/**
 * Largest lock file read (bytes, and characters for direct calls): real uv.lock files run to
 * about 4.5 kB per package, so this leaves room for some 7,000 packages.
 *
 * @example
 * ```ts
 * import { MAX_LOCK_BYTES } from "./_lock_values.ts";
 * MAX_LOCK_BYTES; // 32 MiB
 * ```
 */
export const MAX_LOCK_BYTES = 32 * 1024 * 1024;
/**
 * Most entries read from one lock file; the rest are reported, not read.
 *
 * @example
 * ```ts
 * import { MAX_LOCK_ENTRIES } from "./_lock_values.ts";
 * MAX_LOCK_ENTRIES; // 100,000
 * ```
 */
export const MAX_LOCK_ENTRIES = 100_000;
/**
 * Deepest inline array/table nesting accepted (lock files need about four).
 *
 * @example
 * ```ts
 * import { MAX_DEPTH } from "./_lock_values.ts";
 * MAX_DEPTH; // 64
 * ```
 */
export const MAX_DEPTH = 64;

/**
 * A short description of a TOML value for problem messages: `3`, `"x"`, `a table`, `nothing`.
 *
 * @example
 * ```ts
 * import { describeValue } from "./_lock_toml.ts";
 * describeValue(3); // "3"
 * describeValue(undefined); // "nothing"
 * ```
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") {
    return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  }
  if (Array.isArray(value)) return "an array";
  if (value instanceof Date) return "a date";
  if (isRecord(value)) return "a table";
  return String(value);
}

/** One entry of the lock's main array of tables and the line it starts on. */
