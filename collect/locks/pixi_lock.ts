/**
 * pixi.lock (format versions 4 to 7, as rattler_lock writes them): the conda channels each
 * environment was solved against, and every locked conda and PyPI package with its hashes, source
 * and the platforms and environments that install it.
 *
 * @module
 */
import type { Index, Package, PackageSource, Problem } from "../../core/snapshot.ts";
import { isUrl, normaliseName, redactUrl } from "../../packaging/mod.ts";
import { baseName, type FileReader, textReader } from "../_reader.ts";
import { directUrlSource } from "../_requirement_target.ts";
import { dependsOnList, MAX_LOCK_BYTES, MAX_LOCK_ENTRIES, requirementName } from "../_lock_toml.ts";
import { mergeLocked } from "../_lock_merge.ts";
import { channelSource, condaArchive } from "./_conda_url.ts";
import { pinnedGitSource } from "./_git_pin.ts";
import { readEnvironments, type Report, type Usage } from "./_pixi_environments.ts";
import {
  describeNode,
  isYamlMap,
  isYamlSeq,
  mapEntry,
  parseYamlFile,
  scalarText,
  type YamlFile,
} from "./_conda_yaml.ts";

/**
 * What {@linkcode parsePixiLock} found.
 *
 * @example
 * ```ts
 * import { type PixiLockParse, parsePixiLock } from "./pixi_lock.ts";
 * const found: PixiLockParse = parsePixiLock("version: 6\nenvironments: {}\npackages: []\n", {
 *   file: "pixi.lock",
 * });
 * ```
 */
export interface PixiLockParse {
  /** One `lock` package per locked distribution, merged across platforms. */
  packages: Package[];
  /** The environments' conda channels. */
  indexes: Index[];
  /** What could not be read, with lines. */
  problems: Problem[];
}

/** The versions read: 4 and 5 tag packages with `kind:`, 6 and 7 key them by `conda:`/`pypi:`. */
const FIRST_VERSION = 4;
const LAST_VERSION = 7;
const HEX = /^[0-9a-fA-F]+$/;

/**
 * Read a pixi.lock without touching the disk. Each environment's channels become conda-channel
 * indexes (once per channel URL). Each entry of `packages` becomes a `lock` package: conda
 * packages take their name and version from the entry or, as rattler does, from the archive file
 * name, and their channel as source; PyPI packages resolve from the index the entry names
 * (`index`/`index_url`, version 7), else from the one index of every environment that installs
 * them, else from the only one of those indexes on the file's host (PyPI for
 * files.pythonhosted.org), else from an unnamed index; `git+` and path locations are VCS and path
 * sources. Platforms and groups come from the environments that list the package: the `default`
 * environment is main, others are groups. Builds of one version for several platforms merge into
 * one package, as for conda-lock. pixi.lock does not say which packages the project asked for, so
 * none is direct.
 *
 * @param text The file's text.
 * @param options `file`: its path relative to the project root.
 * @returns Packages, channel indexes and problems, each with file and line.
 * @example
 * ```ts
 * import { parsePixiLock } from "./pixi_lock.ts";
 * const text = [
 *   "version: 6",
 *   "environments:",
 *   "  default:",
 *   "    channels:",
 *   "    - url: https://conda.anaconda.org/conda-forge/",
 *   "    packages:",
 *   "      linux-64:",
 *   "      - conda: https://conda.anaconda.org/conda-forge/linux-64/zlib-1.3.1-hb9d3cd8_2.conda",
 *   "packages:",
 *   "- conda: https://conda.anaconda.org/conda-forge/linux-64/zlib-1.3.1-hb9d3cd8_2.conda",
 *   "  md5: " + "a".repeat(32),
 * ].join("\n");
 * const { packages, indexes } = parsePixiLock(text, { file: "pixi.lock" });
 * [packages[0].name, packages[0].version, packages[0].platforms, packages[0].locations[0].line];
 * // ["zlib", "1.3.1", ["linux-64"], 10]
 * indexes[0].url; // "https://conda.anaconda.org/conda-forge/"
 * ```
 */
