/**
 * Checks: one unit of judgement each, with a stable id, a params schema and a pure `run` over the
 * snapshot.
 *
 * @module
 */
import { z } from "zod";
import type { Location, Section, Snapshot } from "./snapshot.ts";

/**
 * How bad a finding is. `error` fails a policy by default.
 *
 * @example
 * ```ts
 * import { Severity } from "./check.ts";
 * Severity.parse("warning");
 * ```
 */
export const Severity = z.enum(["info", "warning", "error"]);
/** How bad a finding is. */
export type Severity = z.infer<typeof Severity>;

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
 * ```
 */
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
/** A check family. */
export type Family = z.infer<typeof Family>;

/** A finding as a check reports it; the runtime adds `check` and resolves `severity`. */
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
 * Finding.parse({ check: "venv.isolated", severity: "error", subject: "env:.venv", message: "m" });
 * ```
 */
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
/** A finding, as reported. */
export type Finding = z.infer<typeof Finding>;

/** What a check receives besides the snapshot and its params. */
export interface CheckContext {
  /** The evaluation time; checks never read the clock. */
  now: Date;
  /** True when the user asked for no network: missing registry data is then `skipped`. */
  offline: boolean;
}

/** A reference a check cites: a standard, an advisory, a guide. */
export interface Reference {
  /** Title of the reference. */
  title: string;
  /** Where to read it. */
  url: string;
}

/**
 * What a configured check asks collection and enrichment for, beyond its `needs`: planning reads
 * these from the policy, so no pipeline code names a particular check.
 */
export interface CheckWants {
  /** Signature files to collect and hash besides every `model.sig` (paths relative to the root). */
  signatures?: { signature: string; model?: string }[];
  /** PyPI packages whose PEP 740 provenance to fetch (`registry.provenance`). */
  attestedPackages?: string[];
}

/**
 * Everything the checks of a policy want, merged (see {@linkcode CheckWants}).
 *
 * @example
 * ```ts
 * import { policyWants } from "./check.ts";
 * policyWants([]); // { signatures: [], attestedPackages: [] }
 * ```
 */
export function policyWants(checks: readonly ConfiguredCheck[]): Required<CheckWants> {
  const wants = checks.map((c) => c.definition.wants?.(c.params) ?? {});
  const signatures = new Map<string, { signature: string; model?: string }>();
  for (const s of wants.flatMap((w) => w.signatures ?? [])) {
    signatures.set(`${s.signature}\0${s.model ?? ""}`, s);
  }
  return {
    signatures: [...signatures.values()],
    attestedPackages: [...new Set(wants.flatMap((w) => w.attestedPackages ?? []))],
  };
}

/** Everything that defines a check. */
export interface CheckDefinition<P extends z.ZodType = z.ZodType> {
  /** Stable id, `family.kebab-name`. */
  id: string;
  /** A short title. */
  title: string;
  /** What it checks and why, in a paragraph. */
  description: string;
  /** The family it belongs to. */
  family: Family;
  /** Severity of its findings unless a finding or the policy says otherwise. */
  severity: Severity;
  /** Further reading. */
  references: Reference[];
  /** Schema of its params; every field should have a default. */
  params: P;
  /** Snapshot sections it reads; missing ones make the result `error` (or `skipped` offline). */
  needs: Section[];
  /** What it asks collection and enrichment for besides its `needs`, given its params. */
  wants?(params: z.output<P>): CheckWants;
  /** General remedy, shown by `tollgate explain`. */
  remedy: string;
  /** The judgement: a pure function of the snapshot. */
  run(
    snapshot: Snapshot,
    params: z.output<P>,
    context: CheckContext,
  ): FindingDraft[] | Promise<FindingDraft[]>;
}

/** Options set per check in a policy. */
export interface CheckOptions {
  /** Replace the severity of every finding. */
  severity?: Severity;
  /** Why the policy enables this check (e.g. the ML06 prevention item). */
  rationale?: string;
}

/** A check with its params resolved, ready to put in a policy. */
export interface ConfiguredCheck {
  /** The check's id. */
  id: string;
  /** Its definition. */
  definition: CheckDefinition;
  /** Validated params (defaults applied). */
  params: unknown;
  /** Per-policy options. */
  options: CheckOptions;
}

/** A check factory: call it with params to configure the check. */
export interface CheckFactory<P extends z.ZodType> {
  (params?: z.input<P>, options?: CheckOptions): ConfiguredCheck;
  /** The check's id. */
  readonly id: string;
  /** Its definition. */
  readonly definition: CheckDefinition<P>;
}

/**
 * Raised for invalid params or options; `path` is the key path inside the params.
 *
 * @example
 * ```ts
 * import { CheckParamsError } from "./check.ts";
 * new CheckParamsError("venv.isolated", [{ path: "x", message: "unknown key" }]).message;
 * ```
 */
