import assert from "node:assert/strict";
import { checks } from "../../../checks/mod.ts";
import { runCheck, snapshotOf, venv } from "../../../testing.ts";
import { dist, SP } from "../../_environments.ts";

Deno.test("installed-integrity: each RECORD discrepancy located at the file, with its severity", async () => {
  const findings = await runCheck(
    checks.signature.installedIntegrity(),
    snapshotOf({
      environments: [venv(".venv", {
        sitePackages: [SP],
        distributions: [
          dist("demo", "1.0", {
            record: {
              entries: 6,
              verifiedFiles: 1,
              discrepancies: [
                {
                  path: "demo/__init__.py",
                  kind: "hash-mismatch",
                  expected: "sha256=AAA",
                  actual: "sha256=BBB",
                },
                { path: "demo/gone.py", kind: "missing" },
                { path: "demo/extra.py", kind: "unrecorded" },
                { path: "../../../../../etc/passwd", kind: "escapes-environment", line: 5 },
                { path: "demo/data.bin", kind: "unhashed" },
              ],
            },
          }),
          dist("clean", "2.0", { record: { entries: 3, verifiedFiles: 2, discrepancies: [] } }),
        ],
        startupFiles: [
          { path: `${SP}/evil.pth`, executesCode: true, line: 2 },
          {
            path: `${SP}/distutils-precedence.pth`,
            executesCode: true,
            owner: "setuptools",
            line: 1,
          },
          { path: `${SP}/paths.pth`, executesCode: false },
        ],
      })],
      collected: ["environments", "records"],
    }),
  );
  assert.deepEqual(
    findings.map((f) => [f.severity, f.location?.file, f.location?.line ?? null, f.subject]),
    [
      ["error", `${SP}/demo-1.0.dist-info/RECORD`, 5, "pkg:pypi/demo@1.0"],
      ["error", `${SP}/demo/__init__.py`, null, "pkg:pypi/demo@1.0"],
      ["warning", `${SP}/demo/data.bin`, null, "pkg:pypi/demo@1.0"],
      ["error", `${SP}/demo/extra.py`, null, "pkg:pypi/demo@1.0"],
      ["error", `${SP}/demo/gone.py`, null, "pkg:pypi/demo@1.0"],
      ["error", `${SP}/evil.pth`, 2, `file:${SP}/evil.pth`],
    ],
  );
  assert.match(findings[1].message, /was changed after install: its sha256 differs from RECORD/);
  assert.deepEqual(findings[1].evidence, {
    kind: "hash-mismatch",
    expected: "sha256=AAA",
    actual: "sha256=BBB",
  });
});

Deno.test("installed-integrity errors when RECORDs were not verified, rather than passing", async () => {
  await assert.rejects(
    runCheck(
      checks.signature.installedIntegrity(),
      snapshotOf({ environments: [venv(".venv")], collected: ["environments"] }),
    ),
    /needs snapshot section\(s\) records/,
  );
});
