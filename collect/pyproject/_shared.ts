/**
 * What the pyproject.toml readers (PEP 621/735, Poetry, uv, PDM) share: the parsed-TOML table
 * type, one collector of facts per file with its bounds, the package entry builder, and the
 * readers of `[tool.<name>]` tables and their arrays of tables (sources, indexes).
 *
 * @module
 */
import { isRecord } from "../../packaging/mod.ts";
import type {
  Index,
  InstallerSetting,
  Package,
  PackageSource,
  Problem,
} from "../../core/snapshot.ts";
import {
  headerPattern,
  keyPattern,
  type LineLocator,
  lineLocator,
  tableKeyLines,
} from "../_toml_lines.ts";
import { exactVersion, parsePep508, Pep508Error } from "../_pep508.ts";
import { normaliseName } from "../../packaging/mod.ts";
import { directUrlSource } from "../_requirement_target.ts";

/**
 * Most package entries one pyproject.toml may yield; past it the rest is a problem, not read.
 *
 * @example
 * ```ts
 * import { MAX_PYPROJECT_PACKAGES } from "./_shared.ts";
 * MAX_PYPROJECT_PACKAGES; // 100,000
 * ```
 */
export const MAX_PYPROJECT_PACKAGES = 100_000;

/**
 * A parsed TOML table.
 *
 * @example
 * ```ts
 * import type { Table } from "./_shared.ts";
 * const table: Table = { name: "app" };
 * ```
 */
export type Table = Record<string, unknown>;

/**
 * Everything read from one pyproject.toml so far, with the file's line locator and a bounded
 * `addPackage`.
 *
 * @example
 * ```ts
 * import { PyprojectFacts } from "./_shared.ts";
 * const facts = new PyprojectFacts("pyproject.toml", "[project]\n");
 * facts.problem("project.name: expected a string", 1);
 * facts.problems; // [{ file: "pyproject.toml", line: 1, message: "project.name: expected a string" }]
 * ```
 */
export class PyprojectFacts {
  /** Dependency declarations. */
  readonly packages: Package[] = [];
  /** Configured indexes. */
  readonly indexes: Index[] = [];
  /** Installer settings. */
  readonly settings: InstallerSetting[] = [];
  /** What could not be read. */
  readonly problems: Problem[] = [];
  /** Finds the line of a value in the file's text. */
  readonly locate: LineLocator;
  #full = false;
  #text: string;
  #keyLines = new Map<string, Map<string, number>>();

  /**
   * @param file The file's path relative to the project root.
   * @param text The file's text (for line numbers).
   */
  constructor(readonly file: string, text: string) {
    this.locate = lineLocator(text);
    this.#text = text;
  }

  /** The line of `key = ...` written directly in the table under `header` (cached per table). */
  keyLine(header: RegExp, key: string): number | undefined {
    const id = `${header.flags}/${header.source}`;
    const table = this.#keyLines.get(id) ?? tableKeyLines(this.#text, header);
    this.#keyLines.set(id, table);
    return table.get(key);
  }

  /** Record a problem, with a line when one is known. */
  problem(message: string, line?: number): void {
    this.problems.push(
      line === undefined ? { file: this.file, message } : { file: this.file, line, message },
    );
  }

  /** Add a package unless the bound is reached (then record one problem); true when added. */
  addPackage(pkg: Package): boolean {
    if (this.packages.length >= MAX_PYPROJECT_PACKAGES) {
      if (!this.#full) {
        this.#full = true;
        this.problem(
          `expected at most ${MAX_PYPROJECT_PACKAGES} dependency declarations; the rest is not read`,
          pkg.locations[0].line,
        );
      }
      return false;
    }
    this.packages.push(pkg);
    return true;
  }

  /** A location in this file. */
  at(line: number | undefined): { file: string; line?: number } {
    return line === undefined ? { file: this.file } : { file: this.file, line };
  }
}

/** The parts of a manifest package entry that vary; see {@linkcode manifestPackage}. */
export interface ManifestFields {
  /** Name as written. */
  name: string;
  /** `guessed` when no name was written and `name` is a guess from a path or URL. */
  nameFrom?: "guessed";
  specifier: string;
  version?: string;
  /** `filename` when `version` comes from a wheel or sdist file name, not a written pin. */
  versionFrom?: "filename";
  extras?: string[];
  markers?: string;
  hashes?: string[];
  source?: PackageSource;
  editable?: boolean;
  groups?: string[];
  location: { file: string; line?: number };
}

