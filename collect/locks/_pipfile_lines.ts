/**
 * Line numbers for a Pipfile. The TOML parser reports none, so one pass over the lines records
 * each table header and the keys written directly under it; entries are then looked up by table
 * and key as the parsed document names them.
 *
 * @module
 */

/**
 * Where the tables and keys of a Pipfile are; see {@linkcode pipfileLines}.
 *
 * @example
 * ```ts
 * import { type PipfileLines, pipfileLines } from "./_pipfile_lines.ts";
 * const lines: PipfileLines = pipfileLines("[packages]\nsix = '*'\n");
 * ```
 */
export interface PipfileLines {
  /** Line of `key = …` under `[table]`, or of a `[table.key]` header. */
  key(table: string, key: string): number | undefined;
  /** Line of the `[table]` header. */
  table(table: string): number | undefined;
  /** Lines of the `[[source]]` headers, in order. */
  sources: number[];
}

const HEADER = /^\s*(\[\[?)\s*([^\]#]*?)\s*\]\]?\s*(?:#.*)?$/;
const KEY = /^\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)\s*[=.]/;
const SEGMENT = /\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)\s*(?:\.|$)/y;

/**
 * Index the table headers and keys of a Pipfile's text.
 *
 * @param text The Pipfile.
 * @returns Look-ups for keys, tables and `[[source]]` headers (1-based lines).
 * @example
 * ```ts
 * import { pipfileLines } from "./_pipfile_lines.ts";
 * const lines = pipfileLines('[[source]]\nurl = "https://pypi.org/simple"\n\n[packages]\nsix = "*"\n');
 * lines.key("packages", "six"); // 5
 * lines.sources; // [1]
 * ```
 */
export function pipfileLines(text: string): PipfileLines {
  const keys = new Map<string, number>();
  const tables = new Map<string, number>();
  const sources: number[] = [];
  let table: string | undefined = "";
  const remember = (map: Map<string, number>, key: string, line: number) => {
    if (!map.has(key)) map.set(key, line);
  };
  text.split("\n").forEach((content, index) => {
    const line = index + 1;
    const header = HEADER.exec(content);
    if (header) {
      const path = splitKeys(header[2]);
      table = undefined;
      if (header[1] === "[[") {
        if (path?.length === 1 && path[0] === "source") sources.push(line);
        return;
      }
      if (path === undefined || path.length === 0) return;
      table = path.join(".");
      remember(tables, table, line);
      if (path.length === 2) remember(keys, `${path[0]}\u0000${path[1]}`, line);
      return;
    }
    const key = KEY.exec(content);
    if (key && table !== undefined) remember(keys, `${table}\u0000${unquote(key[1])}`, line);
  });
  return {
    key: (tableName, key) => keys.get(`${tableName}\u0000${key}`),
    table: (tableName) => tables.get(tableName),
    sources,
  };
}

function splitKeys(text: string): string[] | undefined {
  const parts: string[] = [];
  SEGMENT.lastIndex = 0;
  while (SEGMENT.lastIndex < text.length) {
    const start = SEGMENT.lastIndex;
    const match = SEGMENT.exec(text);
    if (!match || SEGMENT.lastIndex === start) return undefined;
    parts.push(unquote(match[1]));
  }
  return parts;
}

function unquote(key: string): string {
  if (key.startsWith('"')) {
    try {
      return JSON.parse(key);
    } catch {
      return key.slice(1, -1);
    }
  }
  return key.startsWith("'") ? key.slice(1, -1) : key;
}
