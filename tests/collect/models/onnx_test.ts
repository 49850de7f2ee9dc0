// ONNX models written with a small protobuf encoder from onnx.proto's field numbers: structure
// validation (readOnnx), external-data paths wherever a tensor can sit, identification
// (readModelFile), and artifact.no-embedded-code judging the paths.
import assert from "node:assert/strict";
import { concat } from "../../_bytes.ts";
import * as path from "node:path";
import fc from "fast-check";
import { readOnnx } from "../../../collect/models/_onnx.ts";
import { bufferSource } from "../../../collect/zip.ts";
import { readModelFile } from "../../../collect/models/model_files.ts";
import { collect } from "../../../collect/mod.ts";
import { noEmbeddedCode } from "../../../checks/artifact/mod.ts";
import { Artifact } from "../../../core/snapshot_models.ts";
import { runCheck, snapshotOf } from "../../../testing.ts";

const enc = new TextEncoder();

/** Protobuf base-128 varint. */
function varint(value: number | bigint): Uint8Array {
  let n = BigInt(value);
  const out: number[] = [];
  do {
    const byte = Number(n & 0x7fn);
    n >>= 7n;
    out.push(n > 0n ? byte | 0x80 : byte);
  } while (n > 0n);
  return new Uint8Array(out);
}

const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;
const tag = (field: number, wire: number) => varint(field * 8 + wire);
/** Field `field` as a varint. */
const int = (field: number, value: number | bigint) =>
  concat(tag(field, WIRE.varint), varint(value));
/** Field `field` as length-delimited bytes. */
const bytes = (field: number, data: Uint8Array) =>
  concat(tag(field, WIRE.bytes), varint(data.length), data);
const str = (field: number, text: string) => bytes(field, enc.encode(text));
/** An embedded message: its fields, concatenated. */
const msg = (field: number, ...fields: Uint8Array[]) => bytes(field, concat(...fields));
const f32 = (field: number, value: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, value, true);
  return concat(tag(field, WIRE.fixed32), b);
};
const f64 = (field: number, value: number) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, value, true);
  return concat(tag(field, WIRE.fixed64), b);
};

// onnx.proto field numbers.
const MODEL = { irVersion: 1, producerName: 2, producerVersion: 3, graph: 7, opsetImport: 8 };
const MODEL_TRAINING_INFO = 20;
const MODEL_FUNCTIONS = 25;
const GRAPH = { node: 1, name: 2, initializer: 5, input: 11, output: 12, sparseInitializer: 15 };
const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5 };
const ATTR = { name: 1, f: 2, i: 3, t: 5, g: 6, tensors: 10, graphs: 11, type: 20 };
const ATTR_TYPE = { FLOAT: 1, INT: 2, TENSOR: 4, GRAPH: 5, TENSORS: 9, GRAPHS: 10 };
const TENSOR = {
  dims: 1,
  dataType: 2,
  floatData: 4,
  name: 8,
  rawData: 9,
  doubleData: 10,
  externalData: 13,
  dataLocation: 14,
};
const FLOAT = 1;
const EXTERNAL = 1;

/** A 2×2 float tensor with its bytes inline. */
function rawTensor(field: number, name: string): Uint8Array {
  return msg(
    field,
    int(TENSOR.dims, 2),
    int(TENSOR.dims, 2),
    int(TENSOR.dataType, FLOAT),
    str(TENSOR.name, name),
    bytes(TENSOR.rawData, new Uint8Array(new Float32Array([1, 0, 0, 1]).buffer)),
  );
}

/** A tensor whose bytes live in another file (location, offset, length entries). */
function externalTensor(field: number, name: string, location: string): Uint8Array {
  return msg(
    field,
    int(TENSOR.dims, 1024),
    int(TENSOR.dataType, FLOAT),
    str(TENSOR.name, name),
    msg(TENSOR.externalData, str(1, "location"), str(2, location)),
    msg(TENSOR.externalData, str(1, "offset"), str(2, "0")),
    msg(TENSOR.externalData, str(1, "length"), str(2, "4096")),
    int(TENSOR.dataLocation, EXTERNAL),
  );
}

/** ValueInfoProto: a float tensor of shape [2, 2]. */
function valueInfo(field: number, name: string): Uint8Array {
  const dim = (n: number) => msg(1, int(1, n));
  return msg(field, str(1, name), msg(2, msg(1, int(1, FLOAT), msg(2, dim(2), dim(2)))));
}

