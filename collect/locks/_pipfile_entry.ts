/**
 * One Pipfile or Pipfile.lock package entry (`name = "spec"` or a table of `version`, `extras`,
 * `markers`, `index`, `git`/`ref`, `path`, `file`, `editable`, `hashes`) turned into a snapshot
 * package. Shared by both readers, since pipenv writes the lock's entries in the Pipfile's shape.
 *
 * @module
 */
import type { Package, PackageSource } from "../../core/snapshot.ts";
import { exactVersion, parsePep508, Pep508Error } from "../_pep508.ts";
import { directUrlSource } from "../_requirement_target.ts";
import { distributionVersion, isUrl, linkFilename, redactUrl } from "../../packaging/mod.ts";

/**
 * Everything about an entry besides its value.
 *
 * @example
 * ```ts
 * import type { EntryContext } from "./_pipfile_entry.ts";
 * const context: EntryContext = {
 *   name: "six", keyPath: "packages.six", layer: "manifest", groups: [],
 *   sources: new Map(), location: { file: "Pipfile", line: 7 },
 * };
 * ```
 */
export interface EntryContext {
  /** The package name as written (the table key). */
  name: string;
  /** Dotted path used in problem messages, e.g. `packages.torch`. */
  keyPath: string;
  layer: "manifest" | "lock";
  groups: string[];
  /** Source (index) names to their URLs as written. */
  sources: Map<string, string>;
  location: { file: string; line?: number };
}

/** PEP 508 marker variables pipenv accepts as keys of a package table. */
const MARKER_KEYS = [
  "os_name",
  "sys_platform",
  "platform_machine",
  "platform_python_implementation",
  "platform_release",
  "platform_system",
  "platform_version",
  "python_version",
  "python_full_version",
  "implementation_name",
  "implementation_version",
];
const VCS_KEYS = ["git", "hg", "svn", "bzr"] as const;
const HASH = /^([A-Za-z0-9]+):([0-9A-Fa-f]+)$/;
const COMMIT = /^[0-9a-f]{40}$/i;

/**
 * Describe a value for a problem message: `3`, `true`, `an array`, `a table`.
 *
 * @example
 * ```ts
 * import { describeValue } from "./_pipfile_entry.ts";
 * describeValue([1]); // "an array"
 * describeValue(undefined); // "nothing"
 * ```
 */
export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (value instanceof Date) return "a date";
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (typeof value === "object") return "a table";
  if (typeof value === "string") return JSON.stringify(value);
  return String(value);
}

/**
 * Convert one entry. Type errors in optional fields are reported and the field ignored; an entry
 * whose name, version or markers do not parse is reported and left out.
 *
 * @param value The entry's value: a version string or a table.
 * @param context Name, key path, layer, groups, known sources and location.
 * @param problem Receives each problem message.
 * @returns The package, or undefined when the entry cannot be understood.
 * @example
 * ```ts
 * import { pipfileEntry } from "./_pipfile_entry.ts";
 * const pkg = pipfileEntry({ version: "==2.6.0", index: "pytorch" }, {
 *   name: "torch", keyPath: "packages.torch", layer: "manifest", groups: [],
 *   sources: new Map([["pytorch", "https://download.pytorch.org/whl/cu126"]]),
 *   location: { file: "Pipfile", line: 3 },
 * }, () => {});
 * pkg?.source; // { kind: "index", url: "https://download.pytorch.org/whl/cu126", name: "pytorch" }
 * ```
 */
