/**
 * What formatters know about a check beyond the report: its texts, family, default severity,
 * remedy and references. A report carries only each result's id, title and family, so callers that
 * have the policy pass its catalogue along ({@linkcode rulesOf}).
 *
 * @module
 */
import type { Family, Reference, Severity } from "../core/check.ts";
import type { Policy } from "../core/policy.ts";
import type { CheckResult } from "../core/report.ts";

/**
 * A check as formatters describe it: the texts of its definition, the severity the policy gives.
 *
 * @example
 * ```ts
 * import { type RuleInfo, rulesOf } from "./rules.ts";
 * import { recommended } from "../policies/mod.ts";
 * const rules: RuleInfo[] = rulesOf(recommended);
 * rules.some((rule) => rule.id === "venv.isolated"); // true
 * ```
 */
export interface RuleInfo {
  /** The check's id, `family.name`. */
  id: string;
  /** A short title. */
  title: string;
  /** What it checks and why. */
  description: string;
  /** The family it belongs to. */
  family: Family | string;
  /** The severity of its findings unless a finding says otherwise. */
  severity: Severity;
  /** How to remedy its findings in general. */
  remedy: string;
  /** Further reading; the first is the rule's help link. */
  references: readonly Reference[];
}

/**
 * The rules of a policy's checks, with each check's severity as the policy sets it.
 *
 * @param policy The policy the report was evaluated with.
 * @returns One rule per configured check, in the policy's order.
 * @example
 * ```ts
 * import { rulesOf } from "./rules.ts";
 * import { recommended } from "../policies/mod.ts";
 * rulesOf(recommended).find((r) => r.id === "venv.isolated")?.family; // "venv"
 * ```
 */
export function rulesOf(policy: Pick<Policy, "checks">): RuleInfo[] {
  return policy.checks.map(({ definition, options }) => ({
    id: definition.id,
    title: definition.title,
    description: definition.description,
    family: definition.family,
    severity: options.severity ?? definition.severity,
    remedy: definition.remedy,
    references: definition.references,
  }));
}

/**
 * One rule for every result, in the report's order: from the catalogue when it has the check,
 * otherwise derived from the result (synthetic results such as `policy.waivers`, or a report
 * rendered without a catalogue).
 *
 * @param results The report's results.
 * @param catalogue Rules known to the caller.
 * @returns Rules, one per distinct check id.
 * @example
 * ```ts
 * import { rulesForResults } from "./rules.ts";
 * rulesForResults([
 *   { check: "policy.waivers", title: "Waivers", family: "custom", status: "pass", findings: [], waived: [] },
 * ], [])[0].severity; // "warning"
 * ```
 */
export function rulesForResults(
  results: readonly CheckResult[],
  catalogue: readonly RuleInfo[] = [],
): RuleInfo[] {
  const known = new Map(catalogue.map((rule) => [rule.id, rule]));
  const rules = new Map<string, RuleInfo>();
  for (const result of results) {
    if (rules.has(result.check)) continue;
    rules.set(result.check, known.get(result.check) ?? derivedRule(result));
  }
  return [...rules.values()];
}

function derivedRule(result: CheckResult): RuleInfo {
  const severities = [...result.findings, ...result.waived].map((f) => f.severity);
  const severity: Severity = severities.includes("error")
    ? "error"
    : severities.includes("warning") || severities.length === 0
    ? "warning"
    : "info";
  return {
    id: result.check,
    title: result.title,
    description: result.rationale ?? result.title,
    family: result.family,
    severity,
    remedy: "",
    references: [],
  };
}
