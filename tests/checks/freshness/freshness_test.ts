import { deepStrictEqual, match, rejects } from "node:assert/strict";
import {
  maxAge,
  minReleaseAge,
  noKnownVulnerabilities,
  notYanked,
} from "../../../checks/freshness/mod.ts";
import { pkg, runCheck, snapshotOf, TEST_NOW } from "../../../testing.ts";
import type { Advisory, RegistryData } from "../../../core/snapshot.ts";
import { evaluate } from "../../../core/evaluate.ts";
import { definePolicy } from "../../../core/policy.ts";

const ago = (days: number) => new Date(TEST_NOW.getTime() - days * 86_400_000).toISOString();

const pypi: RegistryData["pypi"] = [
  {
    name: "torch",
    found: true,
    latest: "2.5.0",
    releases: [
      { version: "2.1.0", uploadedAt: ago(800), yanked: false },
      { version: "2.4.0", uploadedAt: ago(100), yanked: false },
      { version: "2.5.0", uploadedAt: ago(3), yanked: false },
    ],
  },
  {
    name: "numpy",
    found: true,
    latest: "2.0.1",
    releases: [
      { version: "1.26.0", uploadedAt: ago(500), yanked: true, yankedReason: "broken wheels" },
      { version: "2.0.1", uploadedAt: ago(30), yanked: false },
    ],
  },
  { name: "internal-lib", found: false, releases: [] },
];

const registry = (over: Partial<RegistryData> = {}): RegistryData => ({
  pypi,
  advisories: [],
  hub: [],
  provenance: [],
  ...over,
});

Deno.test("max-age reports each dependency further behind than the limit, with the newest version", async () => {
  const snapshot = snapshotOf({
    packages: [pkg("torch==2.1.0"), pkg("numpy==2.0.1"), pkg("internal-lib==1.0")],
    registry: registry(),
  });
  const findings = await runCheck(maxAge({ days: 365, private: ["internal_lib"] }), snapshot);
  deepStrictEqual(findings.map((f) => f.subject), ["pkg:pypi/torch@2.1.0"]);
  match(findings[0].message, /torch 2\.1\.0 is 797 days behind 2\.5\.0/);
  deepStrictEqual(await runCheck(maxAge({ days: 1000, private: ["internal-lib"] }), snapshot), []);
  // A pin the index does not know is never silently passed: it is named, as a warning.
  const [unknown] = await runCheck(maxAge({ days: 1000 }), snapshot);
  deepStrictEqual([unknown.subject, unknown.severity], ["pkg:pypi/internal-lib@1.0", "warning"]);
  match(unknown.message, /internal-lib is not on the index/);
});

Deno.test("max-age bounds total libyears when asked", async () => {
  const snapshot = snapshotOf({
    packages: [pkg("torch==2.1.0"), pkg("numpy==1.26.0")],
    registry: registry(),
  });
  const findings = await runCheck(maxAge({ days: 10_000, libyears: 2 }), snapshot);
  deepStrictEqual(findings.map((f) => f.subject), ["project"]);
  match(findings[0].message, /3\.5 libyears/);
});

Deno.test("min-release-age flags versions inside the cool-down", async () => {
  const snapshot = snapshotOf({
    packages: [pkg("torch==2.5.0"), pkg("numpy==2.0.1")],
    registry: registry(),
  });
  const findings = await runCheck(minReleaseAge({}), snapshot);
  deepStrictEqual(findings.map((f) => f.subject), ["pkg:pypi/torch@2.5.0"]);
  match(findings[0].message, /3 day\(s\) ago \(cool-down 7 days\)/);
  deepStrictEqual((await runCheck(minReleaseAge({ days: 45 }), snapshot)).length, 2);
});

Deno.test("not-yanked names the reason and the newest release", async () => {
  const snapshot = snapshotOf({ packages: [pkg("numpy==1.26.0")], registry: registry() });
  const [finding] = await runCheck(notYanked({}), snapshot);
  match(
    finding.message,
    /numpy 1\.26\.0 is yanked: broken wheels\. The newest release is 2\.0\.1\./,
  );
});

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

Deno.test("without registry data the freshness checks error, or are skipped offline — never a silent pass", async () => {
  const snapshot = snapshotOf({ packages: [pkg("torch==2.1.0")] });
  await rejects(runCheck(notYanked({}), snapshot), /registry\.pypi/);
  const policy = definePolicy({ name: "t", checks: [maxAge({}), noKnownVulnerabilities({})] });
  const online = await evaluate({ snapshot, policy, now: TEST_NOW });
  deepStrictEqual(online.results.map((r) => r.status), ["error", "error"]);
  const offline = await evaluate({ snapshot, policy, now: TEST_NOW, offline: true });
  deepStrictEqual(offline.results.map((r) => r.status), ["skipped", "skipped"]);
  for (const r of offline.results) match(r.reason ?? "", /offline/);
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

Deno.test("the cool-down counts from the newest file the pin installs, and unknown upload times are named", async () => {
  const hash = "c".repeat(64);
  const late: RegistryData["pypi"] = [{
    name: "widgets",
    found: true,
    latest: "1.0",
    releases: [{
      version: "1.0",
      uploadedAt: ago(400),
      yanked: false,
      files: [
        { filename: "widgets-1.0.tar.gz", sha256: "d".repeat(64), uploadedAt: ago(400) },
        { filename: "widgets-1.0-py3-none-any.whl", sha256: hash, uploadedAt: ago(1) },
      ],
    }],
  }, {
    name: "nodates",
    found: true,
    latest: "1.0",
    releases: [{ version: "1.0", yanked: false }],
  }];
  const snapshot = snapshotOf({
    packages: [pkg("widgets==1.0", { hashes: [`sha256:${hash}`] }), pkg("nodates==1.0")],
    registry: registry({ pypi: late }),
  });
  const findings = await runCheck(minReleaseAge({}), snapshot);
  deepStrictEqual(findings.map((f) => f.subject), ["pkg:pypi/nodates@1.0", "pkg:pypi/widgets@1.0"]);
  match(findings[0].message, /nodates has no upload time on the index/);
  match(findings[1].message, /published 1 day\(s\) ago/);
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
