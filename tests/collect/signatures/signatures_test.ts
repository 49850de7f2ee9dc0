import assert from "node:assert/strict";
import * as path from "node:path";
import { collect } from "../../../collect/mod.ts";
import { collectSignatures } from "../../../collect/signatures/signatures.ts";
import {
  bundleWith,
  byPath,
  conformance,
  MEDIA_TYPE,
  run,
  sha256,
  sha256sum,
  tempProject,
  write,
} from "./_signatures.ts";

Deno.test("conformance signatures: model paths, kinds and every file's digest as sha256sum computes it", async () => {
  const root = await tempProject();
  try {
    await run("cp", ["-R", `${conformance}.`, root]);
    await run("chmod", ["-R", "u+w", root]);
    const snapshot = await collect({ root, env: {} });
    assert.ok(snapshot.collected.includes("signatures"));
    const folders = [...Deno.readDirSync(conformance)]
      .filter((e) => e.isDirectory && e.name.startsWith("v")).map((e) => e.name).sort();
    assert.equal(folders.length, 13);
    assert.deepEqual(snapshot.signatures.map((s) => s.path), folders.map((f) => `${f}/model.sig`));
    for (const signature of snapshot.signatures) {
      const folder = signature.path.split("/")[0];
      assert.equal(signature.format, MEDIA_TYPE, signature.path);
      assert.deepEqual(signature.issues, [], signature.path);
      assert.equal(signature.truncated, false);
      assert.ok(typeof signature.bundle === "object" && signature.bundle !== null);
      assert.ok(
        snapshot.inputs.some((i) => i.file === signature.path && i.format === "model signature"),
      );
      for (const file of signature.files) {
        const onDisk = signature.modelKind === "file"
          ? path.join(root, signature.modelPath)
          : path.join(root, signature.modelPath, file.path);
        assert.equal(file.kind, "file");
        assert.equal(file.sha256, await sha256sum(onDisk), `${folder} ${file.path}`);
        assert.equal(file.size, (await Deno.stat(onDisk)).size);
      }
    }
    // One file signed on its own (resources ".", subject "signme-1"), and a folder.
    const single = byPath(snapshot.signatures, "v1.0.0-elliptic-key/model.sig");
    assert.equal(single.modelPath, "v1.0.0-elliptic-key/signme-1");
    assert.equal(single.modelKind, "file");
    assert.deepEqual(single.files.map((f) => f.path), ["."]);
    assert.equal(byPath(snapshot.signatures, "v0.3.1-elliptic-key/model.sig").modelKind, "file");
    const folder = byPath(snapshot.signatures, "v1.1.0-certificate/model.sig");
    assert.equal(folder.modelPath, "v1.1.0-certificate");
    assert.equal(folder.modelKind, "directory");
    assert.deepEqual(folder.files.map((f) => f.path), [
      "ignore-me",
      "model.sig",
      "signme-1",
      "signme-2",
    ]);
    // The older layout (v0.2.0: Digests/v0.1 subjects) is a folder too.
    assert.equal(
      byPath(snapshot.signatures, "v0.2.0-certificate/model.sig").modelKind,
      "directory",
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("hostile projects: the number of signatures and their total bytes are capped", async () => {
  const root = await tempProject();
  try {
    const bundle = bundleWith({}); // the same bytes in every folder
    for (const name of ["a", "b", "c", "d"]) await write(root, `${name}/model.sig`, bundle);
    const files = ["a/model.sig", "b/model.sig", "c/model.sig", "d/model.sig"];
    const few = await collectSignatures({ root, files, limits: { maxSignatures: 2 } });
    assert.deepEqual(few.signatures.map((s) => s.path), ["a/model.sig", "b/model.sig"]);
    for (const file of ["c/model.sig", "d/model.sig"]) {
      assert.ok(
        few.problems.some((p) =>
          p.file === file &&
          p.message === `${file}: more than 2 signatures in the project; this one was not read`
        ),
        file,
      );
      assert.ok(few.inputs.some((i) => i.file === file && i.format === "unreadable"));
    }

    const size = new TextEncoder().encode(bundle).length;
    const small = await collectSignatures({
      root,
      files,
      limits: { maxTotalBundleBytes: size * 2 + size / 2 },
    });
    assert.equal(small.signatures.length, 4);
    assert.deepEqual(small.signatures.map((s) => s.format), [
      MEDIA_TYPE,
      MEDIA_TYPE,
      "unknown",
      "unknown",
    ]);
    const refused = small.signatures[2];
    assert.equal(refused.bundle, undefined);
    assert.equal(
      refused.issues[0],
      `signature not read: its ${size} bytes would take the signatures read past the ` +
        `${size * 2 + size / 2}-byte limit for all of them (${size * 2} bytes read before it)`,
    );
    assert.ok(
      small.problems.some((p) => p.file === "d/model.sig" && /limit for all/.test(p.message)),
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("explicit specs: a model directory or file named by the caller; paths outside the root refused", async () => {
  const root = await tempProject();
  try {
    const sig = await Deno.readTextFile(path.join(conformance, "v1.1.0-elliptic-key", "model.sig"));
    await write(root, "signatures/model.sig", sig);
    await write(root, "weights/signme-1", "one");
    await write(root, "weights/nested/signme-2", "two");
    await write(root, "single.bin", "single");
    const snapshot = await collect({
      root,
      env: {},
      signatures: [
        { signature: "signatures/model.sig", model: "weights" },
        { signature: "other.sig", model: "single.bin" },
        { signature: "../escape.sig" },
        { signature: "missing/model.sig" },
      ],
    });
    const explicit = byPath(snapshot.signatures, "signatures/model.sig");
    assert.equal(explicit.modelPath, "weights");
    assert.equal(explicit.modelKind, "directory");
    assert.deepEqual(explicit.files.map((f) => [f.path, f.sha256]), [
      ["nested/signme-2", sha256("two")],
      ["signme-1", sha256("one")],
    ]);
    assert.equal(explicit.format, MEDIA_TYPE);
    const file = byPath(snapshot.signatures, "other.sig");
    assert.equal(file.modelKind, "file");
    assert.equal(file.modelPath, "single.bin");
    assert.deepEqual(file.files, [{ path: ".", kind: "file", size: 6, sha256: sha256("single") }]);
    assert.match(file.issues[0], /signature unreadable: file not found/);
    assert.ok(!snapshot.signatures.some((s) => s.path.includes("escape")));
    assert.ok(
      snapshot.problems.some((p) =>
        /escape\.sig: signature path must name a file inside/.test(p.message)
      ),
    );
    const missing = byPath(snapshot.signatures, "missing/model.sig");
    assert.match(missing.issues.join("\n"), /model path missing does not exist/);
    // A model path outside the root is refused without being read.
    const outside = await collectSignatures({
      root,
      files: [],
      specs: [{ signature: "signatures/model.sig", model: "../../etc" }],
    });
    assert.match(outside.signatures[0].issues[0], /refers outside the project root/);
    assert.deepEqual(outside.signatures[0].files, []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("two signatures over the same files agree, and progress counts each file once", async () => {
  const root = await tempProject();
  try {
    await write(root, "model.sig", bundleWith({}));
    await write(root, "inner/model.sig", bundleWith({}));
    await write(root, "inner/w.bin", "weights");
    let last: [number, number] = [0, 0];
    const snapshot = await collect({
      root,
      env: {},
      onProgress: (done, total) => last = [done, total],
    });
    const outer = byPath(snapshot.signatures, "model.sig");
    const inner = byPath(snapshot.signatures, "inner/model.sig");
    assert.equal(outer.modelPath, ".");
    assert.deepEqual(outer.files.map((f) => f.path), [
      "inner/model.sig",
      "inner/w.bin",
      "model.sig",
    ]);
    assert.equal(
      outer.files.find((f) => f.path === "inner/w.bin")!.sha256,
      inner.files.find((f) => f.path === "w.bin")!.sha256,
    );
    assert.deepEqual(last, [3, 3]); // three distinct files, though four entries
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
