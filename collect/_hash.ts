/**
 * Streaming file digests: a file is read in fixed-size chunks into an incremental hash, so memory
 * stays constant whatever its size. Used in-thread and by the hashing workers.
 *
 * @module
 */
import { createHash, type Hash } from "node:crypto";
import { closeSync, openSync, readSync, realpathSync, statSync } from "node:fs";
import { open, realpath, stat } from "node:fs/promises";
import * as path from "node:path";
import { hasErrorCode, readAt } from "./node_fs.ts";

/**
 * Bytes read per chunk (1 MiB).
 *
 * @example
 * ```ts
 * import { HASH_CHUNK_BYTES } from "./_hash.ts";
 * HASH_CHUNK_BYTES; // 1048576
 * ```
 */
export const HASH_CHUNK_BYTES = 1 << 20;

/** Digest algorithms accepted for installed files (PEP 376 defers to hashlib's guaranteed set). */
export type HashAlgorithm = "sha256" | "sha384" | "sha512";

/** Why a file could not be hashed. */
export type HashFailure = "missing" | "escapes" | "not-file" | "loop" | "unreadable";

/**
 * The result of hashing one file (or a range of it): a hex digest and the bytes read, with the
 * digest of each shard when shards were asked for; or why not.
 */
export type HashOutcome =
  | { ok: true; digest: string; size: number; shards?: string[] }
  | { ok: false; reason: HashFailure; message: string };

/**
 * Which bytes of a file to hash. Without any field: the whole file.
 */
export interface HashRange {
  /** First byte hashed (default 0). */
  start?: number;
  /** End of the range, exclusive (default: the end of the file; a shorter file ends it sooner). */
  end?: number;
  /**
   * Also digest the consecutive `shardSize`-byte pieces of the range (the last one may be
   * shorter; an empty range has none), in the same pass over the bytes.
   */
  shardSize?: number;
  /**
   * When the range would need more shards than this, only the whole digest is computed and
   * `shards` is left out: a bound on work and memory whatever `shardSize` a caller passes on.
   * Default 1,000,000.
   */
  maxShards?: number;
}

/** Options shared by the hashing functions. */
export interface HashOptions extends HashRange {
  /** Digest algorithm (default sha256). */
  algorithm?: HashAlgorithm;
  /** A reusable read buffer (default a fresh 1 MiB one). */
  buffer?: Uint8Array;
  /** Called with the number of bytes about to be read (from a stat), before reading starts. */
  beforeRead?: (length: number) => void;
}

const DEFAULT_MAX_SHARDS = 1_000_000;

/**
 * Throw a RangeError naming the field when a range is not made of non-negative safe integers,
 * ends before it starts, or has a shard size below 1.
 *
 * @example
 * ```ts
 * import { checkHashRange } from "./_hash.ts";
 * checkHashRange({ start: 0, end: 8, shardSize: 4 }); // fine
 * ```
 */
export function checkHashRange(range: HashRange): void {
  for (const key of ["start", "end", "maxShards"] as const) {
    const value = range[key];
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
      throw new RangeError(`hash range ${key} must be a non-negative integer, got ${value}`);
    }
  }
  if (
    range.shardSize !== undefined && !(Number.isSafeInteger(range.shardSize) && range.shardSize > 0)
  ) {
    throw new RangeError(`hash range shardSize must be a positive integer, got ${range.shardSize}`);
  }
  if (range.end !== undefined && range.end < (range.start ?? 0)) {
    throw new RangeError(`hash range ends (${range.end}) before it starts (${range.start ?? 0})`);
  }
}

/**
 * Feeds the bytes of a range into the whole digest and, when asked, into one digest per shard.
 * A range that fits in one shard is hashed once: its only shard digest is the whole digest.
 */
class RangeDigest {
  readonly #algorithm: HashAlgorithm;
  readonly #whole: Hash;
  readonly #shardSize: number | undefined;
  readonly #single: boolean;
  #shard: Hash | undefined;
  #inShard = 0;
  #shards: string[] = [];
  size = 0;

  /** `length`: the range's expected length, from a stat taken just before reading. */
  constructor(algorithm: HashAlgorithm, options: HashRange & { length: number }) {
    this.#algorithm = algorithm;
    this.#whole = createHash(algorithm);
    const { shardSize, length } = options;
    const count = shardSize === undefined ? 0 : Math.ceil(length / shardSize);
    this.#shardSize = count <= (options.maxShards ?? DEFAULT_MAX_SHARDS) ? shardSize : undefined;
    this.#single = this.#shardSize !== undefined && length <= this.#shardSize;
  }

