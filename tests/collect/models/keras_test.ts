// Keras models: `.keras` archives written by python3's zipfile (config.json, metadata.json,
// model.weights.h5) and legacy HDF5 files, read by readModelFile and judged by
// artifact.no-embedded-code (Lambda layers, modules outside Keras).
import assert from "node:assert/strict";
import * as path from "node:path";
import { hdf5ConfigItems, kerasConfigItems } from "../../../collect/models/_keras.ts";

const hdf5HasLambda = (bytes: Uint8Array) =>
  hdf5ConfigItems(bytes).some((item) => item.kind === "keras-lambda");
import { readModelFile } from "../../../collect/models/model_files.ts";
import { collect } from "../../../collect/mod.ts";
import { noEmbeddedCode } from "../../../checks/artifact/mod.ts";
import { Artifact } from "../../../core/snapshot_models.ts";
import { runCheck, snapshotOf } from "../../../testing.ts";

const enc = new TextEncoder();
const HDF5_MAGIC = new Uint8Array([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Stands for base64 marshal of a lambda's code object; the Python builder fills it in. */
const LAMBDA_CODE = "@LAMBDA_CODE@";

/** A member: text, or bytes. */
type Member = string | Uint8Array;

/**
 * Write `.keras` archives with Python's zipfile, as Keras does, into `dir`. `@LAMBDA_CODE@` in a
 * text member becomes real base64 marshal of `lambda x: x`'s code, as Keras 3 stores it.
 */
async function writeArchives(
  dir: string,
  archives: Record<string, { members: Record<string, Member>; deflate?: boolean }>,
): Promise<void> {
  const spec = Object.fromEntries(
    Object.entries(archives).map(([name, { members, deflate }]) => [name, {
      deflate: deflate ?? false,
      members: Object.fromEntries(
        Object.entries(members).map((
          [member, data],
        ) => [member, typeof data === "string" ? { text: data } : { hex: toHex(data) }]),
      ),
    }]),
  );
  const script = `
import base64, json, marshal, sys, zipfile
code = base64.b64encode(marshal.dumps((lambda x: x).__code__)).decode("ascii")
spec = json.loads(sys.argv[2])
for name, archive in spec.items():
    method = zipfile.ZIP_DEFLATED if archive["deflate"] else zipfile.ZIP_STORED
    with zipfile.ZipFile(sys.argv[1] + "/" + name, "w", method) as z:
        for member, data in archive["members"].items():
            if "text" in data:
                z.writestr(member, data["text"].replace("${LAMBDA_CODE}", code))
            else:
                z.writestr(member, bytes.fromhex(data["hex"]))
`;
  const output = await new Deno.Command("python3", {
    args: ["-c", script, dir, JSON.stringify(spec)],
  }).output();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
}

const toHex = (data: Uint8Array) => [...data].map((b) => b.toString(16).padStart(2, "0")).join("");

/** A Keras 3 serialised object: module, class_name, config, registered_name. */
function obj(module: string, className: string, config: unknown = {}): Record<string, unknown> {
  return { module, class_name: className, config, registered_name: null };
}

const DTYPE = obj("keras", "DTypePolicy", { name: "float32" });

function dense(name: string, units: number, activation: unknown = "relu") {
  return {
    ...obj("keras.layers", "Dense", {
      name,
      trainable: true,
      dtype: DTYPE,
      units,
      activation,
      use_bias: true,
      kernel_initializer: obj("keras.initializers", "GlorotUniform", { seed: null }),
      bias_initializer: obj("keras.initializers", "Zeros"),
      kernel_regularizer: null,
      bias_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
    }),
    build_config: { input_shape: [null, 4] },
  };
}

/** A Sequential model's config.json around its layers. */
function sequential(...layers: unknown[]): string {
  return JSON.stringify({
    ...obj("keras", "Sequential", {
      name: "sequential",
      trainable: true,
      dtype: DTYPE,
      layers: [
        obj("keras.layers", "InputLayer", {
          batch_shape: [null, 4],
          dtype: "float32",
          sparse: false,
          name: "input_layer",
        }),
        ...layers,
      ],
      build_input_shape: [null, 4],
    }),
    build_config: { input_shape: [null, 4] },
    compile_config: {
      optimizer: obj("keras.optimizers", "Adam", { name: "adam", learning_rate: 0.001 }),
      loss: "mse",
      metrics: null,
    },
  });
}

const METADATA = JSON.stringify({ keras_version: "3.4.1", date_saved: "2024-07-01@12:00:00" });
/** What model.weights.h5 starts with; the rest is not looked at. */
const WEIGHTS = new Uint8Array([...HDF5_MAGIC, ...new Uint8Array(248)]);

const LAMBDA_LAYER = obj("keras.layers", "Lambda", {
  name: "evil",
  trainable: true,
  dtype: DTYPE,
  function: {
    class_name: "__lambda__",
    config: { code: LAMBDA_CODE, defaults: null, closure: null },
  },
  arguments: {},
});

/** The archive members of a model with this config.json. */
const members = (config: Member): Record<string, Member> => ({
  "metadata.json": METADATA,
  "config.json": config,
  "model.weights.h5": WEIGHTS,
});

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

const judge = (artifact: Artifact, kerasModules: string[] = []) =>
  runCheck(noEmbeddedCode({ kerasModules }), snapshotOf({ artifacts: [artifact] }));

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

/** A legacy HDF5 file: the magic, some structure, and the JSON attribute somewhere after. */
function hdf5(json: string): Uint8Array {
  return new Uint8Array([
    ...HDF5_MAGIC,
    ...new Uint8Array(504),
    ...enc.encode("model_config"),
    0,
    ...enc.encode(json),
    ...new Uint8Array(512),
  ]);
}

const LEGACY_LAMBDA = JSON.stringify(
  {
    class_name: "Sequential",
    config: {
      name: "sequential",
      layers: [
        { class_name: "Dense", config: { name: "dense", units: 8, activation: "relu" } },
        {
          class_name: "Lambda",
          config: {
            name: "evil",
            function: [
              "4wEAAAAAAAAAAAAAAAEAAAACAAAAQwAAAHMEAAAAfABTACkBTqkAKQHaAXhyAQAAAHIBAAAA",
              null,
              null,
            ],
            function_type: "lambda",
          },
        },
      ],
    },
  },
  null,
  1,
);

Deno.test("a legacy HDF5 file with a Lambda layer is an error", async () => {
  const artifact = await readModelFile(hdf5(LEGACY_LAMBDA), { path: "models/legacy.h5" });
  Artifact.parse(artifact);
  assert.equal(artifact.format, "keras");
  assert.deepEqual(artifact.issues, []);
  assert.deepEqual(artifact.embedded, [{
    kind: "keras-lambda",
    value: "evil",
    where: "model_config",
  }]);
  const findings = await judge(artifact);
  assert.equal(findings.length, 1);
  assert.equal(findings[0].severity, "error");
  assert.match(findings[0].message, /^models\/legacy\.h5 \(keras\): Keras Lambda layer/);
  // Compact JSON too.
  const compact = await readModelFile(hdf5(LEGACY_LAMBDA.replaceAll(/\s+/g, "")), {
    path: "m.h5",
  });
  assert.equal(compact.embedded.length, 1);
  // Whatever the extension: the magic decides.
  assert.equal(
    (await readModelFile(hdf5(LEGACY_LAMBDA), { path: "weights.bin" })).embedded.length,
    1,
  );
});

Deno.test("an HDF5 file without a Lambda layer embeds nothing", async () => {
  const plain = LEGACY_LAMBDA.replace('"Lambda"', '"Dropout"');
  for (const bytes of [hdf5(plain), HDF5_MAGIC, WEIGHTS]) {
    const artifact = await readModelFile(bytes, { path: "models/plain.h5" });
    assert.deepEqual(
      [artifact.format, artifact.embedded, artifact.issues, artifact.globals],
      ["keras", [], [], []],
    );
    assert.deepEqual(await judge(artifact), []);
  }
  // The word alone, or a layer named Lambda, is not a Lambda layer.
  assert.equal(hdf5HasLambda(enc.encode('{"class_name": "Dense", "name": "Lambda"}')), false);
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

Deno.test("collected from a project: the Lambda archive and the Lambda HDF5 file fail", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tollgate-keras-" });
  try {
    await Deno.mkdir(path.join(dir, "models"));
    await writeArchives(path.join(dir, "models"), {
      "ok.keras": { members: members(sequential(dense("dense", 8))) },
      "evil.keras": { members: members(sequential(LAMBDA_LAYER)) },
    });
    await Deno.writeFile(path.join(dir, "models", "legacy.h5"), hdf5(LEGACY_LAMBDA));
    const snapshot = await collect({ root: dir, env: {} });
    const formats = Object.fromEntries(snapshot.artifacts.map((a) => [a.path, a.format]));
    assert.deepEqual(formats, {
      "models/evil.keras": "keras",
      "models/legacy.h5": "keras",
      "models/ok.keras": "keras",
    });
    const findings = await runCheck(noEmbeddedCode(), snapshot);
    assert.deepEqual(findings.map((f) => f.subject).sort(), [
      "models/evil.keras",
      "models/legacy.h5",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
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

// json.loads reads all of these as {"class_name": "Lambda"}; the legacy loader builds the layer.
Deno.test("Lambda layers in HDF5 configurations are found however the JSON is spaced or escaped", () => {
  const spellings = [
    '{"class_name" : "Lambda", "config": {"name": "evil"}}',
    '{"class_name":  "Lambda", "config": {"name": "evil"}}',
    '{"class_name":\n"Lambda", "config": {"name": "evil"}}',
    '{"class_name": "\\u004cambda", "config": {"name": "evil"}}',
    '{"\\u0063lass_name": "Lambda", "config": {"name": "evil"}}',
  ];
  for (const json of spellings) {
    assert.equal(JSON.parse(json).class_name, "Lambda");
  }
  const missed = spellings.filter((json) => !hdf5HasLambda(hdf5(json)));
  assert.deepEqual(missed, [], "Lambda layers hdf5HasLambda did not see");
});
