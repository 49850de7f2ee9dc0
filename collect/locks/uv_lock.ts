/**
 * uv.lock: every resolved `[[package]]` with its version, source and artifact hashes. The
 * project's own packages (workspace members, the editable or virtual root) are not emitted; their
 * dependency lists mark which locked packages the project depends on directly, and in which
 * extras or dependency groups.
 *
 * @module
 */
import type { Package, PackageSource } from "../../core/snapshot.ts";
import { normaliseName } from "../../packaging/mod.ts";
import { baseName, type FileReader, type ReaderResult, textReader } from "../_reader.ts";
import { redactUrl } from "../../packaging/mod.ts";
import {
  dependsOnList,
  type FieldReader,
  lockPackage,
  MAX_LOCK_BYTES,
  readLockTables,
  type Table,
} from "../_lock_toml.ts";
import { pinnedGitSource } from "./_git_pin.ts";

/** A dependency edge from one of the project's own packages. */
interface DirectReference {
  name: string;
  version?: string;
  source?: string;
  /** `undefined` for the main dependencies, else the extra or dependency group. */
  group?: string;
  extras: string[];
}

/** A locked package before the project's direct references are applied. */
interface Locked {
  pkg: Package;
  source?: Table;
}

const PATH_KEYS = ["path", "directory", "editable", "virtual"] as const;

/**
 * Read a uv.lock without touching the disk.
 *
 * @param text The file's text.
 * @param options `file`: its path relative to the project root.
 * @returns One `lock`-layer package per locked third-party package, and problems.
 * @example
 * ```ts
 * import { parseUvLock } from "./uv_lock.ts";
 * const text = [
 *   "version = 1",
 *   "[[package]]",
 *   'name = "app"',
 *   'version = "0.1.0"',
 *   'source = { editable = "." }',
 *   'dependencies = [{ name = "numpy" }]',
 *   "[[package]]",
 *   'name = "numpy"',
 *   'version = "2.0.0"',
 *   'source = { registry = "https://pypi.org/simple" }',
 *   'sdist = { url = "https://files.example/numpy-2.0.0.tar.gz", hash = "sha256:ab12" }',
 * ].join("\n");
 * const { packages } = parseUvLock(text, { file: "uv.lock" });
 * packages?.[0].direct; // true
 * packages?.[0].hashes; // ["sha256:ab12"]
 * ```
 */
export function parseUvLock(text: string, options: { file: string }): ReaderResult {
  const { file } = options;
  const lock = readLockTables(text, { file, arrayKey: "package" });
  const members = new Set(workspaceMembers(lock.document, lock.top));
  const locked: Locked[] = [];
  const direct: DirectReference[] = [];
  for (const { table, fields, line } of lock.tables()) {
    const name = fields.requiredString(table, "name", "package.name");
    if (name === undefined) continue;
    const source = fields.table(table, "source", "package.source");
    if (isProjectPackage(name, source, members)) {
      direct.push(...directReferences(table, fields));
      continue;
    }
    locked.push(lockedPackage({ table, name, source, fields, file, line }));
  }
  const byName = new Map<string, DirectReference[]>();
  for (const reference of direct) {
    const list = byName.get(reference.name);
    if (list) list.push(reference);
    else byName.set(reference.name, [reference]);
  }
  for (const { pkg, source } of locked) applyDirect(pkg, source, byName.get(pkg.name) ?? []);
  return { packages: locked.map((item) => item.pkg), problems: lock.problems };
}

/**
 * The uv.lock reader for the collector: matches files named `uv.lock`.
 *
 * @example
 * ```ts
 * import { uvLockReader } from "./uv_lock.ts";
 * uvLockReader.matches("services/api/uv.lock"); // true
 * ```
 */
export const uvLockReader: FileReader = textReader({
  format: "uv.lock",
  matches: (file) => baseName(file) === "uv.lock",
  parse: (text, options) => parseUvLock(text, options),
  maxBytes: MAX_LOCK_BYTES,
});

function workspaceMembers(document: Table, fields: FieldReader): string[] {
  const manifest = fields.table(document, "manifest", "manifest");
  if (manifest === undefined) return [];
  return fields.strings(manifest, "members", "manifest.members").map(normaliseName);
}

function isProjectPackage(name: string, source: Table | undefined, members: Set<string>): boolean {
  if (members.has(normaliseName(name))) return true;
  return source !== undefined && (source.editable === "." || source.virtual === ".");
}