/**
 * A `manifest`-layer, direct package entry with the snapshot's key order and optional keys left
 * out when empty.
 *
 * @example
 * ```ts
 * import { manifestPackage } from "./_shared.ts";
 * manifestPackage({ name: "Torch", specifier: "^2.3", location: { file: "pyproject.toml", line: 9 } })
 *   .displayName; // "Torch"
 * ```
 */
export function manifestPackage(fields: ManifestFields): Package {
  const name = normaliseName(fields.name);
  return {
    ecosystem: "pypi",
    name,
    ...(fields.name !== name ? { displayName: fields.name } : {}),
    ...(fields.nameFrom !== undefined ? { nameFrom: fields.nameFrom } : {}),
    ...(fields.version !== undefined ? { version: fields.version } : {}),
    ...(fields.version !== undefined && fields.versionFrom !== undefined
      ? { versionFrom: fields.versionFrom }
      : {}),
    specifier: fields.specifier,
    extras: fields.extras ?? [],
    ...(fields.markers !== undefined ? { markers: fields.markers } : {}),
    hashes: fields.hashes ?? [],
    source: fields.source ?? { kind: "index" },
    layer: "manifest",
    direct: true,
    editable: fields.editable ?? false,
    groups: fields.groups ?? [],
    locations: [fields.location],
  };
}

/**
 * A key path for messages: `tool.poetry.dependencies.numpy`, quoting parts that are not bare keys.
 *
 * @example
 * ```ts
 * import { keyPath } from "./_shared.ts";
 * keyPath("tool.uv.sources", "my.pkg"); // 'tool.uv.sources."my.pkg"'
 * ```
 */
export function keyPath(prefix: string, part: string): string {
  return `${prefix}.${/^[A-Za-z0-9_-]+$/.test(part) ? part : JSON.stringify(part)}`;
}

/**
 * Describe a TOML value's type for "expected X, found Y" messages.
 *
 * @example
 * ```ts
 * import { describeValue } from "./_shared.ts";
 * describeValue(3); // "3"
 * describeValue([1]); // "an array"
 * ```
 */
export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (value instanceof Date) return "a date";
  if (isRecord(value)) return "a table";
  if (typeof value === "string") return JSON.stringify(value.slice(0, 40));
  return String(value);
}

/**
 * A PEP 508 requirement string as a manifest package, or a problem naming its key path.
 *
 * @param text The requirement.
 * @param where `keyPath` for messages, `line`, and the `groups` it belongs to.
 * @param facts Where a problem goes.
 * @returns The package, or undefined when the string is not valid PEP 508.
 * @example
 * ```ts
 * import { PyprojectFacts, requirementPackage } from "./_shared.ts";
 * const facts = new PyprojectFacts("pyproject.toml", "");
 * requirementPackage("torch==2.3.1", { keyPath: "x[0]", line: 1, groups: [] }, facts)?.version;
 * // "2.3.1"
 * ```
 */
export function requirementPackage(
  text: string,
  where: { keyPath: string; line: number | undefined; groups: string[] },
  facts: PyprojectFacts,
): Package | undefined {
  let requirement;
  try {
    requirement = parsePep508(text);
  } catch (error) {
    if (!(error instanceof Pep508Error)) throw error;
    facts.problem(`${where.keyPath}: ${error.message}`, where.line);
    return undefined;
  }
  const direct = requirement.url === undefined
    ? undefined
    : directUrlSource(requirement.url, requirement.name);
  return manifestPackage({
    name: requirement.name,
    specifier: requirement.specifier,
    version: direct?.version ?? exactVersion(requirement.specifier),
    versionFrom: direct?.version !== undefined ? "filename" : undefined,
    extras: requirement.extras,
    markers: requirement.markers,
    hashes: direct?.hashes,
    source: direct?.source,
    groups: where.groups,
    location: facts.at(where.line),
  });
}

