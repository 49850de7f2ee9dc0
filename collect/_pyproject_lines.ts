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
 * import { type LineLocator, lineLocator } from "./_pyproject_lines.ts";
 * const locate: LineLocator = lineLocator("[a]\nx = \"v\"\n");
 * locate([/^\[a\]/m], "v"); // 2
 * ```
 */
export type LineLocator = (anchors: RegExp[], value?: string) => number | undefined;

/**
 * Make a locator over `text`. Each call searches the anchors in order (each after the previous
 * match), then the value quoted with `"` or `'`; it returns the value's line, else the last anchor
 * found, else undefined. A value found once is skipped next time, so repeated strings get
 * successive lines.
 *
 * @example
 * ```ts
 * import { lineLocator } from "./_pyproject_lines.ts";
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
  return (anchors, value) => {
    let position = 0;
    let anchorLine: number | undefined;
    for (const anchor of anchors) {
      const flags = anchor.flags.includes("g") ? anchor.flags : anchor.flags + "g";
      const pattern = new RegExp(anchor.source, flags);
      pattern.lastIndex = position;
      const match = pattern.exec(text);
      if (!match) return anchorLine;
      position = match.index + match[0].length;
      anchorLine = lineOf(match.index + match[0].length - 1);
    }
    if (value === undefined) return anchorLine;
    const quoted = [JSON.stringify(value), `'${value}'`];
    let best = -1;
    for (const candidate of quoted) {
      let at = text.indexOf(candidate, position);
      while (at >= 0 && used.has(at)) at = text.indexOf(candidate, at + 1);
      if (at >= 0 && (best < 0 || at < best)) best = at;
    }
    if (best < 0) return anchorLine;
    used.add(best);
    return lineOf(best);
  };
}
