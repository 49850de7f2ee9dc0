import assert from "node:assert/strict";
import fc from "fast-check";
import { readGguf } from "../../../collect/models/_gguf.ts";
import { readModelFile } from "../../../collect/models/model_files.ts";
import { noEmbeddedCode } from "../../../checks/artifact/mod.ts";
import { Artifact } from "../../../core/snapshot_models.ts";
import { runCheck, snapshotOf } from "../../../testing.ts";
import { enc, gguf, llama, Out, read, SSTI, v, Value } from "./_gguf.ts";

Deno.test("a valid v3 file: common metadata types, a vocabulary, two tensors", async () => {
  const bytes = llama();
  assert.deepEqual(await read(bytes), { problems: [], templates: [], tensors: 2 });
  const artifact = await readModelFile(bytes, { path: "models/tiny.gguf" });
  Artifact.parse(artifact);
  assert.deepEqual(artifact, {
    path: "models/tiny.gguf",
    format: "gguf",
    size: bytes.length,
    globals: [],
    embedded: [],
    issues: [],
  });
  // Content decides, not the name.
  assert.equal((await readModelFile(bytes, { path: "weights.bin" })).format, "gguf");
  const findings = await runCheck(noEmbeddedCode(), snapshotOf({ artifacts: [artifact] }));
  assert.deepEqual(findings, []);
});

Deno.test("versions 1 and 2, no tensors, and a custom alignment are valid", async () => {
  assert.deepEqual(await read(llama([], 1)), { problems: [], templates: [], tensors: 2 });
  assert.deepEqual(await read(llama([], 2)), { problems: [], templates: [], tensors: 2 });
  assert.equal((await readModelFile(llama([], 1), { path: "v1.gguf" })).format, "gguf");
  assert.deepEqual(await read(gguf()), { problems: [], templates: [], tensors: 0 });
  const aligned = gguf({
    kvs: [["general.alignment", v.u32(64)]],
    tensors: [{ name: "a", dims: [16], offset: 0 }, { name: "b", dims: [16], offset: 64 }],
    alignment: 64,
    dataBytes: 128,
  });
  assert.deepEqual(await read(aligned), { problems: [], templates: [], tensors: 2 });
  // A one-dimensional and a four-dimensional tensor, and a template in a version 1 file.
  const v1 = gguf({
    version: 1,
    kvs: [["tokenizer.chat_template", v.str("{{ messages[0]['content'] }}")]],
    tensors: [{ name: "a", dims: [8], offset: 0 }, { name: "b", dims: [1, 1, 2, 4], offset: 32 }],
  });
  assert.deepEqual((await read(v1)).templates, [
    { key: "tokenizer.chat_template", value: "{{ messages[0]['content'] }}" },
  ]);
});

