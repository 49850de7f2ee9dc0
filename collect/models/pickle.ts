/**
 * Reads which Python globals a pickle imports by walking its opcodes (protocols 0–5), never
 * constructing objects. A small symbolic stack and memo resolve `STACK_GLOBAL` operands, also
 * through memo indirection; anything unresolved is reported as `?.?` with a problem (fail closed).
 * Damage, unknown opcodes and limits end the walk with a problem, never an exception or a hang.
 *
 * @module
 */
import type { PickleGlobal } from "../../core/snapshot_models.ts";
import { HIGHEST_PICKLE_PROTOCOL, PICKLE_OPCODES } from "./_pickle_opcodes.ts";
import {
  PickleCursor,
  PickleDamage,
  PickleLimit,
  PickleTruncated,
  pythonDecimal,
} from "./_pickle_reader.ts";
import { readDataArgument } from "./_pickle_data.ts";
import {
  inlineArrayOf,
  isCallOf,
  MAX_CONTAINER_ITEMS,
  NONE,
  OTHER,
  type PickleValue,
  setItems,
  tupleOf,
} from "./_pickle_values.ts";

/** Options for {@linkcode scanPickle}. */
export interface ScanPickleOptions {
  /** Opcodes walked before giving up (default 10 million, shared by nested pickles). */
  maxOps?: number;
  /** Offset of the pickle's first opcode (default 0). */
  offset?: number;
  /** Skip the NumPy buffers joblib writes inline after each `NumpyArrayWrapper` (default false). */
  joblib?: boolean;
  /** Memo entries and stack depth allowed (default 1 million each). */
  maxMemo?: number;
}

/** What {@linkcode scanPickle} found. */
export interface PickleScan {
  /** Every global imported, in stream order, repeats included. */
  globals: PickleGlobal[];
  /** Offset just after STOP (or where the walk ended). */
  end: number;
  /** Damage, limits and unresolved imports; empty for a clean pickle. */
  problems: string[];
  /** Whether PERSID/BINPERSID appear (PyTorch storages, or custom loaders). */
  persistentIds: boolean;
  /** Whether the walk reached STOP. */
  complete: boolean;
  /**
   * How the walk ended: at STOP, where CPython's unpickler raises too (damage, truncation), or at
   * one of the scanner's own limits (where CPython reads on).
   */
  ended: "stop" | "invalid" | "limit";
  /** Calls made (REDUCE, INST, OBJ, NEWOBJ, NEWOBJ_EX): what runs code when a pickle loads. */
  calls: number;
  /** Opcodes walked. */
  ops: number;
}

const DEFAULT_MAX_OPS = 10_000_000;
const DEFAULT_MAX_MEMO = 1_000_000;
const MAX_NESTING = 8;

/**
 * Walk one pickle and list the globals it imports (GLOBAL, INST, STACK_GLOBAL, EXT1/2/4).
 *
 * @param bytes The buffer holding the pickle.
 * @param options Offset, opcode budget, joblib mode.
 * @returns Globals, the offset after STOP, and problems.
 * @example
 * ```ts
 * import { scanPickle } from "./pickle.ts";
 * const bytes = new TextEncoder().encode("cposix\nsystem\n(S'echo hi'\ntR.");
 * scanPickle(bytes).globals; // [{ module: "posix", name: "system" }]
 * ```
 */
export function scanPickle(bytes: Uint8Array, options: ScanPickleOptions = {}): PickleScan {
  return walk(bytes, options, { ops: 0 }, 0);
}

/**
 * Walk back-to-back pickles from `offset` while the next byte starts one (PROTO or any opcode).
 *
 * @param bytes The buffer.
 * @param options As for {@linkcode scanPickle}; `maxPickles` bounds the count (default 1000).
 * @returns The merged scan; `end` is where the last pickle ended.
 * @example
 * ```ts
 * import { scanPickleStream } from "./pickle.ts";
 * scanPickleStream(new Uint8Array([0x80, 2, 0x4e, 0x2e, 0x80, 2, 0x4e, 0x2e])).end; // 8
 * ```
 */
