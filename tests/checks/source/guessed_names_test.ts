// A name a reader guessed (issue 15, item 6) is unknown to the source checks: no look-alike
// finding for it, and a lock's commit covers it only through the same repository URL.
import assert from "node:assert/strict";
import { collect } from "../../../collect/mod.ts";
import { checks } from "../../../checks/mod.ts";
import { pkg, runCheck, snapshotOf } from "../../../testing.ts";
import { project } from "../../_cli.ts";
import { at } from "./_source.ts";

Deno.test("lookalike-packages: a guessed name is not a declaration, so it is never a look-alike", async () => {
  const root = await project({
    "requirements.txt": [
      "-e ./troch",
      "git+https://github.com/someone/numpyy",
      "https://files.example/dl/pandass-1.0.tar.gz",
      "reqests==2.0",
    ].join("\n"),
  });
  try {
    const snapshot = await collect({ root });
    assert.deepEqual(
      snapshot.packages.map((p) => [p.name, p.nameFrom]),
      [["troch", "guessed"], ["numpyy", "guessed"], ["pandass", "guessed"], ["reqests", undefined]],
    );
    const findings = await runCheck(checks.source.lookalikePackages(), snapshot);
    assert.deepEqual(findings.map((f) => f.subject), ["pkg:pypi/reqests@2.0"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("vcs-pinned: a lock's commit covers a guessed manifest entry only for the same URL", async () => {
  const commit = "0123456789abcdef0123456789abcdef01234567";
  const vcs = (url: string, ref?: string) => ({
    kind: "vcs" as const,
    vcs: "git" as const,
    url,
    ...(ref ? { ref } : {}),
  });
  const findings = await runCheck(
    checks.source.vcsPinned(),
    snapshotOf({
      packages: [
        // Guessed "tool" from the URL; the lock knows the project as "acme-tool" at that URL.
        pkg("tool", {
          nameFrom: "guessed",
          layer: "manifest",
          source: vcs("https://github.com/acme/tool", "main"),
          locations: [at("requirements.in", 1)],
        }),
        // Guessed "lib", and the lock has a "lib" — from another repository.
        pkg("lib", {
          nameFrom: "guessed",
          layer: "manifest",
          source: vcs("https://github.com/acme/lib", "main"),
          locations: [at("requirements.in", 2)],
        }),
        pkg("acme-tool==1.0", {
          layer: "lock",
          source: { ...vcs("https://github.com/acme/tool.git", "main"), commit },
          locations: [at("uv.lock", 5)],
        }),
        pkg("lib==2.0", {
          layer: "lock",
          source: { ...vcs("https://github.com/other/lib", "v2"), commit },
          locations: [at("uv.lock", 9)],
        }),
      ],
    }),
  );
  assert.deepEqual(findings.map((f) => `${f.location?.file}:${f.location?.line}`), [
    "requirements.in:2",
  ]);
  assert.match(findings[0].message, /lib \(a name guessed from the URL\) is installed from/);
});
