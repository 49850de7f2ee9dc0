/**
 * Reads and verifies installed-distribution `RECORD` files (PEP 376 / PEP 627): CSV rows of
 * `path,algorithm=urlsafe_b64_nopad(digest),size`, paths relative to site-packages. Parsing and
 * comparison are pure; hashing happens elsewhere (the hash pool) and only for paths that stay
 * inside the environment.
 *
 * @module
 */
import * as path from "node:path";
import type { RecordDiscrepancy } from "../../core/snapshot_environments.ts";
import { hexToRecordDigest } from "../_hash.ts";
import type { HashAlgorithm, HashOutcome } from "../_hash.ts";

/** One well-formed RECORD row. */
export interface RecordEntry {
  /** As written in RECORD. */
  path: string;
  /** 1-based line where the row starts. */
  line: number;
  /** Hash algorithm name, lower-cased (absent: no hash). */
  algorithm?: string;
  /** The digest as written (urlsafe base64, no padding). */
  digest?: string;
  /** Size in bytes (absent: not given). */
  size?: number;
}

/** A RECORD entry to hash: `file` is relative to the environment root, `/`-separated. */
export interface RecordCheck {
  entry: RecordEntry;
  file: string;
  algorithm: HashAlgorithm;
}

const ACCEPTED_ALGORITHMS: ReadonlySet<string> = new Set(["sha256", "sha384", "sha512"]);

/**
 * Split CSV text into rows the way Python's `csv` module (default dialect) writes them: `,`
 * between fields, `"` quoting with `""` for a quote, quoted fields may hold commas and newlines.
 * Never throws; a structural error is returned with its line.
 *
 * @param text CSV text.
 * @returns Rows with the 1-based line each starts on, and errors.
 * @example
 * ```ts
 * import { splitCsvRows } from "./record.ts";
 * splitCsvRows('"a,b.py",sha256=x,1\n').rows[0].fields; // ["a,b.py", "sha256=x", "1"]
 * ```
 */
export function splitCsvRows(text: string): {
  rows: Array<{ fields: string[]; line: number }>;
  errors: Array<{ line: number; message: string }>;
} {
  const rows: Array<{ fields: string[]; line: number }> = [];
  const errors: Array<{ line: number; message: string }> = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let rowLine = 1;
  let quoted = false; // inside a quoted field
  let afterQuote = false; // a quoted field just closed
  let broken = false;
  const endRow = () => {
    fields.push(field);
    if (!broken) rows.push({ fields, line: rowLine });
    fields = [];
    field = "";
    afterQuote = false;
    broken = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
          afterQuote = true;
        }
      } else {
        if (c === "\n") line++;
        field += c;
      }
      continue;
    }
    if (c === ",") {
      fields.push(field);
      field = "";
      afterQuote = false;
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      endRow();
      line++;
      rowLine = line;
    } else if (c === '"' && field === "" && !afterQuote) {
      quoted = true;
    } else if (afterQuote) {
      if (!broken) {
        errors.push({ line: rowLine, message: `unexpected "${c}" after a quoted field` });
      }
      broken = true;
    } else {
      field += c;
    }
  }
  if (quoted) {
    errors.push({
      line: rowLine,
      message: "quoted field is not closed before the end of the file",
    });
  } else if (field !== "" || fields.length > 0 || afterQuote) {
    endRow();
  }
  return { rows, errors };
}

/**
 * Parse a RECORD file. Blank rows are skipped; every other row counts as an entry, and rows that
 * are not `path,hash,size` become `malformed-entry` discrepancies with their line.
 *
 * @param text The RECORD file's text.
 * @returns Well-formed entries, malformed rows, and the number of rows.
 * @example
 * ```ts
 * import { parseRecord } from "./record.ts";
 * const { entries } = parseRecord("demo/__init__.py,sha256=47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU,0\n");
 * entries[0].size; // 0
 * ```
 */
