// `tollgate eval --sbom`: a policy run on a CycloneDX BOM that cdxgen wrote (tests/fixtures/sbom),
// with advisories from a local OSV database, and what a BOM cannot say reported, never passed.
import assert from "node:assert/strict";
import * as path from "node:path";
import { REPO, tollgate } from "../_cli.ts";

const BOM = path.join(REPO, "tests/fixtures/sbom/uv-lock.cdx.json");
const NOW = ["--now", "2026-01-15"];

/** An OSV database with one advisory for jinja2 3.1.6, the version the BOM lists. */
async function osvDatabase(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "tollgate-osv-" });
  await Deno.mkdir(path.join(dir, "jinja2"));
  await Deno.writeTextFile(
    path.join(dir, "jinja2", "TEST-2026-1.json"),
    JSON.stringify({
      id: "TEST-2026-1",
      modified: "2026-01-10T00:00:00Z",
      published: "2026-01-10T00:00:00Z",
      summary: "Sandbox escape in the template compiler",
      affected: [{
        package: { ecosystem: "PyPI", name: "jinja2" },
        ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "3.0.0" }, { fixed: "3.1.7" }] }],
      }],
    }),
  );
  return dir;
}

Deno.test("eval --sbom: advisories found for the BOM's packages; the rest is coverage, not a pass", async () => {
  const osv = await osvDatabase();
  try {
    const run = await tollgate([
      "eval",
      "--sbom",
      BOM,
      "--offline",
      "--osv-db",
      osv,
      "--format",
      "json",
      ...NOW,
    ]);
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout);
    const result = (id: string) => report.results.find((r: { check: string }) => r.check === id);
    const vulnerable = result("freshness.no-known-vulnerabilities");
    assert.equal(vulnerable.status, "fail");
    assert.deepEqual(
      vulnerable.findings.map((f: { subject: string }) => f.subject),
      ["pkg:pypi/jinja2@3.1.6"],
    );
    assert.deepEqual(report.coverage.inputs, [{ file: BOM, format: "cyclonedx" }]);
    // Nothing that needs what a BOM does not record passes: each errors with the reason.
    for (const id of ["source.no-dependency-confusion", "venv.isolated", "artifact.safe-format"]) {
      assert.equal(result(id).status, "error", id);
      assert.match(result(id).reason, /a CycloneDX BOM|from a CycloneDX BOM/, id);
    }
    assert.ok(report.coverage.missing.some((m: { section: string }) => m.section === "indexes"));
  } finally {
    await Deno.remove(osv, { recursive: true });
  }
});

Deno.test("eval --sbom: a policy of package checks alone reaches a verdict", async () => {
  const osv = await osvDatabase();
  const dir = await Deno.makeTempDir();
  try {
    const policy = path.join(dir, "policy.yaml");
    await Deno.writeTextFile(
      policy,
      "name: sbom\nchecks:\n  source.vcs-pinned: true\n  freshness.no-known-vulnerabilities: true\n",
    );
    const pass = await tollgate(["eval", "--sbom", BOM, "--policy", policy, "--offline", ...NOW]);
    // No database given offline: the vulnerability check is skipped, and nothing fails.
    assert.equal(pass.code, 0, pass.stdout + pass.stderr);
    const fail = await tollgate([
      "eval",
      "--sbom",
      BOM,
      "--policy",
      policy,
      "--offline",
      "--osv-db",
      osv,
      ...NOW,
    ]);
    assert.equal(fail.code, 1, fail.stdout + fail.stderr);
    assert.match(fail.stdout, /jinja2/);
  } finally {
    await Deno.remove(osv, { recursive: true });
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("eval --sbom: usage and bad BOMs exit 2 naming the file and key", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const notBom = path.join(dir, "not-a-bom.json");
    await Deno.writeTextFile(notBom, JSON.stringify({ bomFormat: "SPDX", specVersion: "1.6" }));
    const broken = path.join(dir, "broken.json");
    await Deno.writeTextFile(broken, '{"bomFormat": "CycloneDX",\n  "specVersion": ');
    const cases: Array<[string[], RegExp]> = [
      [["eval", "snapshot.json", "--sbom", BOM], /give a snapshot file or --sbom, not both/],
      [["eval", "--sbom", ""], /--sbom: expected a CycloneDX JSON file/],
      [["eval"], /expected the path of a snapshot JSON file, or --sbom BOM\.json/],
      [["eval", "--sbom", path.join(dir, "missing.json")], /missing\.json/],
      [["eval", "--sbom", notBom], /not-a-bom\.json: bomFormat: /],
      [["eval", "--sbom", broken], /broken\.json.*JSON/],
    ];
    for (const [args, message] of cases) {
      const run = await tollgate([...args, "--offline"]);
      assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
      assert.match(run.stderr, message, args.join(" "));
      assert.doesNotMatch(run.stderr, /\n\s+at /);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
