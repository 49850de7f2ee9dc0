/**
 * A deliberately small glob: `*` matches any run of characters, `?` one character, everything
 * else literally. For URLs and paths (`{ path: true }`), `*` and `?` stop at `/` and `**` crosses
 * it, so `https://*.corp.example/*` cannot match `https://evil.example/x.corp.example/simple`.
 * Dotted Python names (`{ separator: "." }`) work the same way on `.`, so `numpy.dtypes.*` names
 * one attribute of `numpy.dtypes`, never `numpy.dtypes.__builtins__.get`.
 * Waiver subjects use the plain form; index allow lists the path form.
 *
 * @module
 */

/**
 * Compile a glob into an anchored regular expression.
 *
 * @param glob The pattern.
 * @param options `path`: `*` and `?` do not match `/`; `**` does. `separator`: the same for
 *   another one-character separator (`"."` for dotted Python names).
 * @example
 * ```ts
 * import { globToRegExp } from "./glob.ts";
 * globToRegExp("pkg:pypi/torch@*").test("pkg:pypi/torch@2.3.1"); // true
 * const url = { path: true };
 * globToRegExp("https://*.corp.example/*", url).test("https://evil.example/x.corp.example/s"); // false
 * globToRegExp("https://pypi.corp.example/**", url).test("https://pypi.corp.example/a/simple"); // true
 * globToRegExp("numpy.dtypes.*", { separator: "." }).test("numpy.dtypes.__builtins__.get"); // false
 * ```
 */
export function globToRegExp(
  glob: string,
  options: { path?: boolean; separator?: string } = {},
): RegExp {
  const separator = options.separator ?? (options.path ? "/" : undefined);
  const any = separator === undefined ? "." : `[^${separator.replace(/[\\\]^-]/g, "\\$&")}]`;
  let source = "";
  const chars = [...glob];
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i];
    if (char === "*" && chars[i + 1] === "*") {
      source += ".*";
      i++;
    } else if (char === "*") source += `${any}*`;
    else if (char === "?") source += any;
    else source += char.replace(/[.+^${}()|[\]\\/-]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "s");
}

/**
 * Whether `text` matches `glob` (plain form: `*` matches anything).
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
