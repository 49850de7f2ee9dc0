/**
 * Bounded reads of pickle opcode arguments: every read checks the end of the buffer and throws
 * {@linkcode PickleTruncated}, which the walker turns into a problem.
 *
 * @module
 */
import { MAX_KEPT_STRING } from "./_pickle_values.ts";

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

/** The stream is damaged or exceeds a limit (the message says which). */
export class PickleDamage extends Error {}

/** Longest text-protocol line accepted (GLOBAL, INT, PUT…). */
export const MAX_LINE = 64 * 1024;

const utf8 = new TextDecoder("utf-8");
const latin1 = new TextDecoder("latin1");

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

  /** A newline-terminated line (without the newline), Latin-1 decoded. */
  line(): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) throw new PickleTruncated(this.pos);
    if (end - this.pos > MAX_LINE) throw new PickleDamage(`line longer than ${MAX_LINE} bytes`);
    const text = latin1.decode(this.bytes.subarray(this.pos, end));
    this.pos = end + 1;
    return text;
  }
}

/**
 * Decode a protocol-0 `STRING` argument (a Python `repr` of a byte string).
 *
 * @example
 * ```ts
 * import { unquotePython } from "./_pickle_reader.ts";
 * unquotePython("'os'"); // "os"
 * ```
 */
export function unquotePython(raw: string): string | undefined {
  const quote = raw[0];
  if ((quote !== "'" && quote !== '"') || raw.length < 2 || raw.at(-1) !== quote) return undefined;
  return unescapeBackslashes(raw.slice(1, -1));
}

/**
 * Decode the backslash escapes of a `repr` or of `raw-unicode-escape` text.
 *
 * @example
 * ```ts
 * import { unescapeBackslashes } from "./_pickle_reader.ts";
 * unescapeBackslashes("a\\x62\\u0063"); // "abc"
 * ```
 */
export function unescapeBackslashes(text: string): string {
  const simple: Record<string, string> = {
    n: "\n",
    r: "\r",
    t: "\t",
    "\\": "\\",
    "'": "'",
    '"': '"',
  };
  return text.replace(
    /\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|.)/g,
    (all, escape: string) => {
      if (/^[xuU]/.test(escape) && escape.length > 1) {
        const code = parseInt(escape.slice(1), 16);
        return code <= 0x10ffff ? String.fromCodePoint(code) : all;
      }
      if (/^[0-7]+$/.test(escape)) return String.fromCharCode(parseInt(escape, 8));
      return simple[escape] ?? all;
    },
  );
}
