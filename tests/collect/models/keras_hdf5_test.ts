import assert from "node:assert/strict";
import * as path from "node:path";
import { hdf5ConfigItems } from "../../../collect/models/_keras.ts";
import { readModelFile } from "../../../collect/models/model_files.ts";
import { collect } from "../../../collect/mod.ts";
import { noEmbeddedCode } from "../../../checks/artifact/mod.ts";
import { Artifact } from "../../../core/snapshot_models.ts";
import { runCheck } from "../../../testing.ts";
import {
  dense,
  enc,
  HDF5_MAGIC,
  judge,
  LAMBDA_LAYER,
  members,
  sequential,
  WEIGHTS,
  writeArchives,
} from "./_keras.ts";

const hdf5HasLambda = (bytes: Uint8Array) =>
  hdf5ConfigItems(bytes).some((item) => item.kind === "keras-lambda");

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
