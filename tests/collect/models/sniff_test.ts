// Model files found by content in the project walk, and what is not a model file: text that
// starts with opcode letters, other binary formats, datasets. Joblib files skip their inline
// arrays only where joblib.load would, and a compressed joblib file is read inside.
import assert from "node:assert/strict";
import * as path from "node:path";
import { collect } from "../../../collect/mod.ts";
import { readModelFile } from "../../../collect/models/model_files.ts";
import { scanPickle } from "../../../collect/models/pickle.ts";
import { mayBeModel, MODEL_FILE } from "../../../collect/models/sniff.ts";
import { checks } from "../../../checks/mod.ts";
import { runCheck } from "../../../testing.ts";

const encode = (text: string) => new TextEncoder().encode(text);
const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const PAYLOAD = "cos\nsystem\n(S'touch pwned'\ntR.";

async function python(script: string, dir: string): Promise<void> {
  const run = await new Deno.Command("python3", { args: ["-c", script], cwd: dir, stderr: "piped" })
    .output();
  assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
}

Deno.test("model names: numbered, compressed and .pth.tar variants", () => {
  for (
    const name of ["a.pt", "ckpt.pth.tar", "clf.sav", "model.pkl.1", "m.joblib.xz", "m.pkl.gz"]
  ) {
    assert.ok(MODEL_FILE.test(name), name);
  }
  for (const name of ["data.tar.gz", "notes.txt", "model.py", "weights"]) {
    assert.ok(!MODEL_FILE.test(name), name);
  }
});

Deno.test("first-byte sniffing keeps model magic and drops plain text starts", () => {
  assert.ok(mayBeModel(latin1("\x80\x04\x95"), 100));
  assert.ok(mayBeModel(latin1("PK\x03\x04"), 100));
  assert.ok(mayBeModel(latin1("\x93NUMPY\x01\x00"), 100));
  assert.ok(mayBeModel(latin1("\x1f\x8b\x08\x00"), 100));
  assert.ok(!mayBeModel(encode("# Title\n"), 100));
  assert.ok(!mayBeModel(encode('{"a": 1}'), 100));
  assert.ok(!mayBeModel(latin1("\x80\x09"), 100));
});

