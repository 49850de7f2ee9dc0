/**
 * poetry.lock: every `[[package]]` with its version, source, file hashes and the dependency groups
 * (`groups`, Poetry ≥ 1.5) or category (older locks) it belongs to. A Poetry lock does not say
 * which packages the project declares, so every entry is `direct: false`; the collector upgrades
 * the ones the pyproject.toml beside it names.
 *
 * @module
 */
import type { Package, PackageSource } from "../../core/snapshot.ts";
import { isRecord, normaliseName } from "../../packaging/mod.ts";
import { baseName, type FileReader, type ReaderResult, textReader } from "../_reader.ts";
import { redactUrl } from "../../packaging/mod.ts";
import {
  dependsOnList,
  describeValue,
  type FieldReader,
  fileHashes,
  lockPackage,
  MAX_LOCK_BYTES,
  metadataFiles,
  readLockTables,
  type Table,
} from "../_lock_toml.ts";

/**
 * Read a poetry.lock without touching the disk.
 *
 * @param text The file's text.
 * @param options `file`: its path relative to the project root.
 * @returns One `lock`-layer package per `[[package]]`, and problems.
 * @example
 * ```ts
 * import { parsePoetryLock } from "./poetry_lock.ts";
 * const text = [
 *   "[[package]]",
 *   'name = "torch"',
 *   'version = "2.3.1"',
 *   'groups = ["main"]',
 *   'files = [{ file = "torch-2.3.1.tar.gz", hash = "sha256:ab12" }]',
 *   "",
 *   "[package.source]",
 *   'type = "legacy"',
 *   'url = "https://download.pytorch.org/whl/cu121"',
 *   'reference = "pytorch"',
 * ].join("\n");
 * const { packages } = parsePoetryLock(text, { file: "poetry.lock" });
 * packages?.[0].source; // { kind: "index", url: "https://download.pytorch.org/whl/cu121", name: "pytorch" }
 * ```
 */
export function parsePoetryLock(text: string, options: { file: string }): ReaderResult {
  const { file } = options;
  const lock = readLockTables(text, { file, arrayKey: "package" });
  const extrasOf = extrasByPackage(lock.document, lock.top);
  const legacyFiles = legacyFileTables(lock.document, lock.top);

  const packages: Package[] = [];
  const dependencies: Array<{ pkg: Package; found: Dependencies; fields: FieldReader }> = [];
  for (const { table, fields, line } of lock.tables()) {
    const name = fields.string(table, "name", "package.name");
    const version = fields.string(table, "version", "package.version");
    if (name === undefined || version === undefined) {
      if (table.name === undefined) {
        fields.report("expected a string for package.name, found nothing");
      }
      if (table.version === undefined) {
        fields.report("expected a string for package.version, found nothing");
      }
      if (name === undefined) continue;
    }
    const normalised = normaliseName(name);
    const optional = fields.boolean(table, "optional", "package.optional") === true;
    const markers = markersOf(table, fields);
    const files = "files" in table
      ? fields.tables(table, "files", "package.files")
      : legacyFiles.get(normalised) ?? [];
    const hashes = fileHashes(files, fields);
    const source = sourceOf(table, fields);
    const editable = fields.boolean(table, "develop", "package.develop") === true;
    const groups = groupsOf(table, fields, optional, extrasOf.get(normalised) ?? new Set());
    const location = line === undefined ? { file } : { file, line };
    // dependsOn is filled in once every locked name is known.
    const pkg = lockPackage({
      name,
      version,
      markers,
      hashes,
      source,
      editable,
      groups,
      dependsOn: [],
      location,
    });
    packages.push(pkg);
    dependencies.push({ pkg, found: dependenciesOf(table, fields), fields });
  }
  const locked = new Set(packages.map((pkg) => pkg.name));
  for (const { pkg, found, fields } of dependencies) {
    const names = [...found.required, ...found.optional.filter((name) => locked.has(name))];
    pkg.dependsOn = dependsOnList(names, {
      self: pkg.name,
      normalise: (name) => name,
      report: fields.report,
    });
  }
  return { packages, problems: lock.problems };
}

/**
 * The poetry.lock reader for the collector: matches files named `poetry.lock`.
 *
 * @example
 * ```ts
 * import { poetryLockReader } from "./poetry_lock.ts";
 * poetryLockReader.matches("poetry.lock"); // true
 * ```
 */
export const poetryLockReader: FileReader = textReader({
  format: "poetry.lock",
  matches: (file) => baseName(file) === "poetry.lock",
  parse: (text, options) => parsePoetryLock(text, options),
  maxBytes: MAX_LOCK_BYTES,
});