/** A Gemm node y = x·w + b with float and int attributes. */
function gemm(field: number): Uint8Array {
  return msg(
    field,
    str(NODE.input, "x"),
    str(NODE.input, "w"),
    str(NODE.input, "b"),
    str(NODE.output, "y"),
    str(NODE.name, "gemm0"),
    str(NODE.opType, "Gemm"),
    msg(NODE.attribute, str(ATTR.name, "alpha"), f32(ATTR.f, 1), int(ATTR.type, ATTR_TYPE.FLOAT)),
    msg(NODE.attribute, str(ATTR.name, "transB"), int(ATTR.i, 1), int(ATTR.type, ATTR_TYPE.INT)),
  );
}

/** A ModelProto around a graph's fields. */
function model(graph: Uint8Array[], ...extra: Uint8Array[]): Uint8Array {
  return concat(
    int(MODEL.irVersion, 9),
    str(MODEL.producerName, "tollgate-test"),
    str(MODEL.producerVersion, "1.0"),
    msg(MODEL.graph, ...graph),
    msg(MODEL.opsetImport, str(1, ""), int(2, 17)),
    ...extra,
  );
}

/** The usual small graph: a Gemm, its inputs and outputs, and its initializers. */
function gemmGraph(...initializers: Uint8Array[]): Uint8Array[] {
  return [
    gemm(GRAPH.node),
    str(GRAPH.name, "main"),
    rawTensor(GRAPH.initializer, "w"),
    // A bias with float_data (packed) and double_data written unpacked, as fixed64.
    msg(
      GRAPH.initializer,
      int(TENSOR.dims, 2),
      int(TENSOR.dataType, FLOAT),
      str(TENSOR.name, "b"),
      bytes(TENSOR.floatData, new Uint8Array(new Float32Array([0.5, -0.5]).buffer)),
      f64(TENSOR.doubleData, 0.25),
    ),
    ...initializers,
    valueInfo(GRAPH.input, "x"),
    valueInfo(GRAPH.output, "y"),
  ];
}

const read = (data: Uint8Array) => readOnnx(bufferSource(data));

async function judged(data: Uint8Array, file = "models/model.onnx") {
  const artifact = await readModelFile(data, { path: file });
  Artifact.parse(artifact);
  return {
    artifact,
    findings: await runCheck(noEmbeddedCode(), snapshotOf({ artifacts: [artifact] })),
  };
}

Deno.test("a valid small model: onnx, nothing embedded, no issues", async () => {
  const data = model(gemmGraph());
  assert.deepEqual(await read(data), { problems: [], externalData: [] });
  const { artifact, findings } = await judged(data);
  assert.deepEqual(artifact, {
    path: "models/model.onnx",
    format: "onnx",
    size: data.length,
    globals: [],
    embedded: [],
    issues: [],
  });
  assert.deepEqual(findings, []);
  // A file starting with field 1 (ir_version) is tried as ONNX whatever its extension.
  assert.equal((await readModelFile(data, { path: "weights.bin" })).format, "onnx");
});

Deno.test("external data beside the model is recorded and passes", async () => {
  const data = model(gemmGraph(externalTensor(GRAPH.initializer, "emb", "weights.bin")));
  assert.deepEqual(await read(data), { problems: [], externalData: ["weights.bin"] });
  const { artifact, findings } = await judged(data);
  assert.deepEqual(artifact.embedded, [{ kind: "external-data", value: "weights.bin" }]);
  assert.deepEqual(artifact.issues, []);
  assert.deepEqual(findings, []);
  for (const location of ["data/emb.bin", "./weights.bin", "model.onnx.data", "a..b/c.bin"]) {
    const nested = await judged(model(gemmGraph(externalTensor(GRAPH.initializer, "e", location))));
    assert.deepEqual(nested.artifact.embedded, [{ kind: "external-data", value: location }]);
    assert.deepEqual(nested.findings, [], location);
  }
});

