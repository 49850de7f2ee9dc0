import { deepStrictEqual, match } from "node:assert/strict";
import { maxAge, noKnownVulnerabilities, notYanked } from "../../../checks/freshness/mod.ts";
import { pkg, runCheck, snapshotOf } from "../../../testing.ts";
import type { Advisory } from "../../../core/snapshot.ts";
import { ago, registry } from "./_freshness.ts";

const advisory = (over: Partial<Advisory>): Advisory => ({
  id: "PYSEC-2024-1",
  aliases: ["CVE-2024-1"],
  package: "torch",
  version: "2.1.0",
  severity: "critical",
  fixed: ["2.2.0"],
  ...over,
});

Deno.test("no-known-vulnerabilities reports advisories at or above the threshold with fixes", async () => {
  const snapshot = snapshotOf({
    packages: [pkg("torch==2.1.0"), pkg("numpy==2.0.1")],
    registry: registry({
      advisories: [
        advisory({ summary: "RCE in torch.load" }),
        advisory({ id: "GHSA-low", aliases: [], severity: "low", fixed: [] }),
        advisory({
          id: "GHSA-unknown",
          aliases: [],
          severity: "unknown",
          package: "numpy",
          version: "2.0.1",
        }),
      ],
    }),
  });
  const findings = await runCheck(noKnownVulnerabilities({ minSeverity: "moderate" }), snapshot);
  deepStrictEqual(findings.map((f) => f.evidence?.advisory), ["GHSA-unknown", "PYSEC-2024-1"]);
  match(
    findings[1].message,
    /affected by PYSEC-2024-1 \(CVE-2024-1\) \[critical\]: RCE in torch\.load; fixed in 2\.2\.0\./,
  );
  deepStrictEqual(findings[1].fix, "Upgrade torch to 2.2.0 or later and re-lock.");
  const lenient = await runCheck(
    noKnownVulnerabilities({ failOnUnknownSeverity: false, ignore: ["CVE-2024-1"] }),
    snapshot,
  );
  deepStrictEqual(lenient.map((f) => f.evidence?.advisory), ["GHSA-low"]);
  match(lenient[0].message, /no fixed version is known/);
});

Deno.test("versions are matched as PEP 440 says (3.2.0 is 3.2; a +local build is its public release)", async () => {
  const snapshot = snapshotOf({
    packages: [pkg("numpy==1.26.0.0"), pkg("torch==2.1.0+cu121")],
    registry: registry(),
  });
  const yanked = await runCheck(notYanked({}), snapshot);
  deepStrictEqual(yanked.map((f) => f.subject), ["pkg:pypi/numpy@1.26.0.0"]);
  const behind = await runCheck(maxAge({}), snapshot);
  deepStrictEqual(behind.map((f) => f.subject), [
    "pkg:pypi/numpy@1.26.0.0",
    "pkg:pypi/torch@2.1.0+cu121",
  ]);
  const missing = await runCheck(
    notYanked({}),
    snapshotOf({ packages: [pkg("torch==9.9.9")], registry: registry() }),
  );
  match(missing[0].message, /torch 9\.9\.9 is not among its releases on the index/);
});

Deno.test("an old local OSV database is reported, so a clean result from it is not taken at face value", async () => {
  const snapshot = snapshotOf({
    packages: [pkg("torch==2.1.0")],
    registry: registry(),
    data: [{ name: "osv-db", url: "/srv/osv", retrievedAt: ago(90), version: "x" }],
  });
  const findings = await runCheck(noKnownVulnerabilities({}), snapshot);
  deepStrictEqual(findings.map((f) => [f.subject, f.severity]), [["osv-db:/srv/osv", "warning"]]);
  match(findings[0].message, /last modified 90 days ago \(limit 30\)/);
  deepStrictEqual(
    await runCheck(noKnownVulnerabilities({ maxDatabaseAgeDays: 120 }), snapshot),
    [],
  );
});
