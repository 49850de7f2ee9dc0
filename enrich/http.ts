/**
 * The one HTTP layer of every online source (PyPI, OSV, the Hugging Face Hub): a per-host
 * concurrency limit, a time limit per attempt, retries with exponential backoff and full jitter on
 * network errors, 429 and 5xx (honouring `Retry-After`), bounded bodies, and a disk cache with
 * ETag/Last-Modified revalidation, a maximum age and an offline mode. Every result says where it
 * came from ({@linkcode FetchSource}), so a snapshot can record it.
 *
 * Proxies: Deno's `fetch` reads `HTTPS_PROXY`/`https_proxy`, `HTTP_PROXY`/`http_proxy`,
 * `ALL_PROXY`/`all_proxy` and `NO_PROXY`/`no_proxy` from the environment when the process starts
 * (checked for Deno 2.9 by `tests/enrich/http_test.ts`), so nothing is configured here. Node 20's
 * `fetch` reads none of them (README, Install).
 *
 * Permissions: `--allow-net` for the hosts asked, `--allow-read` and `--allow-write` for the cache
 * directory.
 *
 * @example
 * ```ts ignore
 * import { defaultCacheDir, HttpClient } from "./http.ts";
 * const http = new HttpClient({ cacheDir: defaultCacheDir(new Map(Object.entries(process.env))) });
 * const { data, source } = await http.getJson<{ info: { version: string } }>(
 *   "https://pypi.org/pypi/torch/json",
 * );
 * console.log(data.info.version, source.fetchedAt, source.fromCache);
 * ```
 *
 * @module
 */
import { redactUrl } from "../packaging/mod.ts";
import { type CacheEntry, cacheKey, HttpCache } from "./_http_cache.ts";
import { HttpError } from "./_http_errors.ts";
import { type Attempt, type AttemptRequest, attemptRequest } from "./_http_attempt.ts";
import { backoffDelayMs, ConcurrencyLimiter, sleep } from "./_http_retry.ts";
import {
  type FetchSource,
  HTTP_DEFAULTS,
  type HttpOptions,
  type HttpProgress,
  type HttpStats,
  type JsonResult,
  type RequestOptions,
  USER_AGENT,
} from "./_http_types.ts";

export { HttpError, type HttpErrorKind } from "./_http_errors.ts";
export { defaultCacheDir, type EnvReader } from "./_http_cache.ts";
export * from "./_http_types.ts";

/**
 * Fetches JSON for the enrichers. One client per run: it holds the concurrency limits and stats.
 *
 * @example
 * ```ts ignore
 * import { HttpClient } from "./http.ts";
 * const http = new HttpClient({ cacheDir: "/tmp/tollgate-cache", retries: 2 });
 * const { data } = await http.getJson("https://pypi.org/pypi/numpy/json", { allowMissing: true });
 * if (data === null) console.log("numpy is not on this index");
 * http.stats(); // { requests: 1, cacheHits: 0, revalidated: 0, cacheWriteErrors: 0 }
 * ```
 */
export class HttpClient {
  readonly #settings: Omit<Required<HttpOptions>, "cacheDir" | "onProgress">;
  readonly #onProgress?: (progress: HttpProgress) => void;
  readonly #cache?: HttpCache;
  readonly #limiter: ConcurrencyLimiter;
  readonly #stats: HttpStats = { requests: 0, cacheHits: 0, revalidated: 0, cacheWriteErrors: 0 };
  readonly #progress: HttpProgress = { started: 0, done: 0 };
  readonly #inFlight = new Map<string, Promise<JsonResult<unknown>>>();
  readonly #hostFailures = new Map<string, number>();
  readonly #createdAt = performance.now();

