/**
 * The options pip accepts inside a requirements file, parsed the way Python's optparse parses
 * them: `-rfile`, `-r file`, `--requirement=file`, `--requirement file`, and unambiguous
 * abbreviations of long names (`--extra-index` is `--extra-index-url`).
 *
 * @module
 */

/**
 * One option as written on a line, with its canonical name (no dashes).
 *
 * @example
 * ```ts
 * import type { ParsedOption } from "./_options.ts";
 * const option: ParsedOption = { name: "index-url", value: "https://x/simple", written: "-i" };
 * ```
 */
export interface ParsedOption {
  /** Canonical long name without dashes, e.g. "index-url". */
  name: string;
  /** The value, for options that take one. */
  value?: string;
  /** The option as written, e.g. "-i" or "--extra-index". */
  written: string;
}

interface OptionSpec {
  long: string;
  short?: string;
  takesValue: boolean;
}

/** Options pip 23+ allows in requirements files. */
const OPTIONS: OptionSpec[] = [
  { long: "index-url", short: "i", takesValue: true },
  { long: "extra-index-url", takesValue: true },
  { long: "no-index", takesValue: false },
  { long: "constraint", short: "c", takesValue: true },
  { long: "requirement", short: "r", takesValue: true },
  { long: "editable", short: "e", takesValue: true },
  { long: "find-links", short: "f", takesValue: true },
  { long: "no-binary", takesValue: true },
  { long: "only-binary", takesValue: true },
  { long: "prefer-binary", takesValue: false },
  { long: "require-hashes", takesValue: false },
  { long: "pre", takesValue: false },
  { long: "trusted-host", takesValue: true },
  { long: "use-feature", takesValue: true },
  { long: "global-option", takesValue: true },
  { long: "hash", takesValue: true },
  { long: "config-settings", short: "C", takesValue: true },
];

/**
 * Parse option words from one requirements line.
 *
 * @param words Words as split by the shell rules.
 * @returns The options in order, words that are not options, and error messages.
 * @example
 * ```ts
 * import { parseOptions } from "./_options.ts";
 * parseOptions(["-rbase.txt", "--extra-index=https://x"]).options;
 * // [{ name: "requirement", value: "base.txt", written: "-r" },
 * //  { name: "extra-index-url", value: "https://x", written: "--extra-index" }]
 * ```
 */
export function parseOptions(
  words: string[],
): { options: ParsedOption[]; leftovers: string[]; errors: string[] } {
  const options: ParsedOption[] = [];
  const leftovers: string[] = [];
  const errors: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word === "--") {
      leftovers.push(...words.slice(i + 1));
      break;
    }
    if (word.startsWith("--")) {
      const equals = word.indexOf("=");
      const written = equals < 0 ? word : word.slice(0, equals);
      const found = findLong(written.slice(2));
      if (typeof found === "string") {
        errors.push(found);
        continue;
      }
      if (!found.takesValue) {
        if (equals >= 0) errors.push(`option ${written} takes no value`);
        else options.push({ name: found.long, written });
        continue;
      }
      const value = equals >= 0 ? word.slice(equals + 1) : words[++i];
      if (value === undefined) {
        errors.push(`option ${written} needs a value`);
        continue;
      }
      options.push({ name: found.long, value, written });
    } else if (word.startsWith("-") && word.length > 1) {
      const letter = word[1];
      const found = OPTIONS.find((spec) => spec.short === letter);
      if (found === undefined) {
        errors.push(`unknown option -${letter}`);
        continue;
      }
      const value = word.length > 2 ? word.slice(2) : words[++i];
      if (value === undefined) {
        errors.push(`option -${letter} needs a value`);
        continue;
      }
      options.push({ name: found.long, value, written: `-${letter}` });
    } else {
      leftovers.push(word);
    }
  }
  return { options, leftovers, errors };
}

/** The option a long name (or unambiguous prefix) means, or an error message. */
function findLong(name: string): OptionSpec | string {
  const exact = OPTIONS.find((spec) => spec.long === name);
  if (exact) return exact;
  const candidates = name === "" ? [] : OPTIONS.filter((spec) => spec.long.startsWith(name));
  if (candidates.length === 1) return candidates[0];
  if (candidates.length > 1) {
    const names = candidates.map((spec) => "--" + spec.long).join(", ");
    return `ambiguous option --${name} (could be ${names})`;
  }
  return `unknown option --${name}`;
}
