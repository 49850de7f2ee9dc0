import assert from "node:assert/strict";
import { open, readFile, symlink } from "node:fs/promises";
import * as path from "node:path";
import {
  describeFsError,
  errorCode,
  hasErrorCode,
  isNotPermitted,
  listDirectory,
  readAt,
  readDirectory,
} from "../../collect/node_fs.ts";
import { project } from "../_cli.ts";

Deno.test("errors are told apart by code, from node:fs and from Deno's own calls alike", async () => {
  const dir = await project({ "file.txt": "x" });
  const missing = path.join(dir, "missing.txt");
  const fromNode = await readFile(missing).catch((e) => e);
  const fromDeno = await Deno.readFile(missing).catch((e) => e);
  for (const error of [fromNode, fromDeno, new Deno.errors.NotFound("made by hand")]) {
    assert.equal(errorCode(error), "ENOENT");
    assert.ok(hasErrorCode(error, "ENOTDIR", "ENOENT"));
    assert.equal(describeFsError(error), "file not found");
  }
  const notDirectory = await readDirectory(path.join(dir, "file.txt")).catch((e) => e);
  assert.equal(errorCode(notDirectory), "ENOTDIR");
  assert.equal(describeFsError(await readFile(dir).catch((e) => e)), "is a directory");
  assert.equal(describeFsError(new Deno.errors.PermissionDenied("x")), "permission denied");
  assert.equal(errorCode(new Error("no code")), undefined);
  assert.equal(errorCode("ENOENT"), undefined);
  assert.equal(describeFsError(new Error("something else")), "something else");
  assert.ok(isNotPermitted(new Deno.errors.NotCapable("Requires read access")));
  assert.ok(!isNotPermitted(fromNode));
});

Deno.test("directory entries describe symlinks as links, never as what they point to", async () => {
  const dir = await project({ "a.txt": "a", "sub/b.txt": "b" });
  await symlink(path.join(dir, "sub"), path.join(dir, "link-to-dir"));
  await symlink(path.join(dir, "nowhere"), path.join(dir, "dangling"));
  const kinds = (entries: Array<{ name: string; isFile: boolean; isDirectory: boolean }>) =>
    Object.fromEntries(
      entries.map((e) => [e.name, e.isDirectory ? "dir" : e.isFile ? "file" : "other"]),
    );
  const listed = await readDirectory(dir);
  assert.deepEqual(kinds(listed), {
    "a.txt": "file",
    sub: "dir",
    "link-to-dir": "other",
    dangling: "other",
  });
  assert.deepEqual(listed.filter((e) => e.isSymlink).map((e) => e.name).sort(), [
    "dangling",
    "link-to-dir",
  ]);
  const streamed = [];
  for await (const entry of listDirectory(dir)) streamed.push(entry);
  assert.deepEqual(kinds(streamed), kinds(listed));
  // Leaving the loop early is fine: the directory is closed behind it.
  for await (const _ of listDirectory(dir)) break;
});

Deno.test("positioned reads fill what was asked, and stop short only at the end", async () => {
  const dir = await project({ "digits.txt": "0123456789" });
  const handle = await open(path.join(dir, "digits.txt"));
  try {
    const four = new Uint8Array(4);
    assert.equal(await readAt(handle, four, 3), 4);
    assert.equal(new TextDecoder().decode(four), "3456");
    const past = new Uint8Array(8);
    assert.equal(await readAt(handle, past, 6), 4);
    assert.equal(new TextDecoder().decode(past.subarray(0, 4)), "6789");
    assert.equal(await readAt(handle, new Uint8Array(2), 100), 0);
  } finally {
    await handle.close();
  }
});
