import { deepStrictEqual, match } from "node:assert/strict";
import { minReleaseAge } from "../../../checks/freshness/mod.ts";
import { pkg, runCheck, snapshotOf } from "../../../testing.ts";
import type { RegistryData } from "../../../core/snapshot.ts";
import { ago, registry } from "./_freshness.ts";

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