/**
 * Each string of a TOML array, with its index, or a problem when the value is not an array of
 * strings (non-string items are problems too; the strings are still returned).
 *
 * @example
 * ```ts
 * import { PyprojectFacts, stringItems } from "./_shared.ts";
 * const facts = new PyprojectFacts("pyproject.toml", "");
 * stringItems(["a", 3], "deps", 1, facts); // [{ text: "a", index: 0 }]
 * ```
 */
export function stringItems(
  value: unknown,
  path: string,
  line: number | undefined,
  facts: PyprojectFacts,
): Array<{ text: string; index: number }> {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    facts.problem(`${path}: expected an array of strings`, line);
    return [];
  }
  const items: Array<{ text: string; index: number }> = [];
  value.forEach((item, index) => {
    if (typeof item === "string") items.push({ text: item, index });
    else facts.problem(`${path}[${index}]: expected a string`, line);
  });
  return items;
}

/**
 * The `[tool.<name>]` table of a pyproject.toml, or undefined when it is absent or not a table
 * (then with a problem).
 *
 * @example
 * ```ts
 * import { PyprojectFacts, toolTable } from "./_shared.ts";
 * const facts = new PyprojectFacts("pyproject.toml", "");
 * toolTable({ tool: { uv: { "dev-dependencies": [] } } }, "uv", facts); // { "dev-dependencies": [] }
 * ```
 */
export function toolTable(document: Table, name: string, facts: PyprojectFacts): Table | undefined {
  const tool = document.tool;
  const table = isRecord(tool) ? tool[name] : undefined;
  if (table === undefined) return undefined;
  if (!isRecord(table)) {
    facts.problem(`tool.${name}: expected a table, found ${describeValue(table)}`);
    return undefined;
  }
  return table;
}

/**
 * Visit each table of an array of tables such as `[[tool.poetry.source]]`, with its key path and
 * line; a value that is not an array, or an item that is not a table, is a problem instead.
 *
 * @param value The array as parsed (absent: nothing is visited).
 * @param keys Its key path, such as `["tool", "uv", "index"]`.
 * @param facts Where problems go, and the file's line locator.
 * @param visit Receives each table, its path (`tool.uv.index[0]`) and its line.
 * @example
 * ```ts
 * import { eachArrayTable, PyprojectFacts } from "./_shared.ts";
 * const facts = new PyprojectFacts("pyproject.toml", "");
 * eachArrayTable([{ url: "https://x" }, 3], ["tool", "uv", "index"], facts, () => {});
 * facts.problems[0].message; // "tool.uv.index[1]: expected a table, found 3"
 * ```
 */
export function eachArrayTable(
  value: unknown,
  keys: string[],
  facts: PyprojectFacts,
  visit: (entry: Table, path: string, line: number | undefined) => void,
): void {
  if (value === undefined) return;
  const header = headerPattern(keys, { array: true });
  if (!Array.isArray(value)) {
    facts.problem(`${keys.join(".")}: expected an array of tables, found ${describeValue(value)}`);
    return;
  }
  const inline = [headerPattern(keys.slice(0, -1)), keyPattern(keys[keys.length - 1])];
  value.forEach((entry, index) => {
    const path = `${keys.join(".")}[${index}]`;
    const line = facts.locate(Array<RegExp>(index + 1).fill(header)) ?? facts.locate(inline);
    if (!isRecord(entry)) {
      facts.problem(`${path}: expected a table, found ${describeValue(entry)}`, line);
      return;
    }
    visit(entry, path, line);
  });
}

/**
 * A non-empty string field of a table, or undefined with a problem naming its key path.
 *
 * @example
 * ```ts
 * import { PyprojectFacts, requiredString } from "./_shared.ts";
 * const facts = new PyprojectFacts("pyproject.toml", "");
 * requiredString({ url: "" }, "url", "tool.uv.index[0]", 1, facts); // undefined
 * facts.problems[0].message; // 'tool.uv.index[0].url: expected a string, found ""'
 * ```
 */
export function requiredString(
  entry: Table,
  field: string,
  path: string,
  line: number | undefined,
  facts: PyprojectFacts,
): string | undefined {
  const value = entry[field];
  if (typeof value === "string" && value !== "") return value;
  facts.problem(`${path}.${field}: expected a string, found ${describeValue(value)}`, line);
  return undefined;
}
