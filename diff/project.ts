/**
 * A review of a change: what entered, left or changed in the supply chain, and which findings the
 * change introduced or fixed. Findings are matched by fingerprint, as baselines match them, so a
 * pull request fails only on what it brought.
 *
 * @module
 */
import type { BaselineEntry } from "../core/baseline.ts";
import type { Finding, Severity } from "../core/check.ts";
import type { Report, Verdict } from "../core/report.ts";
import type { Snapshot } from "../core/snapshot.ts";
import { diffSnapshots, type SnapshotChanges } from "./changes.ts";

/** The schema identifier of a diff. */
export const DIFF_SCHEMA = "tollgate.diff/v1" as const;

/**
 * What one side of a diff is: a project directory, a stored snapshot, or a git revision.
 *
 * @example
 * ```ts
 * import type { DiffSideInfo } from "./project.ts";
 * const side: DiffSideInfo = {
 *   kind: "git", label: "origin/main", commit: "a".repeat(40), project: "app", verdict: "fail",
 * };
 * ```
 */
export interface DiffSideInfo {
  /** The kind of side. */
  kind: "directory" | "snapshot" | "git";
  /** The path, snapshot file or revision as given. */
  label: string;
  /** The commit, for a git revision. */
  commit?: string;
  /** The project's name. */
  project: string;
  /** The side's own verdict (every finding counted). */
  verdict: Verdict;
}

/**
 * The whole review: the two sides, the changes, and new and fixed findings.
 *
 * @example
 * ```ts
 * import type { ProjectDiff } from "./project.ts";
 * const show = (diff: ProjectDiff) => `${diff.findings.new.length} new finding(s)`;
 * ```
 */
export interface ProjectDiff {
  /** Always {@linkcode DIFF_SCHEMA}. */
  schema: typeof DIFF_SCHEMA;
  /** The tool. */
  tool: { name: string; version: string };
  /** The policy both sides were evaluated with. */
  policy: string;
  /** The lowest severity that fails. */
  failOn: Severity;
  /** When HEAD was evaluated. */
  evaluatedAt: string;
  /**
   * The change's verdict: `fail` when HEAD adds findings at or above `failOn`, `incomplete` when
   * HEAD could not be fully evaluated, else `pass`. Findings BASE already had do not count.
   */
  verdict: Verdict;
  /** BASE. */
  base: DiffSideInfo;
  /** HEAD. */
  head: DiffSideInfo;
  /** What entered, left or changed. */
  changes: SnapshotChanges;
  /** Findings by fingerprint. */
  findings: {
    /** On HEAD and not on BASE. */
    new: Finding[];
    /** On BASE and not on HEAD, from checks that ran on HEAD. */
    fixed: BaselineEntry[];
    /** On both. */
    unchanged: number;
    /** On BASE, from checks that could not run on HEAD (neither fixed nor kept). */
    unchecked: number;
  };
  /** What HEAD's evaluation could not see (input problems, sections not filled). */
  coverage: Report["coverage"];
  /** Checks that errored or were skipped on HEAD, with the reason. */
  unrun: Array<{ check: string; status: "error" | "skipped"; reason: string }>;
}

/**
 * One evaluated side: what it is, its snapshot and its report.
 *
 * @example
 * ```ts
 * import type { EvaluatedSide } from "./project.ts";
 * const verdictOf = (side: EvaluatedSide) => side.report.verdict;
 * ```
 */
export interface EvaluatedSide {
  /** The kind of side. */
  kind: DiffSideInfo["kind"];
  /** As given. */
  label: string;
  /** For a git revision. */
  commit?: string;
  /** Its snapshot. */
  snapshot: Snapshot;
  /** Its report (every finding). */
  report: Report;
}

/**
 * Assemble the review. `head.report` must have been evaluated with BASE's findings as its baseline
 * (`baselineOf(base.report)`), so its remaining findings are the new ones and its baseline outcome
 * lists the fixed ones; `headVerdict` is that evaluation's verdict.
 *
 * @param options The two sides.
 * @returns The diff.
 * @example
 * ```ts
 * import { baselineOf } from "../core/baseline.ts";
 * import { evaluate } from "../core/evaluate.ts";
 * import { definePolicy } from "../core/policy.ts";
 * import { emptySnapshot } from "../core/snapshot.ts";
 * import { diffProjects } from "./project.ts";
 * const snapshot = emptySnapshot({ root: "p", collectedAt: "2026-01-01T00:00:00.000Z" });
 * const policy = definePolicy({ name: "empty", checks: [] });
 * const report = await evaluate({ snapshot, policy });
 * const judged = await evaluate({ snapshot, policy, baseline: baselineOf(report) });
 * const diff = diffProjects({
 *   base: { kind: "snapshot", label: "base.json", snapshot, report },
 *   head: { kind: "snapshot", label: "head.json", snapshot, report },
 *   judged,
 * });
 * diff.verdict; // "pass"
 * ```
 */
export function diffProjects(options: {
  /** BASE, evaluated on its own. */
  base: EvaluatedSide;
  /** HEAD, evaluated on its own. */
  head: EvaluatedSide;
  /** HEAD evaluated with BASE's findings as the baseline. */
  judged: Report;
}): ProjectDiff {
  const { base, head, judged } = options;
  const info = (side: EvaluatedSide): DiffSideInfo => ({
    kind: side.kind,
    label: side.label,
    ...(side.commit !== undefined ? { commit: side.commit } : {}),
    project: side.report.project,
    verdict: side.report.verdict,
  });
  const fresh = judged.results.flatMap((r) => r.findings);
  const unrun = judged.results.flatMap((r) =>
    r.status === "error" || r.status === "skipped"
      ? [{ check: r.check, status: r.status, reason: r.reason ?? "" }]
      : []
  );
  return {
    schema: DIFF_SCHEMA,
    tool: judged.tool,
    policy: judged.policy,
    failOn: judged.failOn,
    evaluatedAt: judged.evaluatedAt,
    verdict: judged.verdict,
    base: info(base),
    head: info(head),
    changes: diffSnapshots({ base: base.snapshot, head: head.snapshot }),
    findings: {
      new: fresh,
      fixed: judged.baseline?.fixed ?? [],
      unchanged: judged.baseline?.known ?? 0,
      unchecked: judged.baseline?.unchecked ?? 0,
    },
    coverage: judged.coverage,
    unrun,
  };
}
