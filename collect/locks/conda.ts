/**
 * conda environment files (`environment.yml`) and conda-lock lock files (`conda-lock.yml`):
 * channels, conda match specs, the `pip:` sub-list read with pip's requirements grammar, and
 * locked packages merged across platforms.
 *
 * @module
 */
import * as path from "node:path";
import type { Index, InstallerSetting, Location, Package, Problem } from "../../core/snapshot.ts";
import { normaliseRelative, ReadError, readTextInRoot } from "../fs.ts";
import { baseName, type FileReader, type ReaderResult, textReader } from "../_reader.ts";
import { parseMatchSpec } from "./_conda_spec.ts";
import { parseCondaLock } from "./_conda_lock.ts";
import {
  describeNode,
  isYamlMap,
  isYamlSeq,
  mapEntry,
  parseYamlFile,
  stringValue,
  type YamlFile,
} from "./_conda_yaml.ts";
import {
  parseRequirements,
  readRequirementsFile,
  type RequirementsInclude,
} from "../requirements/requirements.ts";
import { isUrl, redactUrl } from "../../packaging/mod.ts";

export { type CondaLockParse, parseCondaLock } from "./_conda_lock.ts";

/**
 * What {@linkcode parseCondaEnvironment} found. `includes` are the `-r`/`-c` lines of the
 * `pip:` list, which pip reads relative to the environment file's directory.
 *
 * @example
 * ```ts
 * import { type CondaEnvironmentParse, parseCondaEnvironment } from "./conda.ts";
 * const found: CondaEnvironmentParse = parseCondaEnvironment("dependencies: []\n", {
 *   file: "environment.yml",
 * });
 * ```
 */
export interface CondaEnvironmentParse {
  packages: Package[];
  indexes: Index[];
  settings: InstallerSetting[];
  includes: RequirementsInclude[];
  problems: Problem[];
}

/** Upper bound on dependency entries read from one file. */
const MAX_DEPENDENCIES = 100_000;

/**
 * Read a conda environment file without touching the disk. `channels` become conda-channel
 * indexes (as written, e.g. "conda-forge" or a URL; "nodefaults" only switches off the default
 * channels and is not one); each match spec in `dependencies` becomes a conda manifest package
 * (lower-case name, the text after the name as specifier, the version when exactly pinned, the
 * `channel::` prefix as its index); each line of a `- pip:` list is read as a requirements-file
 * line, so its packages are pypi "requirements" packages and its options (`--extra-index-url`,
 * `--trusted-host`) indexes and settings, all at the line they are written on.
 *
 * @param text The file's text.
 * @param options `file` (relative to the root) and `env` for `${VAR}` in pip lines.
 * @returns Packages, indexes, settings, pip includes and problems.
 * @example
 * ```ts
 * import { parseCondaEnvironment } from "./conda.ts";
 * const text = "channels:\n  - conda-forge\ndependencies:\n  - numpy==1.26.4\n  - pip:\n    - torch==2.3.1\n";
 * const { packages, indexes } = parseCondaEnvironment(text, { file: "environment.yml" });
 * indexes[0]; // { url: "conda-forge", role: "conda-channel", location: { file: "environment.yml", line: 2 } }
 * packages.map((p) => `${p.ecosystem}:${p.name}@${p.version}:${p.locations[0].line}`);
 * // ["conda:numpy@1.26.4:4", "pypi:torch@2.3.1:6"]
 * ```
 */
