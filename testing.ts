/**
 * Build snapshots in a few lines and run checks against them: for unit-testing your own policies
 * and checks with `deno test`, the way Tollgate's own tests do.
 *
 * @example
 * ```ts
 * import { pkg, runCheck, snapshotOf } from "./testing.ts";
 * import { checks } from "./mod.ts";
 *
 * const findings = await runCheck(
 *   checks.signature.hashPinned(),
 *   snapshotOf({ packages: [pkg("numpy==1.26.4")] }),
 * );
 * findings[0].message; // "numpy is pinned but has no hash."
 * ```
 *
 * @module
 */
import type { ConfiguredCheck, Finding } from "./core/check.ts";
import { evaluate } from "./core/evaluate.ts";
import { definePolicy, type Policy } from "./core/policy.ts";
import type { Report } from "./core/report.ts";
import {
  type CommandWord,
  emptySnapshot,
  type Environment,
  type Exposure,
  type Index,
  type Launch,
  type ModelReference,
  type OwnerRule,
  type Package,
  Section,
  type ServerCall,
  Snapshot,
} from "./core/snapshot.ts";
import { exactVersion, parsePep508 } from "./collect/mod.ts";

/**
 * The fixed time test snapshots and evaluations use unless told otherwise.
 *
 * @example
 * ```ts
 * import { TEST_NOW } from "./testing.ts";
 * TEST_NOW.toISOString(); // "2026-01-15T12:00:00.000Z"
 * ```
 */
export const TEST_NOW = new Date("2026-01-15T12:00:00Z");

/**
 * A snapshot from a few sections. Every section the collector reads counts as collected (empty
 * unless given), as after a real `collect`; registry sections only when `registry` has them.
 * Pass `collected` to model a snapshot that lacks sections.
 * The result is validated against the schema, so a test cannot build an impossible snapshot.
 *
 * @example
 * ```ts
 * import { pkg, snapshotOf } from "./testing.ts";
 * snapshotOf({ packages: [pkg("torch==2.3.1")] }).collected.includes("environments"); // true
 * ```
 */
export function snapshotOf(
  sections: Partial<Omit<Snapshot, "schema" | "tool">> = {},
): Snapshot {
  const base = emptySnapshot({ root: "project", collectedAt: TEST_NOW.toISOString() });
  // What the collector reads is "collected, maybe empty"; registry data only when given.
  const collected = sections.collected ??
    Section.options.filter((s) =>
      !s.startsWith("registry.") ||
      (sections.registry !== undefined && s.slice(9) in sections.registry)
    );
  return Snapshot.parse({ ...base, ...sections, collected });
}

/**
 * A package entry from a requirement string (`"torch==2.3.1"`, `"numpy>=1.26"`), declared in
 * `requirements.txt` line 1 unless `overrides` say otherwise.
 *
 * @example
 * ```ts
 * import { pkg } from "./testing.ts";
 * pkg("torch==2.3.1", { hashes: ["sha256:" + "0".repeat(64)] }).version; // "2.3.1"
 * ```
 */
export function pkg(requirement: string, overrides: Partial<Package> = {}): Package {
  const parsed = parsePep508(requirement);
  return {
    ecosystem: "pypi",
    name: parsed.normalisedName,
    ...(exactVersion(parsed.specifier) ? { version: exactVersion(parsed.specifier) } : {}),
    specifier: parsed.specifier,
    extras: parsed.extras,
    ...(parsed.markers ? { markers: parsed.markers } : {}),
    hashes: [],
    source: parsed.url ? { kind: "url", url: parsed.url } : { kind: "index" },
    layer: "requirements",
    direct: true,
    editable: false,
    groups: [],
    locations: [{ file: "requirements.txt", line: 1 }],
    ...overrides,
  };
}

/**
 * An index entry (`role` primary unless overridden), configured in `requirements.txt` line 1.
 *
 * @example
 * ```ts
 * import { index } from "./testing.ts";
 * index("https://pypi.org/simple", { role: "extra" }).role; // "extra"
 * ```
 */
export function index(url: string, overrides: Partial<Index> = {}): Index {
  return { url, role: "primary", location: { file: "requirements.txt", line: 1 }, ...overrides };
}

/**
 * A virtualenv at `path` (isolated unless overridden).
 *
 * @example
 * ```ts
 * import { venv } from "./testing.ts";
 * venv(".venv", { includeSystemSitePackages: true }).includeSystemSitePackages; // true
 * ```
 */
export function venv(path: string, overrides: Partial<Environment> = {}): Environment {
  return {
    path,
    kind: "venv",
    includeSystemSitePackages: false,
    distributions: [],
    location: { file: `${path}/pyvenv.cfg` },
    ...overrides,
  };
}

/**
 * A Hugging Face model reference loaded with `from_pretrained` in `train.py` line 1.
 *
 * @example
 * ```ts
 * import { model } from "./testing.ts";
 * model("meta-llama/Llama-3-8B", { revision: "main" }).publisher; // "meta-llama"
 * ```
 */
export function model(repoId: string, overrides: Partial<ModelReference> = {}): ModelReference {
  const slash = repoId.indexOf("/");
  return {
    hub: "huggingface",
    repoId,
    ...(slash > 0 ? { publisher: repoId.slice(0, slash) } : {}),
    loader: "AutoModel.from_pretrained",
    location: { file: "train.py", line: 1 },
    ...overrides,
  };
}

