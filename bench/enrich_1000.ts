/**
 * Enrichment of 1,000 pinned packages against a local server speaking the PyPI JSON API and the
 * OSV API: request counts (one PyPI call per package and one OSV batch plus one detail call per
 * distinct advisory, cold; none warm) and wall time, against a reference measured in the same
 * run: plain `fetch` of the same 1,000 PyPI documents, 8 at a time, with no cache, retries or
 * parsing of ours. A benchmark, not a test:
 *
 * ```sh
 * deno run --allow-net=127.0.0.1 --allow-read --allow-write --allow-env bench/enrich_1000.ts
 * ```
 *
 * @module
 */
import { HttpClient } from "../enrich/http.ts";
import { json, startTestServer } from "../tests/_api_server.ts";
import { enrich, osvSource, pypiSource } from "../enrich/mod.ts";
import { pkg, snapshotOf } from "../testing.ts";

const COUNT = Number(Deno.env.get("TOLLGATE_BENCH_PACKAGES") ?? 1000);
const VULNERABLE_EVERY = 10; // every 10th package has advisories, shared in pairs
const names = Array.from({ length: COUNT }, (_, i) => `pkg-${String(i).padStart(4, "0")}`);

function project(name: string) {
  const releases: Record<string, unknown[]> = {};
  for (let v = 0; v < 40; v++) {
    releases[`1.${v}.0`] = [{
      filename: `${name.replace("-", "_")}-1.${v}.0-py3-none-any.whl`,
      digests: { sha256: "ab".repeat(32) },
      upload_time_iso_8601: new Date(Date.UTC(2020, 0, 1 + v * 30)).toISOString(),
      yanked: false,
      yanked_reason: null,
    }];
  }
  return { info: { name, version: "1.39.0" }, releases };
}

const advisoryId = (i: number) => `GHSA-bench-${Math.floor(i / (2 * VULNERABLE_EVERY))}`;
function advisory(id: string) {
  const affected = names.filter((_, i) => i % VULNERABLE_EVERY === 0 && advisoryId(i) === id)
    .map((name) => ({
      package: { name, ecosystem: "PyPI" },
      ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "1.20.0" }] }],
    }));
  return {
    id,
    modified: "2025-01-01T00:00:00Z",
    summary: "benchmark advisory",
    severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" }],
    affected,
  };
}

const documents = new Map(names.map((n) => [n, JSON.stringify(project(n))]));
await using server = startTestServer({
  "/pypi/:name/json": (_r, { params }) =>
    new Response(documents.get(params.name!) ?? "{}", {
      status: documents.has(params.name!) ? 200 : 404,
      headers: { "content-type": "application/json" },
    }),
  "POST /v1/querybatch": async (request) => {
    const body = await request.json() as { queries: { package: { name: string } }[] };
    return json({
      results: body.queries.map((q) => {
        const i = names.indexOf(q.package.name);
        return i % VULNERABLE_EVERY === 0 ? { vulns: [{ id: advisoryId(i) }] } : {};
      }),
    });
  },
  "/v1/vulns/:id": (_r, { params }) => json(advisory(params.id!)),
});

const snapshot = snapshotOf({ packages: names.map((n) => pkg(`${n}==1.10.0`)) });
const cacheDir = await Deno.makeTempDir({ prefix: "tollgate-bench-cache-" });

async function run(label: string) {
  const client = new HttpClient({ cacheDir });
  const before = server.requests.length;
  const start = performance.now();
  const enriched = await enrich(snapshot, {
    sources: {
      "registry.pypi": pypiSource({ client, baseUrl: server.url }),
      "registry.advisories": osvSource({ client, baseUrl: server.url }),
    },
  });
  const ms = performance.now() - start;
  const asked = server.requests.slice(before);
  const count = (prefix: string) => asked.filter((r) => r.path.startsWith(prefix)).length;
  console.log(
    `${label.padEnd(5)} ${ms.toFixed(0).padStart(6)} ms  requests: pypi ${count("/pypi/")}, ` +
      `osv batch ${count("/v1/querybatch")}, osv detail ${count("/v1/vulns/")}; ` +
      `cache hits ${client.stats().cacheHits}; advisories ${enriched.registry.advisories.length}, ` +
      `problems ${enriched.problems.length}`,
  );
  return ms;
}

async function reference() {
  const start = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const response = await fetch(`${server.url}/pypi/${names[next++]}/json`);
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return performance.now() - start;
}

console.log(`enrichment of ${COUNT} pinned packages (PyPI JSON API + OSV), local server`);
const plain = await reference();
const cold = await run("cold");
const warm = await run("warm");
console.log(
  `reference: plain fetch of the ${COUNT} PyPI documents, 8 at a time: ${plain.toFixed(0)} ms`,
);
console.log(
  `ratios: cold ${(cold / plain).toFixed(2)}× the plain fetches (with OSV, parsing, disk cache ` +
    `writes), warm ${(warm / plain).toFixed(2)}×`,
);
await Deno.remove(cacheDir, { recursive: true });
