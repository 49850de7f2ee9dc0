/**
 * CVSS v3.0 and v3.1 base scores, by the base-score equations of the specification
 * (https://www.first.org/cvss/v3.1/specification-document, section 7.1, with the Roundup of
 * Appendix A, which v3.1 introduced to compute v3.0's "round up to one decimal" without
 * floating-point surprises; both versions share the base equations and weights).
 *
 * @module
 */
import { parseVectorMetrics } from "./_cvss_vector.ts";

const IMPACT_VALUES = ["H", "L", "N"] as const;
const MODIFIED_IMPACT = ["X", "H", "L", "N"] as const;
const REQUIREMENT = ["X", "H", "M", "L"] as const;

/** Metric values of CVSS v3.x: base, then temporal and environmental (validated, not scored). */
const V3_METRICS: Record<string, readonly string[]> = {
  AV: ["N", "A", "L", "P"],
  AC: ["L", "H"],
  PR: ["N", "L", "H"],
  UI: ["N", "R"],
  S: ["U", "C"],
  C: IMPACT_VALUES,
  I: IMPACT_VALUES,
  A: IMPACT_VALUES,
  E: ["X", "H", "F", "P", "U"],
  RL: ["X", "U", "W", "T", "O"],
  RC: ["X", "C", "R", "U"],
  CR: REQUIREMENT,
  IR: REQUIREMENT,
  AR: REQUIREMENT,
  MAV: ["X", "N", "A", "L", "P"],
  MAC: ["X", "L", "H"],
  MPR: ["X", "N", "L", "H"],
  MUI: ["X", "N", "R"],
  MS: ["X", "U", "C"],
  MC: MODIFIED_IMPACT,
  MI: MODIFIED_IMPACT,
  MA: MODIFIED_IMPACT,
};
const V3_BASE = ["AV", "AC", "PR", "UI", "S", "C", "I", "A"];

const ATTACK_VECTOR: Record<string, number> = { N: 0.85, A: 0.62, L: 0.55, P: 0.2 };
const ATTACK_COMPLEXITY: Record<string, number> = { L: 0.77, H: 0.44 };
const PRIVILEGES_UNCHANGED: Record<string, number> = { N: 0.85, L: 0.62, H: 0.27 };
const PRIVILEGES_CHANGED: Record<string, number> = { N: 0.85, L: 0.68, H: 0.5 };
const USER_INTERACTION: Record<string, number> = { N: 0.85, R: 0.62 };
const IMPACT: Record<string, number> = { H: 0.56, L: 0.22, N: 0 };

/**
 * The specification's Roundup: the smallest number with one decimal that is at least the input,
 * computed on integers so that 4.000000000000001 stays 4.0.
 *
 * @param value A non-negative number.
 * @returns The value rounded up to one decimal.
 * @example
 * ```ts
 * import { roundUp } from "./_cvss_v3.ts";
 * roundUp(4.02); // 4.1
 * roundUp(4.000000000000001); // 4
 * ```
 */
export function roundUp(value: number): number {
  const scaled = Math.round(value * 100_000);
  return scaled % 10_000 === 0 ? scaled / 100_000 : (Math.floor(scaled / 10_000) + 1) / 10;
}

/**
 * The base score of a CVSS v3.0 or v3.1 vector. Temporal and environmental metrics are checked but
 * do not change the base score.
 *
 * @param vector A `CVSS:3.0/...` or `CVSS:3.1/...` vector.
 * @returns The score (0-10, one decimal) and version, or the reason the vector was refused.
 * @example
 * ```ts
 * import { scoreCvss3 } from "./_cvss_v3.ts";
 * scoreCvss3("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"); // { version: "3.1", score: 9.8 }
 * ```
 */
export function scoreCvss3(
  vector: string,
): { version: "3.0" | "3.1"; score: number; reason?: undefined } | { reason: string } {
  const version = vector.startsWith("CVSS:3.0/") ? "3.0" : "3.1";
  const parsed = parseVectorMetrics(vector, {
    prefix: `CVSS:${version}`,
    allowed: V3_METRICS,
    required: V3_BASE,
  });
  if (parsed.reason !== undefined) return { reason: parsed.reason };
  const m = (name: string) => parsed.metrics.get(name) as string;
  const changed = m("S") === "C";
  const iss = 1 - (1 - IMPACT[m("C")]) * (1 - IMPACT[m("I")]) * (1 - IMPACT[m("A")]);
  const impact = changed ? 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15) : 6.42 * iss;
  const privileges = (changed ? PRIVILEGES_CHANGED : PRIVILEGES_UNCHANGED)[m("PR")];
  const exploitability = 8.22 * ATTACK_VECTOR[m("AV")] * ATTACK_COMPLEXITY[m("AC")] * privileges *
    USER_INTERACTION[m("UI")];
  if (impact <= 0) return { version, score: 0 };
  const sum = changed ? 1.08 * (impact + exploitability) : impact + exploitability;
  return { version, score: roundUp(Math.min(sum, 10)) };
}
