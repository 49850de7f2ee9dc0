/**
 * Checks: one unit of judgement each, with a stable id, a params schema and a pure `run` over the
 * snapshot.
 *
 * @module
 */
import { z } from "zod";
import type { Section, Snapshot } from "./snapshot.ts";
import { type Family, type FindingDraft, Severity } from "./finding.ts";
import { zodIssues } from "./issues.ts";

export { atLeast, Family, Finding, type FindingDraft, Severity } from "./finding.ts";
export { cleanZodMessage, formatKeyPath, zodIssues } from "./issues.ts";

/**
 * What a check receives besides the snapshot and its params.
 *
 * @example
 * ```ts
 * import type { CheckContext } from "./check.ts";
 * const context: CheckContext = { now: new Date("2026-01-01T00:00:00Z"), offline: true };
 * ```
 */
export interface CheckContext {
  /** The evaluation time; checks never read the clock. */
  now: Date;
  /** True when the user asked for no network: missing registry data is then `skipped`. */
  offline: boolean;
}

/**
 * A reference a check cites: a standard, an advisory, a guide.
 *
 * @example
 * ```ts
 * import type { Reference } from "./check.ts";
 * const pep740: Reference = {
 *   title: "PEP 740 – Index support for digital attestations",
 *   url: "https://peps.python.org/pep-0740/",
 * };
 * ```
 */
export interface Reference {
  /** Title of the reference. */
  title: string;
  /** Where to read it. */
  url: string;
}

/**
 * What a configured check asks collection and enrichment for, beyond its `needs`: planning reads
 * these from the policy, so no pipeline code names a particular check.
 *
 * @example
 * ```ts
 * import type { CheckWants } from "./check.ts";
 * const wants: CheckWants = {
 *   signatures: [{ signature: "release/model.sig", model: "models/bert" }],
 *   attestedPackages: ["torch"],
 * };
 * ```
 */
export interface CheckWants {
  /** Signature files to collect and hash besides every `model.sig` (paths relative to the root). */
  signatures?: { signature: string; model?: string }[];
  /** PyPI packages whose PEP 740 provenance to fetch (`registry.provenance`). */
  attestedPackages?: string[];
  /**
   * Ask the package index (`registry.pypi`) about declared PyPI names, pinned or not, besides the
   * pinned ones it is always asked about — all of them except those in `except` (names whose
   * answer is known, such as well-known public ones). Names guessed from a path or URL are never
   * asked.
   */
  declaredPypiNames?: { except: string[] };
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
export function policyWants(
  checks: readonly ConfiguredCheck[],
): Required<Omit<CheckWants, "declaredPypiNames">> & Pick<CheckWants, "declaredPypiNames"> {
  const wants = checks.map((c) => c.definition.wants?.(c.params) ?? {});
  const signatures = new Map<string, { signature: string; model?: string }>();
  for (const s of wants.flatMap((w) => w.signatures ?? [])) {
    signatures.set(`${s.signature}\0${s.model ?? ""}`, s);
  }
  // Asked about when any check wants the answer: a name is left out only if every check does.
  const declared = wants.flatMap((w) => w.declaredPypiNames ? [w.declaredPypiNames.except] : []);
  const except = declared.length === 0
    ? []
    : declared.reduce((kept, next) => kept.filter((name) => next.includes(name)));
  return {
    signatures: [...signatures.values()],
    attestedPackages: [...new Set(wants.flatMap((w) => w.attestedPackages ?? []))],
    ...(declared.length > 0 ? { declaredPypiNames: { except } } : {}),
  };
}

/**
 * A check's params schema: any zod schema fits. Tollgate validates raw params with `safeParse`
 * (which applies defaults), and takes the params' types from the schema's Standard Schema
 * `~standard.types` (see {@linkcode CheckParams}).
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import type { ParamsSchema } from "./check.ts";
 * const params: ParamsSchema = z.object({ maxDays: z.number().default(30) });
 * params.safeParse({}); // { success: true, data: { maxDays: 30 } }
 * ```
 */
export interface ParamsSchema {
  /**
   * Validate raw params, applying defaults.
   *
   * @param data The params as given (from a policy file, or a factory call).
   * @returns The params, or the issues: each with the key path and what was expected.
   */
  safeParse(data: unknown):
    | { success: true; data: unknown }
    | {
      success: false;
      error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> };
    };
  /** The Standard Schema properties (https://standardschema.dev): `types` carries the params' types. */
  readonly "~standard": {
    /** The input and output types; only ever read at the type level. */
    readonly types?: { readonly input: unknown; readonly output: unknown } | undefined;
  };
}