export function parseCondaEnvironment(
  text: string,
  options: { file: string; env?: Record<string, string | undefined> },
): CondaEnvironmentParse {
  const { file } = options;
  const yaml = parseYamlFile(text, file);
  const result: CondaEnvironmentParse = {
    packages: [],
    indexes: [],
    settings: [],
    includes: [],
    problems: [...yaml.problems],
  };
  const problem = (message: string, line?: number) =>
    result.problems.push(line === undefined ? { file, message } : { file, line, message });
  const root = yaml.root;
  if (root === undefined || root === null || describeNode(root) === "nothing") return result;
  if (!isYamlMap(root)) {
    problem(`expected a mapping with channels and dependencies, found ${describeNode(root)}`, 1);
    return result;
  }
  const at = (line: number | undefined): Location => line === undefined ? { file } : { file, line };

  const channels = mapEntry(root, "channels");
  const channelList = yaml.resolve(channels?.value);
  if (channels !== undefined && !isYamlSeq(channelList)) {
    problem(
      `expected a list for channels, found ${describeNode(channelList)}`,
      yaml.lineOf(channels.key),
    );
  }
  for (const node of isYamlSeq(channelList) ? channelList.items : []) {
    const item = yaml.resolve(node);
    const channel = stringValue(item);
    const line = yaml.lineOf(node);
    if (channel === undefined || channel.trim() === "") {
      problem(`expected a channel name or URL in channels, found ${describeNode(item)}`, line);
    } else if (channel.trim() !== "nodefaults") {
      result.indexes.push({
        url: redactUrl(channel.trim()),
        role: "conda-channel",
        location: at(line),
      });
    }
  }

  const dependencies = mapEntry(root, "dependencies");
  const list = yaml.resolve(dependencies?.value);
  if (dependencies !== undefined && !isYamlSeq(list)) {
    // `dependencies:` with nothing after it is an empty list to conda.
    if (describeNode(list) !== "nothing") {
      problem(
        `expected a list for dependencies, found ${describeNode(list)}`,
        yaml.lineOf(dependencies.key),
      );
    }
  }
  let count = 0;
  const tooMany = (line: number | undefined) => {
    if (count++ < MAX_DEPENDENCIES) return false;
    if (count === MAX_DEPENDENCIES + 1) {
      problem(`more than ${MAX_DEPENDENCIES} dependencies; the rest are not read`, line);
    }
    return true;
  };
  for (const node of isYamlSeq(list) ? list.items : []) {
    const item = yaml.resolve(node);
    const line = yaml.lineOf(node);
    if (tooMany(line)) break;
    const spec = stringValue(item);
    if (spec !== undefined) {
      const pkg = condaPackage(spec, at(line));
      if ("error" in pkg) problem(pkg.error, line);
      else result.packages.push(pkg);
      continue;
    }
    const pip = mapEntry(item, "pip");
    if (!isYamlMap(item) || pip === undefined || item.items.length !== 1) {
      problem(
        `expected a conda package spec or a 'pip:' list in dependencies, found ${
          describeNode(item)
        }`,
        line,
      );
      continue;
    }
    readPipList(yaml, pip, { ...options, result, problem, tooMany });
  }
  return result;
}

function condaPackage(spec: string, location: Location): Package | { error: string } {
  const parsed = parseMatchSpec(spec);
  if ("error" in parsed) return parsed;
  const name = parsed.name.toLowerCase();
  const channel = parsed.channel;
  return {
    ecosystem: "conda",
    name,
    ...(name !== parsed.name ? { displayName: parsed.name } : {}),
    ...(parsed.version !== undefined ? { version: parsed.version } : {}),
    specifier: parsed.specifier,
    extras: [],
    hashes: [],
    source: channel === undefined
      ? { kind: "index" }
      : isUrl(channel)
      ? { kind: "index", url: redactUrl(channel) }
      : { kind: "index", name: channel },
    layer: "manifest",
    direct: true,
    editable: false,
    groups: [],
    locations: [location],
  };
}

