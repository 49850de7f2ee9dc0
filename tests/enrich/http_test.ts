import assert from "node:assert/strict";
import { join } from "node:path";
import fc from "fast-check";
import {
  defaultCacheDir,
  HttpClient,
  type HttpClient as Client,
  HttpError,
  type HttpOptions,
  type HttpProgress,
  USER_AGENT,
} from "../../enrich/http.ts";
import { cacheKey, type CacheKeyInput } from "../../enrich/_http_cache.ts";
import { backoffDelayMs, parseHttpDate, parseRetryAfter } from "../../enrich/_http_retry.ts";
import {
  closedPortUrl,
  conditional,
  delayed,
  failing,
  json,
  rateLimited,
  shortBodyReply,
  startRawServer,
  startTestServer,
  streamed,
  truncatedJson,
} from "../_api_server.ts";

const START = new Date("2026-01-15T12:00:00Z");
const HOUR = 60 * 60 * 1000;

/** A clock the test moves by hand. */
function manualClock(): { now: () => Date; advance(ms: number): void } {
  let time = START.getTime();
  return { now: () => new Date(time), advance: (ms) => void (time += ms) };
}

/** A client with fast retries: tests wait milliseconds, not seconds. */
function fastClient(options: HttpOptions = {}): Client {
  return new HttpClient({
    retries: 2,
    backoffBaseMs: 1,
    backoffCapMs: 5,
    timeoutMs: 5_000,
    now: () => START,
    ...options,
  });
}

async function withCacheDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tollgate-http-" });
  try {
    await run(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function cacheFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (at: string) => {
    for await (const entry of Deno.readDir(at)) {
      const path = join(at, entry.name);
      if (entry.isDirectory) await walk(path);
      else found.push(path);
    }
  };
  await walk(dir);
  return found.sort();
}

async function rejection(promise: Promise<unknown>): Promise<HttpError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof HttpError, `expected an HttpError, got ${error}`);
    return error;
  }
  assert.fail("expected the request to fail");
}

const torch = { info: { name: "torch", version: "2.3.1" } };

Deno.test("getJson returns the parsed body, its provenance, and sends Tollgate's User-Agent", async () => {
  await using server = startTestServer({
    "/pypi/:name/json": (_request, { params }) => json({ info: { name: params.name } }),
  });
  const result = await fastClient().getJson<{ info: { name: string } }>(
    `${server.url}/pypi/torch/json`,
  );
  assert.deepEqual(result.data, { info: { name: "torch" } });
  assert.deepEqual(result.source, {
    url: `${server.url}/pypi/torch/json`,
    fetchedAt: START.toISOString(),
    fromCache: false,
    status: 200,
  });
  assert.equal(server.requests[0].headers.get("user-agent"), USER_AGENT);
  assert.match(USER_AGENT, /^tollgate\/\d+\.\d+\.\d+ \(\+https:\/\/github\.com\/.+\)$/);
  assert.equal(server.requests[0].headers.get("accept"), "application/json");
});

Deno.test("within maxAge a cached answer costs no request, in this client and the next", async () => {
  await using server = startTestServer({ "/pypi/torch/json": () => json(torch) });
  await withCacheDir(async (cacheDir) => {
    const url = `${server.url}/pypi/torch/json`;
    const cold = fastClient({ cacheDir });
    await cold.getJson(url);
    const again = await cold.getJson(url);
    assert.equal(again.source.fromCache, true);
    assert.deepEqual(again.data, torch);
    assert.deepEqual(cold.stats(), {
      requests: 1,
      cacheHits: 1,
      revalidated: 0,
      cacheWriteErrors: 0,
    });
    const warm = fastClient({ cacheDir, now: () => new Date(START.getTime() + HOUR - 1) });
    assert.deepEqual((await warm.getJson(url)).data, torch);
    assert.equal(warm.stats().requests, 0);
    assert.equal(server.requests.length, 1);
  });
});

