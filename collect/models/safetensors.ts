/**
 * Validates a safetensors file from its header alone: the 8-byte little-endian length, the JSON
 * header, and every tensor's dtype, shape and `data_offsets` against the data region, which the
 * tensors must cover contiguously without overlap. The tensor bytes are never read.
 *
 * @module
 */

/** Largest header accepted, as the reference implementation (100 MB). */
export const MAX_SAFETENSORS_HEADER = 100_000_000;

const DTYPE_BYTES: Record<string, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  F8_E8M0: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
  C64: 8,
};

/** What {@linkcode checkSafetensors} found. */
export interface SafetensorsCheck {
  /** Structural problems; empty for a well-formed file. */
  issues: string[];
  /** Tensors described by the header. */
  tensors: number;
}

/**
 * The header length a safetensors file declares in its first 8 bytes, or `undefined` when fewer
 * than 8 bytes are given.
 *
 * @example
 * ```ts
 * import { safetensorsHeaderLength } from "./safetensors.ts";
 * safetensorsHeaderLength(new Uint8Array([2, 0, 0, 0, 0, 0, 0, 0])); // 2
 * ```
 */
export function safetensorsHeaderLength(first: Uint8Array): number | undefined {
  if (first.length < 8) return undefined;
  let length = 0;
  for (let i = 7; i >= 0; i--) length = length * 256 + first[i];
  return length;
}

/**
 * Check a safetensors header against the file's size.
 *
 * @param header The file's first `8 + N` bytes (more is fine; fewer is a problem).
 * @param fileSize The whole file's size in bytes.
 * @returns Issues and the tensor count.
 * @example
 * ```ts
 * import { checkSafetensors } from "./safetensors.ts";
 * const json = new TextEncoder().encode('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}');
 * const bytes = new Uint8Array(8 + json.length);
 * bytes[0] = json.length;
 * bytes.set(json, 8);
 * checkSafetensors(bytes, bytes.length + 4).issues; // []
 * ```
 */
export function checkSafetensors(header: Uint8Array, fileSize: number): SafetensorsCheck {
  const issues: string[] = [];
  const done = (tensors = 0) => ({ issues, tensors });
  const length = safetensorsHeaderLength(header);
  if (length === undefined) return issues.push("safetensors file shorter than 8 bytes"), done();
  if (length > MAX_SAFETENSORS_HEADER) {
    return issues.push(`safetensors header of ${length} bytes exceeds ${MAX_SAFETENSORS_HEADER}`),
      done();
  }
  if (length > fileSize - 8) {
    return issues.push(`safetensors header length ${length} runs past the end of the file`), done();
  }
  if (header.length < 8 + length) return issues.push("safetensors header truncated"), done();
  let parsed: unknown;
  try {
    parsed = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(header.subarray(8, 8 + length)),
    );
  } catch {
    return issues.push("safetensors header is not valid UTF-8 JSON"), done();
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return issues.push("safetensors header is not a JSON object"), done();
  }
  const dataSize = fileSize - 8 - length;
  const ranges: { name: string; begin: number; end: number }[] = [];
  for (const [name, value] of Object.entries(parsed)) {
    if (name === "__metadata__") {
      checkMetadata(value, issues);
      continue;
    }
    const range = checkTensor(name, value, dataSize, issues);
    if (range) ranges.push(range);
  }
  ranges.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const range of ranges) {
    if (range.begin < covered) {
      issues.push(`tensor ${range.name} overlaps another tensor's bytes`);
    } else if (range.begin > covered) {
      issues.push(`bytes ${covered}–${range.begin} of the data region belong to no tensor`);
    }
    covered = Math.max(covered, range.end);
  }
  if (covered < dataSize) {
    issues.push(`bytes ${covered}–${dataSize} of the data region belong to no tensor`);
  }
  return done(ranges.length);
}

function checkMetadata(value: unknown, issues: string[]): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    issues.push("__metadata__ is not an object");
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== "string") issues.push(`__metadata__.${key} is not a string`);
  }
}

function checkTensor(
  name: string,
  value: unknown,
  dataSize: number,
  issues: string[],
): { name: string; begin: number; end: number } | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    issues.push(`tensor ${name} is not an object`);
    return undefined;
  }
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  const isCount = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    issues.push(`tensor ${name} has no valid data_offsets`);
    return undefined;
  }
  const [begin, end] = offsets as number[];
  if (begin > end || end > dataSize) {
    issues.push(
      `tensor ${name} data_offsets [${begin}, ${end}] outside the data region (${dataSize} bytes)`,
    );
    return undefined;
  }
  const size = typeof dtype === "string" ? DTYPE_BYTES[dtype] : undefined;
  if (size === undefined) issues.push(`tensor ${name} has unknown dtype ${String(dtype)}`);
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    issues.push(`tensor ${name} has no valid shape`);
  } else if (size !== undefined) {
    const expected = shape.reduce((product: number, dim: number) => product * dim, 1) * size;
    if (expected !== end - begin) {
      issues.push(
        `tensor ${name}: ${dtype} ${JSON.stringify(shape)} needs ${expected} bytes, offsets give ${
          end - begin
        }`,
      );
    }
  }
  return { name, begin, end };
}
