/**
 * The library pipeline: collect → enrich → evaluate, planned from the policy alone, and policy
 * discovery and loading. The CLI and library users call the same functions.
 *
 * @example
 * ```ts ignore
 * import { checkProject } from "./mod.ts";
 * const { report } = await checkProject({ root: "examples/ml-app", sources: { offline: true } });
 * console.log(report.verdict);
 * ```
 *
 * @module
 */
export {
  checkProject,
  type CheckProjectOptions,
  type CheckProjectResult,
  collectProject,
  type CollectProjectOptions,
  enrichProject,
  type EnrichProjectOptions,
  modelFilePolicy,
  type PipelineProgress,
  scanModels,
} from "./check_project.ts";
export { formatBaseline, readBaseline } from "./baseline_file.ts";
export {
  diffProject,
  type DiffProjectOptions,
  type DiffProjectResult,
  type DiffSide,
} from "./diff.ts";
export { RevisionError } from "../collect/git.ts";
export type { RegistrySources } from "./enrich.ts";
export { OptionError } from "./errors.ts";
export { choosePolicy, DISCOVERED_POLICY_FILES, loadPolicy } from "./policy_file.ts";

// The core types the functions above take and return, so that this entry point documents itself.
export type * from "../core/snapshot.ts";
export type {
  CheckContext,
  CheckDefinition,
  CheckOptions,
  CheckParams,
  CheckWants,
  ConfiguredCheck,
  Family,
  Finding,
  FindingDraft,
  ParamsSchema,
  Reference,
  Severity,
} from "../core/check.ts";
export type { Baseline, BaselineEntry, BaselineOutcome } from "../core/baseline.ts";
export type { DisabledCheck, Policy, Waiver } from "../core/policy.ts";
export type { CheckResult, CheckStatus, Report, Verdict, WaivedFinding } from "../core/report.ts";
