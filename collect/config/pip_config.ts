/**
 * pip configuration files (pip.conf, pip.ini): the indexes, find-links locations and settings
 * they give `pip install`, both for files in the project tree (a committed pip.conf, a venv's
 * `.venv/pip.conf`) and for the files pip reads on this machine, layered with `PIP_*` variables.
 *
 * @module
 */
import { statSync } from "node:fs";
import * as path from "node:path";
import type { Problem } from "../../core/snapshot.ts";
import { baseName, type FileReader, type ReaderResult, textReader } from "../_reader.ts";
import {
  mergePipSections,
  pipEnvSections,
  pipFileSections,
  type PipSections,
  pipSectionsResult,
} from "./_pip.ts";
import { envInputs } from "./env_config.ts";
import {
  currentPlatform,
  displayPath,
  joinFor,
  type MachinePlatform,
  readMachineFile,
  statOrUndefined,
} from "./_machine_file.ts";

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
  /**
   * pip's name for the layer, lowest priority first: global < user < base < site < env
   * (`PIP_CONFIG_FILE`).
   */
  scope: "global" | "user" | "base" | "site" | "env";
}

/**
 * The configuration files pip would read on this machine, lowest priority first, following pip's
 * `get_configuration_files` and `iter_config_files` (src/pip/_internal/configuration.py, whose
 * `OVERRIDE_ORDER` is global, user, base, site, env, env-var): global
 * (`$XDG_CONFIG_DIRS/pip/pip.conf`, default `/etc/xdg/pip/pip.conf`, then `/etc/pip.conf`), user
 * (legacy `~/.pip/pip.conf`, then `$XDG_CONFIG_HOME/pip/pip.conf`, default
 * `~/.config/pip/pip.conf`), base (`sys.base_prefix/pip.conf`, pip ≥ 23.0: shared by every
 * virtualenv of one interpreter; given as `basePrefix`, and left out where it is the site
 * file), site (`sys.prefix/pip.conf`: `$VIRTUAL_ENV`, else `$CONDA_PREFIX`), then
 * `PIP_CONFIG_FILE`. `PIP_CONFIG_FILE=os.devnull` means no file at all. pip skips the user files
 * when `PIP_CONFIG_FILE` names a file that exists; {@linkcode readMachinePipConfig} applies that.
 *
 * @param options `env`, `home` (default `$HOME` / `%USERPROFILE%`), `platform` (default this
 * one), `basePrefix` (the active virtualenv's base interpreter prefix), `isDirectory` (macOS
 * only: whether `~/Library/Application Support/pip` exists).
 * @returns The candidate files; none of them need exist.
 * @example
 * ```ts
 * import { machinePipConfigFiles } from "./pip_config.ts";
 * machinePipConfigFiles({
 *   env: { VIRTUAL_ENV: "/home/ada/app/.venv" },
 *   home: "/home/ada",
 *   platform: "linux",
 *   basePrefix: "/usr",
 * }).map((f) => f.display);
 * // ["/etc/xdg/pip/pip.conf", "/etc/pip.conf", "~/.pip/pip.conf", "~/.config/pip/pip.conf",
 * //  "/usr/pip.conf", "~/app/.venv/pip.conf"]
 * ```
 */
export function machinePipConfigFiles(options: {
  env: Record<string, string | undefined>;
  home?: string;
  platform?: MachinePlatform;
  basePrefix?: string;
  isDirectory?: (directory: string) => boolean;
}): MachinePipConfigFile[] {
  const { env } = options;
  const platform = options.platform ?? currentPlatform();
  const windows = platform === "windows";
  const join = joinFor(platform);
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
  // Outside a virtualenv sys.base_prefix is sys.prefix: pip reads the one file twice, to no effect.
  if (options.basePrefix && join(options.basePrefix) !== (prefix ? join(prefix) : undefined)) {
    add("base", join(options.basePrefix, basename));
  }
  if (prefix) add("site", join(prefix, basename));
  if (configFile) add("env", configFile);
  return files;
}

