/**
 * The report: what an evaluation decided, in one JSON-able value. Formatters render it and never
 * recompute a verdict.
 *
 * @module
 */
import { z } from "zod";
import { Finding, Severity } from "./check.ts";
import { Waiver } from "./policy.ts";
import { DataSource, Problem } from "./snapshot.ts";

/**
 * The schema identifier of v1 reports.
 *
 * @example
 * ```ts
 * import { REPORT_SCHEMA } from "./report.ts";
 * REPORT_SCHEMA; // "tollgate.report/v1"
 * ```
 */
export const REPORT_SCHEMA = "tollgate.report/v1" as const;

/**
 * The id of the synthetic result that reports expired and orphaned waivers.
 *
 * @example
 * ```ts
 * import { WAIVERS_CHECK_ID } from "./report.ts";
 * WAIVERS_CHECK_ID; // "policy.waivers"
 * ```
 */
export const WAIVERS_CHECK_ID = "policy.waivers";

/**
 * Outcome of one check.
 *
 * @example
 * ```ts
 * import { CheckStatus } from "./report.ts";
 * CheckStatus.parse("skipped");
 * ```
 */
export const CheckStatus = z.enum(["pass", "warn", "fail", "error", "skipped"]);
/** Outcome of one check. */
export type CheckStatus = z.infer<typeof CheckStatus>;

/**
 * A finding a waiver accepted, with the waiver.
 *
 * @example
 * ```ts
 * import { WaivedFinding } from "./report.ts";
 * WaivedFinding.shape.waiver;
 * ```
 */
export const WaivedFinding = Finding.extend({ waiver: Waiver });
/** A finding a waiver accepted. */
export type WaivedFinding = z.infer<typeof WaivedFinding>;

/**
 * The result of one check: `fail` when an unwaived finding is at or above the policy's `failOn`,
 * `warn` when its findings reach warning but not `failOn`, `pass` otherwise (info findings may
 * remain); `error` when it could not run (`reason` says why), `skipped` when its data was
 * deliberately not fetched (`--offline`).
 *
 * @example
 * ```ts
 * import { CheckResult } from "./report.ts";
 * CheckResult.parse({
 *   check: "venv.isolated", title: "t", family: "venv", status: "pass", findings: [], waived: [],
 * });
 * ```
 */
export const CheckResult = z.object({
  check: z.string(),
  title: z.string(),
  family: z.string(),
  status: CheckStatus,
  findings: z.array(Finding),
  waived: z.array(WaivedFinding),
  reason: z.string().optional(),
  rationale: z.string().optional(),
});
/** The result of one check. */
export type CheckResult = z.infer<typeof CheckResult>;

/**
 * The verdict: `fail` when an unwaived finding is at or above `failOn`; otherwise `incomplete`
 * when a check errored or input was unreadable; otherwise `pass`.
 *
 * @example
 * ```ts
 * import { Verdict } from "./report.ts";
 * Verdict.options; // ["pass", "fail", "incomplete"]
 * ```
 */
export const Verdict = z.enum(["pass", "fail", "incomplete"]);
/** The verdict. */
export type Verdict = z.infer<typeof Verdict>;

/**
 * The whole report.
 *
 * @example
 * ```ts
 * import { Report } from "./report.ts";
 * const schema = Report; // validate stored reports with Report.parse(json)
 * ```
 */
export const Report = z.object({
  schema: z.literal(REPORT_SCHEMA),
  tool: z.object({ name: z.string(), version: z.string() }),
  project: z.string(),
  policy: z.string(),
  evaluatedAt: z.string(),
  failOn: Severity,
  strict: z.boolean(),
  verdict: Verdict,
  snapshot: z.object({
    collectedAt: z.string(),
    digest: z.string().describe("sha256 of the snapshot's JSON, to tie the report to its evidence"),
  }),
  summary: z.object({
    pass: z.number().int(),
    warn: z.number().int(),
    fail: z.number().int(),
    error: z.number().int(),
    skipped: z.number().int(),
    findings: z.object({
      error: z.number().int(),
      warning: z.number().int(),
      info: z.number().int(),
    }),
    waived: z.number().int(),
  }),
  results: z.array(CheckResult),
  coverage: z.object({
    inputs: z.array(z.object({ file: z.string(), format: z.string() })),
    problems: z.array(Problem),
    missing: z.array(z.object({ section: z.string(), reason: z.string() })).default([])
      .describe("Snapshot sections that could not be filled, and why"),
  }),
  data: z.array(DataSource),
});
/** The whole report. */
export type Report = z.infer<typeof Report>;
