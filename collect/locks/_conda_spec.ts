/**
 * Conda match specs as written in environment.yml: `numpy`, `numpy=1.26`, `numpy==1.26.4`,
 * `python>=3.10`, `numpy 1.26.*`, `pytorch=2.1=py3.10_cuda*`, `conda-forge::pytorch`,
 * `numpy[version='>=1.26',build=py*]`. Follows the steps of conda's own MatchSpec string parser
 * (comment, brackets, `channel::`, name, then version and build) without judging versions.
 *
 * @module
 */

/**
 * One parsed match spec.
 *
 * @example
 * ```ts
 * import type { MatchSpec } from "./_conda_spec.ts";
 * const spec: MatchSpec = { name: "numpy", specifier: "=1.26" };
 * ```
 */
export interface MatchSpec {
  /** The `channel::` prefix (or `[channel=…]`) as written: a name or a URL. */
  channel?: string;
  /** The package name as written. */
  name: string;
  /** Everything after the name, trimmed; "" when nothing was written. */
  specifier: string;
  /** The version when the spec pins exactly one (`==1.2`, `=1.2=build`, `1.2`). */
  version?: string;
}

const NAME = /^[^\s=<>!~[]+/;
const VALID_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/;
/** A version with no operator and no wildcard: in conda this matches that version only. */
const PLAIN_VERSION = /^(?:[0-9]+!)?[0-9][A-Za-z0-9_.+]*$/;

/**
 * Parse a conda match spec.
 *
 * @param text The spec as written in the dependency list.
 * @returns The channel, name, specifier and pinned version, or an error saying what was expected.
 * @example
 * ```ts
 * import { parseMatchSpec } from "./_conda_spec.ts";
 * parseMatchSpec("pytorch::pytorch=2.1=py3.10_cuda*");
 * // { channel: "pytorch", name: "pytorch", specifier: "=2.1=py3.10_cuda*", version: "2.1" }
 * parseMatchSpec("numpy=1.26"); // { name: "numpy", specifier: "=1.26" }
 * ```
 */
export function parseMatchSpec(text: string): MatchSpec | { error: string } {
  let rest = text.split("#")[0].trim();
  if (rest === "") return { error: `expected a conda package spec, found '${text.trim()}'` };
  let channel: string | undefined;
  const separator = rest.lastIndexOf("::");
  if (separator >= 0) {
    channel = rest.slice(0, separator).trim();
    rest = rest.slice(separator + 2).trim();
    if (channel === "") return { error: `expected a channel before '::' in '${text.trim()}'` };
  }
  let brackets: Map<string, string> | undefined;
  let head = rest;
  if (rest.endsWith("]")) {
    const open = rest.indexOf("[");
    if (open < 0) return { error: `expected '[' before ']' in '${text.trim()}'` };
    const parsed = bracketPairs(rest.slice(open + 1, -1));
    if ("error" in parsed) return { error: `${parsed.error} in '${text.trim()}'` };
    brackets = parsed.pairs;
    head = rest.slice(0, open);
  }
  const name = NAME.exec(head)?.[0];
  if (name === undefined || !VALID_NAME.test(name)) {
    return { error: `expected a conda package name at the start of '${text.trim()}'` };
  }
  channel ??= brackets?.get("channel");
  const spec: MatchSpec = { name, specifier: rest.slice(name.length).trim() };
  if (channel !== undefined) spec.channel = channel;
  const version = pinnedVersion(brackets?.get("version") ?? head.slice(name.length).trim());
  if (version !== undefined) spec.version = version;
  return spec;
}

/** The single version a conda version (+ build) string allows, following conda's `=` rules. */
function pinnedVersion(text: string): string | undefined {
  if (text === "") return undefined;
  let version: string;
  let build: string | undefined;
  if (text.startsWith("==")) {
    [version, build] = splitBuild(text.slice(2).trim());
  } else if (text.startsWith("=")) {
    // `=1.2` means 1.2.*; `=1.2=build` (a build given) means exactly 1.2.
    [version, build] = splitBuild(text.slice(1).trim());
    if (build === undefined) return undefined;
  } else {
    [version, build] = splitBuild(text);
  }
  return PLAIN_VERSION.test(version) ? version : undefined;
}

function splitBuild(text: string): [string, string | undefined] {
  const match = /^(\S+?)(?:[ =]+(\S+))?$/.exec(text);
  return match ? [match[1], match[2]] : [text, undefined];
}

/** `key=value, key='value'` pairs from a bracket section. */
function bracketPairs(text: string): { pairs: Map<string, string> } | { error: string } {
  const pairs = new Map<string, string>();
  const pattern = /\s*([A-Za-z_]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^,\s]*))\s*(,|$)/y;
  while (pattern.lastIndex < text.length) {
    const start = pattern.lastIndex;
    const match = pattern.exec(text);
    if (!match || pattern.lastIndex === start) {
      return { error: `expected key=value in the brackets at '${text.slice(start)}'` };
    }
    pairs.set(match[1], match[2] ?? match[3] ?? match[4]);
    if (match[5] === "") break;
  }
  return { pairs };
}
