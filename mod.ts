/**
 * Tollgate: policy-as-code for the machine-learning supply chain (OWASP ML06).
 *
 * Collect a snapshot of a Python ML project, evaluate a typed policy of reusable checks against
 * it, and render the report.
 *
 * @example
 * ```ts ignore
 * import { checkProject, checks, definePolicy, formatText, policies } from "./mod.ts";
 *
 * const policy = definePolicy({
 *   name: "team",
 *   extends: [policies.recommended],
 *   checks: [checks.source.allowedIndexes({ indexes: ["https://pypi.org/simple"] })],
 * });
 * // What `tollgate check` does: collect, enrich with what the policy needs, evaluate.
 * const { report } = await checkProject({ root: "examples/ml-app", policy, sources: { offline: true } });
 * console.log(formatText(report));
 * ```
 *
 * @module
 */
export * from "./core/snapshot.ts";
export {
  atLeast,
  type CheckContext,
  type CheckDefinition,
  type CheckFactory,
  type CheckOptions,
  CheckParamsError,
  type CheckWants,
  type ConfiguredCheck,
  defineCheck,
  Family,
  Finding,
  type FindingDraft,
  policyWants,
  type Reference,
  Severity,
} from "./core/check.ts";
export { definePolicy, disable, type Policy, type PolicyInput, Waiver } from "./core/policy.ts";
export { evaluate, type EvaluateOptions } from "./core/evaluate.ts";
export { FINGERPRINT_SCHEME, fingerprintAll, type FingerprintParts } from "./core/fingerprint.ts";
export {
  CheckResult,
  CheckStatus,
  Report,
  REPORT_SCHEMA,
  Verdict,
  WAIVERS_CHECK_ID,
} from "./core/report.ts";
export {
  ConfigError,
  parsePolicyConfig,
  PolicyConfig,
  resolvePolicyConfig,
} from "./core/config.ts";
export {
  collect,
  type CollectOptions,
  exactVersion,
  normaliseName,
  parsePep508,
  ReadError,
  redactUrl,
} from "./collect/mod.ts";
export {
  checkProject,
  type CheckProjectOptions,
  type CheckProjectResult,
  choosePolicy,
  collectProject,
  type CollectProjectOptions,
  enrichProject,
  type EnrichProjectOptions,
  loadPolicy,
  modelFilePolicy,
  OptionError,
  type PipelineProgress,
  type RegistrySources,
  scanModels,
} from "./pipeline/mod.ts";
export {
  DEFAULT_URLS,
  enrich,
  type EnrichOptions,
  type EnrichSource,
  hubSource,
  osvDatabaseSource,
  osvSource,
  provenanceSource,
  pypiSource,
  type SourceResult,
} from "./enrich/mod.ts";
export { HttpClient } from "./enrich/http.ts";
export { globMatch } from "./core/glob.ts";
export { catalogue, checks } from "./checks/mod.ts";
export { ML06_PREVENTION, policies, PREVENTION_BY_CHECK } from "./policies/mod.ts";
export { formatJson, formatters, formatText } from "./report/mod.ts";
