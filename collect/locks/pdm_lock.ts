/**
 * pdm.lock: every `[[package]]` with its version, extras, marker, dependency groups, file hashes
 * (in the entry since lock format 4.3, in `[metadata.files]` keyed "name version" before) and
 * where it resolves from (a VCS checkout with its revision, a URL, a local path, or the project's
 * indexes, which PDM does not record per package: `[[tool.pdm.source]]` in pyproject.toml names
 * them). PDM locks a package asked for with extras twice (`coverage` and `coverage[toml]`); the two
 * entries become one package with both lines. A PDM lock does not say which packages the project
 * declares, so every entry is `direct: false`; the collector upgrades the ones the pyproject.toml
 * beside it names.
 *
 * @module
 */
import type { Package, PackageSource } from "../../core/snapshot.ts";
import { normaliseName, redactUrl } from "../../packaging/mod.ts";
import { baseName, type FileReader, type ReaderResult, textReader } from "../_reader.ts";
import { directUrlSource } from "../_requirement_target.ts";
import {
  dependsOnList,
  describeValue,
  type FieldReader,
  fileHashes,
  lockPackage,
  MAX_LOCK_BYTES,
  metadataFiles,
  readLockTables,
  requirementName,
  type Table,
} from "../_lock_toml.ts";
import { mergeLocked } from "../_lock_merge.ts";
import { channelSource } from "./_conda_url.ts";

const VCS_KEYS = ["git", "hg", "svn", "bzr"] as const;

/**
 * Whether a file name is a PDM lock file: `pdm.lock`, or `pdm.<name>.lock` as written with
 * `pdm lock --lockfile`.
 *
 * @example
 * ```ts
 * import { isPdmLockName } from "./pdm_lock.ts";
 * isPdmLockName("svc/pdm.lock"); // true
 * isPdmLockName("pdm.dev.lock"); // true
 * ```
 */
export function isPdmLockName(file: string): boolean {
  return /^pdm(?:\.[^/]+)?\.lock$/.test(baseName(file));
}

/**
 * Read a pdm.lock without touching the disk.
 *
 * @param text The file's text.
 * @param options `file`: its path relative to the project root.
 * @returns One `lock`-layer package per locked distribution, and problems.
 * @example
 * ```ts
 * import { parsePdmLock } from "./pdm_lock.ts";
 * const text = [
 *   "[metadata]",
 *   'groups = ["default", "test"]',
 *   'lock_version = "4.5.0"',
 *   "",
 *   "[[package]]",
 *   'name = "pytest"',
 *   'version = "8.3.4"',
 *   'groups = ["test"]',
 *   'files = [{file = "pytest-8.3.4.tar.gz", hash = "sha256:ab12"}]',
 * ].join("\n");
 * const { packages } = parsePdmLock(text, { file: "pdm.lock" });
 * [packages?.[0].groups, packages?.[0].hashes, packages?.[0].locations]; // [["test"], ["sha256:ab12"], [{ file: "pdm.lock", line: 5 }]]
 * ```
 */
export function parsePdmLock(text: string, options: { file: string }): ReaderResult {
  const { file } = options;
  const lock = readLockTables(text, { file, arrayKey: "package" });
  const legacyFiles = legacyFileTables(lock.document, lock.top);
  const merged = new Map<string, Package>();
  for (const { table, fields, line } of lock.tables()) {
    const name = fields.requiredString(table, "name", "package.name");
    if (name === undefined) continue;
    const version = fields.string(table, "version", "package.version");
    const markers = fields.string(table, "marker", "package.marker") || undefined;
    const extras = fields.strings(table, "extras", "package.extras");
    const files = "files" in table
      ? fields.tables(table, "files", "package.files")
      : legacyFiles.get(`${normaliseName(name)} ${version}`) ?? [];
    const conda = fields.boolean(table, "conda_managed", "package.conda_managed") === true;
    const { source, editable } = conda ? condaSource(table, fields) : sourceOf(table, fields);
    let pkg = lockPackage({
      name,
      version,
      markers,
      hashes: fileHashes(files, fields),
      source,
      editable,
      groups: groupsOf(table, fields),
      dependsOn: dependencyNames(table, fields, conda ? name.toLowerCase() : normaliseName(name), {
        conda,
      }),
      location: line === undefined ? { file } : { file, line },
    });
    pkg.extras = extras;
    if (conda) pkg = asConda(pkg, name);
    const key = JSON.stringify([pkg.ecosystem, pkg.name, pkg.version, pkg.source]);
    const known = merged.get(key);
    if (known === undefined) merged.set(key, pkg);
    else mergeLocked(known, pkg);
  }
  return { packages: [...merged.values()], problems: lock.problems };
}

