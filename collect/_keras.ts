/**
 * What a Keras model's configuration makes the loader do: `Lambda` layers carry Python bytecode,
 * and every `module` reference is imported by Keras 3's deserialiser (`.keras` archives'
 * `config.json`). Legacy HDF5 files keep their JSON configuration as an attribute near the start
 * of the file; it is searched for Lambda layers as bytes.
 *
 * @module
 */
import type { EmbeddedItem } from "../core/snapshot_models.ts";

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
  const stack: { value: unknown; depth: number }[] = [{ value: parsed, depth: 0 }];
  let nodes = 0;
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (++nodes > MAX_NODES || depth > MAX_DEPTH) {
      return { items: [...items.values()], problem: `${where} is too large or deep to walk` };
    }
    if (Array.isArray(value)) {
      for (const item of value) stack.push({ value: item, depth: depth + 1 });
      continue;
    }
    if (typeof value !== "object" || value === null) continue;
    const record = value as Record<string, unknown>;
    const className = typeof record.class_name === "string" ? record.class_name : undefined;
    if (className === "Lambda") {
      const config = record.config as Record<string, unknown> | undefined;
      const name = typeof config?.name === "string" ? config.name : "?";
      items.set(`lambda:${name}`, { kind: "keras-lambda", value: name, where });
    }
    if (typeof record.module === "string" && className !== undefined) {
      const value = `${record.module}.${className}`;
      items.set(`module:${value}`, { kind: "keras-module", value, where });
    }
    for (const child of Object.values(record)) stack.push({ value: child, depth: depth + 1 });
  }
  return { items: [...items.values()] };
}

const LAMBDA = [
  new TextEncoder().encode('"class_name": "Lambda"'),
  new TextEncoder().encode('"class_name":"Lambda"'),
];

/**
 * Whether an HDF5 file's bytes hold a Lambda layer in a Keras JSON configuration.
 *
 * @example
 * ```ts
 * import { hdf5HasLambda } from "./_keras.ts";
 * hdf5HasLambda(new TextEncoder().encode('{"class_name": "Lambda"}')); // true
 * ```
 */
export function hdf5HasLambda(bytes: Uint8Array): boolean {
  return LAMBDA.some((needle) => indexOfBytes(bytes, needle) >= 0);
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
export function indexOfBytes(bytes: Uint8Array, needle: Uint8Array): number {
  const first = needle[0];
  for (let i = bytes.indexOf(first); i >= 0; i = bytes.indexOf(first, i + 1)) {
    if (i + needle.length > bytes.length) return -1;
    let j = 1;
    while (j < needle.length && bytes[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}