Deno.test("external data that leaves the model's directory is an error", async () => {
  for (
    const location of [
      "../../etc/passwd",
      "/etc/passwd",
      "C:\\Windows\\x",
      "a/../../b",
      "..\\..\\secrets.txt",
      "\\\\server\\share\\w.bin",
      "weights.bin\0.txt",
    ]
  ) {
    const data = model(gemmGraph(externalTensor(GRAPH.initializer, "emb", location)));
    assert.deepEqual((await read(data)).externalData, [location]);
    const { findings } = await judged(data);
    assert.equal(findings.length, 1, location);
    const [finding] = findings;
    assert.equal(finding.check, "artifact.no-embedded-code");
    assert.equal(finding.severity, "error");
    assert.equal(finding.subject, "models/model.onnx");
    assert.equal(
      finding.message,
      `models/model.onnx (onnx): external data path ${
        JSON.stringify(location)
      } leaves the model's directory.`,
    );
    assert.deepEqual(finding.evidence, {
      kind: "external-data",
      value: location,
      where: undefined,
    });
  }
});

Deno.test("external tensors are found wherever a tensor can sit", async () => {
  const leak = (field: number, where: string) => externalTensor(field, where, `../${where}`);
  // If: then_branch is a graph attribute (g) holding an initializer.
  const ifNode = msg(
    GRAPH.node,
    str(NODE.input, "cond"),
    str(NODE.output, "out"),
    str(NODE.opType, "If"),
    msg(
      NODE.attribute,
      str(ATTR.name, "then_branch"),
      int(ATTR.type, ATTR_TYPE.GRAPH),
      msg(ATTR.g, str(GRAPH.name, "then"), leak(GRAPH.initializer, "if-then")),
    ),
    msg(
      NODE.attribute,
      str(ATTR.name, "else_branch"),
      int(ATTR.type, ATTR_TYPE.GRAPH),
      msg(ATTR.g, str(GRAPH.name, "else"), rawTensor(GRAPH.initializer, "fine")),
    ),
  );
  // Loop: a body in the graphs list, with a Constant node whose value is a tensor attribute,
  // and that body holds an If of its own (three graphs deep).
  const loopNode = msg(
    GRAPH.node,
    str(NODE.opType, "Loop"),
    msg(
      NODE.attribute,
      str(ATTR.name, "body"),
      int(ATTR.type, ATTR_TYPE.GRAPHS),
      msg(
        ATTR.graphs,
        str(GRAPH.name, "body"),
        msg(
          GRAPH.node,
          str(NODE.opType, "Constant"),
          msg(
            NODE.attribute,
            str(ATTR.name, "value"),
            int(ATTR.type, ATTR_TYPE.TENSOR),
            leak(ATTR.t, "constant"),
          ),
          msg(
            NODE.attribute,
            str(ATTR.name, "values"),
            int(ATTR.type, ATTR_TYPE.TENSORS),
            leak(ATTR.tensors, "tensors"),
          ),
        ),
        msg(
          GRAPH.node,
          str(NODE.opType, "If"),
          msg(
            NODE.attribute,
            str(ATTR.name, "then_branch"),
            msg(ATTR.g, leak(GRAPH.initializer, "deep")),
          ),
        ),
      ),
    ),
  );
  // A sparse initializer's values and indices tensors.
  const sparse = msg(
    GRAPH.sparseInitializer,
    leak(1, "sparse-values"),
    leak(2, "sparse-indices"),
    int(3, 4),
  );
  // Training info (initialization and algorithm graphs) and a model-local function's node.
  const training = msg(
    MODEL_TRAINING_INFO,
    msg(1, leak(GRAPH.initializer, "train-init")),
    msg(2, leak(GRAPH.initializer, "train-algo")),
  );
  const fn = msg(
    MODEL_FUNCTIONS,
    str(1, "custom"),
    msg(
      7,
      str(NODE.opType, "Constant"),
      msg(NODE.attribute, str(ATTR.name, "value"), leak(ATTR.t, "function")),
    ),
  );
  const data = model([...gemmGraph(), ifNode, loopNode, sparse], training, fn);
  const found = await read(data);
  assert.deepEqual(found.problems, []);
  assert.deepEqual(found.externalData.sort(), [
    "../constant",
    "../deep",
    "../function",
    "../if-then",
    "../sparse-indices",
    "../sparse-values",
    "../tensors",
    "../train-algo",
    "../train-init",
  ]);
  const { artifact, findings } = await judged(data);
  assert.equal(artifact.format, "onnx");
  assert.equal(findings.length, 9);
  assert.ok(findings.every((f) => f.severity === "error"));
});

