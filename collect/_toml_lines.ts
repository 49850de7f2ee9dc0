/**
 * Best-effort line numbers for values in a TOML file: the TOML parser reports none, so a value is
 * found by searching for its quoted text after the table header and key that hold it.
 *
 * @module
 */

/**
 * Finds the line of a value after a sequence of anchors; see {@linkcode lineLocator}.
 *
 * @example
 * ```ts
 * import { type LineLocator, lineLocator } from "./_toml_lines.ts";
 * const locate: LineLocator = lineLocator("[a]\nx = \"v\"\n");
 * locate([/^\[a\]/m], "v"); // 2
 * ```
 */
export type LineLocator = (anchors: RegExp[], value?: string) => number | undefined;

/**
 * Make a locator over `text`. Each call searches the anchors in order (each after the previous
 * match), then the value quoted with `"` or `'`; it returns the value's line, else the last anchor
 * found, else undefined. A value found once is skipped next time, so repeated strings get
 * successive lines (each search resumes past the used ones, so long lists stay linear).
 *
 * @example
 * ```ts
 * import { lineLocator } from "./_toml_lines.ts";
 * const locate = lineLocator('[project]\ndependencies = [\n  "numpy",\n]\n');
 * locate([/^\[project\]/m, /dependencies\s*=/m], "numpy"); // 3
 * ```
 */
export function lineLocator(text: string): LineLocator {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") lineStarts.push(i + 1);
  const lineOf = (offset: number) => {
    let low = 0, high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (lineStarts[middle] <= offset) low = middle;
      else high = middle - 1;
    }
    return low + 1;
  };
  const used = new Set<number>();
  const compiled = new Map<string, RegExp>();
  // Where each quoted string starts, by its text with quotes; built on the first value search.
  let strings: Map<string, number[]> | undefined;
  // Index into a candidate's offsets below which, from an anchors' end, all are used already.
  const cursors = new Map<string, number>();
  return (anchors, value) => {
    let position = 0;
    let anchorLine: number | undefined;
    for (const anchor of anchors) {
      const flags = anchor.flags.includes("g") ? anchor.flags : anchor.flags + "g";
      const pattern = compiled.get(`${flags}/${anchor.source}`) ?? new RegExp(anchor.source, flags);
      compiled.set(`${flags}/${anchor.source}`, pattern);
      pattern.lastIndex = position;
      const match = pattern.exec(text);
      if (!match) return anchorLine;
      position = match.index + match[0].length;
      anchorLine = lineOf(match.index + match[0].length - 1);
    }
    if (value === undefined) return anchorLine;
    strings ??= quotedStrings(text);
    let best = -1;
    const found: Array<[string, number]> = [];
    for (const candidate of [JSON.stringify(value), `'${value}'`]) {
      const offsets = strings.get(candidate) ?? [];
      const cursorKey = `${position}|${candidate}`;
      let at = cursors.get(cursorKey) ?? lowerBound(offsets, position);
      while (at < offsets.length && used.has(offsets[at])) at++;
      cursors.set(cursorKey, at);
      found.push([cursorKey, at]);
      if (at < offsets.length && (best < 0 || offsets[at] < best)) best = offsets[at];
    }
    if (best < 0) return anchorLine;
    used.add(best);
    for (const [cursorKey, at] of found) {
      if (strings.get(cursorKey.slice(cursorKey.indexOf("|") + 1))?.[at] === best) {
        cursors.set(cursorKey, at + 1);
      }
    }
    return lineOf(best);
  };
}

