/**
 * Bounded, root-confined file access for readers. Every read a collector makes goes through here:
 * sizes are capped, paths are normalised, and nothing outside the project root (directly or via a
 * symlink) is ever opened.
 *
 * @module
 */
import type { Stats } from "node:fs";
import { readFile, realpath, stat } from "node:fs/promises";
import * as path from "node:path";
import { describeFsError } from "./node_fs.ts";

export { describeFsError } from "./node_fs.ts";

/**
 * Default cap on any single text file a reader opens (bytes).
 *
 * @example
 * ```ts
 * import { MAX_TEXT_BYTES } from "./fs.ts";
 * MAX_TEXT_BYTES; // 8 MiB
 * ```
 */
export const MAX_TEXT_BYTES = 8 * 1024 * 1024;

/**
 * Raised when a file cannot be read; `message` is written for people and names the file.
 *
 * @example
 * ```ts
 * import { ReadError } from "./fs.ts";
 * new ReadError("requirements.txt", "requirements.txt: file not found").file; // "requirements.txt"
 * ```
 */
export class ReadError extends Error {
  /** Path relative to the project root. */
  readonly file: string;
  /**
   * Name the file and say what went wrong reading it.
   *
   * @param file Relative path of the file.
   * @param message What went wrong.
   */
  constructor(file: string, message: string) {
    super(message);
    this.name = "ReadError";
    this.file = file;
  }
}

/**
 * Turn a path relative to the root (possibly with `..` or `\`) into the canonical `/`-separated
 * relative form, or `undefined` when it leaves the root.
 *
 * @example
 * ```ts
 * import { normaliseRelative } from "./fs.ts";
 * normaliseRelative("a/../b/./c.txt"); // "b/c.txt"
 * normaliseRelative("../etc/passwd"); // undefined
 * ```
 */
export function normaliseRelative(relative: string): string | undefined {
  const joined = path.posix.normalize(relative.replaceAll("\\", "/"));
  if (joined.startsWith("../") || joined === ".." || path.posix.isAbsolute(joined)) {
    return undefined;
  }
  return joined === "." ? "." : joined.replace(/^\.\//, "");
}

/**
 * Read a text file under `root`, refusing paths (or symlink targets) outside it and files larger
 * than `maxBytes`. Strips a UTF-8 byte-order mark.
 *
 * @param options `root` (absolute), `file` (relative), `maxBytes`.
 * @returns The file's text.
 * @throws {ReadError} naming the file when it is missing, too large, outside the root or not UTF-8.
 * @example
 * ```ts ignore
 * import { readTextInRoot } from "./fs.ts";
 * const text = await readTextInRoot({ root: "/srv/project", file: "requirements.txt" });
 * ```
 */
export async function readTextInRoot(
  options: { root: string; file: string; maxBytes?: number },
): Promise<string> {
  const bytes = await readBytesInRoot(options);
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    throw new ReadError(options.file, `${options.file}: not valid UTF-8 text`);
  }
}

/**
 * Read a file's bytes under `root` with the same confinement and size rules as
 * {@linkcode readTextInRoot}.
 *
 * @example
 * ```ts ignore
 * import { readBytesInRoot } from "./fs.ts";
 * const bytes = await readBytesInRoot({ root: "/srv/project", file: "model.pkl", maxBytes: 1 << 20 });
 * ```
 */
export async function readBytesInRoot(
  options: { root: string; file: string; maxBytes?: number },
): Promise<Uint8Array> {
  const maxBytes = options.maxBytes ?? MAX_TEXT_BYTES;
  const { real, relative, size } = await resolveInRoot(options);
  if (size > maxBytes) {
    throw new ReadError(relative, `${relative}: is ${size} bytes, over the ${maxBytes}-byte limit`);
  }
  try {
    const bytes = await readFile(real);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } catch (error) {
    throw new ReadError(relative, `${relative}: ${describeFsError(error)}`);
  }
}

/**
 * Resolve a project file to its real path, refusing paths (or symlink targets) outside the root
 * and anything that is not a regular file: for readers that open large files and seek.
 *
 * @returns The real path, the normalised relative path and the size.
 * @throws {ReadError} naming the file.
 * @example
 * ```ts ignore
 * import { resolveInRoot } from "./fs.ts";
 * const { real, size } = await resolveInRoot({ root: "/srv/project", file: "models/x.pt" });
 * ```
 */
export async function resolveInRoot(
  options: { root: string; file: string },
): Promise<{ real: string; relative: string; size: number }> {
  const { root, file } = options;
  const relative = normaliseRelative(file);
  if (relative === undefined) {
    throw new ReadError(file, `${file}: refers outside the project root`);
  }
  let real: string;
  try {
    real = await realpath(path.join(root, relative));
  } catch (error) {
    throw new ReadError(relative, `${relative}: ${describeFsError(error)}`);
  }
  const realRoot = await realpath(root);
  if (real !== realRoot && !real.startsWith(realRoot + path.sep)) {
    throw new ReadError(relative, `${relative}: is a symlink to outside the project root`);
  }
  let info: Stats;
  try {
    info = await stat(real);
  } catch (error) {
    throw new ReadError(relative, `${relative}: ${describeFsError(error)}`);
  }
  if (!info.isFile()) throw new ReadError(relative, `${relative}: is not a regular file`);
  return { real, relative, size: info.size };
}
