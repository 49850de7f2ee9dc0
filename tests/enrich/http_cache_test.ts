import assert from "node:assert/strict";
import { join } from "node:path";
import fc from "fast-check";
import { cacheKey, type CacheKeyInput } from "../../enrich/_http_cache.ts";
import {
  closedPortUrl,
  conditional,
  failing,
  json,
  startTestServer,
  truncatedJson,
} from "../_api_server.ts";
import { fastClient, rejection, START, torch } from "./_http.ts";

const HOUR = 60 * 60 * 1000;

/** A clock the test moves by hand. */
function manualClock(): { now: () => Date; advance(ms: number): void } {
  let time = START.getTime();
  return { now: () => new Date(time), advance: (ms) => void (time += ms) };
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
