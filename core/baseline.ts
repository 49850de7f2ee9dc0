/**
 * Baselines: the findings a team has already seen, recorded by fingerprint, so a run fails only on
 * what is new and lists what was fixed. A baseline is adoption without amnesty: every finding in
 * it stays in the report (`baselined`), only the verdict ignores it.
 *
 * Waived findings are not recorded: a waiver has an owner and an expiry, and a baseline must not
 * outlive it.
 *
 * @module
 */
import { z } from "zod";
import type { Assert, Same } from "./_same_type.ts";
import { type Finding, Severity } from "./finding.ts";
import type { CheckResult, Report } from "./report.ts";

/**
 * The schema identifier of v1 baselines.
 *
 * @example
 * ```ts
 * import { BASELINE_SCHEMA } from "./baseline.ts";
 * BASELINE_SCHEMA; // "tollgate.baseline/v1"
 * ```
 */
export const BASELINE_SCHEMA = "tollgate.baseline/v1" as const;

/**
 * One recorded finding: its fingerprint decides; the rest is for the people reviewing the file.
 *
 * @example
 * ```ts
 * import { BaselineEntry } from "./baseline.ts";
 * const entry: BaselineEntry = BaselineEntry.parse({
 *   fingerprint: "0123456789abcdef0123456789abcdef", check: "venv.isolated", severity: "error",
 *   subject: "env:.venv", file: ".venv/pyvenv.cfg", message: "m",
 * });
 * ```
 */
export interface BaselineEntry {
  /** The finding's fingerprint (see `fingerprintAll`). */
  fingerprint: string;
  /** The check id. */
  check: string;
  /** The finding's severity when recorded. */
  severity: Severity;
  /** The finding's subject. */
  subject: string;
  /** The finding's file, if it had one. */
  file?: string;
  /** The finding's message when recorded. */
  message: string;
}

/** @ignore The zod schema of {@linkcode BaselineEntry}. */
export const BaselineEntry = z.object({
  fingerprint: z.string().regex(/^[0-9a-f]{32}$/, "expected 32 hex digits"),
  check: z.string().min(1),
  severity: Severity,
  subject: z.string(),
  file: z.string().optional(),
  message: z.string(),
});
type _BaselineEntry = Assert<Same<z.output<typeof BaselineEntry>, BaselineEntry>>;

/**
 * A baseline file (`tollgate check --write-baseline FILE`).
 *
 * @example
 * ```ts
 * import { Baseline } from "./baseline.ts";
 * const baseline: Baseline = Baseline.parse({
 *   schema: "tollgate.baseline/v1", createdAt: "2026-01-01T00:00:00.000Z", project: "app",
 *   policy: "recommended", findings: [],
 * });
 * ```
 */
export interface Baseline {
  /** Always {@linkcode BASELINE_SCHEMA}. */
  schema: "tollgate.baseline/v1";
  /** When the findings were recorded (the report's evaluation time). */
  createdAt: string;
  /** The project's name when recorded. */
  project: string;
  /** The policy's name when recorded. */
  policy: string;
  /** The findings, ordered by check, file, subject and fingerprint. */
  findings: BaselineEntry[];
}

/** @ignore The zod schema of {@linkcode Baseline}. */
export const Baseline = z.object({
  schema: z.literal(BASELINE_SCHEMA),
  createdAt: z.string(),
  project: z.string(),
  policy: z.string(),
  findings: z.array(BaselineEntry).max(1_000_000),
});
type _Baseline = Assert<Same<z.output<typeof Baseline>, Baseline>>;

/**
 * What a baseline did to a report.
 *
 * @example
 * ```ts
 * import type { BaselineOutcome } from "./baseline.ts";
 * const outcome: BaselineOutcome = { createdAt: "2026-01-01T00:00:00.000Z", known: 3, fixed: [], unchecked: 0 };
 * ```
 */
export interface BaselineOutcome {
  /** When the baseline was recorded. */
  createdAt: string;
  /** Findings of this run that the baseline holds (in each result's `baselined`). */
  known: number;
  /** Recorded findings that this run, whose check ran, no longer finds. */
  fixed: BaselineEntry[];
  /** Recorded findings of checks that did not run this time (errored, skipped, not in the policy). */
  unchecked: number;
}

