/**
 * A deliberately small glob: `*` matches any run of characters (including `/`), `?` one
 * character, everything else literally. Waiver subjects and allow lists use it.
 *
 * @module
 */

/**
 * Compile a glob into an anchored regular expression.
 *
 * @example
 * ```ts
 * import { globToRegExp } from "./glob.ts";
 * globToRegExp("pkg:pypi/torch@*").test("pkg:pypi/torch@2.3.1"); // true
 * ```
 */
export function globToRegExp(glob: string): RegExp {
  let source = "";
  for (const char of glob) {
    if (char === "*") source += ".*";
    else if (char === "?") source += ".";
    else source += char.replace(/[.+^${}()|[\]\\/-]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "s");
}

/**
 * Whether `text` matches `glob`.
 *
 * @example
 * ```ts
 * import { globMatch } from "./glob.ts";
 * globMatch("hf:meta-llama/*", "hf:meta-llama/Llama-3-8B"); // true
 * ```
 */
export function globMatch(glob: string, text: string): boolean {
  return globToRegExp(glob).test(text);
}
