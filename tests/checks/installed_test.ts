import assert from "node:assert/strict";
import { checks } from "../../checks/mod.ts";
import type { Distribution } from "../../core/snapshot.ts";
import { pkg, runCheck, snapshotOf, venv } from "../../testing.ts";

const SP = ".venv/lib/python3.11/site-packages";

function dist(name: string, version: string, extra: Partial<Distribution> = {}): Distribution {
  return {
    name,
    version,
    location: { file: `${SP}/${name}-${version}.dist-info/METADATA` },
    ...extra,
  };
}

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

Deno.test("matches-lock: extra, missing, other version and other source against the lock beside the venv", async () => {
  const commit = "0123456789abcdef0123456789abcdef01234567";
  const findings = await runCheck(
    checks.venv.matchesLock(),
    snapshotOf({
      packages: [
        pkg("numpy==1.26.4", { layer: "lock", locations: [{ file: "uv.lock", line: 10 }] }),
        pkg("torch==2.3.1", { layer: "lock", locations: [{ file: "uv.lock", line: 20 }] }),
        pkg("tqdm==4.66.4", { layer: "lock", locations: [{ file: "uv.lock", line: 30 }] }),
        pkg("pywin32==306", {
          layer: "lock",
          markers: 'sys_platform == "win32"',
          locations: [{ file: "uv.lock", line: 40 }],
        }),
        pkg("mylib==0.1.0", {
          layer: "lock",
          source: { kind: "vcs", vcs: "git", url: "https://github.com/acme/mylib", commit },
          locations: [{ file: "uv.lock", line: 50 }],
        }),
      ],
      environments: [venv(".venv", {
        distributions: [
          dist("numpy", "1.26.4"),
          dist("torch", "2.4.0"),
          dist("pip", "24.0"),
          dist("requests", "2.32.3"),
          dist("mylib", "0.1.0", {
            directUrl: {
              url: "https://github.com/acme/mylib",
              vcs_info: { vcs: "git", commit_id: "f".repeat(40) },
            },
          }),
          dist("project", "0.0.0", {
            directUrl: { url: "file:///src/project", dir_info: { editable: true } },
          }),
        ],
      })],
    }),
  );
  assert.deepEqual(findings.map((f) => [f.severity, f.subject]), [
    ["error", "pkg:pypi/mylib@0.1.0"],
    ["warning", "pkg:pypi/requests@2.32.3"],
    ["error", "pkg:pypi/torch@2.4.0"],
    ["warning", "pkg:pypi/tqdm@4.66.4"],
  ]);
  assert.match(findings[2].message, /torch 2\.4\.0 is installed in \.venv; uv\.lock locks 2\.3\.1/);
  assert.match(
    findings[0].message,
    /installed from https:\/\/github\.com\/acme\/mylib@f{40}; uv\.lock says .*@0123456789/,
  );
});

Deno.test("matches-lock compares versions by PEP 440, not as text", async () => {
  const findings = await runCheck(
    checks.venv.matchesLock(),
    snapshotOf({
      packages: [
        pkg("numpy==1.26.0", { layer: "lock", locations: [{ file: "uv.lock", line: 1 }] }),
      ],
      environments: [venv(".venv", { distributions: [dist("NumPy", "1.26")] })],
    }),
  );
  assert.deepEqual(findings, []);
});
