/**
 * Policy files written as data: `tollgate.yaml`, `tollgate.toml` or `[tool.tollgate]` in
 * pyproject.toml. Parsing and resolving are pure; the caller reads the files.
 *
 * @module
 */
import { z } from "zod";
import type { Assert, Same } from "./_same_type.ts";
import { LineCounter, parseDocument } from "yaml";
import { parse as parseToml, TomlError } from "smol-toml";
import {
  type CheckFactory,
  CheckParamsError,
  cleanZodMessage,
  formatKeyPath,
  Severity,
} from "./check.ts";
import { definePolicy, disable, type Policy, Waiver } from "./policy.ts";

/**
 * The fields of a policy file.
 *
 * @example
 * ```ts
 * import { PolicyConfig } from "./config.ts";
 * const config: PolicyConfig = PolicyConfig.parse({
 *   extends: ["recommended"],
 *   checks: { "source.allowed-indexes": { indexes: ["https://pypi.org/simple"] }, "venv.isolated": false },
 *   severity: { "hub.revision-pinned": "warning" },
 *   failOn: "error",
 * });
 * ```
 */
export interface PolicyConfig {
  /** The policy's name (default: the file's). Never empty. */
  name?: string;
  /** Built-in policy names ('recommended', 'strict') or paths relative to this file. */
  extends?: string[];
  /** Check id → params object; true enables with defaults; false disables. */
  checks?: Record<string, boolean | Record<string, unknown>>;
  /** Check id → severity that replaces the check's own. */
  severity?: Record<string, Severity>;
  /** Accepted risks. */
  waivers?: Waiver[];
  /** The lowest severity that fails. */
  failOn?: Severity;
}

/** @ignore The zod schema of {@linkcode PolicyConfig}; unknown keys are refused. */
export const PolicyConfig = z.object({
  name: z.string().min(1).optional(),
  extends: z.array(z.string().min(1)).optional()
    .describe("Built-in policy names ('recommended', 'strict') or paths relative to this file"),
  checks: z.record(
    z.string(),
    z.union([z.boolean(), z.record(z.string(), z.unknown())]),
  ).optional().describe("Check id → params object; true enables with defaults; false disables"),
  severity: z.record(z.string(), Severity).optional()
    .describe("Check id → severity that replaces the check's own"),
  waivers: z.array(Waiver).optional(),
  failOn: Severity.optional(),
}).strict();
type _PolicyConfig = Assert<Same<z.output<typeof PolicyConfig>, PolicyConfig>>;

/**
 * The syntaxes a policy file can be written in.
 *
 * @example
 * ```ts
 * import { type ConfigFormat, parsePolicyConfig } from "./config.ts";
 * const format: ConfigFormat = "toml";
 * parsePolicyConfig({ text: 'failOn = "warning"\n', file: "tollgate.toml", format })?.failOn; // "warning"
 * ```
 */
export type ConfigFormat = "yaml" | "toml" | "pyproject";

/**
 * A policy-file error: names the file, and where known the line and key path.
 *
 * @example
 * ```ts
 * import { ConfigError } from "./config.ts";
 * String(new ConfigError({ file: "tollgate.yaml", line: 3, keyPath: "failOn", message: "expected error" }).message);
 * // "tollgate.yaml:3: failOn: expected error"
 * ```
 */
export class ConfigError extends Error {
  /** The file. */
  readonly file: string;
  /** 1-based line, when known. */
  readonly line?: number;
  /** Key path inside the file, when known. */
  readonly keyPath?: string;
  /**
   * Name the file and, where known, the line and key path of what was wrong.
   *
   * @param options The file, line, key path and what was expected.
   */
  constructor(options: { file: string; line?: number; keyPath?: string; message: string }) {
    const where = options.line ? `${options.file}:${options.line}` : options.file;
    super(`${where}: ${options.keyPath ? `${options.keyPath}: ` : ""}${options.message}`);
    this.name = "ConfigError";
    this.file = options.file;
    this.line = options.line;
    this.keyPath = options.keyPath;
  }
}

/**
 * Parse and validate a policy file's text. For `pyproject`, returns `undefined` when there is no
 * `[tool.tollgate]` table.
 *
 * @param options The text, the file name for messages, and the syntax.
 * @returns The validated config.
 * @throws {ConfigError} naming the file, line (YAML) and key path.
 * @example
 * ```ts
 * import { parsePolicyConfig } from "./config.ts";
 * const config = parsePolicyConfig({
 *   text: "extends: [recommended]\nfailOn: warning\n", file: "tollgate.yaml", format: "yaml",
 * });
 * config?.failOn; // "warning"
 * ```
 */
export function parsePolicyConfig(
  options: { text: string; file: string; format: ConfigFormat },
): PolicyConfig | undefined {
  const { text, file, format } = options;
  let raw: unknown;
  let lineOf: (keys: PropertyKey[]) => number | undefined = () => undefined;
  if (format === "yaml") {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
    const first = doc.errors[0];
    if (first) {
      throw new ConfigError({
        file,
        line: first.linePos?.[0].line,
        message: `not valid YAML: ${first.message.split("\n")[0]}`,
      });
    }
    try {
      raw = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      // Unresolved or excessive aliases surface only when the document is converted.
      throw new ConfigError({ file, message: `not valid YAML: ${(error as Error).message}` });
    }
    lineOf = (keys) => {
      for (let n = keys.length; n >= 0; n--) {
        const node = doc.getIn(keys.slice(0, n), true) as { range?: [number, number, number] };
        if (node?.range) return lineCounter.linePos(node.range[0]).line;
      }
      return undefined;
    };
  } else {
    try {
      raw = parseToml(text);
    } catch (error) {
      const line = error instanceof TomlError ? error.line : undefined;
      const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
      throw new ConfigError({ file, line, message: `not valid TOML: ${message}` });
    }
    if (format === "pyproject") {
      const tool = (raw as Record<string, unknown>).tool as Record<string, unknown> | undefined;
      if (tool?.tollgate === undefined) return undefined;
      raw = tool.tollgate;
    }
  }
  const prefix = format === "pyproject" ? ["tool", "tollgate"] : [];
  raw = tomlDatesAsText(raw);
  if (raw === null || raw === undefined) {
    throw new ConfigError({ file, message: "is empty; expected a policy with checks or extends" });
  }
  const result = PolicyConfig.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const keys = issue.path as PropertyKey[];
    throw new ConfigError({
      file,
      line: lineOf(keys),
      keyPath: formatKeyPath([...prefix, ...keys]) || undefined,
      message: describeIssue(issue, raw),
    });
  }
  return result.data;
}

