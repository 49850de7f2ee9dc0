/**
 * One HTTP attempt: send the request under a time limit, read a bounded body, and classify what
 * happened so the caller can decide whether to retry.
 *
 * @module
 */
import { redactUrlsIn } from "../packaging/mod.ts";
import type { CacheEntry } from "./_http_cache.ts";
import { describeStatus, type HttpErrorKind } from "./_http_errors.ts";
import { parseRetryAfter } from "./_http_retry.ts";
import type { RequestOptions } from "./_http_types.ts";

/** A request as the client prepared it. */
export interface AttemptRequest {
  method: "GET" | "POST";
  /** The parsed URL (credentials included; `fetch` sends them as Basic authentication). */
  target: URL;
  /** The URL with credentials redacted, for messages. */
  shown: string;
  accept: string;
  headers: Readonly<Record<string, string>>;
  body?: string;
  /** The cached entry to revalidate, if any. */
  cached?: CacheEntry;
  options: RequestOptions;
}

/** The limits and tools of an attempt. */
export interface AttemptSettings {
  fetch: typeof fetch;
  timeoutMs: number;
  maxBodyBytes: number;
  userAgent: string;
  now: () => Date;
}

interface Validators {
  etag?: string;
  lastModified?: string;
}

/** What one attempt produced: an answer to use, or a failure that may be worth retrying. */
export type Attempt =
  | { ok: true; kind: "body"; status: number; body: Uint8Array } & Validators
  | { ok: true; kind: "not-modified"; status: 304 } & Validators
  | { ok: true; kind: "missing"; status: number } & Validators
  | {
    ok: false;
    kind: HttpErrorKind;
    retryable: boolean;
    reason: string;
    status?: number;
    /** What `Retry-After` asked for, when it was readable. */
    retryAfterMs?: number;
  };

class BodyTooLarge extends Error {}

/**
 * Send one request and classify the outcome; never throws. 2xx bodies are read whole (at most
 * `maxBodyBytes`) within the same time limit as the headers.
 *
 * @param request The prepared request.
 * @param settings fetch, time and size limits, User-Agent, clock.
 * @returns The answer, or a failure with its kind, reason and whether to retry.
 * @example
 * ```ts ignore
 * const outcome = await attemptRequest(request, { fetch, timeoutMs: 30_000, maxBodyBytes: 1 << 20, userAgent: "t", now: () => new Date() });
 * if (!outcome.ok && outcome.retryable) await sleep(outcome.retryAfterMs ?? 250);
 * ```
 */
export async function attemptRequest(
  request: AttemptRequest,
  settings: AttemptSettings,
): Promise<Attempt> {
  let headers: Headers;
  try {
    headers = requestHeaders(request, settings);
  } catch (error) {
    const reason = `a request header is not valid (${(error as Error).message})`;
    return { ok: false, kind: "invalid", retryable: false, reason };
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), settings.timeoutMs);
  try {
    const response = await settings.fetch(request.target, {
      method: request.method,
      headers,
      body: request.body,
      signal: controller.signal,
      redirect: "follow",
    });
    const validators = validatorsOf(response.headers);
    const status = response.status;
    if (status >= 200 && status < 300) {
      const body = await readBounded(response, settings.maxBodyBytes);
      return { ok: true, kind: "body", status, body, ...validators };
    }
    await response.body?.cancel().catch(() => {});
    if (status === 304 && request.cached) {
      return { ok: true, kind: "not-modified", status, ...validators };
    }
    if ((status === 404 || status === 410) && request.options.allowMissing) {
      return { ok: true, kind: "missing", status, ...validators };
    }
    const retryAfter = response.headers.get("retry-after");
    const retryAfterMs = retryAfter === null
      ? undefined
      : parseRetryAfter(retryAfter, settings.now());
    return {
      ok: false,
      kind: "status",
      retryable: status === 429 || status >= 500,
      reason: describeStatus(status, response.statusText),
      status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  } catch (error) {
    if (error instanceof BodyTooLarge) {
      return { ok: false, kind: "too-large", retryable: false, reason: error.message };
    }
    if (controller.signal.aborted) {
      const seconds = Math.round(settings.timeoutMs / 100) / 10;
      const reason = `no complete answer within ${seconds} s`;
      return { ok: false, kind: "timeout", retryable: true, reason };
    }
    return { ok: false, kind: "network", retryable: true, reason: networkReason(error) };
  } finally {
    clearTimeout(timer);
  }
}

function requestHeaders(request: AttemptRequest, settings: AttemptSettings): Headers {
  const headers = new Headers(request.headers);
  headers.set("accept", request.accept);
  headers.set("user-agent", settings.userAgent);
  if (request.body !== undefined) headers.set("content-type", "application/json");
  const cached = request.cached;
  // Revalidate only answers worth keeping; a recorded 404 is simply asked again.
  if (cached && cached.status >= 200 && cached.status < 300) {
    if (cached.etag !== undefined) headers.set("if-none-match", cached.etag);
    if (cached.lastModified !== undefined) headers.set("if-modified-since", cached.lastModified);
  }
  return headers;
}

function validatorsOf(headers: Headers): Validators {
  const etag = headers.get("etag");
  const lastModified = headers.get("last-modified");
  return {
    ...(etag === null ? {} : { etag: etag.slice(0, 1024) }),
    ...(lastModified === null ? {} : { lastModified: lastModified.slice(0, 100) }),
  };
}

async function readBounded(response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get("content-length") ?? "");
  const tooLarge = () =>
    new BodyTooLarge(`the answer is larger than the ${formatBytes(maxBytes)} limit`);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  if (!response.body) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return body;
}

function formatBytes(bytes: number): string {
  return bytes >= 1 << 20 && bytes % (1 << 20) === 0
    ? `${bytes / (1 << 20)} MiB`
    : bytes >= 1024 && bytes % 1024 === 0
    ? `${bytes / 1024} KiB`
    : `${bytes} bytes`;
}

/** A network failure in words, without the URL (the message names it already, redacted). */
function networkReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : "";
  const text = `${message} ${cause}`;
  if (/error reading a body/i.test(text)) {
    return "the connection closed before the whole answer arrived";
  }
  if (/connection refused/i.test(text)) return "connection refused";
  if (/dns error|failed to lookup|name or service not known/i.test(text)) {
    return "the host name could not be resolved";
  }
  if (/connection reset/i.test(text)) return "connection reset";
  const detail = (cause || message).replace(/^error sending request for url \(.*?\): /, "");
  return redactUrlsIn(detail).replace(/[^ -~]/g, " ").slice(0, 200);
}
