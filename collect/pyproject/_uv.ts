/**
 * uv's sections of pyproject.toml: the legacy `[tool.uv] dev-dependencies`, `[[tool.uv.index]]`
 * and `[tool.uv.sources]`, which routes a project's requirements to a named index, a Git
 * repository, a URL, a local path or a workspace member. `index-url`, `extra-index-url` and
 * `[tool.uv.pip]` are read by the uv settings reader, not here.
 *
 * @module
 */
import type { Index, IndexRole, Package, PackageSource } from "../../core/snapshot.ts";
import { distributionVersion, isRecord, linkFilename, normaliseName } from "../../packaging/mod.ts";
import { headerPattern, keyPattern } from "../_toml_lines.ts";
import {
  describeValue,
  eachArrayTable,
  keyPath,
  type PyprojectFacts,
  requiredString,
  requirementPackage,
  stringItems,
  type Table,
  toolTable,
} from "./_shared.ts";
import { directUrlSource } from "../_requirement_target.ts";
import { redactUrl } from "../../packaging/mod.ts";

/**
 * Read uv's dev-dependencies and indexes into `facts` and apply `[tool.uv.sources]` to the
 * project's packages (`routed`, plus the dev-dependencies read here).
 *
 * @param document The parsed pyproject.toml.
 * @param facts Where packages, indexes and problems go.
 * @param routed The PEP 621 / PEP 735 packages the sources apply to; changed in place.
 * @example
 * ```ts
 * import { readUv } from "./_uv.ts";
 * import { PyprojectFacts } from "./_shared.ts";
 * const facts = new PyprojectFacts("pyproject.toml", "");
 * readUv({ tool: { uv: { "dev-dependencies": ["pytest>=8"] } } }, facts, []);
 * facts.packages[0].groups; // ["dev"]
 * ```
 */
export function readUv(document: Table, facts: PyprojectFacts, routed: Package[]): void {
  const uv = toolTable(document, "uv", facts);
  if (uv === undefined) return;
  const uvHeader = headerPattern(["tool", "uv"]);
  const packages = [...routed];
  const devAt = [uvHeader, keyPattern("dev-dependencies")];
  const dev = uv["dev-dependencies"];
  for (const item of stringItems(dev, "tool.uv.dev-dependencies", facts.locate(devAt), facts)) {
    const line = facts.locate(devAt, item.text);
    const where = { keyPath: `tool.uv.dev-dependencies[${item.index}]`, line, groups: ["dev"] };
    const pkg = requirementPackage(item.text, where, facts);
    if (pkg && facts.addPackage(pkg)) packages.push(pkg);
  }
  const indexUrls = readIndexes(uv.index, facts);
  const sources = uv.sources;
  if (sources === undefined) return;
  const sourcesHeader = headerPattern(["tool", "uv", "sources"]);
  if (!isRecord(sources)) {
    facts.problem(
      `tool.uv.sources: expected a table, found ${describeValue(sources)}`,
      facts.locate([uvHeader, keyPattern("sources")]),
    );
    return;
  }
  const byName = new Map<string, Package[]>();
  for (const pkg of packages) {
    const same = byName.get(pkg.name);
    if (same) same.push(pkg);
    else byName.set(pkg.name, [pkg]);
  }
  const alternatives: Package[] = [];
  for (const [name, value] of Object.entries(sources)) {
    const path = keyPath("tool.uv.sources", name);
    const line = facts.locate([sourcesHeader, keyPattern(name)]) ??
      facts.locate([uvHeader, keyPattern(name)]);
    const entries = Array.isArray(value) ? value : [value];
    const read: Array<
      { source: PackageSource; editable: boolean; when?: string; marker?: string; version?: string }
    > = [];
    entries.forEach((entry, index) => {
      const entryPath = Array.isArray(value) ? `${path}[${index}]` : path;
      const found = readSource(entry, entryPath, line, facts, indexUrls, name);
      if (found) read.push(found);
    });
    for (const pkg of byName.get(normaliseName(name)) ?? []) {
      if (pkg.source.kind !== "index" || pkg.source.name !== undefined) continue;
      // A source limited to an extra or group applies to that extra's or group's entry; else
      // every unconditional source applies (each under its own marker), else the first.
      const forGroup = read.filter((r) => r.when !== undefined && pkg.groups.includes(r.when));
      const unconditional = read.filter((r) => r.when === undefined);
      const chosen = forGroup.length
        ? forGroup
        : unconditional.length
        ? unconditional
        : read.slice(0, 1);
      chosen.forEach((alternative, i) => {
        const target = i === 0 ? pkg : { ...pkg, groups: [...pkg.groups] };
        target.source = alternative.source;
        target.editable = alternative.editable;
        if (target.version === undefined && alternative.version !== undefined) {
          target.version = alternative.version;
          target.versionFrom = "filename";
        }
        if (alternative.marker !== undefined) {
          target.markers = pkg.markers
            ? `(${pkg.markers}) and (${alternative.marker})`
            : alternative.marker;
        }
        if (i > 0) alternatives.push(target);
      });
    }
  }
  for (const pkg of alternatives) facts.addPackage(pkg);
}

