/**
 * A bounded TOML parse for lock files that recovers what it can from a broken file, and the
 * line of every array-of-tables entry (the TOML parser reports no positions).
 *
 * @module
 */
import { isRecord } from "../packaging/mod.ts";
import { parse as parseToml, TomlError } from "smol-toml";
import type { Problem } from "../core/snapshot.ts";
import {
  describeValue,
  MAX_DEPTH,
  MAX_LOCK_BYTES,
  MAX_LOCK_ENTRIES,
  type Table,
} from "./_lock_values.ts";

/** One entry of a lock file's main array of tables, with the line of its header when known. */
export interface LockEntry {
  /** The entry as parsed (not yet checked to be a table). */
  value: unknown;
  /** 1-based line of its `[[key]]` header (or of its `name = …` in an inline array). */
  line?: number;
}

/** What {@linkcode parseLockToml} found. */
export interface LockToml {
  /** Top-level values other than the entries (the whole document when it parsed). */
  document: Table;
  /** The entries of the main array of tables, at most {@linkcode MAX_LOCK_ENTRIES}. */
  entries: LockEntry[];
  /** Syntax errors and bounds exceeded. */
  problems: Problem[];
}

const HEADER =
  /^[ \t]*(\[\[?)[ \t]*("[^"\n]*"|'[^'\n]*'|[A-Za-z0-9_-]+)((?:[ \t]*\.[ \t]*(?:"[^"\n]*"|'[^'\n]*'|[A-Za-z0-9_-]+))*)[ \t]*\]\]?[ \t]*(?:#[^\n]*)?\r?$/gm;

interface Header {
  offset: number;
  line: number;
  key: string;
  /** `[[key]]` (a new element of a top-level array of tables). */
  element: boolean;
  /** More than one dotted segment (`[key.sub]`). */
  dotted: boolean;
}

function unquote(key: string): string {
  return key.startsWith('"') || key.startsWith("'") ? key.slice(1, -1) : key;
}

/** A function from character offset to 1-based line, built once per text. */
function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return (offset) => {
    let low = 0, high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle] <= offset) low = middle;
      else high = middle - 1;
    }
    return low + 1;
  };
}

function scanHeaders(text: string, lineOf: (offset: number) => number): Header[] {
  const headers: Header[] = [];
  for (const match of text.matchAll(HEADER)) {
    headers.push({
      offset: match.index,
      line: lineOf(match.index),
      key: unquote(match[2]),
      element: match[1] === "[[",
      dotted: match[3] !== "",
    });
  }
  return headers;
}

function tomlProblem(error: unknown, file: string, lineOffset: number): Problem {
  if (!(error instanceof TomlError)) {
    // smol-toml reports depth and other limits as plain errors; keep them as problems too.
    const message = error instanceof Error ? error.message : String(error);
    return { file, line: lineOffset + 1, message: `invalid TOML: ${message}` };
  }
  const message = error.message.split("\n")[0].replace(/^Invalid TOML document: /, "");
  return {
    file,
    line: lineOffset + Math.max(1, error.line),
    message: `invalid TOML: ${message}`,
  };
}

function parseChunk(text: string): Table {
  return parseToml(text, { maxDepth: MAX_DEPTH }) as Table;
}

/**
 * Parse a lock file's TOML and return its main array of tables (`arrayKey`) entry by entry with
 * their lines. When the document does not parse, it is cut at top-level headers and each piece is
 * parsed alone, so one broken entry (or a merge-conflict marker) costs only that entry.
 *
 * @param text The file's text.
 * @param options `file` for problems, `arrayKey` (`package` or `packages`), optional `maxEntries`.
 * @returns The other top-level values, the entries with lines, and problems.
 * @example
 * ```ts
 * import { parseLockToml } from "./_lock_toml.ts";
 * const lock = parseLockToml('version = 1\n\n[[package]]\nname = "a"\n', {
 *   file: "uv.lock",
 *   arrayKey: "package",
 * });
 * lock.entries; // [{ value: { name: "a" }, line: 3 }]
 * ```
 */
