import assert from "node:assert/strict";
import type { Advisory } from "../../core/snapshot_registry.ts";
import { HttpClient } from "../../enrich/http.ts";
import {
  affectedVersions,
  findAdvisories,
  type OsvDatabase,
  type OsvRecord,
  queryOsv,
} from "../../enrich/osv.ts";
import { failing, json, type Route, startTestServer, truncatedJson } from "../_api_server.ts";
import { CORPUS, corpusDatabase } from "./_osv_database.ts";

// ---- Online: a fake OSV API serving the corpus records ----

const fast = { retries: 2, backoffBaseMs: 1, backoffCapMs: 5, timeoutMs: 10_000 };

/** The corpus's package directories, each with the versions its records list (and 0.0.1). */
async function corpusQueries(db: OsvDatabase): Promise<{ name: string; version: string }[]> {
  const queries = [];
  for await (const entry of Deno.readDir(`${CORPUS}/vulns`)) {
    if (!entry.isDirectory) continue;
    const listed = db.recordsFor(entry.name).flatMap((r) =>
      r.affected[0]?.versions.slice(0, 3) ?? []
    );
    for (const version of new Set(["0.0.1", ...listed])) {
      queries.push({ name: entry.name, version });
    }
  }
  return queries.sort((a, b) => (`${a.name} ${a.version}` < `${b.name} ${b.version}` ? -1 : 1));
}

/** Routes of a fake OSV API over the corpus: querybatch (pages of `pageSize` ids) and vulns/ID. */
function fakeOsv(db: OsvDatabase, byId: Map<string, OsvRecord>, pageSize = Infinity) {
  const batchSizes: number[] = [];
  const querybatch: Route = async (request) => {
    const { queries } = await request.json() as {
      queries: {
        package: { name: string; ecosystem: string };
        version: string;
        page_token?: string;
      }[];
    };
    batchSizes.push(queries.length);
    if (queries.length > 1000) return json({ error: "too many queries" }, { status: 400 });
    return json({
      results: queries.map((query) => {
        assert.equal(query.package.ecosystem, "PyPI");
        const ids = db.recordsFor(query.package.name)
          .filter((r) => affectedVersions(r, query.package.name, query.version).affected)
          .map((r) => r.id).sort();
        const from = Number(query.page_token ?? 0);
        const page = ids.slice(from, from + pageSize).map((id) => ({ id, modified: "x" }));
        if (page.length === 0) return {};
        return from + pageSize < ids.length
          ? { vulns: page, next_page_token: String(from + pageSize) }
          : { vulns: page };
      }),
    });
  };
  const vuln: Route = (_request, { params }) => {
    const record = byId.get(params.id ?? "");
    return record === undefined
      ? json({ code: 5, message: "Bug not found." }, { status: 404 })
      : json(record);
  };
  return { batchSizes, querybatch, vuln };
}

function recordsById(db: OsvDatabase, queries: { name: string }[]): Map<string, OsvRecord> {
  return new Map(queries.flatMap(({ name }) => db.recordsFor(name).map((r) => [r.id, r] as const)));
}

const withoutDatabase = (advisories: Advisory[]) =>
  advisories.map(({ database: _, ...rest }) => rest)
    .sort((
      a,
      b,
    ) => (`${a.package} ${a.version} ${a.id}` < `${b.package} ${b.version} ${b.id}` ? -1 : 1));

