/**
 * The `environments` of a pixi.lock: the conda channels each was solved against, and for every
 * package location the environments, platforms, extras and PyPI indexes that install it.
 *
 * @module
 */
import type { Index } from "../../core/snapshot.ts";
import { redactUrl } from "../../packaging/mod.ts";
import {
  describeNode,
  isYamlMap,
  isYamlSeq,
  mapEntry,
  scalarText,
  type YamlFile,
} from "./_conda_yaml.ts";

/**
 * Upper bound on package references read from all environments together.
 *
 * @example
 * ```ts
 * import { MAX_SELECTORS } from "./_pixi_environments.ts";
 * MAX_SELECTORS; // 1,000,000
 * ```
 */
export const MAX_SELECTORS = 1_000_000;

/**
 * Where one locked package is installed: the environments and platforms that list it.
 *
 * @example
 * ```ts
 * import type { Usage } from "./_pixi_environments.ts";
 * const used: Usage = {
 *   environments: new Set(["default"]),
 *   platforms: new Set(["linux-64"]),
 *   extras: new Set(),
 *   indexes: [["https://pypi.org/simple"]],
 * };
 * ```
 */
export interface Usage {
  /** The environments that list the location. */
  environments: Set<string>;
  /** The platforms it is listed for. */
  platforms: Set<string>;
  /** The extras a PyPI reference asks for. */
  extras: Set<string>;
  /** The PyPI indexes of each environment listing it (an environment with find-links: none). */
  indexes: Array<string[] | undefined>;
}

/**
 * Receives a problem message and its line.
 *
 * @example
 * ```ts
 * import type { Report } from "./_pixi_environments.ts";
 * const report: Report = (message, line) => console.log(line, message);
 * ```
 */
export type Report = (message: string, line?: number) => void;

/**
 * Read `environments`: each channel URL becomes a conda-channel index (once, at its first line)
 * and each `{conda: …}` / `{pypi: …}` reference records who installs that location, keyed
 * `kind NUL location`.
 *
 * @param yaml The parsed file.
 * @param root Its top-level mapping.
 * @param file Its path, for the indexes' locations.
 * @param result Receives the indexes.
 * @param problem Receives problems.
 * @returns Who installs each location, and the channels in order.
 * @example
 * ```ts
 * import { readEnvironments } from "./_pixi_environments.ts";
 * import { parseYamlFile } from "./_conda_yaml.ts";
 * const text = "environments:\n  default:\n    channels: [{url: https://c/}]\n";
 * const yaml = parseYamlFile(text, "pixi.lock");
 * const result = { indexes: [] };
 * readEnvironments(yaml, yaml.root, "pixi.lock", result, () => {}).channels; // ["https://c/"]
 * ```
 */
export function readEnvironments(
  yaml: YamlFile,
  root: unknown,
  file: string,
  result: { indexes: Index[] },
  problem: Report,
): { usage: Map<string, Usage>; channels: string[] } {
  const usage = new Map<string, Usage>();
  const channels: string[] = [];
  const environments = mapEntry(root, "environments");
  const map = yaml.resolve(environments?.value);
  if (!isYamlMap(map)) {
    if (environments !== undefined) {
      problem(
        `expected a mapping for environments, found ${describeNode(map)}`,
        yaml.lineOf(environments.key),
      );
    }
    return { usage, channels };
  }
  let selectors = 0;
  for (const pair of map.items) {
    const name = scalarText(pair.key) ?? "";
    const environment = yaml.resolve(pair.value);
    if (!isYamlMap(environment)) {
      problem(
        `expected a mapping for environments.${name}, found ${describeNode(environment)}`,
        yaml.lineOf(pair.key),
      );
      continue;
    }
    for (
      const [url, line] of listed(yaml, environment, "channels", `environments.${name}`, problem)
    ) {
      if (channels.includes(url)) continue;
      channels.push(url);
      result.indexes.push({
        url: redactUrl(url),
        role: "conda-channel",
        location: line === undefined ? { file } : { file, line },
      });
    }
    const indexes = listed(yaml, environment, "indexes", `environments.${name}`, problem)
      .map(([url]) => url);
    const findLinks = mapEntry(environment, "find-links") ?? mapEntry(environment, "flat-indexes");
    const routing = findLinks === undefined ? indexes : undefined;
    const platforms = yaml.resolve(mapEntry(environment, "packages")?.value);
    for (const platformPair of isYamlMap(platforms) ? platforms.items : []) {
      const platform = scalarText(platformPair.key) ?? "";
      const list = yaml.resolve(platformPair.value);
      if (!isYamlSeq(list)) {
        problem(
          `expected a list for environments.${name}.packages.${platform}, found ${
            describeNode(list)
          }`,
          yaml.lineOf(platformPair.key),
        );
        continue;
      }
      for (const node of list.items) {
        if (++selectors > MAX_SELECTORS) {
          if (selectors === MAX_SELECTORS + 1) {
            problem(`more than ${MAX_SELECTORS} package references; the rest are not read`);
          }
          break;
        }
        const selector = yaml.resolve(node);
        const kind = mapEntry(selector, "conda") ? "conda" : "pypi";
        const location = scalarText(yaml.resolve(mapEntry(selector, kind)?.value));
        if (location === undefined) {
          problem(
            `expected {conda: url} or {pypi: url} in environments.${name}.packages.${platform}, ` +
              `found ${describeNode(selector)}`,
            yaml.lineOf(node),
          );
          continue;
        }
        const key = `${kind}\u0000${location}`;
        const used = usage.get(key) ??
          { environments: new Set(), platforms: new Set(), extras: new Set(), indexes: [] };
        usage.set(key, used);
        used.environments.add(name);
        used.platforms.add(platform);
        used.indexes.push(routing);
        const extras = yaml.resolve(mapEntry(selector, "extras")?.value);
        for (const extra of isYamlSeq(extras) ? extras.items : []) {
          const text = scalarText(yaml.resolve(extra));
          if (text !== undefined) used.extras.add(text);
        }
      }
    }
  }
  return { usage, channels };
}

/** The strings (or `{url: …}` items) of a list under `key`, with their lines. */
function listed(
  yaml: YamlFile,
  map: unknown,
  key: string,
  where: string,
  problem: Report,
): Array<[string, number | undefined]> {
  const entry = mapEntry(map, key);
  if (entry === undefined) return [];
  const items = yaml.resolve(entry.value);
  if (!isYamlSeq(items)) {
    problem(
      `expected a list for ${where}.${key}, found ${describeNode(items)}`,
      yaml.lineOf(entry.key),
    );
    return [];
  }
  const out: Array<[string, number | undefined]> = [];
  for (const node of items.items) {
    const item = yaml.resolve(node);
    const text = scalarText(item) ?? scalarText(yaml.resolve(mapEntry(item, "url")?.value));
    if (text === undefined || text === "") {
      problem(`expected a URL in ${where}.${key}, found ${describeNode(item)}`, yaml.lineOf(node));
      continue;
    }
    out.push([text, yaml.lineOf(node)]);
  }
  return out;
}