function readSource(
  entry: unknown,
  path: string,
  line: number | undefined,
  facts: PyprojectFacts,
  indexUrls: Map<string, string>,
  name: string,
): { source: PackageSource; editable: boolean; when?: string; version?: string } | undefined {
  if (!isRecord(entry)) {
    facts.problem(`${path}: expected a table, found ${describeValue(entry)}`, line);
    return undefined;
  }
  const text = (field: string): string | undefined => {
    const found = entry[field];
    if (found === undefined || typeof found === "string") return found;
    facts.problem(`${path}.${field}: expected a string, found ${describeValue(found)}`, line);
    return undefined;
  };
  const editableFlag = entry.editable;
  if (editableFlag !== undefined && typeof editableFlag !== "boolean") {
    facts.problem(
      `${path}.editable: expected true or false, found ${describeValue(editableFlag)}`,
      line,
    );
  }
  const when = text("extra") ?? text("group");
  const marker = text("marker");
  const conditional = {
    ...(when === undefined ? {} : { when }),
    ...(marker === undefined ? {} : { marker }),
  };
  const index = text("index"), git = text("git"), url = text("url"), local = text("path");
  if (index !== undefined) {
    const indexUrl = indexUrls.get(index);
    const source: PackageSource = {
      kind: "index",
      ...(indexUrl !== undefined ? { url: indexUrl } : {}),
      name: index,
    };
    return { source, editable: false, ...conditional };
  }
  if (git !== undefined) {
    const ref = text("rev") ?? text("tag") ?? text("branch");
    const gitUrl = redactUrl(git.replace(/^git\+/i, ""));
    const source: PackageSource = { kind: "vcs", vcs: "git", url: gitUrl, ...(ref ? { ref } : {}) };
    return { source, editable: false, ...conditional };
  }
  if (url !== undefined) {
    const { source, version } = directUrlSource(url, name);
    return { source, editable: false, ...conditional, ...(version ? { version } : {}) };
  }
  if (local !== undefined) {
    const version = distributionVersion(linkFilename(local), name);
    return {
      source: { kind: "path", path: local },
      editable: editableFlag === true,
      ...conditional,
      ...(version ? { version } : {}),
    };
  }
  if (entry.workspace === true) {
    // Workspace members install editable unless the source says `editable = false`.
    return {
      source: { kind: "path", path: "." },
      editable: editableFlag !== false,
      ...conditional,
    };
  }
  facts.problem(
    `${path}: expected one of index, git, url, path or workspace = true`,
    line,
  );
  return undefined;
}

/** `[[tool.uv.index]]` as indexes; returns each named index's (redacted) URL. */
function readIndexes(value: unknown, facts: PyprojectFacts): Map<string, string> {
  const urls = new Map<string, string>();
  eachArrayTable(value, ["tool", "uv", "index"], facts, (entry, path, line) => {
    const rawUrl = requiredString(entry, "url", path, line, facts);
    if (rawUrl === undefined) return;
    const name = typeof entry.name === "string" ? entry.name : undefined;
    if (entry.name !== undefined && name === undefined) {
      facts.problem(`${path}.name: expected a string, found ${describeValue(entry.name)}`, line);
    }
    const url = redactUrl(rawUrl);
    if (name !== undefined && !urls.has(name)) urls.set(name, url);
    const configured: Index = {
      url,
      role: roleOf(entry, path, line, facts),
      ...(name !== undefined ? { name } : {}),
      tool: "uv",
      location: facts.at(line),
    };
    facts.indexes.push(configured);
  });
  return urls;
}

/**
 * An uv index's role: `explicit = true` is used only by packages routed to it, `format = "flat"`
 * is a find-links page, `default = true` replaces PyPI; any other index is searched before the
 * default one, like pip's extra indexes.
 */
function roleOf(
  entry: Table,
  path: string,
  line: number | undefined,
  facts: PyprojectFacts,
): IndexRole {
  for (const flag of ["explicit", "default"]) {
    if (entry[flag] !== undefined && typeof entry[flag] !== "boolean") {
      facts.problem(
        `${path}.${flag}: expected true or false, found ${describeValue(entry[flag])}`,
        line,
      );
    }
  }
  if (entry.format !== undefined && entry.format !== "flat" && entry.format !== "simple") {
    facts.problem(
      `${path}.format: expected "simple" or "flat", found ${describeValue(entry.format)}`,
      line,
    );
  }
  if (entry.explicit === true) return "explicit";
  if (entry.format === "flat") return "find-links";
  if (entry.default === true) return "primary";
  return "extra";
}
