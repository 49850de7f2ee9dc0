/**
 * The shape every file reader has, so that collect/mod.ts runs them all the same way.
 *
 * @module
 */
import type {
  Artifact,
  Environment,
  Exposure,
  Index,
  InstallerSetting,
  InstallerTool,
  Launch,
  LoaderCall,
  ModelReference,
  OwnerRule,
  Package,
  Problem,
  SecretFact,
  ServerCall,
} from "../core/snapshot.ts";
import { readTextInRoot } from "./fs.ts";
import type { KubernetesObjects } from "./infra/kubernetes_links.ts";

/** What a reader knows about the run. */
export interface ReaderContext {
  /** Absolute project root. */
  root: string;
  /** Environment variables as the installer would see them (for `${VAR}` expansion). */
  env: Record<string, string | undefined>;
}

/** The facts one reader found in one file (and the files it pulled in). */
export interface ReaderResult {
  /** Dependency declarations. */
  packages?: Package[];
  /** Configured indexes, find-links locations and channels. */
  indexes?: Index[];
  /** Installer settings. */
  settings?: InstallerSetting[];
  /** Environments. */
  environments?: Environment[];
  /** Model references. */
  models?: ModelReference[];
  /** Model files. */
  artifacts?: Artifact[];
  /** Deserialising calls in code. */
  loaderCalls?: LoaderCall[];
  /** Processes deployment files and scripts start. */
  launches?: Launch[];
  /** How units are reachable from outside. */
  exposures?: Exposure[];
  /** Python code that starts servers. */
  serverCalls?: ServerCall[];
  /** Secrets written into deployment files (kind and place only). */
  secrets?: SecretFact[];
  /** CODEOWNERS rules, of the one CODEOWNERS file in force. */
  codeowners?: OwnerRule[];
  /** Kubernetes objects that expose workloads, linked across files once all are read. */
  kubernetes?: KubernetesObjects;
  /** What could not be read or understood, with file and line. */
  problems?: Problem[];
  /** Every project file read (relative), when more than the one given (includes). */
  files?: string[];
}

/** A reader for one kind of file in the project tree. */
export interface FileReader {
  /** The format name shown in the report's coverage (`uv.lock`, `requirements`…). */
  format: string;
  /**
   * The installer that reads the indexes this kind of file configures (pip for requirements
   * files and pip.conf, uv for uv.toml…), for those the parser did not tag itself.
   */
  tool?: (index: Index) => InstallerTool;
  /** Whether a project-relative path is this reader's kind of file. */
  matches(file: string): boolean;
  /** Read one file. Throws only `ReadError` (unreadable); anything else is a problem. */
  read(file: string, context: ReaderContext): Promise<ReaderResult>;
}

/**
 * Make a reader from a pure text parser: the file is read with the usual bounds and handed over.
 *
 * @example
 * ```ts
 * import { textReader } from "./_reader.ts";
 * const reader = textReader({
 *   format: "example",
 *   matches: (file) => file.endsWith(".example"),
 *   parse: (_text, _options) => ({ problems: [] }),
 * });
 * reader.format; // "example"
 * ```
 */
export function textReader(options: {
  format: string;
  matches: (file: string) => boolean;
  parse: (text: string, options: { file: string; env: ReaderContext["env"] }) => ReaderResult;
  maxBytes?: number;
  tool?: FileReader["tool"];
}): FileReader {
  return {
    format: options.format,
    matches: options.matches,
    ...(options.tool ? { tool: options.tool } : {}),
    read: async (file, context) => {
      const text = await readTextInRoot({ root: context.root, file, maxBytes: options.maxBytes });
      return options.parse(text, { file, env: context.env });
    },
  };
}

/**
 * The last segment of a `/`-separated path.
 *
 * @example
 * ```ts
 * import { baseName } from "./_reader.ts";
 * baseName("a/b/uv.lock"); // "uv.lock"
 * ```
 */
export function baseName(file: string): string {
  return file.slice(file.lastIndexOf("/") + 1);
}

/** Name parts that mark a `.lock` file as a Python or conda tool's (a platform: conda-lock's). */
const PYTHON_LOCK_WORD =
  /(?:^|[-_.])(?:requirements?|conda|environment|env|explicit|pdm|pixi|poetry|uv|pip|pipenv|pylock|rye|py\d*|python\d*(?:\.\d+)?|(?:linux|osx|win)-[a-z0-9]+|noarch)(?:[-_.]|$)/i;
