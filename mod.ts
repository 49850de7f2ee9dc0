/**
 * Tollgate: policy-as-code for the machine-learning supply chain (OWASP ML06).
 *
 * Collect a snapshot of a Python ML project, evaluate a typed policy of reusable checks against
 * it, and render the report.
 *
 * The data types (`Snapshot` and its parts, `Report`, `Finding`, `Waiver`, `PolicyConfig`…) are
 * interfaces documented field by field. Each is also a zod schema of the same name, the runtime
 * validator: `Report.parse(JSON.parse(text))` checks a stored report and returns a `Report`. The
 * schemas are left out of these docs because their types are zod's; `tollgate schema` prints
 * them as JSON Schema.
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
import type { CheckFactory } from "./core/check.ts";
import { catalogue as builtinCatalogue } from "./checks/mod.ts";

export * from "./core/snapshot.ts";
export {
  atLeast,
  type CheckContext,
  type CheckDefinition,
  type CheckFactory,
  type CheckOptions,
  type CheckParams,
  CheckParamsError,
  type CheckParamsInput,
  type CheckWants,
  type ConfiguredCheck,
  defineCheck,
  Family,
  Finding,
  type FindingDraft,
  type ParamsSchema,
  policyWants,
  type Reference,
  Severity,
} from "./core/check.ts";
export {
  definePolicy,
  disable,
  type DisabledCheck,
  type Policy,
  type PolicyInput,
  Waiver,
} from "./core/policy.ts";
export { evaluate, type EvaluateOptions } from "./core/evaluate.ts";
export {
  applyBaseline,
  Baseline,
  BASELINE_SCHEMA,
  BaselineEntry,
  baselineOf,
  type BaselineOutcome,
} from "./core/baseline.ts";
export { FINGERPRINT_SCHEME, fingerprintAll, type FingerprintParts } from "./core/fingerprint.ts";
export {
  CheckResult,
  CheckStatus,
  Report,
  REPORT_SCHEMA,
  Verdict,
  WaivedFinding,
  WAIVERS_CHECK_ID,
} from "./core/report.ts";
export {
  ConfigError,
  type ConfigFormat,
  parsePolicyConfig,
  PolicyConfig,
  resolvePolicyConfig,
} from "./core/config.ts";
export {
  collect,
  type CollectOptions,
  CYCLONEDX_SPEC_VERSIONS,
  type CyclonedxTextOptions,
  exactVersion,
  MAX_BOM_BYTES,
  normaliseName,
  parsePep508,
  type Pep508Requirement,
  readCyclonedxBom,
  type ReadCyclonedxOptions,
  ReadError,
  redactUrl,
  type SignatureSpec,
} from "./collect/mod.ts";
export {
  checkProject,
  type CheckProjectOptions,
  type CheckProjectResult,
  choosePolicy,
  collectProject,
  type CollectProjectOptions,
  diffProject,
  type DiffProjectOptions,
  type DiffProjectResult,
  type DiffSide,
  enrichProject,
  type EnrichProjectOptions,
  formatBaseline,
  loadPolicy,
  modelFilePolicy,
  OptionError,
  type PipelineProgress,
  readBaseline,
  type RegistrySources,
  RevisionError,
  scanModels,
} from "./pipeline/mod.ts";
export {
  type ArtifactChange,
  DIFF_SCHEMA,
  type DiffFormatOptions,
  type DiffSideInfo,
  diffSnapshots,
  type DiffSnapshotsOptions,
  type EnvironmentChange,
  type EvaluatedSide,
  formatDiffJson,
  formatDiffMarkdown,
  formatDiffText,
  type ModelChange,
  type PackageChange,
  type PackageChangeKind,
  type PackageState,
  type ProjectDiff,
  type SignatureChange,
  type SnapshotChanges,
  type SourceChange,
} from "./diff/mod.ts";
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
export {
  type FetchSource,
  HttpClient,
  type HttpOptions,
  type HttpProgress,
  type HttpStats,
  type JsonResult,
  type RequestOptions,
} from "./enrich/http.ts";
export { globMatch } from "./core/glob.ts";
export { formatPurl, parsePurl, type Purl } from "./core/purl.ts";
export { checks } from "./checks/mod.ts";
export { ML06_PREVENTION, policies, PREVENTION_BY_CHECK } from "./policies/mod.ts";
export {
  type CyclonedxBom,
  cyclonedxBom,
  type CyclonedxComponent,
  type CyclonedxDependency,
  type CyclonedxExternalReference,
  type CyclonedxHash,
  type CyclonedxOccurrence,
  type CyclonedxOptions,
  type CyclonedxProperty,
  escapeData,
  escapeProperty,
  FINGERPRINT_KEY,
  formatCyclonedx,
  formatGithub,
  formatJson,
  formatJunit,
  formatMarkdown,
  type FormatOptions,
  formatSarif,
  type Formatter,
  formatters,
  formatText,
  type GithubOptions,
  MARKDOWN_LIMIT,
  type MarkdownOptions,
  type RuleInfo,
  rulesOf,
  SARIF_SEVERITY,
  type SarifOptions,
  type TextOptions,
  TOLLGATE_URI,
} from "./report/mod.ts";

/**
 * Every built-in check factory keyed by check id, sorted by id: what a policy file's `checks`
 * keys name.
 *
 * @example
 * ```ts
 * import { catalogue } from "./mod.ts";
 * catalogue.has("source.https-only"); // true
 * catalogue.get("venv.isolated")?.definition.title;
 * ```
 */
export const catalogue: ReadonlyMap<string, CheckFactory> = builtinCatalogue;
