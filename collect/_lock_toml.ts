/**
 * Shared plumbing for TOML lock files (uv.lock, poetry.lock, pylock.toml): a bounded parse that
 * recovers what it can from a broken file, the line of every array-of-tables entry (the TOML
 * parser reports no positions), typed field access that turns surprises into problems, and the
 * `lock`-layer package entry they all build.
 *
 * @module
 */
import type { Package, PackageSource, Problem } from "../core/snapshot.ts";
import { isRecord, normaliseName } from "../packaging/mod.ts";

import { parseLockToml } from "./_lock_parse.ts";
import { describeValue, type Table } from "./_lock_values.ts";

export { type LockEntry, type LockToml, parseLockToml } from "./_lock_parse.ts";
export {
  dependsOnList,
  describeValue,
  MAX_DEPENDS_ON,
  MAX_LOCK_BYTES,
  MAX_LOCK_ENTRIES,
  requirementName,
  type Table,
} from "./_lock_values.ts";

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
      if (isRecord(entry.value)) yield { table: entry.value, fields, line: entry.line };
      else fields.report(`expected a table for ${arrayKey}, found ${describeValue(entry.value)}`);
    }
  }
  return { document: lock.document, problems, top: new FieldReader(reporter(undefined)), tables };
}

/**
 * A `lock`-layer package: pinned `==version` when the version is known, `direct: false` (the
 * reader or the collector marks what the project names), `dependsOn` when the lock records the
 * entry's dependencies, in the snapshot's key order.
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
  dependsOn?: string[];
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
    ...(entry.dependsOn !== undefined ? { dependsOn: entry.dependsOn } : {}),
    locations: [entry.location],
  };
}

const HASH = /^[A-Za-z0-9_-]+:[0-9A-Fa-f]+$/;

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
    if (value === undefined || isRecord(value)) return value;
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
      if (isRecord(item)) out.push([item, `${where}[${i}]`]);
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

/**
 * The distinct `hash` of each `{file, hash}` table of a lock entry's file list (poetry.lock,
 * pdm.lock), normalised; a malformed one is a problem.
 *
 * @param files The file tables, each with where it is (for problems).
 * @param fields Reports problems.
 * @returns `algorithm:hexdigest` hashes, in file order.
 * @example
 * ```ts
 * import { FieldReader, fileHashes } from "./_lock_toml.ts";
 * const fields = new FieldReader(() => {});
 * fileHashes([[{ file: "a.whl", hash: "SHA256:ab" }, "package.files[0]"]], fields); // ["sha256:ab"]
 * ```
 */
export function fileHashes(files: Array<[Table, string]>, fields: FieldReader): string[] {
  const hashes = new Set<string>();
  for (const [entry, where] of files) {
    if (entry.hash === undefined) continue;
    const hash = fields.hash(entry.hash, `${where}.hash`);
    if (hash) hashes.add(hash);
  }
  return [...hashes];
}

/**
 * The `[metadata.files]` table of an old Poetry (1.x) or PDM (before 4.3) lock: file hashes kept
 * apart from the packages, keyed by package (and, for PDM, version).
 *
 * @example
 * ```ts ignore
 * const files = metadataFiles(document, fields); // { "numpy 1.26.4": [...] } or undefined
 * ```
 */
export function metadataFiles(document: Table, fields: FieldReader): Table | undefined {
  const metadata = fields.table(document, "metadata", "metadata");
  return metadata === undefined ? undefined : fields.table(metadata, "files", "metadata.files");
}
