/**
 * Severity of an advisory: CVSS v3.0/v3.1 base scores and CVSS v4.0 scores computed from their
 * vectors, mapped to the qualitative scale (low, moderate, high, critical); GitHub-style
 * `database_specific.severity` as fallback; otherwise "unknown", with the reason.
 *
 * @module
 */
import type { Advisory } from "../core/snapshot_registry.ts";
import { scoreCvss3 } from "./_cvss_v3.ts";
import { scoreCvss4 } from "./_cvss_v4.ts";

/** A severity Tollgate can compare: an advisory's severity other than "unknown". */
export type KnownSeverity = Exclude<Advisory["severity"], "unknown">;

/** A CVSS version this module scores. */
export type CvssVersion = "3.0" | "3.1" | "4.0";

/** A scored CVSS vector. */
export interface CvssScore {
  /** CVSS version of the vector. */
  version: CvssVersion;
  /** Base score (v3) or score (v4), 0-10 with one decimal. */
  score: number;
  /** Qualitative rating of the score. */
  severity: KnownSeverity;
}

/**
 * Score a CVSS v3.0, v3.1 or v4.0 vector. A vector that breaks the specification's grammar
 * (unknown or repeated metric, value not allowed, base metric missing, other version) is refused
 * with a reason, never guessed at.
 *
 * @param vector The vector string, e.g. `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H`.
 * @returns The version, score and severity, or `{ reason }`.
 * @example
 * ```ts
 * import { scoreCvss } from "./cvss.ts";
 * scoreCvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"); // { version: "3.1", score: 9.8, severity: "critical" }
 * scoreCvss("CVSS:3.1/AV:N"); // { reason: "missing base metric(s) AC, PR, UI, S, C, I, A" }
 * ```
 */
export function scoreCvss(vector: string): CvssScore | { reason: string } {
  if (typeof vector !== "string") return { reason: "vector is not a string" };
  if (vector.startsWith("CVSS:3.0/") || vector.startsWith("CVSS:3.1/")) {
    const result = scoreCvss3(vector);
    if (result.reason !== undefined) return { reason: result.reason };
    const { version, score } = result as { version: "3.0" | "3.1"; score: number };
    return { version, score, severity: severityFromScore(score) };
  }
  if (vector.startsWith("CVSS:4.0/")) {
    const result = scoreCvss4(vector);
    if (result.reason !== undefined) return { reason: result.reason };
    return { version: "4.0", score: result.score, severity: severityFromScore(result.score) };
  }
  return { reason: `not a CVSS v3.0, v3.1 or v4.0 vector: "${vector.slice(0, 40)}"` };
}

/**
 * The qualitative rating of a CVSS score (the scale CVSS v3.x and v4.0 share): 0.1-3.9 low,
 * 4.0-6.9 moderate (CVSS "medium"), 7.0-8.9 high, 9.0-10.0 critical. A score of 0.0 ("none") is
 * reported as low.
 *
 * @param score A CVSS score.
 * @returns The severity.
 * @example
 * ```ts
 * import { severityFromScore } from "./cvss.ts";
 * severityFromScore(6.9); // "moderate"
 * severityFromScore(7.0); // "high"
 * ```
 */
export function severityFromScore(score: number): KnownSeverity {
  if (score >= 9) return "critical";
  if (score >= 7) return "high";
  if (score >= 4) return "moderate";
  return "low";
}

const DATABASE_SEVERITIES: Record<string, KnownSeverity> = {
  LOW: "low",
  MODERATE: "moderate",
  MEDIUM: "moderate",
  HIGH: "high",
  CRITICAL: "critical",
};

/** An OSV `severity[]` entry. */
export interface SeverityEntry {
  /** `CVSS_V2`, `CVSS_V3`, `CVSS_V4`, `Ubuntu`, ... */
  type: string;
  /** The vector (or rating) of that type. */
  score: string;
}

/** The severity chosen for an advisory and how it was found. */
export interface SeverityRating {
  /** The qualitative severity, "unknown" when nothing usable was found. */
  severity: Advisory["severity"];
  /** The CVSS score behind it. */
  score?: number;
  /** The CVSS vector behind it. */
  vector?: string;
  /** Where the severity came from. */
  source?: "cvss_v3" | "cvss_v4" | "database_specific";
  /** Why the severity is unknown, or which vectors were refused. */
  reason?: string;
}

/**
 * Rate an advisory: the highest score among its valid CVSS v3.x/v4.0 vectors; failing that, a
 * GitHub-style `database_specific.severity` (LOW, MODERATE or MEDIUM, HIGH, CRITICAL); failing
 * that, "unknown" with the reason.
 *
 * @param entries OSV `severity[]` entries (record-level and affected-level together).
 * @param databaseSeverity The record's `database_specific.severity`, if any.
 * @returns The rating.
 * @example
 * ```ts
 * import { rateSeverity } from "./cvss.ts";
 * rateSeverity([{ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H" }]).severity; // "high"
 * rateSeverity([], "MODERATE").severity; // "moderate"
 * rateSeverity([{ type: "CVSS_V3", score: "CVSS:3.1/AV:X" }]).reason; // "CVSS_V3 vector refused: ..."
 * ```
 */
export function rateSeverity(
  entries: readonly SeverityEntry[],
  databaseSeverity?: unknown,
): SeverityRating {
  const refused: string[] = [];
  let best: SeverityRating | undefined;
  for (const entry of entries.slice(0, 32)) {
    if (entry.type !== "CVSS_V3" && entry.type !== "CVSS_V4") {
      refused.push(`${String(entry.type).slice(0, 20)} severity not scored`);
      continue;
    }
    const expected = entry.type === "CVSS_V3" ? "CVSS:3." : "CVSS:4.";
    const scored = typeof entry.score === "string" && entry.score.startsWith(expected)
      ? scoreCvss(entry.score)
      : { reason: `a ${entry.type} score must start with "${expected}"` };
    if ("reason" in scored) {
      refused.push(`${entry.type} vector refused: ${scored.reason}`);
      continue;
    }
    if (best === undefined || (best.score as number) < scored.score) {
      best = {
        severity: scored.severity,
        score: scored.score,
        vector: entry.score,
        source: scored.version === "4.0" ? "cvss_v4" : "cvss_v3",
      };
    }
  }
  if (best !== undefined) return best;
  const fromDatabase = typeof databaseSeverity === "string"
    ? DATABASE_SEVERITIES[databaseSeverity.toUpperCase()]
    : undefined;
  if (fromDatabase !== undefined) {
    return {
      severity: fromDatabase,
      source: "database_specific",
      ...(refused.length > 0 ? { reason: refused.join("; ") } : {}),
    };
  }
  if (databaseSeverity !== undefined) {
    refused.push(
      `database_specific.severity ${
        String(JSON.stringify(databaseSeverity)).slice(0, 40)
      } not recognised`,
    );
  }
  return {
    severity: "unknown",
    reason: refused.length > 0
      ? refused.join("; ")
      : "no CVSS v3/v4 vector and no database severity",
  };
}
