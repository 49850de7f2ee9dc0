/**
 * Bounded reads of pickle opcode arguments: every read checks the end of the buffer and throws
 * {@linkcode PickleTruncated}, which the walker turns into a problem.
 *
 * @module
 */
import { MAX_KEPT_STRING } from "./_pickle_values.ts";
import { SIMPLE_ESCAPES } from "../_python_tokens.ts";

/** The stream ended inside an opcode or its argument. */
export class PickleTruncated extends Error {
  /**
   * @param at Offset of the read that failed.
   */
  constructor(at: number) {
    super(`pickle truncated at offset ${at}`);
    this.name = "PickleTruncated";
  }
}

/** The stream is damaged where CPython's unpickler would raise too (the message says how). */
export class PickleDamage extends Error {}

/** The walk stopped at one of the scanner's own limits, where CPython would read on. */
export class PickleLimit extends PickleDamage {}

/** Longest text-protocol line accepted (GLOBAL, INT, PUT…). */
export const MAX_LINE = 64 * 1024;

const utf8 = new TextDecoder("utf-8");
const latin1 = new TextDecoder("latin1");
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * A read position in a byte buffer.
 *
 * @example
 * ```ts
 * import { PickleCursor } from "./_pickle_reader.ts";
 * new PickleCursor(new Uint8Array([1, 0]), 0).uint(2); // 1
 * ```
 */
export class PickleCursor {
  /** The buffer read. */
  readonly bytes: Uint8Array;
  /** Offset of the next byte. */
  pos: number;
  /**
   * @param bytes The buffer.
   * @param pos Starting offset.
   */
  constructor(bytes: Uint8Array, pos: number) {
    this.bytes = bytes;
    this.pos = pos;
  }

  /** Advance over `length` bytes, returning where they start. */
  take(length: number): number {
    if (!Number.isSafeInteger(length) || length < 0 || this.pos + length > this.bytes.length) {
      throw new PickleTruncated(this.pos);
    }
    const start = this.pos;
    this.pos += length;
    return start;
  }

  /** A little-endian unsigned integer of 1, 2, 4 or 8 bytes (8-byte values may be unsafe). */
  uint(size: number): number {
    const start = this.take(size);
    let value = 0;
    for (let i = size - 1; i >= 0; i--) value = value * 256 + this.bytes[start + i];
    return value;
  }

  /** A little-endian signed 32-bit integer. */
  int4(): number {
    const value = this.uint(4);
    return value >= 0x80000000 ? value - 0x100000000 : value;
  }

  /** A little-endian two's-complement integer of `size` bytes (unknown when over 6 bytes). */
  signed(size: number): number | undefined {
    const start = this.take(size);
    if (size === 0) return 0;
    if (size > 6) return undefined;
    let value = 0;
    for (let i = size - 1; i >= 0; i--) value = value * 256 + this.bytes[start + i];
    return this.bytes[start + size - 1] >= 0x80 ? value - 2 ** (8 * size) : value;
  }

  /** `length` bytes decoded (UTF-8 or Latin-1), or `undefined` when too long to keep. */
  text(length: number, encoding: "utf8" | "latin1"): string | undefined {
    const start = this.take(length);
    if (length > MAX_KEPT_STRING) return undefined;
    const slice = this.bytes.subarray(start, start + length);
    return (encoding === "utf8" ? utf8 : latin1).decode(slice);
  }

  /**
   * A newline-terminated line (without the newline), Latin-1 decoded, or strict UTF-8 as
   * CPython decodes GLOBAL and INST names (where it would raise, so does this).
   */
  line(encoding: "latin1" | "utf8" = "latin1"): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) throw new PickleTruncated(this.pos);
    if (end - this.pos > MAX_LINE) throw new PickleLimit(`line longer than ${MAX_LINE} bytes`);
    const slice = this.bytes.subarray(this.pos, end);
    let text: string;
    try {
      text = (encoding === "utf8" ? strictUtf8 : latin1).decode(slice);
    } catch {
      throw new PickleDamage("name is not UTF-8");
    }
    this.pos = end + 1;
    return text;
  }
}