/** TOML has a date type (`expires = 2026-12-31`); waivers take the date as `YYYY-MM-DD` text. */
function tomlDatesAsText(raw: unknown): unknown {
  const waivers = (raw as { waivers?: unknown } | null)?.waivers;
  if (!Array.isArray(waivers)) return raw;
  return {
    ...(raw as object),
    waivers: waivers.map((w) =>
      w !== null && typeof w === "object" && (w as { expires?: unknown }).expires instanceof Date
        ? { ...w, expires: (w as { expires: Date }).expires.toISOString().slice(0, 10) }
        : w
    ),
  };
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  if (issue.code === "unrecognized_keys") {
    return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}; expected ` +
      "name, extends, checks, severity, waivers, failOn";
  }
  const found = valueAt(raw, issue.path as PropertyKey[]);
  const shown = found === undefined ? "" : JSON.stringify(found);
  const suffix = issue.code === "invalid_value" && shown && shown.length <= 60
    ? `; found ${shown}`
    : "";
  return cleanZodMessage(issue.message) + suffix;
}

function valueAt(raw: unknown, keys: PropertyKey[]): unknown {
  let value = raw;
  for (const key of keys) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * Turn a validated config into a policy: look up each check id in the catalogue, validate its
 * params, and merge over the already-resolved `extends` parents.
 *
 * @param options The config, its file (for messages), the check catalogue and resolved parents.
 * @returns The policy.
 * @throws {ConfigError} for an unknown check id or bad params, naming the key path.
 * @example
 * ```ts
 * import { parsePolicyConfig, resolvePolicyConfig } from "./config.ts";
 * const config = parsePolicyConfig({ text: "checks: {}\n", file: "t.yaml", format: "yaml" })!;
 * resolvePolicyConfig({ config, file: "t.yaml", catalogue: new Map(), parents: [] }).checks; // []
 * ```
 */
export function resolvePolicyConfig(options: {
  config: PolicyConfig;
  file: string;
  catalogue: ReadonlyMap<string, CheckFactory>;
  parents: Policy[];
}): Policy {
  const { config, file, catalogue, parents } = options;
  const known = (id: string, key: string) => {
    const factory = catalogue.get(id);
    if (!factory) {
      throw new ConfigError({
        file,
        keyPath: formatKeyPath([key, id]),
        message: `unknown check id "${id}"${
          suggest(id, catalogue)
        }; \`tollgate checks\` lists them`,
      });
    }
    return factory;
  };
  const entries = [];
  for (const [id, value] of Object.entries(config.checks ?? {})) {
    const factory = known(id, "checks");
    if (value === false) {
      entries.push(disable(id));
      continue;
    }
    const severity = config.severity?.[id];
    try {
      entries.push(factory(value === true ? {} : value, severity ? { severity } : {}));
    } catch (error) {
      if (!(error instanceof CheckParamsError)) throw error;
      const issue = error.issues[0];
      throw new ConfigError({
        file,
        keyPath: formatKeyPath(["checks", id]) + (issue.path ? `.${issue.path}` : ""),
        message: issue.message,
      });
    }
  }
  // A severity for a check enabled only by a parent re-configures the parent's entry.
  for (const [id, severity] of Object.entries(config.severity ?? {})) {
    known(id, "severity");
    if (config.checks?.[id] === false) {
      throw new ConfigError({
        file,
        keyPath: formatKeyPath(["severity", id]),
        message: "sets a severity for a check this policy disables",
      });
    }
    if (config.checks?.[id] !== undefined) continue;
    const inherited = [...parents].reverse().flatMap((p) => p.checks).find((c) => c.id === id);
    if (!inherited) {
      throw new ConfigError({
        file,
        keyPath: formatKeyPath(["severity", id]),
        message: "sets a severity for a check this policy does not enable",
      });
    }
    entries.push({ ...inherited, options: { ...inherited.options, severity } });
  }
  for (const [i, waiver] of (config.waivers ?? []).entries()) {
    if (waiver.check === "*" || catalogue.has(waiver.check)) continue;
    const enabledByParent = parents.some((p) => p.checks.some((c) => c.id === waiver.check));
    if (enabledByParent) continue;
    throw new ConfigError({
      file,
      keyPath: `waivers[${i}].check`,
      message: `unknown check id "${waiver.check}"${suggest(waiver.check, catalogue)}; ` +
        'expected a check id or "*"',
    });
  }
  return definePolicy({
    name: config.name ?? file,
    extends: parents,
    checks: entries,
    waivers: config.waivers,
    failOn: config.failOn,
  });
}

function suggest(id: string, catalogue: ReadonlyMap<string, unknown>): string {
  const [family, name] = id.split(".");
  const near = [...catalogue.keys()].find((k) =>
    k.endsWith(`.${name}`) || (name && k.startsWith(`${family}.`) && k.includes(name))
  );
  return near ? ` (did you mean "${near}"?)` : "";
}
