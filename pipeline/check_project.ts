/**
 * The library pipeline: collect → enrich → evaluate, planned from the policy alone. The CLI,
 * the npm package and a user's script call the same functions, so what `tollgate check` does a
 * script can do with one call.
 *
 * @module
 */
import type { Baseline } from "../core/baseline.ts";
import { policyWants } from "../core/check.ts";
import { evaluate } from "../core/evaluate.ts";
import type { Policy } from "../core/policy.ts";
import type { Report } from "../core/report.ts";
import type { Snapshot } from "../core/snapshot.ts";
import { collect, scanModelPaths } from "../collect/mod.ts";
import { enrichForPolicy, type RegistrySources } from "./enrich.ts";
import { choosePolicy } from "./policy_file.ts";

/**
 * Progress of a long stage, for a progress line.
 *
 * @example
 * ```ts
 * import type { PipelineProgress } from "./check_project.ts";
 * const show = (p: PipelineProgress) => console.error(`${p.stage} ${p.done}/${p.total}`);
 * show({ stage: "hashing", done: 3, total: 10 });
 * ```
 */
export interface PipelineProgress {
  /** `hashing`: signed model files and installed files; `fetching`: registry data. */
  stage: "hashing" | "fetching";
  /** Units done. */
  done: number;
  /** Units known so far. */
  total: number;
}

/**
 * What {@linkcode collectProject} takes.
 *
 * @example
 * ```ts
 * import { collectProject, type CollectProjectOptions } from "./check_project.ts";
 * const options: CollectProjectOptions = {
 *   root: "examples/ml-app",
 *   now: new Date("2026-01-01T00:00:00Z"),
 *   verifyInstalled: false,
 * };
 * (await collectProject(options)).collectedAt; // "2026-01-01T00:00:00.000Z"
 * ```
 */
export interface CollectProjectOptions {
  /** The project directory. */
  root: string;
  /** The policy whose checks' `wants` shape the collection (signature files to hash). */
  policy?: Policy;
  /** The collection time written into the snapshot. Default: now. */
  now?: Date;
  /**
   * Variables for `${VAR}` in requirements files. Default: none, so a scanned pull request
   * cannot print the caller's secrets into the report.
   */
  env?: Record<string, string | undefined>;
  /** Also read this machine's pip/uv configuration (as pip and uv would here). Default: not. */
  machine?: { env: Record<string, string | undefined>; home?: string };
  /** Verify installed files against their RECORD. Default true. */
  verifyInstalled?: boolean;
  /**
   * Record each model file's sha256, reading it whole (for a CycloneDX BOM or a diff). Default
   * false: judging model files reads only the parts that can hold code.
   */
  hashModelFiles?: boolean;
  /** Progress of hashing. */
  onProgress?: (progress: PipelineProgress) => void;
}

/**
 * Collect a project's snapshot, with what the policy's checks want (signature files named in
 * their params).
 *
 * @example
 * ```ts ignore
 * import { collectProject } from "./check_project.ts";
 * const snapshot = await collectProject({ root: "examples/ml-app" });
 * ```
 */
export async function collectProject(options: CollectProjectOptions): Promise<Snapshot> {
  const wants = policyWants(options.policy?.checks ?? []);
  return await collect({
    root: options.root,
    now: options.now,
    env: options.env ?? {},
    machine: options.machine,
    verifyInstalled: options.verifyInstalled ?? true,
    hashModelFiles: options.hashModelFiles === true,
    signatures: wants.signatures,
    onProgress: options.onProgress &&
      ((done, total) => options.onProgress!({ stage: "hashing", done, total })),
  });
}

/**
 * What {@linkcode enrichProject} takes.
 *
 * @example
 * ```ts
 * import { emptySnapshot } from "../core/snapshot.ts";
 * import { recommended } from "../policies/mod.ts";
 * import type { EnrichProjectOptions } from "./check_project.ts";
 * const options: EnrichProjectOptions = {
 *   snapshot: emptySnapshot({ root: "demo", collectedAt: "2026-01-01T00:00:00.000Z" }),
 *   policy: recommended,
 *   sources: { offline: true, osvDb: "advisories.zip" },
 * };
 * ```
 */
export interface EnrichProjectOptions {
  /** A collected snapshot (not modified). */
  snapshot: Snapshot;
  /** The policy whose checks' `needs` and `wants` decide what is fetched. */
  policy: Policy;
  /** Where registry data comes from (URLs, cache, local OSV database, offline). */
  sources?: RegistrySources;
  /** Progress of fetching. */
  onProgress?: (progress: PipelineProgress) => void;
}

/**
 * Add the registry data the policy's checks need. A source that fails leaves its section in the
 * snapshot's `missing`, so the checks that need it error rather than pass.
 *
 * @returns The enriched snapshot and warnings (stale cache answers, an unwritable cache).
 * @example
 * ```ts ignore
 * import { enrichProject } from "./check_project.ts";
 * const { snapshot } = await enrichProject({ snapshot, policy, sources: { offline: true } });
 * ```
 */
