/**
 * pip configuration files (pip.conf, pip.ini): the indexes, find-links locations and settings
 * they give `pip install`, both for files in the project tree (a committed pip.conf, a venv's
 * `.venv/pip.conf`) and for the files pip reads on this machine, layered with `PIP_*` variables.
 *
 * @module
 */
import { type Stats, statSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import * as path from "node:path";
import process from "node:process";
import type { Problem } from "../../core/snapshot.ts";
import { MAX_TEXT_BYTES } from "../fs.ts";
import { errorCode, hasErrorCode, isNotPermitted } from "../node_fs.ts";
import { baseName, type FileReader, type ReaderResult, textReader } from "../_reader.ts";
import {
  mergePipSections,
  pipEnvSections,
  pipFileSections,
  type PipSections,
  pipSectionsResult,
} from "./_pip.ts";
import { envInputs, parseUvEnv } from "./env_config.ts";

/**
 * Read one pip configuration file's text as `pip install` would apply it: the `[global]` and
 * `[install]` sections (install replacing global per option; `[DEFAULT]` inherited), and nothing
 * from sections of other commands.
 *
 * @param text The file's text.
 * @param options `file`: its path relative to the project root (or `~/…` outside it).
 * @returns Indexes (`index-url` primary, `extra-index-url` extra, `find-links`), settings
 * (`trusted-host` per host, `no-index`, `require-hashes`, `pre`, `cert`, `client-cert`) with the
 * line of each value, and problems where configparser would refuse the file.
 * @example
 * ```ts
 * import { parsePipConfig } from "./pip_config.ts";
 * const text = "[global]\nindex-url = https://user:pw@pypi.internal/simple\nextra-index-url =\n  https://download.pytorch.org/whl/cpu\n";
 * const { indexes } = parsePipConfig(text, { file: "pip.conf" });
 * indexes?.map((i) => [i.role, i.url, i.location.line]);
 * // [["primary", "https://***@pypi.internal/simple", 2], ["extra", "https://download.pytorch.org/whl/cpu", 4]]
 * ```
 */
export function parsePipConfig(text: string, options: { file: string }): ReaderResult {
  const parsed = pipFileSections(text, options);
  const result = pipSectionsResult(parsed.sections);
  return { ...result, problems: [...parsed.problems, ...result.problems] };
}

/**
 * The reader for pip.conf / pip.ini files anywhere in the project tree.
 *
 * @example
 * ```ts
 * import { pipConfigReader } from "./pip_config.ts";
 * pipConfigReader.matches(".venv/pip.conf"); // true
 * pipConfigReader.matches("docs/pip.txt"); // false
 * ```
 */
export const pipConfigReader: FileReader = textReader({
  tool: () => "pip",

  format: "pip.conf",
  matches: (file) => baseName(file) === "pip.conf" || baseName(file) === "pip.ini",
  parse: (text, { file }) => parsePipConfig(text, { file }),
  maxBytes: 1024 * 1024,
});

/** A configuration file pip would read on this machine. */
export interface MachinePipConfigFile {
  /** Path to open. */
  path: string;
  /** The path as shown in locations: home written as `~`, `/`-separated. */
  display: string;
  /** pip's name for the layer: global < user < site < env (PIP_CONFIG_FILE). */
  scope: "global" | "user" | "site" | "env";
}

/**
 * The configuration files pip would read on this machine, lowest priority first, following pip's
 * rules: global (`$XDG_CONFIG_DIRS/pip/pip.conf`, default `/etc/xdg/pip/pip.conf`, then
 * `/etc/pip.conf`), user (legacy `~/.pip/pip.conf`, then `$XDG_CONFIG_HOME/pip/pip.conf`, default
 * `~/.config/pip/pip.conf`), site (`$VIRTUAL_ENV/pip.conf`, else `$CONDA_PREFIX/pip.conf`), then
 * `PIP_CONFIG_FILE`. `PIP_CONFIG_FILE=os.devnull` means no file at all. pip skips the user files
 * when `PIP_CONFIG_FILE` names a file that exists; {@linkcode readMachineConfig} applies that.
 *
 * @param options `env`, `home` (default `$HOME` / `%USERPROFILE%`), `platform` (default this
 * one), `isDirectory` (macOS only: whether `~/Library/Application Support/pip` exists).
 * @returns The candidate files; none of them need exist.
 * @example
 * ```ts
 * import { machinePipConfigFiles } from "./pip_config.ts";
 * machinePipConfigFiles({ env: { VIRTUAL_ENV: "/home/ada/app/.venv" }, home: "/home/ada", platform: "linux" })
 *   .map((f) => f.display);
 * // ["/etc/xdg/pip/pip.conf", "/etc/pip.conf", "~/.pip/pip.conf", "~/.config/pip/pip.conf",
 * //  "~/app/.venv/pip.conf"]
 * ```
 */
export function machinePipConfigFiles(options: {
  env: Record<string, string | undefined>;
  home?: string;
  platform?: "linux" | "darwin" | "windows";
  isDirectory?: (directory: string) => boolean;
}): MachinePipConfigFile[] {
  const { env } = options;
  const platform = options.platform ?? currentPlatform();
  const windows = platform === "windows";
  const join = windows ? path.win32.join : path.posix.join;
  const home = options.home ?? (windows ? env.USERPROFILE : env.HOME) ?? "";
  const basename = windows ? "pip.ini" : "pip.conf";
  const configFile = env.PIP_CONFIG_FILE;
  if (configFile !== undefined && configFile === (windows ? "nul" : "/dev/null")) return [];
  const files: MachinePipConfigFile[] = [];
  const add = (scope: MachinePipConfigFile["scope"], file: string) =>
    files.push({ path: file, display: displayPath(file, home, windows), scope });
  if (platform === "linux") {
    const dirs = (env.XDG_CONFIG_DIRS ?? "").trim() === "" ? "/etc/xdg" : env.XDG_CONFIG_DIRS!;
    for (const dir of dirs.split(":")) if (dir !== "") add("global", join(dir, "pip", basename));
    add("global", join("/etc", basename));
  } else if (platform === "darwin") {
    add("global", join("/Library/Application Support/pip", basename));
  } else {
    add("global", join(env.PROGRAMDATA ?? "C:\\ProgramData", "pip", basename));
  }
  if (home !== "") add("user", join(home, windows ? "pip" : ".pip", basename));
  if (platform === "linux") {
    const configHome = (env.XDG_CONFIG_HOME ?? "").trim() === ""
      ? (home === "" ? undefined : join(home, ".config"))
      : env.XDG_CONFIG_HOME!;
    if (configHome !== undefined) add("user", join(configHome, "pip", basename));
  } else if (platform === "darwin" && home !== "") {
    const library = join(home, "Library/Application Support/pip");
    add(
      "user",
      options.isDirectory?.(library)
        ? join(library, basename)
        : join(home, ".config/pip", basename),
    );
  } else if (windows && env.APPDATA) {
    add("user", join(env.APPDATA, "pip", basename));
  }
  const prefix = env.VIRTUAL_ENV || env.CONDA_PREFIX;
  if (prefix) add("site", join(prefix, basename));
  if (configFile) add("env", configFile);
  return files;
}

/**
 * Read the pip configuration this machine gives `pip install` (the files of
 * {@linkcode machinePipConfigFiles} that exist, layered, then the `PIP_*` variables on top) and
 * the `UV_*` index variables. A missing file is skipped; one that cannot be read, is too large or
 * is not UTF-8 is a problem.
 *
 * @param options `env`, `home`, `maxBytes` per file (default 1 MiB), `platform`.
 * @returns Indexes, settings and problems, and `inputs`: each file and variable read.
 * @example
 * ```ts ignore
 * import { readMachineConfig } from "./pip_config.ts";
 * import process from "node:process";
 * const machine = await readMachineConfig({ env: process.env });
 * ```
 */
export async function readMachineConfig(options: {
  env: Record<string, string | undefined>;
  home?: string;
  maxBytes?: number;
  platform?: "linux" | "darwin" | "windows";
}): Promise<ReaderResult & { inputs: Array<{ file: string; format: string }> }> {
  const maxBytes = Math.min(options.maxBytes ?? 1024 * 1024, MAX_TEXT_BYTES);
  const files = machinePipConfigFiles({
    ...options,
    isDirectory: (directory) => {
      try {
        return statSync(directory).isDirectory();
      } catch {
        return false;
      }
    },
  });
  const problems: Problem[] = [];
  const inputs: Array<{ file: string; format: string }> = [];
  const layers: PipSections[] = [];
  const envFile = files.find((file) => file.scope === "env");
  const envFileExists = envFile !== undefined && (await statFile(envFile.path)) !== undefined;
  for (const file of files) {
    if (file.scope === "user" && envFileExists) continue;
    const read = await readConfigFile(file, maxBytes);
    if (read === undefined) continue;
    if ("problem" in read) {
      problems.push(read.problem);
      continue;
    }
    const parsed = pipFileSections(read.text, { file: file.display });
    layers.push(parsed.sections);
    problems.push(...parsed.problems);
    inputs.push({ file: file.display, format: "pip.conf" });
  }
  layers.push(pipEnvSections(options.env));
  const pip = pipSectionsResult(mergePipSections(layers));
  const uv = parseUvEnv(options.env);
  return {
    // pip's layers are pip's; UV_* variables are uv's.
    indexes: [
      ...pip.indexes.map((index) => ({ ...index, tool: index.tool ?? ("pip" as const) })),
      ...(uv.indexes ?? []).map((index) => ({ ...index, tool: index.tool ?? ("uv" as const) })),
    ],
    settings: [...pip.settings, ...(uv.settings ?? [])],
    problems: [...problems, ...pip.problems, ...(uv.problems ?? [])],
    inputs: [...inputs, ...envInputs(options.env)],
  };
}

function currentPlatform(): "linux" | "darwin" | "windows" {
  return process.platform === "win32"
    ? "windows"
    : process.platform === "darwin"
    ? "darwin"
    : "linux";
}

function displayPath(file: string, home: string, windows: boolean): string {
  const slashed = (text: string) => windows ? text.replaceAll("\\", "/") : text;
  const shown = slashed(file);
  const root = slashed(home).replace(/\/+$/, "");
  if (root !== "" && (shown === root || shown.startsWith(root + "/"))) {
    return "~" + shown.slice(root.length);
  }
  return shown;
}

async function statFile(file: string): Promise<Stats | undefined> {
  try {
    return await stat(file);
  } catch {
    return undefined;
  }
}

async function readConfigFile(
  file: MachinePipConfigFile,
  maxBytes: number,
): Promise<{ text: string } | { problem: Problem } | undefined> {
  const problem = (message: string) => ({ problem: { file: file.display, message } });
  let info: Stats;
  try {
    info = await stat(file.path);
  } catch (error) {
    if (hasErrorCode(error, "ENOENT")) return undefined;
    return problem(`cannot read pip configuration: ${describe(error)}`);
  }
  if (!info.isFile()) return problem("pip configuration is not a regular file");
  if (info.size > maxBytes) {
    return problem(`pip configuration is ${info.size} bytes, over the ${maxBytes}-byte limit`);
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file.path);
  } catch (error) {
    return problem(`cannot read pip configuration: ${describe(error)}`);
  }
  if (bytes.length > maxBytes) {
    return problem(`pip configuration is over the ${maxBytes}-byte limit`);
  }
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  } catch {
    return problem("pip configuration is not valid UTF-8 text");
  }
}

function describe(error: unknown): string {
  if (hasErrorCode(error, "EACCES", "EPERM")) return "permission denied";
  if (isNotPermitted(error)) return "no read permission for Tollgate";
  if (hasErrorCode(error, "EISDIR")) return "is a directory";
  // Other messages can carry the absolute path (with the user's name): give the kind only.
  return errorCode(error) ?? (error instanceof Error ? error.name : "unknown error");
}