Deno.test("only the location entry counts, in either field order; strings elsewhere do not", async () => {
  const tensor = msg(
    GRAPH.initializer,
    str(TENSOR.name, "t"),
    // value before key, which protobuf allows
    msg(TENSOR.externalData, str(2, "../reordered"), str(1, "location")),
    msg(TENSOR.externalData, str(1, "checksum"), str(2, "../not-a-path")),
  );
  // A string that looks like a location in a field that is not external_data (doc_string).
  const doc = str(6, "../../etc/passwd");
  const found = await read(model([...gemmGraph(tensor)], doc));
  assert.deepEqual(found, { problems: [], externalData: ["../reordered"] });
});

Deno.test("damaged protobuf named .onnx is onnx with an issue", async () => {
  const good = model(gemmGraph());
  const cases: [string, Uint8Array, RegExp][] = [
    [
      "length past the end",
      concat(int(1, 9), bytes(2, enc.encode("abc")).subarray(0, 4)),
      /field 2 at offset 2 runs past its message/,
    ],
    [
      "declared length past the end",
      concat(tag(2, WIRE.bytes), varint(1000), enc.encode("x")),
      /runs past its message/,
    ],
    ["wire type 3 (start group)", concat(int(1, 9), tag(5, 3)), /wire type 3 at offset 2/],
    ["wire type 4 (end group)", concat(int(1, 9), tag(5, 4)), /wire type 4/],
    ["wire type 6", concat(int(1, 9), tag(5, 6)), /wire type 6/],
    ["wire type 7", tag(1, 7), /wire type 7/],
    [
      "field number 0",
      concat(int(1, 9), tag(0, WIRE.varint), varint(1)),
      /field number 0 at offset 2/,
    ],
    ["truncated varint", new Uint8Array([0x08, 0x80]), /runs past the end/],
    ["truncated key", concat(int(1, 9), new Uint8Array([0xff])), /runs past the end/],
    [
      "varint of 11 bytes",
      concat(tag(1, 0), new Uint8Array(10).fill(0x80), new Uint8Array([1])),
      /varint longer than 10 bytes/,
    ],
    ["varint past 2^53", concat(tag(1, 0), varint(2n ** 60n)), /varint too large/],
    ["fixed64 cut", concat(tag(3, WIRE.fixed64), new Uint8Array(4)), /skip of 8 bytes/],
    ["fixed32 cut", concat(tag(3, WIRE.fixed32), new Uint8Array(2)), /skip of 4 bytes/],
    ["model cut short", good.subarray(0, good.length - 3), /./],
    [
      "a child field running past its parent",
      msg(MODEL.graph, tag(GRAPH.node, WIRE.bytes), varint(50)),
      /field 1 at offset 2 runs past its message/,
    ],
    [
      "a varint running past its parent",
      concat(tag(MODEL.graph, WIRE.bytes), varint(1), int(GRAPH.name, 5).subarray(0, 1), varint(3)),
      /a message runs past its end/,
    ],
    [
      "an external_data entry that is not two strings",
      model(gemmGraph(msg(GRAPH.initializer, msg(TENSOR.externalData, int(1, 5))))),
      /external_data entry is not two strings/,
    ],
    [
      "an external_data string past its entry",
      model(gemmGraph(msg(GRAPH.initializer, msg(TENSOR.externalData, tag(1, 2), varint(40))))),
      /external_data entry runs past its end/,
    ],
  ];
  for (const [name, data, expected] of cases) {
    const found = await read(data);
    assert.equal(found.problems.length, 1, name);
    assert.match(found.problems[0], /^not a valid ONNX protobuf: /, name);
    assert.match(found.problems[0], expected, name);
    const artifact = await readModelFile(data, { path: "models/model.onnx" });
    Artifact.parse(artifact);
    assert.equal(artifact.format, "onnx", name);
    assert.deepEqual(artifact.embedded, [], name);
    assert.deepEqual(artifact.issues, [`looks like onnx but is ${found.problems[0]}`], name);
  }
});

