/**
 * pip's configuration semantics for `pip install`: which options of pip.conf / pip.ini and `PIP_*`
 * variables bear on where packages come from, how layers override each other, and how values turn
 * into indexes and settings.
 *
 * pip keys its configuration as `section.name` (name lower-cased, `_` → `-`, a leading `--`
 * dropped); a later file replaces an earlier file's value for the same key, and when it builds
 * the options of `pip install` it applies the sections `global`, then `install`, then the
 * environment (`:env:`), each replacing the previous per option. Empty values are skipped at that
 * last step. List options (`--extra-index-url`, `--find-links`, `--trusted-host`) are split on
 * whitespace and replace, rather than extend, the value of a lower layer.
 *
 * @module
 */
import type { Index, InstallerSetting, Location, Problem } from "../../core/snapshot.ts";
import type { ReaderResult } from "../_reader.ts";
import { iniValue, parseIni, pySplit } from "./_ini.ts";
import { redactUrl } from "../../packaging/mod.ts";

/** One configured value with where it came from. */
export interface PipValue {
  /** The value as pip sees it (continuation lines joined with newlines). */
  value: string;
  /** Its physical pieces, each with its line (no line for an environment variable). */
  pieces: Array<{ text: string; line?: number }>;
  /** File (or `env:NAME`) in locations and problems. */
  file: string;
  /** Line of the option name. */
  line?: number;
  /** How the option was written, for messages (`install.index-url`, `PIP_INDEX_URL`). */
  written: string;
}

/** Values per pip section (`global`, `install`, `:env:`), each keyed by normalised option name. */
export type PipSections = Map<string, Map<string, PipValue>>;

/** Option names pip accepts in configuration (long option names) and what they set. */
const OPTION_DEST: Record<string, string> = {
  "index-url": "index-url",
  "pypi-url": "index-url",
  "extra-index-url": "extra-index-url",
  "find-links": "find-links",
  "trusted-host": "trusted-host",
  "no-index": "no-index",
  "require-hashes": "require-hashes",
  "pre": "pre",
  "cert": "cert",
  "client-cert": "client-cert",
};
const BOOLEAN_DESTS = new Set(["no-index", "require-hashes", "pre"]);
/** Cap on the entries of one list option. */
const MAX_WORDS = 100_000;
/** The sections `pip install` reads, lowest priority first. */
const SECTION_ORDER = ["global", "install", ":env:"];

/**
 * pip's `_normalize_name`: lower-case, `_` → `-`, a leading `--` removed.
 *
 * @example
 * ```ts
 * import { normalisePipName } from "./_pip.ts";
 * normalisePipName("--Extra_Index_URL"); // "extra-index-url"
 * ```
 */
export function normalisePipName(name: string): string {
  const lowered = name.toLowerCase().replaceAll("_", "-");
  return lowered.startsWith("--") ? lowered.slice(2) : lowered;
}

/**
 * The `global` and `install` values of one pip configuration file, and what configparser would
 * refuse in it.
 *
 * @example
 * ```ts
 * import { pipFileSections } from "./_pip.ts";
 * const { sections } = pipFileSections("[install]\nindex_url = https://x/simple\n", { file: "pip.conf" });
 * sections.get("install")?.get("index-url")?.line; // 2
 * ```
 */
export function pipFileSections(
  text: string,
  options: { file: string },
): { sections: PipSections; problems: Problem[] } {
  const { file } = options;
  const ini = parseIni(text);
  const problems: Problem[] = ini.problems.map((p) => ({ file, line: p.line, message: p.message }));
  const sections: PipSections = new Map();
  for (const section of ["global", "install"]) {
    const own = ini.sections.get(section);
    if (own === undefined) continue;
    // configparser's items(section): DEFAULT's options first, the section's own replacing them.
    const items = new Map(ini.defaults);
    for (const [name, option] of own) items.set(name, option);
    const values = new Map<string, PipValue>();
    for (const option of items.values()) {
      const name = normalisePipName(option.name);
      if (!(name in OPTION_DEST)) continue;
      values.set(name, {
        value: iniValue(option),
        pieces: option.pieces,
        file,
        line: option.line,
        written: `${section}.${option.name}`,
      });
    }
    sections.set(section, values);
  }
  return { sections, problems };
}

/**
 * The `PIP_*` environment variables that name install options, as pip's `:env:` section.
 *
 * @example
 * ```ts
 * import { pipEnvSections } from "./_pip.ts";
 * pipEnvSections({ PIP_NO_INDEX: "1" }).get(":env:")?.get("no-index")?.file; // "env:PIP_NO_INDEX"
 * ```
 */
export function pipEnvSections(env: Record<string, string | undefined>): PipSections {
  const values = new Map<string, PipValue>();
  for (const [variable, value] of Object.entries(env)) {
    if (!isPipVariable(variable) || value === undefined) continue;
    const name = normalisePipName(variable.slice(4));
    values.set(name, {
      value,
      pieces: [{ text: value }],
      file: `env:${variable}`,
      written: variable,
    });
  }
  return new Map([[":env:", values]]);
}

/**
 * Whether an environment variable is one pip reads as an install option covered here.
 *
 * @example
 * ```ts
 * import { isPipVariable } from "./_pip.ts";
 * isPipVariable("PIP_Extra_Index_URL"); // true
 * isPipVariable("pip_index_url"); // false
 * ```
 */
