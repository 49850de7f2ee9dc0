// Model signatures collected from real trees: the reference tool's conformance signatures copied
// into a temporary project, and hand-made trees with nested models, symlinks, a FIFO, git
// directories, sharded statements and broken bundles. Digests are checked against sha256sum.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as path from "node:path";
import fc from "fast-check";
import { collect } from "../../../collect/mod.ts";
import { collectSignatures } from "../../../collect/signatures/signatures.ts";
import {
  decodeDssePayload,
  jsonShapeProblem,
  peekSignatureLayout,
} from "../../../collect/signatures/_payload.ts";
import { walkModelDirectory } from "../../../collect/signatures/_walk.ts";
import { judgeModelSignature, ModelSignatureTrust } from "../../../checks/signature/model_signed.ts";
import { hashFileStreaming } from "../../../collect/_hash.ts";
import { HashPool } from "../../../collect/_hash_pool.ts";
import type { Signature } from "../../../core/snapshot.ts";

const conformance = new URL("../../../../shared/conformance/oms/", import.meta.url).pathname;
const MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";

async function run(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
  return new TextDecoder().decode(out.stdout);
}

/** sha256sum's digest of a file: an independent reference. */
async function sha256sum(file: string): Promise<string> {
  return (await run("sha256sum", ["--", file])).split(" ")[0];
}

function sha256(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Base64 of the UTF-8 bytes of `text`, as DSSE payloads are written. */
function base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** A Sigstore-bundle-shaped JSON around an (unsigned) in-toto statement. */
function bundleWith(statement: unknown): string {
  return JSON.stringify({
    mediaType: MEDIA_TYPE,
    verificationMaterial: {},
    dsseEnvelope: {
      payload: base64(JSON.stringify(statement)),
      payloadType: "application/vnd.in-toto+json",
      signatures: [],
    },
  });
}

function shardedStatement(shardSize: number): unknown {
  return {
    _type: "https://in-toto.io/Statement/v1",
    subject: [{ name: "model", digest: { sha256: "00" } }],
    predicateType: "https://model_signing/signature/v1.0",
    predicate: {
      serialization: {
        method: "shards",
        hash_type: "sha256",
        allow_symlinks: false,
        shard_size: shardSize,
      },
      resources: [],
    },
  };
}

async function tempProject(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "tollgate-signatures-" });
}

async function write(root: string, relative: string, content: string | Uint8Array): Promise<void> {
  const file = path.join(root, relative);
  await Deno.mkdir(path.dirname(file), { recursive: true });
  if (typeof content === "string") await Deno.writeTextFile(file, content);
  else await Deno.writeFile(file, content);
}

function byPath(signatures: Signature[], file: string): Signature {
  const found = signatures.find((s) => s.path === file);
  assert.ok(found, `no signature ${file} in ${signatures.map((s) => s.path).join(", ")}`);
  return found;
}

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

