/**
 * PDM's sections of pyproject.toml: `[tool.pdm.dev-dependencies]` and `[[tool.pdm.source]]`,
 * whose `include_packages` glob patterns bind matching packages to that source alone.
 *
 * @module
 */
import type { Index, Package } from "../../core/snapshot.ts";
import { isRecord, normaliseName } from "../../packaging/mod.ts";
import { headerPattern, keyPattern } from "../_toml_lines.ts";
import {
  describeValue,
  eachArrayTable,
  keyPath,
  manifestPackage,
  type PyprojectFacts,
  requiredString,
  requirementPackage,
  stringItems,
  type Table,
  toolTable,
} from "./_shared.ts";
import { describeEditable } from "../_requirement_target.ts";
import { redactUrl } from "../../packaging/mod.ts";

/** Longest include/exclude pattern accepted (they become regular expressions). */
const MAX_PATTERN_LENGTH = 200;

interface Routing {
  name: string;
  url: string;
  include: RegExp[];
  exclude: RegExp[];
}

/**
 * Read PDM's dev-dependencies and sources into `facts` and route the project's packages
 * (`routed`, plus the dev-dependencies read here) by `include_packages`.
 *
 * @param document The parsed pyproject.toml.
 * @param facts Where packages, indexes, settings and problems go.
 * @param routed The PEP 621 / PEP 735 packages sources apply to; changed in place.
 * @example
 * ```ts
 * import { readPdm } from "./_pdm.ts";
 * import { PyprojectFacts } from "./_shared.ts";
 * const facts = new PyprojectFacts("pyproject.toml", "");
 * readPdm({ tool: { pdm: { source: [{ name: "pypi", url: "https://mirror/simple" }] } } }, facts, []);
 * facts.indexes[0].role; // "primary"
 * ```
 */
export function readPdm(document: Table, facts: PyprojectFacts, routed: Package[]): void {
  const pdm = toolTable(document, "pdm", facts);
  if (pdm === undefined) return;
  const packages = [...routed, ...readDevDependencies(pdm["dev-dependencies"], facts)];
  const routes = readSources(pdm.source, facts);
  for (const pkg of packages) {
    if (pkg.source.kind !== "index" || pkg.source.name !== undefined) continue;
    const route = routes.find((r) =>
      r.include.some((p) => p.test(pkg.name)) && !r.exclude.some((p) => p.test(pkg.name))
    );
    if (route) pkg.source = { kind: "index", url: route.url, name: route.name };
  }
}

function readDevDependencies(value: unknown, facts: PyprojectFacts): Package[] {
  const added: Package[] = [];
  if (value === undefined) return added;
  const header = headerPattern(["tool", "pdm", "dev-dependencies"]);
  const fallback = [headerPattern(["tool", "pdm"]), keyPattern("dev-dependencies")];
  if (!isRecord(value)) {
    facts.problem(
      `tool.pdm.dev-dependencies: expected a table, found ${describeValue(value)}`,
      facts.locate(fallback),
    );
    return added;
  }
  for (const [group, list] of Object.entries(value)) {
    const path = keyPath("tool.pdm.dev-dependencies", group);
    const groupAt = [header, keyPattern(group)];
    const groupLine = facts.locate(groupAt) ?? facts.locate(fallback);
    for (const item of stringItems(list, path, groupLine, facts)) {
      const line = facts.locate(groupAt, item.text) ?? groupLine;
      const itemPath = `${path}[${item.index}]`;
      const editable = /^-e\s+/.exec(item.text);
      const pkg = editable
        ? editablePackage(item.text.slice(editable[0].length).trim(), itemPath, line, group, facts)
        : requirementPackage(item.text, { keyPath: itemPath, line, groups: [group] }, facts);
      if (pkg && facts.addPackage(pkg)) added.push(pkg);
    }
  }
  return added;
}

/** `-e ./path` or `-e git+https://…#egg=name`, as PDM allows in dev-dependencies. */
function editablePackage(
  value: string,
  path: string,
  line: number | undefined,
  group: string,
  facts: PyprojectFacts,
): Package | undefined {
  const target = describeEditable(value);
  if ("error" in target) {
    facts.problem(`${path}: ${target.error}`, line);
    return undefined;
  }
  return manifestPackage({
    name: target.name,
    ...(target.guessedName ? { nameFrom: "guessed" as const } : {}),
    specifier: target.specifier,
    extras: target.extras,
    markers: target.markers,
    hashes: target.hashes,
    source: target.source,
    editable: true,
    groups: [group],
    location: facts.at(line),
  });
}

function readSources(value: unknown, facts: PyprojectFacts): Routing[] {
  const routes: Routing[] = [];
  eachArrayTable(value, ["tool", "pdm", "source"], facts, (entry, path, line) => {
    const name = requiredString(entry, "name", path, line, facts);
    if (name === undefined) return;
    const rawUrl = requiredString(entry, "url", path, line, facts);
    if (rawUrl === undefined) return;
    const url = redactUrl(rawUrl);
    const type = entry.type ?? "index";
    if (type !== "index" && type !== "find_links") {
      facts.problem(
        `${path}.type: expected "index" or "find_links", found ${describeValue(type)}`,
        line,
      );
    }
    // A source named "pypi" replaces the default index (PDM's docs, "Configure the package indexes").
    const role = type === "find_links"
      ? "find-links"
      : name.toLowerCase() === "pypi"
      ? "primary"
      : "extra";
    const location = facts.at(line);
    const found: Index = { url, role, name, tool: "pdm", location };
    facts.indexes.push(found);
    if (entry.verify_ssl === false) {
      const host = hostOf(rawUrl);
      facts.settings.push({ name: "trusted-host", ...(host ? { value: host } : {}), location });
    } else if (entry.verify_ssl !== undefined && entry.verify_ssl !== true) {
      facts.problem(
        `${path}.verify_ssl: expected true or false, found ${describeValue(entry.verify_ssl)}`,
        line,
      );
    }
    routes.push({
      name,
      url,
      include: patterns(entry.include_packages, `${path}.include_packages`, line, facts),
      exclude: patterns(entry.exclude_packages, `${path}.exclude_packages`, line, facts),
    });
  });
  return routes;
}

/** The host (and port) of a URL, without credentials. */
function hostOf(url: string): string | undefined {
  const authority = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/?#]*)/.exec(url)?.[1];
  if (authority === undefined) return undefined;
  return authority.slice(authority.lastIndexOf("@") + 1) || undefined;
}

/** Glob patterns (`*`, `?`, `[...]`) over normalised project names, as regular expressions. */
function patterns(
  value: unknown,
  path: string,
  line: number | undefined,
  facts: PyprojectFacts,
): RegExp[] {
  const compiled: RegExp[] = [];
  for (const item of stringItems(value, path, line, facts)) {
    if (item.text.length > MAX_PATTERN_LENGTH) {
      facts.problem(
        `${path}[${item.index}]: expected at most ${MAX_PATTERN_LENGTH} characters`,
        line,
      );
      continue;
    }
    const pattern = normaliseName(item.text).replace(/[.+^${}()|\\]/g, "\\$&")
      .replace(/\*+/g, ".*").replace(/\?/g, ".").replace(/\[!/g, "[^");
    try {
      compiled.push(new RegExp(`^${pattern}$`));
    } catch {
      facts.problem(`${path}[${item.index}]: expected a glob pattern, found '${item.text}'`, line);
    }
  }
  return compiled;
}
