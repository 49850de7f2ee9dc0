import assert from "node:assert/strict";
import * as path from "node:path";
import fc from "fast-check";
import { collect } from "../../../collect/mod.ts";
import { collectSignatures } from "../../../collect/signatures/signatures.ts";
import { hashFileStreaming } from "../../../collect/_hash.ts";
import { HashPool } from "../../../collect/_hash_pool.ts";
import { bundleWith, sha256, tempProject, write } from "./_signatures.ts";

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
