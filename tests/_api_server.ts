/**
 * A real HTTP server on 127.0.0.1 for the enrichment tests, with faults to inject: build a fake
 * PyPI, OSV or Hub from routes, wrap a route in `failing`, `rateLimited`, `delayed` or
 * `conditional`, and read back what the client sent from the request log.
 *
 * - `startTestServer(routes)` serves routes keyed by URLPattern pathnames (`/pypi/:name/json`,
 *   optionally prefixed by a method: `POST /v1/querybatch`); unmatched requests get a JSON 404.
 *   It logs every request (method, path, headers, body, arrival time) and counts how many ran at
 *   once (`maxConcurrent`).
 * - Answers: `json(data)`, `truncatedJson(data)` (a complete HTTP answer whose JSON is cut),
 *   `streamed(text)` (chunked, no Content-Length).
 * - Faults around a route: `delayed(ms, route)`, `failing({ times, status }, route)`,
 *   `rateLimited({ times, retryAfter }, route)`, `conditional({ etag, lastModified }, route)`
 *   (answers 304 to a matching If-None-Match / If-Modified-Since).
 * - Below HTTP: `startRawServer(reply)` writes raw bytes and hangs up (a Content-Length larger
 *   than the body: `shortBodyReply(text)`); `closedPortUrl()` is a port nobody listens on.
 *
 * Every wrapper keeps its own counter, so build a fresh route per test.
 *
 * @example
 * ```ts ignore
 * import { failing, json, startTestServer } from "./_api_server.ts";
 * await using server = startTestServer({
 *   "/pypi/:name/json": failing({ times: 2, status: 500 }, (_request, { params }) =>
 *     json({ info: { name: params.name, version: "1.0" } })),
 * });
 * const first = await fetch(`${server.url}/pypi/torch/json`);
 * first.status; // 500 (the third request gets the JSON)
 * await first.body?.cancel();
 * server.requests[0].path; // "/pypi/torch/json"
 * ```
 *
 * @module
 */

/** A request as the server received it. */
export interface LoggedRequest {
  method: string;
  /** Path and query: `/pypi/torch/json?x=1`. */
  path: string;
  headers: Headers;
  /** The body as text ("" for a GET). */
  body: string;
  /** Arrival time, `performance.now()` milliseconds: compare two entries to measure a wait. */
  at: number;
}

/** What a route gets besides the request. */
export interface RouteContext {
  /** Named groups of the matched pattern: `{ name: "torch" }` for `/pypi/:name/json`. */
  params: Record<string, string | undefined>;
  url: URL;
  /** Aborted when the server closes: a waiting route stops waiting then. */
  signal: AbortSignal;
}

/** Answers one request. */
export type Route = (request: Request, context: RouteContext) => Response | Promise<Response>;

/** A running test server. */
export interface TestServer extends AsyncDisposable {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  port: number;
  /** Every request received, in arrival order. */
  requests: LoggedRequest[];
  /** Errors thrown by routes (each answered with a 500). */
  errors: unknown[];
  /** The most requests that were inside a route at the same time. */
  readonly maxConcurrent: number;
  /** Stop listening, end waiting routes, and wait for open requests to finish. */
  close(): Promise<void>;
}

/**
 * Start a server on 127.0.0.1, port 0 (a free port), serving `routes`: one route for every
 * request, or routes keyed by URLPattern pathname, optionally after a method (`POST /v1/x`).
 *
 * @param routes A route, or routes by pattern (the first match in insertion order wins).
 * @returns The running server; close it (or `await using` it) at the end of the test.
 * @example
 * ```ts ignore
 * import { json, startTestServer } from "./_api_server.ts";
 * await using server = startTestServer({ "POST /v1/querybatch": () => json({ results: [] }) });
 * ```
 */
