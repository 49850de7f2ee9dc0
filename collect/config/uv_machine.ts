/**
 * uv's configuration on this machine: the user and system uv.toml (or the one `UV_CONFIG_FILE`
 * names; none under `UV_NO_CONFIG`) and the `UV_*` index variables, combined with uv's
 * precedence.
 *
 * Sources (astral-sh/uv): `crates/uv/src/lib.rs` (`run`: `--config-file` replaces every
 * discovered file; `--no-config` discovers none; otherwise project, user and system files are
 * combined, in that priority), `crates/uv-dirs/src/lib.rs` (`user_config_dir`,
 * `system_config_file`), `crates/uv-settings/src/lib.rs` (`FilesystemOptions::user`, `system`,
 * `from_file`), `crates/uv-settings/src/combine.rs` (a scalar takes the first layer that sets it;
 * arrays are concatenated, higher priority first), `crates/uv/src/settings.rs` (index locations
 * are the command line's and environment's indexes, then the files' `index` entries, then
 * `extra-index-url`, then `index-url`; the first `default` one is the default index), and
 * https://docs.astral.sh/uv/concepts/configuration-files/.
 *
 * @module
 */
import { statSync } from "node:fs";
import { parse as parseToml, TomlError } from "smol-toml";
import type { Index, InstallerSetting, Problem } from "../../core/snapshot.ts";
import { lineLocator } from "../_toml_lines.ts";
import type { ReaderResult } from "../_reader.ts";
import { envInputs, parseUvEnv, UV_INDEX_STRATEGIES } from "./env_config.ts";
import { pipBoolean, redactValue } from "./_pip.ts";
import { isTomlTable, readUvSettings, type UvSettingsContext } from "./_uv.ts";
import {
  currentPlatform,
  displayPath,
  joinFor,
  type MachinePlatform,
  readMachineFile,
} from "./_machine_file.ts";

/** A uv configuration file on this machine. */
export interface MachineUvConfigFile {
  /** Path to open. */
  path: string;
  /** The path as shown in locations: home written as `~`, `/`-separated. */
  display: string;
  /** uv's layer: `env` (`UV_CONFIG_FILE`, alone), else `user` above `system`. */
  scope: "env" | "user" | "system";
}

/**
 * The uv configuration files this machine gives uv, highest priority first, as uv finds them:
 * `UV_CONFIG_FILE` alone when set; none when `UV_NO_CONFIG` is true; otherwise the user file
 * (`$XDG_CONFIG_HOME/uv/uv.toml` when that is an absolute path, else `~/.config/uv/uv.toml`, on
 * Linux and macOS alike; `%APPDATA%\uv\uv.toml` on Windows) and one system file (the first of
 * `$XDG_CONFIG_DIRS/uv/uv.toml` that is a file, `XDG_CONFIG_DIRS` defaulting to `/etc/xdg`, else
 * `/etc/uv/uv.toml`; `%SYSTEMDRIVE%\ProgramData\uv\uv.toml` on Windows). Empty variables count
 * as unset, as clap reads them.
 *
 * @param options `env`, `home` (default `$HOME` / `%USERPROFILE%`), `platform`, `isFile`
 * (default: this machine's file system; decides which system file is used).
 * @returns The files to read (the user file need not exist) and problems (an invalid
 * `UV_NO_CONFIG`).
 * @example
 * ```ts
 * import { machineUvConfigFiles } from "./uv_machine.ts";
 * machineUvConfigFiles({
 *   env: { XDG_CONFIG_DIRS: "/opt/xdg:/etc/xdg" },
 *   home: "/home/ada",
 *   platform: "linux",
 *   isFile: (file) => file === "/etc/xdg/uv/uv.toml",
 * }).files.map((f) => `${f.scope} ${f.display}`);
 * // ["user ~/.config/uv/uv.toml", "system /etc/xdg/uv/uv.toml"]
 * ```
 */