/** Each pip line is parsed on its own and its findings moved to the line it is written on. */
function readPipList(
  yaml: YamlFile,
  pip: { key: unknown; value: unknown },
  context: {
    file: string;
    env?: Record<string, string | undefined>;
    result: CondaEnvironmentParse;
    problem: (message: string, line?: number) => void;
    tooMany: (line: number | undefined) => boolean;
  },
): void {
  const { file, result, problem } = context;
  const lines = yaml.resolve(pip.value);
  if (!isYamlSeq(lines)) {
    problem(
      `expected a list of requirement lines under pip, found ${describeNode(lines)}`,
      yaml.lineOf(pip.key),
    );
    return;
  }
  for (const node of lines.items) {
    const item = yaml.resolve(node);
    const line = yaml.lineOf(node) ?? 1;
    if (context.tooMany(line)) return;
    const text = stringValue(item);
    if (text === undefined) {
      problem(`expected a requirement line under pip, found ${describeNode(item)}`, line);
      continue;
    }
    const parsed = parseRequirements(text.replace(/\r?\n/g, " "), { file, env: context.env });
    const moved = { file, line };
    result.packages.push(...parsed.packages.map((p) => ({ ...p, locations: [moved] })));
    result.indexes.push(...parsed.indexes.map((index) => ({ ...index, location: moved })));
    result.settings.push(...parsed.settings.map((setting) => ({ ...setting, location: moved })));
    result.includes.push(...parsed.includes.map((include) => ({ ...include, location: moved })));
    result.problems.push(...parsed.problems.map((found) => ({ ...found, line })));
  }
}

/**
 * Names always read as environment files: conda's own, and MLflow's `conda.yaml` beside a model.
 * Other candidates are read only when the text has a top-level `dependencies:` key.
 */
const ENVIRONMENT_NAMES = new Set([
  "environment.yml",
  "environment.yaml",
  "conda.yml",
  "conda.yaml",
]);
/** conda-lock's unified lock: `conda-lock.yml`, `*.conda-lock.yml`, `conda-lock-cuda.yml`… */
const LOCK_NAME = /(?:^|[-_.])conda-lock(?:[-_.][^/]*)?\.ya?ml$/i;
/** A name part that conda environment files are written under. */
const ENVIRONMENT_WORD = /environment|(?:^|[-_.])(?:conda|requirements?)(?:[-_.]|$)/i;
/** Folders holding environment files under any name (`envs/gpu.yml`, `ci/requirements/py311.yml`). */
const ENVIRONMENT_FOLDERS = new Set(["envs", "environments", "requirements"]);
const TOP_LEVEL_DEPENDENCIES = /^(?:dependencies|"dependencies"|'dependencies')\s*:/m;

/**
 * Whether a path may be a conda environment file: `environment.yml`/`.yaml` or `conda.yml`/`.yaml`
 * (MLflow), any other `.yml`/`.yaml` whose name has `environment`, `conda` or `requirements` in
 * it (`environment-gpu.yml`, `conda-linux-64.lock.yml` as conda-lock renders it,
 * `ci/requirements-py311.yml`) or that lies in an `envs/`, `environments/` or `requirements/`
 * folder, and that is not a conda-lock file. All but the first names are only read when their
 * text is shaped like an environment; see {@linkcode condaEnvironmentReader}.
 *
 * @example
 * ```ts
 * import { isCondaEnvironmentFile } from "./conda.ts";
 * isCondaEnvironmentFile("envs/environment-gpu.yaml"); // true
 * isCondaEnvironmentFile("models/churn/conda.yaml"); // true
 * isCondaEnvironmentFile("conda-lock.yml"); // false
 * ```
 */
export function isCondaEnvironmentFile(file: string): boolean {
  const name = baseName(file);
  if (!/\.ya?ml$/i.test(name) || LOCK_NAME.test(name)) return false;
  if (ENVIRONMENT_NAMES.has(name) || ENVIRONMENT_WORD.test(name.replace(/\.ya?ml$/i, ""))) {
    return true;
  }
  return file.split("/").slice(0, -1).some((folder) => ENVIRONMENT_FOLDERS.has(folder));
}

/**
 * Reads conda environment files with {@linkcode parseCondaEnvironment} and follows the `-r`
 * includes of their `pip:` lists (relative to the file's directory, as conda writes the pip lines
 * to a requirements file there; a `-c` file's packages are constraints, not installs). A file
 * matched only by a looser name (`*environment*.yml`, `envs/*.yml`…) whose text is not shaped like
 * an environment is some other YAML file: it is left alone and not listed as an input
 * (`files: []`).
 *
 * @example
 * ```ts
 * import { condaEnvironmentReader } from "./conda.ts";
 * condaEnvironmentReader.matches("environment.yml"); // true
 * ```
 */
