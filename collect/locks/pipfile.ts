/**
 * pipenv's Pipfile (TOML) and Pipfile.lock (JSON): package sources, the packages of every
 * category (`[packages]`, `[dev-packages]`, custom ones) and the locked versions and hashes.
 *
 * Index roles follow pipenv since 2022.3.23: packages that name no `index` resolve from the first
 * `[[source]]` only, so later sources serve only the packages that name them ("explicit"),
 * unless `[pipenv] install_search_all_sources = true` makes pipenv search them all ("extra").
 *
 * @module
 */
import { parse as parseToml, TomlError } from "smol-toml";
import type { Index, InstallerSetting, Package, Problem } from "../../core/snapshot.ts";
import { baseName, type FileReader, textReader } from "../_reader.ts";
import { describeValue, pipfileEntry } from "./_pipfile_entry.ts";
import { jsonErrorLine, jsonKeyLines, keyPath } from "./_pipfile_json.ts";
import { pipfileLines } from "./_pipfile_lines.ts";
import { isRecord, redactUrl } from "../../packaging/mod.ts";

/**
 * What {@linkcode parsePipfile} and {@linkcode parsePipfileLock} found.
 *
 * @example
 * ```ts
 * import { parsePipfile, type PipfileParse } from "./pipfile.ts";
 * const found: PipfileParse = parsePipfile("[packages]\n", { file: "Pipfile" });
 * ```
 */
export interface PipfileParse {
  packages: Package[];
  indexes: Index[];
  settings: InstallerSetting[];
  problems: Problem[];
}

/** Upper bound on package entries read from one file. */
const MAX_PACKAGES = 100_000;
/** Top-level Pipfile tables that are not package categories (pipenv's NON_CATEGORY_SECTIONS). */
const NOT_CATEGORIES = new Set(["source", "requires", "pipenv", "scripts", "build-system"]);

type Table = Record<string, unknown>;

/** The groups of a category: [] for the default one, ["dev"] for development packages. */
function groupsOf(category: string, lock: boolean): string[] {
  if (category === (lock ? "default" : "packages")) return [];
  if (category === (lock ? "develop" : "dev-packages")) return ["dev"];
  return [category];
}

/**
 * Read a Pipfile without touching the disk: `[[source]]` indexes (a source with
 * `verify_ssl = false` also yields a `trusted-host` setting) and one manifest package per entry
 * of every package category.
 *
 * @param text The Pipfile's text.
 * @param options `file`: its path relative to the project root.
 * @returns Packages, indexes, settings and problems, each with file and line.
 * @example
 * ```ts
 * import { parsePipfile } from "./pipfile.ts";
 * const { packages, indexes } = parsePipfile(
 *   '[[source]]\nname = "pypi"\nurl = "https://pypi.org/simple"\n\n[dev-packages]\npytest = "*"\n',
 *   { file: "Pipfile" },
 * );
 * indexes[0].role; // "primary"
 * packages[0].groups; // ["dev"]
 * packages[0].locations; // [{ file: "Pipfile", line: 6 }]
 * ```
 */
export function parsePipfile(text: string, options: { file: string }): PipfileParse {
  const { file } = options;
  const result: PipfileParse = { packages: [], indexes: [], settings: [], problems: [] };
  const problem = (message: string, line?: number) =>
    result.problems.push(line === undefined ? { file, message } : { file, line, message });
  let document: Table;
  try {
    document = parseToml(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as Table;
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const message = error.message.split("\n")[0].replace(/^Invalid TOML document: /, "");
    problem(`invalid TOML: ${message}`, Math.max(1, error.line));
    return result;
  }
  const lines = pipfileLines(text);
  const settingsTable = isRecord(document.pipenv) ? document.pipenv : {};
  const searchAll = settingsTable.install_search_all_sources === true;
  const sources = new Map<string, string>();

  const declared = document.source;
  if (declared !== undefined && !Array.isArray(declared)) {
    problem(`expected [[source]] tables, found ${describeValue(declared)}`);
  }
  (Array.isArray(declared) ? declared : []).forEach((source, index) => {
    const line = lines.sources[index];
    const location = line === undefined ? { file } : { file, line };
    const where = `source[${index}]`;
    if (!isRecord(source)) {
      problem(`expected a table for ${where}, found ${describeValue(source)}`, line);
      return;
    }
    const { url, name, verify_ssl: verify } = source;
    if (name !== undefined && typeof name !== "string") {
      problem(`expected a string for ${where}.name, found ${describeValue(name)}`, line);
    }
    if (verify !== undefined && typeof verify !== "boolean") {
      problem(
        `expected true or false for ${where}.verify_ssl, found ${describeValue(verify)}`,
        line,
      );
    }
    if (typeof url !== "string" || url === "") {
      problem(`expected a URL string for ${where}.url, found ${describeValue(url)}`, line);
      return;
    }
    if (typeof name === "string") sources.set(name, url);
    const role = index === 0 ? "primary" : searchAll ? "extra" : "explicit";
    result.indexes.push({
      url: redactUrl(url),
      role,
      ...(typeof name === "string" ? { name } : {}),
      location,
    });
    if (verify === false) {
      result.settings.push({ name: "trusted-host", value: hostOf(url), location });
    }
  });

  for (const [category, entries] of Object.entries(document)) {
    if (NOT_CATEGORIES.has(category)) continue;
    const header = lines.table(category);
    if (!isRecord(entries)) {
      problem(`expected a table of packages for ${category}, found ${describeValue(entries)}`);
      continue;
    }
    for (const [name, value] of Object.entries(entries)) {
      if (result.packages.length >= MAX_PACKAGES) {
        problem(`more than ${MAX_PACKAGES} packages; the rest are not read`, header);
        return result;
      }
      const line = lines.key(category, name) ?? header;
      const pkg = pipfileEntry(value, {
        name,
        keyPath: `${category}.${name}`,
        layer: "manifest",
        groups: groupsOf(category, false),
        sources,
        location: line === undefined ? { file } : { file, line },
      }, (message) => problem(message, line));
      if (pkg) result.packages.push(pkg);
    }
  }
  return result;
}

/** The host (and port) of a URL, for `trusted-host`; the text before any path when not a URL. */
function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").replace(/^[^@/]*@/, "").split(/[/?#]/)[0];
  }
}

