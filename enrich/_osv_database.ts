/**
 * An offline OSV database: a directory (read recursively) or a zip archive (OSV's `all.zip`
 * layout) of OSV records, each a `.json`, `.yaml` or `.yml` file. Every record is validated; a bad
 * one becomes a problem naming the file and what is wrong, never a crash. PyPI records are indexed
 * by PEP 503 normalised name. The database's version (record count, newest `modified`, a digest
 * of every file's name and content) lets a verdict be reproduced.
 *
 * @module
 */
import { normaliseName } from "../packaging/mod.ts";
import { createHash } from "node:crypto";
import { type FileHandle, open, readFile, stat } from "node:fs/promises";
import * as path from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import type { Problem } from "../core/snapshot.ts";
import { fileSource, readZipDirectory, readZipMember } from "../collect/zip.ts";
import { readDirectory } from "../collect/node_fs.ts";
import { type OsvRecord, readOsvRecord } from "./_osv_record.ts";
import { rangeProblem } from "./_osv_range.ts";

/** Bounds on what a database may hold; the defaults fit OSV's whole PyPI export many times over. */
export interface OsvDatabaseLimits {
  /** Record files read (default 200,000). */
  maxFiles?: number;
  /** Largest record file (default 16 MiB). */
  maxRecordBytes?: number;
  /** Bytes read in all (default 2 GiB). */
  maxTotalBytes?: number;
  /** Directory nesting followed (default 16). */
  maxDepth?: number;
}

/** Options of {@linkcode loadOsvDatabase}. */
export interface OsvDatabaseOptions {
  /** Called with each problem as it is found (they are also collected in `problems`). */
  onProblem?: (problem: Problem) => void;
  /** Bounds; see {@linkcode OsvDatabaseLimits}. */
  limits?: OsvDatabaseLimits;
}

/** Which database a verdict was computed from: what a snapshot records. */
export interface OsvDatabaseVersion {
  /** The path given. */
  path: string;
  /** A directory of record files, or a zip archive of them. */
  format: "directory" | "zip";
  /** Record files read (`.json`, `.yaml`, `.yml`). */
  files: number;
  /** Valid records (each id once). */
  records: number;
  /** Valid records naming at least one PyPI package. */
  pypiRecords: number;
  /** The newest `modified` time among the records. */
  newestModified?: string;
  /** `sha256:` over every record file's path and content, in path order. */
  digest: string;
}

/** A loaded offline database: its version, its problems, and PyPI records by package. */
export interface OsvDatabase {
  /** Which database this is. */
  version: OsvDatabaseVersion;
  /** Files that could not be read or are not valid OSV records, and records with unusable ranges. */
  problems: Problem[];
  /** The records naming a PyPI package (any spelling of the name). */
  recordsFor(name: string): readonly OsvRecord[];
}

const DEFAULTS: Required<OsvDatabaseLimits> = {
  maxFiles: 200_000,
  maxRecordBytes: 16 * 1024 * 1024,
  maxTotalBytes: 2 * 1024 * 1024 * 1024,
  maxDepth: 16,
};

const RECORD_FILE = /\.(json|ya?ml)$/i;

/** One record file to read: its name in the database, and how to get its bytes. */
interface RecordFile {
  name: string;
  read: () => Promise<{ bytes?: Uint8Array; problem?: string }>;
}

