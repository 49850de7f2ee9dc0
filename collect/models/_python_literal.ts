/**
 * A bounded reader of Python literals, as `ast.literal_eval` reads them: what NumPy's `.npy`
 * header is (`{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }`). Strings with their
 * prefixes, escapes and implicit concatenation, numbers, `True`/`False`/`None`, tuples, lists,
 * sets and dicts (the last of repeated keys wins, as in Python). Anything else is refused: a
 * reader that guessed would disagree with NumPy on a hostile header.
 *
 * @module
 */
import { SIMPLE_ESCAPES } from "../_python_tokens.ts";

/**
 * A Python literal: tuples are `{ tuple: [...] }`, dicts are `Map`s (keyed by the first key
 * written of each group of equal keys, holding the last value), sets are `Set`s.
 */
export type PythonLiteral =
  | string
  | number
  | bigint
  | boolean
  | null
  | { bytes: string }
  | { ellipsis: true }
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
  if (text.includes("\0")) return { error: "source code cannot contain null bytes" };
  // Python's tokenizer reads \r\n and \r as \n; literal_eval strips leading spaces and tabs.
  const reader = new Reader(text.replace(/\r\n?/g, "\n").replace(/^[ \t]+/, ""));
  try {
    reader.leading();
    const value = reader.value(0);
    reader.trailing();
    return value;
  } catch (error) {
    if (error instanceof LiteralError) return { error: error.message };
    throw error;
  }
}

class Reader {
  pos = 0;
  /** Brackets open: outside them a newline ends the expression. */
  open = 0;
  constructor(readonly text: string) {}

  fail(why: string): never {
    throw new LiteralError(`${why} at offset ${this.pos}`);
  }

  /** Whitespace, comments and line continuations; newlines only inside brackets. */
  space(): void {
    while (this.pos < this.text.length) {
      const char = this.text[this.pos];
      if (char === " " || char === "\t" || char === "\f") this.pos++;
      else if (char === "\n" && this.open > 0) this.pos++;
      else if (char === "\\" && this.text[this.pos + 1] === "\n") {
        this.pos += 2;
        if (this.pos >= this.text.length) this.fail("unexpected end after a line continuation");
      } else if (char === "#") {
        while (this.pos < this.text.length && this.text[this.pos] !== "\n") this.pos++;
      } else break;
    }
  }

  /** Blank and comment lines before the expression; its line must not be indented. */
  leading(): void {
    for (;;) {
      this.space();
      if (this.text[this.pos] !== "\n") return;
      this.pos++;
      const indent = /^[ \t\f]*/.exec(this.text.slice(this.pos))![0].length;
      const next = this.text[this.pos + indent];
      if (indent > 0 && next !== undefined && next !== "\n" && next !== "#") {
        this.fail("unexpected indent");
      }
    }
  }

  /** After the expression: a comment, then only newlines. */
  trailing(): void {
    this.space();
    while (this.text[this.pos] === "\n") this.pos++;
    if (this.pos < this.text.length) this.fail("unexpected text after the literal");
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
      // One sign on a number (parenthesised or not), never on a signed number.
      const after = /^[(\s]*/.exec(this.text.slice(this.pos, this.pos + 256))![0];
      if (!/[0-9.]/.test(this.text[this.pos + after.length] ?? "")) {
        this.fail("sign before a non-number");
      }
      const operand = this.value(depth + 1);
      if (typeof operand === "number") return char === "-" ? -operand : operand;
      if (typeof operand === "bigint") return char === "-" ? -operand : operand;
      this.fail("sign before a non-number");
    }
    if (this.text.startsWith("...", this.pos)) {
      this.pos += 3;
      return { ellipsis: true };
    }
    if (/[0-9.]/.test(char)) return this.number();
    if (/^set\s*\(\s*\)/.test(this.text.slice(this.pos, this.pos + 64))) {
      this.pos = this.text.indexOf(")", this.pos) + 1;
      return new Set();
    }
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
    this.open++;
    const items: PythonLiteral[] = [];
    let comma = false;
    for (;;) {
      this.space();
      if (this.text[this.pos] === close) {
        this.pos++;
        this.open--;
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
    this.open++;
    // Equal keys (1, True, 1.0, 0x1; equal tuples) are one key, as in Python: the first key
    // written stays, with the last value.
    const keys = new Map<string, PythonLiteral>();
    const values = new Map<string, PythonLiteral>();
    let kind: "dict" | "set" | undefined;
    for (;;) {
      this.space();
      if (this.text[this.pos] === "}") {
        this.pos++;
        this.open--;
        if (kind === "set") return new Set(keys.values());
        return new Map([...keys].map(([hash, key]) => [key, values.get(hash)!]));
      }
      const key = this.value(depth + 1);
      const hash = hashOf(key);
      if (hash === undefined) this.fail("unhashable dict key or set item");
      if (!keys.has(hash)) keys.set(hash, key);
      this.space();
      if (this.text[this.pos] === ":") {
        if (kind === "set") this.fail("':' in a set");
        kind = "dict";
        this.pos++;
        this.space();
        values.set(hash, this.value(depth + 1));
      } else {
        if (kind === "dict") this.fail("':' expected");
        kind = "set";
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
    if (!/\d/.test(written.replace(/[eE].*$/, ""))) this.fail("number expected");
    this.pos += written.length;
    const plain = written.replaceAll("_", "");
    if (/[jJ]$/.test(plain)) this.fail("complex numbers are not read");
    if (/^0[xXoObB]/.test(plain)) return BigInt(plain.toLowerCase());
    if (/[.eE]/.test(plain)) return Number(plain);
    if (/^0+[1-9]/.test(plain)) this.fail("leading zeros in a decimal integer");
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
        if (bytes && next.charCodeAt(0) > 0x7f) this.fail("non-ASCII character in bytes");
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

/**
 * Python's hash equality for literal keys: numbers equal across int, float and bool (1 == 1.0 ==
 * True), tuples by their items; `undefined` for unhashable values (lists, dicts, sets).
 */
function hashOf(value: PythonLiteral): string | undefined {
  if (value === null) return "None";
  if (typeof value === "boolean") return `n:${value ? 1 : 0}`;
  if (typeof value === "number") {
    return Number.isInteger(value) ? `n:${BigInt(value)}` : `n:${value}`;
  }
  if (typeof value === "bigint") return `n:${value}`;
  if (typeof value === "string") return `s:${value}`;
  if (Array.isArray(value) || value instanceof Map || value instanceof Set) return undefined;
  if ("bytes" in value) return `b:${value.bytes}`;
  if ("ellipsis" in value) return "...";
  const items = value.tuple.map(hashOf);
  return items.some((h) => h === undefined) ? undefined : `t:${JSON.stringify(items)}`;
}
