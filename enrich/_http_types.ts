/**
 * The HTTP layer's options, results and defaults (re-exported by `http.ts`).
 *
 * @module
 */
import { TOOL } from "../core/snapshot.ts";

/**
 * The User-Agent sent with every request: Tollgate's name and version, and where to read about it.
 *
 * @example
 * ```ts
 * import { USER_AGENT } from "./_http_types.ts";
 * USER_AGENT.startsWith("tollgate/"); // true
 * ```
 */
export const USER_AGENT = `${TOOL.name}/${TOOL.version} (+https://github.com/tollgate/tollgate)`;

/**
 * The defaults of {@linkcode HttpOptions}, written once.
 *
 * @example
 * ```ts
 * import { HTTP_DEFAULTS } from "./_http_types.ts";
 * HTTP_DEFAULTS.retries; // 4
 * ```
 */
export const HTTP_DEFAULTS = {
  maxAgeMs: 60 * 60 * 1000,
  retries: 4,
  backoffBaseMs: 250,
  backoffCapMs: 10_000,
  retryAfterCapMs: 60_000,
  timeoutMs: 30_000,
  perHostConcurrency: 8,
  maxBodyBytes: 64 * 1024 * 1024,
  maxStaleMs: 24 * 60 * 60 * 1000,
  hostFailureLimit: 8,
  deadlineMs: 5 * 60 * 1000,
} as const;

/**
 * Where a result came from: what the snapshot records so a verdict can be audited.
 *
 * @example
 * ```ts
 * import type { FetchSource } from "./_http_types.ts";
 * const source: FetchSource = {
 *   url: "https://pypi.org/pypi/torch/json",
 *   fetchedAt: "2026-01-01T00:00:00.000Z",
 *   etag: '"abc"',
 *   fromCache: true,
 *   status: 200,
 * };
 * ```
 */
export interface FetchSource {
  /** The URL asked, credentials redacted. */
  url: string;
  /** When the answer was fetched, or last confirmed unchanged by the server (ISO 8601). */
  fetchedAt: string;
  /** The answer's ETag, for revalidation. */
  etag?: string;
  /** The answer's Last-Modified, for revalidation. */
  lastModified?: string;
  /** Whether the body came from the disk cache (fresh enough, revalidated by a 304, or stale). */
  fromCache: boolean;
  /** The HTTP status of the answer: 2xx, or 404/410 when `allowMissing` was given. */
  status: number;
  /** Set when the server could not be reached and an expired cache entry was used instead. */
  stale?: true;
}

/**
 * A parsed JSON answer and its provenance.
 *
 * @example
 * ```ts
 * import type { JsonResult } from "./_http_types.ts";
 * const result: JsonResult<{ info: { version: string } }> = {
 *   data: { info: { version: "2.3.1" } },
 *   source: {
 *     url: "https://pypi.org/pypi/torch/json",
 *     fetchedAt: "2026-01-01T00:00:00.000Z",
 *     fromCache: false,
 *     status: 200,
 *   },
 * };
 * ```
 */
export interface JsonResult<T> {
  /** The parsed body (`null` for a 404 or 410 when `allowMissing` was given). */
  data: T;
  /** Where it came from. */
  source: FetchSource;
}

/**
 * Progress of a client's requests, for a progress line the CLI draws (on a TTY only).
 *
 * @example
 * ```ts
 * import { HttpClient, type HttpProgress } from "../enrich/http.ts";
 * const client = new HttpClient({
 *   onProgress: (progress: HttpProgress) => console.error(`${progress.done}/${progress.started}`),
 * });
 * ```
 */
export interface HttpProgress {
  /** Requests begun (each counted once, however many attempts it takes). */
  started: number;
  /** Requests finished, successfully or not. */
  done: number;
}