/**
 * The params a check's `run` receives: the output of its params schema, defaults applied.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import type { CheckParams } from "./check.ts";
 * const Params = z.object({ maxDays: z.number().default(30) });
 * const params: CheckParams<typeof Params> = { maxDays: 30 };
 * ```
 */
export type CheckParams<P extends ParamsSchema> = P extends
  { readonly "~standard": { readonly types?: { readonly output: infer Output } } } ? Output
  : unknown;

/**
 * The params a check factory accepts: the input of its params schema (fields with defaults may be
 * left out).
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import type { CheckParamsInput } from "./check.ts";
 * const Params = z.object({ maxDays: z.number().default(30) });
 * const given: CheckParamsInput<typeof Params> = {};
 * ```
 */
export type CheckParamsInput<P extends ParamsSchema> = P extends
  { readonly "~standard": { readonly types?: { readonly input: infer Input } } } ? Input
  : unknown;

/**
 * Everything that defines a check; {@linkcode defineCheck} takes one.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import type { CheckDefinition } from "./check.ts";
 * const Params = z.object({});
 * const definition: CheckDefinition<typeof Params> = {
 *   id: "custom.no-packages",
 *   title: "No packages",
 *   description: "This project must declare no dependencies.",
 *   family: "custom",
 *   severity: "warning",
 *   references: [],
 *   params: Params,
 *   needs: ["packages"],
 *   remedy: "Remove them.",
 *   run: (snapshot) =>
 *     snapshot.packages.map((p) => ({ subject: `pkg:pypi/${p.name}`, message: "declared" })),
 * };
 * ```
 */
export interface CheckDefinition<P extends ParamsSchema = ParamsSchema> {
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
  /**
   * What it asks collection and enrichment for besides its `needs`, given its params.
   *
   * @param params The validated params.
   * @returns Signature files to hash and packages whose attestations to fetch.
   */
  wants?(params: CheckParams<P>): CheckWants;
  /** General remedy, shown by `tollgate explain`. */
  remedy: string;
  /**
   * The judgement: a pure function of the snapshot.
   *
   * @param snapshot The facts (frozen).
   * @param params The validated params.
   * @param context The evaluation time and whether the network is off.
   * @returns The findings.
   */
  run(
    snapshot: Snapshot,
    params: CheckParams<P>,
    context: CheckContext,
  ): FindingDraft[] | Promise<FindingDraft[]>;
}

/**
 * Options set per check in a policy.
 *
 * @example
 * ```ts
 * import { checks } from "../checks/mod.ts";
 * import type { CheckOptions } from "./check.ts";
 * const options: CheckOptions = { severity: "warning", rationale: "ML06: pin what you install" };
 * checks.signature.hashPinned({}, options);
 * ```
 */
export interface CheckOptions {
  /** Replace the severity of every finding. */
  severity?: Severity;
  /** Why the policy enables this check (e.g. the ML06 prevention item). */
  rationale?: string;
}

/**
 * A check with its params resolved, ready to put in a policy.
 *
 * @example
 * ```ts
 * import { checks } from "../checks/mod.ts";
 * import type { ConfiguredCheck } from "./check.ts";
 * const configured: ConfiguredCheck = checks.venv.isolated();
 * configured.id; // "venv.isolated"
 * ```
 */
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

/**
 * A check factory: call it with params to configure the check.
 *
 * @example
 * ```ts
 * import { checks } from "../checks/mod.ts";
 * import type { CheckFactory } from "./check.ts";
 * const factory: CheckFactory = checks.source.httpsOnly;
 * factory({}, { severity: "warning" }).options.severity; // "warning"
 * ```
 */
export interface CheckFactory<P extends ParamsSchema = ParamsSchema> {
  /**
   * Configure the check.
   *
   * @param params Its params; left-out fields take their defaults.
   * @param options Per-policy options.
   * @returns The configured check.
   * @throws {CheckParamsError} naming each bad key and what was expected.
   */
  (params?: CheckParamsInput<P>, options?: CheckOptions): ConfiguredCheck;
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
   * Name the check and list what was wrong with its params.
   *
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
export function defineCheck<P extends ParamsSchema>(
  definition: CheckDefinition<P>,
): CheckFactory<P> {
  if (!CHECK_ID.test(definition.id)) {
    throw new Error(
      `check id "${definition.id}" must be "family.name" in lower-case kebab-case, e.g. "source.https-only"`,
    );
  }
  const factory = (params?: CheckParamsInput<P>, options: CheckOptions = {}): ConfiguredCheck => ({
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