export function parsePixiLock(text: string, options: { file: string }): PixiLockParse {
  const { file } = options;
  const yaml = parseYamlFile(text, file);
  const result: PixiLockParse = { packages: [], indexes: [], problems: [...yaml.problems] };
  const problem: Report = (message, line) =>
    result.problems.push(line === undefined ? { file, message } : { file, line, message });
  const root = yaml.root;
  if (!isYamlMap(root)) {
    problem(
      `expected a mapping with version, environments and packages, found ${describeNode(root)}`,
    );
    return result;
  }
  const version = mapEntry(root, "version");
  const number = Number(scalarText(yaml.resolve(version?.value)));
  if (!Number.isInteger(number) || number < FIRST_VERSION) {
    problem(
      `expected pixi.lock version ${FIRST_VERSION} to ${LAST_VERSION}, found ${
        describeNode(yaml.resolve(version?.value))
      }; not read`,
      yaml.lineOf(version?.key) ?? 1,
    );
    return result;
  }
  if (number > LAST_VERSION) {
    problem(
      `expected pixi.lock version ${FIRST_VERSION} to ${LAST_VERSION}, found ${number}; ` +
        `read as version ${LAST_VERSION}`,
      yaml.lineOf(version?.key),
    );
  }
  const { usage, channels } = readEnvironments(yaml, root, file, result, problem);

  const list = mapEntry(root, "packages");
  const entries = yaml.resolve(list?.value);
  if (!isYamlSeq(entries)) {
    problem(`expected a list for packages, found ${describeNode(entries)}`, yaml.lineOf(list?.key));
    return result;
  }
  const merged = new Map<string, Package>();
  entries.items.forEach((node, index) => {
    if (index === MAX_LOCK_ENTRIES) {
      problem(
        `more than ${MAX_LOCK_ENTRIES} package entries; the rest are not read`,
        yaml.lineOf(node),
      );
    }
    if (index >= MAX_LOCK_ENTRIES) return;
    const entry = readEntry(yaml, node, `packages[${index}]`, { usage, channels, file, problem });
    if (entry === undefined) return;
    const key = JSON.stringify([entry.ecosystem, entry.name, entry.version, entry.source]);
    const known = merged.get(key);
    if (known === undefined) merged.set(key, entry);
    else mergeLocked(known, entry);
  });
  result.packages = [...merged.values()];
  return result;
}

/**
 * The pixi.lock reader for the collector: matches files named `pixi.lock`.
 *
 * @example
 * ```ts
 * import { pixiLockReader } from "./pixi_lock.ts";
 * pixiLockReader.matches("infra/pixi.lock"); // true
 * ```
 */
export const pixiLockReader: FileReader = textReader({
  // Only conda channels are recorded as indexes; they are conda's.
  tool: () => "conda",
  format: "pixi.lock",
  matches: (file) => baseName(file) === "pixi.lock",
  parse: (text, { file }) => parsePixiLock(text, { file }),
  maxBytes: MAX_LOCK_BYTES,
});

