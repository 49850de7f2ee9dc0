import assert from "node:assert/strict";
import { checks } from "../../../checks/mod.ts";
import { pkg, runCheck, snapshotOf } from "../../../testing.ts";
import { at } from "./_source.ts";

Deno.test("vcs-pinned: branches, tags, missing revisions and unhashed URLs; commits and hashes pass", async () => {
  const commit = "0123456789abcdef0123456789abcdef01234567";
  const findings = await runCheck(
    checks.source.vcsPinned(),
    snapshotOf({
      packages: [
        pkg("a", {
          source: { kind: "vcs", vcs: "git", url: "https://github.com/o/a", ref: "main" },
          locations: [at("r.txt", 1)],
        }),
        pkg("b", {
          source: { kind: "vcs", vcs: "git", url: "https://github.com/o/b" },
          locations: [at("r.txt", 2)],
        }),
        pkg("c", {
          source: { kind: "vcs", vcs: "git", url: "https://github.com/o/c", ref: commit },
          locations: [at("r.txt", 3)],
        }),
        pkg("d", {
          layer: "lock",
          source: { kind: "vcs", vcs: "git", url: "https://github.com/o/d", ref: "v1", commit },
          locations: [at("uv.lock", 4)],
        }),
        pkg("e", {
          source: { kind: "url", url: "https://x.example/e-1.0.tar.gz" },
          locations: [at("r.txt", 5)],
        }),
        pkg("f", {
          source: { kind: "url", url: "https://x.example/f-1.0.tar.gz" },
          hashes: ["sha256:" + "f".repeat(64)],
          locations: [at("r.txt", 6)],
        }),
        pkg("g", {
          source: { kind: "url", url: "file:///opt/wheels/g-1.0.whl" },
          locations: [at("r.txt", 7)],
        }),
      ],
    }),
  );
  assert.deepEqual(findings.map((f) => f.subject), ["pkg:pypi/a", "pkg:pypi/b", "pkg:pypi/e"]);
  assert.match(findings[0].message, /at "main", a branch or tag that can move/);
  assert.match(findings[1].message, /with no revision/);
  assert.match(findings[0].fix!, /git\+https:\/\/github\.com\/o\/a@<full commit id>/);
});

Deno.test("vcs-pinned: a manifest tag passes when the lock beside it records the commit; md5 is no hash", async () => {
  const commit = "0123456789abcdef0123456789abcdef01234567";
  const findings = await runCheck(
    checks.source.vcsPinned(),
    snapshotOf({
      packages: [
        pkg("mylib", {
          layer: "manifest",
          source: { kind: "vcs", vcs: "git", url: "https://github.com/o/mylib", ref: "v1.0" },
          locations: [at("pyproject.toml", 4)],
        }),
        pkg("mylib==1.0", {
          layer: "lock",
          source: {
            kind: "vcs",
            vcs: "git",
            url: "https://github.com/o/mylib",
            ref: "v1.0",
            commit,
          },
          locations: [at("uv.lock", 8)],
        }),
        pkg("other", {
          layer: "manifest",
          source: { kind: "vcs", vcs: "git", url: "https://github.com/o/other", ref: "main" },
          locations: [at("pyproject.toml", 5)],
        }),
        pkg("arch", {
          source: { kind: "url", url: "https://x.example/arch-1.0.tar.gz" },
          hashes: ["md5:" + "0".repeat(32)],
          locations: [at("r.txt", 1)],
        }),
      ],
    }),
  );
  assert.deepEqual(findings.map((f) => f.subject), ["pkg:pypi/other", "pkg:pypi/arch"]);
  assert.match(
    findings[0].fix!,
    /\[tool\.uv\.sources\] other = \{ git = .*rev = "<full commit id>"/,
  );
});
