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

/**
 * Whether a package's name was written in its file (true), or guessed by a reader from a path or
 * URL because none was (`-e .`, a git URL without `#egg=`; false). Checks that match on names
 * treat a guessed name as unknown: it may not be the project's name at all.
 *
 * @param pkg A package (only `nameFrom` is read).
 * @returns False for a guessed name.
 * @example
 * ```ts
 * import { hasWrittenName } from "./names.ts";
 * hasWrittenName({ nameFrom: "guessed" }); // false
 * hasWrittenName({}); // true
 * ```
 */
export function hasWrittenName(pkg: { nameFrom?: "guessed" }): boolean {
  return pkg.nameFrom !== "guessed";
}
