/**
 * What a Keras model's configuration makes the loader do: `Lambda` layers carry Python bytecode,
 * and every `module` reference is imported by Keras 3's deserialiser (`.keras` archives'
 * `config.json`). Legacy HDF5 files keep their JSON configuration as a string attribute; every
 * JSON object among the file's first bytes is read the same way.
 *
 * @module
 */
import type { EmbeddedItem } from "../../core/snapshot_models.ts";

const MAX_NODES = 1_000_000;
const MAX_DEPTH = 128;

/**
 * List Lambda layers and module references in a `.keras` `config.json`.
 *
 * @param bytes The member's bytes.
 * @param where The member name, recorded with each item.
 * @returns Items found, or a problem when the JSON is unreadable or too large to walk.
 * @example
 * ```ts
 * import { kerasConfigItems } from "./_keras.ts";
 * const config = { class_name: "Lambda", module: "keras.layers", config: { name: "run" } };
 * kerasConfigItems(new TextEncoder().encode(JSON.stringify(config)), "config.json").items.length; // 2
 * ```
 */
export function kerasConfigItems(
  bytes: Uint8Array,
  where: string,
): { items: EmbeddedItem[]; problem?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return { items: [], problem: `${where} is not UTF-8 JSON` };
  }
  const items = new Map<string, EmbeddedItem>();
  const stack: { value: unknown; depth: number; inLambda?: boolean }[] = [
    { value: parsed, depth: 0 },
  ];
  let nodes = 0;
  while (stack.length > 0) {
    const { value, depth, inLambda } = stack.pop()!;
    if (++nodes > MAX_NODES || depth > MAX_DEPTH) {
      return { items: [...items.values()], problem: `${where} is too large or deep to walk` };
    }
    if (Array.isArray(value)) {
      for (const item of value) stack.push({ value: item, depth: depth + 1, inLambda });
      continue;
    }
    if (typeof value !== "object" || value === null) continue;
    const record = value as Record<string, unknown>;
    const className = typeof record.class_name === "string" ? record.class_name : undefined;
    const config = record.config as Record<string, unknown> | undefined;
    if (className === "Lambda") {
      const name = typeof config?.name === "string" ? config.name : "?";
      items.set(`lambda:${name}`, { kind: "keras-lambda", value: name, where });
    } else if (className === "__lambda__" && !inLambda) {
      // Keras 3 serialises a Python lambda (marshalled bytecode) wherever a function goes.
      items.set(`lambda:__lambda__:${items.size}`, {
        kind: "keras-lambda",
        value: "__lambda__",
        where,
      });
    }
    if (typeof record.module === "string" && className !== undefined) {
      // {"module": "builtins", "class_name": "function", "config": "eval"} imports builtins.eval.
      const value = className === "function" && typeof record.config === "string"
        ? `${record.module}.${record.config}`
        : `${record.module}.${className}`;
      items.set(`module:${value}`, { kind: "keras-module", value, where });
    }
    const lambda = inLambda || className === "Lambda";
    for (const child of Object.values(record)) {
      stack.push({ value: child, depth: depth + 1, inLambda: lambda });
    }
  }
  return { items: [...items.values()] };
}

/** JSON text parsed per candidate, and over all candidates, in an HDF5 file. */
const MAX_CANDIDATE = 16 * 1024 * 1024;
const MAX_SCANNED = 64 * 1024 * 1024;

/**
 * The Keras configuration items in an HDF5 file's bytes: every JSON object in them (Keras keeps
 * `model_config` as a JSON string attribute, contiguous in the file) is parsed and walked as a
 * `.keras` configuration is, so escapes and spacing in the JSON change nothing.
 *
 * @example
 * ```ts
 * import { hdf5ConfigItems } from "./_keras.ts";
 * hdf5ConfigItems(new TextEncoder().encode('\x89HDF {"class_name" : "Lambda", "config": {}}'))[0].kind; // "keras-lambda"
 * ```
 */
export function hdf5ConfigItems(bytes: Uint8Array): EmbeddedItem[] {
  const items: EmbeddedItem[] = [];
  let scanned = 0;
  for (let at = objectStart(bytes, 0); at >= 0;) {
    const end = jsonObjectEnd(bytes, at, Math.min(bytes.length, at + MAX_CANDIDATE));
    scanned += (end ?? Math.min(bytes.length, at + MAX_CANDIDATE)) - at;
    if (end !== undefined) {
      const found = kerasConfigItems(bytes.subarray(at, end), "model_config");
      if (!found.problem) items.push(...found.items);
      at = objectStart(bytes, end);
    } else at = objectStart(bytes, at + 1);
    if (scanned > MAX_SCANNED) break;
  }
  return items;
}

/** The next `{` followed (after JSON whitespace) by `"`: where a JSON object may start. */
function objectStart(bytes: Uint8Array, from: number): number {
  for (let at = bytes.indexOf(0x7b, from); at >= 0; at = bytes.indexOf(0x7b, at + 1)) {
    let k = at + 1;
    while (bytes[k] === 0x20 || bytes[k] === 0x0a || bytes[k] === 0x0d || bytes[k] === 0x09) k++;
    if (bytes[k] === 0x22) return at;
  }
  return -1;
}

/** Where the JSON object starting at `from` ends (just past its `}`), string-aware, or undefined. */
function jsonObjectEnd(bytes: Uint8Array, from: number, limit: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = from; i < limit; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === 0x5c) i++;
      else if (byte === 0x22) inString = false;
      else if (byte < 0x20) return undefined; // control bytes never sit inside a JSON string
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x7b || byte === 0x5b) depth++;
    else if (byte === 0x7d || byte === 0x5d) {
      if (--depth === 0) return i + 1;
    } else if (byte < 0x09 || (byte > 0x0d && byte < 0x20) || byte > 0x7e) return undefined;
  }
  return undefined;
}

/**
 * Offset of `needle` in `bytes`, or -1.
 *
 * @example
 * ```ts
 * import { indexOfBytes } from "./_keras.ts";
 * indexOfBytes(new Uint8Array([1, 2, 3]), new Uint8Array([2, 3])); // 1
 * ```
 */
export function indexOfBytes(bytes: Uint8Array, needle: Uint8Array, from = 0): number {
  const first = needle[0];
  for (let i = bytes.indexOf(first, from); i >= 0; i = bytes.indexOf(first, i + 1)) {
    if (i + needle.length > bytes.length) return -1;
    let j = 1;
    while (j < needle.length && bytes[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}