export function machineUvConfigFiles(options: {
  env: Record<string, string | undefined>;
  home?: string;
  platform?: MachinePlatform;
  isFile?: (file: string) => boolean;
}): { files: MachineUvConfigFile[]; problems: Problem[] } {
  const { env } = options;
  const platform = options.platform ?? currentPlatform();
  const windows = platform === "windows";
  const join = joinFor(platform);
  const home = options.home ?? (windows ? env.USERPROFILE : env.HOME) ?? "";
  const isFile = options.isFile ?? isFileHere;
  const file = (scope: MachineUvConfigFile["scope"], path: string): MachineUvConfigFile => ({
    path,
    display: displayPath(path, home, windows),
    scope,
  });
  const problems: Problem[] = [];
  if (env.UV_CONFIG_FILE) return { files: [file("env", env.UV_CONFIG_FILE)], problems };
  if (env.UV_NO_CONFIG) {
    const off = pipBoolean(env.UV_NO_CONFIG);
    if (off === true) return { files: [], problems };
    if (off === undefined) {
      problems.push({
        file: "env:UV_NO_CONFIG",
        message: `expected true/false, yes/no, on/off or 1/0, found '${
          redactValue(env.UV_NO_CONFIG).slice(0, 80)
        }' (uv refuses to run)`,
      });
    }
  }
  const files: MachineUvConfigFile[] = [];
  if (windows) {
    if (env.APPDATA) files.push(file("user", join(env.APPDATA, "uv", "uv.toml")));
    if (env.SYSTEMDRIVE) {
      const system = join(`${env.SYSTEMDRIVE}\\`, "ProgramData", "uv", "uv.toml");
      if (isFile(system)) files.push(file("system", system));
    }
    return { files, problems };
  }
  const configHome = env.XDG_CONFIG_HOME?.startsWith("/")
    ? env.XDG_CONFIG_HOME
    : home === ""
    ? undefined
    : join(home, ".config");
  if (configHome !== undefined) files.push(file("user", join(configHome, "uv", "uv.toml")));
  const dirs = env.XDG_CONFIG_DIRS ? env.XDG_CONFIG_DIRS : "/etc/xdg";
  const candidates: string[] = [];
  // uv stops at the first empty entry (`take_while`), and uses only the first file found.
  for (const dir of dirs.split(":")) {
    if (dir === "") break;
    candidates.push(join(dir, "uv", "uv.toml"));
  }
  candidates.push("/etc/uv/uv.toml");
  const system = candidates.find((candidate) => isFile(candidate));
  if (system !== undefined) files.push(file("system", system));
  return { files, problems };
}

/**
 * Read the uv configuration this machine gives uv (the files of
 * {@linkcode machineUvConfigFiles}, then the `UV_*` variables) and combine them as uv does:
 * the environment above `UV_CONFIG_FILE` or the user file, above the system file. A setting that
 * takes one value (`index-strategy`, `no-index`, `native-tls`, `require-hashes`, each in its own
 * table: top level or `[pip]`) is kept from the highest layer that sets it, even to false;
 * lists (`extra-index-url`, `find-links`, `allow-insecure-host`, non-default `[[index]]`
 * entries) are kept from every layer; the default index is the first of uv's order: the
 * environment's (`UV_DEFAULT_INDEX`, `UV_INDEX_URL`), then `[[index]]` entries with
 * `default = true`, then `index-url` (for `uv pip`, `[pip] index-url` before the top-level one).
 * The project's own uv.toml and `[tool.uv]` are read as project files, whatever this machine
 * says: they apply wherever the project is installed.
 *
 * @param options `env`, `home`, `maxBytes` per file (default 1 MiB), `platform`, `isFile`.
 * @returns Indexes and settings (each with `tool: "uv"`), problems, and `inputs`: each file and
 * `UV_*` variable read.
 * @example
 * ```ts ignore
 * import { readMachineUvConfig } from "./uv_machine.ts";
 * import process from "node:process";
 * const uv = await readMachineUvConfig({ env: process.env });
 * ```
 */
