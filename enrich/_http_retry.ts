/**
 * Pacing for the HTTP layer: `Retry-After` parsing, exponential backoff with full jitter, and a
 * per-host concurrency limit.
 *
 * @module
 */

const WEEKDAY = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
const LONG_WEEKDAY = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const TIME = "(\\d{2}):(\\d{2}):(\\d{2})";
/** `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 9110 IMF-fixdate). */
const IMF_FIXDATE = new RegExp(`^${WEEKDAY}, (\\d{2}) ([A-Z][a-z]{2}) (\\d{4}) ${TIME} GMT$`);
/** `Sunday, 06-Nov-94 08:49:37 GMT` (obsolete RFC 850 form). */
const RFC850_DATE = new RegExp(`^${LONG_WEEKDAY}, (\\d{2})-([A-Z][a-z]{2})-(\\d{2}) ${TIME} GMT$`);
/** `Sun Nov  6 08:49:37 1994` (obsolete asctime form). */
const ASCTIME_DATE = new RegExp(`^${WEEKDAY} ([A-Z][a-z]{2}) ([ \\d]\\d) ${TIME} (\\d{4})$`);

/**
 * Parse an HTTP date in any of the three forms RFC 9110 allows. Two-digit years (RFC 850) are
 * read as 1970–2069.
 *
 * @param text The header value.
 * @returns Milliseconds since the epoch, or `undefined` when it is not an HTTP date.
 * @example
 * ```ts
 * import { parseHttpDate } from "./_http_retry.ts";
 * parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"); // 784111777000
 * parseHttpDate("yesterday"); // undefined
 * ```
 */
export function parseHttpDate(text: string): number | undefined {
  // [year, month name, day, hour, minute, second], whichever form the date takes
  let fields: string[] | undefined;
  let match = IMF_FIXDATE.exec(text);
  if (match) fields = [match[3], match[2], match[1], match[4], match[5], match[6]];
  else if ((match = RFC850_DATE.exec(text))) {
    const short = Number(match[3]);
    const year = String(short < 70 ? 2000 + short : 1900 + short);
    fields = [year, match[2], match[1], match[4], match[5], match[6]];
  } else if ((match = ASCTIME_DATE.exec(text))) {
    fields = [match[6], match[1], match[2].trim(), match[3], match[4], match[5]];
  }
  if (!fields) return undefined;
  const [year, , day, hour, minute, second] = fields.map(Number);
  const month = MONTHS.indexOf(fields[1]);
  if (month < 0 || day < 1 || hour > 23 || minute > 59 || second > 60) return undefined;
  const time = Date.UTC(year, month, day, hour, minute, Math.min(second, 59));
  // Date.UTC rolls 31 Feb over into March; a real date keeps its day of the month.
  return new Date(time).getUTCDate() === day ? time : undefined;
}

/**
 * How long a `Retry-After` header asks the client to wait: delay-seconds or an HTTP date
 * (relative to `now`; a date in the past means no wait).
 *
 * @param value The header value.
 * @param now The current time.
 * @returns The wait in milliseconds, or `undefined` when the value is neither form.
 * @example
 * ```ts
 * import { parseRetryAfter } from "./_http_retry.ts";
 * parseRetryAfter("2", new Date()); // 2000
 * parseRetryAfter("Sun, 06 Nov 1994 08:49:39 GMT", new Date("1994-11-06T08:49:37Z")); // 2000
 * parseRetryAfter("soon", new Date()); // undefined
 * ```
 */
export function parseRetryAfter(value: string, now: Date): number | undefined {
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    // More than 15 digits is longer than anyone waits; keep the number finite.
    return text.length > 15 ? Number.MAX_SAFE_INTEGER : Number(text) * 1000;
  }
  const date = parseHttpDate(text);
  return date === undefined ? undefined : Math.max(0, date - now.getTime());
}

/**
 * The wait before retry number `retry` (0 for the first): a uniformly random time between zero and
 * `min(capMs, baseMs · 2^retry)` ("full jitter"), so clients that failed together do not retry
 * together.
 *
 * @param retry How many retries came before this one.
 * @param options `baseMs`, `capMs`, and `random` (a number in [0, 1); `Math.random` by default).
 * @returns Milliseconds to wait.
 * @example
 * ```ts
 * import { backoffDelayMs } from "./_http_retry.ts";
 * backoffDelayMs(3, { baseMs: 250, capMs: 10_000, random: () => 0.5 }); // 1000
 * ```
 */
export function backoffDelayMs(
  retry: number,
  options: { baseMs: number; capMs: number; random?: () => number },
): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.min(retry, 60));
  return Math.floor((options.random ?? Math.random)() * ceiling);
}

/**
 * Resolve after `ms` milliseconds.
 *
 * @example
 * ```ts
 * import { sleep } from "./_http_retry.ts";
 * await sleep(1);
 * ```
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

interface Lane {
  active: number;
  waiting: Array<() => void>;
}

/**
 * At most `limit` holders per key (a host) at once; the others wait in arrival order.
 *
 * @example
 * ```ts
 * import { ConcurrencyLimiter } from "./_http_retry.ts";
 * const limiter = new ConcurrencyLimiter(2);
 * const release = await limiter.acquire("pypi.org");
 * release();
 * ```
 */
export class ConcurrencyLimiter {
  readonly #limit: number;
  readonly #lanes = new Map<string, Lane>();

  /** @param limit Holders allowed per key at once (at least 1). */
  constructor(limit: number) {
    this.#limit = Math.max(1, Math.floor(limit));
  }

  /**
   * Wait for a place under `key`.
   *
   * @returns The function that gives the place back (call it once).
   */
  async acquire(key: string): Promise<() => void> {
    let lane = this.#lanes.get(key);
    if (!lane) this.#lanes.set(key, lane = { active: 0, waiting: [] });
    if (lane.active < this.#limit) lane.active++;
    else await new Promise<void>((resolve) => lane.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = lane.waiting.shift();
      // The place passes straight to the next waiter, so `active` never exceeds the limit.
      if (next) next();
      else if (--lane.active === 0) this.#lanes.delete(key);
    };
  }
}