Deno.test("an expired entry is revalidated with If-None-Match; a 304 refreshes fetched-at", async () => {
  await using server = startTestServer({
    "/pypi/torch/json": conditional({ etag: '"v1"' }, () => json(torch)),
  });
  await withCacheDir(async (cacheDir) => {
    const clock = manualClock();
    const client = fastClient({ cacheDir, now: clock.now });
    const url = `${server.url}/pypi/torch/json`;
    assert.equal((await client.getJson(url)).source.etag, '"v1"');
    clock.advance(2 * HOUR);
    const revalidated = await client.getJson(url);
    assert.equal(server.requests[1].headers.get("if-none-match"), '"v1"');
    assert.deepEqual(revalidated.data, torch);
    assert.deepEqual(revalidated.source, {
      url,
      fetchedAt: clock.now().toISOString(),
      etag: '"v1"',
      fromCache: true,
      status: 200,
    });
    // The refreshed entry is fresh again: no request within the next hour.
    clock.advance(HOUR / 2);
    await client.getJson(url);
    assert.equal(server.requests.length, 2);
    assert.deepEqual(client.stats(), {
      requests: 2,
      cacheHits: 1,
      revalidated: 1,
      cacheWriteErrors: 0,
    });
  });
});

Deno.test("revalidation by Last-Modified sends If-Modified-Since; a per-request maxAge wins", async () => {
  const lastModified = "Wed, 14 Jan 2026 10:00:00 GMT";
  await using server = startTestServer({
    "/api/models/:org/:name": conditional({ lastModified }, () => json({ sha: "abc" })),
  });
  await withCacheDir(async (cacheDir) => {
    const client = fastClient({ cacheDir });
    const url = `${server.url}/api/models/org/model`;
    await client.getJson(url);
    const again = await client.getJson(url, { maxAgeMs: 0 });
    assert.equal(server.requests[1].headers.get("if-modified-since"), lastModified);
    assert.equal(again.source.lastModified, lastModified);
    assert.equal(client.stats().revalidated, 1);
  });
});

Deno.test("429 with Retry-After: 1 waits at least a second, then succeeds", async () => {
  await using server = startTestServer({
    "/v1/vulns/:id": rateLimited({ times: 1, retryAfter: 1 }, () => json({ id: "PYSEC-1" })),
  });
  const client = fastClient();
  const { data } = await client.getJson(`${server.url}/v1/vulns/PYSEC-1`);
  assert.deepEqual(data, { id: "PYSEC-1" });
  assert.equal(server.requests.length, 2);
  assert.ok(server.requests[1].at - server.requests[0].at >= 1000);
});

Deno.test("a Retry-After longer than the cap fails at once with a clear message", async () => {
  await using server = startTestServer(rateLimited({ times: 9, retryAfter: 120 }, () => json({})));
  const error = await rejection(fastClient({ retryAfterCapMs: 60_000 }).getJson(`${server.url}/x`));
  assert.equal(error.kind, "status");
  assert.equal(error.status, 429);
  assert.equal(error.attempts, 1);
  assert.equal(
    error.message,
    `GET ${server.url}/x failed: 429 Too Many Requests, and the server asks to retry after ` +
      "120 s, longer than the 60 s Tollgate waits",
  );
});

Deno.test("500 twice, then success", async () => {
  await using server = startTestServer({
    "/pypi/torch/json": failing({ times: 2, status: 500 }, () => json(torch)),
  });
  const client = fastClient();
  assert.deepEqual((await client.getJson(`${server.url}/pypi/torch/json`)).data, torch);
  assert.equal(server.requests.length, 3);
  assert.equal(client.stats().requests, 3);
});

Deno.test("a persistent 503 is an HttpError naming the status and the attempts", async () => {
  await using server = startTestServer(failing({ times: 100, status: 503 }, () => json({})));
  const error = await rejection(fastClient().getJson(`${server.url}/pypi/torch/json`));
  assert.equal(error.kind, "status");
  assert.equal(error.status, 503);
  assert.equal(error.attempts, 3);
  assert.equal(
    error.message,
    `GET ${server.url}/pypi/torch/json failed after 3 attempts: 503 Service Unavailable`,
  );
});

