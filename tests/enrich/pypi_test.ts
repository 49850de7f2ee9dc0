/**
 * PyPI (JSON API and PEP 691) and Hugging Face enrichment against a local server speaking the
 * same APIs, with faults injected.
 */
import { deepStrictEqual, match, ok, rejects } from "node:assert/strict";
import fc from "fast-check";
import { HttpClient, HttpError } from "../../enrich/http.ts";
import { failing, json, rateLimited, startTestServer, truncatedJson } from "../_api_server.ts";
import {
  fetchPypiFacts,
  newestStable,
  SIMPLE_JSON,
  versionFromFilename,
} from "../../enrich/pypi.ts";
import { fetchHubFacts } from "../../enrich/huggingface.ts";
import { enrich, hubSource, pypiSource } from "../../enrich/mod.ts";
import { model, pkg, runCheck, snapshotOf, TEST_NOW } from "../../testing.ts";
import { maxAge, notYanked } from "../../checks/freshness/mod.ts";
import { evaluate } from "../../core/evaluate.ts";
import { definePolicy } from "../../core/policy.ts";

const fast = { retries: 2, backoffBaseMs: 5, backoffCapMs: 20 };

/** A PyPI JSON API project document, shaped like pypi.org's. */
function pypiProject(name: string, releases: Record<string, { at: string; yanked?: string }>) {
  return {
    info: { name, version: Object.keys(releases).at(-1) },
    releases: Object.fromEntries(
      Object.entries(releases).map(([version, r]) => [version, [{
        filename: `${name}-${version}-py3-none-any.whl`,
        digests: { sha256: `${version.replaceAll(".", "")}`.padEnd(64, "a") },
        upload_time_iso_8601: r.at,
        yanked: r.yanked !== undefined,
        yanked_reason: r.yanked ?? null,
      }]]),
    ),
  };
}

const TORCH = pypiProject("torch", {
  "2.1.0": { at: "2023-10-04T17:00:00.000000Z" },
  "2.2.0": { at: "2024-01-30T18:00:00.000000Z", yanked: "Broken CUDA wheels" },
  "2.3.0rc1": { at: "2024-04-01T00:00:00.000000Z" },
});

Deno.test("the PyPI JSON API gives every release, upload times, yanked reasons and the newest stable", async () => {
  await using server = startTestServer({ "/pypi/:name/json": () => json(TORCH) });
  const { facts, sources } = await fetchPypiFacts(new HttpClient(fast), {
    baseUrl: server.url,
    names: ["torch"],
  });
  deepStrictEqual(facts[0].latest, "2.1.0");
  deepStrictEqual(facts[0].found, true);
  const yanked = facts[0].releases.find((r) => r.version === "2.2.0")!;
  deepStrictEqual([yanked.yanked, yanked.yankedReason, yanked.uploadedAt], [
    true,
    "Broken CUDA wheels",
    "2024-01-30T18:00:00.000Z",
  ]);
  deepStrictEqual(yanked.files?.[0].filename, "torch-2.2.0-py3-none-any.whl");
  deepStrictEqual(sources.map((s) => s.url), [`${server.url}/pypi/torch/json`]);
});

Deno.test("a PEP 691 simple index: versions from file names, upload-time, yanked strings", async () => {
  await using server = startTestServer({
    "/simple/:name/": (request) => {
      deepStrictEqual(request.headers.get("accept"), SIMPLE_JSON);
      return json({
        meta: { "api-version": "1.1" },
        name: "acme-tokenizers",
        versions: ["1.0.0", "1.1.0"],
        files: [
          {
            filename: "acme_tokenizers-1.0.0.tar.gz",
            url: "x",
            hashes: { sha256: "ab" },
            "upload-time": "2025-01-01T00:00:00Z",
          },
          {
            filename: "acme_tokenizers-1.1.0-py3-none-any.whl",
            url: "y",
            hashes: {},
            "upload-time": "2025-06-01T00:00:00Z",
            yanked: "security issue",
          },
        ],
      });
    },
  });
  const { facts } = await fetchPypiFacts(new HttpClient(fast), {
    baseUrl: `${server.url}/simple`,
    names: ["acme-tokenizers"],
  });
  deepStrictEqual(facts[0].releases.map((r) => [r.version, r.yanked, r.yankedReason ?? null]), [
    ["1.0.0", false, null],
    ["1.1.0", true, "security issue"],
  ]);
  deepStrictEqual(facts[0].latest, "1.0.0");
});

