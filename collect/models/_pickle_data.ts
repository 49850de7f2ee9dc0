/**
 * The data opcodes of a pickle: their arguments are read (or skipped) by their declared lengths,
 * and only strings and small integers are kept as symbolic values.
 *
 * @module
 */
import {
  decodeRawUnicodeEscape,
  type PickleCursor,
  PickleDamage,
  unquotePython,
} from "./_pickle_reader.ts";
import { OTHER, type PickleValue } from "./_pickle_values.ts";

function text(value: string | undefined): PickleValue {
  return value === undefined ? OTHER : { kind: "str", value };
}

function integer(value: number | undefined): PickleValue {
  return value === undefined || !Number.isSafeInteger(value) ? OTHER : { kind: "int", value };
}

/**
 * Read the argument of a data opcode (strings, bytes, numbers) and return the value it pushes, or
 * `undefined` when `name` is not a data opcode.
 *
 * @param name The opcode's name.
 * @param cursor Positioned just after the opcode byte.
 * @returns The pushed value.
 * @example
 * ```ts
 * import { readDataArgument } from "./_pickle_data.ts";
 * import { PickleCursor } from "./_pickle_reader.ts";
 * readDataArgument("BININT1", new PickleCursor(new Uint8Array([7]), 0)); // { kind: "int", value: 7 }
 * ```
 */
export function readDataArgument(name: string, cursor: PickleCursor): PickleValue | undefined {
  switch (name) {
    // strings: kept, since STACK_GLOBAL takes its operands from them
    case "SHORT_BINUNICODE":
      return text(cursor.text(cursor.uint(1), "utf8"));
    case "BINUNICODE":
      return text(cursor.text(cursor.uint(4), "utf8"));
    case "BINUNICODE8":
      return text(cursor.text(cursor.uint(8), "utf8"));
    case "SHORT_BINSTRING":
      return text(cursor.text(cursor.uint(1), "latin1"));
    case "BINSTRING": {
      const length = cursor.int4();
      if (length < 0) throw new PickleDamage("negative BINSTRING length");
      return text(cursor.text(length, "latin1"));
    }
    case "STRING":
      return text(unquotePython(cursor.line()));
    case "UNICODE":
      return text(decodeRawUnicodeEscape(cursor.line()));
    // other data: skipped correctly, pushed as unknown (ints kept for joblib's shapes)
    case "SHORT_BINBYTES":
      cursor.take(cursor.uint(1));
      return OTHER;
    case "BINBYTES":
      cursor.take(cursor.uint(4));
      return OTHER;
    case "BINBYTES8":
    case "BYTEARRAY8":
      cursor.take(cursor.uint(8));
      return OTHER;
    case "BININT":
      return integer(cursor.int4());
    case "BININT1":
      return integer(cursor.uint(1));
    case "BININT2":
      return integer(cursor.uint(2));
    case "LONG1":
      return integer(cursor.signed(cursor.uint(1)));
    case "LONG4": {
      const length = cursor.int4();
      if (length < 0) throw new PickleDamage("negative LONG4 length");
      return integer(cursor.signed(length));
    }
    case "INT":
    case "LONG": {
      const digits = cursor.line().replace(/L$/, "").trim();
      return /^[+-]?\d{1,15}$/.test(digits) ? integer(Number(digits)) : OTHER;
    }
    case "FLOAT":
      cursor.line();
      return OTHER;
    case "BINFLOAT":
      cursor.take(8);
      return OTHER;
    default:
      return undefined;
  }
}
