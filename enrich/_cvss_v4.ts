/**
 * CVSS v4.0 scores by the specification's algorithm (https://www.first.org/cvss/v4.0/specification-document,
 * section 8): the vector falls into a MacroVector (six equivalence sets), whose score comes from
 * FIRST's table; the vector's severity distance from the MacroVector's highest-severity vector,
 * as a proportion of each set's depth, interpolates towards the next lower MacroVectors.
 *
 * @module
 */
import { parseVectorMetrics } from "./_cvss_vector.ts";
import { HIGHEST_SEVERITY, LEVEL_DEPTH, MACRO_VECTOR_SCORES } from "./_cvss_v4_data.ts";

const IMPACT = ["H", "L", "N"] as const;
const MODIFIED_IMPACT = ["X", "H", "L", "N"] as const;
const MODIFIED_SUBSEQUENT = ["X", "S", "H", "L", "N"] as const;
const REQUIREMENT = ["X", "H", "M", "L"] as const;

/** Metric values of CVSS v4.0: base, threat, environmental, supplemental. */
const V4_METRICS: Record<string, readonly string[]> = {
  AV: ["N", "A", "L", "P"],
  AC: ["L", "H"],
  AT: ["N", "P"],
  PR: ["N", "L", "H"],
  UI: ["N", "P", "A"],
  VC: IMPACT,
  VI: IMPACT,
  VA: IMPACT,
  SC: IMPACT,
  SI: IMPACT,
  SA: IMPACT,
  E: ["X", "A", "P", "U"],
  CR: REQUIREMENT,
  IR: REQUIREMENT,
  AR: REQUIREMENT,
  MAV: ["X", "N", "A", "L", "P"],
  MAC: ["X", "L", "H"],
  MAT: ["X", "N", "P"],
  MPR: ["X", "N", "L", "H"],
  MUI: ["X", "N", "P", "A"],
  MVC: MODIFIED_IMPACT,
  MVI: MODIFIED_IMPACT,
  MVA: MODIFIED_IMPACT,
  MSC: MODIFIED_IMPACT,
  MSI: MODIFIED_SUBSEQUENT,
  MSA: MODIFIED_SUBSEQUENT,
  S: ["X", "N", "P"],
  AU: ["X", "N", "Y"],
  R: ["X", "A", "U", "I"],
  V: ["X", "D", "C"],
  RE: ["X", "L", "M", "H"],
  U: ["X", "Clear", "Green", "Amber", "Red"],
};
const V4_BASE = ["AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA"];

/** Severity level of each value, in steps of 0.1 (0 is the most severe). */
const LEVELS: Record<string, Record<string, number>> = {
  AV: { N: 0, A: 1, L: 2, P: 3 },
  PR: { N: 0, L: 1, H: 2 },
  UI: { N: 0, P: 1, A: 2 },
  AC: { L: 0, H: 1 },
  AT: { N: 0, P: 1 },
  VC: { H: 0, L: 1, N: 2 },
  VI: { H: 0, L: 1, N: 2 },
  VA: { H: 0, L: 1, N: 2 },
  SC: { H: 1, L: 2, N: 3 },
  SI: { S: 0, H: 1, L: 2, N: 3 },
  SA: { S: 0, H: 1, L: 2, N: 3 },
  CR: { H: 0, M: 1, L: 2 },
  IR: { H: 0, M: 1, L: 2 },
  AR: { H: 0, M: 1, L: 2 },
};

/** The value that counts for a metric: the modified one when set, the worst case for "X". */
function effectiveMetrics(metrics: Map<string, string>): (name: string) => string {
  return (name) => {
    const value = metrics.get(name) ?? "X";
    if (name === "E" && value === "X") return "A";
    if ((name === "CR" || name === "IR" || name === "AR") && value === "X") return "H";
    const modified = metrics.get(`M${name}`);
    return modified !== undefined && modified !== "X" ? modified : value;
  };
}

/** The six equivalence-set levels of a vector, as the MacroVector's digits. */
function macroVector(m: (name: string) => string): string {
  const any = (...pairs: [string, string][]) => pairs.some(([name, value]) => m(name) === value);
  const eq1 = m("AV") === "N" && m("PR") === "N" && m("UI") === "N"
    ? 0
    : any(["AV", "N"], ["PR", "N"], ["UI", "N"]) && m("AV") !== "P"
    ? 1
    : 2;
  const eq2 = m("AC") === "L" && m("AT") === "N" ? 0 : 1;
  const eq3 = m("VC") === "H" && m("VI") === "H"
    ? 0
    : any(["VC", "H"], ["VI", "H"], ["VA", "H"])
    ? 1
    : 2;
  const eq4 = any(["MSI", "S"], ["MSA", "S"])
    ? 0
    : any(["SC", "H"], ["SI", "H"], ["SA", "H"])
    ? 1
    : 2;
  const eq5 = { A: 0, P: 1, U: 2 }[m("E")] ?? 0;
  const eq6 = (m("CR") === "H" && m("VC") === "H") || (m("IR") === "H" && m("VI") === "H") ||
      (m("AR") === "H" && m("VA") === "H")
    ? 0
    : 1;
  return `${eq1}${eq2}${eq3}${eq4}${eq5}${eq6}`;
}

