/**
 * Hashing worker: receives shared batches `{ worker, claims, jobs: [{ id, file, confineTo?,
 * algorithm?, start?, end?, shardSize?, maxShards? }, …] }` (every worker gets every batch) and
 * hashes each job it wins: a job belongs to the first worker whose number it compare-exchanges
 * into `claims` (shared memory). It streams each file (or the range asked for, with its shard
 * digests) through the hash in 1 MiB chunks and posts `{ results: [{ id, outcome }, …] }` after a
 * few files or a few MiB, so small files cost one message per batch rather than per file; results
 * held are posted before a large file starts, so they never wait behind it. I/O is synchronous:
 * this thread does nothing else, and a blocking read per chunk costs less than an asynchronous
 * operation per small file. One job at a time, so the single read buffer is never shared.
 *
 * @module
 */
import { parentPort } from "node:worker_threads";
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

if (!parentPort) throw new Error("_hash_worker runs only as a worker thread of the hash pool");
const port = parentPort;

port.on("message", (batch: { worker: number; claims: Int32Array; jobs: HashJob[] }) => {
  const { worker, claims, jobs } = batch;
  let results: Array<{ id: number; outcome: HashOutcome }> = [];
  let bytes = 0;
  const flush = () => {
    if (results.length > 0) port.postMessage({ results });
    results = [];
    bytes = 0;
  };
  for (let index = 0; index < jobs.length; index++) {
    if (Atomics.compareExchange(claims, index, 0, worker) !== 0) continue; // another worker's
    const job = jobs[index];
    let outcome: HashOutcome;
    try {
      outcome = hashConfinedSync(job.file, {
        ...job,
        buffer,
        beforeRead: (length) => {
          if (length >= RESULT_BATCH_BYTES) flush();
        },
      });
    } catch (error) {
      outcome = { ok: false, reason: "unreadable", message: String(error) };
    }
    results.push({ id: job.id, outcome });
    if (outcome.ok) bytes += outcome.size;
    if (results.length >= RESULT_BATCH_FILES || bytes >= RESULT_BATCH_BYTES) flush();
  }
  flush();
});