const REQUIREMENTS_WORD = /(?:^|[-_.])requirements?(?:[-_.]|$)/i;
const MANIFESTS = new Set(["pyproject.toml", "Pipfile", "Pipfile.lock", "pixi.toml"]);
/** Manifests no reader reads whose lock, read beside them, holds what they install. */
const LOCKED_BY: Readonly<Record<string, string>> = { "pixi.toml": "pixi.lock" };
const ENVIRONMENTS = new Set(["environment.yml", "environment.yaml", "conda.yml", "conda.yaml"]);

/**
 * What a file's name says it is, when that is a dependency file of a Python or conda tool: a file
 * such tools write or read to decide what gets installed. The collector reports each one that no
 * reader read as a gap in coverage, so a format Tollgate cannot read is never passed over in
 * silence. The rule is by name only, and narrow, so that it does not flood:
 *
 * - a `.lock` file whose name has a Python or conda word in it (`requirements`, `conda`,
 *   `environment`, `pdm`, `pixi`, `poetry`, `uv`, `pip`, `pipenv`, `rye`, `py311`, a conda
 *   platform such as `linux-64`…), so not `Cargo.lock`, `yarn.lock` or `renv.lock`;
 * - a `requirements` `.txt` or `.in` file, or one in a `requirements/` folder;
 * - conda's and MLflow's environment names (`environment.yml`, `conda.yaml`) and conda-lock files
 *   (`*conda-lock*.yml`);
 * - `pyproject.toml`, `Pipfile`, `Pipfile.lock`, and `pixi.toml` unless the `pixi.lock` beside it
 *   was read (the lock holds every package and channel the manifest resolves to).
 *
 * Not flagged: YAML a reader declines by its content (a `test_environment.yaml` or Helm
 * `requirements.yaml` with no conda dependencies), and `setup.py`, `setup.cfg` and constraints
 * files, which no reader reads (a constraints file is read when a requirements file includes it):
 * flagging them would fail most setuptools projects for files their requirements or lock cover.
 *
 * @param file A project-relative path.
 * @returns A short description ("a lock file", "a requirements file"…), or undefined.
 * @example
 * ```ts
 * import { dependencyFileKind } from "./_reader.ts";
 * dependencyFileKind("envs/conda-linux-64.lock"); // "a lock file"
 * dependencyFileKind("web/yarn.lock"); // undefined
 * ```
 */
export function dependencyFileKind(file: string): string | undefined {
  const name = baseName(file);
  if (/\.lock$/i.test(name) && PYTHON_LOCK_WORD.test(name.slice(0, -".lock".length))) {
    return "a lock file";
  }
  if (
    /\.(?:txt|in)$/i.test(name) &&
    (REQUIREMENTS_WORD.test(name) || file.split("/").slice(0, -1).includes("requirements"))
  ) return "a requirements file";
  if (ENVIRONMENTS.has(name) || /(?:^|[-_.])conda-lock(?:[-_.][^/]*)?\.ya?ml$/i.test(name)) {
    return "a conda environment or lock file";
  }
  if (MANIFESTS.has(name)) return "a project manifest";
  return undefined;
}

/**
 * A coverage problem for every file named like a dependency file (see
 * {@linkcode dependencyFileKind}) that no reader read: a `pixi.toml` whose `pixi.lock` beside it
 * was read is covered by the lock.
 *
 * @param files The project's files (relative).
 * @param read Whether a file was read by some reader, or is already reported as unreadable.
 * @returns One problem per such file.
 * @example
 * ```ts
 * import { unreadDependencyFiles } from "./_reader.ts";
 * unreadDependencyFiles(["conda-linux-64.lock", "uv.lock"], (file) => file === "uv.lock")[0].file;
 * // "conda-linux-64.lock"
 * ```
 */
export function unreadDependencyFiles(
  files: readonly string[],
  read: (file: string) => boolean,
): Problem[] {
  const problems: Problem[] = [];
  for (const file of files) {
    const kind = read(file) ? undefined : dependencyFileKind(file);
    if (kind === undefined) continue;
    const lock = LOCKED_BY[baseName(file)];
    if (lock !== undefined && read(file.slice(0, file.length - baseName(file).length) + lock)) {
      continue;
    }
    problems.push({
      file,
      message: `${file}: named like ${kind} of a Python or conda tool, but no reader understands ` +
        "it; its dependencies are not checked",
    });
  }
  return problems;
}