/** @ignore The zod schema of {@linkcode BaselineOutcome}. */
export const BaselineOutcome = z.object({
  createdAt: z.string(),
  known: z.number().int(),
  fixed: z.array(BaselineEntry),
  unchecked: z.number().int(),
});
type _BaselineOutcome = Assert<Same<z.output<typeof BaselineOutcome>, BaselineOutcome>>;

/**
 * Record a report's findings, known ones included, waived ones not.
 *
 * @param report The report.
 * @returns The baseline.
 * @example
 * ```ts
 * import { baselineOf } from "./baseline.ts";
 * import { evaluate } from "./evaluate.ts";
 * import { definePolicy } from "./policy.ts";
 * import { emptySnapshot } from "./snapshot.ts";
 * const report = await evaluate({
 *   snapshot: emptySnapshot({ root: "demo", collectedAt: "2026-01-01T00:00:00.000Z" }),
 *   policy: definePolicy({ name: "empty", checks: [] }),
 *   now: new Date("2026-01-02T00:00:00Z"),
 * });
 * baselineOf(report).findings; // []
 * ```
 */
export function baselineOf(report: Report): Baseline {
  const entries = new Map<string, BaselineEntry>();
  for (const result of report.results) {
    for (const finding of [...result.findings, ...(result.baselined ?? [])]) {
      if (finding.fingerprint === undefined) continue;
      entries.set(finding.fingerprint, entryOf(finding));
    }
  }
  const findings = [...entries.values()].sort((a, b) =>
    compare(a.check, b.check) || compare(a.file ?? "", b.file ?? "") ||
    compare(a.subject, b.subject) || compare(a.fingerprint, b.fingerprint)
  );
  return {
    schema: BASELINE_SCHEMA,
    createdAt: report.evaluatedAt,
    project: report.project,
    policy: report.policy,
    findings,
  };
}

/**
 * Move the findings a baseline holds from each result's `findings` to its `baselined`, and say what
 * was fixed. Results change in place; statuses are for the caller to recompute.
 *
 * @param results Fingerprinted results.
 * @param baseline The baseline.
 * @returns The outcome for the report.
 * @example
 * ```ts
 * import { applyBaseline } from "./baseline.ts";
 * applyBaseline([], {
 *   schema: "tollgate.baseline/v1", createdAt: "2026-01-01T00:00:00.000Z", project: "p",
 *   policy: "p", findings: [],
 * }); // { createdAt: "2026-01-01T00:00:00.000Z", known: 0, fixed: [], unchecked: 0 }
 * ```
 */
export function applyBaseline(results: CheckResult[], baseline: Baseline): BaselineOutcome {
  const recorded = new Set(baseline.findings.map((entry) => entry.fingerprint));
  const seen = new Set<string>();
  const ran = new Set<string>();
  let known = 0;
  for (const result of results) {
    if (result.status === "error" || result.status === "skipped") continue;
    ran.add(result.check);
    const kept: Finding[] = [];
    const baselined: Finding[] = [];
    for (const finding of result.findings) {
      const print = finding.fingerprint ?? "";
      seen.add(print);
      (recorded.has(print) ? baselined : kept).push(finding);
    }
    for (const finding of result.waived) seen.add(finding.fingerprint ?? "");
    result.findings = kept;
    result.baselined = baselined;
    known += baselined.length;
  }
  const fixed = baseline.findings.filter((e) => ran.has(e.check) && !seen.has(e.fingerprint));
  const unchecked = baseline.findings.filter((e) => !ran.has(e.check)).length;
  return { createdAt: baseline.createdAt, known, fixed, unchecked };
}

function entryOf(finding: Finding): BaselineEntry {
  return {
    fingerprint: finding.fingerprint!,
    check: finding.check,
    severity: finding.severity,
    subject: finding.subject,
    ...(finding.location ? { file: finding.location.file } : {}),
    message: finding.message,
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