async function directoryFiles(
  root: string,
  limits: Required<OsvDatabaseLimits>,
  report: (file: string, message: string) => void,
): Promise<RecordFile[]> {
  const found: RecordFile[] = [];
  const walk = async (relative: string, depth: number): Promise<void> => {
    if (depth > limits.maxDepth) {
      report(
        path.join(root, relative),
        `directory nested deeper than ${limits.maxDepth}; not read`,
      );
      return;
    }
    const entries = await readDirectory(path.join(root, relative));
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const name = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory) await walk(name, depth + 1);
      else if (!RECORD_FILE.test(entry.name)) continue;
      else if (!entry.isFile) {
        const why = entry.isSymlink ? "symbolic link not followed" : "not a regular file; not read";
        report(path.join(root, name), why);
      } else if (found.length >= limits.maxFiles) {
        report(
          path.join(root, name),
          `more than ${limits.maxFiles} record files; the rest not read`,
        );
        return;
      } else {
        const full = path.join(root, name);
        found.push({
          name,
          read: async () => {
            const size = (await stat(full)).size;
            if (size > limits.maxRecordBytes) {
              return { problem: `${size} bytes exceeds the ${limits.maxRecordBytes}-byte limit` };
            }
            return { bytes: await readFile(full) };
          },
        });
      }
    }
  };
  await walk("", 0);
  // Full-path order, as for a zip, so a directory and a zip of it have the same digest.
  return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function zipFiles(
  handle: FileHandle,
  size: number,
  limits: Required<OsvDatabaseLimits>,
): Promise<{ files: RecordFile[]; problems: string[] }> {
  const source = fileSource(handle, size);
  const zipLimits = { maxMembers: limits.maxFiles, maxMemberBytes: limits.maxRecordBytes };
  const { entries, problems } = await readZipDirectory(source, zipLimits);
  const files = entries
    .filter((entry) => !entry.name.endsWith("/") && RECORD_FILE.test(entry.name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((entry) => ({ name: entry.name, read: () => readZipMember(source, entry, zipLimits) }));
  return { files, problems };
}

function decodeRecord(
  name: string,
  bytes: Uint8Array,
): { value?: unknown; problem?: string; line?: number } {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { problem: "not UTF-8 text" };
  }
  if (/\.json$/i.test(name)) {
    try {
      return { value: JSON.parse(text) };
    } catch (error) {
      return { problem: `not JSON: ${(error as Error).message}` };
    }
  }
  try {
    // Failsafe schema: every scalar is a string, so `fixed: 1.10` stays "1.10", not 1.1.
    return { value: parseYaml(text, { schema: "failsafe", maxAliasCount: 100, uniqueKeys: true }) };
  } catch (error) {
    const line = error instanceof YAMLParseError ? error.linePos?.[0]?.line : undefined;
    return { problem: `not YAML: ${(error as Error).message.split("\n")[0]}`, line };
  }
}

const newer = (a: string, b: string) => (Date.parse(a) || 0) > (Date.parse(b) || 0);

/**
 * Load an offline OSV database from a directory or a zip archive of OSV records.
 *
 * @param databasePath A directory (read recursively) or a `.zip` file.
 * @param options `onProblem`, `limits`.
 * @returns The database, indexed by PyPI package.
 * @throws Error when the path is neither a readable directory nor a readable zip archive, or
 *   when it holds no valid record naming a PyPI package (an empty or wrong database).
 * @example
 * ```ts ignore
 * import { loadOsvDatabase } from "./_osv_database.ts";
 * const db = await loadOsvDatabase("../shared/corpus-osv");
 * db.recordsFor("aiohttp").length; // 9
 * ```
 */
export async function loadOsvDatabase(
  databasePath: string,
  options: OsvDatabaseOptions = {},
): Promise<OsvDatabase> {
  const limits = { ...DEFAULTS, ...options.limits };
  const problems: Problem[] = [];
  const report = (file: string, message: string, line?: number) => {
    const problem: Problem = line === undefined ? { file, message } : { file, line, message };
    problems.push(problem);
    options.onProblem?.(problem);
  };
  const info = await stat(databasePath).catch((error) => {
    throw new Error(`OSV database ${databasePath}: ${(error as Error).message}`);
  });
  let handle: FileHandle | undefined;
  let files: RecordFile[];
  const format = info.isDirectory() ? "directory" : "zip";
  try {
    if (info.isDirectory()) {
      files = await directoryFiles(databasePath, limits, report);
    } else {
      handle = await open(databasePath, "r");
      const zip = await zipFiles(handle, info.size, limits);
      if (zip.files.length === 0 && zip.problems.length > 0) {
        throw new Error(
          `OSV database ${databasePath} is neither a directory nor a usable zip archive: ${
            zip.problems[0]
          }`,
        );
      }
      for (const problem of zip.problems) report(databasePath, problem);
      files = zip.files;
    }
    return await readRecords(databasePath, format, files, limits, report, problems);
  } finally {
    await handle?.close();
  }
}

async function readRecords(
  databasePath: string,
  format: "directory" | "zip",
  files: RecordFile[],
  limits: Required<OsvDatabaseLimits>,
  report: (file: string, message: string, line?: number) => void,
  problems: Problem[],
): Promise<OsvDatabase> {
  const digest = createHash("sha256");
  const byId = new Map<string, { record: OsvRecord; file: string }>();
  let total = 0;
  for (const file of files) {
    const label = format === "directory"
      ? path.join(databasePath, file.name)
      : `${databasePath}/${file.name}`;
    const { bytes, problem } = await file.read();
    if (bytes === undefined) {
      report(label, problem ?? "could not be read");
      continue;
    }
    total += bytes.length;
    if (total > limits.maxTotalBytes) {
      report(
        label,
        `database exceeds ${limits.maxTotalBytes} bytes; this and later files not read`,
      );
      break;
    }
    digest.update(`${file.name}\0${bytes.length}\0`).update(bytes);
    const decoded = decodeRecord(file.name, bytes);
    if (decoded.problem !== undefined) {
      report(label, decoded.problem, decoded.line);
      continue;
    }
    const { record, problem: invalid } = readOsvRecord(decoded.value);
    if (record === undefined) {
      report(label, `not a valid OSV record: ${invalid}`);
      continue;
    }
    record.affected.forEach((entry, i) => {
      if (entry.package?.ecosystem !== "PyPI") return;
      entry.ranges.forEach((range, j) => {
        const why = range.type === "ECOSYSTEM" ? rangeProblem(range) : undefined;
        if (why !== undefined) {
          report(label, `${record.id}: affected[${i}].ranges[${j}] not evaluated: ${why}`);
        }
      });
    });
    const earlier = byId.get(record.id);
    if (earlier !== undefined) {
      const [kept, dropped] = newer(record.modified, earlier.record.modified)
        ? [{ record, file: label }, earlier]
        : [earlier, { record, file: label }];
      report(dropped.file, `${record.id} also in ${kept.file}; the record modified later is used`);
      byId.set(record.id, kept);
    } else {
      byId.set(record.id, { record, file: label });
    }
  }
  const index = new Map<string, OsvRecord[]>();
  let newestModified: string | undefined;
  for (const { record } of byId.values()) {
    if (newestModified === undefined || newer(record.modified, newestModified)) {
      newestModified = record.modified;
    }
    const names = new Set(
      record.affected.filter((entry) => entry.package?.ecosystem === "PyPI")
        .map((entry) => normaliseName(entry.package?.name ?? "")),
    );
    for (const name of names) {
      const list = index.get(name);
      if (list === undefined) index.set(name, [record]);
      else list.push(record);
    }
  }
  const pypiRecords = new Set([...index.values()].flat()).size;
  if (pypiRecords === 0) {
    // An empty or wrong path must not pass as "no known vulnerabilities".
    const why = problems.length === 0
      ? ""
      : ` (${problems.length} problem(s), the first: ${problems[0].file}: ${problems[0].message})`;
    throw new Error(
      `OSV database ${databasePath}: no PyPI advisories in ${files.length} file(s)${why} — ` +
        "is this an OSV database for PyPI?",
    );
  }
  return {
    version: {
      path: databasePath,
      format,
      files: files.length,
      records: byId.size,
      pypiRecords,
      ...(newestModified === undefined ? {} : { newestModified }),
      digest: `sha256:${digest.digest("hex")}`,
    },
    problems,
    recordsFor: (name) => index.get(normaliseName(name)) ?? [],
  };
}