/**
 * The pdm.lock reader for the collector: matches `pdm.lock` and `pdm.<name>.lock`.
 *
 * @example
 * ```ts
 * import { pdmLockReader } from "./pdm_lock.ts";
 * pdmLockReader.matches("services/api/pdm.lock"); // true
 * ```
 */
export const pdmLockReader: FileReader = textReader({
  format: "pdm.lock",
  matches: isPdmLockName,
  parse: (text, options) => parsePdmLock(text, options),
  maxBytes: MAX_LOCK_BYTES,
});

/**
 * Lock formats before 4.3 keep hashes in `[metadata.files]`, keyed "name version" (or
 * "name[extra] version").
 */
function legacyFileTables(
  document: Table,
  fields: FieldReader,
): Map<string, Array<[Table, string]>> {
  const byKey = new Map<string, Array<[Table, string]>>();
  const files = metadataFiles(document, fields);
  for (const key of Object.keys(files ?? {})) {
    const match = /^\s*([^\s[]+)(?:\[[^\]]*\])?\s+(\S+)\s*$/.exec(key);
    if (!match) {
      fields.report(
        `expected "name version" for a key of metadata.files, found ${describeValue(key)}`,
      );
      continue;
    }
    const tables = fields.tables(files!, key, `metadata.files.${key}`);
    const id = `${normaliseName(match[1])} ${match[2]}`;
    byKey.set(id, [...byKey.get(id) ?? [], ...tables]);
  }
  return byKey;
}

/**
 * `dependencies`: PEP 508 requirement strings (`"idna>=2.8"`, `"tomli; python_version < '3.11'"`),
 * of which the leading name is kept; a conda-managed entry's are conda names, lower-cased.
 */
function dependencyNames(
  table: Table,
  fields: FieldReader,
  self: string,
  options: { conda: boolean },
): string[] {
  const names: string[] = [];
  for (const requirement of fields.strings(table, "dependencies", "package.dependencies")) {
    const name = requirementName(requirement);
    if (name !== undefined) names.push(name);
    else {
      fields.report(
        `expected a requirement for package.dependencies, found ${describeValue(requirement)}`,
      );
    }
  }
  const normalise = options.conda ? (name: string) => name.toLowerCase() : normaliseName;
  return dependsOnList(names, { self, normalise, report: fields.report });
}

/** PDM's main group is `default`; lock formats before 4.0 call groups `sections`. */
function groupsOf(table: Table, fields: FieldReader): string[] {
  const key = "groups" in table ? "groups" : "sections";
  const groups = fields.strings(table, key, `package.${key}`);
  return groups.includes("default") ? [] : groups;
}

/** A VCS checkout (`git = repo`, `ref`, `revision`), a `url`, a `path`, or the indexes. */
function sourceOf(table: Table, fields: FieldReader): { source: PackageSource; editable: boolean } {
  const editable = fields.boolean(table, "editable", "package.editable") === true;
  for (const vcs of VCS_KEYS) {
    const repo = fields.string(table, vcs, `package.${vcs}`);
    if (repo === undefined) continue;
    const ref = fields.string(table, "ref", "package.ref");
    const commit = fields.string(table, "revision", "package.revision");
    return {
      source: {
        kind: "vcs",
        vcs,
        url: redactUrl(repo),
        ...(ref !== undefined ? { ref } : {}),
        ...(commit !== undefined ? { commit } : {}),
      },
      editable,
    };
  }
  const path = fields.string(table, "path", "package.path");
  if (path !== undefined) return { source: { kind: "path", path }, editable };
  const url = fields.string(table, "url", "package.url");
  if (url !== undefined) {
    // PDM writes a file inside the project as file:///${PROJECT_ROOT}/…: a path in the project.
    const inProject = /^file:\/\/\/?\$\{PROJECT_ROOT\}\/(.*)$/.exec(url.split("#")[0]);
    if (inProject) return { source: { kind: "path", path: `./${inProject[1]}` }, editable };
    return { source: directUrlSource(url).source, editable };
  }
  return { source: { kind: "index" }, editable };
}

/** pdm-conda locks conda packages in the same file, with the archive URL and its channel. */
function condaSource(
  table: Table,
  fields: FieldReader,
): { source: PackageSource; editable: boolean } {
  const url = fields.string(table, "url", "package.url");
  const channel = fields.string(table, "channel", "package.channel");
  return { source: channelSource(url, channel === undefined ? [] : [channel]), editable: false };
}

/** A conda package keeps its name lower-cased, not PEP 503-normalised. */
function asConda(pkg: Package, written: string): Package {
  const { ecosystem: _pypi, name: _normalised, displayName: _spelling, ...rest } = pkg;
  const name = written.toLowerCase();
  return {
    ecosystem: "conda",
    name,
    ...(name !== written ? { displayName: written } : {}),
    ...rest,
  };
}
