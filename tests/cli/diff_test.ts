// `tollgate diff`: the real CLI in a child process, with the permissions the README documents
// (git for --git; writing for the temporary trees and --format F=PATH).
import assert from "node:assert/strict";
import * as path from "node:path";
import MarkdownIt from "markdown-it";
import { project, tollgate } from "../_cli.ts";
import { gitHistory, upgradeUvLock } from "../_git.ts";
import { corpusPath } from "../_property.ts";

const LOCK = await Deno.readTextFile(
  corpusPath("huggingface__text-generation-inference__server__uv.lock"),
);
const OFFLINE = ["--offline", "--no-machine-config", "--now", "2026-01-15"];
const GIT = { write: true, run: ["git"] };

/** BASE: the real lock. HEAD: torch's neighbour upgraded, an extra index, a remote-code model. */
const HISTORY = [
  { "uv.lock": LOCK, ".venv/pyvenv.cfg": "home = /usr/bin\nversion = 3.11.2\n" },
  {
    "uv.lock": upgradeUvLock(LOCK, "certifi", "2099.1.1"),
    "requirements.txt": "--extra-index-url https://mirror.example.org/simple\n",
    "load.py":
      'import transformers\ntransformers.AutoModel.from_pretrained("org/m", trust_remote_code=True)\n',
  },
];

Deno.test("cli diff: two revisions; exit 1 on what HEAD adds, 0 the other way round", async () => {
  const repo = await gitHistory(HISTORY);
  try {
    const run = await tollgate([
      "diff",
      "--git",
      "HEAD~1",
      "--git",
      "HEAD",
      "--project",
      repo,
      ...OFFLINE,
    ], GIT);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /^tollgate diff HEAD~1 \([0-9a-f]{12}\) → HEAD \([0-9a-f]{12}\)/);
    assert.match(
      run.stdout,
      /\n {2}↑ certifi {2}2025\.1\.31 → 2099\.1\.1 \[lock\] {2}uv\.lock:\d+\n/,
    );
    assert.match(run.stdout, /\+ index {2}extra https:\/\/mirror\.example\.org\/simple \(pip\)/);
    assert.match(run.stdout, /\+ org\/m {2}revision \(unpinned\); loads remote code/);
    assert.match(run.stdout, /new error hub\.no-remote-code {2}load\.py:2/);
    assert.match(run.stdout, /\nFAIL: the change adds finding\(s\) at or above error\n$/);

    const back = await tollgate([
      "diff",
      "--git",
      "HEAD",
      "--git",
      "HEAD~1",
      "--project",
      repo,
      ...OFFLINE,
    ], GIT);
    assert.equal(back.code, 0, back.stderr);
    assert.match(back.stdout, /Findings: 0 new, \d+ fixed/);
    assert.match(back.stdout, /fixed hub\.no-remote-code {2}load\.py/);
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
});