export function parseRecord(text: string): {
  entries: RecordEntry[];
  malformed: RecordDiscrepancy[];
  rows: number;
} {
  const { rows, errors } = splitCsvRows(text);
  const entries: RecordEntry[] = [];
  const malformed: RecordDiscrepancy[] = errors.map((e) => ({
    path: `line ${e.line}`,
    kind: "malformed-entry",
    actual: e.message,
    line: e.line,
  }));
  let count = errors.length;
  for (const { fields, line } of rows) {
    if (fields.length === 1 && fields[0].trim() === "") continue;
    count++;
    const [file, hash, size] = fields;
    const problem = fields.length !== 3
      ? `expected 3 fields (path,hash,size), found ${fields.length}`
      : file === ""
      ? "empty path"
      : hash !== "" && !/^[A-Za-z0-9_-]+=[A-Za-z0-9_=+/-]*$/.test(hash)
      ? `hash "${clip(hash)}" is not algorithm=digest`
      : size !== "" && !/^\d{1,15}$/.test(size)
      ? `size "${clip(size)}" is not a whole number`
      : undefined;
    if (problem) {
      malformed.push({
        path: file || `line ${line}`,
        kind: "malformed-entry",
        actual: problem,
        line,
      });
      continue;
    }
    const entry: RecordEntry = { path: file, line };
    if (hash !== "") {
      const eq = hash.indexOf("=");
      entry.algorithm = hash.slice(0, eq).toLowerCase();
      entry.digest = hash.slice(eq + 1);
    }
    if (size !== "") entry.size = Number(size);
    entries.push(entry);
  }
  malformed.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { entries, malformed, rows: count };
}

/**
 * Decide, without touching the disk, what to do with each entry: hash it (path inside the
 * environment, accepted algorithm), or report it (escapes, absolute, unknown algorithm, unhashed).
 * RECORD itself, its signatures and `__pycache__/*.pyc` are expected to carry no hash.
 *
 * @param entries Parsed entries.
 * @param options `sitePackages` (relative to the environment root, `/`-separated) and
 *   `distInfo` (the `.dist-info` directory's name).
 * @returns Entries to hash and discrepancies found already.
 * @example
 * ```ts
 * import { parseRecord, planRecordChecks } from "./record.ts";
 * const { entries } = parseRecord("../../../../etc/passwd,sha256=AAAA,4\n");
 * const { discrepancies } = planRecordChecks(entries, {
 *   sitePackages: "lib/python3.11/site-packages", distInfo: "demo-1.0.dist-info",
 * });
 * discrepancies[0].kind; // "escapes-environment"
 * ```
 */
export function planRecordChecks(
  entries: readonly RecordEntry[],
  options: { sitePackages: string; distInfo: string },
): { checks: RecordCheck[]; discrepancies: RecordDiscrepancy[] } {
  const checks: RecordCheck[] = [];
  const discrepancies: RecordDiscrepancy[] = [];
  for (const entry of entries) {
    const file = resolveInEnvironment(entry.path, options.sitePackages);
    const base = { path: entry.path, line: entry.line };
    if (file === undefined) {
      discrepancies.push({ ...base, kind: "escapes-environment" });
    } else if (entry.algorithm === undefined) {
      if (!isExpectedUnhashed(entry.path, options.distInfo)) {
        discrepancies.push({ ...base, kind: "unhashed" });
      }
    } else if (!ACCEPTED_ALGORITHMS.has(entry.algorithm)) {
      discrepancies.push({ ...base, kind: "unknown-algorithm", expected: clip(entry.algorithm) });
    } else {
      checks.push({ entry, file, algorithm: entry.algorithm as HashAlgorithm });
    }
  }
  return { checks, discrepancies };
}

/**
 * Resolve a RECORD path (relative to site-packages) to a path relative to the environment root,
 * or `undefined` when it is absolute or climbs out of the environment.
 *
 * @example
 * ```ts
 * import { resolveInEnvironment } from "./record.ts";
 * resolveInEnvironment("../../../bin/tool", "lib/python3.11/site-packages"); // "bin/tool"
 * resolveInEnvironment("/etc/passwd", "lib/python3.11/site-packages"); // undefined
 * ```
 */
