import assert from "node:assert/strict";
import * as path from "node:path";
import { collect } from "../../../collect/mod.ts";
import { noEmbeddedCode } from "../../../checks/artifact/mod.ts";
import { runCheck } from "../../../testing.ts";
import {
  ATTR,
  ATTR_TYPE,
  externalTensor,
  gemmGraph,
  GRAPH,
  int,
  judged,
  model,
  msg,
  NODE,
  rawTensor,
  read,
  str,
  TENSOR,
} from "./_onnx.ts";

const MODEL_TRAINING_INFO = 20;

const MODEL_FUNCTIONS = 25;

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
