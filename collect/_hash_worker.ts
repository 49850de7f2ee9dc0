/// <reference lib="deno.worker" />
/**
 * Hashing worker: receives `{ jobs: [{ id, file, confineTo?, algorithm?, start?, end?,
 * shardSize?, maxShards? }, …] }`, streams each file (or the range asked for, with its shard
 * digests) through the hash in 1 MiB chunks and posts `{ results: [{ id, outcome }, …] }` — after a
 * few files or a few MiB, so small files cost one message per batch rather than per file and large
 * ones still report as they finish. I/O is synchronous: this thread does nothing else, and a
 * blocking read per chunk costs less than an asynchronous operation per small file. One job at a
 * time, so the single read buffer is never shared.
 *
 * @module
 */
import { HASH_CHUNK_BYTES, hashConfinedSync } from "./_hash.ts";
import type { HashAlgorithm, HashOutcome, HashRange } from "./_hash.ts";

interface HashJob extends HashRange {
  id: number;
  file: string;
  confineTo?: string;
  algorithm?: HashAlgorithm;
}

/** Results are posted once this many files, or this many bytes, are done (and at a batch's end). */
const RESULT_BATCH_FILES = 16;
const RESULT_BATCH_BYTES = 8 * HASH_CHUNK_BYTES;

const buffer = new Uint8Array(HASH_CHUNK_BYTES);

self.onmessage = (event: MessageEvent<{ jobs: HashJob[] }>) => {
  let results: Array<{ id: number; outcome: HashOutcome }> = [];
  let bytes = 0;
  for (const job of event.data.jobs) {
    let outcome: HashOutcome;
    try {
      outcome = hashConfinedSync(job.file, { ...job, buffer });
    } catch (error) {
      outcome = { ok: false, reason: "unreadable", message: String(error) };
    }
    results.push({ id: job.id, outcome });
    if (outcome.ok) bytes += outcome.size;
    if (results.length >= RESULT_BATCH_FILES || bytes >= RESULT_BATCH_BYTES) {
      self.postMessage({ results });
      results = [];
      bytes = 0;
    }
  }
  if (results.length > 0) self.postMessage({ results });
};