export class CheckParamsError extends Error {
  /** The check id. */
  readonly check: string;
  /** Issues, each with a key path and what was expected. */
  readonly issues: Array<{ path: string; message: string }>;
  /**
   * @param check The check id.
   * @param issues What was wrong and where.
   */
  constructor(check: string, issues: Array<{ path: string; message: string }>) {
    super(
      `${check}: invalid params: ` +
        issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; "),
    );
    this.name = "CheckParamsError";
    this.check = check;
    this.issues = issues;
  }
}

const CHECK_ID = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*\.[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/**
 * Define a check. Returns a factory: call it with params to get a configured check for a policy.
 *
 * @param definition The check's id, texts, params schema, needs and `run`.
 * @returns A factory carrying `id` and `definition`.
 * @example
 * ```ts
 * import { z } from "zod";
 * import { defineCheck } from "./check.ts";
 *
 * const noTorch = defineCheck({
 *   id: "custom.no-torch",
 *   title: "No torch",
 *   description: "This service must not depend on torch.",
 *   family: "custom",
 *   severity: "error",
 *   references: [],
 *   params: z.object({ name: z.string().default("torch") }),
 *   needs: ["packages"],
 *   remedy: "Remove the dependency.",
 *   run: (snapshot, params) =>
 *     snapshot.packages.filter((p) => p.name === params.name).map((p) => ({
 *       subject: `pkg:pypi/${p.name}`,
 *       message: `${p.name} is not allowed here`,
 *       location: p.locations[0],
 *     })),
 * });
 * const configured = noTorch({ name: "torch" });
 * ```
 */
export function defineCheck<P extends z.ZodType>(definition: CheckDefinition<P>): CheckFactory<P> {
  if (!CHECK_ID.test(definition.id)) {
    throw new Error(
      `check id "${definition.id}" must be "family.name" in lower-case kebab-case, e.g. "source.https-only"`,
    );
  }
  const factory = (params?: z.input<P>, options: CheckOptions = {}): ConfiguredCheck => ({
    id: definition.id,
    definition: definition as unknown as CheckDefinition,
    params: parseParams(definition, params ?? {}),
    options: parseOptions(definition.id, options),
  });
  Object.defineProperty(factory, "id", { value: definition.id });
  Object.defineProperty(factory, "definition", { value: definition });
  return factory as CheckFactory<P>;
}

/**
 * Validate raw params against a check's schema, applying defaults.
 *
 * @throws {CheckParamsError} naming each bad key and what was expected.
 * @example
 * ```ts
 * import { z } from "zod";
 * import { defineCheck, parseParams } from "./check.ts";
 * const c = defineCheck({
 *   id: "custom.example", title: "", description: "", family: "custom", severity: "info",
 *   references: [], params: z.object({ n: z.number().default(1) }), needs: [], remedy: "",
 *   run: () => [],
 * });
 * parseParams(c.definition, {}); // { n: 1 }
 * ```
 */
export function parseParams(definition: CheckDefinition, raw: unknown): unknown {
  const result = definition.params.safeParse(raw);
  if (result.success) return result.data;
  throw new CheckParamsError(definition.id, zodIssues(result.error));
}

const CheckOptionsSchema = z.object({
  severity: Severity.optional(),
  rationale: z.string().optional(),
}).strict();

function parseOptions(check: string, options: unknown): CheckOptions {
  const result = CheckOptionsSchema.safeParse(options);
  if (result.success) return result.data;
  throw new CheckParamsError(check, zodIssues(result.error));
}

/**
 * Flatten a zod error into `{ path, message }` pairs with dotted key paths (`a.b[2]`).
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { zodIssues } from "./check.ts";
 * const r = z.object({ a: z.number() }).safeParse({ a: "x" });
 * if (!r.success) zodIssues(r.error); // [{ path: "a", message: "expected number, received string" }]
 * ```
 */
export function zodIssues(error: z.ZodError): Array<{ path: string; message: string }> {
  return error.issues.map((issue) => ({
    path: formatKeyPath(issue.path),
    message: cleanZodMessage(issue.message),
  }));
}

/**
 * Strip zod's generic lead-ins ("Invalid input: ", "Invalid option: ") so that messages read as
 * what was expected.
 *
 * @example
 * ```ts
 * import { cleanZodMessage } from "./check.ts";
 * cleanZodMessage("Invalid input: expected string, received number"); // "expected string, received number"
 * ```
 */
export function cleanZodMessage(message: string): string {
  return message.replace(/^Invalid (?:input|option|value): /, "");
}

/**
 * Format a key path as `a.b[2].c`; keys that are not identifiers are quoted (`checks["x.y"]`).
 *
 * @example
 * ```ts
 * import { formatKeyPath } from "./check.ts";
 * formatKeyPath(["checks", "source.https-only", "hosts", 0]); // 'checks["source.https-only"].hosts[0]'
 * ```
 */
export function formatKeyPath(keys: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const key of keys) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      out += out ? `.${key}` : key;
    } else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}