Deno.test("404 is not retried; with allowMissing it is data null, and cached", async () => {
  await using server = startTestServer(() => json({ message: "Not Found" }, { status: 404 }));
  const error = await rejection(fastClient().getJson(`${server.url}/pypi/nope/json`));
  assert.equal(error.kind, "status");
  assert.equal(error.status, 404);
  assert.equal(error.attempts, 1);
  await withCacheDir(async (cacheDir) => {
    const client = fastClient({ cacheDir });
    const missing = await client.getJson(`${server.url}/pypi/nope/json`, { allowMissing: true });
    assert.equal(missing.data, null);
    assert.equal(missing.source.status, 404);
    const again = await client.getJson(`${server.url}/pypi/nope/json`, { allowMissing: true });
    assert.equal(again.data, null);
    assert.equal(again.source.fromCache, true);
    assert.equal(server.requests.length, 2);
  });
});

Deno.test("a slow answer times out, and is retried", async () => {
  await using server = startTestServer(delayed(10_000, () => json({})));
  const client = fastClient({ timeoutMs: 100, retries: 1 });
  const error = await rejection(client.getJson(`${server.url}/slow`));
  assert.equal(error.kind, "timeout");
  assert.equal(error.attempts, 2);
  assert.equal(
    error.message,
    `GET ${server.url}/slow failed after 2 attempts: no complete answer within 0.1 s`,
  );
});

Deno.test("truncated JSON is an 'invalid' error naming the URL, and is not cached", async () => {
  await using server = startTestServer(() => truncatedJson(torch));
  await withCacheDir(async (cacheDir) => {
    const client = fastClient({ cacheDir });
    const error = await rejection(client.getJson(`${server.url}/pypi/torch/json`));
    assert.equal(error.kind, "invalid");
    assert.equal(error.attempts, 1);
    assert.ok(
      error.message.startsWith(
        `GET ${server.url}/pypi/torch/json failed: the answer is not valid JSON`,
      ),
      error.message,
    );
    await rejection(client.getJson(`${server.url}/pypi/torch/json`));
    assert.equal(server.requests.length, 2);
    assert.deepEqual(await cacheFiles(cacheDir), []);
  });
});

Deno.test("a body cut short of its Content-Length is a network error after retries", async () => {
  await using raw = startRawServer(shortBodyReply(JSON.stringify(torch)));
  const error = await rejection(fastClient().getJson(`${raw.url}/pypi/torch/json`));
  assert.equal(error.kind, "network");
  assert.equal(error.attempts, 3);
  assert.match(error.message, /the connection closed before the whole answer arrived$/);
  assert.equal(raw.connections, 3);
});

Deno.test("connection refused is a network error after retries", async () => {
  const url = `${closedPortUrl()}/pypi/torch/json`;
  const client = fastClient();
  const error = await rejection(client.getJson(url));
  assert.equal(error.kind, "network");
  assert.equal(error.attempts, 3);
  assert.equal(error.message, `GET ${url} failed after 3 attempts: connection refused`);
  assert.equal(client.stats().requests, 3);
});

Deno.test("offline: a miss is an 'offline' error; a hit is served whatever its age", async () => {
  await using server = startTestServer({ "/pypi/torch/json": () => json(torch) });
  await withCacheDir(async (cacheDir) => {
    const url = `${server.url}/pypi/torch/json`;
    const miss = await rejection(fastClient({ cacheDir, offline: true }).getJson(url));
    assert.equal(miss.kind, "offline");
    assert.equal(miss.attempts, 0);
    assert.equal(miss.message, `GET ${url}: not in the cache, and offline mode sends no requests`);
    assert.equal(server.requests.length, 0);
    await fastClient({ cacheDir }).getJson(url);
    const later = new Date(START.getTime() + 1000 * HOUR);
    const offline = fastClient({ cacheDir, offline: true, now: () => later });
    const hit = await offline.getJson(url);
    assert.deepEqual(hit.data, torch);
    assert.equal(hit.source.fromCache, true);
    assert.equal(hit.source.fetchedAt, START.toISOString());
    assert.equal(server.requests.length, 1);
    const noCache = await rejection(fastClient({ offline: true }).getJson(url));
    assert.equal(noCache.kind, "offline");
  });
});

