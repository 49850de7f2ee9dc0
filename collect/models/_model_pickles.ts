/**
 * The pickle-bearing model formats, read from bytes in memory: raw pickle streams, joblib (inline
 * NumPy buffers skipped), PyTorch's legacy format, and NumPy `.npy` object arrays.
 *
 * @module
 */
import type { PickleGlobal } from "../../core/snapshot_models.ts";
import { isImportable, scanPickle, scanPickleStream } from "./pickle.ts";
import { parsePythonLiteral, type PythonLiteral } from "./_python_literal.ts";

/** What one container yielded: its format, imported globals and structural problems. */
export interface ContainerScan {
  /** The container format (an `Artifact` format). */
  format: "pickle" | "joblib" | "pytorch-legacy" | "npy" | "npy-pickle";
  /** Globals imported by its pickles. */
  globals: PickleGlobal[];
  /** Problems found. */
  issues: string[];
  /**
   * True when the bytes fail CPython's unpickler within the first opcodes (damage or end of data,
   * not one of the scanner's limits), before importing anything: not a pickle at all (a raw `.bin`
   * of another format), and harmless to load. A pickle that fails later is reported.
   */
  notPickle?: boolean;
}

/** The pickle PyTorch's legacy format starts with: `LONG1` of its magic number. */
export const TORCH_LEGACY_MAGIC = new Uint8Array([
  0x80,
  0x02,
  0x8a,
  0x0a,
  0x6c,
  0xfc,
  0x9c,
  0x46,
  0xf9,
  0x20,
  0x6a,
  0xa8,
  0x50,
  0x19,
]);

/** The `.npy` magic string. */
export const NPY_MAGIC = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);

/**
 * Whether `bytes` starts with `prefix`.
 *
 * @example
 * ```ts
 * import { startsWith } from "./_model_pickles.ts";
 * startsWith(new Uint8Array([1, 2]), new Uint8Array([1])); // true
 * ```
 */
export function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

const WRAPPER = new TextEncoder().encode("NumpyArrayWrapper");
/** Opcodes within which a walk that fails without importing anything means "not a pickle". */
const NOT_PICKLE_OPS = 4;

function contains(bytes: Uint8Array, needle: Uint8Array): boolean {
  const first = needle[0];
  for (let i = bytes.indexOf(first); i >= 0; i = bytes.indexOf(first, i + 1)) {
    if (i + needle.length > bytes.length) return false;
    let j = 1;
    while (j < needle.length && bytes[i + j] === needle[j]) j++;
    if (j === needle.length) return true;
  }
  return false;
}

/**
 * Scan a raw pickle stream (one or more pickles back to back), in joblib mode when the file
 * names joblib's `NumpyArrayWrapper`.
 *
 * @example
 * ```ts
 * import { scanPickleFile } from "./_model_pickles.ts";
 * scanPickleFile(new Uint8Array([0x80, 4, 0x4e, 0x2e])).format; // "pickle"
 * ```
 */
export function scanPickleFile(bytes: Uint8Array): ContainerScan {
  const joblib = contains(bytes, WRAPPER);
  const scan = scanPickleStream(bytes, { joblib });
  if (joblib) {
    // joblib.load skips the inline arrays, pickle.load does not: it reads their bytes as
    // opcodes and runs what they import until it fails. Walk the file that way too; what a real
    // array's bytes "import" by chance is not a Python name, and so cannot be imported.
    const plain = scanPickleStream(bytes, { joblib: false });
    scan.globals.push(...plain.globals.filter(isImportable));
  }
  const issues = [...scan.problems];
  if (scan.complete && scan.end < bytes.length) {
    issues.push(`${bytes.length - scan.end} bytes after the pickle stream were not scanned`);
  }
  const isJoblib = scan.globals.some((g) =>
    g.module === "joblib.numpy_pickle" && g.name === "NumpyArrayWrapper"
  );
  const notPickle = scan.ended === "invalid" && scan.globals.length === 0 &&
    scan.ops <= NOT_PICKLE_OPS;
  return { format: isJoblib ? "joblib" : "pickle", globals: scan.globals, issues, notPickle };
}

/**
 * Scan PyTorch's legacy (pre-1.6) format: five pickles (magic number, protocol version, system
 * info, the object, the storage keys) followed by raw storage bytes.
 *
 * @example
 * ```ts
 * import { scanTorchLegacy } from "./_model_pickles.ts";
 * scanTorchLegacy(new Uint8Array([0x80, 2])).issues.length > 0; // true
 * ```
 */
