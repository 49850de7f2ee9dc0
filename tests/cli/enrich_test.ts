/**
 * `tollgate check` with enrichment, end to end: the real CLI in a child process against a local
 * server speaking the PyPI JSON API and the Hub API, and the PyPA advisory database offline.
 */
import { deepStrictEqual, match, ok } from "node:assert/strict";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { Report } from "../../core/report.ts";
import { closedPortUrl, json, type Route, startTestServer } from "../_api_server.ts";
import { NOW, project, tollgate } from "../_cli.ts";

const OSV_DB = path.resolve(import.meta.dirname!, "../../../shared/corpus-osv");

const release = (name: string, version: string, at: string, yanked?: string) => [{
  filename: `${name}-${version}-py3-none-any.whl`,
  digests: { sha256: "a".repeat(64) },
  upload_time_iso_8601: at,
  yanked: yanked !== undefined,
  yanked_reason: yanked ?? null,
}];

const PROJECTS: Record<string, unknown> = {
  aiohttp: {
    releases: {
      "3.7.3": release("aiohttp", "3.7.3", "2020-11-18T00:00:00Z"),
      "3.9.5": release("aiohttp", "3.9.5", "2024-04-16T00:00:00Z"),
    },
  },
  torch: {
    releases: {
      "2.2.0": release("torch", "2.2.0", "2024-01-30T00:00:00Z", "Broken CUDA wheels"),
      "2.5.1": release("torch", "2.5.1", "2024-10-29T00:00:00Z"),
    },
  },
};

const pypiRoute: Route = (_r, { params }) =>
  Object.hasOwn(PROJECTS, params.name!)
    ? json(PROJECTS[params.name!])
    : new Response("{}", { status: 404 });

function pypiServer() {
  return startTestServer({ "/pypi/:name/json": pypiRoute });
}

/** `check DIR …flags` online (loopback only) with a fresh cache and JSON output. */
async function onlineCheck(dir: string, flags: string[]) {
  const run = await tollgate(
    ["check", dir, ...flags, "--cache-dir", await Deno.makeTempDir(), "--format", "json"],
    { net: true, write: true },
  );
  if (run.stdout === "") throw new Error(`no report (exit ${run.code}): ${run.stderr}`);
  return { ...run, report: Report.parse(JSON.parse(run.stdout)) };
}

const HASH = `--hash=sha256:${"a".repeat(64)}`;
const REQUIREMENTS = `aiohttp==3.7.3 ${HASH}\ntorch==2.2.0 ${HASH}\ninternal-lib==1.0 ${HASH}\n`;

Deno.test("check fetches release facts from --pypi-url and advisories from --osv-db, and fails on them", async () => {
  await using server = pypiServer();
  const dir = await project({ "requirements.txt": REQUIREMENTS });
  const cache = await Deno.makeTempDir();
  const args = [
    "check",
    dir,
    "--pypi-url",
    server.url,
    "--osv-db",
    OSV_DB,
    "--cache-dir",
    cache,
    "--format",
    "json",
    "--now",
    NOW,
  ];
  const run = await tollgate(args, { net: true, write: true });
  deepStrictEqual(run.code, 1, run.stderr);
  const report = Report.parse(JSON.parse(run.stdout));
  const findings = (id: string) =>
    report.results.find((r) => r.check === id)!.findings.map((f) => `${f.subject} ${f.severity}`);
  // internal-lib is not on the index: it cannot be judged, and says so (a warning), never passes.
  deepStrictEqual(findings("freshness.not-yanked"), [
    "pkg:pypi/torch@2.2.0 error",
    "pkg:pypi/internal-lib@1.0 warning",
  ]);
  ok(findings("freshness.no-known-vulnerabilities").includes("pkg:pypi/aiohttp@3.7.3 error"));
  deepStrictEqual(findings("freshness.max-age"), [
    "pkg:pypi/aiohttp@3.7.3 warning",
    "pkg:pypi/internal-lib@1.0 warning",
  ]);
  const vuln = report.results.find((r) => r.check === "freshness.no-known-vulnerabilities")!;
  match(vuln.findings.map((f) => f.message).join("\n"), /PYSEC-2021-76.*fixed in 3\.7\.4/);
  // Three packages, one request each (internal-lib is a 404: found: false),
  // and one Integrity API request for torch's pinned wheel (a 404 here: no attestation).
  deepStrictEqual(server.requests.map((r) => r.path).sort(), [
    "/integrity/torch/2.2.0/torch-2.2.0-py3-none-any.whl/provenance",
    "/pypi/aiohttp/json",
    "/pypi/internal-lib/json",
    "/pypi/torch/json",
  ]);

  // Warm: the cache answers, the server is not asked again, the verdict is the same.
  const warm = await tollgate(args, { net: true, write: true });
  deepStrictEqual(warm.code, 1);
  deepStrictEqual(server.requests.length, 4);
  // Offline with the same cache: the same facts, no request.
  const offline = await tollgate([...args, "--offline"], { write: true });
  deepStrictEqual(offline.code, 1, offline.stderr);
  const again = Report.parse(JSON.parse(offline.stdout));
  deepStrictEqual(
    again.results.map((r) => [r.check, r.status]),
    report.results.map((r) => [r.check, r.status]),
  );
});