export function parseLockToml(
  text: string,
  options: { file: string; arrayKey: string; maxEntries?: number },
): LockToml {
  const { file, arrayKey } = options;
  const maxEntries = options.maxEntries ?? MAX_LOCK_ENTRIES;
  if (text.length > MAX_LOCK_BYTES) {
    return {
      document: {},
      entries: [],
      problems: [{
        file,
        message: `expected at most ${MAX_LOCK_BYTES} characters, found ${text.length}`,
      }],
    };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lineOf = lineIndex(text);
  const headers = scanHeaders(text, lineOf);
  let result: LockToml;
  try {
    result = fromWhole({ text, file, arrayKey, headers, lineOf }, parseChunk(text));
  } catch (error) {
    result = recover(text, file, arrayKey, headers, tomlProblem(error, file, 0));
  }
  if (result.entries.length > maxEntries) {
    result.problems.push({
      file,
      line: result.entries[maxEntries].line,
      message:
        `expected at most ${maxEntries} ${arrayKey} entries, found ${result.entries.length}` +
        `; the rest were not read`,
    });
    result.entries.length = maxEntries;
  }
  return result;
}

interface Scanned {
  text: string;
  file: string;
  arrayKey: string;
  headers: Header[];
  lineOf: (offset: number) => number;
}

function fromWhole(scanned: Scanned, document: Table): LockToml {
  const { text, file, arrayKey, headers, lineOf } = scanned;
  const problems: Problem[] = [];
  const array = document[arrayKey];
  delete document[arrayKey];
  if (array === undefined) return { document, entries: [], problems };
  if (!Array.isArray(array)) {
    problems.push({
      file,
      message: `expected an array of tables for ${arrayKey}, found ${describeValue(array)}`,
    });
    return { document, entries: [], problems };
  }
  const lines = headers.filter((h) => h.element && !h.dotted && h.key === arrayKey)
    .map((h) => h.line);
  if (lines.length !== array.length) {
    const found = nameLines(text, array, lineOf);
    return { document, entries: array.map((value, i) => ({ value, line: found[i] })), problems };
  }
  return { document, entries: array.map((value, i) => ({ value, line: lines[i] })), problems };
}

/** Lines of successive `name = "…"` assignments matching each entry's name (inline arrays). */
function nameLines(
  text: string,
  array: unknown[],
  lineOf: (offset: number) => number,
): Array<number | undefined> {
  const lines: Array<number | undefined> = [];
  let position = 0;
  // A name that is not found costs a scan of the rest of the text; stop looking after a few.
  let misses = 0;
  for (const value of array) {
    const name = isRecord(value) && typeof value.name === "string" ? value.name : undefined;
    if (name === undefined || misses > 16) {
      lines.push(undefined);
      continue;
    }
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const pattern = new RegExp(`(?:^|[\\s{,])name\\s*=\\s*(?:"${escaped}"|'${escaped}')`, "g");
    pattern.lastIndex = position;
    const match = pattern.exec(text);
    if (!match) {
      misses++;
      lines.push(undefined);
      continue;
    }
    position = match.index + match[0].length;
    lines.push(lineOf(position));
  }
  return lines;
}

/** Parse the document piece by piece between top-level headers, keeping what parses. */
function recover(
  text: string,
  file: string,
  arrayKey: string,
  headers: Header[],
  wholeError: Problem,
): LockToml {
  const starts: Header[] = [];
  for (const header of headers) {
    const previous = starts[starts.length - 1];
    if (!previous || !header.dotted || header.key !== previous.key) starts.push(header);
  }
  const pieces = [{ offset: 0, line: 1, header: undefined as Header | undefined }];
  for (const header of starts) pieces.push({ offset: header.offset, line: header.line, header });
  const document: Table = {};
  const entries: LockEntry[] = [];
  const problems: Problem[] = [];
  pieces.forEach((piece, i) => {
    const end = i + 1 < pieces.length ? pieces[i + 1].offset : text.length;
    let parsed: Table;
    try {
      parsed = parseChunk(text.slice(piece.offset, end));
    } catch (error) {
      problems.push(tomlProblem(error, file, piece.line - 1));
      return;
    }
    for (const [key, value] of Object.entries(parsed)) {
      if (key === arrayKey && Array.isArray(value)) {
        const line = piece.header?.key === arrayKey ? piece.line : undefined;
        for (const item of value) {
          entries.push(line === undefined ? { value: item } : { value: item, line });
        }
      } else if (!Object.hasOwn(document, key)) {
        setOwn(document, key, value);
      } else if (isRecord(document[key]) && isRecord(value)) {
        for (const [inner, innerValue] of Object.entries(value)) {
          setOwn(document[key] as Table, inner, innerValue);
        }
      }
    }
  });
  // Every piece parsed alone but the whole did not (a duplicate key across pieces, a header
  // inside a multi-line string): the parser's own message is the one to show.
  if (problems.length === 0) problems.push(wholeError);
  return { document, entries, problems };
}

/** Define a key without invoking setters (a `__proto__` key stays a plain key). */
function setOwn(table: Table, key: string, value: unknown): void {
  Object.defineProperty(table, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