/**
 * The integer CPython's `PyLong_FromString(line, NULL, 10)` reads from a text-protocol argument
 * (PUT and GET keys): surrounding ASCII whitespace, an optional sign, ASCII digits with single
 * underscores between them. `undefined` where CPython raises, or beyond 15 digits.
 *
 * @example
 * ```ts
 * import { pythonDecimal } from "./_pickle_reader.ts";
 * pythonDecimal(" +1_0\r"); // 10
 * pythonDecimal("1__0"); // undefined
 * ```
 */
export function pythonDecimal(line: string): number | undefined {
  // The C unpickler hands the line to PyLong_FromString as a C string: a NUL ends it.
  const nul = line.indexOf("\0");
  if (nul >= 0) line = line.slice(0, nul);
  const match = /^[ \t\n\r\v\f]*([+-]?)(\d(?:_?\d)*)[ \t\n\r\v\f]*$/.exec(line);
  if (!match) return undefined;
  const digits = match[2].replaceAll("_", "").replace(/^0+(?=\d)/, "");
  if (digits.length > 15) return undefined;
  const value = Number(digits);
  return match[1] === "-" && value !== 0 ? -value : value;
}

/**
 * Decode a protocol-0 `STRING` argument as CPython does: quoted with `'` or `"`, then the escapes
 * of a Python bytes literal (`codecs.escape_decode`: octal wraps at 256, `\x` needs two hex
 * digits, `\u` and unknown escapes stay as written). Returns the bytes as Latin-1 text, or
 * `undefined` where CPython raises.
 *
 * @example
 * ```ts
 * import { unquotePython } from "./_pickle_reader.ts";
 * unquotePython("'os'"); // "os"
 * unquotePython("'\\557s'"); // "os"
 * ```
 */
export function unquotePython(raw: string): string | undefined {
  const quote = raw[0];
  if ((quote !== "'" && quote !== '"') || raw.length < 2 || raw.at(-1) !== quote) return undefined;
  return decodeBytesEscapes(raw.slice(1, -1));
}

/**
 * The escapes of a Python bytes literal (`codecs.escape_decode`), over Latin-1 text.
 *
 * @example
 * ```ts
 * import { decodeBytesEscapes } from "./_pickle_reader.ts";
 * decodeBytesEscapes("\\x6fs\\u0041"); // "os\\u0041"
 * ```
 */
export function decodeBytesEscapes(text: string): string | undefined {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char !== "\\") {
      out += char;
      continue;
    }
    const next = text[i + 1];
    if (next === undefined) return undefined; // a trailing backslash: "\\ at end of string"
    if (Object.hasOwn(SIMPLE_ESCAPES, next)) {
      out += SIMPLE_ESCAPES[next];
      i++;
    } else if (/[0-7]/.test(next)) {
      const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1))![0];
      out += String.fromCharCode(parseInt(octal, 8) & 0xff);
      i += octal.length;
    } else if (next === "x") {
      const hex = text.slice(i + 2, i + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
      out += String.fromCharCode(parseInt(hex, 16));
      i += 3;
    } else out += "\\"; // unknown escape: kept, the next character follows as itself
  }
  return out;
}

/**
 * Decode `raw-unicode-escape` text (the `UNICODE` opcode) as CPython does: only `\uXXXX` and
 * `\UXXXXXXXX` are escapes, and only after an odd run of backslashes; every other byte is
 * Latin-1. `undefined` where CPython raises (a short or out-of-range escape).
 *
 * @example
 * ```ts
 * import { decodeRawUnicodeEscape } from "./_pickle_reader.ts";
 * decodeRawUnicodeEscape("\\u006fs\\x41"); // "os\\x41"
 * ```
 */
export function decodeRawUnicodeEscape(text: string): string | undefined {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== "\\") {
      out += text[i];
      continue;
    }
    let run = 0;
    while (text[i + run] === "\\") run++;
    const marker = text[i + run];
    if (run % 2 === 0 || (marker !== "u" && marker !== "U")) {
      out += "\\".repeat(run);
      i += run - 1;
      continue;
    }
    out += "\\".repeat(run - 1);
    const width = marker === "u" ? 4 : 8;
    const hex = text.slice(i + run + 1, i + run + 1 + width);
    if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) return undefined;
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) return undefined;
    out += String.fromCodePoint(code);
    i += run + width;
  }
  return out;
}