export async function readMachineUvConfig(options: {
  env: Record<string, string | undefined>;
  home?: string;
  maxBytes?: number;
  platform?: MachinePlatform;
  isFile?: (file: string) => boolean;
}): Promise<ReaderResult & { inputs: Array<{ file: string; format: string }> }> {
  const { env } = options;
  const located = machineUvConfigFiles(options);
  const problems: Problem[] = [...located.problems];
  const inputs: Array<{ file: string; format: string }> = [];
  const layers: UvLayer[] = [envLayer(env)];
  problems.push(...layers[0].problems);
  for (const file of located.files) {
    const read = await readMachineFile(file.path, {
      display: file.display,
      what: "uv configuration",
      maxBytes: options.maxBytes,
      // uv skips a user file it cannot find or may not read (FilesystemOptions::user).
      absentWhen: file.scope === "user" ? ["ENOTDIR", "EACCES", "EPERM"] : [],
    });
    if (read === undefined) {
      if (file.scope === "env") {
        problems.push({
          file: "env:UV_CONFIG_FILE",
          message: `names ${file.display}, which does not exist (uv refuses to run)`,
        });
      }
      continue;
    }
    if ("problem" in read) {
      problems.push(read.problem);
      continue;
    }
    const layer = fileLayer(read.text, file.display);
    problems.push(...layer.problems);
    layers.push(layer);
    inputs.push({ file: file.display, format: "uv.toml" });
  }
  const combined = combineUvLayers(layers);
  const switches = ["UV_CONFIG_FILE", "UV_NO_CONFIG"].filter((name) => env[name]);
  return {
    indexes: combined.indexes.map((index) => ({ ...index, tool: "uv" as const })),
    settings: combined.settings.map((setting) => ({ ...setting, tool: "uv" as const })),
    problems,
    inputs: [
      ...inputs,
      ...[...envInputs(env, { tools: ["uv"] }), ...switches.map((name) => envInput(name))]
        .sort((a, b) => a.file < b.file ? -1 : a.file > b.file ? 1 : 0),
    ],
  };
}

/** Where a uv fact sits: the top level of a layer, or its `[pip]` table (read by `uv pip`). */
type UvTable = "top" | "pip";

/** One layer's facts, told apart by where uv combines them. */
interface UvLayer {
  /** `[[index]]` entries (files only). */
  indexTables: Index[];
  /** Indexes from the top level (`index-url`, `extra-index-url`, `find-links`; variables). */
  top: { indexes: Index[]; settings: InstallerSetting[] };
  /** Indexes and settings from `[pip]`. */
  pip: { indexes: Index[]; settings: InstallerSetting[] };
  /** `table:setting` for each single-valued setting the layer sets (to true or false). */
  sets: Set<string>;
  /** The layer names a default index of its own that outranks every file's (the environment). */
  defaultFirst: boolean;
  problems: Problem[];
}

/** Settings that take one value; any other setting (`trusted-host`) is a list. */
const SINGLE = ["index-strategy", "no-index", "native-tls", "require-hashes"];

/** The variables that set a single-valued setting, in both tables. */
const SINGLE_VARIABLES: Record<string, string> = {
  UV_INDEX_STRATEGY: "index-strategy",
  UV_NO_INDEX: "no-index",
  UV_NATIVE_TLS: "native-tls",
  UV_REQUIRE_HASHES: "require-hashes",
};

function envLayer(env: Record<string, string | undefined>): UvLayer {
  const parsed = parseUvEnv(env);
  const sets = new Set<string>();
  for (const [variable, setting] of Object.entries(SINGLE_VARIABLES)) {
    const value = env[variable];
    if (!value) continue;
    const valid = setting === "index-strategy"
      ? UV_INDEX_STRATEGIES.includes(value)
      : pipBoolean(value) !== undefined;
    if (valid) { for (const table of ["top", "pip"]) sets.add(`${table}:${setting}`); }
  }
  return {
    indexTables: [],
    top: { indexes: parsed.indexes, settings: parsed.settings },
    pip: { indexes: [], settings: [] },
    sets,
    defaultFirst: parsed.indexes.some((index) => index.role === "primary"),
    problems: parsed.problems,
  };
}

