/**
 * Validates an ONNX file as protobuf (`ModelProto`) and lists the external-data paths its tensors
 * name, descending only into the messages that can hold tensors: graphs, nodes, attributes,
 * training info, functions and sparse tensors. Payloads are skipped, never read, so a 2 GB
 * model costs its field headers. A file that does not parse to its last byte is not ONNX.
 *
 * @module
 */
import { ByteReader, ByteReaderEnd } from "./_byte_reader.ts";
import type { ByteSource } from "../zip.ts";

/** What {@linkcode readOnnx} found. */
export interface OnnxRead {
  /** Why the file is not a valid ONNX protobuf; empty when it is. */
  problems: string[];
  /** `location` values of tensors stored as external data. */
  externalData: string[];
}

type Message =
  | "model"
  | "graph"
  | "node"
  | "attribute"
  | "training"
  | "function"
  | "sparse"
  | "tensor";

/** For each message, the fields that hold another message worth descending into. */
const CHILDREN: Readonly<Record<Message, Readonly<Record<number, Message>>>> = {
  model: { 7: "graph", 20: "training", 25: "function" },
  graph: { 1: "node", 5: "tensor", 15: "sparse" },
  node: { 5: "attribute" },
  attribute: { 5: "tensor", 6: "graph", 10: "tensor", 11: "graph", 22: "sparse", 23: "sparse" },
  training: { 1: "graph", 2: "graph" },
  function: { 7: "node" },
  sparse: { 1: "tensor", 2: "tensor" },
  tensor: {},
};
const EXTERNAL_DATA = 13;
const MAX_DEPTH = 32;
const MAX_FIELDS = 10_000_000;
const MAX_PATHS = 10_000;

class OnnxError extends Error {}

/**
 * Parse an ONNX model's protobuf structure and collect its external-data paths.
 *
 * @example
 * ```ts
 * import { readOnnx } from "./_onnx.ts";
 * import { bufferSource } from "../zip.ts";
 * (await readOnnx(bufferSource(new Uint8Array([0x08, 0x07])))).problems; // []
 * ```
 */
export async function readOnnx(source: ByteSource): Promise<OnnxRead> {
  const result: OnnxRead = { problems: [], externalData: [] };
  const reader = new ByteReader(source);
  const budget = { fields: 0 };
  try {
    await walk(reader, source.size, "model", 0, budget, result);
  } catch (error) {
    if (error instanceof OnnxError || error instanceof ByteReaderEnd) {
      result.problems.push(`not a valid ONNX protobuf: ${error.message}`);
    } else throw error;
  }
  return result;
}

async function walk(
  reader: ByteReader,
  end: number,
  message: Message,
  depth: number,
  budget: { fields: number },
  result: OnnxRead,
): Promise<void> {
  if (depth > MAX_DEPTH) throw new OnnxError("messages nested too deeply");
  while (reader.pos < end) {
    if (++budget.fields > MAX_FIELDS) throw new OnnxError(`more than ${MAX_FIELDS} fields`);
    const at = reader.pos;
    const key = await reader.varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (field === 0) throw new OnnxError(`field number 0 at offset ${at}`);
    if (wire === 0) await reader.varint();
    else if (wire === 1) reader.skip(8);
    else if (wire === 5) reader.skip(4);
    else if (wire === 2) {
      const length = await reader.varint();
      const stop = reader.pos + length;
      if (stop > end) throw new OnnxError(`field ${field} at offset ${at} runs past its message`);
      const child = CHILDREN[message][field];
      if (child !== undefined) await walk(reader, stop, child, depth + 1, budget, result);
      else if (message === "tensor" && field === EXTERNAL_DATA) {
        const location = await externalLocation(reader, stop);
        if (location !== undefined && result.externalData.length < MAX_PATHS) {
          result.externalData.push(location);
        }
      } else reader.skip(length);
      if (reader.pos !== stop) throw new OnnxError(`field ${field} at offset ${at} is damaged`);
    } else throw new OnnxError(`wire type ${wire} at offset ${at}`);
  }
  if (reader.pos !== end) throw new OnnxError("a message runs past its end");
}

/** A `StringStringEntryProto` (key 1, value 2): the value when the key is `location`. */
async function externalLocation(reader: ByteReader, end: number): Promise<string | undefined> {
  const decoder = new TextDecoder();
  let key: string | undefined;
  let value: string | undefined;
  while (reader.pos < end) {
    const tag = await reader.varint();
    if (tag % 8 !== 2) throw new OnnxError("external_data entry is not two strings");
    const length = await reader.varint();
    if (reader.pos + length > end) throw new OnnxError("external_data entry runs past its end");
    const text = decoder.decode(await reader.bytes(length));
    if (tag >> 3 === 1) key = text;
    else if (tag >> 3 === 2) value = text;
  }
  return key === "location" ? value : undefined;
}
