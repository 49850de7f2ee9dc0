/**
 * Findings: what a check reports, how bad it is, and the families checks come in.
 *
 * @module
 */
import { z } from "zod";
import type { Assert, Same } from "./_same_type.ts";
import type { Location } from "./location.ts";

/**
 * How bad a finding is. `error` fails a policy by default.
 *
 * @example
 * ```ts
 * import { Severity } from "./check.ts";
 * const severity: Severity = Severity.parse("warning");
 * ```
 */
export type Severity = "info" | "warning" | "error";

/** @ignore The zod schema of {@linkcode Severity}. */
export const Severity = z.enum(["info", "warning", "error"]);
type _Severity = Assert<Same<z.output<typeof Severity>, Severity>>;

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/**
 * Whether `severity` is at least `threshold`.
 *
 * @example
 * ```ts
 * import { atLeast } from "./check.ts";
 * atLeast("error", "warning"); // true
 * ```
 */
export function atLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold];
}

/**
 * Check families, one per kind of ML06 prevention.
 *
 * @example
 * ```ts
 * import { Family } from "./check.ts";
 * Family.options.includes("hub"); // true
 * const family: Family = Family.parse("custom");
 * ```
 */
export type Family =
  | "signature"
  | "freshness"
  | "source"
  | "venv"
  | "hub"
  | "artifact"
  | "infra"
  | "review"
  | "custom";

/** @ignore The zod schema of {@linkcode Family}. */
export const Family = z.enum([
  "signature",
  "freshness",
  "source",
  "venv",
  "hub",
  "artifact",
  "infra",
  "review",
  "custom",
]);
type _Family = Assert<Same<z.output<typeof Family>, Family>>;

/**
 * A finding as a check reports it; the runtime adds `check` and resolves `severity`.
 *
 * @example
 * ```ts
 * import type { FindingDraft } from "./check.ts";
 * const draft: FindingDraft = {
 *   subject: "pkg:pypi/torch",
 *   message: "torch is not pinned to an exact version",
 *   location: { file: "requirements.txt", line: 3 },
 *   fix: "Pin it: torch==2.3.1",
 * };
 * ```
 */
export interface FindingDraft {
  /** What it is about: `pkg:pypi/torch@2.3.1`, `hf:org/model`, `index:https://…`, a path. */
  subject: string;
  /** One sentence a person can act on. */
  message: string;
  /** Where in the project. */
  location?: Location;
  /** Facts behind the finding, for machines. */
  evidence?: Record<string, unknown>;
  /** How to remedy it, concretely. */
  fix?: string;
  /** Overrides the check's default severity for this one finding. */
  severity?: Severity;
}

/**
 * A finding, as reported.
 *
 * @example
 * ```ts
 * import { Finding } from "./check.ts";
 * const finding: Finding = Finding.parse({
 *   check: "venv.isolated",
 *   severity: "error",
 *   subject: "env:.venv",
 *   message: "m",
 * });
 * ```
 */
export interface Finding {
  /** The id of the check that reported it. */
  check: string;
  /** How bad it is, after the policy's overrides. */
  severity: Severity;
  /** What it is about (see {@linkcode FindingDraft}). */
  subject: string;
  /** One sentence a person can act on. */
  message: string;
  /** Where in the project. */
  location?: Location;
  /** Facts behind the finding, for machines. */
  evidence?: Record<string, unknown>;
  /** How to remedy it, concretely. */
  fix?: string;
  /** Stable identity (check, subject, file, rank) for baselines and SARIF; set by the runtime. */
  fingerprint?: string;
}

/** @ignore The zod schema of {@linkcode Finding}. */
export const Finding = z.object({
  check: z.string(),
  severity: Severity,
  subject: z.string(),
  message: z.string(),
  location: z.object({
    file: z.string(),
    line: z.number().int().min(1).optional(),
    column: z.number().int().min(1).optional(),
  }).optional(),
  evidence: z.record(z.string(), z.unknown()).optional(),
  fix: z.string().optional(),
  fingerprint: z.string().optional().describe(
    "Stable identity (check, subject, file, rank) for baselines and SARIF; set by the runtime",
  ),
});
type _Finding = Assert<Same<z.output<typeof Finding>, Finding>>;
