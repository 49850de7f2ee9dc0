import assert from "node:assert/strict";
import fc from "fast-check";
import {
  readModelFile,
  readModelFileAt,
  readModelSource,
} from "../../../collect/models/model_files.ts";
import { Artifact } from "../../../core/snapshot_models.ts";

const models = new URL("../../../../shared/fixtures/models/", import.meta.url);
const labels: Record<string, { format: string; dangerous_globals: string[] }> = JSON.parse(
  Deno.readTextFileSync(new URL("LABELS.json", models)),
);
/** Reconstruction globals real torch/numpy/sklearn/joblib files import: not dangerous. */
const KNOWN_SAFE =
  /^(torch\.|collections\.OrderedDict$|numpy\.|sklearn\.|joblib\.numpy_pickle\.|__builtin__\.set$)/;
const dangerous = (artifact: Artifact) =>
  artifact.globals.map((g) => `${g.module}.${g.name}`).filter((n) => !KNOWN_SAFE.test(n)).sort();

async function python(script: string, ...args: string[]): Promise<void> {
  const output = await new Deno.Command("python3", { args: ["-c", script, ...args] }).output();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
}

Deno.test("every fixture: format and dangerous globals match LABELS.json", async () => {
  for (const [name, label] of Object.entries(labels)) {
    const artifact = await readModelFileAt(new URL(name, models).pathname, { path: name });
    Artifact.parse(artifact);
    assert.equal(artifact.format, label.format, name);
    assert.deepEqual(dangerous(artifact), label.dangerous_globals, name);
    assert.deepEqual(artifact.issues, [], name);
  }
});

Deno.test("in-memory and on-disk reads agree", async () => {
  for (const name of Object.keys(labels)) {
    const bytes = Deno.readFileSync(new URL(name, models));
    const fromDisk = await readModelFileAt(new URL(name, models).pathname, { path: name });
    assert.deepEqual(await readModelFile(bytes, { path: name }), fromDisk, name);
  }
});

Deno.test("archives: pickles under unusual paths, deflated members, npz, a zip bomb", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await python(
      `
import os, pickle, sys, zipfile
class Evil:
    def __reduce__(self): return (os.system, ("echo owned",))
payload = pickle.dumps(Evil(), protocol=2)
d = sys.argv[1]
with zipfile.ZipFile(d + "/odd.zip", "w") as z:
    z.writestr("archive/weights/x.bin", payload)
    z.writestr("archive/README.txt", "weights")
with zipfile.ZipFile(d + "/deep.pt", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("a/b/c/data.pkl", payload)
    z.writestr("a/b/c/data/0", b"\\x80" * 64)
with zipfile.ZipFile(d + "/arrays.npz", "w") as z:
    z.write(sys.argv[2], "arr_0.npy")
with zipfile.ZipFile(d + "/bomb.pt", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("bomb/data.pkl", b"\\0" * (20 * 1024 * 1024))
with zipfile.ZipFile(d + "/inner.zip", "w") as z:
    z.write(d + "/odd.zip", "nested/odd.zip")
`,
      dir,
      new URL("malicious_object.npy", models).pathname,
    );
    const read = (name: string) => readModelFileAt(`${dir}/${name}`, { path: name });
    const odd = await read("odd.zip");
    assert.equal(odd.format, "pytorch-zip");
    assert.deepEqual(dangerous(odd), ["posix.system"]);
    const deep = await read("deep.pt");
    assert.deepEqual([deep.format, dangerous(deep), deep.issues], [
      "pytorch-zip",
      ["posix.system"],
      [],
    ]);
    const npz = await read("arrays.npz");
    assert.deepEqual([npz.format, dangerous(npz)], ["npz", ["posix.system"]]);
    const bomb = await read("bomb.pt");
    assert.match(bomb.issues.join("\n"), /compression ratio exceeds 200:1/);
    const nested = await read("inner.zip");
    assert.deepEqual(dangerous(nested), ["posix.system"]);
    assert.match(
      (await readModelFileAt(`${dir}/inner.zip`, { path: "i.zip", maxDepth: 1 })).issues[0],
      /nested too deeply/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("truncated files are reported, not thrown", async () => {
  for (
    const name of [
      "malicious_system_p4.pkl",
      "linear_state_dict.pt",
      "malicious_sklearn.joblib",
      "malicious_object.npy",
      "linear_legacy.pt",
    ]
  ) {
    const bytes = Deno.readFileSync(new URL(name, models));
    const artifact = await readModelFile(bytes.subarray(0, Math.floor(bytes.length * 0.6)), {
      path: name,
    });
    assert.notDeepEqual(artifact.issues, [], name);
  }
});

Deno.test("a 1 GiB safetensors file is judged from its header alone", async () => {
  const json = new TextEncoder().encode(
    JSON.stringify({ w: { dtype: "F32", shape: [268435456], data_offsets: [0, 1073741824] } }),
  );
  const head = new Uint8Array(8 + json.length);
  new DataView(head.buffer).setBigUint64(0, BigInt(json.length), true);
  head.set(json, 8);
  let read = 0;
  let furthest = 0;
  const artifact = await readModelSource({
    size: head.length + 1073741824,
    read: (offset, length) => {
      read += Math.min(length, head.length - offset);
      furthest = Math.max(furthest, offset + length);
      return Promise.resolve(head.subarray(offset, offset + length));
    },
  }, { path: "big.safetensors" });
  assert.deepEqual([artifact.format, artifact.issues], ["safetensors", []]);
  // The first bytes, the header, and (its first byte being an opcode) the first 64 KiB once more
  // for the polyglot probe: never the tensor data beyond them.
  assert.ok(read <= 64 + 2 * head.length);
  assert.ok(furthest <= 64 * 1024, `read up to byte ${furthest}`);
});

Deno.test("content decides the format, not the extension", async () => {
  const p0 = Deno.readFileSync(new URL("malicious_system_p0.pkl", models));
  const artifact = await readModelFile(p0, { path: "weights.safetensors" });
  assert.deepEqual([artifact.format, dangerous(artifact)], ["pickle", ["posix.system"]]);
  assert.equal(
    (await readModelFile(new TextEncoder().encode("GGUF\x03"), { path: "m" })).format,
    "gguf",
  );
  assert.equal(
    (await readModelFile(new TextEncoder().encode("hello"), { path: "m.txt" })).format,
    "unknown",
  );
});

Deno.test("random and mutated files never throw", async () => {
  const seeds = [
    "linear_state_dict.pt",
    "model.safetensors",
    "malicious_object.npy",
    "sklearn_logreg.joblib",
  ]
    .map((name) => Deno.readFileSync(new URL(name, models)));
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ maxLength: 300 }),
      fc.nat({ max: 3 }),
      fc.nat(),
      async (noise, seed, at) => {
        const mutated = new Uint8Array(seeds[seed]);
        const start = at % mutated.length;
        mutated.set(noise.subarray(0, mutated.length - start), start);
        for (const bytes of [noise, mutated]) {
          Artifact.parse(await readModelFile(bytes, { path: "x.bin" }));
        }
      },
    ),
    { numRuns: 300 },
  );
});