Deno.test("damaged files are problems, and readModelFile reports them as issues", async () => {
  const valid = llama();
  const at = (text: string) => {
    const needle = enc.encode(text);
    for (let i = 0; i + needle.length <= valid.length; i++) {
      if (needle.every((b, j) => valid[i + j] === b)) return i;
    }
    throw new Error(`${text} not found`);
  };
  const cases: [string, Uint8Array, RegExp][] = [
    ["version 0", gguf({ version: 0 }), /unknown GGUF version 0/],
    ["version 4", gguf({ version: 4 }), /unknown GGUF version 4/],
    ["header cut short", valid.subarray(0, 20), /runs past the end/],
    ["cut inside the vocabulary", valid.subarray(0, at("<|user|>") + 2), /runs past the end/],
    ["cut inside the tensor infos", valid.subarray(0, at("output.weight") + 20), /past the end/],
    [
      "tensor offset past the end",
      gguf({
        tensors: [{ name: "w", dims: [8], offset: 0 }, { name: "x", dims: [8], offset: 64 }],
      }),
      /a tensor offset \(64\) lies past the end of the file/,
    ],
    [
      "tensor offset far past the end",
      gguf({ tensors: [{ name: "w", dims: [8], offset: 2n ** 40n }] }),
      /lies past the end of the file/,
    ],
    [
      "no data region at all",
      gguf({ tensors: [{ name: "w", dims: [8], offset: 0 }], dataBytes: 0 }),
      /lies past the end of the file|no tensor data after the header/,
    ],
    [
      "unaligned offset",
      gguf({ tensors: [{ name: "w", dims: [2], offset: 8 }], dataBytes: 64 }),
      /tensor w offset not aligned/,
    ],
    [
      "offset unaligned for a custom alignment",
      gguf({
        kvs: [["general.alignment", v.u32(64)]],
        tensors: [{ name: "w", dims: [8], offset: 32 }],
        alignment: 64,
        dataBytes: 128,
      }),
      /tensor w offset not aligned/,
    ],
    ["alignment 0", gguf({ kvs: [["general.alignment", v.u32(0)]] }), /alignment 0/],
    ["alignment 12", gguf({ kvs: [["general.alignment", v.u32(12)]] }), /alignment 12/],
    [
      "unknown value type",
      gguf({ kvs: [["general.name", v.raw(13, new Uint8Array(8))]] }),
      /metadata general\.name has unknown type 13/,
    ],
    [
      "unknown array item type",
      gguf({ kvs: [["tokenizer.ggml.tokens", v.array(13, [])]] }),
      /array tokenizer\.ggml\.tokens of unknown type 13/,
    ],
    [
      "nested array",
      gguf({ kvs: [["x", v.array(9, [])]] }),
      /array x of unknown type 9/,
    ],
    ["absurd tensor count", gguf({ tensorCount: 2n ** 40n }), /implausible counts/],
    ["absurd metadata count", gguf({ kvCount: 10_000_001 }), /implausible counts/],
    ["count past 2^53", gguf({ kvCount: 2n ** 63n }), /integer too large/],
    [
      "absurd array length",
      gguf({ kvs: [["x", v.raw(9, new Out(true).u32(0).u64(2n ** 32n).bytes())]] }),
      /array x of 4294967296 items/,
    ],
    [
      "array longer than the file",
      gguf({ kvs: [["x", v.raw(9, new Out(true).u32(6).u64(1_000_000).bytes())]] }),
      /skip of 4000000 bytes .* runs past the end/,
    ],
    [
      "five dimensions",
      gguf({ tensors: [{ name: "w", dims: [1, 1, 1, 1, 8], offset: 0 }] }),
      /tensor w has 5 dimensions/,
    ],
    [
      "ggml type past 255",
      gguf({ tensors: [{ name: "w", dims: [8], type: 256, offset: 0 }] }),
      /tensor w has unknown type 256/,
    ],
    [
      "key not UTF-8",
      gguf({ kvs: [[new Uint8Array([0x6b, 0xff, 0xfe]), v.u8(1)]] }),
      /a string is not UTF-8/,
    ],
  ];
  for (const [name, bytes, expected] of cases) {
    const result = await read(bytes);
    assert.equal(result.problems.length, 1, name);
    assert.match(result.problems[0], /^not valid GGUF: /, name);
    assert.match(result.problems[0], expected, name);
    const artifact = await readModelFile(bytes, { path: "models/broken.gguf" });
    Artifact.parse(artifact);
    assert.equal(artifact.format, "gguf", name);
    assert.deepEqual(artifact.globals, [], name);
    assert.deepEqual(
      artifact.issues,
      [`looks like gguf but is ${result.problems[0]}`],
      name,
    );
  }
});

Deno.test("string lengths that run past the file are problems, never exceptions", async () => {
  const key = (length: bigint, body = "general.name") =>
    new Out(true).raw(enc.encode("GGUF")).u32(3).u64(0).u64(1).u64(length).raw(enc.encode(body))
      .bytes();
  const value = (length: bigint) =>
    gguf({ kvs: [["tokenizer.chat_template", v.raw(8, new Out(true).u64(length).bytes())]] });
  const cases: [Uint8Array, RegExp][] = [
    [key(1000n), /read of 1000 bytes at offset 32 runs past the end/],
    [key(2n ** 40n), /string of 1099511627776 bytes/],
    [key(2n ** 64n - 1n), /integer too large/],
    [value(64n), /read of 64 bytes .* runs past the end/],
    [value(2n ** 62n), /integer too large/],
    [
      gguf({ tensors: [{ name: "w", dims: [8], offset: 0 }] }).subarray(0, 40),
      /runs past the end/,
    ],
  ];
  for (const [bytes, expected] of cases) {
    const result = await read(bytes);
    assert.deepEqual(result.templates, []);
    assert.equal(result.problems.length, 1);
    assert.match(result.problems[0], expected);
    assert.equal((await readModelFile(bytes, { path: "m.gguf" })).format, "gguf");
  }
  // A version 1 length is a u32, read as one.
  const v1 = (length: number) =>
    new Out(false).raw(enc.encode("GGUF")).u32(1).u32(0).u32(1).u32(length).raw(enc.encode("ab"))
      .bytes();
  assert.match((await read(v1(1000))).problems[0], /read of 1000 bytes at offset 20 runs past/);
  assert.match((await read(v1(0xffffffff))).problems[0], /string of 4294967295 bytes/);
});

