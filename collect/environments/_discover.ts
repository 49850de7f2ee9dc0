/**
 * Where a project's Python environments are: directories with `pyvenv.cfg` (from the walk),
 * conda environments (`conda-meta/`) near the top of the project, the activated `$VIRTUAL_ENV`
 * and `$CONDA_PREFIX`, and — with machine configuration — the system interpreter's and the user's
 * site-packages when someone asked pip (or uv) to install into them. Also how each is named in
 * the snapshot (relative to the root, or with the home directory as `~`).
 *
 * @module
 */
import { lstat, realpath } from "node:fs/promises";
import * as path from "node:path";
import type { Problem } from "../../core/snapshot.ts";
import type { Distribution, Environment } from "../../core/snapshot_environments.ts";
import {
  describeFsError,
  type DirEntry,
  hasErrorCode,
  listDirectory,
  readDirectory,
} from "../node_fs.ts";
import { readConfinedText } from "../_hash.ts";
import { parseMetadataHeaders } from "./venv.ts";
import { SKIPPED_DIRECTORIES } from "../walk.ts";

/** An environment found on disk, before it is read. */
export interface Place {
  /** Resolved absolute path of the environment root. */
  real: string;
  /** As written in the snapshot: relative, `~/…` or absolute. */
  display: string;
  kind: "venv" | "conda";
  /** `env:VIRTUAL_ENV` / `env:CONDA_PREFIX` when found through the process environment. */
  via?: string;
}

const MAX_CONDA_SEARCH_DIRS = 5_000;
const MAX_CONDA_SEARCH_DEPTH = 3;
/** Entries of one system site-packages looked at for `.dist-info` directories. */
const MAX_SYSTEM_ENTRIES = 20_000;
/** Installers whose marker, with REQUESTED, means someone ran them against this interpreter. */
const REQUESTING_INSTALLERS: ReadonlySet<string> = new Set(["pip", "uv"]);

/**
 * Find the environments to read: each of `envDirs`, each conda environment (given, or searched
 * for), then `$VIRTUAL_ENV` and `$CONDA_PREFIX` from `env`. The same directory is returned once;
 * what cannot be resolved becomes a problem.
 *
 * @param options `rootReal` (resolved project root), `envDirs` and `condaDirs` (relative to it;
 *   `condaDirs` omitted: searched), `env`, `home`, `problems`.
 * @returns The places, in the order found.
 * @example
 * ```ts ignore
 * import { discoverEnvironments } from "./_discover.ts";
 * const places = await discoverEnvironments({
 *   rootReal: "/srv/app", envDirs: [".venv"], env: {}, home: undefined, problems: [],
 * });
 * ```
 */
export async function discoverEnvironments(options: {
  rootReal: string;
  envDirs: readonly string[];
  condaDirs?: readonly string[];
  env: Record<string, string | undefined>;
  home: string | undefined;
  problems: Problem[];
}): Promise<Place[]> {
  const { rootReal, home, problems } = options;
  const places = new Map<string, Place>();
  const add = async (absolute: string, kind: Place["kind"], via?: string) => {
    let real: string;
    try {
      real = await realpath(absolute);
    } catch (error) {
      const shown = via
        ? `${via}: ${displayPath(absolute, rootReal, home)}`
        : displayPath(absolute, rootReal, home);
      problems.push({ file: via ?? shown, message: `${shown}: ${describeFsError(error)}` });
      return;
    }
    if (places.has(real)) return;
    places.set(real, { real, display: displayPath(real, rootReal, home), kind, via });
  };
  for (const dir of options.envDirs) await add(path.join(rootReal, dir), "venv");
  for (const dir of options.condaDirs ?? await findCondaDirs(rootReal, options.envDirs)) {
    await add(path.join(rootReal, dir), "conda");
  }
  for (const [variable, kind] of [["VIRTUAL_ENV", "venv"], ["CONDA_PREFIX", "conda"]] as const) {
    const value = options.env[variable];
    if (!value) continue;
    if (!path.isAbsolute(value)) {
      problems.push({ file: `env:${variable}`, message: `$${variable} is not an absolute path` });
      continue;
    }
    // A conda prefix activated with a venv inside it, or the reverse: trust what is on disk.
    const hasCfg = await exists(path.join(value, "pyvenv.cfg"));
    await add(value, hasCfg ? "venv" : kind, `env:${variable}`);
  }
  return [...places.values()];
}