Deno.test("the report and its snapshot record where registry data came from", async () => {
  await using server = pypiServer();
  const dir = await project({ "requirements.txt": REQUIREMENTS });
  const { report } = await onlineCheck(dir, ["--pypi-url", server.url, "--osv-db", OSV_DB]);
  const pypi = report.data.find((d) => d.name === "pypi")!;
  deepStrictEqual([pypi.url, pypi.requests, pypi.fromCache], [server.url, 3, 0]);
  ok(pypi.retrievedAt && !Number.isNaN(Date.parse(pypi.retrievedAt)));
  const osv = report.data.find((d) => d.name === "osv-db")!;
  deepStrictEqual(osv.url, OSV_DB);
  match(
    osv.version ?? "",
    /^2661 records \(2661 PyPI\) from 2661 directory file\(s\), newest modified 2024-10-10T17:22:00\.587279Z, sha256:[0-9a-f]{64}$/,
  );
});

Deno.test("without network permission the online checks error and check exits 3 with the fix", async () => {
  const dir = await project({ "requirements.txt": `internal-lib==1.0 ${HASH}\n` });
  const run = await tollgate(["check", dir, "--osv-db", OSV_DB]);
  deepStrictEqual(run.code, 3);
  match(run.stderr, /network access to pypi\.org is not permitted: run with --allow-net/);
});

Deno.test("a dead PyPI server: exit 3, never a pass; --offline instead skips and says why", async () => {
  const dir = await project({ "requirements.txt": `torch==2.2.0 ${HASH}\n` });
  const dead = closedPortUrl();
  const run = await tollgate([
    "check",
    dir,
    "--pypi-url",
    dead,
    "--osv-db",
    OSV_DB,
    "--cache-dir",
    await Deno.makeTempDir(),
  ], { net: true, write: true });
  deepStrictEqual(run.code, 3, run.stdout);
  match(
    run.stderr,
    /^ {2}registry\.pypi: GET http:\/\/127\.0\.0\.1:\d+\/pypi\/torch\/json failed after \d+ attempts/m,
  );
  const vulnerable = await project({ "requirements.txt": `aiohttp==3.7.3 ${HASH}\n` });
  const offline = await tollgate([
    "check",
    vulnerable,
    "--offline",
    "--osv-db",
    OSV_DB,
    "--format",
    "json",
  ]);
  const report = Report.parse(JSON.parse(offline.stdout));
  const yanked = report.results.find((r) => r.check === "freshness.not-yanked")!;
  deepStrictEqual(yanked.status, "skipped");
  match(yanked.reason ?? "", /offline/);
  // The local database still answers offline.
  deepStrictEqual(
    report.results.find((r) => r.check === "freshness.no-known-vulnerabilities")!.status,
    "fail",
  );
});

Deno.test("bad base URLs are usage errors", async () => {
  const run = await tollgate(["check", ".", "--pypi-url", "ftp://mirror", "--offline"]);
  deepStrictEqual(run.code, 2);
  match(run.stderr, /--pypi-url: expected an http\(s\) URL/);
});

