/**
 * The HTTP layer's disk cache: one file per request, named by a hash of the request, holding a
 * one-line JSON header (redacted URL, status, validators, fetched-at, body digest) and the body.
 * Writes are atomic (temporary file, then rename); an entry that does not check out is ignored.
 *
 * @module
 */
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, posix, win32 } from "node:path";
import process from "node:process";

/** The header format written into every entry; entries of another format are ignored. */
export const CACHE_FORMAT = "tollgate.http-cache/v1";

/** Everything that makes two requests different answers. */
export interface CacheKeyInput {
  /** `GET` or `POST`. */
  method: string;
  /** The full URL, credentials included: two accounts may see different answers. */
  url: string;
  /** The Accept header (a JSON API and an HTML page are different answers). */
  accept: string;
  /** Extra request headers (an `Authorization` token changes what a hub shows). */
  headers?: Readonly<Record<string, string>>;
  /** The request body, for POST. */
  body?: string;
}

/**
 * The cache key of a request: the SHA-256 (hex) of its method, URL, Accept header, extra headers
 * (names lower-cased, in sorted order) and body digest. Only the hash is ever written to disk, so
 * credentials in the URL never appear in a file name.
 *
 * @param input The request.
 * @returns 64 lower-case hex digits.
 * @example
 * ```ts
 * import { cacheKey } from "./_http_cache.ts";
 * const key = await cacheKey({ method: "GET", url: "https://pypi.org/pypi/torch/json", accept: "application/json" });
 * key.length; // 64
 * ```
 */
export async function cacheKey(input: CacheKeyInput): Promise<string> {
  const headers = Object.entries(input.headers ?? {})
    .map(([name, value]) => [name.toLowerCase(), value])
    .sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
  const body = input.body === undefined ? null : await sha256Hex(utf8.encode(input.body));
  const canonical = JSON.stringify([
    CACHE_FORMAT,
    input.method.toUpperCase(),
    input.url,
    input.accept,
    headers,
    body,
  ]);
  return await sha256Hex(utf8.encode(canonical));
}

/** One cached answer. */
export interface CacheEntry {
  /** `GET` or `POST`. */
  method: string;
  /** The URL with credentials redacted: the secret stays in memory, never on disk. */
  url: string;
  /** The HTTP status of the answer (2xx, or 404/410 for a recorded absence). */
  status: number;
  etag?: string;
  lastModified?: string;
  /** When the answer was last fetched or confirmed by a 304 (ISO 8601). */
  fetchedAt: string;
  body: Uint8Array;
}

/** The first line of an entry file: the entry without its body, and what checks the body. */
interface EntryHeader extends Omit<CacheEntry, "body"> {
  format: string;
  key: string;
  size: number;
  sha256: string;
}

const HEADER_FIELDS = [
  "format",
  "key",
  "method",
  "url",
  "status",
  "etag",
  "lastModified",
  "fetchedAt",
  "size",
  "sha256",
] as const;

/** The longest header line read; anything longer is not one of ours. */
const MAX_HEADER_BYTES = 16 * 1024;

/**
 * A directory of cached answers, bounded per entry by `maxBodyBytes`.
 *
 * @example
 * ```ts ignore
 * import { HttpCache } from "./_http_cache.ts";
 * const cache = new HttpCache({ dir: "/home/me/.cache/tollgate", maxBodyBytes: 64 << 20 });
 * const entry = await cache.read(key); // undefined when absent or corrupt
 * ```
 */
export class HttpCache {
  readonly #dir: string;
  readonly #maxBodyBytes: number;

  /** @param options `dir` (the cache root) and `maxBodyBytes` (larger entries are ignored). */
  constructor(options: { dir: string; maxBodyBytes: number }) {
    this.#dir = options.dir;
    this.#maxBodyBytes = options.maxBodyBytes;
  }

