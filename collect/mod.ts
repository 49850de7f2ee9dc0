/**
 * Collect a project snapshot: walk the tree, run each reader on the files it understands, and
 * assemble the facts. Readers record facts only; nothing here judges, executes or writes.
 *
 * @module
 */
import { realpath, stat } from "node:fs/promises";
import * as path from "node:path";
import { type Artifact, emptySnapshot, type Problem, type Snapshot } from "../core/snapshot.ts";
import { ReadError, resolveInRoot } from "./fs.ts";
import { HASH_CHUNK_BYTES, hashConfined } from "./_hash.ts";
import { modelFileReader, readModelFileAt } from "./models/model_files.ts";
import { MAX_SNIFFED, mayBeModel, MODEL_FILE, readHead } from "./models/sniff.ts";
import { redactUrlsIn } from "../packaging/mod.ts";
import { baseName, type FileReader, type ReaderResult, unreadDependencyFiles } from "./_reader.ts";
import { walkProject } from "./walk.ts";
import { requirementsReader } from "./requirements/requirements.ts";
import { pyprojectReader } from "./pyproject/pyproject.ts";
import { collectEnvironments } from "./environments/environments.ts";
import { modelConfigReader } from "./models/model_config.ts";
import { pythonReader } from "./models/model_refs.ts";
import { pipfileLockReader, pipfileReader } from "./locks/pipfile.ts";
import { condaEnvironmentReader, condaLockReader } from "./locks/conda.ts";
import { uvLockReader } from "./locks/uv_lock.ts";
import { poetryLockReader } from "./locks/poetry_lock.ts";
import { pylockReader } from "./locks/pylock.ts";
import { pdmLockReader } from "./locks/pdm_lock.ts";
import { pixiLockReader } from "./locks/pixi_lock.ts";
import { condaExplicitReader } from "./locks/conda_explicit.ts";
import { pipConfigReader } from "./config/pip_config.ts";
import { readMachineConfig } from "./config/machine_config.ts";
import { findInstallers } from "./config/installers.ts";
import { uvTomlReader } from "./config/uv_config.ts";
import { collectSignatures, type SignatureSpec } from "./signatures/signatures.ts";
import { codeownersReader } from "./review/codeowners.ts";
import { composeReader } from "./infra/compose.ts";
import { kubernetesReader } from "./infra/kubernetes.ts";
import { type KubernetesObjects, linkKubernetes } from "./infra/kubernetes_links.ts";
import { helmValuesReader } from "./infra/helm.ts";
import { githubWorkflowReader } from "./infra/github_workflows.ts";
import { gitlabCiReader } from "./infra/gitlab_ci.ts";
import { dockerfileReader } from "./infra/dockerfile.ts";
import { procfileReader } from "./infra/procfile.ts";
import { makefileReader } from "./infra/makefile.ts";
import { shellScriptReader, shellShebang } from "./infra/shell.ts";
import { serverCallReader } from "./infra/server_calls.ts";

export { walkProject } from "./walk.ts";
export { parsePyvenvCfg } from "./environments/venv.ts";
export {
  isRequirementsFile,
  parseRequirements,
  readRequirementsFile,
} from "./requirements/requirements.ts";
export { parsePyproject } from "./pyproject/pyproject.ts";
export { findModelReferences } from "./models/model_refs.ts";
export { hasCredentials, redactUrl } from "../packaging/mod.ts";
export { exactVersion, parsePep508, Pep508Error, type Pep508Requirement } from "./_pep508.ts";
export { normaliseName } from "../packaging/mod.ts";
export { ReadError } from "./fs.ts";
export * from "./sbom/mod.ts";
export type { FileReader, ReaderContext, ReaderResult } from "./_reader.ts";
export type { SignatureSpec } from "./signatures/signatures.ts";

/**
 * What `collect` takes.
 *
 * @example
 * ```ts
 * import { collect, type CollectOptions } from "./mod.ts";
 * const options: CollectOptions = {
 *   root: "examples/ml-app",
 *   now: new Date("2026-01-01T00:00:00Z"),
 *   signatures: [{ signature: "models/model.sig" }],
 * };
 * const snapshot = await collect(options);
 * snapshot.root; // "ml-app"
 * ```
 */