Deno.test("cli diff: one revision against the work tree; --fail-on; JSON and Markdown files", async () => {
  const repo = await gitHistory(HISTORY);
  const out = await Deno.makeTempDir();
  try {
    const json = path.join(out, "diff.json");
    const markdown = path.join(out, "diff.md");
    const run = await tollgate([
      "diff",
      "--git",
      "HEAD~1",
      repo,
      "--project",
      repo,
      "--format",
      `json=${json}`,
      "--format",
      `markdown=${markdown}`,
      "--format",
      "text",
      ...OFFLINE,
    ], GIT);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /virtual environments are not compared/);
    const diff = JSON.parse(await Deno.readTextFile(json));
    assert.equal(diff.schema, "tollgate.diff/v1");
    assert.equal(diff.base.kind, "git");
    assert.equal(diff.head.kind, "directory");
    assert.ok(
      diff.findings.new.every((f: { fingerprint?: string }) =>
        /^[0-9a-f]{32}$/.test(f.fingerprint ?? "")
      ),
    );

    const html = new MarkdownIt({ html: true }).render(await Deno.readTextFile(markdown));
    assert.match(html, /^<h2>❌ FAIL: the change adds finding\(s\) at or above error<\/h2>/);
    assert.match(
      html,
      /<td>Packages<\/td>\s*<td[^>]*>0<\/td>\s*<td[^>]*>0<\/td>\s*<td[^>]*>1<\/td>/,
    );
    assert.match(html, /<details open><summary>Hub models \(1\)<\/summary>/);

    // Only errors fail by default: with --fail-on and a policy that disables them, nothing new fails.
    const policy = path.join(out, "policy.yaml");
    await Deno.writeTextFile(
      policy,
      "extends: [recommended]\nchecks:\n" + [
        "hub.no-remote-code",
        "hub.revision-pinned",
        "hub.trusted-publishers",
        "hub.lookalike-publishers",
        "source.allowed-indexes",
        "source.no-dependency-confusion",
      ].map((id) => `  ${id}: false\n`).join(""),
    );
    const calm = await tollgate([
      "diff",
      "--git",
      "HEAD~1",
      repo,
      "--project",
      repo,
      "--policy",
      policy,
      ...OFFLINE,
    ], GIT);
    assert.equal(calm.code, 0, calm.stdout + calm.stderr);
  } finally {
    await Deno.remove(repo, { recursive: true });
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("cli diff: stored snapshots as sides", async () => {
  const base = await project({ "requirements.txt": "torch==2.3.1\n" });
  const head = await project({ "requirements.txt": "torch==2.2.0\nnumpy==1.26.4\n" });
  try {
    for (const dir of [base, head]) {
      const made = await tollgate([
        "snapshot",
        dir,
        "--output",
        `${dir}/../${path.basename(dir)}.json`,
        ...OFFLINE,
      ], { write: true });
      assert.equal(made.code, 0, made.stderr);
    }
    const run = await tollgate([
      "diff",
      `${base}.json`,
      `${head}.json`,
      "--format",
      "json",
      ...OFFLINE,
    ]);
    const diff = JSON.parse(run.stdout);
    assert.deepEqual(
      diff.changes.packages.map((c: { name: string; change: string }) => [c.name, c.change]),
      [["numpy", "added"], ["torch", "downgraded"]],
    );
    assert.equal(diff.base.kind, "snapshot");
  } finally {
    for (const dir of [base, head]) {
      await Deno.remove(dir, { recursive: true });
      await Deno.remove(`${dir}.json`).catch(() => {});
    }
  }
});

Deno.test("cli diff: usage errors exit 2 with one line", async () => {
  const repo = await gitHistory([{
    "requirements.txt": "torch==2.3.1\n",
    "tollgate.yaml": "checks: 3\n",
  }]);
  try {
    const cases: Array<[string[], RegExp]> = [
      [["diff"], /^tollgate: diff: expected BASE and HEAD/],
      [["diff", repo], /^tollgate: diff: expected BASE and HEAD/],
      [["diff", "--git", "a", "--git", "b", "--git", "c"], /at most twice/],
      [["diff", "--git", "a", "--git", "b", repo], /unexpected argument/],
      [["diff", "/nonexistent/x", repo], /\/nonexistent\/x: no such directory or snapshot file/],
      [
        ["diff", repo, repo, "--format", "sarif"],
        /unknown format "sarif"; expected one of text, json, markdown/,
      ],
      [
        ["diff", "--git", "nope", "--project", repo],
        /^tollgate: nope: not a commit in this repository$/m,
      ],
      [["diff", "--git=--upload-pack=x", "--project", repo], /not a revision name/],
      // A policy file in BASE's tree is named by revision, never by the temporary folder.
      [["diff", "--git", "HEAD", "--project", repo], /^tollgate: HEAD:tollgate\.yaml:1: checks: /m],
    ];
    for (const [args, message] of cases) {
      const run = await tollgate([...args, ...OFFLINE], GIT);
      assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
      assert.match(run.stderr, message, args.join(" "));
      assert.doesNotMatch(run.stderr, /tollgate-(base|head)-|\n\s+at /);
    }
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
});

Deno.test("cli diff: without permission to run git, exit 3 naming the permission", async () => {
  const repo = await gitHistory([{ "requirements.txt": "torch==2.3.1\n" }]);
  try {
    const run = await tollgate(["diff", "--git", "HEAD", "--project", repo, ...OFFLINE], {
      write: true,
    });
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, /run|git/);
    assert.match(run.stderr, /see README: permissions/);
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
});
