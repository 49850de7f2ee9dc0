import assert from "node:assert/strict";
import * as path from "node:path";
import { kerasConfigItems } from "../../../collect/models/_keras.ts";
import { readModelFile } from "../../../collect/models/model_files.ts";
import { Artifact } from "../../../core/snapshot_models.ts";
import {
  dense,
  enc,
  judge,
  LAMBDA_CODE,
  LAMBDA_LAYER,
  Member,
  members,
  obj,
  sequential,
  writeArchives,
} from "./_keras.ts";

/** Build archives in a temporary directory and read each with readModelFile. */
async function readArchives(
  archives: Record<string, Member | { config: Member; deflate: boolean }>,
) {
  const dir = await Deno.makeTempDir({ prefix: "tollgate-keras-" });
  try {
    await writeArchives(
      dir,
      Object.fromEntries(
        Object.entries(archives).map(([name, a]) => [
          name,
          typeof a === "object" && "config" in a
            ? { members: members(a.config), deflate: a.deflate }
            : { members: members(a) },
        ]),
      ),
    );
    const out: Record<string, Artifact> = {};
    for (const name of Object.keys(archives)) {
      const artifact = await readModelFile(await Deno.readFile(path.join(dir, name)), {
        path: `models/${name}`,
      });
      out[name] = Artifact.parse(artifact);
    }
    return out;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("a plain Dense model: keras, every module reference Keras's own, no finding", async () => {
  const config = sequential(dense("dense", 8), dense("dense_1", 2, "softmax"));
  const read = await readArchives({
    "plain.keras": config,
    "deflated.keras": { config, deflate: true },
  });
  for (const artifact of Object.values(read)) {
    assert.equal(artifact.format, "keras", artifact.path);
    assert.deepEqual(artifact.globals, []);
    assert.deepEqual(artifact.issues, [], artifact.path);
    assert.ok(
      artifact.embedded.every((e) => e.kind === "keras-module" && e.where === "config.json"),
    );
    assert.deepEqual(artifact.embedded.map((e) => e.value).sort(), [
      "keras.DTypePolicy",
      "keras.Sequential",
      "keras.initializers.GlorotUniform",
      "keras.initializers.Zeros",
      "keras.layers.Dense",
      "keras.layers.InputLayer",
      "keras.optimizers.Adam",
    ]);
    assert.deepEqual(await judge(artifact), [], artifact.path);
  }
});

Deno.test("a Lambda layer is an error naming the layer", async () => {
  const { "evil.keras": artifact } = await readArchives({
    "evil.keras": sequential(dense("dense", 8), LAMBDA_LAYER),
  });
  assert.equal(artifact.format, "keras");
  assert.deepEqual(artifact.issues, []);
  assert.deepEqual(
    artifact.embedded.filter((e) => e.kind === "keras-lambda"),
    [{ kind: "keras-lambda", value: "evil", where: "config.json" }],
  );
  // The Lambda's own module is Keras's; the finding is for the code it carries.
  const findings = await judge(artifact);
  assert.equal(findings.length, 1);
  const [finding] = findings;
  assert.equal(finding.check, "artifact.no-embedded-code");
  assert.equal(finding.severity, "error");
  assert.equal(finding.subject, "models/evil.keras");
  assert.equal(
    finding.message,
    "models/evil.keras (keras): Keras Lambda layer evil (config.json) holds Python code that " +
      "runs on load.",
  );
  assert.deepEqual(finding.evidence, { kind: "keras-lambda", value: "evil", where: "config.json" });
  // kerasModules does not admit a Lambda.
  assert.equal((await judge(artifact, ["**"])).length, 1);
});

Deno.test("a module reference outside Keras is an error", async () => {
  const read = await readArchives({
    "popen.keras": sequential(obj("subprocess", "Popen", { args: ["id"] })),
    "eval.keras": sequential(dense("dense", 8, obj("builtins", "function", "eval"))),
    "os.keras": sequential(dense("dense", 8, obj("os", "function", "system"))),
  });
  const messages = async (name: string) => (await judge(read[name])).map((f) => f.message);
  assert.deepEqual(await messages("popen.keras"), [
    "models/popen.keras (keras): Keras configuration (config.json) makes the loader import " +
    "subprocess.Popen.",
  ]);
  assert.deepEqual(await messages("eval.keras"), [
    "models/eval.keras (keras): Keras configuration (config.json) makes the loader import " +
    "builtins.eval.",
  ]);
  assert.deepEqual(await messages("os.keras"), [
    "models/os.keras (keras): Keras configuration (config.json) makes the loader import " +
    "os.system.",
  ]);
  for (const artifact of Object.values(read)) {
    const [finding] = await judge(artifact);
    assert.equal(finding.severity, "error");
    assert.equal(finding.evidence?.kind, "keras-module");
  }
});

Deno.test("kerasModules admits a project's own layers; Keras's companion packages pass", async () => {
  const custom = obj("my_layers.blocks", "Residual", { name: "res", units: 4 });
  const { "custom.keras": artifact } = await readArchives({
    "custom.keras": sequential(
      custom,
      obj("keras_hub.src.models.bert.bert_backbone", "BertBackbone", {}),
      obj("tf_keras.layers", "Dense", {}),
    ),
  });
  const findings = await judge(artifact);
  assert.deepEqual(findings.map((f) => f.evidence?.value), ["my_layers.blocks.Residual"]);
  assert.deepEqual(await judge(artifact, ["my_layers.**"]), []);
  assert.deepEqual(await judge(artifact, ["my_layers.blocks"]), []);
  // `*` stays within one dotted segment.
  assert.equal((await judge(artifact, ["my_layers.*.x"])).length, 1);
  assert.equal((await judge(artifact, ["other.**"])).length, 1);
  // A module that merely starts with "keras" is not Keras.
  const { "kerasx.keras": lookalike } = await readArchives({
    "kerasx.keras": sequential(obj("kerasx.layers", "Dense", {})),
  });
  assert.deepEqual((await judge(lookalike)).map((f) => f.evidence?.value), [
    "kerasx.layers.Dense",
  ]);
});

Deno.test("a config.json that is not JSON is an issue", async () => {
  const read = await readArchives({
    "broken.keras": "{not json",
    "binary.keras": new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
  });
  for (const artifact of Object.values(read)) {
    assert.equal(artifact.format, "keras", artifact.path);
    assert.deepEqual(artifact.issues, ["config.json is not UTF-8 JSON"], artifact.path);
    assert.deepEqual(artifact.embedded, []);
  }
});

Deno.test("kerasConfigItems: names, nesting and limits", () => {
  const items = kerasConfigItems(
    enc.encode(JSON.stringify([
      { class_name: "Lambda", config: {} },
      { class_name: "Lambda", config: { name: "a" } },
      { class_name: "Lambda", config: { name: "a" } },
      { module: "keras.layers", class_name: 3 },
      { wrapper: { nested: [{ module: "evil", class_name: "Thing" }] } },
    ])),
    "sub/config.json",
  );
  assert.deepEqual(items.problem, undefined);
  assert.deepEqual(
    items.items.map((i) => `${i.kind} ${i.value} ${i.where}`).sort(),
    [
      "keras-lambda ? sub/config.json",
      "keras-lambda a sub/config.json",
      "keras-module evil.Thing sub/config.json",
    ],
  );
  let deep: unknown = { module: "x", class_name: "Deep" };
  for (let i = 0; i < 200; i++) deep = { layer: deep };
  const tooDeep = kerasConfigItems(enc.encode(JSON.stringify(deep)), "config.json");
  assert.equal(tooDeep.problem, "config.json is too large or deep to walk");
  assert.deepEqual(kerasConfigItems(enc.encode("[]"), "c").items, []);
  assert.equal(kerasConfigItems(enc.encode(""), "c").problem, "c is not UTF-8 JSON");
  // A bracket bomb is a problem, not a crash; an unterminated one is not JSON.
  const bomb = kerasConfigItems(enc.encode("[".repeat(200_000) + "]".repeat(200_000)), "c");
  assert.equal(bomb.problem, "c is too large or deep to walk");
  assert.equal(kerasConfigItems(enc.encode("[".repeat(1000)), "c").problem, "c is not UTF-8 JSON");
});

// Keras 3's deserialiser turns any {"class_name": "__lambda__"} object into a function from its
// bytecode (python_utils.func_load) when safe_mode is off, wherever it sits: a Dense layer's
// activation runs it as surely as a Lambda layer does.
Deno.test("a serialised lambda outside a Lambda layer is reported", async () => {
  const activation = { class_name: "__lambda__", config: { value: [LAMBDA_CODE, null, null] } };
  const { "hidden.keras": artifact } = await readArchives({
    "hidden.keras": sequential(dense("dense", 8, activation)),
  });
  assert.equal(artifact.format, "keras");
  const findings = await judge(artifact);
  assert.equal(findings.length, 1, "no finding for a __lambda__ activation");
});