/** Little-endian bytes of an unsigned integer. */
function le(value: number, size: number): number[] {
  return Array.from({ length: size }, (_, i) => Math.floor(value / 256 ** i) % 256);
}

Deno.test("polyglots: a valid GGUF or ONNX file that is also a pickle is scanned as one", async () => {
  const payload = [..."cos\nsystem\n(S'id'\ntR."].map((c) => c.charCodeAt(0));
  // ONNX: PROTO 2 and SHORT_BINUNICODE read the protobuf's first fields as a string; the
  // payload is field 15's bytes. Both parsers accept every byte.
  const tail = [0x30, ...payload];
  const onnx = new Uint8Array([0x80, 0x02, 0x8c, 0x02, 0x7a, tail.length, ...tail]);
  const asOnnx = await readModelFile(onnx, { path: "model.onnx" });
  assert.deepEqual([asOnnx.format, dangerous(asOnnx)], ["pickle", ["os.system"]]);
  assert.match(asOnnx.issues[0], /also a valid onnx file \(a polyglot\)/);
  // GGUF: BINFLOAT takes "GUF" and the version, UNICODE takes the counts and the key up to the
  // newline that starts a string value; 22,016 empty tensors make those counts a valid GGUF.
  const value = [0x0a, ...payload];
  const tensors = 0x5600;
  const bytes = [
    ..."GGUF".split("").map((c) => c.charCodeAt(0)),
    ...le(3, 4),
    ...le(tensors, 8),
    ...le(1, 8),
    ...le(1, 8),
    0x78,
    ...le(8, 4),
    ...le(value.length, 8),
    ...value,
  ];
  for (let i = 0; i < tensors; i++) {
    bytes.push(...le(1, 8), 0x74, ...le(0, 4), ...le(0, 4), ...le(0, 8));
  }
  while (bytes.length % 32 !== 0) bytes.push(0);
  bytes.push(...new Array(32).fill(0));
  const asGguf = await readModelFile(new Uint8Array(bytes), { path: "model.gguf" });
  assert.deepEqual([asGguf.format, dangerous(asGguf)], ["pickle", ["os.system"]]);
  // The same layouts without a payload are what they say.
  const plain = new Uint8Array([0x08, 0x07, 0x12, 0x02, 0x68, 0x69]);
  assert.deepEqual((await readModelFile(plain, { path: "m.onnx" })).format, "onnx");
});
