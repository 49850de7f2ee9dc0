/**
 * A requirements file's bytes to text, decided as pip decides it: a byte-order mark first (UTF-8,
 * UTF-32, UTF-16: `pip freeze >` in Windows PowerShell writes UTF-16 LE with one), then a PEP 263
 * `coding:` comment on one of the first two lines, then UTF-8. Current pip (since pypa/pip#12795)
 * checks UTF-32's marks before UTF-16's; older pip read a UTF-32 LE file as UTF-16 and failed on
 * it. Bytes that do not decode are reported with their byte offset and line, as pip refuses the
 * whole file.
 *
 * @module
 */

/**
 * The text of a file, or why its bytes do not decode and where.
 *
 * @example
 * ```ts
 * import type { DecodedRequirements } from "./_decode.ts";
 * const ok: DecodedRequirements = { text: "six==1.16.0\n", encoding: "UTF-8" };
 * ```
 */
export type DecodedRequirements =
  | { text: string; encoding: string }
  | { message: string; encoding: string; offset: number; line: number };

/** Python's str.splitlines() boundaries, as the requirements reader numbers lines. */
// deno-lint-ignore no-control-regex
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;
/** pip's PEP 263 pattern (a bytes regex: `\w` is ASCII there). */
const CODING = /coding[:=][ \t\n\r\f\v]*([-A-Za-z0-9_.]+)/;
/** Code points joined per String.fromCodePoint call, to stay within argument limits. */
const CHUNK = 8192;

/** An encoding Tollgate decodes: its name in messages and a decoder from a byte offset. */
interface Codec {
  name: string;
  decode: (bytes: Uint8Array, start: number) => string | Failure;
}

/** Where decoding stopped: the byte offset and what was wrong, with the text decoded before it. */
interface Failure {
  offset: number;
  reason: string;
  before: string;
}

/**
 * Decode a requirements file's bytes as pip does.
 *
 * @param bytes The whole file.
 * @returns The text (byte-order mark removed) and the encoding used, or a message with the byte
 *   offset and 1-based line of the first bytes that do not decode.
 * @example
 * ```ts
 * import { decodeRequirementsBytes } from "./_decode.ts";
 * decodeRequirementsBytes(new Uint8Array([0xff, 0xfe, 0x61, 0, 0x0a, 0]));
 * // { text: "a\n", encoding: "UTF-16LE" }
 * ```
 */
export function decodeRequirementsBytes(bytes: Uint8Array): DecodedRequirements {
  const marked = byteOrderMark(bytes);
  if (marked !== undefined) {
    const result = marked.codec.decode(bytes, marked.length);
    return finish(result, marked.codec.name, "from its byte-order mark");
  }
  const declared = codingComment(bytes);
  if (declared !== undefined) {
    const codec = CODECS.get(normaliseCodecName(declared.name));
    if (codec === undefined) {
      return {
        message: `declares the encoding '${declared.name}' in a PEP 263 coding comment, which ` +
          "Tollgate does not decode: save the file as UTF-8",
        encoding: declared.name,
        offset: declared.offset,
        line: declared.line,
      };
    }
    return finish(codec.decode(bytes, 0), codec.name, "from its coding comment");
  }
  const result = UTF8.decode(bytes, 0);
  if (typeof result === "string") return { text: result, encoding: UTF8.name };
  return failure(
    result,
    UTF8.name,
    `not valid UTF-8 at byte offset ${result.offset}, line ${lineAt(result.before)} (no ` +
      "byte-order mark or PEP 263 coding comment names another encoding); pip would fall back " +
      "to this machine's locale encoding: save the file as UTF-8",
  );
}

function finish(result: string | Failure, encoding: string, why: string): DecodedRequirements {
  if (typeof result === "string") return { text: result, encoding };
  return failure(
    result,
    encoding,
    `not valid ${encoding} (${why}) at byte offset ` +
      `${result.offset}, line ${lineAt(result.before)}: ${result.reason}; pip cannot read the ` +
      "file either",
  );
}

function failure(result: Failure, encoding: string, message: string): DecodedRequirements {
  return { message, encoding, offset: result.offset, line: lineAt(result.before) };
}

function lineAt(before: string): number {
  return before.split(LINE_BREAK).length;
}

