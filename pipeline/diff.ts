/**
 * `tollgate diff` as a library call: collect (or read) both sides, evaluate the same policy on
 * each, and review what the change brings.
 *
 * @module
 */
import { mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { baselineOf } from "../core/baseline.ts";
import { ConfigError } from "../core/config.ts";
import type { Severity } from "../core/check.ts";
import type { Policy } from "../core/policy.ts";
import type { Snapshot } from "../core/snapshot.ts";
import { readRevision } from "../collect/git.ts";
import { diffProjects, type EvaluatedSide, type ProjectDiff } from "../diff/mod.ts";
import {
  collectProject,
  type CollectProjectOptions,
  enrichProject,
  judge,
  type PipelineProgress,
} from "./check_project.ts";
import type { RegistrySources } from "./enrich.ts";
import { choosePolicy } from "./policy_file.ts";

/**
 * One side of a diff: a project directory, a snapshot already collected (a stored
 * `tollgate snapshot` file, parsed), or a git revision of a project in a git work tree.
 *
 * @example
 * ```ts
 * import type { DiffSide } from "./diff.ts";
 * const base: DiffSide = { git: "origin/main", project: "." };
 * const head: DiffSide = { directory: "." };
 * ```
 */
export type DiffSide =
  | {
    /** The project directory. */
    directory: string;
  }
  | {
    /** The snapshot, evaluated as stored (as `tollgate eval` does: nothing is fetched for it). */
    snapshot: Snapshot;
    /** What to call it in the output (its file name). */
    label?: string;
  }
  | {
    /** A revision git understands (`main`, `HEAD~1`, a commit id). */
    git: string;
    /** The project's directory in the work tree (default: the current directory). */
    project?: string;
  };

/**
 * What {@linkcode diffProject} takes. Collection options apply to both sides.
 *
 * @example
 * ```ts
 * import type { DiffProjectOptions } from "./diff.ts";
 * const options: DiffProjectOptions = {
 *   base: { git: "HEAD~1", project: "." },
 *   head: { git: "HEAD", project: "." },
 *   sources: { offline: true },
 * };
 * ```
 */
export interface DiffProjectOptions extends Omit<CollectProjectOptions, "root" | "policy"> {
  /** Before the change. */
  base: DiffSide;
  /** After it. */
  head: DiffSide;
  /**
   * The policy both sides are judged by. Default: the policy file BASE's project holds, else
   * HEAD's (when BASE is a snapshot), else `recommended`. BASE's, so that a change cannot weaken
   * the policy its own review applies.
   */
  policy?: Policy;
  /** Where registry data comes from; `sources.offline` also makes evaluation offline. */
  sources?: RegistrySources;
  /** Ignore every waiver. */
  strict?: boolean;
  /** The lowest severity that fails, instead of the policy's. */
  failOn?: Severity;
}

/**
 * What {@linkcode diffProject} returns.
 *
 * @example
 * ```ts ignore
 * import { diffProject } from "./diff.ts";
 * const { diff, warnings } = await diffProject({ base: { git: "HEAD~1" }, head: { directory: "." } });
 * ```
 */
export interface DiffProjectResult {
  /** The review. */
  diff: ProjectDiff;
  /** BASE's snapshot and report. */
  base: EvaluatedSide;
  /** HEAD's snapshot and report (every finding, no baseline). */
  head: EvaluatedSide;
  /** The policy applied. */
  policy: Policy;
  /** Things worth telling a person (entries a revision could not write, stale cache answers). */
  warnings: string[];
}

/**
 * Review a change: collect both sides, evaluate the policy on each, and list what entered, left or
 * changed, with the findings HEAD added and fixed (by fingerprint). The diff's verdict fails only
 * on findings HEAD introduced.
 *
 * When one side is a git revision, virtual environments are compared on neither side: a revision
 * holds none, and a work tree's would all count as new.
 *
 * @param options The sides, policy and sources.
 * @returns The diff, both evaluated sides and warnings.
 * @throws {RevisionError} when a git side cannot be read (the CLI exits 2).
 * @example
 * ```ts ignore
 * import { diffProject } from "./diff.ts";
 * const { diff } = await diffProject({
 *   base: { git: "origin/main" },
 *   head: { directory: "." },
 *   sources: { offline: true },
 * });
 * console.log(diff.verdict, diff.findings.new.length);
 * ```
 */
export async function diffProject(options: DiffProjectOptions): Promise<DiffProjectResult> {
  const temporary: string[] = [];
  const warnings: string[] = [];
  try {
    const base = await openSide(options.base, "base", temporary, warnings);
    const head = await openSide(options.head, "head", temporary, warnings);
    const chosen = options.policy ?? await projectPolicy(base.directory ? base : head);
    const policy = options.failOn === undefined ? chosen : { ...chosen, failOn: options.failOn };
    const withoutEnvironments = base.kind === "git" || head.kind === "git";
    if (withoutEnvironments && (base.kind !== "git" || head.kind !== "git")) {
      warnings.push(
        "virtual environments are not compared: a git revision holds none " +
          "(run `tollgate check` to judge them)",
      );
    }
    const evaluateSide = async (side: OpenSide): Promise<EvaluatedSide> => {
      let snapshot = side.snapshot ?? await collectSide(side, policy, options, warnings);
      if (side.root !== undefined) snapshot = { ...snapshot, root: side.root };
      if (withoutEnvironments) snapshot = { ...snapshot, environments: [] };
      const report = await judge({ ...options, snapshot, policy });
      return { kind: side.kind, label: side.label, commit: side.commit, snapshot, report };
    };
    const headSide = await evaluateSide(head);
    // Findings name the project (`project:<root>`): both sides carry HEAD's name, so that two
    // checkouts in differently named folders match.
    const baseSide = await evaluateSide({ ...base, root: headSide.snapshot.root });
    const judged = await judge({
      ...options,
      snapshot: headSide.snapshot,
      policy,
      baseline: baselineOf(baseSide.report),
    });
    const diff = diffProjects({ base: baseSide, head: headSide, judged });
    return { diff, base: baseSide, head: headSide, policy, warnings };
  } finally {
    for (const dir of temporary) await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The policy file a side's project holds, else `recommended`. A revision's file is named as
 * `REV:path` in errors, not by the temporary folder it was written to.
 */
async function projectPolicy(side: OpenSide): Promise<Policy> {
  if (!side.directory) return await choosePolicy({});
  try {
    return await choosePolicy({ projectDir: side.directory });
  } catch (error) {
    if (side.kind !== "git" || !(error instanceof ConfigError)) throw error;
    const file = path.relative(side.directory, error.file).split(path.sep).join("/");
    const where = error.line ? `${error.file}:${error.line}` : error.file;
    const message = error.message.slice(where.length + 2);
    throw new ConfigError({ file: `${side.label}:${file}`, line: error.line, message });
  }
}

interface OpenSide {
  kind: EvaluatedSide["kind"];
  label: string;
  commit?: string;
  /** Where the project's files are (a directory side, or a revision written out). */
  directory?: string;
  /** The name the snapshot carries (a revision's temporary folder is not the project's name). */
  root?: string;
  snapshot?: Snapshot;
}

async function openSide(
  side: DiffSide,
  which: "base" | "head",
  temporary: string[],
  warnings: string[],
): Promise<OpenSide> {
  if ("directory" in side) {
    return { kind: "directory", label: side.directory, directory: side.directory };
  }
  if ("snapshot" in side) {
    return { kind: "snapshot", label: side.label ?? side.snapshot.root, snapshot: side.snapshot };
  }
  const project = side.project ?? ".";
  const into = await mkdtemp(path.join(tmpdir(), `tollgate-${which}-`));
  temporary.push(into);
  const tree = await readRevision({ project, revision: side.git, into });
  for (const skipped of tree.skipped.slice(0, 20)) {
    warnings.push(`${side.git}: ${skipped.path}: ${skipped.reason}`);
  }
  if (tree.skipped.length > 20) {
    warnings.push(`${side.git}: ${tree.skipped.length - 20} more entries not written`);
  }
  const root = path.basename(await realpath(project).catch(() => path.resolve(project)));
  return { kind: "git", label: side.git, commit: tree.commit, directory: into, root };
}

async function collectSide(
  side: OpenSide,
  policy: Policy,
  options: DiffProjectOptions,
  warnings: string[],
): Promise<Snapshot> {
  const collected = await collectProject({
    root: side.directory!,
    policy,
    now: options.now,
    env: options.env,
    machine: options.machine,
    verifyInstalled: options.verifyInstalled,
    // A model file replaced by another of the same size is a change: compare contents.
    hashModelFiles: options.hashModelFiles ?? true,
    onProgress: options.onProgress as ((progress: PipelineProgress) => void) | undefined,
  });
  const enriched = await enrichProject({
    snapshot: collected,
    policy,
    sources: options.sources,
    onProgress: options.onProgress,
  });
  warnings.push(...enriched.warnings);
  return enriched.snapshot;
}