Deno.test("an expired entry is served (marked stale) when the server cannot answer", async () => {
  let broken = false;
  await using server = startTestServer(() => broken ? json({}, { status: 502 }) : json(torch));
  await withCacheDir(async (cacheDir) => {
    const url = `${server.url}/pypi/torch/json`;
    await fastClient({ cacheDir }).getJson(url);
    broken = true;
    const later = fastClient({ cacheDir, now: () => new Date(START.getTime() + 5 * HOUR) });
    const result = await later.getJson(url);
    assert.deepEqual(result.data, torch);
    assert.equal(result.source.stale, true);
    assert.equal(result.source.fetchedAt, START.toISOString());
    assert.equal(server.requests.length, 4);
  });
});

Deno.test("never more requests to one host at once than perHostConcurrency", async () => {
  await using server = startTestServer(
    delayed(20, (_request, { url }) => json({ path: url.pathname })),
  );
  const client = fastClient({ perHostConcurrency: 3 });
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) => client.getJson(`${server.url}/item/${i}`)),
  );
  assert.equal(results.length, 20);
  assert.deepEqual(results[7].data, { path: "/item/7" });
  assert.ok(server.maxConcurrent <= 3, `saw ${server.maxConcurrent} at once`);
  assert.ok(server.maxConcurrent >= 2, "requests ran in parallel");
});

Deno.test("identical requests in flight at once cost one request", async () => {
  await using server = startTestServer(delayed(20, () => json(torch)));
  const client = fastClient();
  const url = `${server.url}/pypi/torch/json`;
  const results = await Promise.all([
    client.getJson(url),
    client.getJson(url),
    client.getJson(url),
  ]);
  assert.ok(results.every((result) => result.data === results[0].data));
  assert.equal(server.requests.length, 1);
  await client.getJson(url);
  assert.equal(server.requests.length, 2, "without a cache, a later request asks again");
});

Deno.test("credentials in the URL are sent, but redacted in errors, provenance and cache", async () => {
  await using server = startTestServer({
    "/private/simple/:name/": (request) =>
      request.headers.get("authorization") === `Basic ${btoa("user:s3cretPw")}`
        ? json({ name: "internal-lib" })
        : json({}, { status: 401 }),
    "/down": failing({ times: 100, status: 503 }, () => json({})),
  });
  const secretUrl = (path: string) =>
    `http://user:s3cretPw@127.0.0.1:${server.port}${path}?token=QTOKEN123`;
  await withCacheDir(async (cacheDir) => {
    const client = fastClient({ cacheDir });
    const { source } = await client.getJson(secretUrl("/private/simple/internal-lib/"));
    assert.equal(
      source.url,
      `http://***@127.0.0.1:${server.port}/private/simple/internal-lib/?token=***`,
    );
    const files = await cacheFiles(cacheDir);
    assert.equal(files.length, 1);
    for (const file of files) {
      const text = await Deno.readTextFile(file);
      assert.ok(!text.includes("s3cretPw") && !text.includes("QTOKEN123"), text);
      assert.ok(!file.includes("s3cretPw") && !file.includes("QTOKEN123"), file);
    }
    const error = await rejection(client.getJson(secretUrl("/down")));
    assert.equal(error.url, `http://***@127.0.0.1:${server.port}/down?token=***`);
    assert.ok(!error.message.includes("s3cretPw") && !error.message.includes("QTOKEN123"));
    const refused = await rejection(
      client.getJson(closedPortUrl().replace("http://", "http://user:s3cretPw@") + "/?k=QTOKEN123"),
    );
    assert.ok(!refused.message.includes("s3cretPw") && !refused.message.includes("QTOKEN123"));
  });
});

Deno.test("a corrupt or tampered cache entry is ignored and rewritten", async () => {
  await using server = startTestServer({ "/pypi/torch/json": () => json(torch) });
  await withCacheDir(async (cacheDir) => {
    const url = `${server.url}/pypi/torch/json`;
    await fastClient({ cacheDir }).getJson(url);
    const [file] = await cacheFiles(cacheDir);
    const corruptions = [
      new TextEncoder().encode("not a cache entry"),
      new Uint8Array(),
      (await Deno.readFile(file)).map((byte, i, all) => i === all.length - 3 ? byte ^ 1 : byte),
    ];
    for (const [i, bytes] of corruptions.entries()) {
      await Deno.writeFile(file, bytes);
      const client = fastClient({ cacheDir });
      assert.deepEqual((await client.getJson(url)).data, torch);
      assert.equal(client.stats().requests, 1, `corruption ${i}`);
      const next = fastClient({ cacheDir });
      await next.getJson(url);
      assert.equal(next.stats().cacheHits, 1, `repaired after corruption ${i}`);
    }
  });
});

