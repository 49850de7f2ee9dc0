/**
 * PEP 751 lock files (`pylock.toml`, `pylock.<name>.toml`): every `[[packages]]` entry with its
 * version, source (index, VCS, directory, archive, or sdist/wheel files) and every recorded hash.
 * A pylock file does not record which packages the project asked for, so entries are
 * `direct: false`; groups come from the `extras` / `dependency_groups` tests in each marker.
 *
 * @module
 */
import type { Package, PackageSource } from "../../core/snapshot.ts";
import { baseName, type FileReader, type ReaderResult, textReader } from "../_reader.ts";
import { redactUrl } from "../../packaging/mod.ts";
import {
  describeValue,
  type FieldReader,
  lockPackage,
  MAX_LOCK_BYTES,
  readLockTables,
  type Table,
} from "../_lock_toml.ts";

const VCS_TYPES = ["git", "hg", "svn", "bzr"] as const;
type VcsType = typeof VCS_TYPES[number];

/**
 * Whether a file name is a PEP 751 lock file name: `pylock.toml` or `pylock.<name>.toml` with no
 * dot in `<name>`.
 *
 * @example
 * ```ts
 * import { isPylockName } from "./pylock.ts";
 * isPylockName("deploy/pylock.gpu.toml"); // true
 * isPylockName("pylock.a.b.toml"); // false
 * ```
 */
export function isPylockName(file: string): boolean {
  return /^pylock\.(?:[^.]+\.)?toml$/.test(baseName(file));
}

/**
 * Read a PEP 751 pylock.toml without touching the disk.
 *
 * @param text The file's text.
 * @param options `file`: its path relative to the project root.
 * @returns One `lock`-layer package per `[[packages]]` entry, and problems.
 * @example
 * ```ts
 * import { parsePylock } from "./pylock.ts";
 * const text = [
 *   'lock-version = "1.0"',
 *   'extras = ["gpu"]',
 *   "[[packages]]",
 *   'name = "torch"',
 *   'version = "2.3.1"',
 *   'index = "https://pypi.org/simple"',
 *   "marker = \"'gpu' in extras\"",
 *   'wheels = [{ url = "https://files.example/torch.whl", hashes = { sha256 = "ab12" } }]',
 * ].join("\n");
 * const { packages } = parsePylock(text, { file: "pylock.toml" });
 * packages?.[0].groups; // ["gpu"]
 * packages?.[0].hashes; // ["sha256:ab12"]
 * ```
 */
export function parsePylock(text: string, options: { file: string }): ReaderResult {
  const { file } = options;
  const lock = readLockTables(text, { file, arrayKey: "packages" });
  const declared = new Set([
    ...lock.top.strings(lock.document, "extras", "extras"),
    ...lock.top.strings(lock.document, "dependency-groups", "dependency-groups"),
  ]);
  const defaults = new Set(lock.top.strings(lock.document, "default-groups", "default-groups"));

  const packages: Package[] = [];
  for (const { table, fields, line } of lock.tables()) {
    const name = fields.requiredString(table, "name", "packages.name");
    if (name === undefined) continue;
    const version = fields.string(table, "version", "packages.version");
    const markers = fields.string(table, "marker", "packages.marker") || undefined;
    const { source, editable, hashes } = describeSource(table, fields);
    const groups = markers === undefined ? [] : markerGroups(markers, declared, defaults);
    const location = line === undefined ? { file } : { file, line };
    packages.push(
      lockPackage({ name, version, markers, hashes, source, editable, groups, location }),
    );
  }
  return { packages, problems: lock.problems };
}

/**
 * The pylock.toml reader for the collector: matches `pylock.toml` and `pylock.<name>.toml`.
 *
 * @example
 * ```ts
 * import { pylockReader } from "./pylock.ts";
 * pylockReader.matches("pylock.dev.toml"); // true
 * ```
 */
export const pylockReader: FileReader = textReader({
  format: "pylock.toml",
  matches: isPylockName,
  parse: (text, options) => parsePylock(text, options),
  maxBytes: MAX_LOCK_BYTES,
});

/**
 * The extras and dependency groups a marker tests with `'name' in extras` /
 * `'name' in dependency_groups`; none when it also admits a default group (then it is main).
 */