export interface CollectOptions {
  /** The project directory. */
  root: string;
  /** The collection time written into the snapshot. Default: now. */
  now?: Date;
  /** Environment for `${VAR}` expansion in requirements files, as pip would see it. */
  env?: Record<string, string | undefined>;
  /** Upper bound on files walked. */
  maxFiles?: number;
  /**
   * Also read the installer configuration of this machine (`env`: the variables pip and uv would
   * see), for the installers the project uses: pip's global, user, base and site config files and
   * PIP_* variables for a pip or pipenv project, uv's user and system uv.toml (UV_CONFIG_FILE,
   * UV_NO_CONFIG) and UV_* variables for a uv project; both when no installer can be told.
   * Off unless given: a snapshot then depends on the machine as well as the project.
   */
  machine?: { env: Record<string, string | undefined>; home?: string };
  /** Verify every installed file against its distribution's RECORD (streaming sha256). */
  verifyInstalled?: boolean;
  /**
   * Record each model file's sha256 (`Artifact.sha256`), reading it whole: what a CycloneDX BOM
   * and a diff need to tell one file's content from another's. Off by default: judging a model
   * file reads only the parts that can hold code.
   */
  hashModelFiles?: boolean;
  /**
   * Signatures to collect besides every `model.sig` in the tree, relative to `root`; `model`
   * defaults to the signature's directory (or the one file its statement signs).
   */
  signatures?: SignatureSpec[];
  /**
   * Progress of hashing (files hashed, of total): files under signed model paths, then installed
   * files when `verifyInstalled` is set; each phase counts from zero.
   */
  onProgress?: (done: number, total: number) => void;
}

/**
 * The readers run over the project tree, in order. A file is given to every reader that matches
 * it; a file already read as another file's include is not read again as a root.
 *
 * @example
 * ```ts
 * import { READERS } from "./mod.ts";
 * READERS.map((r) => r.format);
 * ```
 */
export const READERS: readonly FileReader[] = [
  requirementsReader,
  pyprojectReader,
  pipfileReader,
  pipfileLockReader,
  condaEnvironmentReader,
  condaLockReader,
  uvLockReader,
  poetryLockReader,
  pylockReader,
  pdmLockReader,
  pixiLockReader,
  condaExplicitReader,
  pipConfigReader,
  uvTomlReader,
  modelConfigReader,
  serverCallReader,
  pythonReader,
  modelFileReader,
  composeReader,
  kubernetesReader,
  helmValuesReader,
  githubWorkflowReader,
  gitlabCiReader,
  dockerfileReader,
  procfileReader,
  makefileReader,
  shellScriptReader,
  codeownersReader,
];

/**
 * A model file not read to the end is a gap in coverage as well as a finding: the report's
 * coverage names it whatever checks the policy runs.
 */
function scanProblems(artifact: Artifact): Problem[] {
  return artifact.issues.map((issue) => ({
    file: artifact.path,
    message: `${artifact.path}: could not be fully scanned: ${issue}`,
  }));
}

/** The format coverage names for model files recognised by their content. */
const SNIFFED_FORMAT = "model file (by content)";

/**
 * Model files among the files no reader claimed, recognised by their first bytes and kept when
 * the content is a model format (or could not be read completely).
 */
async function sniffModels(
  root: string,
  files: string[],
  shown: (file: string) => string = (file) => file,
): Promise<{ artifacts: Artifact[]; inputs: string[]; problems: Problem[] }> {
  const found = { artifacts: [] as Artifact[], inputs: [] as string[], problems: [] as Problem[] };
  for (const [count, file] of files.entries()) {
    if (count >= MAX_SNIFFED) {
      found.problems.push({
        file: shown(file),
        message: `more than ${MAX_SNIFFED} files to sniff for model content; ` +
          `${files.length - count} were not`,
      });
      break;
    }
    const head = readHead(root, file);
    if (!head || !mayBeModel(head.head, head.size)) continue;
    const artifact = await readModelFileAt(path.join(root, file), { path: shown(file) });
    if (artifact.format === "unknown" && artifact.issues.length === 0) continue;
    found.artifacts.push({ ...artifact, foundBy: "content" });
    found.inputs.push(shown(file));
  }
  return found;
}

/**
 * Collect a snapshot of the project at `root`.
 *
 * @param options The root, and `now`, `env`, `maxFiles`, `signatures`…
 * @returns A snapshot; unreadable inputs are listed in `problems`, never dropped.
 * @example
 * ```ts ignore
 * import { collect } from "./mod.ts";
 * const snapshot = await collect({ root: "examples/ml-app", env: {} });
 * ```
 */