export function startTestServer(routes: Route | Readonly<Record<string, Route>>): TestServer {
  const table = typeof routes === "function"
    ? [{ method: undefined, pattern: undefined, route: routes }]
    : Object.entries(routes).map(([key, route]) => {
      const space = key.indexOf(" ");
      const method = space > 0 ? key.slice(0, space).toUpperCase() : undefined;
      const pathname = space > 0 ? key.slice(space + 1).trim() : key;
      return { method, pattern: new URLPattern({ pathname }), route };
    });
  const requests: LoggedRequest[] = [];
  const errors: unknown[] = [];
  const closing = new AbortController();
  let inFlight = 0;
  let maxConcurrent = 0;
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen() {},
    onError(error) {
      errors.push(error);
      return new Response(`route failed: ${error}`, { status: 500 });
    },
  }, async (request) => {
    const at = performance.now();
    const url = new URL(request.url);
    // Read the body once for the log and hand the route a copy (Request.clone would touch
    // request.signal, which Deno warns about).
    const body = request.body ? await request.text() : "";
    const forRoute = request.bodyUsed
      ? new Request(request.url, { method: request.method, headers: request.headers, body })
      : request;
    requests.push({
      method: request.method,
      path: url.pathname + url.search,
      headers: request.headers,
      body,
      at,
    });
    inFlight++;
    maxConcurrent = Math.max(maxConcurrent, inFlight);
    try {
      // Not request.signal: under Deno's legacy abort behaviour it also fires on success, and
      // reading it prints a warning. Waiting routes end when the server closes.
      const signal = closing.signal;
      for (const { method, pattern, route } of table) {
        if (method !== undefined && method !== forRoute.method) continue;
        const match = pattern ? pattern.exec({ pathname: url.pathname }) : undefined;
        if (pattern && !match) continue;
        return await route(forRoute, { params: match?.pathname.groups ?? {}, url, signal });
      }
      return json({ error: `no route for ${request.method} ${url.pathname}` }, { status: 404 });
    } finally {
      inFlight--;
    }
  });
  const port = server.addr.port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    errors,
    get maxConcurrent() {
      return maxConcurrent;
    },
    async close() {
      closing.abort();
      await server.shutdown();
    },
    async [Symbol.asyncDispose]() {
      await this.close();
    },
  };
}

/**
 * A JSON answer (status 200 unless `init` says otherwise).
 *
 * @example
 * ```ts
 * import { json } from "./_api_server.ts";
 * json({ ok: true }).headers.get("content-type"); // "application/json"
 * ```
 */
export function json(data: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  if (!headers.has("content-type")) headers.set("content-type", "application/json");
  return new Response(JSON.stringify(data), { ...init, headers });
}

/**
 * A complete HTTP answer whose JSON body is cut after `keep` characters (half by default): the
 * transfer is fine, the JSON is not.
 *
 * @example
 * ```ts
 * import { truncatedJson } from "./_api_server.ts";
 * await truncatedJson({ releases: {} }, { keep: 5 }).text(); // "{\"rel"
 * ```
 */
export function truncatedJson(data: unknown, options: { keep?: number } = {}): Response {
  const text = JSON.stringify(data);
  const keep = options.keep ?? Math.floor(text.length / 2);
  return new Response(text.slice(0, keep), { headers: { "content-type": "application/json" } });
}

/**
 * A body sent in chunks without a Content-Length, so the client learns its size only by reading.
 *
 * @example
 * ```ts
 * import { streamed } from "./_api_server.ts";
 * streamed("x".repeat(10), { chunkBytes: 4 }).headers.has("content-length"); // false
 * ```
 */
export function streamed(text: string, options: { chunkBytes?: number } = {}): Response {
  const bytes = new TextEncoder().encode(text);
  const size = Math.max(1, options.chunkBytes ?? 16 * 1024);
  let offset = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset += size));
    },
  });
  return new Response(body, { headers: { "content-type": "application/json" } });
}

/**
 * Wait `ms` before answering with `route` (or less, when the server closes meanwhile).
 *
 * @example
 * ```ts ignore
 * startTestServer({ "/slow": delayed(5_000, () => json({})) });
 * ```
 */
export function delayed(ms: number, route: Route): Route {
  return async (request, context) => {
    await new Promise<void>((resolve) => {
      const stop = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        context.signal.removeEventListener("abort", stop);
        resolve();
      }, ms);
      context.signal.addEventListener("abort", stop, { once: true });
    });
    if (context.signal.aborted) return new Response("gone", { status: 499 });
    return await route(request, context);
  };
}

/**
 * Answer the first `times` requests with `status` (default 500), then pass to `route`.
 *
 * @example
 * ```ts ignore
 * startTestServer({ "/flaky": failing({ times: 2, status: 503 }, () => json({ ok: true })) });
 * ```
 */
export function failing(options: { times: number; status?: number }, route: Route): Route {
  let failures = 0;
  return (request, context) => {
    if (failures >= options.times) return route(request, context);
    failures++;
    const status = options.status ?? 500;
    return json({ error: `injected failure ${failures} of ${options.times}` }, { status });
  };
}

/**
 * Answer the first `times` requests with 429 and `Retry-After: retryAfter` (seconds, or an HTTP
 * date as text), then pass to `route`.
 *
 * @example
 * ```ts ignore
 * startTestServer({ "/busy": rateLimited({ times: 1, retryAfter: 1 }, () => json({})) });
 * ```
 */
export function rateLimited(
  options: { times: number; retryAfter: number | string; status?: number },
  route: Route,
): Route {
  let refusals = 0;
  return (request, context) => {
    if (refusals >= options.times) return route(request, context);
    refusals++;
    return json({ error: "slow down" }, {
      status: options.status ?? 429,
      headers: { "retry-after": String(options.retryAfter) },
    });
  };
}

