// Enrichment asks registries only about names someone wrote (issue 15, item 6): a name a reader
// guessed from a path or URL is nobody's name, and asking PyPI or OSV about it would both leak
// it and answer for another project.
import assert from "node:assert/strict";
import { enrichForPolicy } from "../../pipeline/enrich.ts";
import { checks, definePolicy } from "../../mod.ts";
import { pkg, snapshotOf } from "../../testing.ts";
import { json, startTestServer } from "../_api_server.ts";

Deno.test("registry sources are never asked about a guessed name, and the snapshot keeps it", async () => {
  await using server = startTestServer({
    "/pypi/:name/json": (_request, { params }) =>
      json({
        info: { name: params.name, version: "2.0.1" },
        releases: { "2.0.1": [{ filename: `${params.name}-2.0.1.tar.gz`, yanked: false }] },
      }),
    "POST /v1/querybatch": () => json({ results: [{}] }),
  });
  const cacheDir = await Deno.makeTempDir();
  try {
    // Another producer's snapshot may carry a guess with a version and an index source.
    const guessed = pkg("internal-features==1.0", { nameFrom: "guessed" });
    const snapshot = snapshotOf({ packages: [pkg("numpy==2.0.1"), guessed] });
    const { snapshot: enriched } = await enrichForPolicy({
      snapshot,
      policy: definePolicy({
        name: "t",
        checks: [checks.freshness.notYanked(), checks.freshness.noKnownVulnerabilities()],
      }),
      sources: { pypiUrl: server.url, osvUrl: server.url, cacheDir },
    });
    const asked = server.requests.map((r) => `${r.path} ${r.body ?? ""}`).join("\n");
    assert.match(asked, /numpy/);
    assert.doesNotMatch(asked, /internal-features/);
    assert.deepEqual(enriched.registry.pypi.map((p) => p.name), ["numpy"]);
    assert.deepEqual(enriched.packages, snapshot.packages);
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
});
