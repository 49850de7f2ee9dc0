/**
 * Helpers shared by the hashing benchmarks: random files, timing, medians. Node APIs only, so the
 * hashing benchmark runs on Node too (compiled by `deno task build:npm`).
 *
 * @module
 */
import { open } from "node:fs/promises";

/**
 * Writes `bytes` random-ish bytes to `file` (the first 64 KiB of each block is fresh randomness,
 * enough to defeat any deduplication or compression on the way).
 *
 * @example
 * ```ts ignore
 * import { writeRandom } from "./_files.ts";
 * await writeRandom("/tmp/x.bin", 1 << 20, new Uint8Array(1 << 20));
 * ```
 */
export async function writeRandom(file: string, bytes: number, block: Uint8Array): Promise<void> {
  const handle = await open(file, "w");
  try {
    for (let written = 0; written < bytes;) {
      const n = Math.min(block.length, bytes - written);
      crypto.getRandomValues(block.subarray(0, Math.min(n, 65536)));
      await handle.write(block.subarray(0, n));
      written += n;
    }
  } finally {
    await handle.close();
  }
}

/**
 * Seconds `fn` takes.
 *
 * @example
 * ```ts
 * import { time } from "./_files.ts";
 * (await time(() => Promise.resolve())) >= 0; // true
 * ```
 */
export async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

/**
 * The median of a non-empty list (the upper one for an even count).
 *
 * @example
 * ```ts
 * import { median } from "./_files.ts";
 * median([3, 1, 2]); // 2
 * ```
 */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * The parts one after another in one buffer (written for the benchmarks' small headers and
 * members).
 *
 * @example
 * ```ts
 * import { concat } from "./_files.ts";
 * concat(new Uint8Array([1]), new Uint8Array([2])); // Uint8Array [1, 2]
 * ```
 */
export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, part) => (out.set(part, at), at + part.length), 0);
  return out;
}
