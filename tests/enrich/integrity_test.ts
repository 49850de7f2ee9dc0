/**
 * PEP 740 provenance from a local server speaking the PyPI JSON and Integrity APIs, serving
 * attestations signed in the test by a test Sigstore; end to end through enrichment and
 * `signature.package-attested`.
 */
import { deepStrictEqual, match, ok, rejects, strictEqual } from "node:assert/strict";
import { HttpClient, HttpError } from "../../enrich/http.ts";
import { json, startTestServer, type TestServer } from "../_api_server.ts";
import {
  fetchProjectProvenance,
  fetchProvenance,
  INTEGRITY_JSON,
  provenanceUrl,
  selectProvenanceFiles,
} from "../../enrich/integrity.ts";
import { enrich, provenanceSource, pypiSource } from "../../enrich/mod.ts";
import { packageAttested } from "../../checks/signature/package_attested.ts";
import type { Snapshot } from "../../core/snapshot.ts";
import { definePolicy } from "../../core/policy.ts";
import { pkg, runPolicy, snapshotOf } from "../../testing.ts";
import { type AttestOptions, provenanceOf, sha256Hex, TestSigstore } from "../_sigstore_testing.ts";

const fast = { retries: 1, backoffBaseMs: 1, backoffCapMs: 5 };
const sigstore = new TestSigstore();

const WHEEL = "widgets-1.0.0-py3-none-any.whl";
const SDIST = "widgets-1.0.0.tar.gz";
const WHEEL_SHA = sha256Hex(new TextEncoder().encode("wheel"));
const SDIST_SHA = sha256Hex(new TextEncoder().encode("sdist"));

/** The PyPI JSON API document of widgets 1.0.0 (a wheel and an sdist). */
const WIDGETS = {
  info: { name: "widgets", version: "1.0.0" },
  releases: {
    "1.0.0": [WHEEL, SDIST].map((filename, i) => ({
      filename,
      digests: { sha256: [WHEEL_SHA, SDIST_SHA][i] },
      upload_time_iso_8601: "2025-06-01T12:00:00.000000Z",
      yanked: false,
    })),
  },
};

/** Served instead of provenance: a 500 on every request. */
const SERVER_ERROR = Symbol("500");

/** A fake PyPI: the JSON API for widgets, and provenance per file name (absent: 404). */
function fakePypi(provenance: Record<string, unknown>): TestServer {
  return startTestServer({
    "/pypi/widgets/json": () => json(WIDGETS),
    "/integrity/:name/:version/:filename/provenance": (_request, { params }) => {
      const served = provenance[params.filename ?? ""];
      if (served === SERVER_ERROR) return new Response("boom", { status: 500 });
      return served === undefined
        ? json({ message: `No provenance available for ${params.filename}` }, { status: 404 })
        : json(served, { headers: { "content-type": INTEGRITY_JSON } });
    },
  });
}

const attest = (over: Partial<AttestOptions> = {}) =>
  provenanceOf([sigstore.attest({ filename: WHEEL, sha256: WHEEL_SHA, ...over })]);

const project = () =>
  snapshotOf({
    packages: [pkg("widgets==1.0.0", { hashes: [`sha256:${WHEEL_SHA}`] })],
  });

async function enrichAndCheck(server: TestServer, trustedRoot = sigstore.trustedRoot()) {
  const client = new HttpClient(fast);
  const enriched: Snapshot = await enrich(project(), {
    sources: {
      "registry.pypi": pypiSource({ client, baseUrl: server.url }),
      "registry.provenance": provenanceSource({
        client,
        baseUrl: server.url,
        packages: ["widgets"],
      }),
    },
  });
  const check = packageAttested({
    packages: ["widgets"],
    repositories: { widgets: "acme/widgets" },
    trustedRoot,
  });
  const report = await runPolicy(definePolicy({ name: "t", checks: [check] }), enriched);
  return { enriched, result: report.results[0] };
}

Deno.test("provenance URLs percent-encode each part under /integrity", () => {
  strictEqual(
    provenanceUrl("https://pypi.org/", { name: "a b", version: "1.0+x", filename: "a b.whl" }),
    "https://pypi.org/integrity/a%20b/1.0%2Bx/a%20b.whl/provenance",
  );
});

Deno.test("only hashed files of pinned critical packages are looked up", () => {
  const snapshot = snapshotOf({
    packages: [
      pkg("widgets==1.0.0", { hashes: [`sha256:${SDIST_SHA}`, "md5:abc"] }),
      pkg("gadgets==2.0", { hashes: [] }),
      pkg("unlisted==1.0", { hashes: [`sha256:${WHEEL_SHA}`] }),
    ],
    registry: {
      pypi: [{
        name: "widgets",
        found: true,
        releases: [{
          version: "1.0.0",
          yanked: false,
          files: [{ filename: WHEEL, sha256: WHEEL_SHA }, { filename: SDIST, sha256: SDIST_SHA }],
        }],
      }],
      advisories: [],
      hub: [],
      provenance: [],
    },
  });
  deepStrictEqual(selectProvenanceFiles(snapshot, { packages: ["widgets", "gadgets"] }), [
    { name: "widgets", version: "1.0.0", filename: SDIST, sha256: SDIST_SHA },
  ]);
});

