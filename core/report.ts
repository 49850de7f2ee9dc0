/**
 * The report: what an evaluation decided, in one JSON-able value. Formatters render it and never
 * recompute a verdict.
 *
 * @module
 */
import { z } from "zod";
import { BaselineOutcome } from "./baseline.ts";
import type { Assert, Same } from "./_same_type.ts";
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
 * const status: CheckStatus = CheckStatus.parse("skipped");
 * ```
 */
export type CheckStatus = "pass" | "warn" | "fail" | "error" | "skipped";

/** @ignore The zod schema of {@linkcode CheckStatus}. */
export const CheckStatus = z.enum(["pass", "warn", "fail", "error", "skipped"]);
type _CheckStatus = Assert<Same<z.output<typeof CheckStatus>, CheckStatus>>;

/**
 * A finding a waiver accepted, with the waiver.
 *
 * @example
 * ```ts
 * import { WaivedFinding } from "./report.ts";
 * WaivedFinding.shape.waiver;
 * const accepted: WaivedFinding = WaivedFinding.parse({
 *   check: "signature.hash-pinned",
 *   severity: "error",
 *   subject: "pkg:pypi/internal-utils",
 *   message: "internal-utils is not hash-pinned",
 *   waiver: {
 *     check: "signature.hash-pinned",
 *     subject: "pkg:pypi/internal-*",
 *     reason: "built in-house",
 *     expires: "2026-12-31",
 *   },
 * });
 * ```
 */
export interface WaivedFinding extends Finding {
  /** The waiver that accepted it. */
  waiver: Waiver;
}

/** @ignore The zod schema of {@linkcode WaivedFinding}. */
export const WaivedFinding = Finding.extend({ waiver: Waiver });
type _WaivedFinding = Assert<Same<z.output<typeof WaivedFinding>, WaivedFinding>>;

/**
 * The result of one check: `fail` when an unwaived finding is at or above the policy's `failOn`,
 * `warn` when its findings reach warning but not `failOn`, `pass` otherwise (info findings may
 * remain); `error` when it could not run (`reason` says why), `skipped` when its data was
 * deliberately not fetched (`--offline`).
 *
 * @example
 * ```ts
 * import { CheckResult } from "./report.ts";
 * const result: CheckResult = CheckResult.parse({
 *   check: "venv.isolated", title: "t", family: "venv", status: "pass", findings: [], waived: [],
 * });
 * ```
 */
export interface CheckResult {
  /** The check id. */
  check: string;
  /** The check's title. */
  title: string;
  /** The check's family. */
  family: string;
  /** The outcome. */
  status: CheckStatus;
  /** Findings no waiver accepted. */
  findings: Finding[];
  /** Findings a waiver accepted. */
  waived: WaivedFinding[];
  /** Findings the baseline holds (only when evaluated with one): reported, but not counted. */
  baselined?: Finding[];
  /** Why the check errored or was skipped. */
  reason?: string;
  /** Why the policy enables the check. */
  rationale?: string;
}

/** @ignore The zod schema of {@linkcode CheckResult}. */
export const CheckResult = z.object({
  check: z.string(),
  title: z.string(),
  family: z.string(),
  status: CheckStatus,
  findings: z.array(Finding),
  waived: z.array(WaivedFinding),
  baselined: z.array(Finding).optional(),
  reason: z.string().optional(),
  rationale: z.string().optional(),
});
type _CheckResult = Assert<Same<z.output<typeof CheckResult>, CheckResult>>;

/**
 * The verdict: `fail` when an unwaived finding is at or above `failOn`; otherwise `incomplete`
 * when a check errored or input was unreadable; otherwise `pass`.
 *
 * @example
 * ```ts
 * import { Verdict } from "./report.ts";
 * Verdict.options; // ["pass", "fail", "incomplete"]
 * const verdict: Verdict = Verdict.parse("incomplete");
 * ```
 */
export type Verdict = "pass" | "fail" | "incomplete";

/** @ignore The zod schema of {@linkcode Verdict}. */
export const Verdict = z.enum(["pass", "fail", "incomplete"]);
type _Verdict = Assert<Same<z.output<typeof Verdict>, Verdict>>;

/**
 * The whole report.
 *
 * @example
 * ```ts
 * import { definePolicy } from "./policy.ts";
 * import { Report } from "./report.ts";
 * import { evaluate } from "./evaluate.ts";
 * import { emptySnapshot } from "./snapshot.ts";
 * const made = await evaluate({
 *   snapshot: emptySnapshot({ root: "demo", collectedAt: "2026-01-01T00:00:00.000Z" }),
 *   policy: definePolicy({ name: "empty", checks: [] }),
 *   now: new Date("2026-01-02T00:00:00Z"),
 * });
 * // Validate a stored report with Report.parse(json).
 * const report: Report = Report.parse(JSON.parse(JSON.stringify(made)));
 * report.verdict; // "pass"
 * ```
 */
export interface Report {
  /** Always {@linkcode REPORT_SCHEMA}. */
  schema: "tollgate.report/v1";
  /** The tool that evaluated. */
  tool: {
    /** Its name. */
    name: string;
    /** Its version. */
    version: string;
  };
  /** The project's name (the snapshot's `root`). */
  project: string;
  /** The policy's name. */
  policy: string;
  /** The evaluation time (ISO 8601). */
  evaluatedAt: string;
  /** The lowest severity that fails. */
  failOn: Severity;
  /** Waivers were ignored. */
  strict: boolean;
  /** The verdict. */
  verdict: Verdict;
  /** The snapshot evaluated. */
  snapshot: {
    /** When it was collected. */
    collectedAt: string;
    /** sha256 of the snapshot's JSON, to tie the report to its evidence. */
    digest: string;
  };
  /** Counts of results by status, and of findings by severity. */
  summary: {
    /** Checks that passed. */
    pass: number;
    /** Checks that warned. */
    warn: number;
    /** Checks that failed. */
    fail: number;
    /** Checks that errored. */
    error: number;
    /** Checks that were skipped. */
    skipped: number;
    /** Unwaived findings by severity. */
    findings: {
      /** At severity error. */
      error: number;
      /** At severity warning. */
      warning: number;
      /** At severity info. */
      info: number;
    };
    /** Waived findings. */
    waived: number;
  };
  /** One result per check, ordered by check id. */
  results: CheckResult[];
  /** What the evaluation could and could not see. */
  coverage: {
    /** Files read, with the reader that read them. */
    inputs: {
      /** The file, relative to the root. */
      file: string;
      /** The reader's format name. */
      format: string;
    }[];
    /** Input that could not be read or understood. */
    problems: Problem[];
    /** Snapshot sections that could not be filled, and why (default empty). */
    missing: {
      /** The section. */
      section: string;
      /** Why. */
      reason: string;
    }[];
  };
  /** Where external data came from. */
  data: DataSource[];
  /** What the baseline held and what was fixed since (only when evaluated with one). */
  baseline?: BaselineOutcome;
}

/** @ignore The zod schema of {@linkcode Report}. */
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
  baseline: BaselineOutcome.optional(),
});
type _Report = Assert<Same<z.output<typeof Report>, Report>>;