/**
 * The words of a command line for a {@linkcode launch}: split on blanks, with single and double
 * quotes removed as a shell removes them (so `--token=''` is the word `--token=`), and every
 * `$NAME`, `${…}` or `$(…)` outside single quotes named as unresolved. Not a shell: no escapes,
 * operators or here-documents (the collector's splitter handles those).
 *
 * @example
 * ```ts
 * import { commandWords } from "./testing.ts";
 * commandWords(`mlflow server --host "$HOST" --app-name ''`);
 * // [{ text: "mlflow" }, { text: "server" }, { text: "--host" },
 * //  { text: "$HOST", unresolved: ["$HOST"] }, { text: "--app-name" }, { text: "" }]
 * ```
 */
export function commandWords(command: string): CommandWord[] {
  const words: CommandWord[] = [];
  let word: { text: string; unresolved: string[] } | undefined;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (quote === undefined && /\s/.test(c)) {
      if (word) words.push(word.unresolved.length ? word : { text: word.text });
      word = undefined;
      continue;
    }
    word ??= { text: "", unresolved: [] };
    if (c === quote) quote = undefined;
    else if (quote === undefined && (c === "'" || c === '"')) quote = c;
    else if (c === "$" && quote !== "'") {
      const expansion = /^\$(?:\{[^}]*\}|\([^)]*\)|[A-Za-z_][A-Za-z0-9_]*)/.exec(command.slice(i));
      if (expansion) {
        word.text += expansion[0];
        word.unresolved.push(expansion[0]);
        i += expansion[0].length - 1;
      } else word.text += c;
    } else word.text += c;
  }
  if (word) words.push(word.unresolved.length ? word : { text: word.text });
  return words;
}

/**
 * A process a deployment file starts (see {@linkcode commandWords} for how `command` is split):
 * compose service `app` at `docker-compose.yml` line 1 unless `overrides` say otherwise.
 *
 * @example
 * ```ts
 * import { launch } from "./testing.ts";
 * const tracking = launch("mlflow server --host 0.0.0.0", { unit: "tracking" });
 * tracking.argv.map((w) => w.text); // ["mlflow", "server", "--host", "0.0.0.0"]
 * ```
 */
export function launch(command: string, overrides: Partial<Launch> = {}): Launch {
  return {
    origin: "compose",
    unit: "app",
    argv: commandWords(command),
    env: [],
    location: { file: "docker-compose.yml", line: 1 },
    ...overrides,
  };
}

/**
 * How a unit is reachable: a compose port published on every interface (`via: "port"`, no host
 * address) at `docker-compose.yml` line 1 unless `overrides` say otherwise.
 *
 * @example
 * ```ts
 * import { exposure } from "./testing.ts";
 * exposure("tracking", { hostPort: "5000", port: "5000", hostIp: "127.0.0.1" }).hostIp; // "127.0.0.1"
 * ```
 */
export function exposure(unit: string, overrides: Partial<Exposure> = {}): Exposure {
  return {
    origin: "compose",
    unit,
    via: "port",
    location: { file: "docker-compose.yml", line: 1 },
    ...overrides,
  };
}

/**
 * A Python call that starts a server (`gradio.launch`, `uvicorn.run`…) with keyword arguments as
 * written in the source, in `app.py` line 1 unless `overrides` say otherwise.
 *
 * @example
 * ```ts
 * import { serverCall } from "./testing.ts";
 * serverCall("gradio.launch", { share: "True" }).args.share; // "True"
 * ```
 */
export function serverCall(
  call: string,
  args: Record<string, string> = {},
  overrides: Partial<ServerCall> = {},
): ServerCall {
  return { call, args, location: { file: "app.py", line: 1 }, ...overrides };
}

/**
 * A CODEOWNERS rule, numbered by `line` in the root `CODEOWNERS` unless `overrides` say otherwise.
 *
 * @example
 * ```ts
 * import { ownerRule } from "./testing.ts";
 * ownerRule("/requirements*.txt", ["@ml-platform"], { line: 3 }).location; // { file: "CODEOWNERS", line: 3 }
 * ```
 */
export function ownerRule(
  pattern: string,
  owners: string[],
  overrides: Partial<OwnerRule> & { line?: number } = {},
): OwnerRule {
  const { line = 1, ...rest } = overrides;
  return { pattern, owners, location: { file: "CODEOWNERS", line }, ...rest };
}

/**
 * Evaluate one configured check alone and return its unwaived findings. Throws if the check
 * errored, with its reason, so a broken check fails the test loudly.
 *
 * @example
 * ```ts
 * import { runCheck, snapshotOf, venv } from "./testing.ts";
 * import { checks } from "./mod.ts";
 * const findings = await runCheck(
 *   checks.venv.isolated(),
 *   snapshotOf({ environments: [venv(".venv", { includeSystemSitePackages: true })] }),
 * );
 * findings.length; // 1
 * ```
 */
export async function runCheck(
  check: ConfiguredCheck,
  snapshot: Snapshot,
  options: { now?: Date; offline?: boolean } = {},
): Promise<Finding[]> {
  const report = await runPolicy(
    definePolicy({ name: `test:${check.id}`, checks: [check] }),
    snapshot,
    options,
  );
  const result = report.results.find((r) => r.check === check.id)!;
  if (result.status === "error") throw new Error(`${check.id} errored: ${result.reason}`);
  return result.findings;
}

/**
 * Evaluate a whole policy against a snapshot at {@linkcode TEST_NOW} (or `now`).
 *
 * @example
 * ```ts
 * import { runPolicy, snapshotOf } from "./testing.ts";
 * import { policies } from "./mod.ts";
 * const report = await runPolicy(policies.recommended, snapshotOf({ packages: [] }));
 * report.verdict;
 * ```
 */
export function runPolicy(
  policy: Policy,
  snapshot: Snapshot,
  options: { now?: Date; offline?: boolean; strict?: boolean } = {},
): Promise<Report> {
  return evaluate({ snapshot, policy, ...options, now: options.now ?? TEST_NOW });
}