Deno.test("a deeply nested model is refused without recursing into every level", async () => {
  // graph → node → attribute → graph → …, each level one key byte and a length: 100,000 levels.
  const cycle = [
    tag(MODEL.graph, WIRE.bytes)[0],
    tag(GRAPH.node, WIRE.bytes)[0],
    tag(NODE.attribute, WIRE.bytes)[0],
    tag(ATTR.g, WIRE.bytes)[0],
  ];
  const levels = 100_000;
  const headers: Uint8Array[] = [];
  let inner = 0;
  for (let i = levels - 1; i >= 0; i--) {
    const key = i === 0 ? cycle[0] : cycle[1 + (i - 1) % 3];
    const header = concat(new Uint8Array([key]), varint(inner));
    headers.push(header);
    inner += header.length;
  }
  const bomb = concat(...headers.reverse());
  const found = await read(bomb);
  assert.deepEqual(found.problems, ["not a valid ONNX protobuf: messages nested too deeply"]);
  const artifact = await readModelFile(bomb, { path: "bomb.onnx" });
  assert.deepEqual([artifact.format, artifact.issues.length], ["onnx", 1]);
  // Ten levels of control flow (If within If) are within the limit, and the tensor is found.
  let graph = [externalTensor(GRAPH.initializer, "w", "deep.bin")];
  for (let i = 0; i < 10; i++) {
    graph = [
      msg(GRAPH.node, str(NODE.opType, "If"), msg(NODE.attribute, msg(ATTR.g, ...graph))),
    ];
  }
  assert.deepEqual(await read(model(graph)), { problems: [], externalData: ["deep.bin"] });
  // Nesting through fields that hold no tensors is skipped, not walked: any depth is fine.
  let opaque: Uint8Array = new Uint8Array(0);
  for (let i = 0; i < 2_000; i++) opaque = msg(GRAPH.input, opaque);
  assert.deepEqual(await read(model([opaque])), { problems: [], externalData: [] });
});

Deno.test("a pickle named .onnx that is not protobuf is scanned as a pickle", async () => {
  const pickle = enc.encode("cos\nsystem\n(S'id'\ntR.");
  const artifact = await readModelFile(pickle, { path: "models/model.onnx" });
  assert.equal(artifact.format, "pickle");
  assert.deepEqual(artifact.globals, [{ module: "os", name: "system" }]);
  assert.match(artifact.issues[0], /^looks like onnx but is not a valid ONNX protobuf: /);
});

Deno.test("collected from a project: only the escaping path fails", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tollgate-onnx-" });
  try {
    await Deno.mkdir(path.join(dir, "models"));
    await Deno.writeFile(
      path.join(dir, "models", "ok.onnx"),
      model(gemmGraph(externalTensor(GRAPH.initializer, "e", "ok.onnx.data"))),
    );
    await Deno.writeFile(
      path.join(dir, "models", "evil.onnx"),
      model(gemmGraph(externalTensor(GRAPH.initializer, "e", "../../../root/.ssh/id_rsa"))),
    );
    const snapshot = await collect({ root: dir, env: {} });
    const byPath = new Map(snapshot.artifacts.map((a) => [a.path, a]));
    assert.equal(byPath.get("models/ok.onnx")?.format, "onnx");
    assert.deepEqual(byPath.get("models/evil.onnx")?.embedded, [
      { kind: "external-data", value: "../../../root/.ssh/id_rsa" },
    ]);
    const findings = await runCheck(noEmbeddedCode(), snapshot);
    assert.deepEqual(findings.map((f) => f.subject), ["models/evil.onnx"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("random and mutated bytes never throw", async () => {
  const seeds = [
    model(gemmGraph()),
    model(gemmGraph(externalTensor(GRAPH.initializer, "e", "../x"))),
  ];
  const check = async (data: Uint8Array, file: string) => {
    const found = await read(data);
    assert.ok(
      found.problems.length === 0 ||
        (found.problems.length === 1 && /^not a valid ONNX protobuf: /.test(found.problems[0])),
      JSON.stringify(found.problems),
    );
    const artifact = Artifact.parse(await readModelFile(data, { path: file }));
    if (artifact.format === "onnx") {
      // Either believed whole, or claimed and damaged: never a mixture.
      if (found.problems.length === 0) {
        assert.deepEqual(artifact.issues, []);
        assert.deepEqual(artifact.embedded.map((e) => e.value), found.externalData);
      } else {
        assert.deepEqual(artifact.issues, [`looks like onnx but is ${found.problems[0]}`]);
        assert.deepEqual(artifact.embedded, []);
      }
    }
  };
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (data) => {
      await check(data, "x.onnx");
      await check(data, "x.bin");
    }),
    { numRuns: 400 },
  );
  await fc.assert(
    fc.asyncProperty(
      fc.nat({ max: seeds.length - 1 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 6,
      }),
      async (seed, edits) => {
        const data = new Uint8Array(seeds[seed]);
        for (const [at, value] of edits) data[at % data.length] = value;
        await check(data, "m.onnx");
      },
    ),
    { numRuns: 400 },
  );
});
