/**
 * Symbolic values for the pickle walker: just enough of what a pickle builds to resolve
 * `STACK_GLOBAL` operands and to size joblib's inline NumPy buffers — never real objects, and
 * every container holds a bounded number of items.
 *
 * @module
 */
import type { PickleGlobal } from "../../core/snapshot_models.ts";

/** A value on the walker's stack or in its memo. */
export type PickleValue =
  | { kind: "str"; value: string }
  | { kind: "int"; value: number }
  | { kind: "tuple"; items: PickleValue[] }
  | { kind: "dict"; entries: [PickleValue, PickleValue][]; overflow?: boolean }
  | { kind: "global"; global: PickleGlobal }
  | { kind: "call"; callable: PickleValue; args: PickleValue; state?: PickleValue }
  | { kind: "none" }
  | { kind: "other" };

/** Anything the walker does not need to know about. */
export const OTHER: PickleValue = Object.freeze({ kind: "other" });

/** Python's `None` (joblib tells "no alignment" from an absent attribute by it). */
export const NONE: PickleValue = Object.freeze({ kind: "none" });

/** Items kept per tuple or dict; the rest is counted as unknown. */
export const MAX_CONTAINER_ITEMS = 256;

/** Strings longer than this (in bytes) are kept as unknown values: no import name is that long. */
export const MAX_KEPT_STRING = 4096;

/**
 * A tuple of at most {@linkcode MAX_CONTAINER_ITEMS} items, or an unknown value when longer.
 *
 * @example
 * ```ts
 * import { tupleOf } from "./_pickle_values.ts";
 * tupleOf([]).kind; // "tuple"
 * ```
 */
export function tupleOf(items: PickleValue[]): PickleValue {
  return items.length > MAX_CONTAINER_ITEMS ? OTHER : { kind: "tuple", items };
}

/**
 * Add key/value pairs to a symbolic dict (ignored for other values or beyond the item cap).
 *
 * @example
 * ```ts
 * import { OTHER, setItems, type PickleValue } from "./_pickle_values.ts";
 * const dict: PickleValue = { kind: "dict", entries: [] };
 * setItems(dict, [{ kind: "str", value: "a" }, OTHER]);
 * ```
 */
export function setItems(target: PickleValue | undefined, flat: PickleValue[]): void {
  if (target?.kind !== "dict") return;
  for (let i = 0; i + 1 < flat.length; i += 2) {
    if (target.entries.length >= MAX_CONTAINER_ITEMS) {
      // The keys beyond the cap may repeat earlier ones: nothing in this dict is known now.
      target.overflow = true;
      return;
    }
    target.entries.push([flat[i], flat[i + 1]]);
  }
}

/**
 * The value stored under a string key of a symbolic dict: the last one written, as a Python dict
 * keeps it. `undefined` when absent, or unknown (`OTHER`) when the dict outgrew the item cap or a
 * key is not a known string.
 *
 * @example
 * ```ts
 * import { dictGet } from "./_pickle_values.ts";
 * dictGet({ kind: "dict", entries: [[{ kind: "str", value: "a" }, { kind: "int", value: 1 }]] }, "a");
 * ```
 */
export function dictGet(dict: PickleValue | undefined, key: string): PickleValue | undefined {
  if (dict?.kind !== "dict") return undefined;
  if (dict.overflow) return OTHER;
  for (let i = dict.entries.length - 1; i >= 0; i--) {
    const [k, v] = dict.entries[i];
    if (k.kind === "str" && k.value === key) return v;
    // A key we could not read might equal this one, and would win if written later.
    if (k.kind !== "str" && k.kind !== "int" && k.kind !== "none") return OTHER;
  }
  return undefined;
}

/**
 * Whether a value was built by calling the named global (REDUCE, NEWOBJ, OBJ or INST).
 *
 * @example
 * ```ts
 * import { isCallOf } from "./_pickle_values.ts";
 * isCallOf({ kind: "other" }, "numpy", "dtype"); // false
 * ```
 */
export function isCallOf(value: PickleValue | undefined, module: string, name: string): boolean {
  return value?.kind === "call" && value.callable.kind === "global" &&
    value.callable.global.module === module && value.callable.global.name === name;
}

/** Where joblib's raw array bytes lie after a `NumpyArrayWrapper` BUILD. */
export type InlineArray =
  | { kind: "raw"; padded: boolean; bytes: number }
  | { kind: "pickle"; padded: boolean }
  | { kind: "unknown"; reason: string };

/**
 * Size the NumPy buffer joblib writes inline after a `NumpyArrayWrapper`, from the wrapper's
 * state (`shape`, `dtype`, `numpy_array_alignment_bytes`). Object arrays are a nested pickle.
 *
 * @example
 * ```ts
 * import { inlineArrayOf } from "./_pickle_values.ts";
 * inlineArrayOf({ kind: "other" }).kind; // "unknown"
 * ```
 */
export function inlineArrayOf(state: PickleValue): InlineArray {
  // joblib reads a padding byte when the attribute is set and not None.
  const alignment = dictGet(state, "numpy_array_alignment_bytes");
  if (alignment !== undefined && alignment.kind !== "none" && alignment.kind !== "int") {
    return { kind: "unknown", reason: "alignment is not an integer or None" };
  }
  const padded = alignment?.kind === "int";
  const shape = dictGet(state, "shape");
  const dtype = dictGet(state, "dtype");
  if (shape?.kind !== "tuple") return { kind: "unknown", reason: "shape is not a tuple" };
  let count = 1;
  for (const dim of shape.items) {
    if (dim.kind !== "int" || dim.value < 0) return { kind: "unknown", reason: "bad shape" };
    count *= dim.value;
  }
  if (!isCallOf(dtype, "numpy", "dtype") || dtype?.kind !== "call") {
    return { kind: "unknown", reason: "dtype is not a numpy.dtype" };
  }
  const args = dtype.args.kind === "tuple" ? dtype.args.items : [];
  const code = args[0]?.kind === "str" ? args[0].value : undefined;
  const match = code === undefined ? null : /^[<>|=]?([a-zA-Z?])(\d*)$/.exec(code);
  if (!match) return { kind: "unknown", reason: `dtype ${code ?? "?"} not understood` };
  const [, letter, digits] = match;
  if (letter === "O") return { kind: "pickle", padded };
  let itemSize = digits === "" ? undefined : Number(digits);
  if (letter === "U" && itemSize !== undefined) itemSize *= 4;
  if (itemSize === undefined || itemSize === 0) {
    const elementSize = dtype.state?.kind === "tuple" ? dtype.state.items[5] : undefined;
    if (elementSize?.kind === "int" && elementSize.value > 0) itemSize = elementSize.value;
    else if (letter === "b" || letter === "?" || letter === "B") itemSize = 1;
  }
  if (itemSize === undefined) return { kind: "unknown", reason: `dtype ${code} has no size` };
  const bytes = count * itemSize;
  if (!Number.isSafeInteger(bytes)) return { kind: "unknown", reason: "array too large" };
  return { kind: "raw", padded, bytes };
}
