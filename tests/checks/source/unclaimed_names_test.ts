// Issue 15, item 3 (online): source.unclaimed-names — an internal-looking declared name that the
// public index does not know (404) is free for anyone to register. Judged from registry data;
// planned, fetched and recorded by enrichment; offline it is skipped, and a failed lookup errors.
import assert from "node:assert/strict";
import { checks } from "../../../checks/mod.ts";
import { definePolicy } from "../../../core/policy.ts";
import type { Snapshot } from "../../../core/snapshot.ts";
import { enrich, pypiSource } from "../../../enrich/mod.ts";
import { collectProject, enrichProject } from "../../../pipeline/mod.ts";
import { index, pkg, runCheck, runPolicy, snapshotOf } from "../../../testing.ts";
import { delayed, failing, json, type Route, startTestServer } from "../../_api_server.ts";
import { project } from "../../_cli.ts";
import { fastClient } from "../../enrich/_http.ts";
import { at } from "./_source.ts";

const INTERNAL = "https://pypi.acme.example/simple";
const facts = (name: string, found: boolean) => ({ name, found, releases: [] });

Deno.test("unclaimed-names: a 404 internal-looking name is an error where PyPI can serve it, a warning where routed away", async () => {
  const snapshot = snapshotOf({
    indexes: [index(INTERNAL, { role: "explicit", name: "acme", tool: "uv" })],
    packages: [
      pkg("acme-feature-store>=1.2", { locations: [at("requirements.txt", 3)] }),
      pkg("acme-auth>=2", {
        layer: "manifest",
        source: { kind: "index", name: "acme", url: INTERNAL },
        locations: [at("pyproject.toml", 4)],
      }),
      pkg("acme-auth==2.0.0", {
        layer: "lock",
        source: { kind: "index", url: INTERNAL },
        locations: [at("uv.lock", 10)],
      }),
      pkg("numpy==1.26.4", { locations: [at("requirements.txt", 4)] }),
      pkg("unnamed", { nameFrom: "guessed", locations: [at("requirements.txt", 5)] }),
      pkg("acme-never-asked>=1", { locations: [at("requirements.txt", 6)] }),
    ],
    registry: {
      pypi: [
        facts("acme-feature-store", false),
        facts("acme-auth", false),
        facts("numpy", true),
        facts("unnamed", false),
      ],
      advisories: [],
      hub: [],
      provenance: [],
    },
  });
  const findings = await runCheck(checks.source.unclaimedNames(), snapshot);
  assert.deepEqual(
    findings.map((f) => `${f.severity} ${f.subject} ${f.location?.file}:${f.location?.line}`),
    [
      "warning pkg:pypi/acme-auth pyproject.toml:4",
      "error pkg:pypi/acme-feature-store requirements.txt:3",
      "warning pkg:pypi/acme-never-asked requirements.txt:6",
    ],
  );
  const [routed, exposed, unasked] = findings;
  assert.match(
    exposed.message,
    /^`acme-feature-store` is unclaimed on .*404.*resolve it from PyPI/,
  );
  assert.match(exposed.fix!, /Route acme-feature-store to your internal index only.*placeholder/);
  assert.match(routed.message, /routes it to https:\/\/pypi\.acme\.example\/simple only/);
  assert.match(routed.fix!, /^Register a placeholder project named acme-auth on PyPI/);
  assert.match(unasked.message, /not looked up.*acme-never-asked/);
  // One index that serves everything (pip --index-url): nothing reaches PyPI, a warning.
  const mirrored = await runCheck(
    checks.source.unclaimedNames(),
    snapshotOf({
      ...snapshot,
      indexes: [index(INTERNAL, { role: "primary", location: at("requirements.txt", 1) })],
      packages: snapshot.packages.slice(0, 1),
    }),
  );
  assert.deepEqual(mirrored.map((f) => f.severity), ["warning"]);
  assert.match(mirrored[0].message, /resolves it from https:\/\/pypi\.acme\.example\/simple only/);
});

Deno.test("unclaimed-names: offline without registry data it is skipped, never a pass", async () => {
  const policy = definePolicy({ name: "t", checks: [checks.source.unclaimedNames()] });
  const snapshot = snapshotOf({ packages: [pkg("acme-feature-store>=1.2")] });
  const report = await runPolicy(policy, snapshot, { offline: true });
  assert.equal(report.results[0].status, "skipped");
  const online = await runPolicy(policy, snapshot);
  assert.equal(online.results[0].status, "error");
});

const NUMPY = { info: { name: "numpy" }, releases: { "1.26.4": [] } };
const pypi = (unknown: string): Route => (_request, { params }) =>
  params.name === unknown ? json({ message: "Not Found" }, { status: 404 }) : json(NUMPY);

const REQUIREMENTS = "acme-feature-store>=1.2\nnumpy>=1.26\ntorch==2.3.1\n";

Deno.test("unclaimed-names online: the policy's want asks the index about unpinned internal-looking names, and a 404 fails", async () => {
  await using server = startTestServer({ "/pypi/:name/json": pypi("acme-feature-store") });
  const root = await project({ "requirements.txt": REQUIREMENTS });
  const policy = definePolicy({ name: "t", checks: [checks.source.unclaimedNames()] });
  const { snapshot } = await enrichProject({
    snapshot: await collectProject({ root, policy }),
    policy,
    sources: { pypiUrl: server.url, cacheDir: await Deno.makeTempDir() },
  });
  // Not numpy: a popular name is on PyPI, unpinned it is not worth a request. torch is pinned.
  assert.deepEqual(server.requests.map((r) => r.path).sort(), [
    "/pypi/acme-feature-store/json",
    "/pypi/torch/json",
  ]);
  // Recorded as an answer, distinct from "not asked" (no entry) and "failed" (section missing).
  assert.deepEqual(
    snapshot.registry.pypi.map((f) => [f.name, f.found]),
    [["acme-feature-store", false], ["torch", true]],
  );
  const report = await runPolicy(policy, snapshot);
  assert.equal(report.results[0].status, "fail");
  assert.deepEqual(report.results[0].findings.map((f) => `${f.severity} ${f.subject}`), [
    "error pkg:pypi/acme-feature-store",
  ]);
  assert.match(report.results[0].findings[0].message, new RegExp(`unclaimed on ${server.url}`));
});

async function enrichedWith(route: Route, timeoutMs = 5_000): Promise<Snapshot> {
  await using server = startTestServer({ "/pypi/:name/json": route });
  const snapshot = snapshotOf({
    packages: [pkg("acme-feature-store>=1.2"), pkg("numpy==1.26.4")],
    collected: ["packages", "indexes", "settings"],
  });
  return await enrich(snapshot, {
    sources: {
      "registry.pypi": pypiSource({
        client: fastClient({ timeoutMs }),
        baseUrl: server.url,
        declared: { except: ["numpy"] },
      }),
    },
  });
}

Deno.test("unclaimed-names online: a 500 or a timeout is an error naming the failure, never a pass", async () => {
  const policy = definePolicy({ name: "t", checks: [checks.source.unclaimedNames()] });
  const broken = await enrichedWith(failing({ times: 100, status: 500 }, pypi("")));
  const failed = (await runPolicy(policy, broken)).results[0];
  assert.equal(failed.status, "error");
  assert.match(failed.reason ?? "", /registry\.pypi.*500/);
  const slow = await enrichedWith(delayed(2_000, pypi("")), 100);
  const timedOut = (await runPolicy(policy, slow)).results[0];
  assert.equal(timedOut.status, "error");
  assert.match(timedOut.reason ?? "", /registry\.pypi.*no complete answer within 0\.1 s/);
});
