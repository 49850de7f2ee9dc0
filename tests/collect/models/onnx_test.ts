import assert from "node:assert/strict";
import { concat } from "../../_bytes.ts";
import fc from "fast-check";
import { readModelFile } from "../../../collect/models/model_files.ts";
import { Artifact } from "../../../core/snapshot_models.ts";
import {
  ATTR,
  bytes,
  enc,
  externalTensor,
  gemmGraph,
  GRAPH,
  int,
  judged,
  MODEL,
  model,
  msg,
  NODE,
  read,
  str,
  tag,
  TENSOR,
  varint,
  WIRE,
} from "./_onnx.ts";

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
