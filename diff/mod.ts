/**
 * Reviewing a change to a project's supply chain: two snapshots compared fact by fact
 * ({@linkcode diffSnapshots}), findings matched by fingerprint ({@linkcode diffProjects}), and
 * the result as text, JSON or Markdown. Pure: the pipeline's `diffProject` collects the sides.
 *
 * @example
 * ```ts
 * import { diffSnapshots } from "./mod.ts";
 * import { emptySnapshot } from "../core/snapshot.ts";
 * const side = emptySnapshot({ root: "p", collectedAt: "2026-01-01T00:00:00.000Z" });
 * diffSnapshots({ base: side, head: side }).models; // []
 * ```
 *
 * @module
 */
export {
  type ArtifactChange,
  diffSnapshots,
  type DiffSnapshotsOptions,
  type EnvironmentChange,
  isUnchanged,
  MAX_DIFF_ENTRIES,
  type ModelChange,
  type PackageChange,
  type PackageChangeKind,
  type PackageState,
  type SignatureChange,
  type SnapshotChanges,
  type SourceChange,
} from "./changes.ts";
export {
  DIFF_SCHEMA,
  diffProjects,
  type DiffSideInfo,
  type EvaluatedSide,
  type ProjectDiff,
} from "./project.ts";
export {
  type DiffFormatOptions,
  formatDiffJson,
  formatDiffMarkdown,
  formatDiffText,
} from "./format.ts";