/** A package's `[package.dependencies]` names, normalised, apart by whether an extra adds them. */
interface Dependencies {
  required: string[];
  optional: string[];
}

/**
 * `[package.dependencies]`: name → a constraint string, a table (`optional = true` for one only
 * an extra installs), or a list of tables (one per marker). An optional dependency counts only
 * when the lock locks it, that is when something asks for the extra.
 */
function dependenciesOf(table: Table, fields: FieldReader): Dependencies {
  const found: Dependencies = { required: [], optional: [] };
  const dependencies = fields.table(table, "dependencies", "package.dependencies");
  for (const [name, constraint] of Object.entries(dependencies ?? {})) {
    const entries = Array.isArray(constraint) ? constraint : [constraint];
    const optional = entries.length > 0 &&
      entries.every((entry) => isRecord(entry) && entry.optional === true);
    found[optional ? "optional" : "required"].push(normaliseName(name));
  }
  return found;
}

/** `[extras]`: extra name → requirement strings such as `"pywavelets (>=1.6)"`. */
function extrasByPackage(document: Table, fields: FieldReader): Map<string, Set<string>> {
  const byPackage = new Map<string, Set<string>>();
  const extras = fields.table(document, "extras", "extras");
  for (const extra of Object.keys(extras ?? {})) {
    for (const requirement of fields.strings(extras!, extra, `extras.${extra}`)) {
      const name = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(requirement)?.[1];
      if (name === undefined) continue;
      const normalised = normaliseName(name);
      const set = byPackage.get(normalised) ?? new Set();
      byPackage.set(normalised, set.add(extra));
    }
  }
  return byPackage;
}

/** Lock format 1.x keeps file hashes apart, in `[metadata.files]` keyed by package name. */
function legacyFileTables(
  document: Table,
  fields: FieldReader,
): Map<string, Array<[Table, string]>> {
  const byPackage = new Map<string, Array<[Table, string]>>();
  const files = metadataFiles(document, fields);
  for (const name of Object.keys(files ?? {})) {
    byPackage.set(normaliseName(name), fields.tables(files!, name, `metadata.files.${name}`));
  }
  return byPackage;
}

/** A single marker string; per-group marker tables are kept only when every group agrees. */
function markersOf(table: Table, fields: FieldReader): string | undefined {
  const value = table.markers;
  if (value === undefined || typeof value === "string") return value || undefined;
  if (isRecord(value)) {
    const distinct = new Set(Object.values(value));
    const [only] = distinct;
    return distinct.size === 1 && typeof only === "string" && only ? only : undefined;
  }
  fields.report(`expected a string or table for package.markers, found ${describeValue(value)}`);
  return undefined;
}

function sourceOf(table: Table, fields: FieldReader): PackageSource {
  const source = fields.table(table, "source", "package.source");
  if (source === undefined) return { kind: "index" };
  const type = fields.string(source, "type", "package.source.type");
  const url = fields.string(source, "url", "package.source.url");
  const reference = fields.string(source, "reference", "package.source.reference");
  const resolved = fields.string(
    source,
    "resolved_reference",
    "package.source.resolved_reference",
  );
  if (url === undefined) {
    fields.report(`expected a string for package.source.url, found ${describeValue(source.url)}`);
    return { kind: "index" };
  }
  switch (type) {
    case "legacy":
      return {
        kind: "index",
        url: redactUrl(url),
        ...(reference !== undefined ? { name: reference } : {}),
      };
    case "git":
      return {
        kind: "vcs",
        vcs: "git",
        url: redactUrl(url),
        ...(reference !== undefined ? { ref: reference } : {}),
        ...(resolved !== undefined ? { commit: resolved } : {}),
      };
    case "url":
      return { kind: "url", url: redactUrl(url) };
    case "directory":
    case "file":
      return { kind: "path", path: url };
    default:
      fields.report(
        "expected package.source.type to be one of legacy, git, url, directory, file, found " +
          describeValue(source.type),
      );
      return { kind: "index" };
  }
}

/**
 * Non-main groups; `[]` for a package the main group needs unconditionally. An optional package
 * is installed only through extras, so those extras are its groups.
 */
function groupsOf(
  table: Table,
  fields: FieldReader,
  optional: boolean,
  extras: Set<string>,
): string[] {
  let groups: string[];
  if ("groups" in table) groups = fields.strings(table, "groups", "package.groups");
  else {
    const category = fields.string(table, "category", "package.category");
    groups = category === undefined ? [] : [category];
  }
  const others = new Set(groups.filter((group) => group !== "main"));
  if (!optional) return groups.includes("main") ? [] : [...others];
  for (const extra of extras) others.add(extra);
  return [...others];
}