Deno.test("unknown names are found: false; 500 then success retries; 429 honours Retry-After", async () => {
  await using server = startTestServer({
    "/pypi/torch/json": failing({ times: 2, status: 500 }, () => json(TORCH)),
    "/pypi/numpy/json": rateLimited(
      { times: 1, retryAfter: "1" },
      () => json(pypiProject("numpy", { "2.0.0": { at: "2024-06-16T00:00:00Z" } })),
    ),
  });
  const { facts } = await fetchPypiFacts(new HttpClient(fast), {
    baseUrl: server.url,
    names: ["torch", "numpy", "internal-lib"],
  });
  deepStrictEqual(facts.map((f) => [f.name, f.found, f.latest]), [
    ["torch", true, "2.1.0"],
    ["numpy", true, "2.0.0"],
    ["internal-lib", false, undefined],
  ]);
  const numpy = server.requests.filter((r) => r.path === "/pypi/numpy/json");
  ok(numpy[1].at - numpy[0].at >= 1000, "waited for Retry-After");
});

Deno.test("truncated JSON or a dead server: the section stays missing and the checks error (exit 3), never pass", async () => {
  await using server = startTestServer({ "/pypi/:name/json": () => truncatedJson(TORCH) });
  const client = new HttpClient(fast);
  const snapshot = snapshotOf({ packages: [pkg("torch==2.2.0")] });
  const enriched = await enrich(snapshot, {
    sources: { "registry.pypi": pypiSource({ client, baseUrl: server.url }) },
  });
  deepStrictEqual(enriched.collected.includes("registry.pypi"), false);
  deepStrictEqual(enriched.missing.map((m) => m.section), ["registry.pypi"]);
  match(enriched.missing[0].reason, /^GET http:\/\/127\.0\.0\.1:\d+\/pypi\/torch\/json/);
  const report = await evaluate({
    snapshot: enriched,
    policy: definePolicy({ name: "t", checks: [notYanked({})] }),
    now: TEST_NOW,
  });
  deepStrictEqual([report.results[0].status, report.verdict], ["error", "incomplete"]);
  await rejects(
    fetchPypiFacts(client, { baseUrl: "http://127.0.0.1:9", names: ["torch"] }),
    (e) => e instanceof HttpError && e.kind === "network",
  );
});

Deno.test("enriched facts reach the checks; a warm cache makes no request at all", async () => {
  await using server = startTestServer({ "/pypi/:name/json": () => json(TORCH) });
  const cacheDir = await Deno.makeTempDir();
  const snapshot = snapshotOf({ packages: [pkg("torch==2.2.0"), pkg("torch==2.2.0")] });
  const run = async () => {
    const client = new HttpClient({ ...fast, cacheDir });
    const enriched = await enrich(snapshot, {
      sources: { "registry.pypi": pypiSource({ client, baseUrl: server.url }) },
    });
    return { enriched, stats: client.stats() };
  };
  const cold = await run();
  deepStrictEqual(cold.stats.requests, 1);
  const findings = await runCheck(notYanked({}), cold.enriched);
  match(findings[0].message, /torch 2\.2\.0 is yanked: Broken CUDA wheels\./);
  deepStrictEqual(cold.enriched.data.at(-1)?.name, "pypi");
  deepStrictEqual(cold.enriched.data.at(-1)?.requests, 1);
  const warm = await run();
  deepStrictEqual([warm.stats.requests, warm.stats.cacheHits], [0, 1]);
  deepStrictEqual(warm.enriched.data.at(-1)?.fromCache, 1);
  deepStrictEqual(
    (await runCheck(maxAge({ days: 10 }), warm.enriched)).length,
    0,
    "2.2.0 is newer than the newest stable 2.1.0: no lag",
  );
});

