/**
 * The file-system calls Deno and Node both run, in the shapes the collectors use: errors told
 * apart by their Node code (`ENOENT`, `EACCES`…) rather than by Deno's error classes, directory
 * entries that do not follow symlinks, and bounded positioned reads of an open file.
 *
 * @module
 */
import { type FileHandle, opendir, readdir } from "node:fs/promises";

/** Node's codes for Deno's error classes, for a Deno error made without a code. */
const DENO_ERROR_CODES: Readonly<Record<string, string>> = {
  NotFound: "ENOENT",
  PermissionDenied: "EACCES",
  IsADirectory: "EISDIR",
  NotADirectory: "ENOTDIR",
  FilesystemLoop: "ELOOP",
  AlreadyExists: "EEXIST",
};

/**
 * The system error code of a file-system error (`ENOENT`, `EACCES`, `EISDIR`…), whichever
 * runtime threw it; `undefined` for anything else.
 *
 * @param error What was caught.
 * @returns The code, or `undefined`.
 * @example
 * ```ts
 * import { errorCode } from "./node_fs.ts";
 * import { readFile } from "node:fs/promises";
 * await readFile("/no/such/file").catch(errorCode); // "ENOENT"
 * errorCode(new Error("not from the file system")); // undefined
 * ```
 */
export function errorCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as Error & { code?: unknown }).code;
  if (typeof code === "string") return code;
  return Object.hasOwn(DENO_ERROR_CODES, error.name) ? DENO_ERROR_CODES[error.name] : undefined;
}

/**
 * Whether `error` is a file-system error with one of `codes`.
 *
 * @param error What was caught.
 * @param codes The codes that match (`"ENOENT"`, `"ENOTDIR"`…).
 * @returns `true` when the error's code is one of them.
 * @example
 * ```ts
 * import { hasErrorCode } from "./node_fs.ts";
 * import { stat } from "node:fs/promises";
 * const absent = await stat("/no/such/file").catch((e) => hasErrorCode(e, "ENOENT", "ENOTDIR"));
 * absent; // true
 * ```
 */
export function hasErrorCode(error: unknown, ...codes: string[]): boolean {
  const code = errorCode(error);
  return code !== undefined && codes.includes(code);
}

/**
 * Whether `error` is Deno refusing an operation it was given no permission for (`--allow-read`,
 * `--allow-write`…). Node has no such permissions, so there it is always `false`.
 *
 * @param error What was caught.
 * @returns `true` for Deno's `NotCapable` error.
 * @example
 * ```ts
 * import { isNotPermitted } from "./node_fs.ts";
 * isNotPermitted(new Error("ENOENT")); // false
 * ```
 */
export function isNotPermitted(error: unknown): boolean {
  return error instanceof Error && error.name === "NotCapable";
}

/**
 * A short human description of a file-system error: the common cases in words, anything else
 * by its message.
 *
 * @param error What was caught.
 * @returns `file not found`, `permission denied`, `is a directory`, or the error's message.
 * @example
 * ```ts
 * import { describeFsError } from "./node_fs.ts";
 * import { readFile } from "node:fs/promises";
 * await readFile("/no/such/file").catch(describeFsError); // "file not found"
 * ```
 */
export function describeFsError(error: unknown): string {
  switch (errorCode(error)) {
    case "ENOENT":
      return "file not found";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "is a directory";
  }
  return error instanceof Error ? error.message : String(error);
}

/** One entry of a directory, as listed: a symlink is a symlink, never what it points to. */
export interface DirEntry {
  /** The entry's name (no directory part). */
  name: string;
  /** A regular file. */
  isFile: boolean;
  /** A directory. */
  isDirectory: boolean;
  /** A symbolic link (whatever its target). */
  isSymlink: boolean;
}

/**
 * The entries of `directory`, in the order the file system lists them. Symlinks are not followed.
 *
 * @param directory The directory to list.
 * @returns Its entries.
 * @example
 * ```ts
 * import { readDirectory } from "./node_fs.ts";
 * const entries = await readDirectory(new URL(".", import.meta.url).pathname);
 * entries.some((e) => e.name === "node_fs.ts" && e.isFile); // true
 * ```
 */
export async function readDirectory(directory: string): Promise<DirEntry[]> {
  const dirents = await readdir(directory, { withFileTypes: true });
  return dirents.map((dirent) => ({
    name: dirent.name,
    isFile: dirent.isFile(),
    isDirectory: dirent.isDirectory(),
    isSymlink: dirent.isSymbolicLink(),
  }));
}

/**
 * The entries of `directory` one at a time, so a caller that stops early never holds a huge
 * listing whole. Symlinks are not followed; leaving the loop closes the directory.
 *
 * @param directory The directory to list.
 * @returns Its entries, as read.
 * @example
 * ```ts
 * import { listDirectory } from "./node_fs.ts";
 * for await (const entry of listDirectory(new URL(".", import.meta.url).pathname)) {
 *   entry.name.length > 0; // true
 *   break;
 * }
 * ```
 */
export async function* listDirectory(directory: string): AsyncGenerator<DirEntry> {
  for await (const dirent of await opendir(directory)) {
    yield {
      name: dirent.name,
      isFile: dirent.isFile(),
      isDirectory: dirent.isDirectory(),
      isSymlink: dirent.isSymbolicLink(),
    };
  }
}

/**
 * Fill `into` from the open file at byte `position`, stopping early only at the end of the file.
 *
 * @param handle The open file (the caller closes it).
 * @param into Where the bytes go; its length bounds the read.
 * @param position The file offset of the first byte.
 * @returns The number of bytes read (fewer than `into.length` only at the end of the file).
 * @example
 * ```ts
 * import { readAt } from "./node_fs.ts";
 * import { open } from "node:fs/promises";
 * const handle = await open(new URL("node_fs.ts", import.meta.url));
 * const head = new Uint8Array(3);
 * await readAt(handle, head, 0); // 3
 * await handle.close();
 * new TextDecoder().decode(head); // "/**"
 * ```
 */
export async function readAt(
  handle: FileHandle,
  into: Uint8Array,
  position: number,
): Promise<number> {
  let filled = 0;
  while (filled < into.length) {
    const { bytesRead } = await handle.read(into, filled, into.length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}