/**
 * Read a Pipfile.lock without touching the disk: one lock package per entry of `default`,
 * `develop` (group "dev") and any other category, with version, hashes, markers and source. A
 * named `index` is resolved to its URL through `_meta.sources`; the indexes themselves are
 * reported from the Pipfile. The lock does not say which packages are direct, so none is.
 *
 * @param text The Pipfile.lock's text.
 * @param options `file`: its path relative to the project root.
 * @returns Packages and problems, each with file and line.
 * @example
 * ```ts
 * import { parsePipfileLock } from "./pipfile.ts";
 * const lock = JSON.stringify({
 *   _meta: { sources: [{ name: "pypi", url: "https://pypi.org/simple", verify_ssl: true }] },
 *   default: { six: { hashes: ["sha256:" + "a".repeat(64)], index: "pypi", version: "==1.16.0" } },
 *   develop: {},
 * }, null, 4);
 * const { packages } = parsePipfileLock(lock, { file: "Pipfile.lock" });
 * packages[0].version; // "1.16.0"
 * packages[0].locations; // [{ file: "Pipfile.lock", line: 12 }]
 * ```
 */
export function parsePipfileLock(text: string, options: { file: string }): PipfileParse {
  const { file } = options;
  const result: PipfileParse = { packages: [], indexes: [], settings: [], problems: [] };
  const problem = (message: string, line?: number) =>
    result.problems.push(line === undefined ? { file, message } : { file, line, message });
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    problem(`invalid JSON: ${message}`, jsonErrorLine(text, error));
    return result;
  }
  if (!isRecord(document)) {
    problem(`expected a JSON object at the top level, found ${describeValue(document)}`);
    return result;
  }
  const lines = jsonKeyLines(text);
  const sources = lockSources(document._meta, (message) => problem(message, lines.get("_meta")));

  for (const [category, entries] of Object.entries(document)) {
    if (category === "_meta") continue;
    const header = lines.get(keyPath(category));
    if (!isRecord(entries)) {
      problem(`expected an object of packages for ${category}, found ${describeValue(entries)}`);
      continue;
    }
    for (const [name, value] of Object.entries(entries)) {
      if (result.packages.length >= MAX_PACKAGES) {
        problem(`more than ${MAX_PACKAGES} packages; the rest are not read`, header);
        return result;
      }
      const line = lines.get(keyPath(category, name)) ?? header;
      const pkg = pipfileEntry(value, {
        name,
        keyPath: `${category}.${name}`,
        layer: "lock",
        groups: groupsOf(category, true),
        sources,
        location: line === undefined ? { file } : { file, line },
      }, (message) => problem(message, line));
      if (pkg) result.packages.push(pkg);
    }
  }
  return result;
}

function lockSources(meta: unknown, problem: (message: string) => void): Map<string, string> {
  const sources = new Map<string, string>();
  if (meta === undefined) return sources;
  if (!isRecord(meta)) {
    problem(`expected an object for _meta, found ${describeValue(meta)}`);
    return sources;
  }
  if (meta.sources === undefined) return sources;
  if (!Array.isArray(meta.sources)) {
    problem(`expected an array for _meta.sources, found ${describeValue(meta.sources)}`);
    return sources;
  }
  meta.sources.forEach((source, index) => {
    if (isRecord(source) && typeof source.name === "string" && typeof source.url === "string") {
      sources.set(source.name, source.url);
    } else {
      problem(`expected _meta.sources[${index}] to have string name and url`);
    }
  });
  return sources;
}

/**
 * Reads files named `Pipfile` with {@linkcode parsePipfile}.
 *
 * @example
 * ```ts
 * import { pipfileReader } from "./pipfile.ts";
 * pipfileReader.matches("app/Pipfile"); // true
 * ```
 */
export const pipfileReader: FileReader = textReader({
  tool: () => "pipenv",

  format: "Pipfile",
  matches: (file) => baseName(file) === "Pipfile",
  parse: (text, { file }) => parsePipfile(text, { file }),
});

/**
 * Reads files named `Pipfile.lock` with {@linkcode parsePipfileLock}.
 *
 * @example
 * ```ts
 * import { pipfileLockReader } from "./pipfile.ts";
 * pipfileLockReader.matches("app/Pipfile.lock"); // true
 * ```
 */
export const pipfileLockReader: FileReader = textReader({
  tool: () => "pipenv",

  format: "Pipfile.lock",
  matches: (file) => baseName(file) === "Pipfile.lock",
  parse: (text, { file }) => parsePipfileLock(text, { file }),
});
