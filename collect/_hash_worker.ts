/// <reference lib="deno.worker" />
/**
 * Hashing worker: receives `{ id, file, confineTo?, algorithm? }`, streams the file through the
 * hash in 1 MiB chunks and posts `{ id, outcome }`. I/O is synchronous: this thread does nothing
 * else, and a blocking read per chunk costs less than an asynchronous operation per small file.
 * One job at a time, so the single read buffer is never shared.
 *
 * @module
 */
import { HASH_CHUNK_BYTES, hashConfinedSync } from "./_hash.ts";
import type { HashAlgorithm, HashOutcome } from "./_hash.ts";

interface HashJob {
  id: number;
  file: string;
  confineTo?: string;
  algorithm?: HashAlgorithm;
}

const buffer = new Uint8Array(HASH_CHUNK_BYTES);

self.onmessage = (event: MessageEvent<HashJob>) => {
  const job = event.data;
  let outcome: HashOutcome;
  try {
    outcome = hashConfinedSync(job.file, { ...job, buffer });
  } catch (error) {
    outcome = { ok: false, reason: "unreadable", message: String(error) };
  }
  self.postMessage({ id: job.id, outcome });
};