/** Directories with `conda-meta/` near the top of the project, bounded in depth and count. */
async function findCondaDirs(rootReal: string, envDirs: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  const skip = new Set(envDirs);
  const queue: Array<{ dir: string; depth: number }> = [{ dir: ".", depth: 0 }];
  let visited = 0;
  while (queue.length > 0 && visited++ < MAX_CONDA_SEARCH_DIRS) {
    const { dir, depth } = queue.shift()!;
    let names: DirEntry[];
    try {
      names = await readDirectory(path.join(rootReal, dir));
    } catch {
      continue; // the project walk reports unlistable directories
    }
    if (names.some((e) => e.name === "conda-meta" && e.isDirectory)) {
      found.push(dir);
      continue;
    }
    if (depth >= MAX_CONDA_SEARCH_DEPTH) continue;
    for (const entry of names.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const child = dir === "." ? entry.name : `${dir}/${entry.name}`;
      if (!entry.isDirectory || SKIPPED_DIRECTORIES.has(entry.name) || skip.has(child)) continue;
      queue.push({ dir: child, depth: depth + 1 });
    }
  }
  return found;
}

/**
 * How a path is written in the snapshot: relative to the project root when inside it, otherwise
 * absolute with the home directory as `~`; always `/`-separated.
 *
 * @example
 * ```ts
 * import { displayPath } from "./_discover.ts";
 * displayPath("/srv/app/.venv", "/srv/app", "/home/ann"); // ".venv"
 * displayPath("/home/ann/envs/tool", "/srv/app", "/home/ann"); // "~/envs/tool"
 * ```
 */
export function displayPath(absolute: string, rootReal: string, home: string | undefined): string {
  const relative = path.relative(rootReal, absolute);
  if (relative === "") return ".";
  if (!relative.startsWith("..") && !path.isAbsolute(relative)) return toSlash(relative);
  return redactHome(absolute, home);
}

/**
 * An absolute path with the home directory written as `~`, `/`-separated.
 *
 * @example
 * ```ts
 * import { redactHome } from "./_discover.ts";
 * redactHome("/home/ann/.pyenv/bin", "/home/ann"); // "~/.pyenv/bin"
 * redactHome("/usr/bin", "/home/ann"); // "/usr/bin"
 * ```
 */
export function redactHome(absolute: string, home: string | undefined): string {
  if (home && home !== "/" && (absolute === home || absolute.startsWith(home + path.sep))) {
    return toSlash(`~${absolute.slice(home.length)}`);
  }
  return toSlash(absolute);
}

function toSlash(file: string): string {
  return file.replaceAll("\\", "/");
}

/**
 * The usual site-packages of system interpreters and of the user: `site-packages` and
 * `dist-packages` (where Debian's pip installs) of `/usr/local/lib/python3.X`, `site-packages` of
 * `/usr/lib/python3.X`, `/usr/lib/python3/dist-packages`, and `site-packages` of
 * `~/.local/lib/python3.X`. Each `lib` directory is listed, not searched (depth 1); candidates may
 * not exist.
 *
 * @param home The user's home directory (omitted: no user site-packages).
 * @returns Absolute candidate directories.
 * @example
 * ```ts ignore
 * import { systemSitePackagesCandidates } from "./_discover.ts";
 * await systemSitePackagesCandidates("/home/ann");
 * // ["/usr/local/lib/python3.11/site-packages", …, "/home/ann/.local/lib/python3.11/site-packages"]
 * ```
 */
