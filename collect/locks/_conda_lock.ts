/**
 * conda-lock's unified lock file (`conda-lock.yml`, format version 1): the channels it was solved
 * against and every locked package, merged across platforms.
 *
 * @module
 */
import type { Index, Package, PackageSource, Problem } from "../../core/snapshot.ts";
import { normaliseName } from "../../packaging/mod.ts";
import { directUrlSource } from "../_requirement_target.ts";
import { redactUrl } from "../../packaging/mod.ts";
import { mergeLocked } from "../_lock_merge.ts";
import { dependsOnList } from "../_lock_values.ts";
import { channelSource } from "./_conda_url.ts";
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
 * What {@linkcode parseCondaLock} found.
 *
 * @example
 * ```ts
 * import { type CondaLockParse, parseCondaLock } from "./conda.ts";
 * const found: CondaLockParse = parseCondaLock("version: 1\npackage: []\n", { file: "conda-lock.yml" });
 * ```
 */
export interface CondaLockParse {
  packages: Package[];
  indexes: Index[];
  problems: Problem[];
}

/** Upper bound on package entries read from one file. */
const MAX_ENTRIES = 100_000;
const HEX = /^[0-9a-fA-F]+$/;

/**
 * Read a conda-lock.yml without touching the disk. `metadata.channels` become conda-channel
 * indexes. Each `package` entry is locked for one platform; entries with the same manager, name
 * and version are merged into one package whose `platforms` lists every platform, `hashes` holds
 * the union of their `md5:`/`sha256:` hashes and `locations` every entry's line. A conda
 * package's source is its channel (`{kind: "index", url: channel base, name}`), since the file
 * URL differs per platform; a pip package's is its direct URL when conda-lock records one
 * (`source`, or a VCS `url`), else the index. Category "main" means no group; others name one.
 * conda-lock does not say which packages are direct, so none is.
 *
 * @param text The lock file's text.
 * @param options `file`: its path relative to the project root.
 * @returns Packages, channel indexes and problems, each with file and line.
 * @example
 * ```ts
 * import { parseCondaLock } from "./conda.ts";
 * const text = [
 *   "version: 1",
 *   "metadata:",
 *   "  channels:",
 *   "  - url: conda-forge",
 *   "package:",
 *   "- name: zlib",
 *   "  version: 1.3.1",
 *   "  manager: conda",
 *   "  platform: linux-64",
 *   "  url: https://conda.anaconda.org/conda-forge/linux-64/zlib-1.3.1-h0_0.conda",
 *   "  hash: {md5: " + "a".repeat(32) + "}",
 *   "  category: main",
 * ].join("\n");
 * const { packages } = parseCondaLock(text, { file: "conda-lock.yml" });
 * packages[0].source; // { kind: "index", url: "https://conda.anaconda.org/conda-forge", name: "conda-forge" }
 * packages[0].platforms; // ["linux-64"]
 * ```
 */
export function parseCondaLock(text: string, options: { file: string }): CondaLockParse {
  const { file } = options;
  const yaml = parseYamlFile(text, file);
  const result: CondaLockParse = { packages: [], indexes: [], problems: [...yaml.problems] };
  const problem = (message: string, line?: number) =>
    result.problems.push(line === undefined ? { file, message } : { file, line, message });
  const root = yaml.root;
  if (!isYamlMap(root)) {
    problem(`expected a mapping with metadata and package, found ${describeNode(root)}`);
    return result;
  }
  const version = mapEntry(root, "version");
  const versionText = scalarText(yaml.resolve(version?.value));
  if (version !== undefined && versionText !== "1") {
    problem(
      `expected conda-lock file version 1, found ${describeNode(yaml.resolve(version.value))}`,
      yaml.lineOf(version.key),
    );
  }
  const channels = readChannels(yaml, root, file, result, problem);

  const list = mapEntry(root, "package");
  const entries = yaml.resolve(list?.value);
  if (!isYamlSeq(entries)) {
    problem(`expected a list for package, found ${describeNode(entries)}`, yaml.lineOf(list?.key));
    return result;
  }
  const merged = new Map<string, Package>();
  entries.items.forEach((node, index) => {
    if (index === MAX_ENTRIES) {
      problem(`more than ${MAX_ENTRIES} package entries; the rest are not read`, yaml.lineOf(node));
    }
    if (index >= MAX_ENTRIES) return;
    const entry = readEntry(yaml, node, `package[${index}]`, channels, file, problem);
    if (entry === undefined) return;
    const key = `${entry.ecosystem}\u0000${entry.name}\u0000${entry.version}`;
    const known = merged.get(key);
    // An entry in "main" is always installed; otherwise the package belongs to each category.
    if (known === undefined) merged.set(key, entry);
    else mergeLocked(known, entry);
  });
  result.packages = [...merged.values()];
  return result;
}

