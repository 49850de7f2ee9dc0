import assert from "node:assert/strict";
import * as path from "node:path";
import { collect } from "../../../collect/mod.ts";
import { collectSignatures } from "../../../collect/signatures/signatures.ts";
import { walkModelDirectory } from "../../../collect/signatures/_walk.ts";
import {
  judgeModelSignature,
  ModelSignatureTrust,
} from "../../../checks/signature/model_signed.ts";
import {
  bundleWith,
  conformance,
  run,
  sha256,
  sha256sum,
  tempProject,
  write,
} from "./_signatures.ts";

Deno.test("a nested model directory: its own files, POSIX paths, sorted; the top .git skipped, git files and deeper .git kept", async () => {
  const root = await tempProject();
  try {
    const sig = await Deno.readTextFile(path.join(conformance, "v1.1.0-certificate", "model.sig"));
    await write(root, "models/bert/model.sig", sig);
    await write(root, "models/bert/weights.bin", "weights");
    await write(root, "models/bert/sub/deeper/config.json", "{}");
    await write(root, "models/bert/.gitattributes", "*.bin filter=lfs\n");
    await write(root, "models/bert/.git/HEAD", "ref: refs/heads/main\n");
    await write(root, "models/bert/.git/objects/ab/cdef", "x");
    await write(root, "models/bert/sub/.git/payload.py", "import os\n");
    await write(root, "models/bert/.hidden", "hidden files are signed too");
    await write(root, "train.py", "print('not under the model')\n");
    const snapshot = await collect({ root, env: {} });
    assert.equal(snapshot.signatures.length, 1);
    const [signature] = snapshot.signatures;
    assert.equal(signature.modelPath, "models/bert");
    assert.equal(signature.modelKind, "directory");
    assert.deepEqual(signature.files.map((f) => f.path), [
      ".gitattributes",
      ".hidden",
      "model.sig",
      "sub/.git/payload.py",
      "sub/deeper/config.json",
      "weights.bin",
    ]);
    const weights = signature.files.find((f) => f.path === "weights.bin")!;
    assert.equal(weights.sha256, await sha256sum(path.join(root, "models/bert/weights.bin")));
    assert.equal(weights.size, 7);
    assert.equal(weights.shards, undefined); // "files" serialization: no shard digests
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("symlinks: inside the root hashed, outside refused, dangling and directory links explained", async () => {
  const outside = await tempProject();
  const root = await tempProject();
  try {
    await Deno.writeTextFile(path.join(outside, "secret.txt"), "outside the project");
    await write(root, "model/model.sig", bundleWith({}));
    await write(root, "model/real.bin", "real content");
    await write(root, "shared/vocab.txt", "vocab");
    await Deno.mkdir(path.join(root, "model/dir"));
    await write(root, "model/dir/inner.txt", "inner");
    await Deno.symlink("real.bin", path.join(root, "model/same.bin"));
    await Deno.symlink("../shared/vocab.txt", path.join(root, "model/vocab.txt"));
    await Deno.symlink(path.join(outside, "secret.txt"), path.join(root, "model/secret.txt"));
    await Deno.symlink("nowhere", path.join(root, "model/dangling"));
    await Deno.symlink("dir", path.join(root, "model/dirlink"));
    const snapshot = await collect({ root, env: {} });
    const files = new Map(snapshot.signatures[0].files.map((f) => [f.path, f]));
    assert.deepEqual([...files.keys()], [
      "dangling",
      "dir/inner.txt",
      "dirlink",
      "model.sig",
      "real.bin",
      "same.bin",
      "secret.txt",
      "vocab.txt",
    ]);
    assert.deepEqual(files.get("same.bin"), {
      path: "same.bin",
      kind: "symlink",
      size: 12,
      sha256: sha256("real content"),
    });
    assert.equal(files.get("vocab.txt")!.sha256, sha256("vocab"));
    const secret = files.get("secret.txt")!;
    assert.equal(secret.kind, "symlink");
    assert.equal(secret.sha256, undefined);
    assert.match(secret.error!, /outside the project root/);
    assert.match(files.get("dangling")!.error!, /dangling/);
    assert.equal(files.get("dirlink")!.kind, "symlink");
    assert.match(files.get("dirlink")!.error!, /not a regular file/);
    assert.equal(files.get("dir/inner.txt")!.kind, "file");
  } finally {
    await Deno.remove(root, { recursive: true });
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("a FIFO under the model is recorded as other and never opened", async () => {
  const root = await tempProject();
  try {
    await write(root, "model/model.sig", bundleWith({}));
    await write(root, "model/w.bin", "w");
    await run("mkfifo", [path.join(root, "model/pipe")]);
    // Opening the FIFO for reading would block this collection forever: it must not happen.
    const snapshot = await collect({ root, env: {} });
    const pipe = snapshot.signatures[0].files.find((f) => f.path === "pipe");
    assert.deepEqual(pipe, { path: "pipe", kind: "other" });
    assert.equal(snapshot.signatures[0].files.find((f) => f.path === "w.bin")!.sha256, sha256("w"));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("walk limits: too many entries or too deep marks the signature truncated, with an issue", async () => {
  const root = await tempProject();
  try {
    await write(root, "m/model.sig", bundleWith({}));
    for (let i = 0; i < 6; i++) await write(root, `m/f${i}.bin`, `${i}`);
    await write(root, "m/a/b/c/deep.bin", "deep");
    const files = ["m/model.sig"];
    // m holds 8 entries (a directory counts as one walked); a/, a/b/, a/b/c/ one each.
    const wide = await collectSignatures({ root, files, limits: { maxEntries: 4 } });
    const [signature] = wide.signatures;
    assert.equal(signature.truncated, true);
    // The listing stops at the limit, so which 4 of m's entries are kept is the listing's order.
    assert.ok(signature.files.length === 3 || signature.files.length === 4); // 4, or 3 and a/
    assert.ok(signature.files.every((f) => !f.path.includes("/")));
    assert.match(signature.issues.join("\n"), /more than 4 entries under the model path/);
    assert.ok(wide.problems.some((p) => p.file === "m/model.sig" && /more than 4/.test(p.message)));
    // Exactly as many entries as the limit is complete: 8 in m, then a, b, c, deep.bin.
    const exact = await collectSignatures({ root, files, limits: { maxEntries: 11 } });
    assert.equal(exact.signatures[0].truncated, false);
    assert.equal(exact.signatures[0].files.length, 8);
    const short = await collectSignatures({ root, files, limits: { maxEntries: 10 } });
    assert.equal(short.signatures[0].truncated, true);
    assert.equal(short.signatures[0].files.length, 7);

    const deep = await collectSignatures({ root, files, limits: { maxDepth: 2 } });
    assert.equal(deep.signatures[0].truncated, true);
    assert.match(deep.signatures[0].issues.join("\n"), /a\/b\/c: deeper than 2 directories/);
    assert.ok(!deep.signatures[0].files.some((f) => f.path === "a/b/c/deep.bin"));

    const whole = await collectSignatures({ root, files });
    assert.equal(whole.signatures[0].truncated, false);
    assert.ok(whole.signatures[0].files.some((f) => f.path === "a/b/c/deep.bin"));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a .git directory below the top of a signed model is an unsigned extra file to the check", async () => {
  const folder = "v1.0.0-certificate";
  const root = await tempProject();
  try {
    await Deno.mkdir(path.join(root, folder));
    for (const entry of Deno.readDirSync(path.join(conformance, folder))) {
      await Deno.copyFile(
        path.join(conformance, folder, entry.name),
        path.join(root, folder, entry.name),
      );
    }
    const trust = ModelSignatureTrust.parse({
      publicKeys: [],
      certificateAuthorities: [await Deno.readTextFile(path.join(conformance, "keys/ca-cert.pem"))],
      identities: [],
      ignorePaths: [],
    });
    const judge = async () => {
      const { signatures } = await collectSignatures({ root, files: [`${folder}/model.sig`] });
      return await judgeModelSignature(signatures[0], {
        trust,
        now: new Date("2026-01-15T12:00:00Z"),
      });
    };
    // model_signing leaves the model's own .git out: a repository beside the weights is fine.
    await write(root, `${folder}/.git/HEAD`, "ref: refs/heads/main\n");
    await write(root, `${folder}/.git/hooks/post-checkout`, "#!/bin/sh\n");
    assert.equal((await judge()).verdict, "valid");
    // A file tucked into a nested .git is not signed, and shows.
    await write(root, `${folder}/sub/.git/payload.py`, "import os\n");
    const result = await judge();
    assert.equal(result.verdict, "unsigned-extra-files");
    assert.match(result.message, /sub\/\.git\/payload\.py/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("walking a wide directory stops at the entry limit", async () => {
  const root = await tempProject();
  try {
    for (let i = 0; i < 300; i++) await Deno.writeTextFile(path.join(root, `f${i}`), "");
    const walk = await walkModelDirectory({ directory: root, maxEntries: 25 });
    assert.equal(walk.entries.length, 25);
    assert.equal(walk.truncated, true);
    assert.deepEqual(walk.issues, [
      "more than 25 entries under the model path; the rest were not recorded",
    ]);
    const sorted = walk.entries.map((e) => e.path);
    assert.deepEqual(sorted, [...sorted].sort());
    const whole = await walkModelDirectory({ directory: root, maxEntries: 300 });
    assert.deepEqual([whole.entries.length, whole.truncated], [300, false]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