export function resolveInEnvironment(recordPath: string, sitePackages: string): string | undefined {
  const slashed = recordPath.replaceAll("\\", "/");
  if (slashed.startsWith("/") || /^[A-Za-z]:/.test(slashed) || slashed.includes("\0")) {
    return undefined;
  }
  const joined = path.posix.normalize(`${sitePackages}/${slashed}`);
  if (joined === ".." || joined.startsWith("../") || joined === "." || joined === "") {
    return undefined;
  }
  return joined.replace(/^\.\//, "");
}

/**
 * Compare one hashed file with its RECORD entry.
 *
 * @param check The entry that was hashed.
 * @param outcome What the hash pool returned.
 * @returns The discrepancy, or `undefined` when digest and size match.
 * @example
 * ```ts
 * import { compareWithRecord } from "./record.ts";
 * compareWithRecord(
 *   { entry: { path: "a.py", line: 1, algorithm: "sha256", digest: "x", size: 0 }, file: "a.py", algorithm: "sha256" },
 *   { ok: false, reason: "missing", message: "file not found" },
 * )?.kind; // "missing"
 * ```
 */
export function compareWithRecord(
  check: RecordCheck,
  outcome: HashOutcome,
): RecordDiscrepancy | undefined {
  const { entry } = check;
  const base = { path: entry.path, line: entry.line };
  if (!outcome.ok) {
    switch (outcome.reason) {
      case "missing":
        return { ...base, kind: "missing" };
      case "escapes":
        return {
          ...base,
          kind: "escapes-environment",
          actual: "symlink resolves outside the environment",
        };
      default:
        return { ...base, kind: "unreadable", actual: outcome.message };
    }
  }
  const expected = (entry.digest ?? "").replace(/=+$/, "").replaceAll("+", "-").replaceAll(
    "/",
    "_",
  );
  const actual = hexToRecordDigest(outcome.digest);
  if (expected !== actual) {
    return {
      ...base,
      kind: "hash-mismatch",
      expected: `${check.algorithm}=${clip(entry.digest ?? "")}`,
      actual: `${check.algorithm}=${actual}`,
    };
  }
  if (entry.size !== undefined && entry.size !== outcome.size) {
    return {
      ...base,
      kind: "size-mismatch",
      expected: String(entry.size),
      actual: String(outcome.size),
    };
  }
  return undefined;
}

/**
 * Whether a RECORD path is one that legitimately has no hash: RECORD itself and its signatures
 * (PEP 376/627), and bytecode caches, which are written after installation.
 *
 * @example
 * ```ts
 * import { isExpectedUnhashed } from "./record.ts";
 * isExpectedUnhashed("pip/__pycache__/x.cpython-311.pyc", "pip-23.2.1.dist-info"); // true
 * isExpectedUnhashed("pip/x.py", "pip-23.2.1.dist-info"); // false
 * ```
 */
export function isExpectedUnhashed(recordPath: string, distInfo: string): boolean {
  const slashed = path.posix.normalize(recordPath.replaceAll("\\", "/"));
  if (["RECORD", "RECORD.jws", "RECORD.p7s"].some((name) => slashed === `${distInfo}/${name}`)) {
    return true;
  }
  return /(^|\/)__pycache__\/[^/]+\.pyc$/.test(slashed);
}

/**
 * The top-level package directories a RECORD installs (first path segments of entries that have
 * more than one segment), excluding metadata directories, `__pycache__` and paths outside
 * site-packages.
 *
 * @example
 * ```ts
 * import { recordTopLevelDirectories } from "./record.ts";
 * recordTopLevelDirectories(
 *   [{ path: "demo/__init__.py", line: 1 }, { path: "demo-1.0.dist-info/RECORD", line: 2 }, { path: "six.py", line: 3 }],
 *   "demo-1.0.dist-info",
 * ); // ["demo"]
 * ```
 */
export function recordTopLevelDirectories(
  entries: readonly RecordEntry[],
  distInfo: string,
): string[] {
  const directories = new Set<string>();
  for (const entry of entries) {
    const slashed = path.posix.normalize(entry.path.replaceAll("\\", "/"));
    const slash = slashed.indexOf("/");
    if (slash <= 0 || slashed.startsWith("../") || slashed.startsWith("/")) continue;
    const top = slashed.slice(0, slash);
    if (
      top === distInfo || top === "__pycache__" || top === "." ||
      /\.(dist-info|egg-info|data)$/.test(top)
    ) continue;
    directories.add(top);
  }
  return [...directories].sort();
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