export async function enrichProject(
  options: EnrichProjectOptions,
): Promise<{ snapshot: Snapshot; warnings: string[] }> {
  return await enrichForPolicy({
    snapshot: options.snapshot,
    policy: options.policy,
    sources: options.sources,
    onProgress: options.onProgress &&
      ((p) => options.onProgress!({ stage: "fetching", done: p.done, total: p.started })),
  });
}

/**
 * What {@linkcode checkProject} takes.
 *
 * @example
 * ```ts
 * import { strict } from "../policies/mod.ts";
 * import type { CheckProjectOptions } from "./check_project.ts";
 * const options: CheckProjectOptions = {
 *   root: "examples/ml-app",
 *   policy: strict,
 *   sources: { offline: true },
 *   strict: true,
 * };
 * ```
 */
export interface CheckProjectOptions extends Omit<CollectProjectOptions, "policy"> {
  /** The policy. Default: the one the project names (`tollgate.yaml`, …), else `recommended`. */
  policy?: Policy;
  /** Where registry data comes from; `sources.offline` also makes evaluation offline. */
  sources?: RegistrySources;
  /** Ignore every waiver. */
  strict?: boolean;
  /** Findings already seen (see `readBaseline`): reported as `baselined`, and they no longer fail. */
  baseline?: Baseline;
}

/**
 * What {@linkcode checkProject} returns.
 *
 * @example
 * ```ts ignore
 * import { checkProject, type CheckProjectResult } from "./check_project.ts";
 * const result: CheckProjectResult = await checkProject({
 *   root: "examples/ml-app",
 *   sources: { offline: true },
 * });
 * for (const warning of result.warnings) console.error(warning);
 * ```
 */
export interface CheckProjectResult {
  /** The verdict, results and coverage. */
  report: Report;
  /** The evidence the report was computed from (enriched). */
  snapshot: Snapshot;
  /** The policy applied. */
  policy: Policy;
  /** Things worth telling a person (stale cache answers, an unwritable cache). */
  warnings: string[];
}

/**
 * Check a project: collect, enrich with what the policy needs, evaluate.
 *
 * @example
 * ```ts ignore
 * import { checkProject } from "./check_project.ts";
 * const { report } = await checkProject({ root: "examples/ml-app", sources: { offline: true } });
 * report.verdict; // "pass" | "fail" | "incomplete"
 * ```
 */
export async function checkProject(options: CheckProjectOptions): Promise<CheckProjectResult> {
  const policy = options.policy ?? await choosePolicy({ projectDir: options.root });
  const collected = await collectProject({ ...options, policy });
  const { snapshot, warnings } = await enrichProject({
    snapshot: collected,
    policy,
    sources: options.sources,
    onProgress: options.onProgress,
  });
  const report = await judge({ ...options, snapshot, policy });
  return { report, snapshot, policy, warnings };
}

/**
 * Evaluate a snapshot as `check` does: offline when the sources are, strict when asked. Shared by
 * the pipeline's commands (a diff judges three times).
 *
 * @example
 * ```ts
 * import { emptySnapshot } from "../core/snapshot.ts";
 * import { recommended } from "../policies/mod.ts";
 * import { judge } from "./check_project.ts";
 * const snapshot = emptySnapshot({ root: "demo", collectedAt: "2026-01-01T00:00:00.000Z" });
 * const report = await judge({ snapshot, policy: recommended, sources: { offline: true } });
 * report.policy; // "recommended"
 * ```
 */
export function judge(options: {
  snapshot: Snapshot;
  policy: Policy;
  now?: Date;
  sources?: RegistrySources;
  strict?: boolean;
  baseline?: Baseline;
}): Promise<Report> {
  return evaluate({
    snapshot: options.snapshot,
    policy: options.policy,
    now: options.now,
    offline: options.sources?.offline === true,
    strict: options.strict === true,
    baseline: options.baseline,
  });
}

/**
 * The part of a policy that a snapshot of model files alone can judge: its checks whose `needs`
 * are all `artifacts` (params as the policy sets them).
 *
 * @example
 * ```ts
 * import { modelFilePolicy } from "./check_project.ts";
 * import { recommended } from "../policies/mod.ts";
 * modelFilePolicy(recommended).checks.map((c) => c.id).includes("artifact.no-unsafe-pickle"); // true
 * ```
 */
export function modelFilePolicy(policy: Policy): Policy {
  return {
    ...policy,
    name: `${policy.name} (model files)`,
    checks: policy.checks.filter((c) => c.definition.needs.every((n) => n === "artifacts")),
  };
}

/**
 * Judge model files or directories only (`tollgate scan`): each path is read whatever its name,
 * directories are searched by name and by content.
 *
 * @example
 * ```ts ignore
 * import { scanModels } from "./check_project.ts";
 * const { report } = await scanModels({ paths: ["downloads/model.bin"] });
 * ```
 */
export async function scanModels(options: {
  paths: string[];
  policy?: Policy;
  now?: Date;
}): Promise<{ report: Report; snapshot: Snapshot; policy: Policy }> {
  const policy = modelFilePolicy(options.policy ?? await choosePolicy({}));
  const snapshot = await scanModelPaths({ paths: options.paths, now: options.now });
  const report = await evaluate({ snapshot, policy, now: options.now });
  return { report, snapshot, policy };
}
