/**
 * pyproject.toml dependency declarations and index configuration: PEP 621 `[project]
 * dependencies` and `optional-dependencies`, PEP 735 `[dependency-groups]` with `include-group`
 * resolved, Poetry (`[tool.poetry.*dependencies]`, `[[tool.poetry.source]]`), uv (`[tool.uv]
 * dev-dependencies`, `[[tool.uv.index]]`, `[tool.uv.sources]`) and PDM (`[[tool.pdm.source]]`,
 * `[tool.pdm.dev-dependencies]`).
 *
 * @module
 */
import { baseName, type FileReader, textReader } from "../_reader.ts";
import { parseUvPyprojectTool } from "../config/uv_config.ts";
import { isRecord, normaliseName } from "../../packaging/mod.ts";
import { parse as parseToml, TomlError } from "smol-toml";
import type { Index, InstallerSetting, Package, Problem } from "../../core/snapshot.ts";
import { keyPattern, type LineLocator } from "../_toml_lines.ts";
import { readPdm } from "./_pdm.ts";
import { readPoetry } from "./_poetry.ts";
import {
  MAX_PYPROJECT_PACKAGES,
  PyprojectFacts,
  requirementPackage,
  stringItems,
  type Table,
} from "./_shared.ts";
import { readUv } from "./_uv.ts";

/**
 * What {@linkcode parsePyproject} found; it fits the collector's `ReaderResult`.
 *
 * @example
 * ```ts
 * import { parsePyproject, type PyprojectParse } from "./pyproject.ts";
 * const found: PyprojectParse = parsePyproject("[project]\n", { file: "pyproject.toml" });
 * ```
 */
export interface PyprojectParse {
  /** Dependency declarations (layer `manifest`). */
  packages: Package[];
  /** Poetry sources, uv indexes and PDM sources. */
  indexes: Index[];
  /** Installer settings (a PDM source with `verify_ssl = false` gives `trusted-host`). */
  settings: InstallerSetting[];
  /** What could not be read or understood. */
  problems: Problem[];
}

const key = keyPattern;

/** Deepest chain of `include-group` followed. */
const MAX_INCLUDE_DEPTH = 64;

/** Deepest inline array/table nesting accepted from the TOML parser. */
const MAX_TOML_DEPTH = 64;

/** A dependency string with its key path and where it sits in the file. */
interface Declared {
  text: string;
  keyPath: string;
  line: number | undefined;
}

/**
 * Read the dependencies and index configuration of a pyproject.toml, without touching the disk.
 *
 * @param text The file's text.
 * @param options `file`: its path relative to the project root.
 * @returns One package per declaration (groups name the extra or dependency group), the indexes
 * and settings it configures, and problems.
 * @example
 * ```ts
 * import { parsePyproject } from "./pyproject.ts";
 * const { packages } = parsePyproject('[project]\nname = "app"\ndependencies = ["numpy>=1.26"]\n', {
 *   file: "pyproject.toml",
 * });
 * packages[0].locations; // [{ file: "pyproject.toml", line: 3 }]
 * ```
 */
export function parsePyproject(text: string, options: { file: string }): PyprojectParse {
  const { file } = options;
  const facts = new PyprojectFacts(file, text);
  const result = (): PyprojectParse => ({
    packages: facts.packages,
    indexes: facts.indexes,
    settings: facts.settings,
    problems: facts.problems,
  });
  let document: Table;
  try {
    document = parseToml(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, {
      maxDepth: MAX_TOML_DEPTH,
    }) as Table;
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const message = error.message.split("\n")[0].replace(/^Invalid TOML document: /, "");
    const lines = text.split("\n").length;
    facts.problem(`invalid TOML: ${message}`, Math.min(lines, Math.max(1, error.line)));
    return result();
  }
  const locate = facts.locate;
  const problem = (message: string, line?: number) => facts.problem(message, line);
  const add = (declared: Declared, group?: string) => {
    const groups = group === undefined ? [] : [group];
    const pkg = requirementPackage(declared.text, { ...declared, groups }, facts);
    if (pkg) facts.addPackage(pkg);
    return pkg;
  };

  // Packages uv and PDM route through their sources: PEP 621, PEP 735 and their own dev lists.
  const standard: Package[] = [];
  let projectDependencies: Map<string, Package[]> | undefined;
  const project = document.project;
  if (project !== undefined && !isRecord(project)) problem("project: expected a table");
  if (isRecord(project)) {
    const header = [/^\[project\]/m];
    const dependenciesAt = [...header, key("dependencies")];
    const list = stringItems(
      project.dependencies,
      "project.dependencies",
      locate(dependenciesAt),
      facts,
    );
    if (Array.isArray(project.dependencies)) projectDependencies = new Map();
    for (const item of list) {
      const line = locate(dependenciesAt, item.text);
      const pkg = add({ text: item.text, keyPath: `project.dependencies[${item.index}]`, line });
      if (pkg === undefined) continue;
      standard.push(pkg);
      const same = projectDependencies?.get(pkg.name);
      if (same) same.push(pkg);
      else projectDependencies?.set(pkg.name, [pkg]);
    }
    const optional = project["optional-dependencies"];
    if (optional !== undefined && !isRecord(optional)) {
      problem("project.optional-dependencies: expected a table", locate(header));
    }
    if (isRecord(optional)) {
      for (const [extra, values] of Object.entries(optional)) {
        const keyPath = `project.optional-dependencies.${extra}`;
        for (const item of stringItems(values, keyPath, locate(header), facts)) {
          const line = locate([/^\[project\.optional-dependencies\]/m, key(extra)], item.text) ??
            locate([...header, key("optional-dependencies"), key(extra)], item.text);
          const pkg = add({ text: item.text, keyPath: `${keyPath}[${item.index}]`, line }, extra);
          if (pkg) standard.push(pkg);
        }
      }
    }
  }

  const groups = document["dependency-groups"];
  if (groups !== undefined && !isRecord(groups)) problem("dependency-groups: expected a table");
  if (isRecord(groups)) {
    for (const [group, declared] of resolveGroups(groups, locate, problem)) {
      for (const item of declared) {
        const pkg = add(item, group);
        if (pkg) standard.push(pkg);
      }
    }
  }

  readUv(document, facts, standard);
  const dynamic = isRecord(project) && Array.isArray(project.dynamic) &&
    project.dynamic.includes("dependencies");
  readPoetry(document, facts, dynamic ? undefined : projectDependencies);
  readPdm(document, facts, standard);
  return result();
}