Deno.test("a body over maxBodyBytes is 'too-large', declared or streamed", async () => {
  const big = { blob: "x".repeat(4000) };
  await using server = startTestServer({
    "/declared": () => json(big),
    "/streamed": () => streamed(JSON.stringify(big), { chunkBytes: 512 }),
  });
  const client = fastClient({ maxBodyBytes: 1024 });
  for (const path of ["/declared", "/streamed"]) {
    const error = await rejection(client.getJson(`${server.url}${path}`));
    assert.equal(error.kind, "too-large");
    assert.equal(error.attempts, 1);
    assert.equal(
      error.message,
      `GET ${server.url}${path} failed: the answer is larger than the 1 KiB limit`,
    );
  }
});

Deno.test("postJson sends JSON and caches per body", async () => {
  await using server = startTestServer({
    "POST /v1/querybatch": async (request) => json({ echo: await request.json() }),
  });
  await withCacheDir(async (cacheDir) => {
    const client = fastClient({ cacheDir });
    const url = `${server.url}/v1/querybatch`;
    const first = await client.postJson(url, { queries: [{ package: { name: "torch" } }] });
    assert.deepEqual(first.data, { echo: { queries: [{ package: { name: "torch" } }] } });
    assert.equal(server.requests[0].headers.get("content-type"), "application/json");
    await client.postJson(url, { queries: [{ package: { name: "torch" } }] });
    await client.postJson(url, { queries: [{ package: { name: "numpy" } }] });
    assert.equal(server.requests.length, 2);
    assert.equal(client.stats().cacheHits, 1);
  });
});

Deno.test("only http(s) URLs are fetched", async () => {
  for (const url of ["file:///etc/passwd", "not a url", "ftp://example.org/x"]) {
    const error = await rejection(fastClient().getJson(url));
    assert.equal(error.kind, "invalid");
    assert.equal(error.attempts, 0);
  }
});

Deno.test("progress reports each request once, however many attempts it takes", async () => {
  await using server = startTestServer(failing({ times: 1 }, () => json({})));
  const events: HttpProgress[] = [];
  const client = fastClient({ onProgress: (event) => events.push(event) });
  await Promise.all([client.getJson(`${server.url}/a`), client.getJson(`${server.url}/b`)]);
  assert.deepEqual(events.at(-1), { started: 2, done: 2 });
  assert.equal(events.length, 4);
});

Deno.test("an unwritable cache does not fail the request; the stats count it", async () => {
  await using server = startTestServer(() => json(torch));
  await withCacheDir(async (dir) => {
    const cacheDir = join(dir, "a-file");
    await Deno.writeTextFile(cacheDir, "not a directory");
    const client = fastClient({ cacheDir });
    assert.deepEqual((await client.getJson(`${server.url}/x`)).data, torch);
    assert.equal(client.stats().cacheWriteErrors, 1);
  });
});

Deno.test("Deno's fetch honours lowercase http_proxy and no_proxy (checked in a child process)", async () => {
  await using proxy = startTestServer((request) => json({ proxied: request.url }));
  const script = `
    import { HttpClient } from ${
    JSON.stringify(new URL("../../enrich/http.ts", import.meta.url).href)
  };
    const client = new HttpClient({ retries: 0 });
    try {
      const { data } = await client.getJson("http://pypi.tollgate-test.invalid/pypi/torch/json");
      console.log(JSON.stringify(data));
    } catch (error) {
      console.log(JSON.stringify({ error: error.kind }));
    }`;
  const run = async (extra: Record<string, string>) => {
    const env: Record<string, string> = { http_proxy: proxy.url, ...extra };
    for (const name of ["HOME", "DENO_DIR", "PATH", "XDG_CACHE_HOME"]) {
      const value = Deno.env.get(name);
      if (value !== undefined) env[name] = value;
    }
    const output = await new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        "--frozen",
        "--config",
        new URL("../../deno.json", import.meta.url).pathname,
        script,
      ],
      env,
      clearEnv: true,
      stderr: "inherit",
    }).output();
    return JSON.parse(new TextDecoder().decode(output.stdout));
  };
  assert.deepEqual(await run({}), { proxied: "http://pypi.tollgate-test.invalid/pypi/torch/json" });
  assert.deepEqual(await run({ no_proxy: ".invalid" }), { error: "network" });
  assert.equal(proxy.requests.length, 1);
});

