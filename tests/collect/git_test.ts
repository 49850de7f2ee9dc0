// readRevision: a project as it was at a revision, from git's objects, the work tree untouched.
import assert from "node:assert/strict";
import * as path from "node:path";
import { readRevision, RevisionError } from "../../collect/git.ts";
import { git, gitHistory } from "../_git.ts";

async function withTemp<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "tollgate-into-" });
  try {
    return await run(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(path.join(dir, prefix))) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory) found.push(...await listFiles(dir, relative));
    else found.push(relative);
  }
  return found.sort();
}

Deno.test("readRevision: writes each revision's files, byte for byte", async () => {
  const binary = new Uint8Array(300_000).map((_, i) => (i * 7919) % 256);
  const repo = await gitHistory([
    { "requirements.txt": "torch==2.3.1\n", "models/w.bin": binary },
    { "requirements.txt": "torch==2.4.0\n", "src/app.py": "print(1)\n" },
  ]);
  try {
    await withTemp(async (into) => {
      const tree = await readRevision({ project: repo, revision: "HEAD~1", into });
      assert.equal(tree.commit, git(repo, "rev-parse", "HEAD~1").trim());
      assert.deepEqual(await listFiles(into), ["models/w.bin", "requirements.txt"]);
      assert.equal(await Deno.readTextFile(path.join(into, "requirements.txt")), "torch==2.3.1\n");
      assert.deepEqual(await Deno.readFile(path.join(into, "models/w.bin")), binary);
      assert.equal(tree.files, 2);
      assert.equal(tree.bytes, binary.length + 13);
    });
    await withTemp(async (into) => {
      await readRevision({ project: repo, revision: "main", into });
      assert.deepEqual(await listFiles(into), ["models/w.bin", "requirements.txt", "src/app.py"]);
    });
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
});

Deno.test("readRevision: the work tree, index and refs are left as they were", async () => {
  const repo = await gitHistory([{ "a.txt": "1\n" }, { "a.txt": "2\n" }]);
  try {
    await Deno.writeTextFile(path.join(repo, "a.txt"), "local edit\n");
    await Deno.writeTextFile(path.join(repo, "untracked.txt"), "x\n");
    const status = git(repo, "status", "--porcelain");
    const index = await Deno.readFile(path.join(repo, ".git/index"));
    const refs = git(repo, "show-ref");
    await withTemp((into) => readRevision({ project: repo, revision: "HEAD~1", into }));
    assert.equal(git(repo, "status", "--porcelain"), status);
    assert.deepEqual(await Deno.readFile(path.join(repo, ".git/index")), index);
    assert.equal(git(repo, "show-ref"), refs);
    assert.equal(await Deno.readTextFile(path.join(repo, "a.txt")), "local edit\n");
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
});

Deno.test("readRevision: a project folder inside the repository is read from its own path", async () => {
  const repo = await gitHistory([
    { "services/train/uv.lock": "version = 1\n", "README.md": "top\n" },
  ]);
  try {
    await withTemp(async (into) => {
      await readRevision({ project: path.join(repo, "services/train"), revision: "HEAD", into });
      assert.deepEqual(await listFiles(into), ["uv.lock"]);
    });
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
});

Deno.test("readRevision: symbolic links and submodules are listed, never followed", async () => {
  const repo = await gitHistory([{ "a.txt": "1\n" }]);
  try {
    await Deno.symlink("/etc/passwd", path.join(repo, "leak"));
    git(repo, "add", "leak");
    // A submodule entry: a commit object in the tree (gitlink), as `git submodule add` records.
    git(repo, "update-index", "--add", "--cacheinfo", `160000,${"1".repeat(40)},vendor/lib`);
    git(repo, "commit", "-q", "-m", "links");
    await withTemp(async (into) => {
      const tree = await readRevision({ project: repo, revision: "HEAD", into });
      assert.deepEqual(await listFiles(into), ["a.txt"]);
      assert.deepEqual(tree.skipped, [
        { path: "leak", reason: "a symbolic link (not followed)" },
        { path: "vendor/lib", reason: "a submodule (not read)" },
      ]);
    });
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
});

Deno.test("readRevision: unknown revisions, option-like names and limits are RevisionErrors", async () => {
  const repo = await gitHistory([{ "a.txt": "12345\n", "b.txt": "1\n" }]);
  try {
    await withTemp(async (into) => {
      const attempt = (revision: string, limits: { maxFiles?: number; maxBytes?: number } = {}) =>
        assert.rejects(
          () => readRevision({ project: repo, revision, into, ...limits }),
          RevisionError,
        );
      await attempt("no-such-branch");
      await attempt("--output=/tmp/x");
      await attempt("HEAD\nmain");
      await attempt("HEAD", { maxFiles: 1 });
      await attempt("HEAD", { maxBytes: 4 });
      await assert.rejects(
        () => readRevision({ project: repo, revision: "nope", into }),
        /^RevisionError: nope: not a commit in this repository$/,
      );
      assert.deepEqual(await listFiles(into), []);
    });
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
});

Deno.test("readRevision: a directory outside any repository is a RevisionError", async () => {
  await withTemp(async (project) => {
    await withTemp(async (into) => {
      await assert.rejects(
        () => readRevision({ project, revision: "HEAD", into }),
        RevisionError,
      );
    });
  });
});
