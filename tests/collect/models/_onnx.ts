import { concat } from "../../_bytes.ts";
import { readOnnx } from "../../../collect/models/_onnx.ts";
import { bufferSource } from "../../../collect/zip.ts";
import { readModelFile } from "../../../collect/models/model_files.ts";
import { noEmbeddedCode } from "../../../checks/artifact/mod.ts";
import { Artifact } from "../../../core/snapshot_models.ts";
import { runCheck, snapshotOf } from "../../../testing.ts";

export const enc = new TextEncoder();

/** Protobuf base-128 varint. */
export function varint(value: number | bigint): Uint8Array {
  let n = BigInt(value);
  const out: number[] = [];
  do {
    const byte = Number(n & 0x7fn);
    n >>= 7n;
    out.push(n > 0n ? byte | 0x80 : byte);
  } while (n > 0n);
  return new Uint8Array(out);
}

export const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

export const tag = (field: number, wire: number) => varint(field * 8 + wire);

/** Field `field` as a varint. */
export const int = (field: number, value: number | bigint) =>
  concat(tag(field, WIRE.varint), varint(value));

/** Field `field` as length-delimited bytes. */
export const bytes = (field: number, data: Uint8Array) =>
  concat(tag(field, WIRE.bytes), varint(data.length), data);

export const str = (field: number, text: string) => bytes(field, enc.encode(text));

/** An embedded message: its fields, concatenated. */
export const msg = (field: number, ...fields: Uint8Array[]) => bytes(field, concat(...fields));

export const f32 = (field: number, value: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, value, true);
  return concat(tag(field, WIRE.fixed32), b);
};

export const f64 = (field: number, value: number) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, value, true);
  return concat(tag(field, WIRE.fixed64), b);
};

// onnx.proto field numbers.
export const MODEL = {
  irVersion: 1,
  producerName: 2,
  producerVersion: 3,
  graph: 7,
  opsetImport: 8,
};

export const GRAPH = {
  node: 1,
  name: 2,
  initializer: 5,
  input: 11,
  output: 12,
  sparseInitializer: 15,
};

export const NODE = { input: 1, output: 2, name: 3, opType: 4, attribute: 5 };

export const ATTR = { name: 1, f: 2, i: 3, t: 5, g: 6, tensors: 10, graphs: 11, type: 20 };

export const ATTR_TYPE = { FLOAT: 1, INT: 2, TENSOR: 4, GRAPH: 5, TENSORS: 9, GRAPHS: 10 };

export const TENSOR = {
  dims: 1,
  dataType: 2,
  floatData: 4,
  name: 8,
  rawData: 9,
  doubleData: 10,
  externalData: 13,
  dataLocation: 14,
};

export const FLOAT = 1;

export const EXTERNAL = 1;

/** A 2×2 float tensor with its bytes inline. */
export function rawTensor(field: number, name: string): Uint8Array {
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
export function externalTensor(field: number, name: string, location: string): Uint8Array {
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
export function valueInfo(field: number, name: string): Uint8Array {
  const dim = (n: number) => msg(1, int(1, n));
  return msg(field, str(1, name), msg(2, msg(1, int(1, FLOAT), msg(2, dim(2), dim(2)))));
}

/** A Gemm node y = x·w + b with float and int attributes. */
export function gemm(field: number): Uint8Array {
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
export function model(graph: Uint8Array[], ...extra: Uint8Array[]): Uint8Array {
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
export function gemmGraph(...initializers: Uint8Array[]): Uint8Array[] {
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

export const read = (data: Uint8Array) => readOnnx(bufferSource(data));

export async function judged(data: Uint8Array, file = "models/model.onnx") {
  const artifact = await readModelFile(data, { path: file });
  Artifact.parse(artifact);
  return {
    artifact,
    findings: await runCheck(noEmbeddedCode(), snapshotOf({ artifacts: [artifact] })),
  };
}
