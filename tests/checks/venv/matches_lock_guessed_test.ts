// matches-lock with requirements that name no project (issue 15, item 6): a guessed name is not
// matched against installed names; an installed distribution is accounted for by an unnamed entry
// with the same source (PEP 610 direct_url.json), and an unnamed entry is never called missing.
import assert from "node:assert/strict";
import { checks } from "../../../checks/mod.ts";
import { pkg, runCheck, snapshotOf, venv } from "../../../testing.ts";
import { dist } from "../../_environments.ts";

Deno.test("installed distributions are matched to unnamed entries by source, not by the guess", async () => {
  const commit = "f".repeat(40);
  const requirements = (line: number) => [{ file: "requirements.txt", line }];
  const findings = await runCheck(
    checks.venv.matchesLock(),
    snapshotOf({
      packages: [
        pkg("numpy==1.26.4", { locations: requirements(1) }),
        // git+https://github.com/acme/lib@<commit>: the project is really "acme-lib".
        pkg("lib", {
          nameFrom: "guessed",
          source: { kind: "vcs", vcs: "git", url: "https://github.com/acme/lib", ref: commit },
          locations: requirements(2),
        }),
        // /src/app/vendor/tool: installed from that directory as "acme-tool".
        pkg("tool", {
          nameFrom: "guessed",
          source: { kind: "path", path: "/src/app/vendor/tool/" },
          locations: requirements(4),
        }),
        // ./vendor/requests: maybe requests, maybe not.
        pkg("requests", {
          nameFrom: "guessed",
          source: { kind: "path", path: "./vendor/requests" },
          locations: requirements(3),
        }),
      ],
      environments: [venv(".venv", {
        distributions: [
          dist("numpy", "1.26.4"),
          dist("acme-lib", "0.3.0", {
            directUrl: {
              url: "https://github.com/acme/lib",
              vcs_info: { vcs: "git", commit_id: commit },
            },
          }),
          dist("acme-tool", "1.0", {
            directUrl: { url: "file:///src/app/vendor/tool", dir_info: {} },
          }),
          // From the index, not from ./vendor/requests: the guess does not vouch for it.
          dist("requests", "2.32.3"),
        ],
      })],
    }),
  );
  assert.deepEqual(findings.map((f) => [f.severity, f.subject]), [
    ["warning", "pkg:pypi/requests@2.32.3"],
  ]);
  assert.match(findings[0].message, /requests 2\.32\.3 is installed in \.venv but not in /);
});
