/**
 * Type guards for parsed JSON and TOML.
 *
 * @module
 */

/**
 * Whether a parsed value is a JSON object or TOML table: not null, not an array, not a date.
 *
 * @example
 * ```ts
 * import { isRecord } from "./guards.ts";
 * isRecord({ a: 1 }); // true
 * isRecord([1]); // false
 * ```
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    !(value instanceof Date);
}