Deno.test("defaultCacheDir follows each platform's convention", () => {
  const env = (values: Record<string, string>) => new Map(Object.entries(values));
  assert.equal(defaultCacheDir(env({ HOME: "/home/ada" }), "linux"), "/home/ada/.cache/tollgate");
  assert.equal(
    defaultCacheDir(env({ HOME: "/home/ada", XDG_CACHE_HOME: "/var/cache/ada" }), "linux"),
    "/var/cache/ada/tollgate",
  );
  assert.equal(
    defaultCacheDir(env({ HOME: "/home/ada", XDG_CACHE_HOME: "relative" }), "freebsd"),
    "/home/ada/.cache/tollgate",
  );
  assert.equal(
    defaultCacheDir(env({ HOME: "/Users/ada", XDG_CACHE_HOME: "/x" }), "darwin"),
    "/Users/ada/Library/Caches/tollgate",
  );
  assert.equal(
    defaultCacheDir(env({ LOCALAPPDATA: "C:\\Users\\ada\\AppData\\Local" }), "windows"),
    "C:\\Users\\ada\\AppData\\Local\\tollgate",
  );
  assert.equal(
    defaultCacheDir(env({ USERPROFILE: "C:\\Users\\ada" }), "windows"),
    "C:\\Users\\ada\\AppData\\Local\\tollgate",
  );
  assert.equal(defaultCacheDir(env({}), "linux"), undefined);
});

Deno.test("property: Retry-After in seconds or as any HTTP date form gives the right wait", () => {
  const now = new Date("2026-01-15T12:00:00Z");
  fc.assert(fc.property(fc.nat({ max: 10 ** 9 }), fc.constantFrom("", " ", "\t"), (n, pad) => {
    assert.equal(parseRetryAfter(`${pad}${n}${pad}`, now), n * 1000);
  }));
  const seconds = fc.integer({
    min: Date.UTC(1970, 0, 1) / 1000,
    max: Date.UTC(2069, 11, 31) / 1000,
  });
  fc.assert(fc.property(seconds, (s) => {
    const date = new Date(s * 1000);
    const expected = Math.max(0, date.getTime() - now.getTime());
    for (const form of httpDateForms(date)) {
      assert.equal(parseHttpDate(form), date.getTime(), form);
      assert.equal(parseRetryAfter(form, now), expected, form);
    }
  }));
  fc.assert(fc.property(fc.string(), (text) => {
    const wait = parseRetryAfter(text, now);
    assert.ok(wait === undefined || (Number.isFinite(wait) && wait >= 0), `${text} → ${wait}`);
  }));
  for (
    const bad of [
      "",
      "-1",
      "1.5",
      "soon",
      "Sun, 31 Feb 2026 00:00:00 GMT",
      "Mon, 01 Jan 2026 25:00:00 GMT",
    ]
  ) {
    assert.equal(parseRetryAfter(bad, now), undefined, bad);
  }
});

/** The three forms RFC 9110 lets a server send (IMF-fixdate, RFC 850, asctime). */
function httpDateForms(date: Date): string[] {
  const imf = date.toUTCString();
  const [weekday, day, month, year, time] = imf.replace(",", "").split(" ");
  const long = {
    Mon: "Monday",
    Tue: "Tuesday",
    Wed: "Wednesday",
    Thu: "Thursday",
    Fri: "Friday",
    Sat: "Saturday",
    Sun: "Sunday",
  }[weekday];
  const rfc850 = `${long}, ${day}-${month}-${year.slice(2)} ${time} GMT`;
  const asctime = `${weekday} ${month} ${String(Number(day)).padStart(2, " ")} ${time} ${year}`;
  return [imf, rfc850, asctime];
}