/** First index in ascending `offsets` whose value is at least `position`. */
function lowerBound(offsets: number[], position: number): number {
  let low = 0, high = offsets.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (offsets[middle] < position) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** One-line `"basic"` and `'literal'` TOML strings, outside comments and multi-line strings. */
function quotedStrings(text: string): Map<string, number[]> {
  const strings = new Map<string, number[]>();
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "#") {
      const newline = text.indexOf("\n", i);
      i = newline < 0 ? text.length : newline;
    } else if (c === '"' || c === "'") {
      if (text.startsWith(c.repeat(3), i)) {
        const end = text.indexOf(c.repeat(3), i + 3);
        i = end < 0 ? text.length : end + 3;
        continue;
      }
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== "\n") {
        j += c === '"' && text[j] === "\\" ? 2 : 1;
      }
      if (text[j] === c) {
        const quoted = text.slice(i, j + 1);
        const list = strings.get(quoted);
        if (list) list.push(i);
        else strings.set(quoted, [i]);
      }
      i = j + 1;
    } else i++;
  }
  return strings;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * A pattern for a TOML key being assigned: bare, `"quoted"` or `'quoted'`, at a line start, after
 * `{`, `,` or a dotted-key `.`, followed by `=` (not `==`).
 *
 * @param name The key as it appears in the parsed document.
 * @returns A multiline pattern to use as a {@linkcode LineLocator} anchor.
 * @example
 * ```ts
 * import { keyPattern } from "./_toml_lines.ts";
 * keyPattern("numpy").test('x = 1\nnumpy = "^1.26"'); // true
 * ```
 */
export function keyPattern(name: string): RegExp {
  const escaped = escapeRegExp(name);
  return new RegExp(`(?:^|[\\s{,.])(?:"${escaped}"|'${escaped}'|${escaped})\\s*=(?!=)`, "m");
}

/**
 * A pattern for a TOML table header `[a.b.c]` (or array-of-tables header `[[a.b.c]]` when `array`
 * is true) at a line start; each part may be quoted and dots may have spaces around them.
 *
 * @param parts The header's key path.
 * @param options `array`: match `[[...]]` instead of `[...]`.
 * @returns A multiline pattern to use as a {@linkcode LineLocator} anchor.
 * @example
 * ```ts
 * import { headerPattern } from "./_toml_lines.ts";
 * headerPattern(["tool", "poetry", "group", "dev", "dependencies"])
 *   .test('[tool.poetry.group."dev".dependencies]'); // true
 * headerPattern(["tool", "uv", "index"], { array: true }).test("[[tool.uv.index]]"); // true
 * ```
 */
export function headerPattern(parts: string[], options: { array?: boolean } = {}): RegExp {
  const path = parts.map((part) => {
    const escaped = escapeRegExp(part);
    return `(?:${escaped}|"${escaped}"|'${escaped}')`;
  }).join("[ \\t]*\\.[ \\t]*");
  const [open, close] = options.array ? ["\\[\\[", "\\]\\]"] : ["\\[", "\\]"];
  return new RegExp(`^[ \\t]*${open}[ \\t]*${path}[ \\t]*${close}`, "m");
}

/**
 * The line of each key assigned directly in a table: from the line after `header` up to the next
 * table header, the first `key =` at a line start (bare or quoted) for each key. Dotted and inline
 * keys are not listed; callers fall back to a {@linkcode LineLocator}.
 *
 * @param text The file's text.
 * @param header The table's header pattern (see {@linkcode headerPattern}).
 * @returns Key (as parsed, quotes removed) to 1-based line; empty when the header is not found.
 * @example
 * ```ts
 * import { headerPattern, tableKeyLines } from "./_toml_lines.ts";
 * const text = '[tool.poetry.dependencies]\nnumpy = "^1"\n"my.pkg" = "*"\n[other]\nx = 1\n';
 * tableKeyLines(text, headerPattern(["tool", "poetry", "dependencies"]));
 * // Map { "numpy" => 2, "my.pkg" => 3 }
 * ```
 */
export function tableKeyLines(text: string, header: RegExp): Map<string, number> {
  const lines = new Map<string, number>();
  const match = new RegExp(header.source, header.flags.replace("g", "")).exec(text);
  if (!match) return lines;
  const before = text.slice(0, match.index);
  let line = before.split("\n").length;
  const rest = text.slice(match.index).split("\n").slice(1);
  for (const row of rest) {
    line++;
    if (/^[ \t]*\[/.test(row)) break;
    const key = /^[ \t]*(?:"([^"\\]*)"|'([^']*)'|([A-Za-z0-9_-]+))[ \t]*=(?!=)/.exec(row);
    if (key) {
      const name = key[1] ?? key[2] ?? key[3];
      if (!lines.has(name)) lines.set(name, line);
    }
  }
  return lines;
}
