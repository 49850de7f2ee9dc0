/**
 * pyproject.toml dependency declarations: PEP 621 `[project] dependencies` and
 * `optional-dependencies`, and PEP 735 `[dependency-groups]` with `include-group` resolved.
 *
 * @module
 */
import { parse as parseToml, TomlError } from "smol-toml";
import type { Package, Problem } from "../core/snapshot.ts";
import { exactVersion, parsePep508, Pep508Error } from "./_pep508.ts";
import { directUrlSource } from "./_requirements_target.ts";
import { lineLocator } from "./_pyproject_lines.ts";

/**
 * What {@linkcode parsePyproject} found.
 *
 * @example
 * ```ts
 * import { parsePyproject, type PyprojectParse } from "./pyproject.ts";
 * const found: PyprojectParse = parsePyproject("[project]\n", { file: "pyproject.toml" });
 * ```
 */
export interface PyprojectParse {
  packages: Package[];
  problems: Problem[];
}

type Table = Record<string, unknown>;

function isTable(value: unknown): value is Table {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    !(value instanceof Date);
}

/** A dependency string with its key path and where it sits in the file. */
interface Declared {
  text: string;
  keyPath: string;
  line: number | undefined;
}

/**
 * Read the PEP 621 and PEP 735 dependencies of a pyproject.toml, without touching the disk.
 *
 * @param text The file's text.
 * @param options `file`: its path relative to the project root.
 * @returns One package per declaration (groups name the extra or dependency group) and problems.
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
  const result: PyprojectParse = { packages: [], problems: [] };
  let document: Table;
  try {
    document = parseToml(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as Table;
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const message = error.message.split("\n")[0].replace(/^Invalid TOML document: /, "");
    result.problems.push({
      file,
      line: Math.max(1, error.line),
      message: `invalid TOML: ${message}`,
    });
    return result;
  }
  const locate = lineLocator(text);
  const problem = (message: string, line?: number) =>
    result.problems.push(line === undefined ? { file, message } : { file, line, message });
  const add = (declared: Declared, group?: string) => {
    const pkg = toPackage(declared, file, group, problem);
    if (pkg) result.packages.push(pkg);
  };

  const project = document.project;
  if (project !== undefined && !isTable(project)) problem("project: expected a table");
  if (isTable(project)) {
    const header = [/^\[project\]/m];
    for (
      const item of stringList(
        project.dependencies,
        "project.dependencies",
        problem,
        locate([...header, key("dependencies")]),
      )
    ) {
      add({ ...item, line: locate([...header, key("dependencies")], item.text) });
    }
    const optional = project["optional-dependencies"];
    if (optional !== undefined && !isTable(optional)) {
      problem("project.optional-dependencies: expected a table", locate(header));
    }
    if (isTable(optional)) {
      for (const [extra, list] of Object.entries(optional)) {
        const keyPath = `project.optional-dependencies.${extra}`;
        for (const item of stringList(list, keyPath, problem, locate(header))) {
          const line = locate([/^\[project\.optional-dependencies\]/m, key(extra)], item.text) ??
            locate([...header, key("optional-dependencies"), key(extra)], item.text);
          add({ ...item, line }, extra);
        }
      }
    }
  }

  const groups = document["dependency-groups"];
  if (groups !== undefined && !isTable(groups)) problem("dependency-groups: expected a table");
  if (isTable(groups)) {
    for (const [group, declared] of resolveGroups(groups, locate, problem)) {
      for (const item of declared) add(item, group);
    }
  }
  return result;
}

function key(name: string): RegExp {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(?:^|[\\s{,.])(?:"${escaped}"|'${escaped}'|${escaped})\\s*=`, "m");
}

function stringList(
  value: unknown,
  keyPath: string,
  problem: (message: string, line?: number) => void,
  line: number | undefined,
): Array<{ text: string; keyPath: string }> {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problem(`${keyPath}: expected an array of strings`, line);
    return [];
  }
  const items: Array<{ text: string; keyPath: string }> = [];
  value.forEach((item, index) => {
    if (typeof item === "string") items.push({ text: item, keyPath: `${keyPath}[${index}]` });
    else problem(`${keyPath}[${index}]: expected a string`, line);
  });
  return items;
}

/** Each dependency group's requirements with `{include-group = "..."}` expanded. */
function resolveGroups(
  groups: Table,
  locate: ReturnType<typeof lineLocator>,
  problem: (message: string, line?: number) => void,
): Map<string, Declared[]> {
  const header = /^\[dependency-groups\]/m;
  const normalise = (name: string) => name.toLowerCase().replace(/[-_.]+/g, "-");
  const byName = new Map(Object.keys(groups).map((name) => [normalise(name), name]));
  const resolved = new Map<string, Declared[]>();
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
      } else if (isTable(item) && typeof item["include-group"] === "string") {
        const included = byName.get(normalise(item["include-group"]));
        const line = locate([header, key(name)]);
        if (included === undefined) {
          problem(`${itemPath}: include-group '${item["include-group"]}' is not a group`, line);
        } else if (stack.includes(included) || included === name) {
          const cycle = [...stack, name, included].join(" -> ");
          problem(`${itemPath}: include-group cycle ${cycle}`, line);
        } else {
          declared.push(...expand(included, [...stack, name]));
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

function toPackage(
  declared: Declared,
  file: string,
  group: string | undefined,
  problem: (message: string, line?: number) => void,
): Package | undefined {
  let requirement;
  try {
    requirement = parsePep508(declared.text);
  } catch (error) {
    if (!(error instanceof Pep508Error)) throw error;
    problem(`${declared.keyPath}: ${error.message}`, declared.line);
    return undefined;
  }
  const direct = requirement.url === undefined ? undefined : directUrlSource(requirement.url);
  const pkg: Package = {
    ecosystem: "pypi",
    name: requirement.normalisedName,
    specifier: requirement.specifier,
    extras: requirement.extras,
    hashes: direct?.hashes ?? [],
    source: direct?.source ?? { kind: "index" },
    layer: "manifest",
    direct: true,
    editable: false,
    groups: group === undefined ? [] : [group],
    locations: [declared.line === undefined ? { file } : { file, line: declared.line }],
  };
  const version = exactVersion(requirement.specifier);
  return {
    ecosystem: pkg.ecosystem,
    name: pkg.name,
    ...(requirement.name !== pkg.name ? { displayName: requirement.name } : {}),
    ...(version !== undefined ? { version } : {}),
    specifier: pkg.specifier,
    extras: pkg.extras,
    ...(requirement.markers !== undefined ? { markers: requirement.markers } : {}),
    hashes: pkg.hashes,
    source: pkg.source,
    layer: pkg.layer,
    direct: pkg.direct,
    editable: pkg.editable,
    groups: pkg.groups,
    locations: pkg.locations,
  };
}