export function scanPickleStream(
  bytes: Uint8Array,
  options: ScanPickleOptions & { maxPickles?: number } = {},
): PickleScan {
  const budget = { ops: 0 };
  const result: PickleScan = {
    globals: [],
    end: options.offset ?? 0,
    problems: [],
    persistentIds: false,
    complete: true,
    ended: "stop",
    calls: 0,
    ops: 0,
  };
  for (let count = 0; result.end < bytes.length; count++) {
    if (PICKLE_OPCODES[bytes[result.end]] === undefined) break;
    if (count >= (options.maxPickles ?? 1000)) {
      result.problems.push(`more than ${options.maxPickles ?? 1000} pickles in one stream`);
      break;
    }
    const one = walk(bytes, { ...options, offset: result.end }, budget, 0);
    merge(result, one);
    if (!one.complete) break;
  }
  result.ops = budget.ops;
  return result;
}

function merge(into: PickleScan, one: PickleScan): void {
  into.globals.push(...one.globals);
  into.problems.push(...one.problems);
  into.persistentIds ||= one.persistentIds;
  into.complete &&= one.complete;
  into.ended = one.ended;
  into.calls += one.calls;
  into.end = one.end;
}

function walk(
  bytes: Uint8Array,
  options: ScanPickleOptions,
  budget: { ops: number },
  depth: number,
): PickleScan {
  const maxOps = options.maxOps ?? DEFAULT_MAX_OPS;
  const maxMemo = options.maxMemo ?? DEFAULT_MAX_MEMO;
  const cursor = new PickleCursor(bytes, options.offset ?? 0);
  const result: PickleScan = {
    globals: [],
    end: cursor.pos,
    problems: [],
    persistentIds: false,
    complete: false,
    ended: "invalid",
    calls: 0,
    ops: 0,
  };
  const stack: PickleValue[] = [];
  const marks: number[] = [];
  const memo = new Map<number, PickleValue>();
  let opStart = cursor.pos;

  const pop = (): PickleValue => {
    if (stack.length <= (marks.at(-1) ?? 0)) throw new PickleDamage("stack underflow");
    return stack.pop()!;
  };
  const popMark = (): PickleValue[] => {
    const mark = marks.pop();
    if (mark === undefined) throw new PickleDamage("mark stack underflow");
    return stack.splice(mark);
  };
  const push = (value: PickleValue): void => {
    if (stack.length >= maxMemo) throw new PickleLimit(`stack deeper than ${maxMemo}`);
    stack.push(value);
  };
  const remember = (key: number | undefined): void => {
    if (key === undefined || !Number.isSafeInteger(key) || key < 0) {
      throw new PickleDamage("bad memo key");
    }
    if (stack.length === 0) throw new PickleDamage("memo store with an empty stack");
    if (memo.size >= maxMemo && !memo.has(key)) {
      throw new PickleLimit(`memo over ${maxMemo} entries`);
    }
    memo.set(key, stack[stack.length - 1]);
  };
  const recall = (key: number | undefined): void => {
    const value = key === undefined ? undefined : memo.get(key);
    if (value === undefined) throw new PickleDamage(`memo key ${key} read before it was written`);
    push(value);
  };
  const imported = (module: string, name: string): void => {
    const global = { module, name };
    result.globals.push(global);
    push({ kind: "global", global });
  };

  try {
    while (true) {
      opStart = cursor.pos;
      if (budget.ops++ >= maxOps) throw new PickleLimit(`more than ${maxOps} opcodes`);
      result.ops++;
      const code = bytes[cursor.take(1)];
      const opcode = PICKLE_OPCODES[code];
      if (opcode === undefined) {
        throw new PickleDamage(`unknown opcode 0x${code.toString(16).padStart(2, "0")}`);
      }
      switch (opcode.name) {
        case "PROTO": {
          const protocol = cursor.uint(1);
          if (protocol > HIGHEST_PICKLE_PROTOCOL) {
            throw new PickleDamage(`unsupported pickle protocol ${protocol}`);
          }
          break;
        }
        case "FRAME":
          cursor.uint(8);
          break;
        case "STOP":
          pop(); // CPython returns the top of the stack: an empty one is an error
          result.complete = true;
          result.ended = "stop";
          result.end = cursor.pos;
          return result;
        case "MARK":
          marks.push(stack.length);
          break;
        case "POP":
          if (stack.length > (marks.at(-1) ?? 0)) stack.pop();
          else popMark();
          break;
        case "POP_MARK":
          popMark();
          break;
        case "DUP": {
          const top = pop();
          push(top);
          push(top);
          break;
        }
        case "NONE":
          push(NONE);
          break;
        case "NEWTRUE":
        case "NEWFALSE":
        case "EMPTY_LIST":
        case "EMPTY_SET":
        case "NEXT_BUFFER":
          push(OTHER);
          break;
        case "READONLY_BUFFER":
          pop();
          push(OTHER);
          break;
        case "EMPTY_TUPLE":
          push({ kind: "tuple", items: [] });
          break;
        case "EMPTY_DICT":
          push({ kind: "dict", entries: [] });
          break;
        case "TUPLE1":
        case "TUPLE2":
        case "TUPLE3": {
          const count = Number(opcode.name.slice(-1));
          const items: PickleValue[] = [];
          for (let i = 0; i < count; i++) items.unshift(pop());
          push(tupleOf(items));
          break;
        }
        case "TUPLE":
          push(tupleOf(popMark()));
          break;
        case "LIST":
        case "FROZENSET":
          popMark();
          push(OTHER);
          break;
        case "DICT": {
          const dict: PickleValue = { kind: "dict", entries: [] };
          setItems(dict, popMark());
          push(dict);
          break;
        }
        case "APPEND":
          pop();
          pop();
          push(OTHER);
          break;
        case "APPENDS":
        case "ADDITEMS": {
          popMark();
          pop();
          push(OTHER);
          break;
        }
        case "SETITEM": {
          const value = pop();
          const key = pop();
          setItems(stack.at(-1), [key, value]);
          if (stack.length === 0) throw new PickleDamage("stack underflow");
          break;
        }
        case "SETITEMS": {
          const flat = popMark();
          if (stack.length === 0) throw new PickleDamage("stack underflow");
          setItems(stack.at(-1), flat);
          break;
        }
        // memo
        case "PUT":
          remember(pythonDecimal(cursor.line()));
          break;
        case "BINPUT":
          remember(cursor.uint(1));
          break;
        case "LONG_BINPUT":
          remember(cursor.uint(4));
          break;
        case "MEMOIZE":
          remember(memo.size);
          break;
        case "GET":
          recall(pythonDecimal(cursor.line()));
          break;
        case "BINGET":
          recall(cursor.uint(1));
          break;
        case "LONG_BINGET":
          recall(cursor.uint(4));
          break;
        // imports and calls
        case "GLOBAL": {
          const module = cursor.line("utf8");
          imported(module, cursor.line("utf8"));
          break;
        }
        case "INST": {
          const module = cursor.line("utf8");
          const name = cursor.line("utf8");
          const args = popMark();
          result.globals.push({ module, name });
          result.calls++;
          push({
            kind: "call",
            callable: { kind: "global", global: { module, name } },
            args: tupleOf(args),
          });
          break;
        }
        case "STACK_GLOBAL": {
          const name = pop();
          const module = pop();
          if (module.kind === "str" && name.kind === "str") imported(module.value, name.value);
          else {
            result.problems.push(`unresolved STACK_GLOBAL at offset ${opStart}`);
            imported("?", "?");
          }
          break;
        }
        case "EXT1":
        case "EXT2":
        case "EXT4": {
          const size = opcode.name === "EXT1" ? 1 : opcode.name === "EXT2" ? 2 : 4;
          const extension = size === 4 ? cursor.int4() : cursor.uint(size);
          imported("copyreg-extension", String(extension));
          break;
        }
        case "REDUCE": {
          const args = pop();
          const callable = pop();
          result.calls++;
          push({ kind: "call", callable, args });
          break;
        }
        case "OBJ": {
          const items = popMark();
          if (items.length === 0) throw new PickleDamage("OBJ without a class");
          result.calls++;
          push({ kind: "call", callable: items[0], args: tupleOf(items.slice(1)) });
          break;
        }
        case "NEWOBJ": {
          const args = pop();
          result.calls++;
          push({ kind: "call", callable: pop(), args });
          break;
        }
        case "NEWOBJ_EX": {
          pop();
          const args = pop();
          result.calls++;
          push({ kind: "call", callable: pop(), args });
          break;
        }
        case "BUILD": {
          const state = pop();
          const target = pop();
          if (target.kind === "call") {
            // BUILD updates the instance's __dict__: a later BUILD adds to the earlier state.
            target.state = target.state?.kind === "dict" && state.kind === "dict"
              ? {
                kind: "dict",
                entries: [...target.state.entries, ...state.entries],
                overflow: target.state.overflow || state.overflow ||
                  target.state.entries.length + state.entries.length > MAX_CONTAINER_ITEMS,
              }
              : state;
          }
          if (options.joblib && isCallOf(target, "joblib.numpy_pickle", "NumpyArrayWrapper")) {
            skipInlineArray(target.kind === "call" ? target.state! : state);
            // joblib pops the wrapper and pushes the array it read: a second BUILD reads nothing.
            push(OTHER);
          } else push(target);
          break;
        }
        case "PERSID":
          cursor.line();
          result.persistentIds = true;
          push(OTHER);
          break;
        case "BINPERSID":
          pop();
          result.persistentIds = true;
          push(OTHER);
          break;
        default: {
          const value = readDataArgument(opcode.name, cursor);
          if (value === undefined) throw new PickleLimit(`opcode ${opcode.name} not handled`);
          push(value);
        }
      }
    }
  } catch (error) {
    if (error instanceof PickleLimit) result.ended = "limit";
    if (error instanceof PickleTruncated) result.problems.push(`${error.message}`);
    else if (error instanceof PickleDamage) {
      result.problems.push(`${error.message} at offset ${opStart}`);
    } else throw error;
    result.end = cursor.pos > bytes.length ? bytes.length : cursor.pos;
    return result;
  }

  function skipInlineArray(state: PickleValue): void {
    const array = inlineArrayOf(state);
    if (array.kind === "unknown") {
      throw new PickleLimit(`joblib array cannot be sized (${array.reason})`);
    }
    if (array.padded) cursor.take(cursor.uint(1));
    if (array.kind === "raw") {
      cursor.take(array.bytes);
      return;
    }
    if (depth >= MAX_NESTING) throw new PickleLimit("joblib object arrays nested too deeply");
    const inner = walk(bytes, { ...options, offset: cursor.pos, joblib: false }, budget, depth + 1);
    result.globals.push(...inner.globals);
    result.problems.push(...inner.problems);
    result.calls += inner.calls;
    result.persistentIds ||= inner.persistentIds;
    if (!inner.complete) throw new PickleLimit("joblib object array pickle incomplete");
    cursor.pos = inner.end;
  }
}

