/**
 * Validates a GGUF file (llama.cpp's model format) field by field: header, every metadata
 * key/value and every tensor description, with tensor offsets inside the data region. A file
 * that merely starts with `GGUF` (a pickle can: `G` is BINFLOAT) fails validation, so the caller
 * scans it as what it is. Chat templates (Jinja, run by the serving stack) are returned for the
 * caller to inspect.
 *
 * @module
 */
import { ByteReader, ByteReaderEnd } from "./_byte_reader.ts";
import type { ByteSource } from "../zip.ts";

/** What {@linkcode readGguf} found. */
export interface GgufRead {
  /** Why the file is not valid GGUF; empty when it is. */
  problems: string[];
  /** Metadata strings holding chat templates (`tokenizer.chat_template*`), by key. */
  templates: { key: string; value: string }[];
  /** Tensors described. */
  tensors: number;
}

/** Bytes of metadata and tensor descriptions read before giving up (vocabularies are large). */
export const MAX_GGUF_HEADER = 256 * 1024 * 1024;
const MAX_COUNT = 10_000_000;
const MAX_STRING = 64 * 1024 * 1024;
const MAX_DIMS = 4;
const ARRAY = 9;
const STRING = 8;
const SCALAR_BYTES: Readonly<Record<number, 1 | 2 | 4 | 8>> = {
  0: 1,
  1: 1,
  2: 2,
  3: 2,
  4: 4,
  5: 4,
  6: 4,
  7: 1,
  10: 8,
  11: 8,
  12: 8,
};

/**
 * Read and validate a GGUF file's header, metadata and tensor descriptions.
 *
 * @example
 * ```ts
 * import { readGguf } from "./_gguf.ts";
 * import { bufferSource } from "../zip.ts";
 * const pickle = new TextEncoder().encode("GGUF\x03\0\0\0cos\nsystem\n");
 * (await readGguf(bufferSource(pickle))).problems.length > 0; // true
 * ```
 */
export async function readGguf(source: ByteSource): Promise<GgufRead> {
  const result: GgufRead = { problems: [], templates: [], tensors: 0 };
  const reader = new ByteReader(source, {
    start: 4,
    limit: Math.min(source.size, MAX_GGUF_HEADER),
  });
  try {
    const version = await reader.u32();
    if (version < 1 || version > 3) throw new GgufError(`unknown GGUF version ${version}`);
    const wide = version >= 2;
    const count = () => wide ? reader.uint(8) : reader.u32();
    const text = async () => {
      const length = await count();
      if (length > MAX_STRING) throw new GgufError(`string of ${length} bytes`);
      return new TextDecoder("utf-8", { fatal: true }).decode(await reader.bytes(length));
    };
    const tensorCount = await count();
    const kvCount = await count();
    if (tensorCount > MAX_COUNT || kvCount > MAX_COUNT) {
      throw new GgufError(`implausible counts (${tensorCount} tensors, ${kvCount} metadata keys)`);
    }
    let alignment = 32;
    for (let i = 0; i < kvCount; i++) {
      const key = await text();
      const type = await reader.u32();
      if (type === STRING) {
        const value = await text();
        if (/^tokenizer\.chat_template/.test(key)) result.templates.push({ key, value });
      } else if (type === ARRAY) {
        const itemType = await reader.u32();
        const items = await count();
        if (items > MAX_COUNT) throw new GgufError(`array ${key} of ${items} items`);
        if (itemType === STRING) { for (let j = 0; j < items; j++) await text(); }
        else if (Object.hasOwn(SCALAR_BYTES, itemType)) reader.skip(items * SCALAR_BYTES[itemType]);
        else throw new GgufError(`array ${key} of unknown type ${itemType}`);
      } else if (key === "general.alignment" && type === 4) {
        alignment = await reader.u32();
      } else if (Object.hasOwn(SCALAR_BYTES, type)) {
        reader.skip(SCALAR_BYTES[type]); // values of any magnitude (f64, i64, u64) are valid
      } else throw new GgufError(`metadata ${key} has unknown type ${type}`);
    }
    if (alignment === 0 || alignment % 8 !== 0) throw new GgufError(`alignment ${alignment}`);
    const offsets: number[] = [];
    for (let i = 0; i < tensorCount; i++) {
      const name = await text();
      const dims = await reader.u32();
      if (dims > MAX_DIMS) throw new GgufError(`tensor ${name} has ${dims} dimensions`);
      for (let d = 0; d < dims; d++) await count();
      const type = await reader.u32();
      if (type > 255) throw new GgufError(`tensor ${name} has unknown type ${type}`);
      const offset = await reader.uint(8);
      if (offset % alignment !== 0) throw new GgufError(`tensor ${name} offset not aligned`);
      offsets.push(offset);
    }
    const dataStart = Math.ceil(reader.pos / alignment) * alignment;
    const dataSize = source.size - dataStart;
    if (tensorCount > 0 && dataSize < 0) throw new GgufError("no tensor data after the header");
    for (const offset of offsets) {
      if (offset >= Math.max(dataSize, 0)) {
        throw new GgufError(`a tensor offset (${offset}) lies past the end of the file`);
      }
    }
    result.tensors = offsets.length;
  } catch (error) {
    if (error instanceof GgufError || error instanceof ByteReaderEnd) {
      result.problems.push(`not valid GGUF: ${error.message}`);
    } else if (error instanceof TypeError) {
      result.problems.push("not valid GGUF: a string is not UTF-8");
    } else throw error;
  }
  return result;
}

class GgufError extends Error {}