Deno.test("the project walk finds pickles by content, and leaves text and other formats alone", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tollgate-sniff-" });
  try {
    const files: Record<string, Uint8Array> = {
      "weights": latin1(PAYLOAD),
      "cache/model.data": latin1(PAYLOAD),
      // Text that begins like protocol 0 (GLOBAL reads two lines) but calls nothing.
      "requirements-extra": encode("certifi\nnumpy\nscipy\n"),
      "CHANGELOG": encode("changes in 1.2\n\n- fixed things\n"),
      "LICENSE": encode("Licensed under the Apache License\n"),
      "notes.dat": encode("cat\ndog\nbird\n"),
      // A legacy GGML weights file (magic 'lmgg'): not a pickle, and CPython would say so at once.
      "ggml-model.bin": latin1("lmgg\x01\x00\x00\x00" + "\x00".repeat(64)),
      // A raw float32 dump.
      "embeddings.raw": new Uint8Array(new Float32Array([1.5, -2, 3.25, 0]).buffer),
    };
    for (const [name, bytes] of Object.entries(files)) {
      await Deno.mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await Deno.writeFile(path.join(dir, name), bytes);
    }
    const snapshot = await collect({ root: dir, env: {} });
    const artifacts = new Map(snapshot.artifacts.map((a) => [a.path, a]));
    assert.deepEqual([...artifacts.keys()].sort(), [
      "cache/model.data",
      "ggml-model.bin",
      "weights",
    ]);
    assert.equal(artifacts.get("weights")?.foundBy, "content");
    assert.equal(artifacts.get("cache/model.data")?.format, "pickle");
    // Named like a model, read, and not a pickle: unknown, with nothing to report.
    assert.deepEqual(
      [artifacts.get("ggml-model.bin")?.format, artifacts.get("ggml-model.bin")?.issues],
      ["unknown", []],
    );
    const findings = await runCheck(checks.artifact.noUnsafePickle(), snapshot);
    assert.deepEqual([...new Set(findings.map((f) => f.subject))].sort(), [
      "cache/model.data",
      "weights",
    ]);
    assert.deepEqual(snapshot.problems, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("gzip and zlib joblib files are read inside; a dataset archive is not a model", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tollgate-sniff-" });
  try {
    await python(
      `import gzip, zlib, tarfile, io
payload = ${JSON.stringify(PAYLOAD)}.encode()
open("model.joblib", "wb").write(zlib.compress(payload))
open("clf.pkl.gz", "wb").write(gzip.compress(payload))
open("blob", "wb").write(gzip.compress(payload))
with tarfile.open("data.tar.gz", "w:gz") as t:
    info = tarfile.TarInfo("rows.csv"); data = b"a,b\\n1,2\\n"; info.size = len(data)
    t.addfile(info, io.BytesIO(data))
open("m.pkl.xz", "wb").write(b"\\xfd7zXZ\\x00" + b"\\x00" * 20)`,
      dir,
    );
    const snapshot = await collect({ root: dir, env: {} });
    const artifacts = new Map(snapshot.artifacts.map((a) => [a.path, a]));
    for (const name of ["model.joblib", "clf.pkl.gz", "blob"]) {
      assert.deepEqual(artifacts.get(name)?.globals, [{ module: "os", name: "system" }], name);
    }
    assert.ok(!artifacts.has("data.tar.gz"));
    // xz cannot be decompressed here: named as a model, it is not scanned, and says so.
    assert.match(artifacts.get("m.pkl.xz")!.issues.join(), /xz-compressed content .*not scanned/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** A joblib-style stream: a NumpyArrayWrapper built with `state`, then raw bytes, then more. */
function joblib(state: string, raw: string, after: string): Uint8Array {
  return latin1(
    "\x80\x04cjoblib.numpy_pickle\nNumpyArrayWrapper\n)\x81" + state + "b" + raw + after,
  );
}
const DTYPE = "cnumpy\ndtype\nX\x02\x00\x00\x00f8\x85R";
const dict = (...pairs: [string, string][]) =>
  "}(" + pairs.map(([k, v]) => `X${String.fromCharCode(k.length)}\x00\x00\x00${k}${v}`).join("") +
  "u";

Deno.test("joblib arrays are skipped only where joblib.load skips them", async () => {
  // joblib.load's reading alone (scanPickle in joblib mode), then the whole file scan.
  const asJoblib = (bytes: Uint8Array) =>
    scanPickle(bytes, { joblib: true }).globals.map((g) => `${g.module}.${g.name}`);
  const shape = (n: number) => `K${String.fromCharCode(n)}\x85`;
  const U1 = "cnumpy\ndtype\nX\x02\x00\x00\x00u1\x85R";
  const tail = "0" + PAYLOAD;
  const honest = joblib(dict(["shape", shape(1)], ["dtype", DTYPE]), "\x00".repeat(8), tail);
  assert.deepEqual(asJoblib(honest), [
    "joblib.numpy_pickle.NumpyArrayWrapper",
    "numpy.dtype",
    "os.system",
  ]);
  // shape written twice: Python keeps the last (0 items), so joblib reads no array bytes and the
  // payload that a first-key reader would skip as array data is an opcode stream.
  const hidden = latin1(tail).length;
  const twice = joblib(
    dict(["shape", shape(hidden)], ["dtype", U1], ["shape", shape(0)]),
    "",
    tail,
  );
  assert.ok(asJoblib(twice).includes("os.system"));
  // numpy_array_alignment_bytes = None: joblib reads no padding byte (an int: one, plus padding).
  const none = joblib(
    dict(["shape", shape(8)], ["dtype", U1], ["numpy_array_alignment_bytes", "N"]),
    "\x07".repeat(8),
    tail,
  );
  assert.ok(asJoblib(none).includes("os.system"));
  // A second BUILD on the same wrapper finds the array joblib pushed, not a wrapper: no skip.
  const rebuilt = latin1(
    "\x80\x04cjoblib.numpy_pickle\nNumpyArrayWrapper\n)\x81" +
      dict(["shape", shape(0)], ["dtype", U1]) + "b" + "}b" + tail,
  );
  assert.ok(asJoblib(rebuilt).includes("os.system"));
  // Loaded with pickle.load, the array bytes are opcodes: a payload there is found too.
  const viaPickle = joblib(
    dict(["shape", shape(latin1(PAYLOAD).length)], ["dtype", U1]),
    PAYLOAD,
    "0N.",
  );
  assert.ok(!asJoblib(viaPickle).includes("os.system"));
  assert.ok(
    (await readModelFile(viaPickle, { path: "m.pkl" })).globals.some((g) => g.name === "system"),
  );
});

Deno.test("bytes that only look like a zlib header are not a model; a damaged stream's output is scanned", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tollgate-sniff-" });
  try {
    await python(
      `import zlib, random
random.seed(7)
open("blob.dat", "wb").write(b"\\x78\\x9c" + bytes(random.randrange(256) for _ in range(4096)))
stream = bytearray(zlib.compress(${JSON.stringify(PAYLOAD)}.encode()))
stream[-1] ^= 0xff  # the Adler-32 checksum no longer matches
open("cut.joblib", "wb").write(stream)`,
      dir,
    );
    const snapshot = await collect({ root: dir, env: {} });
    assert.deepEqual(snapshot.artifacts.map((a) => a.path), ["cut.joblib"]);
    const cut = snapshot.artifacts[0];
    assert.deepEqual(cut.globals, [{ module: "os", name: "system" }]);
    assert.match(cut.issues.join(), /zlib stream damaged after \d+ bytes/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a compression bomb stops at the size limit, and says so", async () => {
  const zeros = new Uint8Array(8 * 1024 * 1024);
  const bomb = new Uint8Array(
    await new Response(new Blob([zeros]).stream().pipeThrough(new CompressionStream("deflate")))
      .arrayBuffer(),
  );
  const artifact = await readModelFile(bomb, { path: "model.joblib", maxPickleBytes: 1 << 20 });
  assert.match(artifact.issues.join(), /decompresses past the 1048576-byte limit/);
});
