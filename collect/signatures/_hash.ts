/**
 * Hashing the files under signed model paths: one pool for every signature, each file read once
 * even when several signatures cover it, shard digests computed in the same pass as the whole
 * digest, and the number of shard digests bounded per signature before anything is read.
 *
 * @module
 */
import { realpath, stat } from "node:fs/promises";
import * as path from "node:path";
import type { SignedFile } from "../../core/snapshot.ts";
import type { HashOutcome } from "../_hash.ts";
import { hashFiles, HashPool, type HashRequest } from "../_hash_pool.ts";

/** One entry to hash for one signature. */
export interface SignedFileJob {
  /** The record to fill in (size, sha256, shards or error). */
  record: SignedFile;
  /** A regular file, or a symlink whose target is hashed when it is a file inside the root. */
  kind: "file" | "symlink";
  /** Absolute path of the entry. */
  absolute: string;
  /** Shard digests wanted: the shard size, and whether the pre-1.0 layout applies. */
  shards?: { size: number; legacy: boolean; max: number };
  /** The signature's issues, for what goes wrong with this file's shards. */
  issues: string[];
}

/**
 * Decide which files get shard digests, in path order, until `maxShards` digests for the
 * signature are planned: sizes are taken first (a stat each, nothing opened), so that a tiny
 * shard size in a hostile bundle cannot make the collector compute or hold millions of digests.
 * Files over the budget keep their whole digest only, and one issue says so.
 *
 * @param jobs The signature's jobs, sorted by path.
 * @param options `rootReal`, `shardSize`, `legacy` layout, `maxShards` for the signature.
 * @returns The issue to record when the budget was spent, or undefined.
 * @example
 * ```ts ignore
 * import { planShards } from "./_hash.ts";
 * const issue = await planShards(jobs, { rootReal: "/srv/app", shardSize: 1e9, legacy: false, maxShards: 100_000 });
 * ```
 */
export async function planShards(
  jobs: readonly SignedFileJob[],
  options: { rootReal: string; shardSize: number; legacy: boolean; maxShards: number },
): Promise<string | undefined> {
  let planned = 0;
  let skipped = 0;
  for (const job of jobs) {
    const size = await regularFileSize(job.absolute, options.rootReal);
    if (size === undefined) continue; // hashing fails for it anyway, with the reason
    const count = size === 0 ? (options.legacy ? 1 : 0) : Math.ceil(size / options.shardSize);
    if (planned + count > options.maxShards) {
      skipped++;
      continue;
    }
    planned += count;
    job.shards = { size: options.shardSize, legacy: options.legacy, max: Math.max(1, count) };
  }
  return skipped === 0
    ? undefined
    : `shard digests not recorded for ${skipped} file(s): shard_size ` +
      `${options.shardSize} would need more than ${options.maxShards} shard digests`;
}

/**
 * Hash every job through one pool, reading each (file, shard size) once however many signatures
 * cover it, and fill in the records. Failures become the record's `error`.
 *
 * @param jobs All signatures' jobs.
 * @param options `rootReal` (every read stays inside it), `hashWorkers`, `onProgress(done, total)`.
 * @returns When every record is filled in.
 * @example
 * ```ts ignore
 * import { hashSignedFiles } from "./_hash.ts";
 * await hashSignedFiles(jobs, { rootReal: "/srv/app" });
 * ```
 */
export async function hashSignedFiles(
  jobs: readonly SignedFileJob[],
  options: {
    rootReal: string;
    hashWorkers?: number;
    onProgress?: (done: number, total: number) => void;
  },
): Promise<void> {
  const unique = new Map<string, { request: HashRequest; jobs: SignedFileJob[] }>();
  for (const job of jobs) {
    const key = `${job.absolute}\0${job.shards?.size ?? ""}\0${job.shards?.max ?? ""}`;
    const entry = unique.get(key);
    if (entry) entry.jobs.push(job);
    else {
      unique.set(key, {
        request: {
          file: job.absolute,
          confineTo: options.rootReal,
          shardSize: job.shards?.size,
          maxShards: job.shards?.max,
        },
        jobs: [job],
      });
    }
  }
  if (unique.size === 0) return;
  using pool = new HashPool({ size: options.hashWorkers });
  await hashFiles(pool, [...unique.values()], {
    toRequest: (entry) => entry.request,
    onResult: (entry, outcome) => {
      for (const job of entry.jobs) fillRecord(job, outcome);
    },
    onProgress: options.onProgress,
  });
}

function fillRecord(job: SignedFileJob, outcome: HashOutcome): void {
  const record = job.record;
  if (!outcome.ok) {
    record.error = failureMessage(job.kind, outcome);
    return;
  }
  record.size = outcome.size;
  record.sha256 = outcome.digest;
  const plan = job.shards;
  if (plan === undefined) return;
  if (outcome.shards === undefined) {
    job.issues.push(`${record.path}: changed size while it was read; shard digests not recorded`);
  } else if (outcome.size === 0) {
    // Before 1.0, model_signing gave an empty file one empty shard; from 1.0 on, none.
    record.shards = plan.legacy ? [{ start: 0, end: 0, sha256: outcome.digest }] : [];
  } else {
    record.shards = outcome.shards.map((sha256, i) => ({
      start: i * plan.size,
      end: Math.min((i + 1) * plan.size, outcome.size),
      sha256,
    }));
  }
}

function failureMessage(
  kind: SignedFileJob["kind"],
  outcome: Extract<HashOutcome, { ok: false }>,
): string {
  const link = kind === "symlink";
  switch (outcome.reason) {
    case "missing":
      return link
        ? "dangling symlink: the target does not exist"
        : "disappeared before it was read";
    case "escapes":
      return link
        ? "symlink target is outside the project root; not read"
        : "resolves outside the project root; not read";
    case "not-file":
      return link
        ? "symlink target is not a regular file (directory, FIFO, device or socket); not read"
        : "is no longer a regular file; not read";
    case "loop":
      return "symlink loop";
    default:
      return outcome.message;
  }
}

/** The size of what `absolute` resolves to, when that is a regular file inside `rootReal`. */
async function regularFileSize(absolute: string, rootReal: string): Promise<number | undefined> {
  try {
    const real = await realpath(absolute);
    if (real !== rootReal && !real.startsWith(rootReal + path.sep)) return undefined;
    const info = await stat(real);
    return info.isFile() ? info.size : undefined;
  } catch {
    return undefined;
  }
}