/** Read one uv.toml into a layer, each part read on its own to know where uv combines it. */
function fileLayer(text: string, file: string): UvLayer {
  const empty: UvLayer = {
    indexTables: [],
    top: { indexes: [], settings: [] },
    pip: { indexes: [], settings: [] },
    sets: new Set(),
    defaultFirst: false,
    problems: [],
  };
  let document: Record<string, unknown>;
  try {
    document = parseToml(text);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const message = error.message.split("\n")[0].replace(/^Invalid TOML document: /, "");
    const line = Math.min(Math.max(1, error.line), text.split("\n").length);
    return { ...empty, problems: [{ file, line, message: `invalid TOML: ${message}` }] };
  }
  const read = (table: Record<string, unknown>, indexTables: boolean) => {
    const context: UvSettingsContext = {
      file,
      tablePath: [],
      indexTables,
      text,
      locate: lineLocator(text),
      indexes: [],
      settings: [],
      problems: [],
    };
    readUvSettings(table, context);
    return context;
  };
  const { index, pip, ...top } = document;
  const tables = read(index === undefined ? {} : { index }, true);
  const topLevel = read(top, false);
  const pipTable = read(pip === undefined ? {} : { pip }, false);
  const sets = new Set<string>();
  for (const setting of SINGLE) {
    if (top[setting] !== undefined) sets.add(`top:${setting}`);
    if (isTomlTable(pip) && pip[setting] !== undefined) sets.add(`pip:${setting}`);
  }
  return {
    indexTables: tables.indexes,
    top: { indexes: topLevel.indexes, settings: topLevel.settings },
    pip: { indexes: pipTable.indexes, settings: pipTable.settings },
    sets,
    defaultFirst: false,
    problems: [...tables.problems, ...topLevel.problems, ...pipTable.problems],
  };
}

/** Combine layers (highest priority first) as uv does; see {@linkcode readMachineUvConfig}. */
function combineUvLayers(layers: UvLayer[]): { indexes: Index[]; settings: InstallerSetting[] } {
  const indexes: Index[] = [];
  const settings: InstallerSetting[] = [];
  const primary = (index: Index) => index.role === "primary";
  const tableDefaults = layers.flatMap((layer) => layer.indexTables.filter(primary));
  const firstOf = (table: UvTable) =>
    layers.map((layer) => layer[table].indexes.find(primary)).find((index) => index);
  // The default index uv uses: for `uv sync` the first of [[index]] defaults, else of top-level
  // index-url; for `uv pip` the same with [pip] index-url before the top-level one.
  const defaults = new Set<Index | undefined>(
    layers.some((layer) => layer.defaultFirst)
      ? []
      : tableDefaults.length > 0
      ? [tableDefaults[0]]
      : [firstOf("top"), firstOf("pip")],
  );
  const seen = new Set<string>();
  for (const layer of layers) {
    const keep = (index: Index) => layer.defaultFirst || !primary(index) || defaults.has(index);
    indexes.push(
      ...layer.indexTables.filter(keep),
      ...layer.top.indexes.filter(keep),
      ...layer.pip.indexes.filter(keep),
    );
    for (const table of ["top", "pip"] as const) {
      for (const setting of layer[table].settings) {
        if (SINGLE.includes(setting.name) && seen.has(`${table}:${setting.name}`)) continue;
        settings.push(setting);
      }
    }
    // What a layer sets, even to false, hides lower layers' values; within a layer all stand.
    for (const key of layer.sets) seen.add(key);
  }
  return { indexes, settings };
}

function envInput(name: string): { file: string; format: string } {
  return { file: `env:${name}`, format: "environment" };
}

function isFileHere(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
