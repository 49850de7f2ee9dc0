import assert from "node:assert/strict";
import * as path from "node:path";
import { walkProject } from "../../collect/walk.ts";
import { ReadError, readTextInRoot } from "../../collect/fs.ts";
import { collect, isRequirementsFile } from "../../collect/mod.ts";
import { project } from "../_cli.ts";

Deno.test("walk: sorted, skips VCS/node_modules/site-packages, stops at environments", async () => {
  const dir = await project({
    "b.txt": "",
    "a/requirements.txt": "",
    ".git/config": "",
    "node_modules/x/requirements.txt": "",
    "lib/site-packages/requirements.txt": "",
    "venv/pyvenv.cfg": "",
    "venv/lib/requirements.txt": "",
  });
  const walk = await walkProject({ root: dir });
  assert.deepEqual(walk.files, ["a/requirements.txt", "b.txt"]);
  assert.deepEqual(walk.environments, ["venv"]);
  assert.deepEqual(walk.problems, []);
});

Deno.test("walk: never follows a symlinked directory; readers refuse symlinks out of the root", async () => {
  const outside = await project({ "secret/requirements.txt": "leaked==1.0\n" });
  const dir = await project({ "requirements.txt": "numpy==1.0\n" });
  await Deno.symlink(path.join(outside, "secret"), path.join(dir, "linked-dir"));
  await Deno.symlink(
    path.join(outside, "secret/requirements.txt"),
    path.join(dir, "dev-requirements.txt"),
  );
  const walk = await walkProject({ root: dir });
  assert.deepEqual(walk.files, ["dev-requirements.txt", "requirements.txt"]);
  await assert.rejects(
    readTextInRoot({ root: dir, file: "dev-requirements.txt" }),
    (e: ReadError) =>
      e.message === "dev-requirements.txt: is a symlink to outside the project root",
  );
  await assert.rejects(
    readTextInRoot({ root: dir, file: "../x" }),
    /refers outside the project root/,
  );
  const snapshot = await collect({ root: dir, env: {} });
  assert.deepEqual(snapshot.packages.map((p) => p.name), ["numpy"]);
  assert.deepEqual(snapshot.problems, [{
    file: "dev-requirements.txt",
    message: "dev-requirements.txt: is a symlink to outside the project root",
  }]);
});

Deno.test("walk and reads are bounded: file count, depth and size limits become problems", async () => {
  const dir = await project(
    Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${i}.txt`, ""])),
  );
  const walk = await walkProject({ root: dir, maxFiles: 10 });
  assert.equal(walk.files.length, 10);
  assert.match(walk.problems[0].message, /more than 10 files/);
  const deep = await project({ "a/b/c/d/requirements.txt": "x==1\n" });
  const shallow = await walkProject({ root: deep, maxDepth: 2 });
  assert.deepEqual(shallow.files, []);
  assert.match(shallow.problems[0].message, /deeper than 2 directories/);
  const big = await project({ "requirements.txt": "x".repeat(100) });
  await assert.rejects(
    readTextInRoot({ root: big, file: "requirements.txt", maxBytes: 10 }),
    /is 100 bytes, over the 10-byte limit/,
  );
});

Deno.test("requirements files are recognised by the names projects use", () => {
  for (
    const yes of [
      "requirements.txt",
      "requirements-dev.txt",
      "dev-requirements.in",
      "requirements/base.txt",
      "x/requirements_gpu.txt",
      "requirement.txt",
    ]
  ) {
    assert.ok(isRequirementsFile(yes), yes);
  }
  for (const no of ["README.txt", "docs/requirements.md", "notes.in", "myrequirements.txt"]) {
    assert.ok(!isRequirementsFile(no), no);
  }
});

Deno.test("collect never writes into the project", async () => {
  const dir = await project({ "requirements.txt": "numpy==1.0\n", "train.py": "x = 1\n" });
  const before = await listing(dir);
  await collect({ root: dir, env: {} });
  assert.deepEqual(await listing(dir), before);
});

async function listing(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const stat = await Deno.stat(path.join(dir, entry.name));
    out.push(`${entry.name}:${stat.size}:${stat.mtime?.getTime()}`);
  }
  return out.sort();
}
