/**
 * Policies: a named set of configured checks, waivers and the severity that fails the build.
 *
 * @module
 */
import { z } from "zod";
import type { Assert, Same } from "./_same_type.ts";
import { type ConfiguredCheck, Severity } from "./check.ts";

/**
 * An accepted risk: findings of `check` whose subject matches the `subject` glob are reported as
 * waived until `expires` (inclusive, UTC). `reason` is required; so is an expiry date, because a
 * waiver without one is a silent permanent exception.
 *
 * @example
 * ```ts
 * import { Waiver } from "./policy.ts";
 * const waiver: Waiver = Waiver.parse({
 *   check: "signature.hash-pinned", subject: "pkg:pypi/internal-*",
 *   reason: "internal wheels are built in-house", owner: "@ml-platform", expires: "2026-12-31",
 * });
 * ```
 */
export interface Waiver {
  /** Check id, or '*' for any check. Never empty. */
  check: string;
  /** Glob over finding subjects: '*' any run, '?' one character. Never empty. */
  subject: string;
  /** Path glob over the finding's file: '*' within a folder, '**' across folders. */
  file?: string;
  /** Why the risk is accepted. Never empty. */
  reason: string;
  /** Who answers for it. */
  owner?: string;
  /** The last day it applies, `YYYY-MM-DD` (UTC, inclusive). */
  expires: string;
}

/** @ignore The zod schema of {@linkcode Waiver}; unknown keys are refused. */
export const Waiver = z.object({
  check: z.string().min(1).describe("Check id, or '*' for any check"),
  subject: z.string().min(1).describe("Glob over finding subjects: '*' any run, '?' one character"),
  file: z.string().min(1).optional().describe(
    "Path glob over the finding's file: '*' within a folder, '**' across folders",
  ),
  reason: z.string().min(1),
  owner: z.string().optional(),
  expires: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date as YYYY-MM-DD").refine(
    (text) => !Number.isNaN(Date.parse(`${text}T00:00:00Z`)),
    "expected a real calendar date",
  ),
}).strict();
type _Waiver = Assert<Same<z.output<typeof Waiver>, Waiver>>;

/**
 * Whether a waiver has expired at `now`: it applies through the whole `expires` day (UTC).
 *
 * @example
 * ```ts
 * import { waiverExpired } from "./policy.ts";
 * waiverExpired({ check: "*", subject: "*", reason: "r", expires: "2026-01-01" },
 *   new Date("2026-01-01T23:00:00Z")); // false
 * ```
 */
export function waiverExpired(waiver: Waiver, now: Date): boolean {
  return now.getTime() >= Date.parse(`${waiver.expires}T00:00:00Z`) + 24 * 60 * 60 * 1000;
}

/**
 * Marks a check id as switched off in a policy (overrides an enabled one from `extends`).
 *
 * @example
 * ```ts
 * import { disable, type DisabledCheck } from "./policy.ts";
 * const off: DisabledCheck = disable("venv.isolated");
 * ```
 */
export interface DisabledCheck {
  /** The check id. */
  id: string;
  /** Always true. */
  disabled: true;
}

/**
 * Switch a check off, e.g. one enabled by an extended policy.
 *
 * @example
 * ```ts
 * import { definePolicy, disable } from "./policy.ts";
 * const base = definePolicy({ name: "base", checks: [] });
 * definePolicy({ name: "mine", extends: [base], checks: [disable("venv.isolated")] });
 * ```
 */
export function disable(id: string): DisabledCheck {
  return { id, disabled: true };
}

/**
 * A resolved policy: what `evaluate` runs.
 *
 * @example
 * ```ts
 * import { definePolicy, type Policy } from "./policy.ts";
 * const policy: Policy = definePolicy({ name: "team", checks: [] });
 * policy.failOn; // "error"
 * ```
 */
export interface Policy {
  /** Its name, shown in reports. */
  name: string;
  /** Enabled checks, one per id, ordered by id. */
  checks: ConfiguredCheck[];
  /** Ids disabled explicitly (kept so that later `extends` layers know). */
  disabled: string[];
  /** Accepted risks. */
  waivers: Waiver[];
  /** The lowest severity that fails the policy. */
  failOn: Severity;
}

/**
 * What `definePolicy` takes.
 *
 * @example
 * ```ts
 * import { checks } from "../checks/mod.ts";
 * import { definePolicy, disable, type PolicyInput } from "./policy.ts";
 * const input: PolicyInput = {
 *   name: "team",
 *   checks: [checks.source.httpsOnly(), disable("venv.isolated")],
 *   failOn: "warning",
 * };
 * definePolicy(input).checks.length; // 1
 * ```
 */
export interface PolicyInput {
  /** The policy's name. */
  name: string;
  /** Policies to start from, merged in order by check id; this one's entries win. */
  extends?: Policy[];
  /** Checks to enable (configured) or disable. */
  checks?: Array<ConfiguredCheck | DisabledCheck>;
  /** Accepted risks, added to those of extended policies. */
  waivers?: Waiver[];
  /** The lowest severity that fails; default: that of the last extended policy, else `error`. */
  failOn?: Severity;
}

/**
 * Build a policy. `extends` merges by check id, later layers winning, and this policy's own
 * entries last; waivers accumulate.
 *
 * @param input Name, checks, waivers, failOn and policies to extend.
 * @returns The resolved policy.
 * @example
 * ```ts
 * import { definePolicy } from "./policy.ts";
 * const policy = definePolicy({ name: "team", checks: [], failOn: "warning" });
 * policy.failOn; // "warning"
 * ```
 */
export function definePolicy(input: PolicyInput): Policy {
  const byId = new Map<string, ConfiguredCheck>();
  const disabled = new Set<string>();
  let failOn: Severity = "error";
  const waivers: Waiver[] = [];
  const apply = (entries: Array<ConfiguredCheck | DisabledCheck>) => {
    for (const entry of entries) {
      if ("disabled" in entry) {
        byId.delete(entry.id);
        disabled.add(entry.id);
      } else {
        byId.set(entry.id, entry);
        disabled.delete(entry.id);
      }
    }
  };
  for (const parent of input.extends ?? []) {
    apply([...parent.disabled.map(disable), ...parent.checks]);
    waivers.push(...parent.waivers);
    failOn = parent.failOn;
  }
  apply(input.checks ?? []);
  for (const waiver of input.waivers ?? []) waivers.push(Waiver.parse(waiver));
  if (input.failOn) failOn = Severity.parse(input.failOn);
  return {
    name: input.name,
    checks: [...byId.values()].sort((a, b) => compareText(a.id, b.id)),
    disabled: [...disabled].sort(compareText),
    waivers,
    failOn,
  };
}

/**
 * Code-unit order, the same on every machine and locale (unlike `localeCompare`).
 *
 * @example
 * ```ts
 * import { compareText } from "./policy.ts";
 * ["b", "a"].sort(compareText); // ["a", "b"]
 * ```
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
