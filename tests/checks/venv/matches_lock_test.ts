import assert from "node:assert/strict";
import { checks } from "../../../checks/mod.ts";
import { pkg, runCheck, snapshotOf, venv } from "../../../testing.ts";
import { dist } from "../../_environments.ts";

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
