/**
 * A bounded reader of Python literals, as `ast.literal_eval` reads them: what NumPy's `.npy`
 * header is (`{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }`). Strings with their
 * prefixes, escapes and implicit concatenation, numbers, `True`/`False`/`None`, tuples, lists,
 * sets and dicts (the last of repeated keys wins, as in Python). Anything else is refused: a
 * reader that guessed would disagree with NumPy on a hostile header.
 *
 * @module
 */

/** A Python literal: tuples are `{ tuple: [...] }`, dicts are `Map`s, sets are `Set`s. */
export type PythonLiteral =
  | string
  | number
  | bigint
  | boolean
  | null
  | { bytes: string }
  | { tuple: PythonLiteral[] }
  | PythonLiteral[]
  | Set<PythonLiteral>
  | Map<PythonLiteral, PythonLiteral>;

const MAX_DEPTH = 32;

class LiteralError extends Error {}

/**
 * Read `text` as one Python literal.
 *
 * @returns The value, or `{ error }` saying where `ast.literal_eval` would refuse it.
 * @example
 * ```ts
 * import { parsePythonLiteral } from "./_python_literal.ts";
 * const header = parsePythonLiteral("{'descr': '<f8', 'descr': '|O', 'shape': (2,)}");
 * (header as Map<unknown, unknown>).get("descr"); // "|O"
 * ```
 */
export function parsePythonLiteral(text: string): PythonLiteral | { error: string } {
  const reader = new Reader(text);
  try {
    reader.space();
    const value = reader.value(0);
    reader.space();
    if (reader.pos < text.length) reader.fail("unexpected text after the literal");
    return value;
  } catch (error) {
    if (error instanceof LiteralError) return { error: error.message };
    throw error;
  }
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\n": "",
};

class Reader {
  pos = 0;
  constructor(readonly text: string) {}

  fail(why: string): never {
    throw new LiteralError(`${why} at offset ${this.pos}`);
  }

  /** Whitespace, comments and line continuations (inside brackets newlines are spaces too). */
  space(): void {
    while (this.pos < this.text.length) {
      const char = this.text[this.pos];
      if (" \t\n\r\f\v".includes(char)) this.pos++;
      else if (char === "\\" && this.text[this.pos + 1] === "\n") this.pos += 2;
      else if (char === "#") {
        while (this.pos < this.text.length && this.text[this.pos] !== "\n") this.pos++;
      } else break;
    }
  }

  value(depth: number): PythonLiteral {
    if (depth > MAX_DEPTH) this.fail("literal nested too deeply");
    const char = this.text[this.pos];
    if (char === undefined) this.fail("literal expected");
    if (char === "(") return this.sequence(depth, ")", (items) => ({ tuple: items }), true);
    if (char === "[") return this.sequence(depth, "]", (items) => items, false);
    if (char === "{") return this.braces(depth);
    if (char === "-" || char === "+") {
      this.pos++;
      this.space();
      const operand = this.value(depth + 1);
      if (typeof operand === "number") return char === "-" ? -operand : operand;
      if (typeof operand === "bigint") return char === "-" ? -operand : operand;
      this.fail("sign before a non-number");
    }
    if (/[0-9.]/.test(char)) return this.number();
    const word = /^[A-Za-z_]\w*/.exec(this.text.slice(this.pos, this.pos + 64))?.[0] ?? "";
    const quote = this.text[this.pos + word.length];
    if ((quote === "'" || quote === '"') && /^(?:[rRuUbB]|[bB][rR]|[rR][bB])?$/.test(word)) {
      return this.strings();
    }
    if (word === "True" || word === "False" || word === "None") {
      this.pos += word.length;
      return word === "True" ? true : word === "False" ? false : null;
    }
    this.fail(`not a literal: ${JSON.stringify(this.text.slice(this.pos, this.pos + 20))}`);
  }

  sequence(
    depth: number,
    close: string,
    make: (items: PythonLiteral[]) => PythonLiteral,
    tuple: boolean,
  ): PythonLiteral {
    this.pos++;
    const items: PythonLiteral[] = [];
    let comma = false;
    for (;;) {
      this.space();
      if (this.text[this.pos] === close) {
        this.pos++;
        // (x) is x, not a tuple.
        if (tuple && items.length === 1 && !comma) return items[0];
        return make(items);
      }
      if (items.length > 0 && !comma) this.fail(`',' or '${close}' expected`);
      items.push(this.value(depth + 1));
      this.space();
      comma = this.text[this.pos] === ",";
      if (comma) this.pos++;
    }
  }

