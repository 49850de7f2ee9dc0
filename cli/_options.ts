/**
 * The CLI's option table per command, and the shapes commands share.
 *
 * @module
 */
import type { ParseArgsConfig } from "node:util";

/**
 * Where the CLI writes; tests pass their own.
 *
 * @example
 * ```ts
 * import type { Io } from "./_options.ts";
 * const io: Io = { stdout: () => {}, stderr: () => {}, isTerminal: false };
 * ```
 */
export interface Io {
  /** Standard output. */
  stdout: (text: string) => void;
  /** Standard error. */
  stderr: (text: string) => void;
  /** Whether stdout is a terminal (colour). */
  isTerminal: boolean;
}

/** Where registry data comes from: `check`, `diff` and `snapshot --enrich`. */
const ONLINE_OPTIONS = {
  offline: { type: "boolean" },
  "cache-dir": { type: "string" },
  "pypi-url": { type: "string" },
  "osv-url": { type: "string" },
  "osv-db": { type: "string" },
  "hf-url": { type: "string" },
  "integrity-url": { type: "string" },
} as const satisfies ParseArgsConfig["options"];

const EVAL_OPTIONS = {
  policy: { type: "string" },
  format: { type: "string", multiple: true },
  ...ONLINE_OPTIONS,
  "expand-env": { type: "boolean" },
  "no-machine-config": { type: "boolean" },
  "no-verify-installed": { type: "boolean" },
  now: { type: "string" },
  strict: { type: "boolean" },
  baseline: { type: "string" },
  "write-baseline": { type: "string" },
  "path-prefix": { type: "string" },
  progress: { type: "boolean" },
  "fail-on": { type: "string" },
  "allow-incomplete": { type: "boolean" },
  quiet: { type: "boolean" },
  "no-color": { type: "boolean" },
  debug: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies ParseArgsConfig["options"];

/** `diff` takes `check`'s options except those about one report (baselines, paths, quiet). */
const {
  baseline: _baseline,
  "write-baseline": _writeBaseline,
  "path-prefix": _pathPrefix,
  quiet: _quiet,
  ...DIFF_OPTIONS
} = EVAL_OPTIONS;

/**
 * Options each command accepts (node:util parseArgs configuration).
 *
 * @example
 * ```ts
 * import { OPTIONS } from "./_options.ts";
 * Object.hasOwn(OPTIONS, "verify-model"); // true
 * ```
 */
export const OPTIONS: Record<string, ParseArgsConfig["options"]> = {
  check: EVAL_OPTIONS,
  eval: { ...EVAL_OPTIONS, sbom: { type: "string" } },
  scan: EVAL_OPTIONS,
  snapshot: {
    output: { type: "string" },
    enrich: { type: "boolean" },
    policy: { type: "string" },
    ...ONLINE_OPTIONS,
    "expand-env": { type: "boolean" },
    "no-machine-config": { type: "boolean" },
    "no-verify-installed": { type: "boolean" },
    now: { type: "string" },
    progress: { type: "boolean" },
    debug: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  },
  diff: { git: { type: "string", multiple: true }, project: { type: "string" }, ...DIFF_OPTIONS },
  checks: { format: { type: "string" }, help: { type: "boolean", short: "h" } },
  explain: { help: { type: "boolean", short: "h" } },
  init: {
    type: { type: "string" },
    force: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  },
  schema: { help: { type: "boolean", short: "h" } },
  "sign-model": {
    key: { type: "string" },
    output: { type: "string" },
    "ignore-paths": { type: "string", multiple: true },
    force: { type: "boolean" },
    debug: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  },
  "verify-model": {
    signature: { type: "string" },
    key: { type: "string", multiple: true },
    "cert-chain": { type: "string", multiple: true },
    identity: { type: "string", multiple: true },
    issuer: { type: "string", multiple: true },
    "trusted-root": { type: "string" },
    "ignore-paths": { type: "string", multiple: true },
    format: { type: "string" },
    now: { type: "string" },
    debug: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  },
};

/** Parsed option values. */
export type Values = Record<string, string | boolean | string[] | undefined>;
