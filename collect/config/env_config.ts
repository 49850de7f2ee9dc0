/**
 * Installer configuration from environment variables: pip's `PIP_*` and uv's `UV_*` variables
 * that choose indexes, find-links locations, insecure hosts and index strategy. Each fact is
 * located at `env:NAME`; URLs are redacted.
 *
 * @module
 */
import type { Index, InstallerSetting, Problem } from "../../core/snapshot.ts";
import type { ReaderResult } from "../_reader.ts";
import {
  isPipVariable,
  pipBoolean,
  pipEnvSections,
  pipSectionsResult,
  redactValue,
} from "./_pip.ts";

/**
 * uv's index strategies (`--index-strategy`).
 *
 * @example
 * ```ts
 * import { UV_INDEX_STRATEGIES } from "./env_config.ts";
 * UV_INDEX_STRATEGIES.includes("unsafe-best-match"); // true
 * ```
 */
export const UV_INDEX_STRATEGIES = ["first-index", "unsafe-first-match", "unsafe-best-match"];
/** uv index names: ASCII letters, digits, `-`, `_` and `.`. */
const INDEX_NAME = /^[A-Za-z0-9._-]+$/;
/** The `UV_*` variables read here. */
const UV_VARIABLES = [
  "UV_INDEX",
  "UV_DEFAULT_INDEX",
  "UV_INDEX_URL",
  "UV_EXTRA_INDEX_URL",
  "UV_FIND_LINKS",
  "UV_INSECURE_HOST",
  "UV_INDEX_STRATEGY",
  "UV_NO_INDEX",
  "UV_REQUIRE_HASHES",
  "UV_NATIVE_TLS",
];

/**
 * The indexes and settings that `PIP_*` and `UV_*` variables configure.
 *
 * pip: `PIP_INDEX_URL` (primary), `PIP_EXTRA_INDEX_URL` and `PIP_FIND_LINKS` (whitespace-separated),
 * `PIP_TRUSTED_HOST` (one setting per host), `PIP_NO_INDEX`, `PIP_REQUIRE_HASHES`, `PIP_PRE`
 * (pip's true/false words), `PIP_CERT`, `PIP_CLIENT_CERT`. Empty values are ignored, as pip does.
 * uv: see {@linkcode parseUvEnv}.
 *
 * @param env The environment, as the installer would see it.
 * @returns Indexes, settings and problems, each located at `env:NAME`.
 * @example
 * ```ts
 * import { parseInstallerEnv } from "./env_config.ts";
 * const { indexes } = parseInstallerEnv({ PIP_INDEX_URL: "https://u:t@pypi.internal/simple" });
 * indexes; // [{ url: "https://***@pypi.internal/simple", role: "primary", location: { file: "env:PIP_INDEX_URL" } }]
 * ```
 */
export function parseInstallerEnv(env: Record<string, string | undefined>): ReaderResult {
  const pip = pipSectionsResult(pipEnvSections(env));
  const uv = parseUvEnv(env);
  return {
    indexes: [...pip.indexes, ...uv.indexes!],
    settings: [...pip.settings, ...uv.settings!],
    problems: [...pip.problems, ...uv.problems!],
  };
}

/**
 * The indexes and settings that uv's variables configure: `UV_INDEX` (whitespace-separated, each
 * `name=url` or a URL: extra), `UV_DEFAULT_INDEX` (primary, may be `name=url`), `UV_INDEX_URL`
 * (primary, deprecated), `UV_EXTRA_INDEX_URL` (space-separated, extra), `UV_FIND_LINKS`
 * (comma-separated), `UV_INSECURE_HOST` (space-separated → `trusted-host`), `UV_INDEX_STRATEGY`,
 * and the flags `UV_NO_INDEX`, `UV_REQUIRE_HASHES`, `UV_NATIVE_TLS`. Empty values are ignored.
 *
 * @param env The environment.
 * @returns Indexes, settings and problems, each located at `env:NAME`.
 * @example
 * ```ts
 * import { parseUvEnv } from "./env_config.ts";
 * parseUvEnv({ UV_INDEX: "torch=https://download.pytorch.org/whl/cpu" }).indexes;
 * // [{ url: "https://download.pytorch.org/whl/cpu", role: "extra", name: "torch",
 * //    location: { file: "env:UV_INDEX" } }]
 * ```
 */