/**
 * Bytes that are pickle opcodes: a stream starting with any other byte fails `pickle.load` at once.
 *
 * @example
 * ```ts
 * import { PICKLE_OPCODE_BYTES } from "./pickle.ts";
 * PICKLE_OPCODE_BYTES.has(0x80); // true
 * ```
 */
export const PICKLE_OPCODE_BYTES: ReadonlySet<number> = new Set(
  PICKLE_OPCODES.flatMap((op, byte) => op === undefined ? [] : [byte]),
);

const PYTHON_NAME = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * Whether CPython could import a global at all: a dotted ASCII Python name on both sides (what
 * bytes that only happen to decode as a GLOBAL never are).
 *
 * @example
 * ```ts
 * import { isImportable } from "./pickle.ts";
 * isImportable({ module: "os", name: "system" }); // true
 * isImportable({ module: "changes in 1.2", name: "x" }); // false
 * ```
 */
export function isImportable(global: PickleGlobal): boolean {
  return PYTHON_NAME.test(global.module) && PYTHON_NAME.test(global.name);
}

/**
 * Whether a walk shows what `pickle.load` would act on: it imports a Python name and calls
 * something, or ends cleanly at STOP. Text that merely starts with opcode letters
 * ("certifi\nnumpy\n…") imports a name but calls nothing.
 *
 * @example
 * ```ts
 * import { actsOnLoad, scanPickle } from "./pickle.ts";
 * actsOnLoad(scanPickle(new TextEncoder().encode("cos\nsystem\n(S'id'\ntR."))); // true
 * actsOnLoad(scanPickle(new TextEncoder().encode("certifi\nnumpy\nscipy\n"))); // false
 * ```
 */
export function actsOnLoad(scan: PickleScan): boolean {
  return scan.globals.some(isImportable) && (scan.calls > 0 || scan.complete);
}
