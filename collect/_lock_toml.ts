/**
 * Shared plumbing for TOML lock files (uv.lock, poetry.lock, pylock.toml): a bounded parse that
 * recovers what it can from a broken file, the line of every array-of-tables entry (the TOML
 * parser reports no positions), typed field access that turns surprises into problems, and the
 * `lock`-layer package entry they all build.
 *
 * @module
 */
import { parse as parseToml, TomlError } from "smol-toml";
import type { Package, PackageSource, Problem } from "../core/snapshot.ts";
import { normaliseName } from "./_pep508.ts";

/** A TOML table as the parser returns it. */
export type Table = Record<string, unknown>;

/**
 * Largest lock file read (bytes, and characters for direct calls): real uv.lock files run to
 * about 4.5 kB per package, so this leaves room for some 7,000 packages.
 */
export const MAX_LOCK_BYTES = 32 * 1024 * 1024;
/** Most entries read from one lock file; the rest are reported, not read. */
export const MAX_LOCK_ENTRIES = 100_000;
/** Deepest inline array/table nesting accepted (lock files need about four). */
const MAX_DEPTH = 64;

/**
 * Whether a parsed TOML value is a table (not an array, date or primitive).
 *
 * @example
 * ```ts
 * import { isTable } from "./_lock_toml.ts";
 * isTable({ a: 1 }); // true
 * isTable([1]); // false
 * ```
 */
export function isTable(value: unknown): value is Table {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    !(value instanceof Date);
}

/**
 * A short description of a TOML value for problem messages: `3`, `"x"`, `a table`, `nothing`.
 *
 * @example
 * ```ts
 * import { describeValue } from "./_lock_toml.ts";
 * describeValue(3); // "3"
 * describeValue(undefined); // "nothing"
 * ```
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") {
    return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  }
  if (Array.isArray(value)) return "an array";
  if (value instanceof Date) return "a date";
  if (isTable(value)) return "a table";
  return String(value);
}

/** One entry of the lock's main array of tables and the line it starts on. */
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

/** One table entry of a lock file, with a field reader whose problems carry the entry's line. */
export interface LockTable {
  /** The entry. */
  table: Table;
  /** Reads the entry's fields; its problems carry the entry's line. */
  fields: FieldReader;
  /** 1-based line of the entry, when known. */
  line?: number;
}

/**
 * {@linkcode parseLockToml} with field readers that report into its problems: `top` for the
 * document, and one per entry from `tables()`, which reports (as it goes) entries that are not
 * tables.
 *
 * @example
 * ```ts
 * import { readLockTables } from "./_lock_toml.ts";
 * const lock = readLockTables('[[package]]\nname = "a"\n', { file: "uv.lock", arrayKey: "package" });
 * [...lock.tables()].map((entry) => [entry.table.name, entry.line]); // [["a", 1]]
 * ```
 */
export function readLockTables(text: string, options: { file: string; arrayKey: string }): {
  document: Table;
  problems: Problem[];
  top: FieldReader;
  tables: () => Generator<LockTable>;
} {
  const { file, arrayKey } = options;
  const lock = parseLockToml(text, { file, arrayKey });
  const problems = lock.problems;
  const reporter = (line?: number) => (message: string) =>
    problems.push(line === undefined ? { file, message } : { file, line, message });
  function* tables(): Generator<LockTable> {
    for (const entry of lock.entries) {
      const fields = new FieldReader(reporter(entry.line));
      if (isTable(entry.value)) yield { table: entry.value, fields, line: entry.line };
      else fields.report(`expected a table for ${arrayKey}, found ${describeValue(entry.value)}`);
    }
  }
  return { document: lock.document, problems, top: new FieldReader(reporter(undefined)), tables };
}

/**
 * A `lock`-layer package: pinned `==version` when the version is known, `direct: false` (the
 * reader or the collector marks what the project names), in the snapshot's key order.
 *
 * @example
 * ```ts
 * import { lockPackage } from "./_lock_toml.ts";
 * const pkg = lockPackage({
 *   name: "Torch",
 *   version: "2.3.1",
 *   hashes: [],
 *   source: { kind: "index" },
 *   editable: false,
 *   groups: [],
 *   location: { file: "uv.lock", line: 3 },
 * });
 * [pkg.name, pkg.displayName, pkg.specifier]; // ["torch", "Torch", "==2.3.1"]
 * ```
 */