export async function collect(options: CollectOptions): Promise<Snapshot> {
  const root = path.resolve(options.root);
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) throw new ReadError(options.root, `${options.root}: not a directory`);
  const snapshot = emptySnapshot({
    root: path.basename(root),
    collectedAt: (options.now ?? new Date()).toISOString(),
  });
  snapshot.collected = [
    "packages",
    "indexes",
    "settings",
    "installers",
    "environments",
    "models",
    "artifacts",
    "services",
    "secrets",
    "codeowners",
  ];
  const walk = await walkProject({ root, maxFiles: options.maxFiles });
  snapshot.problems.push(...walk.problems);
  const inputs = new Map<string, string>();
  const context = { root, env: options.env ?? {} };
  const kubernetes: KubernetesObjects[] = [];

  const add = (result: ReaderResult) => {
    snapshot.packages.push(...result.packages ?? []);
    snapshot.indexes.push(...result.indexes ?? []);
    snapshot.settings.push(...result.settings ?? []);
    snapshot.environments.push(...result.environments ?? []);
    snapshot.models.push(...result.models ?? []);
    snapshot.artifacts.push(...result.artifacts ?? []);
    snapshot.problems.push(...(result.artifacts ?? []).flatMap(scanProblems));
    snapshot.loaderCalls.push(...result.loaderCalls ?? []);
    snapshot.launches.push(...result.launches ?? []);
    snapshot.exposures.push(...result.exposures ?? []);
    snapshot.serverCalls.push(...result.serverCalls ?? []);
    snapshot.secrets.push(...result.secrets ?? []);
    snapshot.codeowners.push(...result.codeowners ?? []);
    if (result.kubernetes) kubernetes.push(result.kubernetes);
    // Defence in depth: whatever a reader quoted from its input, no URL leaves unredacted.
    snapshot.problems.push(
      ...(result.problems ?? []).map((p) => ({ ...p, message: redactUrlsIn(p.message) })),
    );
  };
  const unreadable = (error: unknown, file: string) => {
    if (!(error instanceof ReadError)) throw error;
    snapshot.problems.push({ file: error.file, message: error.message });
    inputs.set(file, inputs.get(file) ?? "unreadable");
  };

  for (const reader of READERS) {
    for (const file of walk.files.filter((f) => reader.matches(f))) {
      if (inputs.get(file) === reader.format) continue; // already read as an include
      try {
        const result = await reader.read(file, context);
        for (const index of result.indexes ?? []) index.tool ??= reader.tool?.(index);
        add(result);
        const found = Object.values(result).some((v) => Array.isArray(v) && v.length > 0);
        // Sources and config files count as inputs only when they hold something, to keep
        // coverage useful.
        if (!REPORTED_ONLY_WHEN_FOUND.has(reader.format) || found) {
          for (const read of result.files ?? [file]) {
            // Files pulled in by another format's include (a conda pip: -r) are requirements.
            inputs.set(
              read,
              read === file || reader.format === "requirements" ? reader.format : "requirements",
            );
          }
        }
      } catch (error) {
        unreadable(error, file);
      }
    }
  }
  // Services and Ingresses expose workloads declared in other manifests: linked once all are read.
  add({ exposures: linkKubernetes(kubernetes) });
  const claimed = new Set(inputs.keys());
  // Nothing is skipped silently: a file named like a dependency file that no reader read (nor
  // reported as unreadable) is a gap.
  const reported = new Set(snapshot.problems.map((p) => p.file));
  add({ problems: unreadDependencyFiles(walk.files, (f) => claimed.has(f) || reported.has(f)) });
  const unclaimed = walk.files.filter((f) => !claimed.has(f) && !READERS.some((r) => r.matches(f)));
  // Scripts without an extension (bin/serve, docker/entrypoint) are shell scripts by their #! line.
  for (const file of unclaimed.filter((f) => !baseName(f).includes("."))) {
    const head = readHead(root, file);
    if (!head || shellShebang(new TextDecoder().decode(head.head)) !== true) continue;
    try {
      const result = await shellScriptReader.read(file, context);
      add(result);
      if (Object.values(result).some((v) => Array.isArray(v) && v.length > 0)) {
        inputs.set(file, shellScriptReader.format);
      }
    } catch (error) {
      unreadable(error, file);
    }
  }
  const sniffed = await sniffModels(root, unclaimed);
  add({ artifacts: sniffed.artifacts, problems: sniffed.problems });
  for (const file of sniffed.inputs) inputs.set(file, SNIFFED_FORMAT);

  const signatures = await collectSignatures({
    root,
    files: walk.files,
    specs: options.signatures,
    onProgress: options.onProgress,
  });
  snapshot.signatures.push(...signatures.signatures);
  snapshot.collected.push("signatures");
  add({ problems: signatures.problems });
  for (const input of signatures.inputs) inputs.set(input.file, input.format);

  const environments = await collectEnvironments({
    root,
    envDirs: walk.environments,
    // $VIRTUAL_ENV and $CONDA_PREFIX describe this machine: read only with machine config.
    env: options.machine?.env ?? {},
    home: options.machine?.home,
    verifyRecords: options.verifyInstalled ?? false,
    onProgress: options.onProgress,
  });
  add({ environments: environments.environments, problems: environments.problems });
  for (const input of environments.inputs) inputs.set(input.file, input.format);
  if (options.verifyInstalled) snapshot.collected.push("records");

  // Which installers the project's own files are written for (read before machine configuration:
  // each installer's machine layers apply only to a project that installs with it).
  snapshot.installers = await findInstallers({
    root,
    inputs: [...inputs].map(([file, format]) => ({ file, format })),
    packages: snapshot.packages,
  });
  if (options.machine) {
    const machine = await readMachineConfig({
      env: options.machine.env,
      home: options.machine.home,
      installers: snapshot.installers,
    });
    add(machine);
    for (const input of machine.inputs) inputs.set(input.file, input.format);
  }
  markDirectDependencies(snapshot);
  for (const index of snapshot.indexes) {
    if (index.url.includes("***")) index.credentials = true;
  }

  snapshot.packages = unique(
    snapshot.packages,
    (p) => `${where(p.locations[0])}|${p.name}|${p.layer}|${JSON.stringify(p.source)}`,
    // The same line reached through two dependency groups belongs to both.
    (kept, again) => {
      kept.groups = [...new Set([...kept.groups, ...again.groups])].sort();
    },
  );
  snapshot.indexes = unique(snapshot.indexes, (i) => `${where(i.location)}|${i.role}|${i.url}`);
  snapshot.settings = unique(snapshot.settings, (s) => `${where(s.location)}|${s.name}|${s.value}`);
  snapshot.environments = unique(snapshot.environments, (e) => e.path);
  snapshot.artifacts = unique(snapshot.artifacts, (a) => a.path);
  snapshot.models = unique(
    snapshot.models,
    (m) => `${where(m.location)}|${m.location.column}|${m.repoId}`,
  );
  snapshot.problems = unique(snapshot.problems, (p: Problem) => `${where(p)}|${p.message}`);
  snapshot.secrets = unique(snapshot.secrets, (s) => `${where(s.location)}|${s.kind}|${s.name}`);
  snapshot.launches = inFileOrder(snapshot.launches, (l) => l.location);
  snapshot.exposures = inFileOrder(snapshot.exposures, (e) => e.location);
  snapshot.inputs = [...inputs].map(([file, format]) => ({ file, format }))
    .sort((a, b) => compare(a.file, b.file));
  if (options.hashModelFiles) await hashArtifacts(snapshot, root);
  return snapshot;
}