  /**
   * Make a client; nothing is fetched until asked.
   *
   * @param options Cache, offline mode, retry, time and size limits (see {@linkcode HttpOptions}).
   */
  constructor(options: HttpOptions = {}) {
    this.#settings = {
      ...HTTP_DEFAULTS,
      offline: false,
      userAgent: USER_AGENT,
      now: () => new Date(),
      fetch: globalThis.fetch,
      ...withoutUndefined(options),
    };
    this.#onProgress = options.onProgress;
    if (options.cacheDir !== undefined) {
      this.#cache = new HttpCache({
        dir: options.cacheDir,
        maxBodyBytes: this.#settings.maxBodyBytes,
      });
    }
    this.#limiter = new ConcurrencyLimiter(this.#settings.perHostConcurrency);
  }

  /**
   * GET a URL and parse its JSON body.
   *
   * @param url An http(s) URL; user-info in it is sent as Basic authentication and redacted
   *   everywhere it is shown or stored.
   * @param options Accept header, maximum cache age, extra headers, `allowMissing`.
   * @returns The parsed body and its provenance. Identical requests made while one is in flight
   *   share its answer (one request, one parsed object: treat `data` as read-only).
   * @throws {HttpError} When no answer could be had (see {@linkcode HttpErrorKind}).
   */
  getJson<T = unknown>(
    url: string,
    options: RequestOptions & { allowMissing: true },
  ): Promise<JsonResult<T | null>>;
  /**
   * GET a URL and parse its JSON body; without `allowMissing`, a 404 or 410 throws.
   *
   * @param url An http(s) URL (user-info is sent as Basic authentication, and redacted).
   * @param options Accept header, maximum cache age, extra headers.
   * @returns The parsed body and its provenance.
   * @throws {HttpError} When no answer could be had (see {@linkcode HttpErrorKind}).
   */
  getJson<T = unknown>(url: string, options?: RequestOptions): Promise<JsonResult<T>>;
  getJson<T = unknown>(url: string, options: RequestOptions = {}): Promise<JsonResult<T | null>> {
    return this.#requestJson<T>("GET", url, undefined, options);
  }

  /**
   * POST a JSON body and parse the JSON answer. Cached like a GET, keyed on the body too, so a
   * repeated query costs no request within the maximum age.
   *
   * @param url An http(s) URL.
   * @param body Any JSON-serialisable value.
   * @param options Accept header, maximum cache age, extra headers.
   * @returns The parsed answer and its provenance.
   * @throws {HttpError} When no answer could be had.
   */
  postJson<T = unknown>(
    url: string,
    body: unknown,
    options: Omit<RequestOptions, "allowMissing"> = {},
  ): Promise<JsonResult<T>> {
    return this.#requestJson<T>("POST", url, JSON.stringify(body), options) as Promise<
      JsonResult<T>
    >;
  }

  /**
   * Counts so far: requests sent, cache hits, revalidations, failed cache writes.
   *
   * @returns A copy of the counters.
   */
  stats(): HttpStats {
    return { ...this.#stats };
  }

  async #requestJson<T>(
    method: "GET" | "POST",
    url: string,
    body: string | undefined,
    options: RequestOptions,
  ): Promise<JsonResult<T | null>> {
    const shown = redactUrl(url);
    const target = httpUrl(url);
    if (!target) {
      throw new HttpError({
        kind: "invalid",
        method,
        url: shown,
        attempts: 0,
        reason: "not an http(s) URL",
      });
    }
    this.#report("started");
    try {
      const accept = options.accept ?? "application/json";
      const headers = options.headers ?? {};
      const key = await cacheKey({ method, url, accept, headers, body });
      // Identical requests in flight at once share one answer (one call per distinct URL).
      const flightKey = `${key} ${options.allowMissing === true} ${options.maxAgeMs}`;
      let flight = this.#inFlight.get(flightKey);
      if (!flight) {
        const request: AttemptRequest = {
          method,
          target,
          shown,
          accept,
          headers,
          ...(body === undefined ? {} : { body }),
          options,
        };
        flight = this.#obtain(key, request).finally(() => this.#inFlight.delete(flightKey));
        this.#inFlight.set(flightKey, flight);
      }
      return await flight as JsonResult<T | null>;
    } finally {
      this.#report("done");
    }
  }

  async #obtain(key: string, prepared: AttemptRequest): Promise<JsonResult<unknown>> {
    const { method, shown, options } = prepared;
    const cached = await this.#cache?.read(key);
    const maxAgeMs = options.maxAgeMs ?? this.#settings.maxAgeMs;
    if (cached && (this.#settings.offline || this.#ageMs(cached) < maxAgeMs)) {
      this.#stats.cacheHits++;
      return decodeJson(cached, { fromCache: true, attempts: 0, options });
    }
    if (this.#settings.offline) {
      throw new HttpError({
        kind: "offline",
        method,
        url: shown,
        attempts: 0,
        reason: "not in the cache, and offline mode sends no requests",
      });
    }
    const request = cached ? { ...prepared, cached } : prepared;
    let outcome: Attempt & { ok: true };
    let attempts: number;
    try {
      ({ outcome, attempts } = await this.#withRetries(request));
    } catch (error) {
      // A server that cannot be reached does not erase what we knew: serve the expired entry,
      // if it is not too old (it is marked stale, and the report says so).
      if (
        cached && error instanceof HttpError && isTransient(error) &&
        this.#ageMs(cached) < this.#settings.maxStaleMs
      ) {
        this.#stats.cacheHits++;
        return decodeJson(cached, { fromCache: true, stale: true, attempts: 0, options });
      }
      throw error;
    }
    const fetchedAt = this.#settings.now().toISOString();
    if (outcome.kind === "not-modified" && cached) {
      this.#stats.revalidated++;
      const entry: CacheEntry = {
        ...cached,
        fetchedAt,
        ...(outcome.etag === undefined ? {} : { etag: outcome.etag }),
        ...(outcome.lastModified === undefined ? {} : { lastModified: outcome.lastModified }),
      };
      await this.#store(key, entry);
      return decodeJson(entry, { fromCache: true, attempts, options });
    }
    const entry: CacheEntry = {
      method,
      url: shown,
      status: outcome.status,
      fetchedAt,
      body: outcome.kind === "body" ? outcome.body : new Uint8Array(),
      ...(outcome.etag === undefined ? {} : { etag: outcome.etag }),
      ...(outcome.lastModified === undefined ? {} : { lastModified: outcome.lastModified }),
    };
    // Parse before storing: an answer that does not parse is never cached.
    const result = decodeJson(entry, { fromCache: false, attempts, options });
    await this.#store(key, entry);
    return result;
  }

  async #withRetries(
    request: AttemptRequest,
  ): Promise<{ outcome: Attempt & { ok: true }; attempts: number }> {
    const { method, shown } = request;
    const { retries, retryAfterCapMs, backoffBaseMs, backoffCapMs } = this.#settings;
    const host = request.target.host;
    for (let attempt = 1;; attempt++) {
      const release = await this.#limiter.acquire(host);
      let outcome: Attempt;
      try {
        // Checked once a slot is ours: requests queued behind failing ones are not sent.
        this.#refuseIfHopeless(request, attempt);
        this.#stats.requests++;
        outcome = await attemptRequest(request, this.#settings);
      } finally {
        release();
      }
      if (outcome.ok) {
        this.#hostFailures.set(host, 0);
        return { outcome, attempts: attempt };
      }
      const failure = { kind: outcome.kind, method, url: shown, status: outcome.status };
      if (!outcome.retryable || attempt > retries) {
        if (outcome.retryable) {
          this.#hostFailures.set(host, (this.#hostFailures.get(host) ?? 0) + 1);
        }
        throw new HttpError({ ...failure, attempts: attempt, reason: outcome.reason });
      }
      if (outcome.retryAfterMs !== undefined && outcome.retryAfterMs > retryAfterCapMs) {
        const asked = Math.ceil(outcome.retryAfterMs / 1000);
        throw new HttpError({
          ...failure,
          attempts: attempt,
          reason: `${outcome.reason}, and the server asks to retry after ${asked} s, ` +
            `longer than the ${Math.ceil(retryAfterCapMs / 1000)} s Tollgate waits`,
        });
      }
      await sleep(
        outcome.retryAfterMs ??
          backoffDelayMs(attempt - 1, { baseMs: backoffBaseMs, capMs: backoffCapMs }),
      );
    }
  }

  async #store(key: string, entry: CacheEntry): Promise<void> {
    if (!this.#cache) return;
    try {
      await this.#cache.write(key, entry);
    } catch {
      // A read-only or full cache must not fail the run; the count tells the CLI to say so.
      this.#stats.cacheWriteErrors++;
    }
  }

  #ageMs(entry: CacheEntry): number {
    const age = this.#settings.now().getTime() - Date.parse(entry.fetchedAt);
    // An entry from the future (a clock set back, a planted file) is never fresh.
    return age >= 0 ? age : Number.POSITIVE_INFINITY;
  }

  /** Fails a request at once when its host keeps failing or the client's deadline has passed. */
  #refuseIfHopeless(request: AttemptRequest, attempt: number): void {
    const { method, shown } = request;
    const failures = this.#hostFailures.get(request.target.host) ?? 0;
    if (failures >= this.#settings.hostFailureLimit) {
      throw new HttpError({
        kind: "network",
        method,
        url: shown,
        attempts: attempt - 1,
        reason: `not sent: the last ${failures} requests to ${request.target.host} failed`,
      });
    }
    if (performance.now() - this.#createdAt > this.#settings.deadlineMs) {
      throw new HttpError({
        kind: "timeout",
        method,
        url: shown,
        attempts: attempt - 1,
        reason: `not sent: the ${Math.round(this.#settings.deadlineMs / 1000)} s limit for ` +
          "fetching registry data has passed",
      });
    }
  }

  #report(event: "started" | "done"): void {
    this.#progress[event]++;
    this.#onProgress?.({ ...this.#progress });
  }
}

