// CODEOWNERS patterns: GitHub's and GitLab's documented examples, and random patterns against
// git's own gitignore matcher (`git check-ignore`), which CODEOWNERS follows but for `!`, `[ ]`,
// escapes, and a trailing single `*` (GitHub: `docs/*` does not own docs/a/b).
import assert from "node:assert/strict";
import fc from "fast-check";
import { compileOwnerPattern } from "../../../checks/review/_codeowners_pattern.ts";

function owns(pattern: string, path: string, forge: "github" | "gitlab" = "github"): boolean {
  return compileOwnerPattern(pattern, forge).matches(path);
}

Deno.test("GitHub's example CODEOWNERS, pattern by pattern", () => {
  const cases: [string, string, boolean][] = [
    ["*", "README.md", true],
    ["*", "src/deep/file.py", true],
    ["*.js", "app.js", true],
    ["*.js", "web/static/app.js", true],
    ["*.js", "app.jsx", false],
    ["/build/logs/", "build/logs/out.txt", true],
    ["/build/logs/", "build/logs/2024/out.txt", true],
    ["/build/logs/", "src/build/logs/out.txt", false],
    ["/build/logs/", "build/logs", false], // a file named logs is not the directory
    ["docs/*", "docs/getting-started.md", true],
    ["docs/*", "docs/build-app/troubleshooting.md", false],
    ["docs/*", "src/docs/getting-started.md", false],
    ["apps/", "apps/main.py", true],
    ["apps/", "src/apps/main.py", true],
    ["apps/", "apps", false],
    ["/docs/", "docs/a/b.md", true],
    ["/docs/", "src/docs/a.md", false],
    ["/scripts/", "scripts/deploy.sh", true],
    ["**/logs", "build/logs/out.txt", true],
    ["**/logs", "scripts/logs/out.txt", true],
    ["**/logs", "deeply/nested/logs/out.txt", true],
    ["**/logs", "logs/out.txt", true],
    ["**/logs", "catalogs/out.txt", false],
    ["/apps/github", "apps/github/x.py", true],
    ["/apps/github", "apps/githubx/x.py", false],
  ];
  for (const [pattern, path, expected] of cases) {
    assert.equal(owns(pattern, path), expected, `${pattern} vs ${path}`);
  }
});

Deno.test("anchoring, ?, ** in the middle and at the end, and directories as a whole", () => {
  assert.ok(owns("/requirements*.txt", "requirements-dev.txt"));
  assert.ok(!owns("/requirements*.txt", "svc/requirements.txt"));
  assert.ok(owns("requirements*.txt", "svc/requirements.txt"));
  assert.ok(owns("uv.lock", "services/a/uv.lock"));
  assert.ok(owns("svc/**/uv.lock", "svc/uv.lock"));
  assert.ok(owns("svc/**/uv.lock", "svc/a/b/uv.lock"));
  assert.ok(!owns("svc/**/uv.lock", "other/svc/uv.lock"));
  assert.ok(owns("models/**", "models/bert/model.safetensors"));
  assert.ok(!owns("models/**", "models"));
  assert.ok(owns("model?.bin", "models/model1.bin"));
  assert.ok(!owns("model?.bin", "model12.bin"));
  assert.ok(owns("/", "anything/at/all"));
  const dir = compileOwnerPattern("/models/");
  assert.ok(dir.matchesDirectory("models/bert"));
  assert.ok(dir.matchesDirectory("models"));
  assert.ok(!compileOwnerPattern("models/*").matchesDirectory("models/bert"));
  assert.ok(compileOwnerPattern("*").matchesDirectory("models/bert"));
  assert.ok(!compileOwnerPattern("*.py").matchesDirectory("models"));
});

Deno.test("GitLab: a pattern without a leading / matches at any depth, even with a / inside", () => {
  // From GitLab's CODEOWNERS reference: `ee/docs` and `docs` in a section; `/docs/*` vs `/docs/**/*.md`.
  assert.ok(owns("ee/docs", "ee/docs/index.md", "gitlab"));
  assert.ok(owns("ee/docs", "x/ee/docs/index.md", "gitlab"));
  assert.ok(!owns("ee/docs", "x/ee/docs/index.md", "github"));
  assert.ok(owns("/docs/**/*.md", "docs/a/b/c.md", "gitlab"));
  assert.ok(owns("/docs/**/*.md", "docs/c.md", "gitlab"));
  assert.ok(!owns("/docs/*", "docs/a/c.md", "gitlab"));
  assert.ok(owns("lib/", "src/lib/a.rb", "gitlab"));
  assert.ok(!owns("/config/", "a/config/x", "gitlab"));
});

Deno.test("hostile patterns are bounded and never throw", () => {
  const long = "*".repeat(100_000) + "a";
  assert.equal(owns(long, "b".repeat(50) + "a"), true);
  assert.equal(owns("(?:", "(?:"), true);
  assert.equal(owns("a.b", "axb"), false);
  assert.equal(owns("**/**/**/**/**/**/**/**/x", "a/".repeat(200) + "y"), false);
  assert.equal(owns("*a".repeat(2_000) + "c", "a".repeat(4_000)), false);
  assert.equal(owns("a/".repeat(3_000) + "b", "a/".repeat(3_000) + "b"), false); // past the bounds
});

/** What `git check-ignore` says about each path under a one-pattern .gitignore. */
async function gitIgnored(pattern: string, paths: string[]): Promise<Set<string>> {
  const dir = await Deno.makeTempDir({ prefix: "tollgate-codeowners-" });
  try {
    await Deno.writeTextFile(`${dir}/.gitignore`, `${pattern}\n`);
    await new Deno.Command("git", { args: ["init", "-q", dir] }).output();
    const child = new Deno.Command("git", {
      args: ["-C", dir, "check-ignore", "--no-index", "--stdin"],
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(paths.join("\n") + "\n"));
    await writer.close();
    const { stdout } = await child.output();
    return new Set(new TextDecoder().decode(stdout).split("\n").filter(Boolean));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("property: random patterns own the same files git's gitignore matcher ignores", async () => {
  const segment = fc.constantFrom("a", "b", "ab", "a.py", "*", "*.py", "a*", "?", "**");
  const pattern = fc.tuple(
    fc.boolean(),
    fc.array(segment, { minLength: 1, maxLength: 4 }),
    fc.boolean(),
  ).map(([rooted, parts, slash]) => `${rooted ? "/" : ""}${parts.join("/")}${slash ? "/" : ""}`)
    // GitHub departs from gitignore for a trailing single `*` (it owns no subdirectory contents).
    .filter((p) => !/(?:^|[^*])\*\/?$/.test(p));
  const name = fc.constantFrom("a", "b", "ab", "a.py", "b.py", "x");
  const path = fc.array(name, { minLength: 1, maxLength: 4 }).map((parts) => parts.join("/"));
  await fc.assert(
    fc.asyncProperty(
      pattern,
      fc.uniqueArray(path, { minLength: 1, maxLength: 20 }),
      async (p, paths) => {
        const ignored = await gitIgnored(p, paths);
        for (const file of paths) {
          assert.equal(owns(p, file), ignored.has(file), `${p} vs ${file}`);
        }
      },
    ),
    { numRuns: 60 },
  );
});