export function scanTorchLegacy(bytes: Uint8Array): ContainerScan {
  const result: ContainerScan = { format: "pytorch-legacy", globals: [], issues: [] };
  let offset = 0;
  for (let index = 0; index < 5; index++) {
    if (offset >= bytes.length) {
      result.issues.push(`legacy PyTorch file ends after ${index} of 5 pickles`);
      break;
    }
    const scan = scanPickle(bytes, { offset });
    result.globals.push(...scan.globals);
    result.issues.push(...scan.problems);
    if (!scan.complete) break;
    offset = scan.end;
  }
  return result;
}

/** What an `.npy` header says. */
export interface NpyHeader {
  /** Offset of the array data (or of the pickle, for object arrays). */
  dataOffset: number;
  /** Whether the dtype holds Python objects (a pickle follows). */
  objects: boolean;
  /** The `descr` as written. */
  descr: string;
}

/**
 * Parse the header of a `.npy` file (versions 1–3).
 *
 * @returns The header, or a problem.
 * @example
 * ```ts
 * import { parseNpyHeader } from "./_model_pickles.ts";
 * "problem" in parseNpyHeader(new Uint8Array(4)); // true
 * ```
 */
export function parseNpyHeader(bytes: Uint8Array): NpyHeader | { problem: string } {
  if (!startsWith(bytes, NPY_MAGIC) || bytes.length < 10) return { problem: "not a .npy file" };
  const major = bytes[6];
  if (major < 1 || major > 3) return { problem: `unsupported .npy version ${major}` };
  const wide = major >= 2;
  const lengthBytes = wide ? 4 : 2;
  if (bytes.length < 8 + lengthBytes) return { problem: ".npy header truncated" };
  let length = 0;
  for (let i = lengthBytes - 1; i >= 0; i--) length = length * 256 + bytes[8 + i];
  const dataOffset = 8 + lengthBytes + length;
  if (dataOffset > bytes.length) return { problem: ".npy header truncated" };
  const text = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(
    bytes.subarray(8 + lengthBytes, dataOffset),
  );
  // NumPy reads the header with ast.literal_eval: the last of repeated keys wins, escapes count.
  const header = parsePythonLiteral(text);
  if (!(header instanceof Map)) {
    const why = header !== null && typeof header === "object" && "error" in header
      ? `: ${header.error}`
      : "";
    return { problem: `.npy header is not a Python dict${why}` };
  }
  const keys = [...header.keys()].map(String).sort().join(",");
  if (keys !== "descr,fortran_order,shape") {
    return { problem: `.npy header keys are ${keys || "none"}, not descr, fortran_order, shape` };
  }
  const objects = descrHasObject(header.get("descr")!, 0);
  if (objects === undefined) return { problem: ".npy header descr not understood" };
  const descr = header.get("descr");
  return { dataOffset, objects, descr: typeof descr === "string" ? descr : "[structured]" };
}

/**
 * Whether a `.npy` descr makes NumPy pickle the data, following `numpy.lib.format.descr_to_dtype`:
 * a string is a dtype (any object code counts, fail closed), a tuple is (subtype, shape), a list
 * holds (name, descr[, shape]) fields. `undefined` for a shape NumPy would refuse.
 */
function descrHasObject(descr: PythonLiteral, depth: number): boolean | undefined {
  if (depth > 16) return undefined;
  if (typeof descr === "string") return /O|object/.test(descr);
  if (descr !== null && typeof descr === "object" && "tuple" in descr) {
    return descr.tuple.length > 0 ? descrHasObject(descr.tuple[0], depth + 1) : undefined;
  }
  if (!Array.isArray(descr)) return undefined;
  let objects = false;
  for (const field of descr) {
    const parts = field !== null && typeof field === "object" && "tuple" in field
      ? field.tuple
      : Array.isArray(field)
      ? field
      : undefined;
    if (parts === undefined || parts.length < 2 || parts.length > 3) return undefined;
    const inner = descrHasObject(parts[1], depth + 1);
    if (inner === undefined) return undefined;
    objects ||= inner;
  }
  return objects;
}

/**
 * Scan a `.npy` file: nothing to do for plain arrays; object arrays carry a pickle after the header.
 *
 * @example
 * ```ts
 * import { scanNpy } from "./_model_pickles.ts";
 * scanNpy(new Uint8Array(3)).issues; // ["not a .npy file"]
 * ```
 */
export function scanNpy(bytes: Uint8Array): ContainerScan {
  const result: ContainerScan = { format: "npy", globals: [], issues: [] };
  const header = parseNpyHeader(bytes);
  if ("problem" in header) return result.issues.push(header.problem), result;
  if (!header.objects) return result;
  // An object array is a pickle after the header: it loads only with allow_pickle=True.
  result.format = "npy-pickle";
  const scan = scanPickleStream(bytes, { offset: header.dataOffset });
  result.globals.push(...scan.globals);
  result.issues.push(...scan.problems);
  if (scan.end === header.dataOffset) result.issues.push(".npy object array has no pickle");
  return result;
}
