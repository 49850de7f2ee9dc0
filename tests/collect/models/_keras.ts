import assert from "node:assert/strict";
import { noEmbeddedCode } from "../../../checks/artifact/mod.ts";
import { Artifact } from "../../../core/snapshot_models.ts";
import { runCheck, snapshotOf } from "../../../testing.ts";

export const enc = new TextEncoder();

export const HDF5_MAGIC = new Uint8Array([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Stands for base64 marshal of a lambda's code object; the Python builder fills it in. */
export const LAMBDA_CODE = "@LAMBDA_CODE@";

/** A member: text, or bytes. */
export type Member = string | Uint8Array;

/**
 * Write `.keras` archives with Python's zipfile, as Keras does, into `dir`. `@LAMBDA_CODE@` in a
 * text member becomes real base64 marshal of `lambda x: x`'s code, as Keras 3 stores it.
 */
export async function writeArchives(
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

export const toHex = (data: Uint8Array) =>
  [...data].map((b) => b.toString(16).padStart(2, "0")).join("");

/** A Keras 3 serialised object: module, class_name, config, registered_name. */
export function obj(
  module: string,
  className: string,
  config: unknown = {},
): Record<string, unknown> {
  return { module, class_name: className, config, registered_name: null };
}

export const DTYPE = obj("keras", "DTypePolicy", { name: "float32" });

export function dense(name: string, units: number, activation: unknown = "relu") {
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
export function sequential(...layers: unknown[]): string {
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

export const METADATA = JSON.stringify({
  keras_version: "3.4.1",
  date_saved: "2024-07-01@12:00:00",
});

/** What model.weights.h5 starts with; the rest is not looked at. */
export const WEIGHTS = new Uint8Array([...HDF5_MAGIC, ...new Uint8Array(248)]);

export const LAMBDA_LAYER = obj("keras.layers", "Lambda", {
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
export const members = (config: Member): Record<string, Member> => ({
  "metadata.json": METADATA,
  "config.json": config,
  "model.weights.h5": WEIGHTS,
});

export const judge = (artifact: Artifact, kerasModules: string[] = []) =>
  runCheck(noEmbeddedCode({ kerasModules }), snapshotOf({ artifacts: [artifact] }));