export const condaEnvironmentReader: FileReader = {
  // Channels are conda's; options in a pip: section are pip's.
  tool: (index) => index.role === "conda-channel" ? "conda" : "pip",

  format: "environment.yml",
  matches: isCondaEnvironmentFile,
  read: async (file, context) => {
    const text = await readTextInRoot({ root: context.root, file });
    if (!ENVIRONMENT_NAMES.has(baseName(file)) && !isEnvironmentText(text)) {
      return { files: [] };
    }
    const parsed = parseCondaEnvironment(text, { file, env: context.env });
    const result: ReaderResult & Required<Pick<ReaderResult, "files">> = {
      packages: parsed.packages,
      indexes: parsed.indexes,
      settings: parsed.settings,
      problems: parsed.problems,
      files: [file],
    };
    for (const include of parsed.includes) {
      const target = includedFile(file, include.path);
      if (target === undefined) {
        result.problems!.push({
          file,
          line: include.location.line,
          message: `pip include ${redactUrl(include.path)} is not a file in the project; not read`,
        });
        continue;
      }
      try {
        const read = await readRequirementsFile({
          root: context.root,
          file: target,
          env: context.env,
        });
        if (include.kind === "requirement") result.packages!.push(...read.packages);
        result.indexes!.push(...read.indexes);
        result.settings!.push(...read.settings);
        result.problems!.push(...read.problems);
        for (const name of read.files) if (!result.files.includes(name)) result.files.push(name);
      } catch (error) {
        if (!(error instanceof ReadError)) throw error;
        result.problems!.push({ file, line: include.location.line, message: error.message });
      }
    }
    return result;
  },
};

/**
 * Whether YAML text is shaped like a conda environment: a top-level `dependencies:` list, and
 * `channels:` or a first dependency that is a match spec or a `pip:` list. Other YAML with a
 * `dependencies:` list (a Helm 2 chart's `requirements.yaml`: `- name: mysql`) is left alone.
 */
function isEnvironmentText(text: string): boolean {
  if (!TOP_LEVEL_DEPENDENCIES.test(text)) return false;
  const yaml = parseYamlFile(text, "");
  if (mapEntry(yaml.root, "channels") !== undefined) return true;
  const dependencies = yaml.resolve(mapEntry(yaml.root, "dependencies")?.value);
  if (!isYamlSeq(dependencies) || dependencies.items.length === 0) return false;
  const first = yaml.resolve(dependencies.items[0]);
  return stringValue(first) !== undefined || mapEntry(first, "pip") !== undefined;
}

function includedFile(from: string, written: string): string | undefined {
  if (isUrl(written) || path.posix.isAbsolute(written.replaceAll("\\", "/"))) return undefined;
  const joined = path.posix.join(path.posix.dirname(from), written.replaceAll("\\", "/"));
  return normaliseRelative(joined);
}

/**
 * Reads conda-lock's unified lock files (`conda-lock.yml`, `*.conda-lock.yml`, `conda-lock-cuda.yml`:
 * any `.yml`/`.yaml` name with `conda-lock` as a part) with {@linkcode parseCondaLock}.
 *
 * @example
 * ```ts
 * import { condaLockReader } from "./conda.ts";
 * condaLockReader.matches("env/gpu.conda-lock.yml"); // true
 * ```
 */
export const condaLockReader: FileReader = textReader({
  // Channels are conda's; options in a pip: section are pip's.
  tool: (index) => index.role === "conda-channel" ? "conda" : "pip",

  format: "conda-lock.yml",
  matches: (file) => LOCK_NAME.test(baseName(file)),
  parse: (text, { file }) => parseCondaLock(text, { file }),
});
