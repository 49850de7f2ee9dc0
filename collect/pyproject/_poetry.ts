/**
 * Poetry's sections of pyproject.toml: `[tool.poetry.dependencies]`, `[tool.poetry.dev-dependencies]`,
 * `[tool.poetry.group.<name>.dependencies]` and `[[tool.poetry.source]]`. Version constraints stay
 * in Poetry's own syntax (`^1.2`, `~1.2`, `>=1,<2`); a bare version is an exact pin.
 *
 * @module
 */
import { valid as validVersion } from "@renovatebot/pep440";
import type { Index, IndexRole, Package, PackageSource } from "../../core/snapshot.ts";
import { exactVersion } from "../_pep508.ts";
import { distributionVersion, isRecord, linkFilename, normaliseName } from "../../packaging/mod.ts";
import { parseMarker } from "../_pep508_marker.ts";
import { headerPattern, keyPattern } from "../_toml_lines.ts";
import {
  describeValue,
  eachArrayTable,
  keyPath,
  manifestPackage,
  type PyprojectFacts,
  requiredString,
  type Table,
  toolTable,
} from "./_shared.ts";
import { directUrlSource } from "../_requirement_target.ts";
import { redactUrl } from "../../packaging/mod.ts";

/** What Poetry serves when a source named `pypi` gives no URL (its docs say to omit it). */
const PYPI_SIMPLE = "https://pypi.org/simple/";
const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

interface Source {
  name: string;
  url?: string;
}

/** One dependency table of Poetry's, with the groups its entries belong to. */
interface Section {
  path: string[];
  groups: string[];
  table: Table;
}

/**
 * Read Poetry's dependency tables and sources into `facts`. When `[project] dependencies` is
 * static (Poetry 2), a `[tool.poetry.dependencies]` entry for a name declared there only enriches
 * those packages (source, develop) instead of adding one.
 *
 * @param document The parsed pyproject.toml.
 * @param facts Where packages, indexes and problems go.
 * @param projectDependencies `[project] dependencies` packages by normalised name, when static.
 * @example
 * ```ts
 * import { readPoetry } from "./_poetry.ts";
 * import { PyprojectFacts } from "./_shared.ts";
 * const text = '[tool.poetry.dependencies]\npython = "^3.10"\nnumpy = "1.26.4"\n';
 * const facts = new PyprojectFacts("pyproject.toml", text);
 * readPoetry({ tool: { poetry: { dependencies: { python: "^3.10", numpy: "1.26.4" } } } }, facts);
 * facts.packages[0].version; // "1.26.4"
 * ```
 */
export function readPoetry(
  document: Table,
  facts: PyprojectFacts,
  projectDependencies?: Map<string, Package[]>,
): void {
  const poetry = toolTable(document, "poetry", facts);
  if (poetry === undefined) return;
  const sources = readSources(poetry.source, facts);
  const extrasOf = readExtras(poetry.extras, facts);
  for (const section of sections(poetry, facts)) {
    const header = headerPattern(section.path);
    const sectionPath = section.path.join(".");
    for (const [name, value] of Object.entries(section.table)) {
      if (name.toLowerCase() === "python") continue;
      const path = keyPath(sectionPath, name);
      const keyLine = facts.keyLine(header, name) ?? facts.locate([header, keyPattern(name)]) ??
        facts.locate([headerPattern(["tool", "poetry"]), keyPattern(name)]);
      if (!NAME.test(name)) {
        facts.problem(`${path}: expected a project name, found ${JSON.stringify(name)}`, keyLine);
        continue;
      }
      const constraints = Array.isArray(value) ? value : [value];
      const enriched = section.groups.length === 0
        ? projectDependencies?.get(normaliseName(name))
        : undefined;
      constraints.forEach((constraint, index) => {
        const itemPath = Array.isArray(value) ? `${path}[${index}]` : path;
        const line = Array.isArray(value)
          ? facts.locate([header, keyPattern(name)], constraintText(constraint)) ?? keyLine
          : keyLine;
        const read = readConstraint(constraint, { name, path: itemPath, line, sources, facts });
        if (read === undefined) return;
        if (enriched !== undefined) {
          if (read.source.kind !== "index" || read.source.name !== undefined) {
            for (const pkg of enriched) {
              pkg.source = read.source;
              pkg.editable = read.editable;
              if (pkg.version === undefined && read.versionFrom === "filename") {
                Object.assign(pkg, { version: read.version, versionFrom: read.versionFrom });
              }
            }
          }
          return;
        }
        const groups = section.groups.length > 0
          ? section.groups
          : read.optional
          ? extrasOf.get(normaliseName(name)) ?? []
          : [];
        facts.addPackage(manifestPackage({
          name,
          specifier: read.specifier,
          version: read.version,
          versionFrom: read.versionFrom,
          extras: read.extras,
          markers: read.markers,
          hashes: read.hashes,
          source: read.source,
          editable: read.editable,
          groups,
          location: facts.at(line),
        }));
      });
    }
  }
}