/** pip's byte-order marks, UTF-32's before UTF-16's (FF FE 00 00 begins with FF FE). */
function byteOrderMark(bytes: Uint8Array): { codec: Codec; length: number } | undefined {
  const starts = (...mark: number[]) => mark.every((byte, i) => bytes[i] === byte);
  if (starts(0xef, 0xbb, 0xbf)) return { codec: UTF8, length: 3 };
  // Python's "utf-32" and "utf-16" (what pip names for the native, little-endian marks) also
  // take a second mark at the start as one; the explicit big-endian codecs do not.
  if (starts(0xff, 0xfe, 0, 0)) return { codec: utf32(false, true), length: 4 };
  if (starts(0, 0, 0xfe, 0xff)) return { codec: utf32(true, false), length: 4 };
  if (starts(0xff, 0xfe)) return { codec: utf16(false, true), length: 2 };
  if (starts(0xfe, 0xff)) return { codec: utf16(true, false), length: 2 };
  return undefined;
}

/** A `coding:` declaration on one of the first two lines (split at `\n`) that start with `#`. */
function codingComment(
  bytes: Uint8Array,
): { name: string; line: number; offset: number } | undefined {
  let start = 0;
  for (let line = 1; line <= 2 && start <= bytes.length; line++) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    if (bytes[start] === 0x23) {
      // Latin-1 keeps every byte one character, so the ASCII pattern sees what pip's bytes see.
      const match = CODING.exec(LATIN1.decode(bytes.subarray(start, end), 0) as string);
      if (match) return { name: match[1], line, offset: start };
    }
    start = end + 1;
  }
  return undefined;
}

/** Python's codec-name lookup: case and `-`/space insensitive. */
function normaliseCodecName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9.]+/g, "_");
}

const UTF8: Codec = {
  name: "UTF-8",
  decode(bytes, start) {
    const body = bytes.subarray(start);
    try {
      return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(body);
    } catch {
      const offset = firstInvalidUtf8(body);
      return {
        offset: start + offset,
        reason: "not a UTF-8 sequence",
        before: new TextDecoder("utf-8", { ignoreBOM: true }).decode(body.subarray(0, offset)),
      };
    }
  },
};

/** Offset of the first byte that does not begin a well-formed UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i];
    let length: number, min: number, max = 0xbf;
    if (lead < 0x80) {
      i++;
      continue;
    } else if (lead >= 0xc2 && lead <= 0xdf) [length, min] = [2, 0x80];
    else if (lead === 0xe0) [length, min] = [3, 0xa0];
    else if (lead === 0xed) [length, min, max] = [3, 0x80, 0x9f];
    else if (lead >= 0xe1 && lead <= 0xef) [length, min] = [3, 0x80];
    else if (lead === 0xf0) [length, min] = [4, 0x90];
    else if (lead === 0xf4) [length, min, max] = [4, 0x80, 0x8f];
    else if (lead >= 0xf1 && lead <= 0xf3) [length, min] = [4, 0x80];
    else return i;
    if (i + length > bytes.length) return i;
    if (bytes[i + 1] < min || bytes[i + 1] > max) return i;
    for (let k = 2; k < length; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return i;
    i += length;
  }
  return bytes.length;
}

/** Code points joined into text in chunks (String.fromCodePoint takes a bounded argument list). */
class TextBuilder {
  #points: number[] = [];
  #text = "";

  push(code: number): void {
    this.#points.push(code);
    if (this.#points.length >= CHUNK) this.#flush();
  }

  /** The text so far. */
  text(): string {
    this.#flush();
    return this.#text;
  }

  /** Stop at `offset`, keeping the text before it (its line is the problem's line). */
  fail(offset: number, reason: string): Failure {
    return { offset, reason, before: this.text() };
  }

  #flush(): void {
    this.#text += String.fromCodePoint(...this.#points);
    this.#points.length = 0;
  }
}

/** UTF-16 from a byte offset; `native`: Python's "utf-16", which also takes a second mark. */
function utf16(bigEndian: boolean, native: boolean): Codec {
  return {
    name: bigEndian ? "UTF-16BE" : "UTF-16LE",
    decode(bytes, start) {
      let big = bigEndian;
      if (native && bytes.length >= start + 2) {
        if (bytes[start] === 0xff && bytes[start + 1] === 0xfe) start += 2;
        else if (bytes[start] === 0xfe && bytes[start + 1] === 0xff) {
          [start, big] = [start + 2, true];
        }
      }
      const unit = (at: number) =>
        big ? (bytes[at] << 8) | bytes[at + 1] : bytes[at] | (bytes[at + 1] << 8);
      const out = new TextBuilder();
      for (let at = start; at < bytes.length; at += 2) {
        if (at + 1 >= bytes.length) return out.fail(at, "a byte is left over at the end");
        const code = unit(at);
        if (code >= 0xdc00 && code <= 0xdfff) return out.fail(at, "an unpaired surrogate");
        if (code >= 0xd800 && code <= 0xdbff) {
          const low = at + 3 < bytes.length ? unit(at + 2) : -1;
          if (low < 0xdc00 || low > 0xdfff) return out.fail(at, "an unpaired surrogate");
          out.push(0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00));
          at += 2;
        } else out.push(code);
      }
      return out.text();
    },
  };
}