Deno.test("online: 1,000 packages cost one querybatch and one request per distinct vulnerability; warm costs none", async () => {
  const db = await corpusDatabase();
  const queries = (await corpusQueries(db)).slice(0, 1000);
  assert.equal(queries.length, 1000);
  const fake = fakeOsv(db, recordsById(db, queries));
  await using server = startTestServer({
    "POST /v1/querybatch": fake.querybatch,
    "/v1/vulns/:id": fake.vuln,
  });
  const cacheDir = await Deno.makeTempDir({ prefix: "tollgate-osv-cache-" });
  try {
    const cold = await queryOsv(new HttpClient({ ...fast, cacheDir }), {
      baseUrl: `${server.url}/`,
      packages: queries,
    });
    const distinct = new Set(
      queries.flatMap(({ name, version }) =>
        db.recordsFor(name).filter((r) => affectedVersions(r, name, version).affected)
          .map((r) => r.id)
      ),
    ).size;
    assert.deepEqual(fake.batchSizes, [1000]);
    const details = server.requests.filter((r) => r.path.startsWith("/v1/vulns/"));
    assert.equal(details.length, new Set(details.map((r) => r.path)).size, "each id asked once");
    assert.equal(details.length, distinct);
    assert.ok(distinct > 500, `${distinct} vulnerabilities`);
    assert.deepEqual(cold.problems, []);
    assert.equal(cold.sources.length, 1 + distinct);
    // Online and offline agree, fixed versions and severities included.
    assert.deepEqual(
      withoutDatabase(cold.advisories),
      withoutDatabase(findAdvisories(db, queries).advisories),
    );
    assert.ok(cold.advisories.every((a) => a.database === server.url));
    const before = server.requests.length;
    const client = new HttpClient({ ...fast, cacheDir });
    const warm = await queryOsv(client, { baseUrl: server.url, packages: [...queries].reverse() });
    assert.equal(server.requests.length, before, "warm: no request");
    assert.equal(client.stats().requests, 0);
    assert.deepEqual(warm.advisories, cold.advisories);
    assert.ok(warm.sources.every((source) => source.fromCache));
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
});

Deno.test("online: more than 1,000 queries are split, and next_page_token is followed", async () => {
  const db = await corpusDatabase();
  const queries = (await corpusQueries(db)).slice(0, 1500);
  assert.equal(queries.length, 1500);
  const fake = fakeOsv(db, recordsById(db, queries), 2);
  await using server = startTestServer({
    "POST /v1/querybatch": fake.querybatch,
    "/v1/vulns/:id": fake.vuln,
  });
  const found = await queryOsv(new HttpClient(fast), { baseUrl: server.url, packages: queries });
  assert.deepEqual(fake.batchSizes.slice(0, 2), [1000, queries.length - 1000]);
  assert.ok(fake.batchSizes.length > 2, "later pages asked");
  assert.ok(fake.batchSizes.every((size) => size <= 1000));
  const pageTokens = server.requests.filter((r) => r.body.includes('"page_token"'));
  assert.ok(pageTokens.length > 0);
  assert.deepEqual(
    withoutDatabase(found.advisories),
    withoutDatabase(findAdvisories(db, queries).advisories),
  );
});

Deno.test("online: faults — a 500 is retried; bad answers reject with what was wrong", async () => {
  const db = await corpusDatabase();
  const queries = [{ name: "jinja2", version: "2.10" }, { name: "Werkzeug", version: "3.0.0" }];
  const fake = fakeOsv(db, recordsById(db, queries));
  {
    await using server = startTestServer({
      "POST /v1/querybatch": failing({ times: 1, status: 500 }, fake.querybatch),
      "/v1/vulns/:id": failing({ times: 1, status: 503 }, fake.vuln),
    });
    const found = await queryOsv(new HttpClient(fast), { baseUrl: server.url, packages: queries });
    assert.deepEqual(found.advisories.map((a) => [a.package, a.id, a.fixed]), [
      ["jinja2", "PYSEC-2019-217", ["2.10.1"]],
      ["jinja2", "PYSEC-2021-66", ["2.11.3"]],
      ["Werkzeug", "PYSEC-2023-221", ["3.0.1"]],
    ]);
  }
  const cases: [Record<string, Route>, RegExp][] = [
    [{ "POST /v1/querybatch": () => json({ results: [{}] }) }, /not a list of 2 results \(got 1\)/],
    [
      { "POST /v1/querybatch": () => json({ results: "none" }) },
      /OSV querybatch answer from .* is not a list of 2 results/,
    ],
    [{ "POST /v1/querybatch": () => truncatedJson({ results: [{}, {}] }) }, /JSON|json/],
    [{
      "POST /v1/querybatch": async (request) => {
        const { queries } = await request.json() as { queries: { package: { name: string } }[] };
        return json({
          results: queries.map((
            q,
          ) => (q.package.name === "jinja2" ? { next_page_token: "more" } : {})),
        });
      },
    }, /jinja2 2\.10 has more than 100 pages of results/],
    [{
      "POST /v1/querybatch": () => json({ results: [{ vulns: [{ id: "PYSEC-0000-0" }] }, {}] }),
    }, /404|not found|Not Found/i],
  ];
  for (const [routes, error] of cases) {
    await using server = startTestServer(routes);
    await assert.rejects(
      queryOsv(new HttpClient({ ...fast, retries: 0 }), { baseUrl: server.url, packages: queries }),
      error,
    );
  }
});

Deno.test("online: an unreadable record is a problem, and its advisory is still reported", async () => {
  const queries = [{ name: "demo", version: "1.0" }];
  await using server = startTestServer({
    "POST /v1/querybatch": () =>
      json({ results: [{ vulns: [{ id: "GHSA-aaaa-bbbb-cccc" }, { id: "X-2" }] }] }),
    "/v1/vulns/GHSA-aaaa-bbbb-cccc": () => json({ id: "GHSA-aaaa-bbbb-cccc", affected: "?" }),
    "/v1/vulns/X-2": () => json({ id: "X-3", modified: "2024-01-01T00:00:00Z" }),
  });
  const found = await queryOsv(new HttpClient(fast), { baseUrl: server.url, packages: queries });
  assert.deepEqual(found.advisories.map((a) => [a.id, a.severity, a.fixed]), [
    ["GHSA-aaaa-bbbb-cccc", "unknown", []],
    ["X-2", "unknown", []],
  ]);
  assert.deepEqual(found.problems, [
    {
      file: `${server.url}/v1/vulns/GHSA-aaaa-bbbb-cccc`,
      message: "GHSA-aaaa-bbbb-cccc: not a valid OSV record: modified: Invalid input: expected " +
        "string, received undefined; affected: Invalid input: expected array, received string",
    },
    {
      file: `${server.url}/v1/vulns/X-2`,
      message: "X-2: not a valid OSV record: answer is record X-3",
    },
  ]);
});
