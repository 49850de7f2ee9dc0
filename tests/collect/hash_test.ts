import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as path from "node:path";
import {
  HASH_CHUNK_BYTES,
  hashConfined,
  hashFileStreaming,
  hexToRecordDigest,
} from "../../collect/_hash.ts";
import { hashFiles, HashPool } from "../../collect/_hash_pool.ts";

const SIZES = [
  0,
  1,
  4095,
  HASH_CHUNK_BYTES - 1,
  HASH_CHUNK_BYTES,
  HASH_CHUNK_BYTES + 1,
  3.5 * HASH_CHUNK_BYTES,
];

async function randomFiles(): Promise<
  { dir: string; files: Array<{ file: string; hex: string }> }
> {
  const dir = await Deno.makeTempDir({ prefix: "tollgate-hash-" });
  const files = [];
  for (const size of SIZES) {
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
    const file = path.join(dir, `f${size}.bin`);
    await Deno.writeFile(file, bytes);
    files.push({ file, hex: createHash("sha256").update(bytes).digest("hex") });
  }
  return { dir, files };
}

async function openssl(file: string): Promise<string | undefined> {
  try {
    const out = await new Deno.Command("openssl", { args: ["dgst", "-sha256", "-r", file] })
      .output();
    return out.success ? new TextDecoder().decode(out.stdout).split(" ")[0] : undefined;
  } catch {
    return undefined; // openssl absent: node:crypto one-shot is the reference
  }
}

Deno.test("streaming sha256 equals one-shot node:crypto and openssl, 0 bytes to > 3 chunks", async () => {
  const { dir, files } = await randomFiles();
  for (const { file, hex } of files) {
    const streamed = await hashFileStreaming(file);
    assert.equal(streamed.digest, hex, file);
    assert.equal(streamed.size, (await Deno.stat(file)).size);
    const reference = await openssl(file);
    if (reference !== undefined) assert.equal(streamed.digest, reference, file);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the worker pool hashes the same, reports progress, and closes its workers", async () => {
  const { dir, files } = await randomFiles();
  const results = new Map<string, string>();
  let last = [0, 0];
  {
    using pool = new HashPool({ size: 2 });
    await hashFiles(pool, [...files, ...files], {
      toRequest: ({ file }) => ({ file, confineTo: dir }),
      onResult: ({ file }, outcome) =>
        results.set(file, outcome.ok ? outcome.digest : outcome.reason),
      onProgress: (done, total) => last = [done, total],
    });
    const sha512 = await pool.hash({ file: files[0].file, algorithm: "sha512" });
    assert.ok(sha512.ok && sha512.digest === createHash("sha512").digest("hex"));
  }
  assert.deepEqual(last, [files.length * 2, files.length * 2]);
  for (const { file, hex } of files) assert.equal(results.get(file), hex);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("many small files go out in batches and each result reaches its own caller", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tollgate-batch-" });
  const files: Array<{ file: string; hex: string }> = [];
  for (let i = 0; i < 300; i++) {
    const text = `file ${i}\n`.repeat(i % 7);
    const file = path.join(dir, `f${i}.txt`);
    await Deno.writeTextFile(file, text);
    files.push({ file, hex: createHash("sha256").update(text).digest("hex") });
  }
  const missing = path.join(dir, "absent.txt");
  {
    using pool = new HashPool({ size: 2 });
    const results = new Map<string, string>();
    let calls = 0;
    await hashFiles(pool, [...files, { file: missing, hex: "missing" }], {
      toRequest: ({ file }) => ({ file }),
      onResult: ({ file }, outcome) => {
        calls++;
        results.set(file, outcome.ok ? outcome.digest : outcome.reason);
      },
    });
    assert.equal(calls, files.length + 1);
    for (const { file, hex } of files) assert.equal(results.get(file), hex, file);
    assert.equal(results.get(missing), "missing");
    // Requests made in one turn, without hashFiles, are batched the same way.
    const direct = await Promise.all(files.slice(0, 70).map(({ file }) => pool.hash({ file })));
    assert.deepEqual(direct.map((o) => o.ok && o.digest), files.slice(0, 70).map((f) => f.hex));
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("confined hashing refuses escapes and reports missing files, loops, directories", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tollgate-confine-" });
  const inside = path.join(dir, "inside");
  await Deno.mkdir(inside);
  await Deno.writeTextFile(path.join(dir, "outside.txt"), "x");
  await Deno.symlink(path.join(dir, "outside.txt"), path.join(inside, "out"));
  await Deno.symlink(path.join(inside, "loop"), path.join(inside, "loop"));
  const reason = async (name: string) => {
    const outcome = await hashConfined(path.join(inside, name), { confineTo: inside });
    return outcome.ok ? "ok" : outcome.reason;
  };
  assert.equal(await reason("out"), "escapes");
  assert.equal(await reason("loop"), "loop");
  assert.equal(await reason("absent"), "missing");
  assert.equal(await reason("."), "not-file");
  {
    using pool = new HashPool({ size: 1 });
    const outcome = await pool.hash({ file: path.join(inside, "out"), confineTo: inside });
    assert.equal(outcome.ok ? "ok" : outcome.reason, "escapes");
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("hex digests become RECORD's urlsafe base64 without padding", () => {
  const hex = createHash("sha256").update("\xff\xfe").digest("hex");
  const expected = createHash("sha256").update("\xff\xfe").digest("base64url");
  assert.equal(hexToRecordDigest(hex), expected);
});