function decodeJson<T>(
  entry: CacheEntry,
  how: { fromCache: boolean; stale?: true; attempts: number; options: RequestOptions },
): JsonResult<T | null> {
  const source: FetchSource = {
    url: entry.url,
    fetchedAt: entry.fetchedAt,
    ...(entry.etag === undefined ? {} : { etag: entry.etag }),
    ...(entry.lastModified === undefined ? {} : { lastModified: entry.lastModified }),
    fromCache: how.fromCache,
    status: entry.status,
    ...(how.stale ? { stale: true as const } : {}),
  };
  const failure = { method: entry.method, url: entry.url, attempts: how.attempts };
  if (entry.status === 404 || entry.status === 410) {
    if (how.options.allowMissing) return { data: null, source };
    throw new HttpError({
      ...failure,
      kind: "status",
      status: entry.status,
      reason: `${entry.status === 404 ? "404 Not Found" : "410 Gone"} (cached)`,
    });
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(entry.body);
  } catch {
    throw new HttpError({ ...failure, kind: "invalid", reason: "the answer is not UTF-8 text" });
  }
  try {
    return { data: JSON.parse(text) as T, source };
  } catch (error) {
    const detail = (error as Error).message.replace(/[^ -~]/g, "").slice(0, 120);
    throw new HttpError({
      ...failure,
      kind: "invalid",
      reason: `the answer is not valid JSON (${entry.body.length} bytes; ${detail})`,
    });
  }
}

function isTransient(error: HttpError): boolean {
  return error.kind === "network" || error.kind === "timeout" ||
    (error.kind === "status" && error.status !== undefined &&
      (error.status === 429 || error.status >= 500));
}

function httpUrl(url: string): URL | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}
