/**
 * The pickle opcode table (protocols 0–5): for each opcode byte, its name and how its argument is
 * laid out in the stream. Facts from CPython's `pickletools`, written out independently.
 *
 * @module
 */

/** How an opcode's argument is encoded after the opcode byte. */
export type PickleArgument =
  | "none"
  | "uint1"
  | "uint2"
  | "uint4"
  | "uint8"
  | "int4"
  | "float8"
  | "long1"
  | "long4"
  | "string1"
  | "string4"
  | "bytes1"
  | "bytes4"
  | "bytes8"
  | "unicode1"
  | "unicode4"
  | "unicode8"
  | "line"
  | "line_pair";

/** One opcode: its name and argument layout. */
export interface PickleOpcode {
  /** The name `pickletools` gives it, e.g. `STACK_GLOBAL`. */
  name: string;
  /** The argument layout. */
  argument: PickleArgument;
}

const TABLE: [string, string, PickleArgument][] = [
  ["(", "MARK", "none"],
  [".", "STOP", "none"],
  ["0", "POP", "none"],
  ["1", "POP_MARK", "none"],
  ["2", "DUP", "none"],
  ["F", "FLOAT", "line"],
  ["I", "INT", "line"],
  ["J", "BININT", "int4"],
  ["K", "BININT1", "uint1"],
  ["L", "LONG", "line"],
  ["M", "BININT2", "uint2"],
  ["N", "NONE", "none"],
  ["P", "PERSID", "line"],
  ["Q", "BINPERSID", "none"],
  ["R", "REDUCE", "none"],
  ["S", "STRING", "line"],
  ["T", "BINSTRING", "string4"],
  ["U", "SHORT_BINSTRING", "string1"],
  ["V", "UNICODE", "line"],
  ["X", "BINUNICODE", "unicode4"],
  ["a", "APPEND", "none"],
  ["b", "BUILD", "none"],
  ["c", "GLOBAL", "line_pair"],
  ["d", "DICT", "none"],
  ["}", "EMPTY_DICT", "none"],
  ["e", "APPENDS", "none"],
  ["g", "GET", "line"],
  ["h", "BINGET", "uint1"],
  ["i", "INST", "line_pair"],
  ["j", "LONG_BINGET", "uint4"],
  ["l", "LIST", "none"],
  ["]", "EMPTY_LIST", "none"],
  ["o", "OBJ", "none"],
  ["p", "PUT", "line"],
  ["q", "BINPUT", "uint1"],
  ["r", "LONG_BINPUT", "uint4"],
  ["s", "SETITEM", "none"],
  ["t", "TUPLE", "none"],
  [")", "EMPTY_TUPLE", "none"],
  ["u", "SETITEMS", "none"],
  ["G", "BINFLOAT", "float8"],
  ["\x80", "PROTO", "uint1"],
  ["\x81", "NEWOBJ", "none"],
  ["\x82", "EXT1", "uint1"],
  ["\x83", "EXT2", "uint2"],
  ["\x84", "EXT4", "int4"],
  ["\x85", "TUPLE1", "none"],
  ["\x86", "TUPLE2", "none"],
  ["\x87", "TUPLE3", "none"],
  ["\x88", "NEWTRUE", "none"],
  ["\x89", "NEWFALSE", "none"],
  ["\x8a", "LONG1", "long1"],
  ["\x8b", "LONG4", "long4"],
  ["B", "BINBYTES", "bytes4"],
  ["C", "SHORT_BINBYTES", "bytes1"],
  ["\x8c", "SHORT_BINUNICODE", "unicode1"],
  ["\x8d", "BINUNICODE8", "unicode8"],
  ["\x8e", "BINBYTES8", "bytes8"],
  ["\x8f", "EMPTY_SET", "none"],
  ["\x90", "ADDITEMS", "none"],
  ["\x91", "FROZENSET", "none"],
  ["\x92", "NEWOBJ_EX", "none"],
  ["\x93", "STACK_GLOBAL", "none"],
  ["\x94", "MEMOIZE", "none"],
  ["\x95", "FRAME", "uint8"],
  ["\x96", "BYTEARRAY8", "bytes8"],
  ["\x97", "NEXT_BUFFER", "none"],
  ["\x98", "READONLY_BUFFER", "none"],
];

/**
 * Opcodes by byte value; `undefined` for bytes that are not opcodes.
 *
 * @example
 * ```ts
 * import { PICKLE_OPCODES } from "./_pickle_opcodes.ts";
 * PICKLE_OPCODES[0x93]?.name; // "STACK_GLOBAL"
 * ```
 */
export const PICKLE_OPCODES: readonly (PickleOpcode | undefined)[] = (() => {
  const table: (PickleOpcode | undefined)[] = new Array(256).fill(undefined);
  for (const [code, name, argument] of TABLE) table[code.charCodeAt(0)] = { name, argument };
  return table;
})();

/** The highest pickle protocol this table knows. */
export const HIGHEST_PICKLE_PROTOCOL = 5;
