/**
 * An INI reader that follows Python's `configparser.RawConfigParser()` with its default options,
 * which is what pip uses for pip.conf / pip.ini: `=` or `:` delimiters, `#` and `;` full-line
 * comments only, indented continuation lines, lower-cased option names, a `DEFAULT` section whose
 * options every section inherits, and strict mode (a repeated section or option is an error).
 *
 * Where configparser would raise, a problem is recorded and reading goes on, so the rest of the
 * file still yields facts.
 *
 * @module
 */

/** One piece of an option's value: the text of one physical line, stripped. */
export interface IniPiece {
  /** The stripped text ('' for a blank line inside a value). */
  text: string;
  /** 1-based line number. */
  line: number;
}

/** An option as configparser stores it, with the lines its value came from. */
export interface IniOption {
  /** Name as configparser keeps it: lower-cased, trailing spaces removed. */
  name: string;
  /** Line of `name = value`. */
  line: number;
  /** The value's pieces: the rest of the key line, then each continuation line. */
  pieces: IniPiece[];
}

/** What {@linkcode parseIni} found. */
export interface IniDocument {
  /** Sections in file order; each maps option name to option (later duplicates win). */
  sections: Map<string, Map<string, IniOption>>;
  /** The `[DEFAULT]` section's options, inherited by every section. */
  defaults: Map<string, IniOption>;
  /** Where configparser would have refused the file. */
  problems: Array<{ line: number; message: string }>;
}

/** Python's `str.isspace()` characters (what `str.strip()` and `str.split()` use). */
const PY_SPACE =
  "\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, "g");
const SPLIT = new RegExp(`[${PY_SPACE}]+`);
const NON_SPACE = new RegExp(`[^${PY_SPACE}]`);
const SECTION = /^\[([^\n]+)\]/;
const OPTION = new RegExp(`^([^\\n]*?)[${PY_SPACE}]*([=:])[${PY_SPACE}]*([^\\n]*)$`);

/**
 * Cap on the lines read from one file.
 *
 * @example
 * ```ts
 * import { MAX_INI_LINES } from "./_ini.ts";
 * MAX_INI_LINES > 0; // true
 * ```
 */
export const MAX_INI_LINES = 100_000;

/**
 * Python's `str.strip()`.
 *
 * @example
 * ```ts
 * import { pyStrip } from "./_ini.ts";
 * pyStrip("\t a b \x1f"); // "a b"
 * ```
 */
export function pyStrip(text: string): string {
  return text.replace(STRIP, "");
}

/**
 * Python's `str.split()` with no arguments: words separated by runs of whitespace.
 *
 * @example
 * ```ts
 * import { pySplit } from "./_ini.ts";
 * pySplit("  a\n b  "); // ["a", "b"]
 * ```
 */
export function pySplit(text: string): string[] {
  return text.split(SPLIT).filter((word) => word !== "");
}

/**
 * An option's value as configparser returns it: pieces joined with newlines, trailing whitespace
 * removed.
 *
 * @example
 * ```ts
 * import { iniValue } from "./_ini.ts";
 * iniValue({ name: "a", line: 1, pieces: [{ text: "", line: 1 }, { text: "x", line: 2 }] }); // "\nx"
 * ```
 */
export function iniValue(option: IniOption): string {
  return option.pieces.map((piece) => piece.text).join("\n").replace(
    new RegExp(`[${PY_SPACE}]+$`),
    "",
  );
}

/**
 * Read INI text the way `configparser.RawConfigParser().read_string()` does.
 *
 * @param text The file's text.
 * @returns Sections, defaults and the errors configparser would raise, with lines.
 * @example
 * ```ts
 * import { parseIni } from "./_ini.ts";
 * const ini = parseIni("[global]\nIndex-URL = https://x/simple\n");
 * ini.sections.get("global")?.get("index-url")?.line; // 2
 * ```
 */
export function parseIni(text: string): IniDocument {
  const document: IniDocument = { sections: new Map(), defaults: new Map(), problems: [] };
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  if (lines.length > MAX_INI_LINES) {
    document.problems.push({
      line: MAX_INI_LINES + 1,
      message: `more than ${MAX_INI_LINES} lines; the rest is not read`,
    });
    lines.length = MAX_INI_LINES;
  }
  const seen = new Set<string>();
  let current: Map<string, IniOption> | undefined;
  let sectionName = "";
  let option: IniOption | undefined;
  let indentLevel = 0;
  lines.forEach((raw, index) => {
    const line = index + 1;
    const stripped = pyStrip(raw);
    const comment = stripped.startsWith("#") || stripped.startsWith(";");
    const value = comment ? "" : stripped;
    if (value === "") {
      // A blank line inside a value is kept (configparser's empty_lines_in_values).
      if (!comment && option !== undefined) option.pieces.push({ text: "", line });
      return;
    }
    const indent = raw.search(NON_SPACE);
    if (current !== undefined && option !== undefined && indent > indentLevel) {
      option.pieces.push({ text: value, line });
      return;
    }
    indentLevel = indent;
    const header = SECTION.exec(value);
    if (header) {
      sectionName = header[1];
      option = undefined;
      if (sectionName === "DEFAULT") {
        current = document.defaults;
        return;
      }
      if (seen.has(`[${sectionName}]`)) {
        document.problems.push({ line, message: `section [${sectionName}] appears twice` });
      }
      seen.add(`[${sectionName}]`);
      current = document.sections.get(sectionName);
      if (current === undefined) {
        current = new Map();
        document.sections.set(sectionName, current);
      }
      return;
    }
    if (current === undefined) {
      document.problems.push({ line, message: "expected a [section] header before any option" });
      option = undefined;
      return;
    }
    const match = OPTION.exec(value);
    if (!match) {
      document.problems.push({ line, message: `expected 'name = value', found '${value}'` });
      // configparser keeps the previous option open, so indented lines still continue it.
      return;
    }
    const name = match[1].replace(new RegExp(`[${PY_SPACE}]+$`), "").toLowerCase();
    if (match[1] === "") {
      document.problems.push({ line, message: `expected an option name before '${match[2]}'` });
    }
    const key = `${sectionName}\u0000${name}`;
    if (seen.has(key)) {
      document.problems.push({
        line,
        message: `option '${name}' appears twice in [${sectionName}]`,
      });
    }
    seen.add(key);
    option = { name, line, pieces: [{ text: pyStrip(match[3]), line }] };
    current.set(name, option);
  });
  return document;
}