function sections(poetry: Table, facts: PyprojectFacts): Section[] {
  const found: Section[] = [];
  const add = (value: unknown, path: string[], groups: string[]) => {
    if (value === undefined) return;
    if (isRecord(value)) found.push({ path, groups, table: value });
    else {
      facts.problem(
        `${path.join(".")}: expected a table, found ${describeValue(value)}`,
        facts.locate([headerPattern(path.slice(0, -1))]),
      );
    }
  };
  add(poetry.dependencies, ["tool", "poetry", "dependencies"], []);
  add(poetry["dev-dependencies"], ["tool", "poetry", "dev-dependencies"], ["dev"]);
  const groups = poetry.group;
  if (groups !== undefined && !isRecord(groups)) {
    facts.problem(`tool.poetry.group: expected a table, found ${describeValue(groups)}`);
  }
  if (isRecord(groups)) {
    for (const [name, group] of Object.entries(groups)) {
      const path = ["tool", "poetry", "group", name];
      if (!isRecord(group)) {
        facts.problem(`${keyPath("tool.poetry.group", name)}: expected a table`);
        continue;
      }
      add(group.dependencies, [...path, "dependencies"], [name]);
    }
  }
  return found;
}

/** The text to look for when locating one constraint of a multiple-constraint dependency. */
function constraintText(constraint: unknown): string | undefined {
  if (typeof constraint === "string") return constraint;
  if (!isRecord(constraint)) return undefined;
  for (const field of ["version", "git", "url", "path", "file", "markers"]) {
    if (typeof constraint[field] === "string") return constraint[field] as string;
  }
  return undefined;
}

interface Constraint {
  specifier: string;
  version?: string;
  /** `filename` when the version comes from a url, path or file constraint's file name. */
  versionFrom?: "filename";
  extras: string[];
  markers?: string;
  hashes: string[];
  source: PackageSource;
  editable: boolean;
  optional: boolean;
}

interface ConstraintContext {
  /** The dependency's name as written. */
  name: string;
  path: string;
  line: number | undefined;
  sources: Map<string, Source>;
  facts: PyprojectFacts;
}

function readConstraint(value: unknown, context: ConstraintContext): Constraint | undefined {
  const { path, line, facts } = context;
  if (typeof value === "string") return { ...versionOf(value), ...plain() };
  if (!isRecord(value)) {
    facts.problem(
      `${path}: expected a version string or a table, found ${describeValue(value)}`,
      line,
    );
    return undefined;
  }
  const text = (field: string): string | undefined => {
    const found = value[field];
    if (found === undefined || typeof found === "string") return found;
    facts.problem(`${path}.${field}: expected a string, found ${describeValue(found)}`, line);
    return undefined;
  };
  const flag = (field: string): boolean => {
    const found = value[field];
    if (found === undefined || typeof found === "boolean") return found ?? false;
    facts.problem(`${path}.${field}: expected true or false, found ${describeValue(found)}`, line);
    return false;
  };
  const read: Constraint = { ...versionOf(text("version") ?? ""), ...plain() };
  const extras = value.extras;
  if (Array.isArray(extras) && extras.every((extra) => typeof extra === "string")) {
    read.extras = extras;
  } else if (extras !== undefined) {
    facts.problem(`${path}.extras: expected an array of strings`, line);
  }
  const markers = text("markers");
  if (markers !== undefined && markers.trim() !== "") {
    try {
      read.markers = parseMarker(markers, 0, (message) => {
        throw new SyntaxError(message);
      });
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      facts.problem(`${path}.markers: ${error.message}`, line);
    }
  }
  read.optional = flag("optional");
  read.editable = flag("develop");
  const git = text("git"), url = text("url"), local = text("path") ?? text("file");
  const sourceName = text("source");
  if (git !== undefined) {
    const ref = text("rev") ?? text("tag") ?? text("branch");
    const gitUrl = redactUrl(git.replace(/^git\+/i, ""));
    read.source = { kind: "vcs", vcs: "git", url: gitUrl, ...(ref ? { ref } : {}) };
  } else if (url !== undefined) {
    const direct = directUrlSource(url, context.name);
    ({ source: read.source, hashes: read.hashes } = direct);
    fromFilename(read, direct.version);
  } else if (local !== undefined) {
    read.source = { kind: "path", path: local };
    fromFilename(read, distributionVersion(linkFilename(local), context.name));
  } else if (sourceName !== undefined) {
    const declared = context.sources.get(sourceName.toLowerCase());
    if (declared === undefined && sourceName.toLowerCase() !== "pypi") {
      facts.problem(`${path}.source: no [[tool.poetry.source]] is named '${sourceName}'`, line);
    }
    const resolvedUrl = declared?.url ?? (sourceName.toLowerCase() === "pypi" ? PYPI_SIMPLE : "");
    read.source = {
      kind: "index",
      ...(resolvedUrl ? { url: resolvedUrl } : {}),
      name: declared?.name ?? sourceName,
    };
  }
  return read;
}

