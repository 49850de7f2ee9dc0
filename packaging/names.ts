/**
 * Python project names as the packaging standards compare them.
 *
 * @module
 */

/**
 * PEP 503 normal form of a project name: lower case, runs of `-`, `_` and `.` become one `-`.
 *
 * @param name A project name as written.
 * @returns The normalised name.
 * @example
 * ```ts
 * import { normaliseName } from "./names.ts";
 * normaliseName("Zope_Interface"); // "zope-interface"
 * ```
 */
export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}