Deno.test("hostile bundles: deep nesting and huge value counts are refused before parsing", async () => {
  const root = await tempProject();
  try {
    // 400 KB of 200,000 nested arrays: parsed, it would overflow any recursive walk later on.
    await write(root, "deep/model.sig", "[".repeat(200_000) + "]".repeat(200_000));
    await write(root, "deep/w.bin", "w");
    // 64 levels is the limit, not an error; brackets inside strings do not count.
    await write(
      root,
      "ok64/model.sig",
      "[".repeat(63) + `{"a":"${"[".repeat(500)}"}` + "]".repeat(63),
    );
    await write(root, "ok65/model.sig", "[".repeat(65) + "]".repeat(65));
    await write(root, "escaped/model.sig", JSON.stringify({ s: '\\"[[[', mediaType: "m" }));
    // 200,001 empty objects: 600 KB on disk, far more as parsed objects.
    await write(root, "wide/model.sig", "[" + "{},".repeat(200_000) + "{}]");
    const snapshot = await collect({ root, env: {} });
    for (
      const [file, reason] of [
        ["deep/model.sig", /nested deeper than 64 levels/],
        ["ok65/model.sig", /nested deeper than 64 levels/],
        ["wide/model.sig", /more than 100000 JSON values/],
      ] as const
    ) {
      const signature = byPath(snapshot.signatures, file);
      assert.equal(signature.bundle, undefined, file);
      assert.equal(signature.format, "unknown");
      assert.match(signature.issues[0], /^signature not parsed: /);
      assert.match(signature.issues[0], reason);
      assert.ok(snapshot.problems.some((p) => p.file === file && reason.test(p.message)));
      assert.ok(snapshot.inputs.some((i) => i.file === file && i.format === "unreadable"));
    }
    // Still a directory model with its files, as for any unreadable bundle.
    assert.deepEqual(byPath(snapshot.signatures, "deep/model.sig").files.map((f) => f.path), [
      "model.sig",
      "w.bin",
    ]);
    const ok64 = byPath(snapshot.signatures, "ok64/model.sig");
    assert.ok(Array.isArray(ok64.bundle));
    assert.deepEqual(ok64.issues, []);
    assert.equal(byPath(snapshot.signatures, "escaped/model.sig").format, "m");
    // The whole snapshot stays serialisable: nothing deep was kept.
    assert.ok(JSON.stringify(snapshot).length > 0);

    const low = await collectSignatures({
      root,
      files: ["ok64/model.sig"],
      limits: { maxBundleDepth: 10, maxBundleValues: 1_000 },
    });
    assert.match(low.signatures[0].issues[0], /nested deeper than 10 levels/);
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

Deno.test("an unreadable or invalid bundle: no bundle, format unknown, an issue and a problem", async () => {
  const root = await tempProject();
  try {
    await write(root, "bad/model.sig", "{ not json");
    await write(root, "bad/w.bin", "w");
    await write(root, "plain/model.sig", JSON.stringify({ hello: "world" }));
    await write(root, "big/model.sig", " ".repeat(64) + "{}");
    const snapshot = await collect({ root, env: {} });
    const bad = byPath(snapshot.signatures, "bad/model.sig");
    assert.equal(bad.bundle, undefined);
    assert.equal(bad.format, "unknown");
    assert.match(bad.issues[0], /not JSON/);
    assert.ok(
      snapshot.problems.some((p) => p.file === "bad/model.sig" && /not JSON/.test(p.message)),
    );
    assert.ok(snapshot.inputs.some((i) => i.file === "bad/model.sig" && i.format === "unreadable"));
    // Still a directory model with its files: the check reports it malformed, not unsigned.
    assert.deepEqual(bad.files.map((f) => f.path), ["model.sig", "w.bin"]);
    // JSON that is no bundle is kept as parsed, format unknown.
    const plain = byPath(snapshot.signatures, "plain/model.sig");
    assert.deepEqual(plain.bundle, { hello: "world" });
    assert.equal(plain.format, "unknown");
    // A bundle over the size limit is not read.
    const limited = await collectSignatures({
      root,
      files: ["big/model.sig"],
      limits: { maxBundleBytes: 32 },
    });
    assert.equal(limited.signatures[0].bundle, undefined);
    assert.match(limited.signatures[0].issues[0], /over the 32-byte limit/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("shards: digests of [0,4), [4,8), … per file, none for an empty file; legacy layout gives [0,0)", async () => {
  const root = await tempProject();
  try {
    const ten = "0123456789";
    await write(root, "m/model.sig", bundleWith(shardedStatement(4)));
    await write(root, "m/ten.bin", ten);
    await write(root, "m/four.bin", "abcd");
    await write(root, "m/empty.bin", "");
    const snapshot = await collect({ root, env: {} });
    const files = new Map(snapshot.signatures[0].files.map((f) => [f.path, f]));
    assert.deepEqual(files.get("ten.bin")!.shards, [
      { start: 0, end: 4, sha256: sha256("0123") },
      { start: 4, end: 8, sha256: sha256("4567") },
      { start: 8, end: 10, sha256: sha256("89") },
    ]);
    assert.equal(files.get("ten.bin")!.sha256, sha256(ten));
    assert.deepEqual(files.get("four.bin")!.shards, [{ start: 0, end: 4, sha256: sha256("abcd") }]);
    assert.deepEqual(files.get("empty.bin")!.shards, []);
    // The signature file is hashed like any other file under the model path.
    assert.ok(files.get("model.sig")!.shards!.length > 1);

    await write(
      root,
      "legacy/model.sig",
      bundleWith({
        subject: [{ name: ".", digest: { sha256: "00" } }],
        predicateType: "https://model_signing/DigestOfShardDigests/v0.1",
        predicate: {
          shards: [{ name: "empty.bin:0:0", algorithm: "file-sha256-4", digest: "00" }],
        },
      }),
    );
    await write(root, "legacy/empty.bin", "");
    await write(root, "legacy/five.bin", "hello");
    const legacy = await collectSignatures({ root, files: ["legacy/model.sig"] });
    const legacyFiles = new Map(legacy.signatures[0].files.map((f) => [f.path, f]));
    assert.deepEqual(legacyFiles.get("empty.bin")!.shards, [{
      start: 0,
      end: 0,
      sha256: sha256(""),
    }]);
    assert.deepEqual(legacyFiles.get("five.bin")!.shards, [
      { start: 0, end: 4, sha256: sha256("hell") },
      { start: 4, end: 5, sha256: sha256("o") },
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("shards: a tiny shard size cannot make the collector compute unbounded digests", async () => {
  const root = await tempProject();
  try {
    await write(root, "m/model.sig", bundleWith(shardedStatement(1)));
    await write(root, "m/a.bin", "abc");
    await write(root, "m/b.bin", "abcdef");
    const result = await collectSignatures({
      root,
      files: ["m/model.sig"],
      limits: { maxShards: 5 },
    });
    const files = new Map(result.signatures[0].files.map((f) => [f.path, f]));
    assert.equal(files.get("a.bin")!.shards!.length, 3); // in path order, within the budget
    assert.equal(files.get("b.bin")!.shards, undefined); // over it: whole digest only
    assert.equal(files.get("b.bin")!.sha256, sha256("abcdef"));
    assert.match(result.signatures[0].issues.join("\n"), /more than 5 shard digests/);
    // A shard size that is no positive integer is reported, not used.
    await write(root, "n/model.sig", bundleWith(shardedStatement(2.5)));
    const odd = await collectSignatures({ root, files: ["n/model.sig"] });
    assert.match(odd.signatures[0].issues[0], /shard_size is not a positive integer: 2.5/);
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

Deno.test("ranged hashing through the pool: a range across read chunks, its shards, refused ranges", async () => {
  const dir = await tempProject();
  try {
    // 2.5 MiB: the range and its 700,000-byte shards cross the 1 MiB read chunks unaligned.
    const bytes = new Uint8Array(2.5 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i += 65536) {
      crypto.getRandomValues(bytes.subarray(i, i + 65536));
    }
    const file = path.join(dir, "data.bin");
    await Deno.writeFile(file, bytes);
    const [start, end, shardSize] = [1000, 2_300_000, 700_000];
    using pool = new HashPool({ size: 1 });
    const range = await pool.hash({ file, start, end, shardSize });
    assert.ok(range.ok);
    assert.equal(range.digest, sha256(bytes.subarray(start, end)));
    assert.equal(range.size, end - start);
    const expected = [];
    for (let at = start; at < end; at += shardSize) {
      expected.push(sha256(bytes.subarray(at, Math.min(at + shardSize, end))));
    }
    assert.equal(expected.length, 4);
    assert.deepEqual(range.shards, expected);
    // The same on the calling thread.
    const inThread = await new HashPool({ size: 0 }).hash({ file, start, end, shardSize });
    assert.deepEqual(inThread, range);
    const past = await pool.hash({ file, start: bytes.length - 3, end: bytes.length + 100 });
    assert.ok(past.ok && past.size === 3 && past.digest === sha256(bytes.subarray(-3)));
    const capped = await pool.hash({ file, shardSize: 1, maxShards: 10 });
    assert.ok(capped.ok && capped.shards === undefined && capped.digest === sha256(bytes));
    await assert.rejects(pool.hash({ file, start: 10, end: 5 }), /ends \(5\) before it starts/);
    await assert.rejects(pool.hash({ file, shardSize: 0 }), /shardSize must be a positive integer/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("property: shard digests of any content and shard size are the digests of the slices", async () => {
  const dir = await tempProject();
  try {
    const file = path.join(dir, "data.bin");
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.integer({ min: 1, max: 64 }),
        async (bytes, shardSize) => {
          await Deno.writeFile(file, bytes);
          const { digest, shards } = await hashFileStreaming(file, { shardSize });
          assert.equal(digest, sha256(bytes));
          const expected = [];
          for (let start = 0; start < bytes.length; start += shardSize) {
            expected.push(sha256(bytes.subarray(start, start + shardSize)));
          }
          assert.deepEqual(shards, expected);
        },
      ),
      { numRuns: 150 },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("property: the payload peek never throws, whatever the bundle or the statement", () => {
  fc.assert(
    fc.property(fc.jsonValue(), (bundle) => {
      const layout = peekSignatureLayout(bundle);
      assert.equal(typeof layout, "object");
    }),
    { numRuns: 500 },
  );
  const statement = fc.record({
    subject: fc.oneof(fc.jsonValue(), fc.array(fc.record({ name: fc.jsonValue() }))),
    predicateType: fc.constantFrom(
      "https://model_signing/signature/v1.0",
      "https://model_signing/DigestOfShardDigests/v0.1",
      "https://model_signing/ShardDigests/v0.1",
      "other",
    ),
    predicate: fc.oneof(
      fc.jsonValue(),
      fc.record({
        serialization: fc.record({
          method: fc.constantFrom("shards", "files"),
          shard_size: fc.jsonValue(),
        }),
        resources: fc.array(fc.record({ name: fc.oneof(fc.constant("."), fc.string()) })),
        shards: fc.array(
          fc.record({ algorithm: fc.oneof(fc.constant("file-sha256-8"), fc.string()) }),
        ),
      }, { requiredKeys: [] }),
    ),
  }, { requiredKeys: [] });
  fc.assert(
    fc.property(statement, fc.string(), (s, junk) => {
      const bundle = { dsseEnvelope: { payload: base64(JSON.stringify(s)) } };
      assert.deepEqual(decodeDssePayload(bundle), JSON.parse(JSON.stringify(s)));
      const layout = peekSignatureLayout(bundle);
      if (layout.shardSize !== undefined) {
        assert.ok(Number.isSafeInteger(layout.shardSize) && layout.shardSize > 0);
      }
      if (layout.singleFile !== undefined) assert.ok(!layout.singleFile.includes("/"));
      peekSignatureLayout({ dsseEnvelope: { payload: junk } });
    }),
    { numRuns: 500 },
  );
});

Deno.test("property: the JSON shape scan measures the nesting of any JSON text", () => {
  const depthOf = (value: unknown): number =>
    typeof value === "object" && value !== null
      ? 1 + Math.max(0, ...Object.values(value).map(depthOf))
      : 0;
  const valuesOf = (value: unknown): number => {
    if (typeof value !== "object" || value === null) return 0;
    const children = Object.values(value);
    return 1 + Math.max(0, children.length - 1) +
      children.reduce((sum: number, child) => sum + valuesOf(child), 0);
  };
  fc.assert(
    fc.property(
      fc.jsonValue({ maxDepth: 8 }),
      fc.integer({ min: 0, max: 10 }),
      fc.boolean(),
      (value, maxDepth, pretty) => {
        const text = JSON.stringify(value, null, pretty ? 2 : undefined);
        const problem = jsonShapeProblem(text, { maxDepth, maxValues: 1_000_000 });
        assert.equal(problem === undefined, depthOf(value) <= maxDepth, text);
        // Values: each array or object, and each item after its first.
        const values = valuesOf(value);
        assert.equal(jsonShapeProblem(text, { maxDepth: 100, maxValues: values }), undefined);
        if (values > 0) {
          assert.equal(
            jsonShapeProblem(text, { maxDepth: 100, maxValues: values - 1 }),
            `more than ${values - 1} JSON values`,
          );
        }
      },
    ),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(fc.string({ unit: "binary" }), (junk) => {
      const problem = jsonShapeProblem(junk, { maxDepth: 3, maxValues: 5 });
      assert.ok(problem === undefined || /deeper than 3|more than 5/.test(problem));
    }),
    { numRuns: 500 },
  );
});