function readChannels(
  yaml: YamlFile,
  root: unknown,
  file: string,
  result: CondaLockParse,
  problem: (message: string, line?: number) => void,
): string[] {
  const metadata = mapEntry(root, "metadata");
  const list = mapEntry(yaml.resolve(metadata?.value), "channels");
  if (list === undefined) return [];
  const items = yaml.resolve(list.value);
  if (!isYamlSeq(items)) {
    problem(
      `expected a list for metadata.channels, found ${describeNode(items)}`,
      yaml.lineOf(list.key),
    );
    return [];
  }
  const channels: string[] = [];
  for (const node of items.items) {
    const item = yaml.resolve(node);
    const url = scalarText(item) ?? scalarText(yaml.resolve(mapEntry(item, "url")?.value));
    const line = yaml.lineOf(node);
    if (url === undefined || url === "") {
      problem(
        `expected a channel name or {url: …} in metadata.channels, found ${describeNode(item)}`,
        line,
      );
      continue;
    }
    channels.push(url);
    result.indexes.push({
      url: redactUrl(url),
      role: "conda-channel",
      location: line === undefined ? { file } : { file, line },
    });
  }
  return channels;
}

function readEntry(
  yaml: YamlFile,
  raw: unknown,
  where: string,
  channels: string[],
  file: string,
  problem: (message: string, line?: number) => void,
): Package | undefined {
  const line = yaml.lineOf(raw);
  const node = yaml.resolve(raw);
  if (!isYamlMap(node)) {
    problem(`expected a mapping for ${where}, found ${describeNode(node)}`, line);
    return undefined;
  }
  const text = (key: string, required: boolean): string | undefined => {
    const entry = mapEntry(node, key);
    const value = scalarText(yaml.resolve(entry?.value));
    if (value !== undefined && value !== "") return value;
    if (entry !== undefined || required) {
      const found = entry === undefined ? "nothing" : describeNode(yaml.resolve(entry.value));
      problem(
        `expected a string for ${where}.${key}, found ${found}`,
        yaml.lineOf(entry?.key) ?? line,
      );
    }
    return undefined;
  };
  const name = text("name", true);
  const version = text("version", true);
  const manager = text("manager", true);
  const platform = text("platform", true);
  if (name === undefined || version === undefined || manager === undefined || !platform) {
    return undefined;
  }
  if (manager !== "conda" && manager !== "pip") {
    problem(`expected manager conda or pip for ${where}, found '${manager}'`, line);
    return undefined;
  }
  const url = text("url", true);
  const category = text("category", false) ?? "main";
  const hashes: string[] = [];
  const hashEntry = mapEntry(node, "hash");
  const hashNode = yaml.resolve(hashEntry?.value);
  if (hashEntry === undefined || !isYamlMap(hashNode)) {
    problem(
      `expected a mapping of md5/sha256 for ${where}.hash, found ${describeNode(hashNode)}`,
      line,
    );
  } else {
    for (const algorithm of ["md5", "sha256"]) {
      const digest = scalarText(yaml.resolve(mapEntry(hashNode, algorithm)?.value));
      if (digest === undefined) continue;
      if (HEX.test(digest)) hashes.push(`${algorithm}:${digest.toLowerCase()}`);
      else problem(`expected a hex digest for ${where}.hash.${algorithm}, found '${digest}'`, line);
    }
  }
  const direct = scalarText(
    yaml.resolve(mapEntry(yaml.resolve(mapEntry(node, "source")?.value), "url")?.value),
  );
  const conda = manager === "conda";
  const normalised = conda ? name.toLowerCase() : normaliseName(name);
  // `dependencies` maps each name (conda's, or pip's for a pip entry) to its constraint.
  const dependenciesEntry = mapEntry(node, "dependencies");
  const dependencies = yaml.resolve(dependenciesEntry?.value);
  const dependsOn = isYamlMap(dependencies)
    ? dependsOnList(
      dependencies.items.flatMap((pair) => scalarText(yaml.resolve(pair.key)) ?? []),
      {
        self: normalised,
        normalise: conda ? (dependency) => dependency.toLowerCase() : normaliseName,
        report: (message) => problem(message, line),
      },
    )
    : undefined;
  return {
    ecosystem: conda ? "conda" : "pypi",
    name: normalised,
    ...(normalised !== name ? { displayName: name } : {}),
    version,
    specifier: `==${version}`,
    extras: [],
    hashes,
    source: conda ? channelSource(url, channels) : pipSource(url, direct),
    layer: "lock",
    direct: false,
    editable: false,
    groups: category === "main" ? [] : [category],
    platforms: [platform],
    ...(dependsOn !== undefined ? { dependsOn } : {}),
    locations: [line === undefined ? { file } : { file, line }],
  };
}

/** A pip package's direct URL when conda-lock records one; otherwise it came from the index. */
function pipSource(url: string | undefined, direct: string | undefined): PackageSource {
  if (direct !== undefined) return directUrlSource(direct).source;
  if (url !== undefined && /^(?:git|hg|svn|bzr)\+/i.test(url)) return directUrlSource(url).source;
  return { kind: "index" };
}