Deno.test("property: cache keys are stable, hex, and change with anything that changes the answer", async () => {
  const input = fc.record({
    method: fc.constantFrom("GET", "POST"),
    url: fc.webUrl({ withQueryParameters: true }),
    accept: fc.constantFrom("application/json", "application/vnd.pypi.simple.v1+json"),
    headers: fc.dictionary(fc.stringMatching(/^[a-z][a-z-]{0,15}$/), fc.string({ maxLength: 20 }), {
      maxKeys: 3,
    }),
    body: fc.option(fc.string(), { nil: undefined }),
  });
  await fc.assert(
    fc.asyncProperty(input, fc.string({ minLength: 1, maxLength: 5 }), async (request, extra) => {
      const key = await cacheKey(request);
      assert.match(key, /^[0-9a-f]{64}$/);
      const reordered: CacheKeyInput = {
        ...request,
        method: request.method.toLowerCase(),
        headers: Object.fromEntries(
          Object.entries(request.headers).reverse().map(([k, v]) => [k.toUpperCase(), v]),
        ),
      };
      assert.equal(await cacheKey(reordered), key);
      assert.notEqual(await cacheKey({ ...request, url: request.url + extra }), key);
      assert.notEqual(await cacheKey({ ...request, body: (request.body ?? "") + extra }), key);
      assert.notEqual(await cacheKey({ ...request, accept: request.accept + extra }), key);
      assert.notEqual(
        await cacheKey({ ...request, method: request.method === "GET" ? "POST" : "GET" }),
        key,
      );
    }),
    { numRuns: 200 },
  );
});

Deno.test("property: backoff is full jitter under min(cap, base·2^retry)", () => {
  fc.assert(
    fc.property(
      fc.nat({ max: 100 }),
      fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      (retry, random) => {
        const wait = backoffDelayMs(retry, {
          baseMs: 250,
          capMs: 10_000,
          random: () => random,
        });
        assert.ok(wait >= 0 && wait < Math.min(10_000, 250 * 2 ** retry), `${retry} → ${wait}`);
      },
    ),
  );
});

Deno.test("a cached answer older than maxStaleMs is not served when the server is down", async () => {
  let broken = false;
  await using server = startTestServer(() => broken ? json({}, { status: 503 }) : json(torch));
  await withCacheDir(async (cacheDir) => {
    const url = `${server.url}/pypi/torch/json`;
    await fastClient({ cacheDir }).getJson(url);
    broken = true;
    const muchLater = fastClient({ cacheDir, now: () => new Date(START.getTime() + 48 * HOUR) });
    const error = await rejection(muchLater.getJson(url));
    assert.equal(error.status, 503);
  });
});

Deno.test("a cache entry dated in the future is never fresh", async () => {
  await using server = startTestServer(() => json(torch));
  await withCacheDir(async (cacheDir) => {
    const url = `${server.url}/pypi/torch/json`;
    await fastClient({ cacheDir, now: () => new Date(START.getTime() + 1000 * HOUR) }).getJson(url);
    await fastClient({ cacheDir }).getJson(url);
    assert.equal(server.requests.length, 2);
  });
});

Deno.test("a host failing again and again: the remaining requests fail at once, not each after its retries", async () => {
  await using server = startTestServer(() => json({}, { status: 503 }));
  const client = fastClient({ hostFailureLimit: 2 });
  const errors = await Promise.all(
    Array.from({ length: 12 }, (_, i) => rejection(client.getJson(`${server.url}/p/${i}`))),
  );
  // perHostConcurrency lets the first wave through; after two failures the rest are not sent.
  assert.ok(
    errors.some((e) =>
      /not sent: the last \d+ requests to 127\.0\.0\.1:\d+ failed/.test(e.message)
    ),
  );
  assert.ok(server.requests.length < 12 * 5, `${server.requests.length} requests`);
});

Deno.test("past the client's deadline no request is sent", async () => {
  await using server = startTestServer(() => json(torch));
  const client = fastClient({ deadlineMs: 0 });
  await new Promise((resolve) => setTimeout(resolve, 5));
  const error = await rejection(client.getJson(`${server.url}/pypi/torch/json`));
  assert.equal(error.kind, "timeout");
  assert.match(error.message, /limit for fetching registry data has passed/);
  assert.equal(server.requests.length, 0);
});