export function isPipVariable(variable: string): boolean {
  return variable.startsWith("PIP_") && normalisePipName(variable.slice(4)) in OPTION_DEST;
}

/**
 * Layer pip configuration sources, lowest priority first: a later layer replaces an earlier one's
 * value for the same section and option (empty values included, as pip does).
 *
 * @example
 * ```ts
 * import { mergePipSections, pipFileSections } from "./_pip.ts";
 * const a = pipFileSections("[global]\nindex-url = https://a/simple\n", { file: "/etc/pip.conf" });
 * const b = pipFileSections("[global]\nindex-url = https://b/simple\n", { file: "~/.config/pip/pip.conf" });
 * mergePipSections([a.sections, b.sections]).get("global")?.get("index-url")?.value; // "https://b/simple"
 * ```
 */
export function mergePipSections(layers: PipSections[]): PipSections {
  const merged: PipSections = new Map();
  for (const layer of layers) {
    for (const [section, values] of layer) {
      const target = merged.get(section) ?? new Map<string, PipValue>();
      for (const [name, value] of values) target.set(name, value);
      merged.set(section, target);
    }
  }
  return merged;
}

/**
 * Turn layered pip configuration into the indexes and settings `pip install` would use.
 *
 * @example
 * ```ts
 * import { pipFileSections, pipSectionsResult } from "./_pip.ts";
 * const { sections } = pipFileSections("[global]\ntrusted-host = a b\n", { file: "pip.conf" });
 * pipSectionsResult(sections).settings?.map((s) => s.value); // ["a", "b"]
 * ```
 */
export function pipSectionsResult(sections: PipSections): Required<
  Pick<ReaderResult, "indexes" | "settings" | "problems">
> {
  const effective = new Map<string, PipValue>();
  for (const section of SECTION_ORDER) {
    for (const [name, value] of sections.get(section) ?? []) {
      if (value.value !== "") effective.set(OPTION_DEST[name], value);
    }
  }
  const result = {
    indexes: [] as Index[],
    settings: [] as InstallerSetting[],
    problems: [] as Problem[],
  };
  for (const [dest, value] of effective) {
    const at = (line?: number): Location =>
      line === undefined ? { file: value.file } : { file: value.file, line };
    const words = value.pieces.flatMap((piece) =>
      pySplit(piece.text).map((word) => ({ word, location: at(piece.line) }))
    );
    if (words.length > MAX_WORDS) {
      result.problems.push({
        ...at(value.line),
        message: `${value.written}: more than ${MAX_WORDS} entries; the rest is not read`,
      });
      words.length = MAX_WORDS;
    }
    if (BOOLEAN_DESTS.has(dest)) {
      const flag = pipBoolean(value.value);
      if (flag === undefined) {
        result.problems.push({
          ...at(value.line),
          message: `${value.written}: expected true/false, yes/no, on/off or 1/0, found ` +
            `'${redactValue(value.value).slice(0, 80)}'`,
        });
      } else if (flag) result.settings.push({ name: dest, location: at(value.line) });
      continue;
    }
    if (dest === "extra-index-url" || dest === "find-links") {
      const role = dest === "extra-index-url" ? "extra" as const : "find-links" as const;
      for (const { word, location } of words) {
        result.indexes.push({ url: redactValue(word), role, location });
      }
      continue;
    }
    if (dest === "trusted-host") {
      for (const { word, location } of words) {
        result.settings.push({ name: "trusted-host", value: redactValue(word), location });
      }
      continue;
    }
    if (dest === "cert" || dest === "client-cert") {
      // A path, possibly with spaces: pip takes the whole value.
      result.settings.push({
        name: dest,
        value: redactValue(value.value),
        location: at(value.line),
      });
      continue;
    }
    if (words.length !== 1) {
      result.problems.push({
        ...at(value.line),
        message: `${value.written}: expected one URL, found ${words.length} words`,
      });
    }
    if (words.length > 0) {
      result.indexes.push({
        url: redactValue(words[0].word),
        role: "primary",
        location: words[0].location,
      });
    }
  }
  return result;
}

/**
 * {@linkcode redactUrl}, then also credentials of URLs embedded later in the text (a value that is
 * not itself a URL, such as `name=https://user:pw@host/simple`, can still carry one).
 *
 * @example
 * ```ts
 * import { redactValue } from "./_pip.ts";
 * redactValue("a=https://user:pw@host/simple"); // "a=https://***@host/simple"
 * ```
 */
export function redactValue(text: string): string {
  return redactUrl(text).replace(
    /([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)([^/?#@\s]*)@/g,
    (whole, scheme: string, user: string) =>
      user === "git" || user === "***" ? whole : `${scheme}***@`,
  );
}

/**
 * pip's `strtobool`: 1 for y/yes/t/true/on/1, 0 for n/no/f/false/off/0 (any case), else an error.
 *
 * @example
 * ```ts
 * import { pipBoolean } from "./_pip.ts";
 * pipBoolean("On"); // true
 * pipBoolean("maybe"); // undefined
 * ```
 */
export function pipBoolean(value: string): boolean | undefined {
  const lowered = value.toLowerCase();
  if (["y", "yes", "t", "true", "on", "1"].includes(lowered)) return true;
  if (["n", "no", "f", "false", "off", "0"].includes(lowered)) return false;
  return undefined;
}