  braces(depth: number): PythonLiteral {
    this.pos++;
    const dict = new Map<PythonLiteral, PythonLiteral>();
    const set = new Set<PythonLiteral>();
    let kind: "dict" | "set" | undefined;
    for (;;) {
      this.space();
      if (this.text[this.pos] === "}") {
        this.pos++;
        return kind === "set" ? set : dict;
      }
      const key = this.value(depth + 1);
      this.space();
      if (this.text[this.pos] === ":") {
        if (kind === "set") this.fail("':' in a set");
        kind = "dict";
        this.pos++;
        this.space();
        const value = this.value(depth + 1);
        // Python keeps the first key object and the last value; keys here are primitives.
        dict.set(typeof key === "object" && key !== null ? JSON.stringify(key) : key, value);
      } else {
        if (kind === "dict") this.fail("':' expected");
        kind = "set";
        set.add(key);
      }
      this.space();
      if (this.text[this.pos] === ",") this.pos++;
      else if (this.text[this.pos] !== "}") this.fail("',' or '}' expected");
    }
  }

  number(): number | bigint {
    const rest = this.text.slice(this.pos, this.pos + 400);
    const match =
      /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:\d(?:_?\d)*)?\.?(?:\d(?:_?\d)*)?(?:[eE][+-]?\d(?:_?\d)*)?[jJ]?)/
        .exec(rest);
    const written = match?.[0] ?? "";
    if (written === "" || written === ".") this.fail("number expected");
    this.pos += written.length;
    const plain = written.replaceAll("_", "");
    if (/[jJ]$/.test(plain)) this.fail("complex numbers are not read");
    if (/^0[xXoObB]/.test(plain)) return BigInt(plain.toLowerCase());
    if (/[.eE]/.test(plain)) return Number(plain);
    if (/^0+\d/.test(plain)) this.fail("leading zeros in a decimal integer");
    const big = BigInt(plain);
    return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }

  /** One or more adjacent string literals (implicit concatenation); bytes and text don't mix. */
  strings(): PythonLiteral {
    let text = "";
    let bytes: boolean | undefined;
    for (;;) {
      const prefix = /^[A-Za-z]*/.exec(this.text.slice(this.pos, this.pos + 3))![0];
      const quote = this.text[this.pos + prefix.length];
      if (quote !== "'" && quote !== '"') break;
      if (!/^(?:[rRuUbB]|[bB][rR]|[rR][bB])?$/.test(prefix)) break;
      const isBytes = /[bB]/.test(prefix);
      if (bytes !== undefined && bytes !== isBytes) this.fail("bytes and text literals mixed");
      bytes = isBytes;
      this.pos += prefix.length;
      text += this.string(/[rR]/.test(prefix), isBytes);
      this.space();
    }
    return bytes ? { bytes: text } : text;
  }

  string(raw: boolean, bytes: boolean): string {
    const quote = this.text[this.pos];
    const triple = this.text.startsWith(quote.repeat(3), this.pos);
    const close = triple ? quote.repeat(3) : quote;
    this.pos += close.length;
    let out = "";
    for (;;) {
      if (this.pos >= this.text.length) this.fail("unterminated string");
      if (this.text.startsWith(close, this.pos)) {
        this.pos += close.length;
        return out;
      }
      const char = this.text[this.pos];
      if (char === "\n" && !triple) this.fail("newline in a string");
      if (bytes && char.charCodeAt(0) > 0x7f) this.fail("non-ASCII character in bytes");
      if (char !== "\\") {
        out += char;
        this.pos++;
        continue;
      }
      const next = this.text[this.pos + 1];
      if (next === undefined) this.fail("unterminated string");
      if (raw) {
        // A raw string keeps the backslash, and the escaped character cannot end the string.
        out += char + next;
        this.pos += 2;
        continue;
      }
      out += this.escape(next, bytes);
    }
  }

  escape(next: string, bytes: boolean): string {
    if (Object.hasOwn(SIMPLE_ESCAPES, next)) {
      this.pos += 2;
      return SIMPLE_ESCAPES[next];
    }
    if (/[0-7]/.test(next)) {
      const octal = /^[0-7]{1,3}/.exec(this.text.slice(this.pos + 1))![0];
      this.pos += 1 + octal.length;
      const code = parseInt(octal, 8);
      return String.fromCharCode(bytes ? code & 0xff : code);
    }
    const width = next === "x" ? 2 : !bytes && next === "u" ? 4 : !bytes && next === "U" ? 8 : 0;
    if (width > 0) {
      const hex = this.text.slice(this.pos + 2, this.pos + 2 + width);
      if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) this.fail(`bad \\${next} escape`);
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) this.fail("escape beyond Unicode");
      this.pos += 2 + width;
      return String.fromCodePoint(code);
    }
    if (!bytes && next === "N") this.fail("\\N{…} escapes are not read");
    this.pos += 1; // unknown escape: the backslash stays, the next character follows as itself
    return "\\";
  }
}
