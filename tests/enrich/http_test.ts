import assert from "node:assert/strict";
import { defaultCacheDir, type HttpProgress, USER_AGENT } from "../../enrich/http.ts";
import { delayed, failing, json, startTestServer, streamed } from "../_api_server.ts";
import { fastClient, rejection, START, torch } from "./_http.ts";

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
