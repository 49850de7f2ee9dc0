/**
 * Reading configuration files outside the project (pip.conf, uv.toml on this machine): bounded,
 * UTF-8 only, and named in messages by their display path (home written as `~`), never by the
 * real path.
 *
 * @module
 */
import type { Stats } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import * as path from "node:path";
import process from "node:process";
import type { Problem } from "../../core/snapshot.ts";
import { MAX_TEXT_BYTES } from "../fs.ts";
import { errorCode, hasErrorCode, isNotPermitted } from "../node_fs.ts";

/** The platforms whose configuration locations differ. */
export type MachinePlatform = "linux" | "darwin" | "windows";

/** The largest machine configuration file read, unless told otherwise (1 MiB). */
export const MACHINE_FILE_BYTES = 1024 * 1024;

/**
 * The platform this process runs on, as the installers tell them apart.
 *
 * @example
 * ```ts
 * import { currentPlatform } from "./_machine_file.ts";
 * ["linux", "darwin", "windows"].includes(currentPlatform()); // true
 * ```
 */
export function currentPlatform(): MachinePlatform {
  return process.platform === "win32"
    ? "windows"
    : process.platform === "darwin"
    ? "darwin"
    : "linux";
}

/**
 * A path as locations show it: `/`-separated, the home directory written as `~`.
 *
 * @example
 * ```ts
 * import { displayPath } from "./_machine_file.ts";
 * displayPath("/home/ada/.config/uv/uv.toml", "/home/ada", false); // "~/.config/uv/uv.toml"
 * displayPath("C:\\Users\\ada\\pip\\pip.ini", "C:\\Users\\ada", true); // "~/pip/pip.ini"
 * ```
 */
export function displayPath(file: string, home: string, windows: boolean): string {
  const slashed = (text: string) => windows ? text.replaceAll("\\", "/") : text;
  const shown = slashed(file);
  const root = slashed(home).replace(/\/+$/, "");
  if (root !== "" && (shown === root || shown.startsWith(root + "/"))) {
    return "~" + shown.slice(root.length);
  }
  return shown;
}

/**
 * The path joiner of a platform.
 *
 * @example
 * ```ts
 * import { joinFor } from "./_machine_file.ts";
 * joinFor("windows")("C:\\ProgramData", "uv", "uv.toml"); // "C:\\ProgramData\\uv\\uv.toml"
 * ```
 */
export function joinFor(platform: MachinePlatform): (...parts: string[]) => string {
  return platform === "windows" ? path.win32.join : path.posix.join;
}

/**
 * Whether a path names an existing file (of any kind), without following errors into messages.
 *
 * @example
 * ```ts ignore
 * import { statOrUndefined } from "./_machine_file.ts";
 * await statOrUndefined("/etc/pip.conf");
 * ```
 */
export async function statOrUndefined(file: string): Promise<Stats | undefined> {
  try {
    return await stat(file);
  } catch {
    return undefined;
  }
}

/**
 * Read a configuration file of this machine: undefined when it does not exist (and for the
 * error codes in `absentWhen`, which the installer treats as "no file"), otherwise its text or a
 * problem located at `display`.
 *
 * @param file Path to open, shown as `display`.
 * @param options `display`, `what` (e.g. "pip configuration", for messages), `maxBytes`,
 * `absentWhen` (extra error codes that mean "no file").
 * @returns The text (BOM removed), a problem, or undefined.
 * @example
 * ```ts ignore
 * import { readMachineFile } from "./_machine_file.ts";
 * await readMachineFile("/etc/uv/uv.toml", { display: "/etc/uv/uv.toml", what: "uv configuration" });
 * ```
 */
export async function readMachineFile(
  file: string,
  options: { display: string; what: string; maxBytes?: number; absentWhen?: string[] },
): Promise<{ text: string } | { problem: Problem } | undefined> {
  const { display, what } = options;
  const maxBytes = Math.min(options.maxBytes ?? MACHINE_FILE_BYTES, MAX_TEXT_BYTES);
  const problem = (message: string) => ({ problem: { file: display, message } });
  const absent = ["ENOENT", ...options.absentWhen ?? []];
  let info: Stats;
  try {
    info = await stat(file);
  } catch (error) {
    if (hasErrorCode(error, ...absent)) return undefined;
    return problem(`cannot read ${what}: ${describe(error)}`);
  }
  if (!info.isFile()) return problem(`${what} is not a regular file`);
  if (info.size > maxBytes) {
    return problem(`${what} is ${info.size} bytes, over the ${maxBytes}-byte limit`);
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    if (hasErrorCode(error, ...absent)) return undefined;
    return problem(`cannot read ${what}: ${describe(error)}`);
  }
  if (bytes.length > maxBytes) return problem(`${what} is over the ${maxBytes}-byte limit`);
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  } catch {
    return problem(`${what} is not valid UTF-8 text`);
  }
}

function describe(error: unknown): string {
  if (hasErrorCode(error, "EACCES", "EPERM")) return "permission denied";
  if (isNotPermitted(error)) return "no read permission for Tollgate";
  if (hasErrorCode(error, "EISDIR")) return "is a directory";
  // Other messages can carry the absolute path (with the user's name): give the kind only.
  return errorCode(error) ?? (error instanceof Error ? error.name : "unknown error");
}