export function parseUvEnv(
  env: Record<string, string | undefined>,
): Required<Pick<ReaderResult, "indexes" | "settings" | "problems">> {
  const indexes: Index[] = [];
  const settings: InstallerSetting[] = [];
  const problems: Problem[] = [];
  const read = (name: string) => {
    const value = env[name];
    return value === undefined || value === "" ? undefined : value;
  };
  const named = (variable: string, token: string, role: Index["role"]) => {
    const location = { file: `env:${variable}` };
    const equals = token.indexOf("=");
    if (equals >= 0 && !token.slice(0, equals).includes(":")) {
      const name = token.slice(0, equals);
      if (!INDEX_NAME.test(name)) {
        problems.push({
          file: location.file,
          message: `expected an index name of letters, digits, '-', '_' or '.' before '=', ` +
            `found '${redactValue(name).slice(0, 80)}'`,
        });
        return;
      }
      const url = token.slice(equals + 1);
      if (url === "") {
        problems.push({ file: location.file, message: `expected a URL after '${name}='` });
        return;
      }
      indexes.push({ url: redactValue(url), role, name, location });
    } else indexes.push({ url: redactValue(token), role, location });
  };
  const list = (variable: string, separator: string | RegExp) =>
    (read(variable) ?? "").split(separator).filter((item) => item.trim() !== "");

  for (const token of list("UV_INDEX", /\s+/)) named("UV_INDEX", token, "extra");
  const defaultIndex = read("UV_DEFAULT_INDEX");
  if (defaultIndex !== undefined) named("UV_DEFAULT_INDEX", defaultIndex, "primary");
  const indexUrl = read("UV_INDEX_URL");
  if (indexUrl !== undefined) {
    indexes.push({
      url: redactValue(indexUrl),
      role: "primary",
      location: { file: "env:UV_INDEX_URL" },
    });
  }
  for (const url of list("UV_EXTRA_INDEX_URL", " ")) {
    indexes.push({
      url: redactValue(url),
      role: "extra",
      location: { file: "env:UV_EXTRA_INDEX_URL" },
    });
  }
  for (const url of list("UV_FIND_LINKS", ",")) {
    indexes.push({
      url: redactValue(url),
      role: "find-links",
      location: { file: "env:UV_FIND_LINKS" },
    });
  }
  for (const host of list("UV_INSECURE_HOST", " ")) {
    settings.push({
      name: "trusted-host",
      value: redactValue(host),
      location: { file: "env:UV_INSECURE_HOST" },
    });
  }
  const strategy = read("UV_INDEX_STRATEGY");
  if (strategy !== undefined) {
    const location = { file: "env:UV_INDEX_STRATEGY" };
    if (UV_INDEX_STRATEGIES.includes(strategy)) {
      settings.push({ name: "index-strategy", value: strategy, location });
    } else {
      problems.push({
        ...location,
        message: `expected one of ${UV_INDEX_STRATEGIES.join(", ")}, found '${
          redactValue(strategy).slice(0, 80)
        }'`,
      });
    }
  }
  for (
    const [variable, setting] of [
      ["UV_NO_INDEX", "no-index"],
      ["UV_REQUIRE_HASHES", "require-hashes"],
      ["UV_NATIVE_TLS", "native-tls"],
    ]
  ) {
    const value = read(variable);
    if (value === undefined) continue;
    const flag = pipBoolean(value);
    const location = { file: `env:${variable}` };
    if (flag === undefined) {
      problems.push({
        ...location,
        message: `expected true/false, yes/no, on/off or 1/0, found '${
          redactValue(value).slice(0, 80)
        }'`,
      });
    } else if (flag) settings.push({ name: setting, location });
  }
  return { indexes, settings, problems };
}

/**
 * The variables {@linkcode parseInstallerEnv} reads that are set (non-empty), as snapshot inputs:
 * pip's and uv's, or those of the `tools` given.
 *
 * @example
 * ```ts
 * import { envInputs } from "./env_config.ts";
 * envInputs({ UV_INDEX: "https://x/simple", PIP_NO_INDEX: "1", HOME: "/home/ada" }, { tools: ["uv"] });
 * // [{ file: "env:UV_INDEX", format: "environment" }]
 * ```
 */
export function envInputs(
  env: Record<string, string | undefined>,
  options: { tools?: ReadonlyArray<"pip" | "uv"> } = {},
): Array<{ file: string; format: string }> {
  const tools = options.tools ?? ["pip", "uv"];
  return Object.keys(env)
    .filter((name) =>
      env[name] &&
      ((tools.includes("uv") && UV_VARIABLES.includes(name)) ||
        (tools.includes("pip") && isPipVariable(name)))
    )
    .sort()
    .map((name) => ({ file: `env:${name}`, format: "environment" }));
}