/**
 * Read the pip configuration this machine gives `pip install`: the files of
 * {@linkcode machinePipConfigFiles} that exist, layered, then the `PIP_*` variables on top. The
 * base layer's prefix comes from `$VIRTUAL_ENV/pyvenv.cfg` (see {@linkcode virtualenvBasePrefix}).
 * A missing file is skipped; one that cannot be read, is too large or is not UTF-8 is a problem.
 *
 * @param options `env`, `home`, `maxBytes` per file (default 1 MiB), `platform`.
 * @returns Indexes and settings (each with `tool: "pip"`), problems, and `inputs`: each file and
 * `PIP_*` variable read.
 * @example
 * ```ts ignore
 * import { readMachinePipConfig } from "./pip_config.ts";
 * import process from "node:process";
 * const pip = await readMachinePipConfig({ env: process.env });
 * ```
 */
export async function readMachinePipConfig(options: {
  env: Record<string, string | undefined>;
  home?: string;
  maxBytes?: number;
  platform?: MachinePlatform;
}): Promise<ReaderResult & { inputs: Array<{ file: string; format: string }> }> {
  const platform = options.platform ?? currentPlatform();
  const venv = options.env.VIRTUAL_ENV;
  const files = machinePipConfigFiles({
    ...options,
    platform,
    basePrefix: venv ? await virtualenvBasePrefix(venv, { platform }) : undefined,
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
  const envFileExists = envFile !== undefined &&
    (await statOrUndefined(envFile.path)) !== undefined;
  for (const file of files) {
    if (file.scope === "user" && envFileExists) continue;
    const read = await readMachineFile(file.path, {
      display: file.display,
      what: "pip configuration",
      maxBytes: options.maxBytes,
    });
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
  return {
    indexes: pip.indexes.map((index) => ({ ...index, tool: "pip" as const })),
    settings: pip.settings.map((setting) => ({ ...setting, tool: "pip" as const })),
    problems: [...problems, ...pip.problems],
    inputs: [...inputs, ...envInputs(options.env, { tools: ["pip"] })],
  };
}

/**
 * The base interpreter's prefix (`sys.base_prefix`) of the virtualenv at `venv`, from its
 * pyvenv.cfg: `base-prefix` where virtualenv wrote it, else found as CPython's getpath finds it,
 * searching up from `home` (the base interpreter's directory) for the standard library's
 * landmark (`lib/pythonX.Y/os.py`; `Lib/os.py` on Windows), else the parent of a `bin` home.
 *
 * @param venv The virtualenv's directory (`$VIRTUAL_ENV`).
 * @param options `platform`; `maxBytes` for pyvenv.cfg (default 64 KiB).
 * @returns The prefix, or undefined when pyvenv.cfg is missing or names no home.
 * @example
 * ```ts ignore
 * import { virtualenvBasePrefix } from "./pip_config.ts";
 * await virtualenvBasePrefix("/home/ada/app/.venv"); // "/usr"
 * ```
 */
export async function virtualenvBasePrefix(
  venv: string,
  options: { platform?: MachinePlatform; maxBytes?: number } = {},
): Promise<string | undefined> {
  const platform = options.platform ?? currentPlatform();
  const join = joinFor(platform);
  const cfg = join(venv, "pyvenv.cfg");
  const read = await readMachineFile(cfg, {
    display: "pyvenv.cfg",
    what: "pyvenv.cfg",
    maxBytes: options.maxBytes ?? 64 * 1024,
  });
  if (read === undefined || "problem" in read) return undefined;
  const values = new Map<string, string>();
  for (const line of read.text.split(/\r\n|\r|\n/)) {
    const eq = line.indexOf("=");
    if (eq > 0) values.set(line.slice(0, eq).trim().toLowerCase(), line.slice(eq + 1).trim());
  }
  const written = values.get("base-prefix");
  if (written) return written;
  const home = values.get("home");
  if (!home) return undefined;
  const dirname = platform === "windows" ? path.win32.dirname : path.posix.dirname;
  const version = /^(\d+)\.(\d+)/.exec(values.get("version_info") ?? values.get("version") ?? "");
  const landmark = platform === "windows"
    ? ["Lib", "os.py"]
    : version
    ? ["lib", `python${version[1]}.${version[2]}`, "os.py"]
    : undefined;
  if (landmark) {
    for (let dir = home, depth = 0; depth < 8; depth++) {
      if (await statOrUndefined(join(dir, ...landmark))) return dir;
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  const last = home.replace(/[\\/]+$/, "").split(/[\\/]/).pop();
  return last === "bin" || last === "Scripts" ? dirname(home.replace(/[\\/]+$/, "")) : home;
}