function markerGroups(marker: string, declared: Set<string>, defaults: Set<string>): string[] {
  const groups = new Set<string>();
  const test = /(["'])([^"']*)\1\s+in\s+(extras|dependency_groups)\b/g;
  for (const match of marker.matchAll(test)) {
    const name = match[2];
    if (match[3] === "dependency_groups" && defaults.has(name)) return [];
    if (declared.size === 0 || declared.has(name)) groups.add(name);
  }
  return [...groups];
}

interface Described {
  source: PackageSource;
  editable: boolean;
  hashes: string[];
}

/** The one of vcs / directory / archive / sdist+wheels the entry records (PEP 751 allows one). */
function describeSource(table: Table, fields: FieldReader): Described {
  const hashes = new Set<string>();
  const addHashes = (holder: Table, where: string) => {
    const recorded = fields.table(holder, "hashes", `${where}.hashes`);
    for (const [algorithm, digest] of Object.entries(recorded ?? {})) {
      const hash = fields.hash(
        typeof digest === "string" ? `${algorithm}:${digest}` : digest,
        `${where}.hashes.${algorithm}`,
      );
      if (hash) hashes.add(hash);
    }
  };
  const located = (holder: Table, where: string) => ({
    url: fields.string(holder, "url", `${where}.url`),
    path: fields.string(holder, "path", `${where}.path`),
  });

  const vcs = fields.table(table, "vcs", "packages.vcs");
  if (vcs !== undefined) {
    const type = fields.string(vcs, "type", "packages.vcs.type");
    const { url, path } = located(vcs, "packages.vcs");
    const ref = fields.string(vcs, "requested-revision", "packages.vcs.requested-revision");
    const commit = fields.string(vcs, "commit-id", "packages.vcs.commit-id");
    if (!VCS_TYPES.includes(type as VcsType)) {
      fields.report(
        `expected one of ${VCS_TYPES.join(", ")} for packages.vcs.type, found ${
          describeValue(vcs.type)
        }`,
      );
    } else if (url !== undefined || path !== undefined) {
      return {
        source: {
          kind: "vcs",
          vcs: type as VcsType,
          url: url !== undefined ? redactUrl(url) : path!,
          ...(ref !== undefined ? { ref } : {}),
          ...(commit !== undefined ? { commit } : {}),
        },
        editable: false,
        hashes: [],
      };
    } else {fields.report(
        "expected a string for packages.vcs.url or packages.vcs.path, found nothing",
      );}
  }

  const directory = fields.table(table, "directory", "packages.directory");
  if (directory !== undefined) {
    const path = fields.string(directory, "path", "packages.directory.path");
    const editable = fields.boolean(directory, "editable", "packages.directory.editable") === true;
    if (path !== undefined) return { source: { kind: "path", path }, editable, hashes: [] };
    fields.report("expected a string for packages.directory.path, found nothing");
  }

  const archive = fields.table(table, "archive", "packages.archive");
  if (archive !== undefined) {
    const { url, path } = located(archive, "packages.archive");
    addHashes(archive, "packages.archive");
    if (url !== undefined) {
      return { source: { kind: "url", url: redactUrl(url) }, editable: false, hashes: [...hashes] };
    }
    if (path !== undefined) {
      return { source: { kind: "path", path }, editable: false, hashes: [...hashes] };
    }
    fields.report(
      "expected a string for packages.archive.url or packages.archive.path, found nothing",
    );
  }

  // sdist and wheels: from the index when one is named, else from the files' own locations.
  const files: Array<[Table, string]> = [];
  const sdist = fields.table(table, "sdist", "packages.sdist");
  if (sdist !== undefined) files.push([sdist, "packages.sdist"]);
  files.push(...fields.tables(table, "wheels", "packages.wheels"));
  let firstPath: string | undefined;
  let anyUrl = false;
  for (const [file, where] of files) {
    const { url, path } = located(file, where);
    if (url !== undefined) anyUrl = true;
    else if (path !== undefined) firstPath ??= path;
    addHashes(file, where);
  }
  const index = fields.string(table, "index", "packages.index");
  const source: PackageSource = index !== undefined
    ? { kind: "index", url: redactUrl(index) }
    : !anyUrl && firstPath !== undefined
    ? { kind: "path", path: firstPath }
    : { kind: "index" };
  return { source, editable: false, hashes: [...hashes] };
}
