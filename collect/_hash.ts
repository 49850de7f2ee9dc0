/**
 * Streaming file digests: a file is read in fixed-size chunks into an incremental hash, so memory
 * stays constant whatever its size. Used in-thread and by the hashing workers.
 *
 * @module
 */
import { createHash } from "node:crypto";
import * as path from "node:path";

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

/** The result of hashing one file: a hex digest and size, or why not. */
export type HashOutcome =
  | { ok: true; digest: string; size: number }
  | { ok: false; reason: HashFailure; message: string };

/**
 * Hash an open-able file by streaming it through `algorithm` in chunks.
 *
 * @param file Absolute path.
 * @param options `algorithm` (default sha256) and a reusable `buffer` (default a fresh 1 MiB one).
 * @returns The hex digest and the number of bytes read.
 * @example
 * ```ts ignore
 * import { hashFileStreaming } from "./_hash.ts";
 * const { digest, size } = await hashFileStreaming("/tmp/model.safetensors");
 * ```
 */
export async function hashFileStreaming(
  file: string,
  options: { algorithm?: HashAlgorithm; buffer?: Uint8Array } = {},
): Promise<{ digest: string; size: number }> {
  const hash = createHash(options.algorithm ?? "sha256");
  const buffer = options.buffer ?? new Uint8Array(HASH_CHUNK_BYTES);
  using handle = await Deno.open(file, { read: true });
  let size = 0;
  for (;;) {
    const read = await handle.read(buffer);
    if (read === null) break;
    hash.update(buffer.subarray(0, read));
    size += read;
  }
  return { digest: hash.digest("hex"), size };
}

/**
 * Hash `file` only if it (after following symlinks) is a regular file inside `confineTo`;
 * never opens anything else. Failures are returned, not thrown.
 *
 * @param file Absolute path.
 * @param options `confineTo` (absolute, already resolved with realPath; omitted: no confinement),
 *   `algorithm`, reusable `buffer`.
 * @returns The digest and size, or a failure reason with a message for people.
 * @example
 * ```ts ignore
 * import { hashConfined } from "./_hash.ts";
 * const outcome = await hashConfined("/srv/app/.venv/bin/tool", { confineTo: "/srv/app/.venv" });
 * if (!outcome.ok) console.log(outcome.reason); // e.g. "escapes"
 * ```
 */
export async function hashConfined(
  file: string,
  options: { confineTo?: string; algorithm?: HashAlgorithm; buffer?: Uint8Array } = {},
): Promise<HashOutcome> {
  let real: string;
  try {
    real = await Deno.realPath(file);
  } catch (error) {
    return failure(error);
  }
  const root = options.confineTo;
  if (root !== undefined && real !== root && !real.startsWith(root + path.sep)) {
    return { ok: false, reason: "escapes", message: "resolves outside the environment" };
  }
  try {
    // stat before open: opening a FIFO or device could block or never end.
    const info = await Deno.stat(real);
    if (!info.isFile) return { ok: false, reason: "not-file", message: "not a regular file" };
    const { digest, size } = await hashFileStreaming(real, options);
    return { ok: true, digest, size };
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
  options: { confineTo?: string; algorithm?: HashAlgorithm; buffer?: Uint8Array } = {},
): HashOutcome {
  try {
    const real = Deno.realPathSync(file);
    const root = options.confineTo;
    if (root !== undefined && real !== root && !real.startsWith(root + path.sep)) {
      return { ok: false, reason: "escapes", message: "resolves outside the environment" };
    }
    if (!Deno.statSync(real).isFile) {
      return { ok: false, reason: "not-file", message: "not a regular file" };
    }
    const hash = createHash(options.algorithm ?? "sha256");
    const buffer = options.buffer ?? new Uint8Array(HASH_CHUNK_BYTES);
    using handle = Deno.openSync(real, { read: true });
    let size = 0;
    for (let read = handle.readSync(buffer); read !== null; read = handle.readSync(buffer)) {
      hash.update(buffer.subarray(0, read));
      size += read;
    }
    return { ok: true, digest: hash.digest("hex"), size };
  } catch (error) {
    return failure(error);
  }
}

function failure(error: unknown): HashOutcome {
  if (error instanceof Deno.errors.NotFound) {
    return { ok: false, reason: "missing", message: "file not found" };
  }
  const message = error instanceof Error ? error.message : String(error);
  if (
    error instanceof Deno.errors.FilesystemLoop || /ELOOP|too many (levels|links)/i.test(message)
  ) {
    return { ok: false, reason: "loop", message: "symlink loop" };
  }
  if (error instanceof Deno.errors.PermissionDenied) {
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
    real = await Deno.realPath(path.join(rootReal, relative));
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
    const info = await Deno.stat(real);
    if (!info.isFile) return { error: "not a regular file", missing: false };
    using handle = await Deno.open(real, { read: true });
    const buffer = new Uint8Array(Math.min(maxBytes, info.size + 1));
    let filled = 0;
    while (filled < buffer.length) {
      const read = await handle.read(buffer.subarray(filled));
      if (read === null) break;
      filled += read;
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