export function lockPackage(entry: {
  name: string;
  version?: string;
  markers?: string;
  hashes: string[];
  source: PackageSource;
  editable: boolean;
  groups: string[];
  location: { file: string; line?: number };
}): Package {
  const name = normaliseName(entry.name);
  const { version, markers } = entry;
  return {
    ecosystem: "pypi",
    name,
    ...(entry.name !== name ? { displayName: entry.name } : {}),
    ...(version !== undefined ? { version } : {}),
    specifier: version !== undefined ? `==${version}` : "",
    extras: [],
    ...(markers !== undefined ? { markers } : {}),
    hashes: entry.hashes,
    source: entry.source,
    layer: "lock",
    direct: false,
    editable: entry.editable,
    groups: entry.groups,
    locations: [entry.location],
  };
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
    const name = isTable(value) && typeof value.name === "string" ? value.name : undefined;
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
      } else if (isTable(document[key]) && isTable(value)) {
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

const HASH = /^[A-Za-z0-9_-]+:[0-9A-Fa-f]+$/;

/** Define a key without invoking setters (a `__proto__` key stays a plain key). */
function setOwn(table: Table, key: string, value: unknown): void {
  Object.defineProperty(table, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/**
 * Typed reads from a table that record a problem for a value of the wrong type.
 *
 * @example
 * ```ts
 * import { FieldReader } from "./_lock_toml.ts";
 * const problems: string[] = [];
 * const fields = new FieldReader((message) => problems.push(message));
 * fields.string({ version: 3 }, "version", "package.version"); // undefined
 * problems; // ["expected a string for package.version, found 3"]
 * ```
 */
export class FieldReader {
  /** Receives each problem message. */
  readonly report: (message: string) => void;

  /**
   * Make a reader whose problems go to `report`.
   *
   * @param report Receives each problem message.
   */
  constructor(report: (message: string) => void) {
    this.report = report;
  }

  /** A string value, or undefined (with a problem unless absent). */
  string(table: Table, key: string, where: string): string | undefined {
    const value = table[key];
    if (value === undefined || typeof value === "string") return value;
    this.report(`expected a string for ${where}, found ${describeValue(value)}`);
    return undefined;
  }

  /** A string value that must be there, or undefined (with a problem, absent or not). */
  requiredString(table: Table, key: string, where: string): string | undefined {
    const value = this.string(table, key, where);
    if (table[key] === undefined) this.report(`expected a string for ${where}, found nothing`);
    return value;
  }

  /** A boolean value, or undefined (with a problem unless absent). */
  boolean(table: Table, key: string, where: string): boolean | undefined {
    const value = table[key];
    if (value === undefined || typeof value === "boolean") return value;
    this.report(`expected a boolean for ${where}, found ${describeValue(value)}`);
    return undefined;
  }

  /** A table value, or undefined (with a problem unless absent). */
  table(table: Table, key: string, where: string): Table | undefined {
    const value = table[key];
    if (value === undefined || isTable(value)) return value;
    this.report(`expected a table for ${where}, found ${describeValue(value)}`);
    return undefined;
  }

  /** An array value, or [] (with a problem unless absent). */
  array(table: Table, key: string, where: string): unknown[] {
    const value = table[key];
    if (value === undefined) return [];
    if (Array.isArray(value)) return value;
    this.report(`expected an array for ${where}, found ${describeValue(value)}`);
    return [];
  }

  /** The strings of an array value; other items are problems. */
  strings(table: Table, key: string, where: string): string[] {
    const out: string[] = [];
    this.array(table, key, where).forEach((item, i) => {
      if (typeof item === "string") out.push(item);
      else this.report(`expected a string for ${where}[${i}], found ${describeValue(item)}`);
    });
    return out;
  }

  /** The tables of an array value; other items are problems. */
  tables(table: Table, key: string, where: string): Array<[Table, string]> {
    const out: Array<[Table, string]> = [];
    this.array(table, key, where).forEach((item, i) => {
      if (isTable(item)) out.push([item, `${where}[${i}]`]);
      else this.report(`expected a table for ${where}[${i}], found ${describeValue(item)}`);
    });
    return out;
  }

  /** An `algorithm:hexdigest` hash with the algorithm lower-cased, or undefined. */
  hash(value: unknown, where: string): string | undefined {
    if (typeof value === "string" && HASH.test(value)) {
      // Keep the parser's string when it is already lower-case: lock files hold many hashes.
      const colon = value.indexOf(":");
      const algorithm = value.slice(0, colon);
      const lower = algorithm.toLowerCase();
      return lower === algorithm ? value : lower + value.slice(colon);
    }
    this.report(`expected 'algorithm:hexdigest' for ${where}, found ${describeValue(value)}`);
    return undefined;
  }
}