function readEntry(
  yaml: YamlFile,
  raw: unknown,
  where: string,
  context: { usage: Map<string, Usage>; channels: string[]; file: string; problem: Report },
): Package | undefined {
  const { problem, file } = context;
  const line = yaml.lineOf(raw);
  const node = yaml.resolve(raw);
  if (!isYamlMap(node)) {
    problem(`expected a mapping for ${where}, found ${describeNode(node)}`, line);
    return undefined;
  }
  const text = (key: string): string | undefined => {
    const entry = mapEntry(node, key);
    if (entry === undefined) return undefined;
    const value = scalarText(yaml.resolve(entry.value));
    if (value !== undefined && value !== "") return value;
    problem(
      `expected a string for ${where}.${key}, found ${describeNode(yaml.resolve(entry.value))}`,
      yaml.lineOf(entry.key) ?? line,
    );
    return undefined;
  };
  // Versions 6 and 7 key an entry by its location; 4 and 5 tag it with kind and give url or path.
  const kind = mapEntry(node, "conda") ? "conda" : mapEntry(node, "pypi") ? "pypi" : text("kind");
  if (kind !== "conda" && kind !== "pypi") {
    problem(`expected a conda or pypi package for ${where}, found ${describeNode(node)}`, line);
    return undefined;
  }
  const location = mapEntry(node, kind) ? text(kind) : text("url") ?? text("path");
  if (location === undefined) {
    problem(`expected the package's URL or path for ${where}, found nothing`, line);
    return undefined;
  }
  const used = context.usage.get(`${kind}\u0000${location}`);
  const hashes: string[] = [];
  for (const algorithm of ["sha256", "md5"]) {
    const digest = text(algorithm);
    if (digest === undefined) continue;
    if (HEX.test(digest)) hashes.push(`${algorithm}:${digest.toLowerCase()}`);
    else problem(`expected a hex digest for ${where}.${algorithm}, found '${digest}'`, line);
  }
  const at = line === undefined ? { file } : { file, line };
  const strings = (key: string): string[] => {
    const list = yaml.resolve(mapEntry(node, key)?.value);
    return isYamlSeq(list)
      ? list.items.flatMap((item) => scalarText(yaml.resolve(item)) ?? [])
      : [];
  };
  const groups = used === undefined || used.environments.has("default")
    ? []
    : [...used.environments].sort();
  if (kind === "conda") {
    const derived = condaArchive(location.split("#")[0]);
    const name = text("name") ?? derived.name;
    const version = text("version") ?? derived.version;
    if (name === undefined || version === undefined) {
      problem(
        `expected a name and version for ${where} (none given, and ${
          redactUrl(location)
        } is no conda archive name)`,
        line,
      );
      return undefined;
    }
    const subdir = text("subdir") ?? derived.subdir;
    const platforms = used ? [...used.platforms].sort() : subdir ? [subdir] : [];
    const lower = name.toLowerCase();
    // `depends`: match specs (`libgcc-ng >=12`); virtual packages (`__glibc`) are the system's.
    const dependsOn = dependsOnList(
      strings("depends").flatMap((spec) => /^[A-Za-z0-9_.-]+/.exec(spec)?.[0] ?? [])
        .filter((dependency) => !dependency.startsWith("__")),
      {
        self: lower,
        normalise: (dependency) => dependency.toLowerCase(),
        report: (m) => problem(m, line),
      },
    );
    return {
      ecosystem: "conda",
      name: lower,
      ...(lower !== name ? { displayName: name } : {}),
      version,
      specifier: `==${version}`,
      extras: [],
      hashes,
      source: conda(location, context.channels),
      layer: "lock",
      direct: false,
      editable: false,
      groups,
      platforms,
      dependsOn,
      locations: [at],
    };
  }
  const name = text("name");
  if (name === undefined) {
    problem(`expected a string for ${where}.name, found nothing`, line);
    return undefined;
  }
  const version = text("version");
  const normalised = normaliseName(name);
  const editable = scalarText(yaml.resolve(mapEntry(node, "editable")?.value)) === "true";
  // `requires_dist`: PEP 508 requirements; one behind an extra only when that extra is installed.
  const extras = new Set(used?.extras ?? []);
  const dependsOn = dependsOnList(
    strings("requires_dist").flatMap((requirement) => {
      const extra = /\bextra\s*==\s*["']([^"']+)["']/.exec(requirement)?.[1];
      if (extra !== undefined && !extras.has(extra)) return [];
      return requirementName(requirement) ?? [];
    }),
    { self: normalised, normalise: normaliseName, report: (m) => problem(m, line) },
  );
  return {
    ecosystem: "pypi",
    name: normalised,
    ...(normalised !== name ? { displayName: name } : {}),
    ...(version !== undefined ? { version } : {}),
    specifier: version !== undefined ? `==${version}` : "",
    extras: used ? [...used.extras].sort() : [],
    hashes,
    source: pypi(location, text("index_url") ?? text("index"), used),
    layer: "lock",
    direct: false,
    editable,
    groups,
    ...(used ? { platforms: [...used.platforms].sort() } : {}),
    dependsOn,
    locations: [at],
  };
}

/** A conda package's channel; a source package built from git or a local path says so. */
function conda(location: string, channels: string[]): PackageSource {
  if (/^git\+/i.test(location)) return pinnedGitSource(location.slice(4));
  if (/^(?:hg|svn|bzr)\+/i.test(location)) return directUrlSource(location).source;
  return channelSource(location.split("#")[0], channels);
}

/**
 * A PyPI package's source: the index it names, else the single index every environment that
 * installs it resolves from, else the only one of their indexes on the file's host; `git+` URLs
 * and paths are VCS and path sources. With find-links, files may come from anywhere: no index.
 */
function pypi(location: string, index: string | undefined, used: Usage | undefined): PackageSource {
  if (!isUrl(location) && !/^file:/i.test(location)) return { kind: "path", path: location };
  if (/^git\+/i.test(location)) return pinnedGitSource(location.slice(4));
  if (/^(?:hg|svn|bzr)\+|^file:/i.test(location)) return directUrlSource(location).source;
  if (index !== undefined) return { kind: "index", url: redactUrl(index) };
  const routes = used?.indexes ?? [];
  const only = routes[0]?.length === 1 ? routes[0][0] : undefined;
  if (only !== undefined && routes.every((route) => route?.length === 1 && route[0] === only)) {
    return { kind: "index", url: redactUrl(only) };
  }
  // Several indexes: the one that serves files from the file's host, when only one does.
  if (routes.length > 0 && routes.every((route) => route !== undefined)) {
    const host = hostOf(location);
    const serving = [...new Set(routes.flat())].filter((url) => servesFrom(url, host));
    if (serving.length === 1) return { kind: "index", url: redactUrl(serving[0]) };
  }
  return { kind: "index" };
}

/** Whether an index serves files from `host` (PyPI's come from files.pythonhosted.org). */
function servesFrom(index: string, host: string | undefined): boolean {
  const own = hostOf(index);
  return own !== undefined &&
    (own === host || (own === "pypi.org" && host === "files.pythonhosted.org"));
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}