Deno.test("Hub model info at the pinned revision; unknown and private models are found: false", async () => {
  await using server = startTestServer({
    "/api/models/:org/:name/revision/:rev": (_r, { params }) =>
      json({
        id: `${params.org}/${params.name}`,
        author: params.org,
        sha: "0123456789abcdef0123456789abcdef01234567",
        lastModified: "2025-03-01T00:00:00.000Z",
        private: false,
        gated: false,
        disabled: false,
        siblings: [{ rfilename: "config.json" }, { rfilename: "pytorch_model.bin" }],
      }),
    "/api/models/acme/secret": () => new Response("{}", { status: 401 }),
    "/api/models/:org/:name": () => new Response('{"error":"not found"}', { status: 404 }),
  });
  const client = new HttpClient(fast);
  const { facts } = await fetchHubFacts(client, {
    baseUrl: server.url,
    models: [
      { repoId: "acme/bert", revision: "0123456789abcdef0123456789abcdef01234567" },
      { repoId: "acme/secret" },
      { repoId: "acme/gone" },
    ],
  });
  deepStrictEqual(facts[0].files, ["config.json", "pytorch_model.bin"]);
  deepStrictEqual(facts[0].author, "acme");
  deepStrictEqual(facts.slice(1).map((f) => f.found), [false, false]);

  const snapshot = snapshotOf({
    models: [model("acme/bert", { revision: "0123456789abcdef0123456789abcdef01234567" })],
  });
  const enriched = await enrich(snapshot, {
    sources: { "registry.hub": hubSource({ client, baseUrl: server.url }) },
  });
  deepStrictEqual(enriched.registry.hub.map((h) => h.repoId), ["acme/bert"]);
  ok(enriched.collected.includes("registry.hub"));
});

Deno.test("newestStable ignores pre-releases, dev releases and yanked versions", () => {
  deepStrictEqual(
    newestStable([
      { version: "1.0", yanked: false },
      { version: "1.10.dev0", yanked: false },
      { version: "1.9", yanked: false },
      { version: "2.0", yanked: true },
      { version: "not-a-version", yanked: false },
    ]),
    "1.9",
  );
});

Deno.test("versionFromFilename reads wheels and sdists whatever the name's separators", () => {
  deepStrictEqual(versionFromFilename("scikit_learn-1.5.0.tar.gz", "scikit-learn"), "1.5.0");
  deepStrictEqual(versionFromFilename("Scikit.Learn-1.5.0.zip", "scikit-learn"), "1.5.0");
  deepStrictEqual(
    versionFromFilename("torch-2.3.1+cu121-cp311-cp311-linux_x86_64.whl"),
    "2.3.1+cu121",
  );
  deepStrictEqual(versionFromFilename("README.md"), undefined);
  fc.assert(fc.property(
    fc.stringMatching(/^[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,5}){0,2}$/),
    fc.tuple(fc.nat(99), fc.nat(99), fc.nat(99)),
    fc.constantFrom("-", "_", "."),
    (name, [a, b, c], sep) => {
      const version = `${a}.${b}.${c}`;
      const written = name.replaceAll("-", sep);
      deepStrictEqual(versionFromFilename(`${written}-${version}.tar.gz`, name), version);
      deepStrictEqual(
        versionFromFilename(`${written.replaceAll("-", "_")}-${version}-py3-none-any.whl`),
        version,
      );
    },
  ));
  fc.assert(fc.property(fc.string(), (text) => {
    versionFromFilename(text);
    versionFromFilename(text, "x");
  }));
});

Deno.test("an index that knows none of several pinned packages is the wrong index: the source fails", async () => {
  await using server = startTestServer(() => new Response("{}", { status: 404 }));
  const snapshot = snapshotOf({ packages: [pkg("torch==2.2.0"), pkg("numpy==2.0.0")] });
  const enriched = await enrich(snapshot, {
    sources: { "registry.pypi": pypiSource({ client: new HttpClient(fast), baseUrl: server.url }) },
  });
  deepStrictEqual(enriched.collected.includes("registry.pypi"), false);
  deepStrictEqual(enriched.missing.map((m) => m.section), ["registry.pypi"]);
  match(enriched.missing[0].reason, /knows none of the 2 pinned packages \(numpy, torch\)/);
});
