import assert from "node:assert/strict";
import { checks } from "../../../checks/mod.ts";
import { pkg, runCheck, snapshotOf } from "../../../testing.ts";
const at = (file: string, line: number) => ({ file, line });

Deno.test("hash-pinned covers conda: environment.yml specs need a conda-lock with sha256", async () => {
  const sha = "sha256:" + "e".repeat(64);
  const findings = await runCheck(
    checks.signature.hashPinned(),
    snapshotOf({
      packages: [
        pkg("numpy", {
          ecosystem: "conda",
          specifier: "=1.26",
          layer: "manifest",
          locations: [at("environment.yml", 5)],
        }),
        pkg("python", {
          ecosystem: "conda",
          specifier: ">=3.10",
          layer: "manifest",
          locations: [at("environment.yml", 6)],
        }),
        pkg("numpy==1.26.4", {
          ecosystem: "conda",
          layer: "lock",
          hashes: [sha, "md5:" + "0".repeat(32)],
          locations: [at("conda-lock.yml", 9)],
        }),
        pkg("libzlib==1.3", {
          ecosystem: "conda",
          layer: "lock",
          hashes: ["md5:" + "1".repeat(32)],
          locations: [at("conda-lock.yml", 20)],
        }),
      ],
    }),
  );
  assert.deepEqual(findings.map((f) => `${f.location?.file}:${f.location?.line} ${f.subject}`), [
    "conda-lock.yml:20 pkg:conda/libzlib@1.3",
    "environment.yml:6 pkg:conda/python",
  ]);
  assert.match(findings[1].fix!, /conda-lock/);
});