/** UTF-32 from a byte offset; `native`: Python's "utf-32", which also takes a second mark. */
function utf32(bigEndian: boolean, native: boolean): Codec {
  return {
    name: bigEndian ? "UTF-32BE" : "UTF-32LE",
    decode(bytes, start) {
      let big = bigEndian;
      const at4 = (at: number) =>
        big
          ? ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0
          : ((bytes[at + 3] << 24) | (bytes[at + 2] << 16) | (bytes[at + 1] << 8) | bytes[at]) >>>
            0;
      if (native && bytes.length >= start + 4) {
        const mark = at4(start);
        if (mark === 0xfeff) start += 4;
        else if (mark === 0xfffe0000) [start, big] = [start + 4, true];
      }
      const out = new TextBuilder();
      for (let at = start; at < bytes.length; at += 4) {
        if (at + 3 >= bytes.length) return out.fail(at, "bytes are left over at the end");
        const code = at4(at);
        if (code > 0x10ffff) return out.fail(at, "a code point beyond U+10FFFF");
        if (code >= 0xd800 && code <= 0xdfff) return out.fail(at, "a surrogate code point");
        out.push(code);
      }
      return out.text();
    },
  };
}

/** One byte, one character; a byte the table leaves undefined is an error (ASCII, cp1252). */
function singleByte(name: string, table?: (byte: number) => number | undefined): Codec {
  return {
    name,
    decode(bytes, start) {
      const out = new TextBuilder();
      for (let at = start; at < bytes.length; at++) {
        const code = table ? table(bytes[at]) : bytes[at];
        if (code === undefined) {
          return out.fail(at, `byte 0x${bytes[at].toString(16)} means nothing in ${name}`);
        }
        out.push(code);
      }
      return out.text();
    },
  };
}

/** Windows-1252's 0x80–0x9F (Python leaves 0x81, 0x8D, 0x8F, 0x90 and 0x9D undefined). */
const CP1252_HIGH = [
  0x20ac,
  -1,
  0x201a,
  0x0192,
  0x201e,
  0x2026,
  0x2020,
  0x2021,
  0x02c6,
  0x2030,
  0x0160,
  0x2039,
  0x0152,
  -1,
  0x017d,
  -1,
  -1,
  0x2018,
  0x2019,
  0x201c,
  0x201d,
  0x2022,
  0x2013,
  0x2014,
  0x02dc,
  0x2122,
  0x0161,
  0x203a,
  0x0153,
  -1,
  0x017e,
  0x0178,
];

const LATIN1 = singleByte("ISO-8859-1");
const ASCII = singleByte("ASCII", (byte) => (byte < 0x80 ? byte : undefined));
const CP1252 = singleByte("cp1252", (byte) => {
  if (byte < 0x80 || byte >= 0xa0) return byte;
  const code = CP1252_HIGH[byte - 0x80];
  return code < 0 ? undefined : code;
});

/** The codecs a coding comment may name, by Python's normalised names and common aliases. */
const CODECS = new Map<string, Codec>([
  ...["utf_8", "utf8", "u8", "utf", "cp65001", "utf_8_sig"].map((n) => [n, UTF8] as const),
  ...[
    "latin_1",
    "latin1",
    "latin",
    "l1",
    "iso_8859_1",
    "iso8859_1",
    "8859",
    "cp819",
    "iso_ir_100",
  ].map((n) => [n, LATIN1] as const),
  ...["ascii", "us_ascii", "646", "us"].map((n) => [n, ASCII] as const),
  ...["cp1252", "windows_1252", "1252"].map((n) => [n, CP1252] as const),
  ...["utf_16", "utf16", "u16"].map((n) => [n, utf16(false, true)] as const),
  ...["utf_16_le", "utf_16le"].map((n) => [n, utf16(false, false)] as const),
  ...["utf_16_be", "utf_16be"].map((n) => [n, utf16(true, false)] as const),
]);