export function pipfileEntry(
  value: unknown,
  context: EntryContext,
  problem: (message: string) => void,
): Package | undefined {
  const { keyPath } = context;
  const table: Record<string, unknown> = typeof value === "string" ? { version: value } : {};
  if (typeof value !== "string") {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      problem(`expected a version string or a table for ${keyPath}, found ${describeValue(value)}`);
      return undefined;
    }
    Object.assign(table, value);
  }
  const field = (key: string): string | undefined => {
    const found = table[key];
    if (found === undefined) return undefined;
    if (typeof found === "string") return found;
    problem(`expected a string for ${keyPath}.${key}, found ${describeValue(found)}`);
    return undefined;
  };
  const strings = (key: string): string[] => {
    const found = table[key];
    if (found === undefined) return [];
    if (Array.isArray(found) && found.every((item) => typeof item === "string")) return found;
    problem(`expected an array of strings for ${keyPath}.${key}, found ${describeValue(found)}`);
    return [];
  };

  let specifier = (field("version") ?? "").trim();
  if (specifier === "*") specifier = "";
  // pipenv reads a bare version as an exact pin (it prefixes "==" when no operator is written).
  if (/^[0-9]/.test(specifier)) specifier = "==" + specifier;
  const markerClauses = MARKER_KEYS.flatMap((key) => {
    const clause = field(key);
    return clause === undefined ? [] : [`${key} ${clause}`];
  });
  const written = [field("markers"), ...markerClauses].filter((m) => m !== undefined && m !== "");
  const markers = written.length > 1
    ? written.map((m) => (/\bor\b/.test(m!) ? `(${m})` : m)).join(" and ")
    : written[0];
  const extras = strings("extras");

  const requirement = `${context.name}${extras.length ? `[${extras.join(",")}]` : ""}` +
    `${specifier}${markers ? ` ; ${markers}` : ""}`;
  let parsed;
  try {
    parsed = parsePep508(requirement);
  } catch (error) {
    if (!(error instanceof Pep508Error)) throw error;
    problem(`${keyPath}: ${error.message.replace(/ at column \d+/, "")} in '${requirement}'`);
    return undefined;
  }

  const hashes: string[] = [];
  for (const hash of strings("hashes")) {
    const match = HASH.exec(hash);
    if (match) hashes.push(`${match[1].toLowerCase()}:${match[2].toLowerCase()}`);
    else problem(`expected algorithm:hexdigest in ${keyPath}.hashes, found '${hash}'`);
  }
  const editable = table.editable;
  if (editable !== undefined && typeof editable !== "boolean") {
    problem(`expected true or false for ${keyPath}.editable, found ${describeValue(editable)}`);
  }
  const { source, hashes: sourceHashes, version: fileVersion } = sourceOf(field, context, problem);

  // A `file` or `path` naming a wheel or sdist fixes the version when none is pinned.
  const pinned = exactVersion(parsed.specifier);
  const version = pinned ?? fileVersion;
  return {
    ecosystem: "pypi",
    name: parsed.normalisedName,
    ...(parsed.name !== parsed.normalisedName ? { displayName: parsed.name } : {}),
    ...(version !== undefined ? { version } : {}),
    ...(pinned === undefined && version !== undefined ? { versionFrom: "filename" as const } : {}),
    specifier: parsed.specifier,
    extras: parsed.extras,
    ...(parsed.markers !== undefined ? { markers: parsed.markers } : {}),
    hashes: [...new Set([...hashes, ...sourceHashes])],
    source,
    layer: context.layer,
    direct: context.layer === "manifest",
    editable: editable === true,
    groups: context.groups,
    locations: [context.location],
  };
}

function sourceOf(
  field: (key: string) => string | undefined,
  context: EntryContext,
  problem: (message: string) => void,
): { source: PackageSource; hashes: string[]; version?: string } {
  for (const vcs of VCS_KEYS) {
    const url = field(vcs);
    if (url === undefined) continue;
    const ref = field("ref");
    const bare = url.toLowerCase().startsWith(`${vcs}+`) ? url.slice(vcs.length + 1) : url;
    const source: PackageSource = { kind: "vcs", vcs, url: redactUrl(bare) };
    if (ref !== undefined && ref !== "") {
      source.ref = ref;
      // pipenv locks a VCS entry by writing the resolved commit as its ref.
      if (context.layer === "lock" && COMMIT.test(ref)) source.commit = ref;
    }
    return { source, hashes: [] };
  }
  const path = field("path");
  const file = path ?? field("file");
  if (file !== undefined) {
    if (path === undefined && isUrl(file)) return directUrlSource(file, context.name);
    const version = distributionVersion(linkFilename(file), context.name);
    return { source: { kind: "path", path: file }, hashes: [], ...(version ? { version } : {}) };
  }
  const index = field("index");
  if (index === undefined) return { source: { kind: "index" }, hashes: [] };
  const url = context.sources.get(index);
  if (url === undefined) {
    const where = context.layer === "lock" ? "_meta.sources" : "[[source]]";
    problem(`${context.keyPath}.index names '${index}', which is not a source in ${where}`);
    return { source: { kind: "index", name: index }, hashes: [] };
  }
  return { source: { kind: "index", url: redactUrl(url), name: index }, hashes: [] };
}
