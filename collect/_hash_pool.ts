/**
 * A small, bounded pool of worker threads (`node:worker_threads`, which Deno runs too) that hash
 * files by streaming them. Shared by RECORD
 * verification and signature work: hand it absolute paths (optionally confined to a directory)
 * and it returns digests, with at most a few files open at any time.
 *
 * @module
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { checkHashRange, hashConfined } from "./_hash.ts";
import type { HashAlgorithm, HashOutcome, HashRange } from "./_hash.ts";

/**
 * One file to hash: the whole of it, or a range (`start`, `end`), optionally with a digest per
 * `shardSize` piece of that range computed in the same pass (see {@linkcode HashRange}).
 */
export interface HashRequest extends HashRange {
  /** Absolute path. */
  file: string;
  /** Resolved (realPath) directory the file must stay inside, symlinks followed; never read otherwise. */
  confineTo?: string;
  /** Default sha256. */
  algorithm?: HashAlgorithm;
}

interface Pending {
  id: number;
  request: HashRequest;
  resolve: (outcome: HashOutcome) => void;
}

interface Slot {
  worker: Worker;
  /** 1-based, unique for the pool's life: what the worker writes into a batch's claims. */
  number: number;
}

/**
 * Jobs posted to every worker at once. Each job is hashed by the first worker to claim it (an
 * atomic compare-exchange on `claims`), so a worker held up by a large file never holds up the
 * small files queued behind it: the other worker takes them.
 */
interface SharedBatch {
  jobs: Pending[];
  /** Per job: the number of the worker that claimed it, 0 while unclaimed. */
  claims: Int32Array;
  /** Jobs whose result has not arrived. */
  unresolved: number;
}

/** Jobs per worker in one shared batch, and shared batches outstanding at a time. */
const BATCH_FILES = 32;
const BATCHES_IN_FLIGHT = 3;

/** The worker's module: beside this one, as source (`.ts`) or as built (`.js`). */
const WORKER_MODULE = new URL(
  import.meta.url.endsWith(".ts") ? "./_hash_worker.ts" : "./_hash_worker.js",
  import.meta.url,
);

/**
 * Default pool size: two workers, or fewer on a single-core machine.
 *
 * @example
 * ```ts
 * import { defaultPoolSize } from "./_hash_pool.ts";
 * defaultPoolSize() <= 2; // true
 * ```
 */
export function defaultPoolSize(): number {
  return Math.max(1, Math.min(2, availableParallelism() || 1));
}

/**
 * Hashes files on worker threads. `size: 0` hashes on the calling thread (no workers). Close it
 * (or `using` it) to terminate the workers.
 *
 * @example
 * ```ts ignore
 * import { HashPool } from "./_hash_pool.ts";
 * using pool = new HashPool();
 * const outcome = await pool.hash({ file: "/srv/app/.venv/bin/tool", confineTo: "/srv/app/.venv" });
 * ```
 */
export class HashPool {
  #slots: Slot[] = [];
  #queue: Pending[] = [];
  #batches: SharedBatch[] = [];
  #inFlight = new Map<number, { pending: Pending; batch: SharedBatch; index: number }>();
  #nextWorker = 1;
  #nextId = 1;
  #size: number;
  #closed = false;
  #dispatchScheduled = false;

  /** @param options `size`: number of workers (default {@linkcode defaultPoolSize}). */
  constructor(options: { size?: number } = {}) {
    this.#size = options.size ?? defaultPoolSize();
  }

  /** Number of workers (0: hashing on the calling thread). */
  get size(): number {
    return this.#size;
  }