Deno.test("a pickle that starts with GGUF is scanned as the pickle it is", async () => {
  // 'G' is BINFLOAT: it takes the next 8 bytes ("GUF" and five more) as a double, then the
  // pickle goes on. GGUF validation fails on the counts, so the file is read as a pickle.
  const polyglot = new Uint8Array([
    ...enc.encode("GGUF"),
    3,
    0,
    0,
    0,
    0,
    ...enc.encode("cos\nsystem\n(S'id'\ntR."),
  ]);
  assert.equal((await read(polyglot)).problems.length, 1);
  const artifact = await readModelFile(polyglot, { path: "models/model.gguf" });
  Artifact.parse(artifact);
  assert.equal(artifact.format, "pickle");
  assert.ok(artifact.globals.some((g) => g.module === "os" && g.name === "system"));
  assert.match(artifact.issues[0], /^looks like gguf but is not valid GGUF: /);
  // Whatever the five bytes are.
  for (const filler of [[0, 0, 0, 0, 0], [1, 0, 0, 0, 0x41], [0xff, 0xff, 0xff, 0xff, 0xff]]) {
    const bytes = new Uint8Array(polyglot);
    bytes.set(filler, 4);
    const scanned = await readModelFile(bytes, { path: "x.gguf" });
    assert.deepEqual(
      [scanned.format, scanned.globals.map((g) => `${g.module}.${g.name}`)],
      ["pickle", ["os.system"]],
    );
  }
  // Bytes that start with GGUF but are neither stay gguf, with the issue.
  const junk = await readModelFile(enc.encode("GGUF\x03\0\0\0 hello"), { path: "x.gguf" });
  assert.deepEqual([junk.format, junk.globals, junk.issues.length], ["gguf", [], 1]);
});

Deno.test("readGguf reads only the header: a 1 GiB file costs its metadata", async () => {
  const head = gguf({
    kvs: [["general.name", v.str("big")]],
    tensors: [{ name: "w", dims: [268435456], offset: 0 }],
    dataBytes: 0,
  });
  let read = 0;
  const result = await readGguf({
    size: head.length + 1024 * 1024 * 1024,
    read: (offset, length) => {
      const chunk = head.subarray(offset, offset + length);
      read += chunk.length;
      return Promise.resolve(chunk);
    },
  });
  assert.deepEqual(result, { problems: [], templates: [], tensors: 1 });
  assert.ok(read <= head.length, `${read} bytes read`);
});

// llama.cpp's format has FLOAT64, INT64 and UINT64 metadata; their values are ordinary
// (0.5 is 0x3FE0000000000000, -1 is 0xFFFFFFFFFFFFFFFF), not counts.
Deno.test("64-bit metadata values of any magnitude are valid", async () => {
  const rejected: Record<string, string[]> = {};
  for (
    const [key, value] of [
      ["example.f64", v.f64(0.5)],
      ["example.i64", v.i64(-1n)],
      ["example.u64", v.u64(2n ** 63n)],
    ] as [string, Value][]
  ) {
    const bytes = llama([[key, value]]);
    const result = await read(bytes);
    const artifact = await readModelFile(bytes, { path: "m.gguf" });
    if (result.problems.length > 0 || artifact.issues.length > 0) {
      rejected[key] = [...result.problems, ...artifact.issues];
    }
  }
  assert.deepEqual(rejected, {}, "valid GGUF files reported as damaged");
});

Deno.test("random bytes after GGUF never throw and yield no problem or one", async () => {
  const seeds = [llama(), llama([], 1), llama([["tokenizer.chat_template", v.str(SSTI[0][0])]])];
  const check = async (bytes: Uint8Array) => {
    const result = await read(bytes);
    assert.ok(
      result.problems.length === 0 ||
        (result.problems.length === 1 && /^not valid GGUF: /.test(result.problems[0])),
      JSON.stringify(result.problems),
    );
    if (result.problems.length > 0) assert.equal(result.tensors, 0);
    const artifact = Artifact.parse(await readModelFile(bytes, { path: "x.gguf" }));
    assert.ok(["gguf", "pickle"].includes(artifact.format), artifact.format);
    if (result.problems.length === 0) {
      assert.deepEqual([artifact.format, artifact.issues], ["gguf", []]);
    }
  };
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (tail) => {
      await check(new Uint8Array([...enc.encode("GGUF"), ...tail]));
      // With a plausible version and small counts, so the walk gets further.
      await check(new Uint8Array([...enc.encode("GGUF"), 3, 0, 0, 0, ...tail]));
    }),
    { numRuns: 300 },
  );
  await fc.assert(
    fc.asyncProperty(
      fc.nat({ max: seeds.length - 1 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 8,
      }),
      fc.option(fc.nat(), { nil: undefined }),
      async (seed, edits, cut) => {
        const bytes = new Uint8Array(seeds[seed]);
        for (const [at, value] of edits) bytes[4 + at % (bytes.length - 4)] = value;
        await check(cut === undefined ? bytes : bytes.subarray(0, 4 + cut % (bytes.length - 4)));
      },
    ),
    { numRuns: 300 },
  );
});
