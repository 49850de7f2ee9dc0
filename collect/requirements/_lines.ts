/**
 * The first stage of reading a pip requirements file: split into physical lines, join `\`
 * continuations, drop comments and blank lines, expand `${VAR}` references, and split each logical
 * line into its requirement part and its option tokens. Mirrors pip's own order of these steps,
 * since the order decides what a `#` or a `\` means.
 *
 * @module
 */

/**
 * One logical line: its text after joining, comment removal and expansion.
 *
 * @example
 * ```ts
 * import type { LogicalLine } from "./_lines.ts";
 * const line: LogicalLine = { line: 3, text: "numpy==1.26.4", indent: 0 };
 * ```
 */
export interface LogicalLine {
  /** 1-based number of the first physical line. */
  line: number;
  /** The text, trimmed. */
  text: string;
  /** How many characters of leading whitespace the first physical line had. */
  indent: number;
}

// Python's str.splitlines() boundaries, so line numbers agree with pip's.
// Python splits at the file-separator controls too; matching them keeps line numbers equal.
// deno-lint-ignore no-control-regex
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;
const COMMENT_LINE = /^\s*#/;
const COMMENT = /(^|\s+)#.*$/;
const VARIABLE = /\$\{([A-Z0-9_]+)\}/g;

/**
 * Turn requirements-file text into logical lines the way pip does before parsing options.
 *
 * @param text The file's text (a BOM is stripped).
 * @param env Variables for `${NAME}` expansion; unset or empty ones are left as written.
 * @returns Non-empty logical lines with the number of their first physical line.
 * @example
 * ```ts
 * import { logicalLines } from "./_lines.ts";
 * logicalLines("a==1 \\\n  --hash=sha256:ab  # pinned\n", {});
 * // [{ line: 1, text: "a==1   --hash=sha256:ab", indent: 0 }]
 * ```
 */
export function logicalLines(
  text: string,
  env: Record<string, string | undefined>,
): LogicalLine[] {
  const physical = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(LINE_BREAK);
  if (physical.length > 0 && physical[physical.length - 1] === "") physical.pop();
  const joined: Array<{ line: number; text: string; indent: number }> = [];
  let pending: string[] = [];
  let first = 0;
  physical.forEach((raw, index) => {
    const isComment = COMMENT_LINE.test(raw);
    if (!raw.endsWith("\\") || isComment) {
      // pip prefixes comment lines with a space so the comment pattern removes them after joining.
      const piece = isComment ? " " + raw : raw;
      if (pending.length > 0) {
        joined.push({
          line: first,
          text: pending.join("") + piece,
          indent: indentOf(physical, first),
        });
        pending = [];
      } else {
        joined.push({ line: index + 1, text: piece, indent: indentOf(physical, index + 1) });
      }
    } else {
      if (pending.length === 0) first = index + 1;
      pending.push(raw.replace(/^\\+|\\+$/g, ""));
    }
  });
  if (pending.length > 0) {
    joined.push({ line: first, text: pending.join(""), indent: indentOf(physical, first) });
  }
  const result: LogicalLine[] = [];
  for (const entry of joined) {
    const stripped = entry.text.replace(COMMENT, "").trim();
    if (stripped === "") continue;
    const expanded = stripped.replace(VARIABLE, (whole, name: string) => env[name] || whole);
    result.push({ line: entry.line, text: expanded, indent: entry.indent });
  }
  return result;
}

function indentOf(physical: string[], line: number): number {
  return /^\s*/.exec(physical[line - 1] ?? "")![0].length;
}

/**
 * Split a logical line into the requirement text and the option text: options start at the first
 * `-` that begins the line or follows a space or tab.
 *
 * @example
 * ```ts
 * import { splitArgsAndOptions } from "./_lines.ts";
 * splitArgsAndOptions("torch==2.3 --hash=sha256:ab"); // { args: "torch==2.3", options: "--hash=sha256:ab" }
 * ```
 */
export function splitArgsAndOptions(text: string): { args: string; options: string } {
  const match = /(^|[ \t])-/.exec(text);
  if (!match) return { args: text.trim(), options: "" };
  const start = match.index + match[1].length;
  return { args: text.slice(0, start).trim(), options: text.slice(start).trim() };
}

/**
 * Split option text into words like a POSIX shell (quotes and backslash escapes), as pip does.
 *
 * @returns The words, or an error message when a quote is not closed.
 * @example
 * ```ts
 * import { shellWords } from "./_lines.ts";
 * shellWords(`--trusted-host "a b" -i x`); // { words: ["--trusted-host", "a b", "-i", "x"] }
 * ```
 */
export function shellWords(text: string): { words: string[]; error?: string } {
  const words: string[] = [];
  let current = "";
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === " " || char === "\t" || char === "\n") {
      if (inWord) words.push(current);
      current = "";
      inWord = false;
    } else if (char === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return { words, error: "no closing single quotation mark in the options" };
      current += text.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (char === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === "\\" && j + 1 < text.length && '\\"$`'.includes(text[j + 1])) j++;
        current += text[j];
      }
      if (j >= text.length) {
        return { words, error: "no closing double quotation mark in the options" };
      }
      inWord = true;
      i = j;
    } else if (char === "\\" && i + 1 < text.length) {
      current += text[++i];
      inWord = true;
    } else {
      current += char;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return { words };
}