  update(bytes: Uint8Array): void {
    this.#whole.update(bytes);
    this.size += bytes.length;
    const shardSize = this.#shardSize;
    if (shardSize === undefined || this.#single) return;
    for (let offset = 0; offset < bytes.length;) {
      const take = Math.min(shardSize - this.#inShard, bytes.length - offset);
      this.#shard ??= createHash(this.#algorithm);
      this.#shard.update(bytes.subarray(offset, offset + take));
      this.#inShard += take;
      offset += take;
      if (this.#inShard === shardSize) {
        this.#shards.push(this.#shard.digest("hex"));
        this.#shard = undefined;
        this.#inShard = 0;
      }
    }
  }

  finish(): HashOutcome {
    const digest = this.#whole.digest("hex");
    const shardSize = this.#shardSize;
    if (shardSize === undefined) return { ok: true, digest, size: this.size };
    if (this.#single) {
      if (this.size > shardSize) {
        return { ok: false, reason: "unreadable", message: "file grew while it was being read" };
      }
      return { ok: true, digest, size: this.size, shards: this.size === 0 ? [] : [digest] };
    }
    if (this.#shard !== undefined) this.#shards.push(this.#shard.digest("hex"));
    return { ok: true, digest, size: this.size, shards: this.#shards };
  }
}

function rangeLength(range: HashRange, fileSize: number): number {
  const start = range.start ?? 0;
  return Math.max(0, Math.min(range.end ?? fileSize, fileSize) - start);
}

/**
 * Hash an open-able file (or a range of it) by streaming it through `algorithm` in chunks.
 *
 * @param file Absolute path.
 * @param options `algorithm` (default sha256), a reusable `buffer` (default a fresh 1 MiB one),
 *   and a {@linkcode HashRange} (`start`, `end`, `shardSize`, `maxShards`).
 * @returns The hex digest, the number of bytes read, and the shard digests when asked for.
 * @example
 * ```ts ignore
 * import { hashFileStreaming } from "./_hash.ts";
 * const { digest, size } = await hashFileStreaming("/tmp/model.safetensors");
 * ```
 */
export async function hashFileStreaming(
  file: string,
  options: HashOptions = {},
): Promise<{ digest: string; size: number; shards?: string[] }> {
  checkHashRange(options);
  const outcome = await digestFile(file, options);
  if (!outcome.ok) throw new Error(`${file}: ${outcome.message}`);
  const { ok: _, ...result } = outcome;
  return result;
}

async function digestFile(file: string, options: HashOptions): Promise<HashOutcome> {
  const buffer = options.buffer ?? new Uint8Array(HASH_CHUNK_BYTES);
  const handle = await open(file, "r");
  try {
    const length = options.shardSize === undefined && options.beforeRead === undefined
      ? 0
      : rangeLength(options, (await handle.stat()).size);
    options.beforeRead?.(length);
    const digest = new RangeDigest(options.algorithm ?? "sha256", { ...options, length });
    let position = options.start ?? 0;
    let remaining = options.end === undefined ? Infinity : options.end - position;
    while (remaining > 0) {
      const want = Math.min(remaining, buffer.length);
      const { bytesRead } = await handle.read(buffer, 0, want, position);
      if (bytesRead === 0) break;
      digest.update(buffer.subarray(0, bytesRead));
      position += bytesRead;
      remaining -= bytesRead;
    }
    return digest.finish();
  } finally {
    await handle.close();
  }
}

/**
 * Hash `file` only if it (after following symlinks) is a regular file inside `confineTo`;
 * never opens anything else. Failures are returned, not thrown.
 *
 * @param file Absolute path.
 * @param options `confineTo` (absolute, already resolved with realPath; omitted: no confinement),
 *   `algorithm`, reusable `buffer`, and a {@linkcode HashRange}.
 * @returns The digest and size (and shard digests), or a failure reason with a message for people.
 * @example
 * ```ts ignore
 * import { hashConfined } from "./_hash.ts";
 * const outcome = await hashConfined("/srv/app/.venv/bin/tool", { confineTo: "/srv/app/.venv" });
 * if (!outcome.ok) console.log(outcome.reason); // e.g. "escapes"
 * ```
 */
export async function hashConfined(
  file: string,
  options: HashOptions & { confineTo?: string } = {},
): Promise<HashOutcome> {
  let real: string;
  try {
    real = await realpath(file);
  } catch (error) {
    return failure(error);
  }
  const root = options.confineTo;
  if (root !== undefined && real !== root && !real.startsWith(root + path.sep)) {
    return { ok: false, reason: "escapes", message: "resolves outside the environment" };
  }
  try {
    // stat before open: opening a FIFO or device could block or never end.
    const info = await stat(real);
    if (!info.isFile()) return { ok: false, reason: "not-file", message: "not a regular file" };
    checkHashRange(options);
    return await digestFile(real, options);
  } catch (error) {
    return failure(error);
  }
}

/**
 * Synchronous {@linkcode hashConfined}, for worker threads where blocking is free and avoids the
 * cost of an asynchronous operation per small read.
 *
 * @example
 * ```ts ignore
 * import { hashConfinedSync } from "./_hash.ts";
 * const outcome = hashConfinedSync("/srv/app/.venv/bin/tool", { confineTo: "/srv/app/.venv" });
 * ```
 */
export function hashConfinedSync(
  file: string,
  options: HashOptions & { confineTo?: string } = {},
): HashOutcome {
  try {
    checkHashRange(options);
    const real = realpathSync(file);
    const root = options.confineTo;
    if (root !== undefined && real !== root && !real.startsWith(root + path.sep)) {
      return { ok: false, reason: "escapes", message: "resolves outside the environment" };
    }
    const info = statSync(real);
    if (!info.isFile()) return { ok: false, reason: "not-file", message: "not a regular file" };
    const buffer = options.buffer ?? new Uint8Array(HASH_CHUNK_BYTES);
    const length = rangeLength(options, info.size);
    options.beforeRead?.(length);
    const fd = openSync(real, "r");
    try {
      const digest = new RangeDigest(options.algorithm ?? "sha256", { ...options, length });
      let position = options.start ?? 0;
      let remaining = options.end === undefined ? Infinity : options.end - position;
      while (remaining > 0) {
        const read = readSync(fd, buffer, 0, Math.min(remaining, buffer.length), position);
        if (read === 0) break;
        digest.update(buffer.subarray(0, read));
        position += read;
        remaining -= read;
      }
      return digest.finish();
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    return failure(error);
  }
}

function failure(error: unknown): HashOutcome {
  if (hasErrorCode(error, "ENOENT")) {
    return { ok: false, reason: "missing", message: "file not found" };
  }
  const message = error instanceof Error ? error.message : String(error);
  if (hasErrorCode(error, "ELOOP") || /ELOOP|too many (levels|links)/i.test(message)) {
    return { ok: false, reason: "loop", message: "symlink loop" };
  }
  if (hasErrorCode(error, "EACCES", "EPERM")) {
    return { ok: false, reason: "unreadable", message: "permission denied" };
  }
  return { ok: false, reason: "unreadable", message };
}

/**
 * Convert a hex digest to the urlsafe base64 form without padding that RECORD uses.
 *
 * @example
 * ```ts
 * import { hexToRecordDigest } from "./_hash.ts";
 * hexToRecordDigest("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
 * // "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"
 * ```
 */
export function hexToRecordDigest(hex: string): string {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * Read the start of a small text file under `rootReal` (a realPath-resolved directory), refusing
 * anything whose resolved path leaves it and anything that is not a regular file. At most
 * `maxBytes` are read; `truncated` says there was more. Failures are returned, not thrown.
 *
 * @param rootReal Resolved directory the file must stay inside.
 * @param relative Path below it.
 * @param maxBytes Bytes to read at most.
 * @returns The text (UTF-8, byte-order mark stripped) or a message saying why not.
 * @example
 * ```ts ignore
 * import { readConfinedText } from "./_hash.ts";
 * const read = await readConfinedText("/srv/app/.venv", "pyvenv.cfg", 65536);
 * if ("text" in read) console.log(read.text);
 * ```
 */
export async function readConfinedText(
  rootReal: string,
  relative: string,
  maxBytes: number,
): Promise<{ text: string; truncated: boolean } | { error: string; missing: boolean }> {
  let real: string;
  try {
    real = await realpath(path.join(rootReal, relative));
  } catch (error) {
    const outcome = failure(error);
    return {
      error: outcome.ok ? "" : outcome.message,
      missing: !outcome.ok && outcome.reason === "missing",
    };
  }
  if (!real.startsWith(rootReal + path.sep)) {
    return { error: "resolves outside the environment; not read", missing: false };
  }
  try {
    const info = await stat(real);
    if (!info.isFile()) return { error: "not a regular file", missing: false };
    const handle = await open(real, "r");
    let filled: number;
    const buffer = new Uint8Array(Math.min(maxBytes, info.size + 1));
    try {
      filled = await readAt(handle, buffer, 0);
    } finally {
      await handle.close();
    }
    const text = new TextDecoder().decode(buffer.subarray(0, filled));
    return {
      text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text,
      truncated: info.size > maxBytes,
    };
  } catch (error) {
    const outcome = failure(error);
    return { error: outcome.ok ? "" : outcome.message, missing: false };
  }
}