/**
 * Fill in each model file's sha256, reading only regular files inside the project (a model file
 * that is a link out of it was already refused by its reader). A file that cannot be hashed is an
 * input problem: its content is not known.
 */
async function hashArtifacts(snapshot: Snapshot, root: string): Promise<void> {
  const confineTo = await realpath(root);
  const buffer = new Uint8Array(HASH_CHUNK_BYTES);
  for (const artifact of snapshot.artifacts) {
    if (artifact.sha256 !== undefined) continue;
    const outcome = await hashConfined(path.join(root, artifact.path), { confineTo, buffer });
    if (outcome.ok) artifact.sha256 = outcome.digest;
    else {
      snapshot.problems.push({
        file: artifact.path,
        message: `${artifact.path}: could not be hashed: ${outcome.message}`,
      });
    }
  }
}

/**
 * Readers scanning ordinary project files: listed in coverage only when they found something (the
 * Kubernetes reader looks at every YAML file, the Helm one at values files without a chart too).
 */
const REPORTED_ONLY_WHEN_FOUND = new Set([
  "python",
  "python server calls",
  "shell script",
  "model config",
  "kubernetes",
  "helm values",
]);

/** Facts ordered by file and line, keeping the readers' order within a line (nothing dropped). */
function inFileOrder<T>(items: T[], location: (item: T) => { file: string; line?: number }): T[] {
  return items.map((item, index) => ({ item, index, key: where(location(item)) }))
    .sort((a, b) => compare(a.key, b.key) || a.index - b.index)
    .map(({ item }) => item);
}

