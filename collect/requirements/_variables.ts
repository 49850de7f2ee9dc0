/**
 * `${VAR}` references left in a requirements line after expansion: pip expands only `${NAME}`
 * with NAME of `[A-Z0-9_]`, from the environment, and keeps unset or empty ones as written;
 * Tollgate expands only with `--expand-env`. A reference that stays changes what the line means
 * (a version, a URL, an included file), so each line that keeps one gets one problem saying which
 * variables, why they stayed, and what is therefore unresolved.
 *
 * @module
 */

const VARIABLE = /\$\{([A-Z0-9_]+)\}/g;
/** User-info of a URL (`https://user:${TOKEN}@host`): credentials, not what is installed. */
const USER_INFO = /([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/@\s]*@/g;
/** A query value (`?token=${TOKEN}`): Tollgate redacts these anyway. */
const QUERY_VALUE = /([?&][^=&#\s]*=)[^&#\s]*/g;

/**
 * The variables a line still references where they matter, unique, in order of appearance:
 * references inside URL credentials (user-info, query values) are left out, since what gets
 * installed does not depend on them.
 *
 * @param text A logical line (or part of one) after expansion.
 * @returns The names, without `${}`.
 * @example
 * ```ts
 * import { unexpandedVariables } from "./_variables.ts";
 * unexpandedVariables("torch==${TORCH_VERSION} --hash=sha256:${H}"); // ["TORCH_VERSION", "H"]
 * unexpandedVariables("-i https://${USER}:${TOKEN}@pypi.internal/simple"); // []
 * ```
 */
export function unexpandedVariables(text: string): string[] {
  const relevant = text.replace(USER_INFO, "$1").replace(QUERY_VALUE, "$1");
  return [...new Set([...relevant.matchAll(VARIABLE)].map((match) => match[1]))];
}

/**
 * Whether text holds a `${NAME}` reference pip would expand.
 *
 * @example
 * ```ts
 * import { hasVariable } from "./_variables.ts";
 * hasVariable("==${V}"); // true
 * hasVariable("$V ${lower}"); // false
 * ```
 */
export function hasVariable(text: string): boolean {
  return /\$\{[A-Z0-9_]+\}/.test(text);
}

/**
 * The problem message for a line that keeps unexpanded variables.
 *
 * @param names The variables (from {@linkcode unexpandedVariables}).
 * @param expanding True when expansion was asked for (`--expand-env`): then they are unset.
 * @param consequence What is therefore unresolved, e.g. "the version of torch is unresolved".
 * @example
 * ```ts
 * import { unexpandedMessage } from "./_variables.ts";
 * unexpandedMessage(["V"], false, "the version of torch is unresolved");
 * // "${V} is not expanded (Tollgate expands ${VAR} only with --expand-env): the version of torch is unresolved"
 * ```
 */
export function unexpandedMessage(
  names: readonly string[],
  expanding: boolean,
  consequence: string,
): string {
  const written = names.map((name) => `\${${name}}`);
  const list = written.length === 1
    ? written[0]
    : `${written.slice(0, -1).join(", ")} and ${written[written.length - 1]}`;
  const one = written.length === 1;
  const why = expanding
    ? `${one ? "is" : "are"} unset or empty in the environment, so pip keeps ${
      one ? "it" : "them"
    } as written`
    : `${one ? "is" : "are"} not expanded (Tollgate expands \${VAR} only with --expand-env)`;
  return `${list} ${why}: ${consequence}`;
}
