/**
 * Collect a project snapshot: walk the tree, run each reader on the files it understands, and
 * assemble the facts. Readers record facts only; nothing here judges, executes or writes.
 *
 * @module
 */
import * as path from "node:path";
import { emptySnapshot, type Package, type Problem, type Snapshot } from "../core/snapshot.ts";
import { ReadError, readTextInRoot } from "./_fs.ts";
import { walkProject } from "./walk.ts";
import { readRequirementsFile } from "./requirements.ts";
import { parsePyproject } from "./pyproject.ts";
import { parsePyvenvCfg } from "./venv.ts";
import { findModelReferences } from "./model_refs.ts";

export { walkProject } from "./walk.ts";
export { parsePyvenvCfg } from "./venv.ts";
export { parseRequirements, readRequirementsFile } from "./requirements.ts";
export { parsePyproject } from "./pyproject.ts";
export { findModelReferences } from "./model_refs.ts";
export { redactUrl } from "./_url.ts";

/** What `collect` takes. */
export interface CollectOptions {
  /** The project directory. */
  root: string;
  /** The collection time written into the snapshot. Default: now. */
  now?: Date;
  /** Environment for `${VAR}` expansion in requirements files, as pip would see it. */
  env?: Record<string, string | undefined>;
  /** Upper bound on files walked. */
  maxFiles?: number;
}

const REQUIREMENTS_NAME = /^(?:.*[-_.])?requirements?(?:[-_.].*)?\.(?:txt|in)$/i;
const MAX_SOURCE_BYTES = 2 * 1024 * 1024;

/**
 * Whether a path names a pip requirements file by convention: `requirements.txt`,
 * `requirements-dev.txt`, `dev-requirements.in`, or any `.txt`/`.in` under a `requirements/`
 * directory.
 *
 * @example
 * ```ts
 * import { isRequirementsFile } from "./mod.ts";
 * isRequirementsFile("requirements/base.txt"); // true
 * isRequirementsFile("docs/notes.txt"); // false
 * ```
 */
export function isRequirementsFile(file: string): boolean {
  const segments = file.split("/");
  const name = segments[segments.length - 1];
  return REQUIREMENTS_NAME.test(name) ||
    (segments.slice(0, -1).includes("requirements") && /\.(?:txt|in)$/i.test(name));
}

/**
 * Collect a snapshot of the project at `root`.
 *
 * @param options The root, and `now`, `env`, `maxFiles`.
 * @returns A snapshot; unreadable inputs are listed in `problems`, never dropped.
 * @example
 * ```ts ignore
 * import { collect } from "./mod.ts";
 * const snapshot = await collect({ root: "examples/ml-app", env: {} });
 * ```
 */
export async function collect(options: CollectOptions): Promise<Snapshot> {
  const root = path.resolve(options.root);
  const stat = await Deno.stat(root).catch(() => undefined);
  if (!stat?.isDirectory) throw new ReadError(options.root, `${options.root}: not a directory`);
  const snapshot = emptySnapshot({
    root: path.basename(root),
    collectedAt: (options.now ?? new Date()).toISOString(),
  });
  snapshot.collected = ["packages", "indexes", "environments", "models"];
  const walk = await walkProject({ root, maxFiles: options.maxFiles });
  snapshot.problems.push(...walk.problems);
  const inputs = new Map<string, string>();
  const problem = (error: unknown, file: string) => {
    if (error instanceof ReadError) {
      snapshot.problems.push({ file: error.file, message: error.message });
    } else throw error;
    inputs.set(file, inputs.get(file) ?? "unreadable");
  };

  for (const file of walk.files.filter(isRequirementsFile)) {
    if (inputs.has(file)) continue; // already read as another file's -r include
    try {
      const parsed = await readRequirementsFile({ root, file, env: options.env ?? {} });
      const abstract = (p: Package): Package =>
        p.locations[0].file.endsWith(".in") ? { ...p, layer: "manifest" } : p;
      snapshot.packages.push(...parsed.packages.map(abstract));
      snapshot.indexes.push(...parsed.indexes);
      snapshot.settings.push(...parsed.settings);
      snapshot.problems.push(...parsed.problems);
      for (const read of parsed.files) inputs.set(read, "requirements");
    } catch (error) {
      problem(error, file);
    }
  }
  for (const file of walk.files.filter((f) => path.posix.basename(f) === "pyproject.toml")) {
    try {
      const parsed = parsePyproject(await readTextInRoot({ root, file }), { file });
      snapshot.packages.push(...parsed.packages);
      snapshot.problems.push(...parsed.problems);
      inputs.set(file, "pyproject");
    } catch (error) {
      problem(error, file);
    }
  }
  for (const envPath of walk.environments) {
    const file = `${envPath}/pyvenv.cfg`;
    try {
      const parsed = parsePyvenvCfg(await readTextInRoot({ root, file, maxBytes: 64 * 1024 }), {
        file,
        envPath,
      });
      snapshot.environments.push(parsed.environment);
      snapshot.problems.push(...parsed.problems);
      inputs.set(file, "pyvenv.cfg");
    } catch (error) {
      problem(error, file);
    }
  }
  for (const file of walk.files.filter((f) => f.endsWith(".py"))) {
    try {
      const text = await readTextInRoot({ root, file, maxBytes: MAX_SOURCE_BYTES });
      const found = findModelReferences(text, { file });
      snapshot.models.push(...found.models);
      snapshot.problems.push(...found.problems);
      if (found.models.length > 0) inputs.set(file, "python");
    } catch (error) {
      problem(error, file);
    }
  }

  snapshot.packages = unique(snapshot.packages, (p) => `${where(p.locations[0])}|${p.name}`);
  snapshot.indexes = unique(snapshot.indexes, (i) => `${where(i.location)}|${i.role}|${i.url}`);
  snapshot.settings = unique(snapshot.settings, (s) => `${where(s.location)}|${s.name}|${s.value}`);
  snapshot.problems = unique(snapshot.problems, (p: Problem) => `${p.file}|${p.line}|${p.message}`);
  snapshot.inputs = [...inputs].map(([file, format]) => ({ file, format }))
    .sort((a, b) => compare(a.file, b.file));
  return snapshot;
}

function where(location: { file: string; line?: number }): string {
  return `${location.file}:${String(location.line ?? 0).padStart(9, "0")}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Drop later duplicates by key, then order by key: stable output whatever the read order. */
function unique<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen].sort(([a], [b]) => compare(a, b)).map(([, item]) => item);
}