/** Each dependency group's requirements with `{include-group = "..."}` expanded. */
function resolveGroups(
  groups: Table,
  locate: LineLocator,
  problem: (message: string, line?: number) => void,
): Map<string, Declared[]> {
  const header = /^\[dependency-groups\]/m;
  const byName = new Map(Object.keys(groups).map((name) => [normaliseName(name), name]));
  const resolved = new Map<string, Declared[]>();
  // Groups that include each other many times can expand exponentially: bound the total.
  let budget = MAX_PYPROJECT_PACKAGES;
  const expand = (name: string, stack: string[]): Declared[] => {
    const cached = resolved.get(name);
    if (cached) return cached;
    const list = groups[name];
    const keyPath = `dependency-groups.${name}`;
    const declared: Declared[] = [];
    if (!Array.isArray(list)) {
      problem(`${keyPath}: expected an array`, locate([header]));
      resolved.set(name, declared);
      return declared;
    }
    list.forEach((item, index) => {
      const itemPath = `${keyPath}[${index}]`;
      if (typeof item === "string") {
        declared.push({ text: item, keyPath: itemPath, line: locate([header, key(name)], item) });
      } else if (isRecord(item) && typeof item["include-group"] === "string") {
        const included = byName.get(normaliseName(item["include-group"]));
        const line = locate([header, key(name)]);
        if (included === undefined) {
          problem(`${itemPath}: include-group '${item["include-group"]}' is not a group`, line);
        } else if (stack.includes(included) || included === name) {
          const cycle = [...stack, name, included].join(" -> ");
          problem(`${itemPath}: include-group cycle ${cycle}`, line);
        } else if (stack.length >= MAX_INCLUDE_DEPTH) {
          problem(
            `${itemPath}: expected include-group nesting of at most ${MAX_INCLUDE_DEPTH}`,
            line,
          );
        } else {
          const expanded = expand(included, [...stack, name]);
          if (expanded.length > budget) {
            problem(
              `${itemPath}: expected groups to expand to at most ${MAX_PYPROJECT_PACKAGES} requirements`,
              line,
            );
          } else {
            budget -= expanded.length;
            declared.push(...expanded);
          }
        }
      } else {
        problem(`${itemPath}: expected a string or {include-group = "name"}`, locate([header]));
      }
    });
    resolved.set(name, declared);
    return declared;
  };
  return new Map(Object.keys(groups).map((name) => [name, expand(name, [])]));
}

/**
 * The reader of `pyproject.toml`: PEP 621/735 dependencies, Poetry, uv and PDM tables, and
 * `[tool.uv]` installer settings.
 *
 * @example
 * ```ts
 * import { pyprojectReader } from "./pyproject.ts";
 * pyprojectReader.matches("services/api/pyproject.toml"); // true
 * ```
 */
export const pyprojectReader: FileReader = textReader({
  format: "pyproject",
  matches: (file) => baseName(file) === "pyproject.toml",
  parse: (text, { file }) => {
    const project = parsePyproject(text, { file });
    // [tool.uv] installer settings; its [[tool.uv.index]] tables are parsePyproject's already.
    const tool = parseUvPyprojectTool(text, { file, indexTables: false });
    const reported = new Set(project.problems.map((p) => p.line));
    return {
      packages: project.packages,
      indexes: [
        ...project.indexes,
        ...(tool.indexes ?? []).map((i) => ({ ...i, tool: "uv" as const })),
      ],
      settings: [...project.settings, ...tool.settings ?? []],
      problems: [
        ...project.problems,
        ...(tool.problems ?? []).filter((p) => !reported.has(p.line)),
      ],
    };
  },
});