function directReferences(table: Table, fields: FieldReader): DirectReference[] {
  const references: DirectReference[] = [];
  const add = (list: Array<[Table, string]>, group?: string) => {
    for (const [dependency, where] of list) {
      const name = fields.requiredString(dependency, "name", `${where}.name`);
      if (name === undefined) continue;
      const version = fields.string(dependency, "version", `${where}.version`);
      const source = fields.table(dependency, "source", `${where}.source`);
      references.push({
        name: normaliseName(name),
        ...(version !== undefined ? { version } : {}),
        ...(source !== undefined ? { source: sourceKey(source) } : {}),
        ...(group !== undefined ? { group } : {}),
        extras: fields.strings(dependency, "extra", `${where}.extra`),
      });
    }
  };
  add(fields.tables(table, "dependencies", "package.dependencies"));
  for (const key of ["optional-dependencies", "dev-dependencies"]) {
    const groups = fields.table(table, key, `package.${key}`);
    for (const group of Object.keys(groups ?? {})) {
      add(fields.tables(groups!, group, `package.${key}.${group}`), group);
    }
  }
  return references;
}

/** One spelling per source table, so a dependency's `source` can be compared with a package's. */
function sourceKey(source: Table): string {
  return JSON.stringify(Object.keys(source).sort().map((key) => [key, source[key]]));
}

function lockedPackage(options: {
  table: Table;
  name: string;
  source: Table | undefined;
  fields: FieldReader;
  file: string;
  line: number | undefined;
}): Locked {
  const { table, name, source, fields, file, line } = options;
  const version = fields.string(table, "version", "package.version");
  if (source === undefined && table.source === undefined) {
    fields.report("expected a table for package.source, found nothing");
  }
  const resolved = source === undefined ? { kind: "index" as const } : toSource(source, fields);
  const pkg = lockPackage({
    name,
    version,
    hashes: artifactHashes(table, fields),
    source: resolved,
    editable: source !== undefined && typeof source.editable === "string",
    groups: [],
    dependsOn: dependencyNames(table, fields, normaliseName(name)),
    location: line === undefined ? { file } : { file, line },
  });
  return source === undefined ? { pkg } : { pkg, source };
}

/**
 * What a locked package depends on: its `dependencies`, and those of its
 * `optional-dependencies`, which uv writes only for the extras the resolution asks for.
 */
function dependencyNames(table: Table, fields: FieldReader, self: string): string[] {
  const names: string[] = [];
  const add = (list: Array<[Table, string]>) => {
    for (const [dependency, where] of list) {
      const name = fields.requiredString(dependency, "name", `${where}.name`);
      if (name !== undefined) names.push(name);
    }
  };
  add(fields.tables(table, "dependencies", "package.dependencies"));
  const optional = fields.table(table, "optional-dependencies", "package.optional-dependencies");
  for (const extra of Object.keys(optional ?? {})) {
    add(fields.tables(optional!, extra, `package.optional-dependencies.${extra}`));
  }
  return dependsOnList(names, { self, normalise: normaliseName, report: fields.report });
}

function toSource(source: Table, fields: FieldReader): PackageSource {
  const registry = fields.string(source, "registry", "package.source.registry");
  if (registry !== undefined) return { kind: "index", url: redactUrl(registry) };
  const git = fields.string(source, "git", "package.source.git");
  if (git !== undefined) return pinnedGitSource(git);
  const url = fields.string(source, "url", "package.source.url");
  if (url !== undefined) return { kind: "url", url: redactUrl(url) };
  for (const key of PATH_KEYS) {
    const path = fields.string(source, key, `package.source.${key}`);
    if (path !== undefined) return { kind: "path", path };
  }
  const known = ["registry", "git", "url", ...PATH_KEYS];
  if (!known.some((key) => key in source)) {
    fields.report(
      `expected one of ${known.join(", ")} in package.source, found ` +
        (Object.keys(source).length === 0 ? "an empty table" : Object.keys(source).join(", ")),
    );
  }
  return { kind: "index" };
}

function artifactHashes(table: Table, fields: FieldReader): string[] {
  const hashes = new Set<string>();
  const sdist = fields.table(table, "sdist", "package.sdist");
  if (sdist?.hash !== undefined) {
    const hash = fields.hash(sdist.hash, "package.sdist.hash");
    if (hash) hashes.add(hash);
  }
  for (const [wheel, where] of fields.tables(table, "wheels", "package.wheels")) {
    if (wheel.hash === undefined) continue;
    const hash = fields.hash(wheel.hash, `${where}.hash`);
    if (hash) hashes.add(hash);
  }
  return [...hashes];
}

function applyDirect(pkg: Package, source: Table | undefined, references: DirectReference[]): void {
  const groups = new Set<string>();
  const extras = new Set<string>();
  let main = false;
  let key: string | undefined;
  for (const reference of references) {
    if (reference.source !== undefined && source !== undefined) key ??= sourceKey(source);
    if (reference.version !== undefined && reference.version !== pkg.version) continue;
    if (reference.source !== undefined && reference.source !== key) continue;
    pkg.direct = true;
    if (reference.group === undefined) main = true;
    else groups.add(reference.group);
    for (const extra of reference.extras) extras.add(extra);
  }
  pkg.extras = [...extras];
  // A package the project needs outside any extra or group is main, whatever else needs it.
  pkg.groups = main ? [] : [...groups];
}