/**
 * How a client behaves; every field has a default in {@linkcode HTTP_DEFAULTS}.
 *
 * @example
 * ```ts
 * import { HttpClient, type HttpOptions } from "../enrich/http.ts";
 * const options: HttpOptions = { offline: true, retries: 2, timeoutMs: 10_000 };
 * const client = new HttpClient(options);
 * ```
 */
export interface HttpOptions {
  /** Cache directory; without one nothing is cached (see {@linkcode defaultCacheDir}). */
  cacheDir?: string;
  /** Answer from the cache whatever its age and send no request; a miss is an `offline` error. */
  offline?: boolean;
  /** Within this age a cached answer is used without asking the server (default 1 h). */
  maxAgeMs?: number;
  /** Retries after the first attempt, on network errors, timeouts, 429 and 5xx (default 4). */
  retries?: number;
  /** First backoff ceiling; it doubles with every retry (default 250 ms). */
  backoffBaseMs?: number;
  /** Largest backoff ceiling (default 10 s). */
  backoffCapMs?: number;
  /** Longest `Retry-After` honoured; a server asking more fails the request at once (60 s). */
  retryAfterCapMs?: number;
  /** Time limit of one attempt: connecting, headers and the whole body (default 30 s). */
  timeoutMs?: number;
  /** Requests in flight to one host (host and port) at once (default 8). */
  perHostConcurrency?: number;
  /** Sent as User-Agent (default {@linkcode USER_AGENT}). */
  userAgent?: string;
  /** Largest body accepted; a bigger one is a `too-large` error (default 64 MiB). */
  maxBodyBytes?: number;
  /**
   * Oldest cached answer served when the server cannot be reached (default 24 h); older ones
   * are not used, and the request fails. Offline mode serves any age (the report shows it).
   */
  maxStaleMs?: number;
  /**
   * After this many requests to one host fail in a row (retries spent), the others to that
   * host fail at once instead of each waiting through its own retries (default 8).
   */
  hostFailureLimit?: number;
  /**
   * Time from the client's creation after which no request is started or retried: the bound on
   * the wall time of a whole enrichment against a failing server (default 5 min).
   */
  deadlineMs?: number;
  /** The clock, for fetched-at times, cache ages and `Retry-After` dates. */
  now?: () => Date;
  /** Called when a request starts and when it ends. */
  onProgress?: (progress: HttpProgress) => void;
  /** The fetch function (default the global one). */
  fetch?: typeof fetch;
}

/**
 * Options of one request.
 *
 * @example
 * ```ts ignore
 * import { HttpClient, type RequestOptions } from "../enrich/http.ts";
 * const options: RequestOptions = { maxAgeMs: 0, allowMissing: true };
 * await new HttpClient().getJson("https://pypi.org/pypi/numpy/json", options);
 * ```
 */
export interface RequestOptions {
  /** The Accept header (default `application/json`). Part of the cache key. */
  accept?: string;
  /** This request's maximum cache age, instead of the client's (0: always ask the server). */
  maxAgeMs?: number;
  /**
   * Extra request headers (an `Authorization` token, say). Part of the cache key, never stored.
   * They cannot replace Accept or User-Agent.
   */
  headers?: Readonly<Record<string, string>>;
  /** 404 and 410 resolve with `data: null` (cached like any answer) instead of throwing. */
  allowMissing?: boolean;
}

/**
 * What a client did, to prove "one call per package cold, none warm".
 *
 * @example
 * ```ts
 * import { HttpClient, type HttpStats } from "../enrich/http.ts";
 * const stats: HttpStats = new HttpClient({ offline: true }).stats();
 * stats.requests; // 0
 * ```
 */
export interface HttpStats {
  /** HTTP requests sent, retries included. */
  requests: number;
  /** Answers served from the cache without any request. */
  cacheHits: number;
  /** Cached answers the server confirmed unchanged (304). */
  revalidated: number;
  /** Cache entries that could not be written (the request still succeeded). */
  cacheWriteErrors: number;
}