/**
 * A lock entry is a direct dependency when a manifest or requirements file in the same
 * directory declares the name; readers that cannot tell leave `direct: false`.
 */
function markDirectDependencies(snapshot: Snapshot): void {
  const declared = new Set<string>();
  for (const p of snapshot.packages) {
    if (p.layer !== "lock" && p.layer !== "constraint") {
      declared.add(`${dirOf(p.locations[0].file)}|${p.ecosystem}|${p.name}`);
    }
  }
  for (const p of snapshot.packages) {
    if (
      p.layer === "lock" && declared.has(`${dirOf(p.locations[0].file)}|${p.ecosystem}|${p.name}`)
    ) {
      p.direct = true;
    }
  }
}

function dirOf(file: string): string {
  return file.includes("/") ? file.slice(0, file.lastIndexOf("/")) : ".";
}

function where(location: { file: string; line?: number }): string {
  return `${location.file}:${String(location.line ?? 0).padStart(9, "0")}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Drop later duplicates by key (letting `merge` fold them into the kept one), then order by key:
 * stable output whatever the read order.
 */
function unique<T>(items: T[], key: (item: T) => string, merge?: (kept: T, again: T) => void): T[] {
  const seen = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    const kept = seen.get(k);
    if (kept === undefined) seen.set(k, item);
    else merge?.(kept, item);
  }
  return [...seen].sort(([a], [b]) => compare(a, b)).map(([, item]) => item);
}

/**
 * Snapshot of model files only, for `tollgate scan`: each path is a model file (read whatever its
 * name) or a directory (searched for model files by name, and by content for other files; judged
 * by content). Artifact paths are
 * the given paths (joined with the file's place inside a given directory).
 *
 * @param options The paths, and `now`.
 * @returns A snapshot whose `collected` is `["artifacts"]`.
 * @example
 * ```ts ignore
 * import { scanModelPaths } from "./mod.ts";
 * const snapshot = await scanModelPaths({ paths: ["models/"] });
 * ```
 */
export async function scanModelPaths(options: { paths: string[]; now?: Date }): Promise<Snapshot> {
  const snapshot = emptySnapshot({
    root: "scan",
    collectedAt: (options.now ?? new Date()).toISOString(),
  });
  snapshot.collected = ["artifacts"];
  for (const given of options.paths) {
    const info = await stat(given).catch(() => undefined);
    if (!info) throw new ReadError(given, `${given}: no such file or directory`);
    const shown = given.replace(/\/+$/, "");
    if (info.isFile()) {
      const artifact = await readModelFileAt(given, { path: shown });
      snapshot.artifacts.push(artifact);
      snapshot.problems.push(...scanProblems(artifact));
      snapshot.inputs.push({ file: shown, format: "model file" });
      continue;
    }
    const root = path.resolve(given);
    const walk = await walkProject({ root });
    snapshot.problems.push(...walk.problems.map((p) => ({ ...p, file: `${shown}/${p.file}` })));
    const sniffed = await sniffModels(
      root,
      walk.files.filter((f) => !MODEL_FILE.test(f)),
      (file) => `${shown}/${file}`,
    );
    snapshot.artifacts.push(...sniffed.artifacts);
    snapshot.problems.push(...sniffed.problems, ...sniffed.artifacts.flatMap(scanProblems));
    snapshot.inputs.push(...sniffed.inputs.map((file) => ({ file, format: SNIFFED_FORMAT })));
    for (const file of walk.files.filter((f) => MODEL_FILE.test(f))) {
      const at = `${shown}/${file}`;
      try {
        const { real } = await resolveInRoot({ root, file });
        const artifact = await readModelFileAt(real, { path: at });
        snapshot.artifacts.push(artifact);
        snapshot.problems.push(...scanProblems(artifact));
        snapshot.inputs.push({ file: at, format: "model file" });
      } catch (error) {
        if (!(error instanceof ReadError)) throw error;
        snapshot.problems.push({
          file: at,
          message: `${at}: ${error.message.replace(`${file}: `, "")}`,
        });
      }
    }
  }
  return snapshot;
}