export async function systemSitePackagesCandidates(home: string | undefined): Promise<string[]> {
  const candidates: string[] = [];
  const versioned = async (lib: string, leaves: readonly string[]) => {
    let names: string[];
    try {
      names = (await readDirectory(lib))
        .filter((e) => /^python3(\.\d+)?t?$/.test(e.name)).map((e) => e.name).sort();
    } catch {
      return; // absent or unlistable: nothing installed there that we could read
    }
    for (const name of names) {
      for (const leaf of leaves) candidates.push(path.join(lib, name, leaf));
    }
  };
  await versioned("/usr/local/lib", ["site-packages", "dist-packages"]);
  await versioned("/usr/lib", ["site-packages"]);
  candidates.push("/usr/lib/python3/dist-packages");
  if (home) await versioned(path.join(home, ".local", "lib"), ["site-packages"]);
  return candidates;
}

/**
 * Read system or user site-packages for distributions someone installed there with pip or uv:
 * a `*.dist-info` whose INSTALLER is `pip` or `uv` and that has a REQUESTED file. Distro-managed
 * ones (INSTALLER `debian`, `rpm`, `conda`… or none) are left out, and RECORDs are not verified:
 * these directories are outside the project. Absent directories are skipped quietly.
 *
 * @param options `directories` (absolute), `rootReal`, `home`, `problems`.
 * @returns One `system` environment per directory holding at least one such distribution.
 * @example
 * ```ts ignore
 * import { readSystemEnvironments } from "./_discover.ts";
 * const environments = await readSystemEnvironments({
 *   directories: ["/usr/local/lib/python3.11/dist-packages"], rootReal: "/srv/app",
 *   home: "/home/ann", problems: [],
 * });
 * environments[0]?.kind; // "system"
 * ```
 */
export async function readSystemEnvironments(options: {
  directories: readonly string[];
  rootReal: string;
  home: string | undefined;
  problems: Problem[];
}): Promise<Environment[]> {
  const environments: Environment[] = [];
  const seen = new Set<string>();
  for (const directory of options.directories) {
    let real: string;
    let names: string[];
    try {
      real = await realpath(directory);
      if (seen.has(real)) continue;
      seen.add(real);
      names = [];
      let listed = 0;
      for await (const entry of listDirectory(real)) {
        if (entry.name.endsWith(".dist-info")) names.push(entry.name);
        if (++listed >= MAX_SYSTEM_ENTRIES) break;
      }
    } catch (error) {
      if (hasErrorCode(error, "ENOENT", "ENOTDIR")) continue;
      const shown = redactHome(directory, options.home);
      options.problems.push({ file: shown, message: `${shown}: ${describeFsError(error)}` });
      continue;
    }
    const display = displayPath(real, options.rootReal, options.home);
    const distributions: Distribution[] = [];
    for (const name of names.sort()) {
      const distribution = await readRequestedInstall(real, display, name, options.problems);
      if (distribution) distributions.push(distribution);
    }
    if (distributions.length === 0) continue;
    environments.push({
      path: display,
      kind: "system",
      includeSystemSitePackages: false,
      sitePackages: [display],
      distributions,
      location: { file: display },
    });
  }
  return environments;
}

/** Name, version and installer of a pip/uv install someone asked for; otherwise `undefined`. */
async function readRequestedInstall(
  real: string,
  display: string,
  name: string,
  problems: Problem[],
): Promise<Distribution | undefined> {
  const installer = await readConfinedText(real, `${name}/INSTALLER`, 1024);
  if (!("text" in installer)) return undefined;
  const tool = installer.text.trim();
  if (!REQUESTING_INSTALLERS.has(tool.toLowerCase())) return undefined;
  if (!("text" in await readConfinedText(real, `${name}/REQUESTED`, 1024))) return undefined;
  const file = `${display}/${name}/METADATA`;
  const metadata = await readConfinedText(real, `${name}/METADATA`, 64 * 1024);
  let headers: { name?: string; version?: string } = {};
  if ("error" in metadata) problems.push({ file, message: `${file}: ${metadata.error}` });
  else headers = parseMetadataHeaders(metadata.text);
  const fallback = /^(.+?)-([^-]+)\.dist-info$/.exec(name);
  const distName = headers.name ?? fallback?.[1];
  if (!distName) return undefined;
  return {
    name: distName,
    version: headers.version ?? fallback?.[2] ?? "",
    installer: tool,
    requested: true,
    location: { file },
  };
}

async function exists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch {
    return false;
  }
}