/** Round half up to one decimal, absorbing floating-point error below 1e-6 as FIRST's calculator does. */
function roundOneDecimal(value: number): number {
  return Math.round((value + 1e-6) * 10) / 10;
}

/** Score of the MacroVector one level lower in an equivalence set, if there is one. */
function lowerScore(digits: number[], changes: [number, number][][]): number | undefined {
  const scores = changes.map((change) => {
    const next = [...digits];
    for (const [index, step] of change) next[index] += step;
    return MACRO_VECTOR_SCORES.get(next.join(""));
  }).filter((score): score is number => score !== undefined);
  return scores.length === 0 ? undefined : Math.max(...scores);
}

/**
 * The score of a CVSS v4.0 vector (CVSS-B, or -BT/-BE/-BTE when threat or environmental metrics
 * are given). Supplemental metrics are checked but do not change the score.
 *
 * @param vector A `CVSS:4.0/...` vector.
 * @returns The score (0-10, one decimal), or the reason the vector was refused.
 * @example
 * ```ts
 * import { scoreCvss4 } from "./_cvss_v4.ts";
 * scoreCvss4("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"); // { score: 9.3 }
 * ```
 */
export function scoreCvss4(vector: string): { score: number; reason?: undefined } | {
  reason: string;
} {
  const parsed = parseVectorMetrics(vector, {
    prefix: "CVSS:4.0",
    allowed: V4_METRICS,
    required: V4_BASE,
  });
  if (parsed.reason !== undefined) return { reason: parsed.reason };
  const m = effectiveMetrics(parsed.metrics);
  if (["VC", "VI", "VA", "SC", "SI", "SA"].every((name) => m(name) === "N")) return { score: 0 };
  const macro = macroVector(m);
  const value = MACRO_VECTOR_SCORES.get(macro) as number;
  const digits = [...macro].map(Number);
  const [eq1, eq2, eq3, eq4, eq5, eq6] = macro;
  const eq3eq6 = `${eq3}${eq6}`;

  // The vector's distance from the first highest-severity vector of its MacroVector that is at
  // least as severe in every metric.
  let distances: Record<string, number> = {};
  search: for (const a of HIGHEST_SEVERITY.eq1[eq1]) {
    for (const b of HIGHEST_SEVERITY.eq2[eq2]) {
      for (const c of HIGHEST_SEVERITY.eq3eq6[eq3eq6]) {
        for (const d of HIGHEST_SEVERITY.eq4[eq4]) {
          for (const e of HIGHEST_SEVERITY.eq5[eq5]) {
            const highest = new Map(
              [a, b, c, d, e].join("/").split("/").map((pair) =>
                pair.split(":") as [string, string]
              ),
            );
            distances = Object.fromEntries(
              Object.keys(LEVELS).map((name) => [
                name,
                LEVELS[name][m(name)] - LEVELS[name][highest.get(name) as string],
              ]),
            );
            if (Object.values(distances).every((distance) => distance >= 0)) break search;
          }
        }
      }
    }
  }
  const sum = (...names: string[]) => names.reduce((total, name) => total + distances[name], 0);
  const eq3eq6Lower: [number, number][][] = eq3eq6 === "00"
    ? [[[5, 1]], [[2, 1]]]
    : eq3eq6 === "10"
    ? [[[5, 1]]]
    : [[[2, 1]]];
  const sets = [
    {
      lower: lowerScore(digits, [[[0, 1]]]),
      distance: sum("AV", "PR", "UI"),
      depth: LEVEL_DEPTH.eq1[eq1],
    },
    {
      lower: lowerScore(digits, [[[1, 1]]]),
      distance: sum("AC", "AT"),
      depth: LEVEL_DEPTH.eq2[eq2],
    },
    {
      lower: lowerScore(digits, eq3eq6Lower),
      distance: sum("VC", "VI", "VA", "CR", "IR", "AR"),
      depth: LEVEL_DEPTH.eq3eq6[eq3eq6],
    },
    {
      lower: lowerScore(digits, [[[3, 1]]]),
      distance: sum("SC", "SI", "SA"),
      depth: LEVEL_DEPTH.eq4[eq4],
    },
    { lower: lowerScore(digits, [[[4, 1]]]), distance: 0, depth: 1 },
  ].filter((set) => set.lower !== undefined);
  const mean = sets.length === 0 ? 0 : sets.reduce(
    (total, set) => total + (value - (set.lower as number)) * (set.distance / set.depth),
    0,
  ) / sets.length;
  return { score: roundOneDecimal(Math.max(0, Math.min(10, value - mean))) };
}
