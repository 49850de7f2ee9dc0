/**
 * The one error the HTTP layer throws: what went wrong, with which (redacted) URL, after how many
 * attempts.
 *
 * @module
 */

/**
 * Why a request did not produce data:
 * - `network`: no answer (connection refused or reset, DNS failure, body cut off), after retries;
 * - `timeout`: no complete answer within the time limit, after retries;
 * - `status`: an HTTP status that is not success (4xx at once; 429 and 5xx after retries);
 * - `invalid`: the answer is not what was asked for (malformed JSON, not UTF-8) or the URL is not
 *   an http(s) URL;
 * - `too-large`: the body is bigger than the limit;
 * - `offline`: offline mode and the answer is not in the cache.
 */
export type HttpErrorKind = "network" | "timeout" | "status" | "invalid" | "too-large" | "offline";

/** What {@linkcode HttpError} is made from. */
export interface HttpErrorInit {
  kind: HttpErrorKind;
  /** `GET` or `POST`. */
  method: string;
  /** The URL with credentials redacted. */
  url: string;
  /** The last HTTP status received, if any. */
  status?: number;
  /** Requests sent (0 when none was: offline, invalid URL). */
  attempts: number;
  /** What went wrong, for a person: `503 Service Unavailable`, `connection refused`. */
  reason: string;
}

/**
 * A request that did not produce data. The message is one line a user understands:
 * `GET https://pypi.org/pypi/torch/json failed after 5 attempts: 503 Service Unavailable`.
 * The URL in it, and in `url`, never carries credentials.
 *
 * @example
 * ```ts
 * import { HttpError } from "./_http_errors.ts";
 * const error = new HttpError({
 *   kind: "status",
 *   method: "GET",
 *   url: "https://pypi.org/pypi/torch/json",
 *   status: 503,
 *   attempts: 5,
 *   reason: "503 Service Unavailable",
 * });
 * error.message; // "GET https://pypi.org/pypi/torch/json failed after 5 attempts: 503 Service Unavailable"
 * ```
 */
export class HttpError extends Error {
  /** Why the request failed. */
  readonly kind: HttpErrorKind;
  /** `GET` or `POST`. */
  readonly method: string;
  /** The URL, credentials redacted. */
  readonly url: string;
  /** The last HTTP status received, if any. */
  readonly status?: number;
  /** Requests sent. */
  readonly attempts: number;

  /** @param init The kind, request, attempts and reason. */
  constructor(init: HttpErrorInit) {
    const outcome = init.attempts === 0
      ? ""
      : init.attempts === 1
      ? " failed"
      : ` failed after ${init.attempts} attempts`;
    super(`${init.method} ${init.url}${outcome}: ${init.reason}`);
    this.name = "HttpError";
    this.kind = init.kind;
    this.method = init.method;
    this.url = init.url;
    if (init.status !== undefined) this.status = init.status;
    this.attempts = init.attempts;
  }
}

const REASONS: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  410: "Gone",
  413: "Content Too Large",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/**
 * A status as people read it: `503 Service Unavailable`. HTTP/2 has no reason phrase, so the
 * standard one is used when the server sent none.
 *
 * @param status The HTTP status code.
 * @param statusText The reason phrase received, possibly empty.
 * @returns The code and its reason phrase.
 * @example
 * ```ts
 * import { describeStatus } from "./_http_errors.ts";
 * describeStatus(429, ""); // "429 Too Many Requests"
 * ```
 */
export function describeStatus(status: number, statusText: string): string {
  const reason = statusText.replace(/[^ -~]/g, "").trim().slice(0, 100) || REASONS[status];
  return reason ? `${status} ${reason}` : `HTTP ${status}`;
}