/**
 * Serve `route` with an ETag and/or Last-Modified, and answer 304 Not Modified when the request
 * carries a matching If-None-Match, or an If-Modified-Since not older than `lastModified`.
 *
 * @example
 * ```ts ignore
 * startTestServer({ "/pypi/torch/json": conditional({ etag: '"v1"' }, () => json({})) });
 * ```
 */
export function conditional(
  validators: { etag?: string; lastModified?: string },
  route: Route,
): Route {
  return async (request, context) => {
    const headers: Record<string, string> = {};
    if (validators.etag !== undefined) headers.etag = validators.etag;
    if (validators.lastModified !== undefined) headers["last-modified"] = validators.lastModified;
    const ifNoneMatch = request.headers.get("if-none-match");
    const ifModifiedSince = Date.parse(request.headers.get("if-modified-since") ?? "");
    const unchanged = ifNoneMatch !== null
      ? validators.etag !== undefined &&
        ifNoneMatch.split(",").some((tag) => tag.trim() === validators.etag || tag.trim() === "*")
      : validators.lastModified !== undefined && !Number.isNaN(ifModifiedSince) &&
        ifModifiedSince >= Date.parse(validators.lastModified);
    if (unchanged) return new Response(null, { status: 304, headers });
    const response = await route(request, context);
    const merged = new Headers(response.headers);
    for (const [name, value] of Object.entries(headers)) merged.set(name, value);
    return new Response(response.body, { status: response.status, headers: merged });
  };
}

/**
 * The URL of a port on 127.0.0.1 that nothing listens on (it was free a moment ago): connecting
 * is refused.
 *
 * @example
 * ```ts
 * import { closedPortUrl } from "./_api_server.ts";
 * closedPortUrl().startsWith("http://127.0.0.1:"); // true
 * ```
 */
export function closedPortUrl(): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return `http://127.0.0.1:${port}`;
}

/** A server that speaks raw bytes, for answers HTTP libraries refuse to produce. */
export interface RawServer extends AsyncDisposable {
  url: string;
  /** Connections answered so far. */
  readonly connections: number;
  close(): Promise<void>;
}

/**
 * A TCP server on 127.0.0.1 that reads each request head, writes `reply` and hangs up.
 *
 * @param reply The raw bytes (or text) to answer, or a function of the request head.
 * @returns The running server.
 * @example
 * ```ts ignore
 * import { shortBodyReply, startRawServer } from "./_api_server.ts";
 * await using raw = startRawServer(shortBodyReply('{"info":{}}'));
 * ```
 */
export function startRawServer(reply: string | Uint8Array | ((head: string) => string)): RawServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let connections = 0;
  const answer = async (conn: Deno.Conn) => {
    try {
      const head = await readHead(conn);
      const bytes = typeof reply === "function" ? reply(head) : reply;
      await writeAll(conn, typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes);
    } catch {
      // the client hung up first
    } finally {
      try {
        conn.close();
      } catch {
        // already closed
      }
    }
  };
  const answering: Promise<void>[] = [];
  const accepting = (async () => {
    try {
      for await (const conn of listener) {
        connections++;
        answering.push(answer(conn));
      }
    } catch {
      // listener closed
    }
  })();
  return {
    url: `http://127.0.0.1:${listener.addr.port}`,
    get connections() {
      return connections;
    },
    async close() {
      listener.close();
      await accepting;
      await Promise.all(answering);
    },
    async [Symbol.asyncDispose]() {
      await this.close();
    },
  };
}

/**
 * A raw HTTP/1.1 200 answer that promises more body than it sends (`declaredLength`, by default
 * twice the text), then the connection closes: a transfer cut short.
 *
 * @example
 * ```ts
 * import { shortBodyReply } from "./_api_server.ts";
 * shortBodyReply("{}").includes("content-length: 4"); // true
 * ```
 */
export function shortBodyReply(text: string, declaredLength?: number): string {
  const length = declaredLength ?? new TextEncoder().encode(text).length * 2;
  return `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n` +
    `connection: close\r\n\r\n${text}`;
}

async function readHead(conn: Deno.Conn): Promise<string> {
  const buffer = new Uint8Array(64 * 1024);
  let filled = 0;
  while (filled < buffer.length) {
    const read = await conn.read(buffer.subarray(filled));
    if (read === null) break;
    filled += read;
    const text = new TextDecoder().decode(buffer.subarray(0, filled));
    if (text.includes("\r\n\r\n")) return text;
  }
  return new TextDecoder().decode(buffer.subarray(0, filled));
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await conn.write(bytes.subarray(written));
}
