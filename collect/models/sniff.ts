/**
 * Finding model files in a project: by name (the usual extensions, numbered and compressed
 * variants), and by content for every other file, from its first bytes only — a malicious pickle
 * saved as `weights`, `model.data` or `ckpt.pth.tar` loads just the same.
 *
 * @module
 */
import { closeSync, lstatSync, openSync, readSync } from "node:fs";
import * as path from "node:path";
import { actsOnLoad, PICKLE_OPCODE_BYTES, scanPickle } from "./pickle.ts";

/**
 * Names that are model files whatever their content (the content still decides the format):
 * weights and pickle extensions, PyTorch's `.pth.tar`, numbered copies (`model.pkl.1`) and
 * joblib's compressed names (`model.pkl.gz`, `clf.joblib.xz`).
 *
 * @example
 * ```ts
 * import { MODEL_FILE } from "./sniff.ts";
 * MODEL_FILE.test("ckpt.pth.tar"); // true
 * ```
 */
export const MODEL_FILE: RegExp =
  /\.(?:pt|pth|bin|ckpt|pkl|pickle|joblib|npy|npz|safetensors|onnx|gguf|h5|keras|model|sav)$|\.pth\.tar$|\.(?:pkl|pickle|joblib|pt|pth|bin|ckpt|sav|npy)\.(?:\d+|z|gz|bz2|xz|lzma|lz4)$/i;

/** Files sniffed per collection; beyond it the rest are named in coverage as not sniffed. */
export const MAX_SNIFFED = 50_000;
/** Compressed files larger than this are not decompressed to see whether they hold a pickle. */
const MAX_SNIFFED_COMPRESSED = 64 * 1024 * 1024;

/**
 * Whether a file's first bytes may start a model file: a pickle (protocol 2+ header, or any
 * opcode but STOP for protocols 0/1), a zip, `.npy`, GGUF, a plausible safetensors header, or a
 * gzip/zlib stream (joblib's compressed files). The reader then decides from the whole content.
 *
 * @param head The file's first 64 bytes (fewer for a small file).
 * @param size The file's size.
 * @example
 * ```ts
 * import { mayBeModel } from "./sniff.ts";
 * mayBeModel(new Uint8Array([0x80, 0x04, 0x95]), 3); // true
 * mayBeModel(new TextEncoder().encode("# README"), 8); // false
 * ```
 */
export function mayBeModel(head: Uint8Array, size: number): boolean {
  if (head.length < 2) return false;
  const [a, b] = head;
  if (a === 0x80) return b >= 2 && b <= 5;
  if (a === 0x50 && b === 0x4b && head[2] === 0x03 && head[3] === 0x04) return true; // zip
  if (a === 0x93 && b === 0x4e && head[2] === 0x55) return true; // \x93NUMPY
  if (a === 0x47 && b === 0x47 && head[2] === 0x55 && head[3] === 0x46) return true; // GGUF
  if (head.length >= 9 && head[8] === 0x7b) {
    let length = 0;
    for (let i = 7; i >= 0; i--) length = length * 256 + head[i];
    if (length <= size - 8) return true; // safetensors
  }
  if (PICKLE_OPCODE_BYTES.has(a) && a !== 0x2e && mayBeOldPickle(head)) return true;
  if (size > MAX_SNIFFED_COMPRESSED) return false;
  if (a === 0x1f && b === 0x8b) return true; // gzip
  return (a & 0x0f) === 8 && a >> 4 <= 7 && (a * 256 + b) % 31 === 0; // zlib
}

/**
 * Protocol 0/1 text that CPython would act on: walking the first bytes either runs out (more to
 * read) or imports a Python name and calls something or ends cleanly. Text that merely starts
 * with opcode letters fails at once ("# Title", "certifi\nnumpy\n" imports but calls nothing).
 */
function mayBeOldPickle(head: Uint8Array): boolean {
  const scan = scanPickle(head, { maxOps: 64 });
  if (!scan.complete && scan.ended !== "invalid") return true;
  if (scan.problems.some((p) => p.startsWith("pickle truncated"))) return true;
  return actsOnLoad(scan);
}

/**
 * Read the first bytes of `file` (relative to `root`), without following it outside the root:
 * `undefined` when it cannot be opened or is not a regular file. Synchronous: a 64-byte read is
 * over before an asynchronous one is scheduled, and a project has thousands of such files.
 *
 * @example
 * ```ts ignore
 * import { readHead } from "./sniff.ts";
 * const head = readHead("/srv/project", "weights");
 * ```
 */
export function readHead(
  root: string,
  file: string,
): { head: Uint8Array; size: number } | undefined {
  const absolute = path.join(root, file);
  try {
    const info = lstatSync(absolute);
    if (!info.isFile()) return undefined; // symlinks are read by name only, through resolveInRoot
    const fd = openSync(absolute, "r");
    try {
      const head = new Uint8Array(64);
      let filled = 0;
      while (filled < head.length) {
        const got = readSync(fd, head, filled, head.length - filled, filled);
        if (got === 0) break;
        filled += got;
      }
      return { head: head.subarray(0, filled), size: info.size };
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}