  /**
   * The file an entry lives in: `DIR/http/ab/abcdef…` (the key's first two digits shard the
   * directory).
   */
  fileFor(key: string): string {
    return join(this.#dir, "http", key.slice(0, 2), key);
  }

  /**
   * The entry stored under `key`, or `undefined` when there is none or it does not check out
   * (unreadable, not our format, another key, body digest or size wrong).
   */
  async read(key: string): Promise<CacheEntry | undefined> {
    const file = this.fileFor(key);
    let bytes: Uint8Array;
    try {
      const info = await stat(file);
      if (!info.isFile() || info.size > this.#maxBodyBytes + MAX_HEADER_BYTES) return undefined;
      bytes = await readFile(file);
    } catch {
      return undefined;
    }
    const newline = bytes.subarray(0, MAX_HEADER_BYTES).indexOf(0x0a);
    if (newline < 0) return undefined;
    const header = parseHeader(bytes.subarray(0, newline));
    if (!header || header.key !== key) return undefined;
    const body = bytes.subarray(newline + 1);
    if (body.length !== header.size || await sha256Hex(body) !== header.sha256) return undefined;
    const { format: _format, key: _key, size: _size, sha256: _sha256, ...entry } = header;
    return { ...entry, body };
  }

  /** Store `entry` under `key`, atomically: readers see the old entry or the new, never half. */
  async write(key: string, entry: CacheEntry): Promise<void> {
    const { body: _body, ...fields } = entry;
    const header: EntryHeader = {
      format: CACHE_FORMAT,
      key,
      ...fields,
      size: entry.body.length,
      sha256: await sha256Hex(entry.body),
    };
    const head = utf8.encode(JSON.stringify(header) + "\n");
    const bytes = new Uint8Array(head.length + entry.body.length);
    bytes.set(head);
    bytes.set(entry.body, head.length);
    const file = this.fileFor(key);
    await mkdir(dirname(file), { recursive: true });
    const temporary = `${file}.${crypto.randomUUID()}.tmp`;
    try {
      await writeFile(temporary, bytes, { mode: 0o600 });
      await rename(temporary, file);
    } catch (error) {
      await rm(temporary).catch(() => {});
      throw error;
    }
  }
}

function parseHeader(bytes: Uint8Array): EntryHeader | undefined {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const h = value as Record<string, unknown>;
  const strings = ["key", "method", "url", "fetchedAt", "sha256"].every((name) =>
    typeof h[name] === "string"
  );
  const optional = ["etag", "lastModified"].every((name) =>
    h[name] === undefined || typeof h[name] === "string"
  );
  if (
    h.format !== CACHE_FORMAT || !strings || !optional || !Number.isInteger(h.status) ||
    !Number.isSafeInteger(h.size) || Number.isNaN(Date.parse(h.fetchedAt as string))
  ) return undefined;
  // Only the fields we know, whatever else the file holds.
  const header = {} as Record<string, unknown>;
  for (const name of HEADER_FIELDS) if (h[name] !== undefined) header[name] = h[name];
  return header as unknown as EntryHeader;
}

/** Reads environment variables: a `Map` fits, and so does Deno's `env`. */
export interface EnvReader {
  get(name: string): string | undefined;
}

/**
 * The user cache directory for Tollgate: `$XDG_CACHE_HOME/tollgate` or `~/.cache/tollgate` on
 * Linux and other Unix systems, `~/Library/Caches/tollgate` on macOS, `%LOCALAPPDATA%\tollgate` on
 * Windows. A relative `XDG_CACHE_HOME` is ignored, as the XDG specification says.
 *
 * @param env Where to read `XDG_CACHE_HOME`, `HOME`, `LOCALAPPDATA`, `USERPROFILE`.
 * @param os The operating system, as Deno names it (`linux`, `darwin`, `windows`…; by default
 *   this one's, from `process.platform`).
 * @returns The directory, or `undefined` when the environment names no home.
 * @example
 * ```ts
 * import { defaultCacheDir } from "./_http_cache.ts";
 * defaultCacheDir(new Map([["HOME", "/home/ada"]]), "linux"); // "/home/ada/.cache/tollgate"
 * defaultCacheDir(new Map([["HOME", "/Users/ada"]]), "darwin"); // "/Users/ada/Library/Caches/tollgate"
 * ```
 */
export function defaultCacheDir(
  env: EnvReader,
  os: string = process.platform === "win32" ? "windows" : process.platform,
): string | undefined {
  const set = (name: string) => {
    const value = env.get(name);
    return value === undefined || value === "" ? undefined : value;
  };
  if (os === "windows") {
    const local = set("LOCALAPPDATA");
    if (local) return win32.join(local, "tollgate");
    const profile = set("USERPROFILE");
    return profile ? win32.join(profile, "AppData", "Local", "tollgate") : undefined;
  }
  const home = set("HOME");
  if (os === "darwin") return home ? posix.join(home, "Library", "Caches", "tollgate") : undefined;
  const xdg = set("XDG_CACHE_HOME");
  if (xdg && posix.isAbsolute(xdg)) return posix.join(xdg, "tollgate");
  return home ? posix.join(home, ".cache", "tollgate") : undefined;
}

const utf8 = new TextEncoder();

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>),
  );
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