Deno.test("fetchProvenance asks with the Integrity media type and records 404 as no provenance", async () => {
  const served = attest();
  await using server = fakePypi({ [WHEEL]: served });
  const { entries, sources } = await fetchProvenance(new HttpClient(fast), {
    baseUrl: server.url,
    files: [
      { name: "widgets", version: "1.0.0", filename: WHEEL, sha256: WHEEL_SHA },
      { name: "widgets", version: "1.0.0", filename: SDIST, sha256: SDIST_SHA },
    ],
  });
  deepStrictEqual(entries.map((e) => [e.filename, e.provenance === null]), [
    [WHEEL, false],
    [SDIST, true],
  ]);
  deepStrictEqual(entries[0].provenance, served);
  strictEqual(entries[0].url, `${server.url}/integrity/widgets/1.0.0/${WHEEL}/provenance`);
  deepStrictEqual(sources.map((s) => s.status).sort(), [200, 404]);
  ok(server.requests.every((r) => r.headers.get("accept") === INTEGRITY_JSON));
});

Deno.test("a server error rejects with the HttpError after retries", async () => {
  await using server = fakePypi({ [WHEEL]: SERVER_ERROR });
  await rejects(
    fetchProvenance(new HttpClient(fast), {
      baseUrl: server.url,
      files: [{ name: "widgets", version: "1.0.0", filename: WHEEL, sha256: WHEEL_SHA }],
    }),
    (error) => error instanceof HttpError && error.kind === "status" && error.status === 500,
  );
});

Deno.test("end to end: a valid attestation from the expected repository passes", async () => {
  await using server = fakePypi({ [WHEEL]: attest() });
  const { enriched, result } = await enrichAndCheck(server);
  strictEqual(result.status, "pass");
  deepStrictEqual(result.findings, []);
  ok(enriched.collected.includes("registry.provenance"));
  const data = enriched.data.find((d) => d.name === "pypi-integrity")!;
  strictEqual(data.url, server.url);
  ok((data.requests ?? 0) >= 1);
});

Deno.test("end to end: each defect fails with its verdict", async () => {
  const stranger = new TestSigstore();
  const cases: Array<[string, unknown, string, string]> = [
    ["another repository", attest({ repository: "mallory/widgets" }), "other-repository", "fail"],
    ["no provenance (404)", undefined, "no-attestation", "fail"],
    ["a signature of another digest", attest({ sha256: SDIST_SHA }), "other-subject", "fail"],
    [
      "a tampered statement",
      attest({ signedStatement: { _type: "https://in-toto.io/Statement/v1", subject: [] } }),
      "invalid",
      "fail",
    ],
    [
      "an untrusted root",
      provenanceOf([stranger.attest({ filename: WHEEL, sha256: WHEEL_SHA })]),
      "invalid",
      "fail",
    ],
  ];
  for (const [name, provenance, verdict, status] of cases) {
    await using server = fakePypi(provenance === undefined ? {} : { [WHEEL]: provenance });
    const { result } = await enrichAndCheck(server);
    strictEqual(result.status, status, name);
    deepStrictEqual(result.findings.map((f) => f.evidence?.verdict), [verdict], name);
  }
});

Deno.test("end to end: an Integrity API failure leaves the section out and the check errors", async () => {
  await using server = fakePypi({ [WHEEL]: SERVER_ERROR });
  const { enriched, result } = await enrichAndCheck(server);
  ok(!enriched.collected.includes("registry.provenance"));
  match(
    enriched.missing.map((m) => `${m.section} ${m.reason}`).join("\n"),
    /^registry\.provenance GET .* 500/m,
  );
  strictEqual(result.status, "error");
  match(result.reason ?? "", /registry\.provenance/);
});

Deno.test("file lists already in the snapshot are not fetched again", async () => {
  await using server = fakePypi({ [WHEEL]: attest() });
  const client = new HttpClient(fast);
  const withPypi = await enrich(project(), {
    sources: { "registry.pypi": pypiSource({ client, baseUrl: server.url }) },
  });
  const before = server.requests.length;
  const { entries } = await fetchProjectProvenance(client, {
    baseUrl: server.url,
    snapshot: withPypi,
    packages: ["widgets"],
  });
  strictEqual(entries.length, 1);
  deepStrictEqual(server.requests.slice(before).map((r) => r.path), [
    `/integrity/widgets/1.0.0/${WHEEL}/provenance`,
  ]);
});