/** Take the version a distribution file name fixes, unless a version is written. */
function fromFilename(read: Constraint, version: string | undefined): void {
  if (read.version !== undefined || version === undefined) return;
  read.version = version;
  read.versionFrom = "filename";
}

function plain() {
  return {
    extras: [] as string[],
    hashes: [] as string[],
    source: { kind: "index" } as PackageSource,
    editable: false,
    optional: false,
  };
}

/** Specifier as written ("" for `*`) and the exact version a bare or `==` constraint pins. */
function versionOf(constraint: string): { specifier: string; version?: string } {
  const specifier = constraint.trim() === "*" ? "" : constraint.trim();
  const bare = /^v?[0-9][0-9A-Za-z.+!-]*$/.test(specifier) && validVersion(specifier) !== null;
  const version = bare ? specifier : exactVersion(specifier.replace(/\s+/g, ""));
  return version === undefined ? { specifier } : { specifier, version };
}

function readSources(value: unknown, facts: PyprojectFacts): Map<string, Source> {
  const sources = new Map<string, Source>();
  eachArrayTable(value, ["tool", "poetry", "source"], facts, (entry, path, line) => {
    const name = requiredString(entry, "name", path, line, facts);
    if (name === undefined) return;
    const isPypi = name.toLowerCase() === "pypi";
    if (entry.url !== undefined && typeof entry.url !== "string") {
      facts.problem(`${path}.url: expected a string, found ${describeValue(entry.url)}`, line);
      return;
    }
    const url = entry.url ? redactUrl(entry.url) : isPypi ? PYPI_SIMPLE : undefined;
    if (url === undefined) {
      facts.problem(`${path}.url: expected a URL for source '${name}'`, line);
      return;
    }
    sources.set(name.toLowerCase(), { name, url });
    const role = roleOf(entry, path, line, facts);
    const configured: Index = { url, role, name, tool: "poetry", location: facts.at(line) };
    facts.indexes.push(configured);
  });
  return sources;
}

/**
 * Poetry's priority as an index role. `default`/`primary` and no priority are primary (Poetry's
 * docs: "If priority is undefined, the source is considered a primary source"); the legacy
 * `secondary` is searched after the primaries, like `supplemental`.
 */
function roleOf(
  entry: Table,
  path: string,
  line: number | undefined,
  facts: PyprojectFacts,
): IndexRole {
  const priority = entry.priority;
  if (priority === undefined) return entry.secondary === true ? "supplemental" : "primary";
  const roles: Record<string, IndexRole> = {
    default: "primary",
    primary: "primary",
    secondary: "supplemental",
    supplemental: "supplemental",
    explicit: "explicit",
  };
  const role = typeof priority === "string" ? roles[priority.toLowerCase()] : undefined;
  if (role !== undefined) return role;
  facts.problem(
    `${path}.priority: expected primary, supplemental, explicit, default or secondary, found ${
      describeValue(priority)
    }`,
    line,
  );
  return "primary";
}

/** `[tool.poetry.extras]`: the extras each optional dependency belongs to, by normalised name. */
function readExtras(value: unknown, facts: PyprojectFacts): Map<string, string[]> {
  const extrasOf = new Map<string, string[]>();
  if (value === undefined) return extrasOf;
  const line = facts.locate([headerPattern(["tool", "poetry", "extras"])]);
  if (!isRecord(value)) {
    facts.problem(`tool.poetry.extras: expected a table, found ${describeValue(value)}`, line);
    return extrasOf;
  }
  for (const [extra, names] of Object.entries(value)) {
    if (!Array.isArray(names) || !names.every((name) => typeof name === "string")) {
      facts.problem(`${keyPath("tool.poetry.extras", extra)}: expected an array of names`, line);
      continue;
    }
    for (const name of names as string[]) {
      // An entry may carry extras of its own ("pkg[extra]"); the project name is what counts.
      const normalised = normaliseName(name.replace(/\[.*$/, "").trim());
      const list = extrasOf.get(normalised) ?? [];
      if (!list.includes(extra)) list.push(extra);
      extrasOf.set(normalised, list);
    }
  }
  return extrasOf;
}