Deno.test("check asks --hf-url about the models the code loads and judges their files at that revision", async () => {
  const sha = "0123456789abcdef0123456789abcdef01234567";
  await using server = startTestServer({
    "/api/models/acme/pickled/revision/:rev": () =>
      json({ author: "acme", sha, siblings: [{ rfilename: "pytorch_model.bin" }] }),
    "/api/models/acme/gone/revision/:rev": () => new Response("{}", { status: 404 }),
  });
  const dir = await project({
    "train.py": "from transformers import AutoModel\n" +
      `a = AutoModel.from_pretrained("acme/pickled", revision="${sha}")\n` +
      `b = AutoModel.from_pretrained("acme/gone", revision="${sha}")\n`,
  });
  const { code, stderr, report } = await onlineCheck(dir, ["--hf-url", server.url]);
  deepStrictEqual(code, 1, stderr);
  const subjects = (id: string) =>
    report.results.find((r) => r.check === id)!.findings.map((f) => f.subject);
  deepStrictEqual(subjects("hub.safe-weights"), ["hf:acme/pickled"]);
  deepStrictEqual(subjects("hub.model-resolves"), ["hf:acme/gone"]);
  deepStrictEqual(report.data.find((d) => d.name === "huggingface")?.requests, 2);
});

Deno.test("check asks --osv-url: one querybatch, one detail call per advisory, fixes in the message", async () => {
  const record = parseYaml(
    await Deno.readTextFile(path.join(OSV_DB, "vulns/aiohttp/PYSEC-2021-76.yaml")),
  ) as { id: string };
  await using server = startTestServer({
    "POST /v1/querybatch": async (request) => {
      const body = await request.json() as { queries: { package: { name: string } }[] };
      return json({
        results: body.queries.map((q) =>
          q.package.name === "aiohttp"
            ? { vulns: [{ id: record.id, modified: "2024-01-01T00:00:00Z" }] }
            : {}
        ),
      });
    },
    "/v1/vulns/:id": () => json(record),
    "/pypi/:name/json": pypiRoute,
  });
  const dir = await project({ "requirements.txt": REQUIREMENTS });
  const { code, stderr, report } = await onlineCheck(dir, [
    "--osv-url",
    server.url,
    "--pypi-url",
    server.url,
  ]);
  deepStrictEqual(code, 1, stderr);
  const vuln = report.results.find((r) => r.check === "freshness.no-known-vulnerabilities")!;
  deepStrictEqual(vuln.findings.map((f) => f.subject), ["pkg:pypi/aiohttp@3.7.3"]);
  match(vuln.findings[0].message, /PYSEC-2021-76.*fixed in 3\.7\.4/);
  const osv = server.requests.filter((r) => r.path.startsWith("/v1/"));
  deepStrictEqual(osv.map((r) => `${r.method} ${r.path}`), [
    "POST /v1/querybatch",
    "GET /v1/vulns/PYSEC-2021-76",
  ]);
  deepStrictEqual(report.data.find((d) => d.name === "osv")?.url, server.url);
});

Deno.test("snapshot --enrich stores the registry data, and eval reproduces the verdict from it alone", async () => {
  await using server = pypiServer();
  const dir = await project({ "requirements.txt": REQUIREMENTS });
  const out = path.join(await Deno.makeTempDir(), "snapshot.json");
  const taken = await tollgate([
    "snapshot",
    dir,
    "--enrich",
    "--pypi-url",
    server.url,
    "--osv-db",
    OSV_DB,
    "--cache-dir",
    await Deno.makeTempDir(),
    "--output",
    out,
  ], { net: true, write: true });
  deepStrictEqual(taken.code, 0, taken.stderr);
  const snapshot = JSON.parse(await Deno.readTextFile(out));
  ok(snapshot.collected.includes("registry.pypi"));
  ok(snapshot.collected.includes("registry.advisories"));
  deepStrictEqual(snapshot.data.map((d: { name: string }) => d.name).sort(), [
    "huggingface",
    "osv-db",
    "pypi",
    "pypi-integrity",
  ]);
  const before = server.requests.length;
  const evaluated = await tollgate(["eval", out, "--format", "json", "--now", NOW]);
  deepStrictEqual(evaluated.code, 1, evaluated.stderr);
  deepStrictEqual(server.requests.length, before, "eval asks nobody");
  const report = Report.parse(JSON.parse(evaluated.stdout));
  deepStrictEqual(
    report.results.find((r) => r.check === "freshness.not-yanked")!.findings.map((f) => f.subject),
    ["pkg:pypi/torch@2.2.0", "pkg:pypi/internal-lib@1.0"],
  );
});