  /**
   * Hash one file. Requests beyond what the workers hold wait in an in-memory queue; use
   * {@linkcode hashFiles} to keep that queue bounded for large batches.
   *
   * @example
   * ```ts ignore
   * import { HashPool } from "./_hash_pool.ts";
   * using pool = new HashPool({ size: 1 });
   * await pool.hash({ file: "/etc/hostname" });
   * ```
   */
  hash(request: HashRequest): Promise<HashOutcome> {
    if (this.#closed) return Promise.reject(new Error("hash pool is closed"));
    try {
      checkHashRange(request);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#size === 0) return hashConfined(request.file, request);
    return new Promise((resolve) => {
      this.#queue.push({ id: this.#nextId++, request, resolve });
      this.#scheduleDispatch();
    });
  }

  /**
   * Terminate the workers; pending requests resolve as unreadable.
   *
   * @example
   * ```ts ignore
   * import { HashPool } from "./_hash_pool.ts";
   * const pool = new HashPool();
   * pool.close();
   * ```
   */
  close(): void {
    this.#closed = true;
    for (const slot of this.#slots) void slot.worker.terminate();
    for (const { pending } of this.#inFlight.values()) pending.resolve(closedOutcome());
    for (const pending of this.#queue) pending.resolve(closedOutcome());
    this.#slots = [];
    this.#queue = [];
    this.#batches = [];
    this.#inFlight.clear();
  }

  /** Same as {@linkcode close}. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Requests made in the same turn (a batch of callers, or of results) go out together. */
  #scheduleDispatch(): void {
    if (this.#dispatchScheduled) return;
    this.#dispatchScheduled = true;
    queueMicrotask(() => {
      this.#dispatchScheduled = false;
      if (!this.#closed) this.#dispatch();
    });
  }

  #dispatch(): void {
    const waiting = this.#queue.length + this.#inFlight.size;
    while (this.#slots.length < this.#size && this.#slots.length < waiting) {
      const slot = this.#spawn();
      this.#slots.push(slot);
      // A replacement for a crashed worker joins the batches still outstanding.
      for (const batch of this.#batches) this.#post(slot, batch);
    }
    // Keep a few shared batches outstanding so no worker waits for this thread; a short queue
    // goes out whole, and the workers share it job by job.
    while (this.#batches.length < BATCHES_IN_FLIGHT && this.#queue.length > 0) {
      const jobs = this.#queue.splice(0, BATCH_FILES * this.#slots.length);
      const batch: SharedBatch = {
        jobs,
        claims: new Int32Array(new SharedArrayBuffer(4 * jobs.length)),
        unresolved: jobs.length,
      };
      jobs.forEach((pending, index) => this.#inFlight.set(pending.id, { pending, batch, index }));
      this.#batches.push(batch);
      for (const slot of this.#slots) this.#post(slot, batch);
    }
  }

  #post(slot: Slot, batch: SharedBatch): void {
    slot.worker.postMessage({
      worker: slot.number,
      claims: batch.claims,
      jobs: batch.jobs.map(({ id, request }) => ({
        id,
        file: request.file,
        confineTo: request.confineTo,
        algorithm: request.algorithm,
        start: request.start,
        end: request.end,
        shardSize: request.shardSize,
        maxShards: request.maxShards,
      })),
    });
  }

  #settle(id: number, outcome: HashOutcome): void {
    const held = this.#inFlight.get(id);
    if (!held) return;
    this.#inFlight.delete(id);
    if (--held.batch.unresolved === 0) {
      this.#batches = this.#batches.filter((b) => b !== held.batch);
    }
    held.pending.resolve(outcome);
  }

  #spawn(): Slot {
    const worker = new Worker(WORKER_MODULE);
    const slot: Slot = { worker, number: this.#nextWorker++ };
    worker.on("message", (data: { results: Array<{ id: number; outcome: HashOutcome }> }) => {
      for (const { id, outcome } of data.results) this.#settle(id, outcome);
      this.#scheduleDispatch();
    });
    worker.on("error", (error: Error) => {
      // A crashed worker fails the jobs it had claimed and is replaced; the pool keeps going.
      void worker.terminate();
      this.#slots = this.#slots.filter((s) => s !== slot);
      for (const [id, held] of [...this.#inFlight]) {
        if (Atomics.load(held.batch.claims, held.index) !== slot.number) continue;
        this.#settle(id, {
          ok: false,
          reason: "unreadable",
          message: `hashing failed: ${error.message}`,
        });
      }
      if (!this.#closed) this.#scheduleDispatch();
    });
    return slot;
  }
}

function closedOutcome(): HashOutcome {
  return { ok: false, reason: "unreadable", message: "hash pool closed before the file was read" };
}

/**
 * Hash many files through `pool`, keeping a bounded number of requests outstanding (a few batches
 * per worker) so memory stays bounded whatever the number of items. Results arrive through
 * `onResult` as they complete.
 *
 * @param pool The pool to use.
 * @param items What to hash; `toRequest` turns one into a {@linkcode HashRequest}.
 * @param options `toRequest`, `onResult`, `onProgress(done, total)`.
 * @returns When every item has been hashed (or has failed).
 * @example
 * ```ts ignore
 * import { HashPool, hashFiles } from "./_hash_pool.ts";
 * using pool = new HashPool();
 * await hashFiles(pool, ["/a", "/b"], {
 *   toRequest: (file) => ({ file }),
 *   onResult: (file, outcome) => console.log(file, outcome),
 * });
 * ```
 */
export async function hashFiles<T>(
  pool: HashPool,
  items: readonly T[],
  options: {
    toRequest: (item: T) => HashRequest;
    onResult: (item: T, outcome: HashOutcome) => void;
    onProgress?: (done: number, total: number) => void;
  },
): Promise<void> {
  // Enough outstanding to fill the shared batches in flight; on the calling thread (size 0) each
  // outstanding request holds an open file and a buffer, so only a few.
  const limit = pool.size === 0 ? 8 : pool.size * BATCH_FILES * BATCHES_IN_FLIGHT;
  let next = 0;
  let done = 0;
  const runner = async () => {
    while (next < items.length) {
      const item = items[next++];
      const outcome = await pool.hash(options.toRequest(item));
      options.onResult(item, outcome);
      options.onProgress?.(++done, items.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, runner));
}
