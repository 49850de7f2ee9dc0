/**
 * A small, bounded Python tokenizer for readers that look for facts in source code (model
 * references). It never executes or imports anything; it only splits text into names, strings,
 * numbers, operators, comments and logical-line ends, so that a call written inside a comment or a
 * docstring is never mistaken for code.
 *
 * Deliberate simplifications: no INDENT/DEDENT tokens (a token's `column` tells its indentation),
 * no keyword kind (keywords are `name` tokens), and characters Python would reject become one-char
 * `op` tokens instead of errors. Columns count UTF-16 code units (as SARIF and editors do), tabs
 * count one.
 *
 * @module
 */

/**
 * What a token is. `newline` ends a logical line (its text is the line break, or `""` at the end
 * of a file without one); blank lines, comment-only lines and breaks inside brackets or after `\`
 * produce none.
 */
export type PythonTokenKind = "name" | "string" | "number" | "op" | "newline" | "comment";

/** One token, with its source text and 1-based position. */
export interface PythonToken {
  /** What the token is. */
  kind: PythonTokenKind;
  /** The token exactly as written (strings include prefix and quotes). */
  text: string;
  /**
   * The decoded value of a complete, non-formatted string literal (plain, raw, bytes as code
   * units); `undefined` for f-/t-strings and unterminated strings.
   */
  value?: string;
  /** Set on a string literal that runs to the end of its line (or file) without closing. */
  unterminated?: true;
  /** 1-based line of the token's first character. */
  line: number;
  /** 1-based column (UTF-16 code units) of the token's first character. */
  column: number;
}

/** Options for {@linkcode tokenizePython}. */
export interface TokenizeOptions {
  /** Stop after this many tokens; defaults to {@linkcode DEFAULT_MAX_TOKENS}. */
  maxTokens?: number;
}

/**
 * How many tokens {@linkcode tokenizePython} produces before giving up.
 *
 * @example
 * ```ts
 * import { DEFAULT_MAX_TOKENS } from "./_python_tokens.ts";
 * DEFAULT_MAX_TOKENS; // 2,000,000
 * ```
 */
export const DEFAULT_MAX_TOKENS = 2_000_000;

/**
 * Thrown by {@linkcode tokenizePython} when a text holds more than `maxTokens` tokens. Carries the
 * tokens read so far so a reader can still use them and record a Problem for the rest.
 *
 * @example
 * ```ts
 * import { PythonTokenLimitError, tokenizePython } from "./_python_tokens.ts";
 * try {
 *   tokenizePython("a = 1\nb = 2\n", { maxTokens: 3 });
 * } catch (error) {
 *   if (error instanceof PythonTokenLimitError) error.tokens.length; // 3
 * }
 * ```
 */
export class PythonTokenLimitError extends Error {
  /** The limit that was reached. */
  readonly maxTokens: number;
  /** Line where tokenizing stopped. */
  readonly line: number;
  /** The first `maxTokens` tokens. */
  readonly tokens: PythonToken[];
  /**
   * @param maxTokens The limit that was reached.
   * @param line Line where tokenizing stopped.
   * @param tokens The tokens read before stopping.
   */
  constructor(maxTokens: number, line: number, tokens: PythonToken[]) {
    super(`more than ${maxTokens} tokens; stopped at line ${line}`);
    this.name = "PythonTokenLimitError";
    this.maxTokens = maxTokens;
    this.line = line;
    this.tokens = tokens;
  }
}

const STRING_PREFIXES = new Set(["", "r", "u", "b", "f", "t", "br", "rb", "fr", "rf", "tr", "rt"]);
const STRING_START = /([a-zA-Z]{1,2})?(['"])/y;
const NAME = /[\p{ID_Start}_][\p{ID_Continue}]*/uy;
const NUMBER =
  /0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?[jJ]?/y;
const OPERATORS = [
  ["**=", "//=", ">>=", "<<=", "..."],
  [
    "->",
    ":=",
    "==",
    "!=",
    "<=",
    ">=",
    "**",
    "//",
    "<<",
    ">>",
    "+=",
    "-=",
    "*=",
    "/=",
    "%=",
    "&=",
    "|=",
    "^=",
    "@=",
  ],
];
const OPENERS = "([{";
const CLOSERS = ")]}";
/** Nested f-string fields deeper than this are read as plain characters (Python stops far earlier). */
const MAX_FIELD_NESTING = 32;

/**
 * Split Python source into tokens without executing anything; never throws on malformed input.
 *
 * @param text The source text (a leading byte-order mark is skipped).
 * @param options `maxTokens` bounds the work.
 * @returns The tokens in source order, `newline` tokens at the end of each logical line.
 * @throws {PythonTokenLimitError} when the text holds more than `maxTokens` tokens.
 * @example
 * ```ts
 * import { tokenizePython } from "./_python_tokens.ts";
 * const tokens = tokenizePython('m = load("org/model")  # why\n');
 * tokens.map((t) => t.kind).join(" "); // "name op name op string op comment newline"
 * tokens[4].value; // "org/model"
 * ```
 */
export function tokenizePython(text: string, options: TokenizeOptions = {}): PythonToken[] {
  const maxTokens = options.maxTokens ?? DEFAULT_MAX_TOKENS;
  const tokens: PythonToken[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let lineStart = 0;
  let depth = 0;
  let lineHasCode = false;

  const push = (token: PythonToken): void => {
    if (tokens.length >= maxTokens) throw new PythonTokenLimitError(maxTokens, token.line, tokens);
    tokens.push(token);
    if (token.kind !== "comment" && token.kind !== "newline") lineHasCode = true;
  };
  const simple = (kind: PythonTokenKind, end: number): void => {
    push({ kind, text: text.slice(i, end), line, column: i - lineStart + 1 });
    i = end;
  };
  // Moves `i` to `end`, counting the line breaks in between.
  const advanceOver = (end: number): void => {
    for (let k = i; k < end; k++) {
      const c = text[k];
      if (c === "\n" || (c === "\r" && text[k + 1] !== "\n")) {
        line++;
        lineStart = k + 1;
      }
    }
    i = end;
  };

  while (i < text.length) {
    const c = text[i];
    if (c === " " || c === "\t" || c === "\f") {
      i++;
    } else if (c === "\n" || c === "\r") {
      const end = c === "\r" && text[i + 1] === "\n" ? i + 2 : i + 1;
      if (depth === 0 && lineHasCode) {
        push({ kind: "newline", text: text.slice(i, end), line, column: i - lineStart + 1 });
        lineHasCode = false;
      }
      advanceOver(end);
    } else if (c === "#") {
      let end = i;
      while (end < text.length && text[end] !== "\n" && text[end] !== "\r") end++;
      simple("comment", end);
    } else if (c === "\\" && (text[i + 1] === "\n" || text[i + 1] === "\r")) {
      advanceOver(i + (text[i + 1] === "\r" && text[i + 2] === "\n" ? 3 : 2));
    } else if (stringPrefixLength(text, i) >= 0) {
      const prefixLength = stringPrefixLength(text, i);
      const prefix = text.slice(i, i + prefixLength).toLowerCase();
      const scan = scanString(text, i + prefixLength, /[ft]/.test(prefix), 0);
      const raw = text.slice(i, scan.end);
      const token: PythonToken = { kind: "string", text: raw, line, column: i - lineStart + 1 };
      if (!scan.terminated) token.unterminated = true;
      else if (!/[ft]/.test(prefix)) {
        const body = raw.slice(prefixLength + scan.quote.length, raw.length - scan.quote.length)
          .replace(/\r\n?/g, "\n");
        token.value = prefix.includes("r") ? body : decodeEscapes(body, prefix.includes("b"));
      }
      push(token);
      advanceOver(scan.end);
    } else if (isDigit(c) || (c === "." && isDigit(text[i + 1]))) {
      NUMBER.lastIndex = i;
      NUMBER.exec(text);
      simple("number", NUMBER.lastIndex);
    } else {
      NAME.lastIndex = i;
      if (NAME.exec(text)) {
        simple("name", NAME.lastIndex);
        continue;
      }
      const op = OPERATORS[0].find((o) => text.startsWith(o, i)) ??
        OPERATORS[1].find((o) => text.startsWith(o, i)) ??
        String.fromCodePoint(text.codePointAt(i)!);
      if (OPENERS.includes(op)) depth++;
      else if (CLOSERS.includes(op)) depth = Math.max(0, depth - 1);
      simple("op", i + op.length);
    }
  }
  if (lineHasCode) push({ kind: "newline", text: "", line, column: i - lineStart + 1 });
  return tokens;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

/** Length of the string prefix (`rb`, `f`…) when a string literal starts at `i`, else -1. */
function stringPrefixLength(text: string, i: number): number {
  STRING_START.lastIndex = i;
  const match = STRING_START.exec(text);
  const prefix = match?.[1] ?? "";
  return match !== null && STRING_PREFIXES.has(prefix.toLowerCase()) ? prefix.length : -1;
}

interface StringScan {
  end: number;
  terminated: boolean;
  quote: string;
}

/** Scans a string body starting at its opening quote; `formatted` enables `{field}` parsing. */
function scanString(text: string, start: number, formatted: boolean, nesting: number): StringScan {
  const q = text[start];
  const triple = text.startsWith(q + q + q, start);
  const quote = triple ? q + q + q : q;
  let i = start + quote.length;
  while (i < text.length) {
    const c = text[i];
    if (c === "\\") {
      i += text[i + 1] === "\r" && text[i + 2] === "\n" ? 3 : 2;
    } else if (!triple && (c === "\n" || c === "\r")) {
      return { end: i, terminated: false, quote };
    } else if (text.startsWith(quote, i)) {
      return { end: i + quote.length, terminated: true, quote };
    } else if (formatted && c === "{" && nesting < MAX_FIELD_NESTING) {
      i = text[i + 1] === "{" ? i + 2 : scanField(text, i + 1, quote, nesting + 1);
    } else {
      i++;
    }
  }
  return { end: text.length, terminated: false, quote };
}

/**
 * Scans an f-string replacement field after its `{` (Python 3.12 rules: nested strings may reuse
 * the outer quote). Returns the index after the closing `}`, or where the field broke off.
 */
function scanField(text: string, start: number, quote: string, nesting: number): number {
  const triple = quote.length === 3;
  let depth = 0;
  let i = start;
  let spec = false;
  while (i < text.length) {
    const c = text[i];
    if (!triple && (c === "\n" || c === "\r")) return i;
    if (spec) {
      if (text.startsWith(quote, i)) return i;
      if (c === "}") return i + 1;
      if (c === "{" && nesting < MAX_FIELD_NESTING) i = scanField(text, i + 1, quote, nesting + 1);
      else i += c === "\\" ? 2 : 1;
      continue;
    }
    const prefixLength = stringPrefixLength(text, i);
    if (prefixLength >= 0) {
      const formatted = /[ftFT]/.test(text.slice(i, i + prefixLength));
      const scan = scanString(text, i + prefixLength, formatted, nesting + 1);
      if (!scan.terminated) return scan.end;
      i = scan.end;
      continue;
    }
    if (/[A-Za-z0-9_]/.test(c)) {
      while (i < text.length && /[A-Za-z0-9_]/.test(text[i]) && stringPrefixLength(text, i) < 0) {
        i++;
      }
      continue;
    }
    if (OPENERS.includes(c)) depth++;
    else if (c === ")" || c === "]") depth = Math.max(0, depth - 1);
    else if (c === "}") {
      if (depth === 0) return i + 1;
      depth--;
    } else if (c === ":" && depth === 0) spec = true;
    i++;
  }
  return Math.min(i, text.length);
}

/**
 * The one-character escapes of Python string and bytes literals (`\\n`, `\\'`…) and what they
 * stand for; a backslash before a newline joins the lines.
 *
 * @example
 * ```ts
 * import { SIMPLE_ESCAPES } from "./_python_tokens.ts";
 * SIMPLE_ESCAPES["t"]; // "\t"
 * ```
 */
export const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
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

/** Decodes Python escapes in a non-raw literal; unknown or malformed escapes stay as written. */
function decodeEscapes(body: string, bytes: boolean): string {
  if (!body.includes("\\")) return body;
  return body.replace(
    /\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|[\s\S]?)/g,
    (whole, escape: string) => {
      if (Object.hasOwn(SIMPLE_ESCAPES, escape)) return SIMPLE_ESCAPES[escape];
      const head = escape[0];
      if (head === "x") return String.fromCharCode(parseInt(escape.slice(1), 16));
      if (/[0-7]/.test(head)) {
        return String.fromCharCode(parseInt(escape, 8) & (bytes ? 0xff : 0x1ff));
      }
      if ((head === "u" || head === "U") && !bytes) {
        const code = parseInt(escape.slice(1), 16);
        if (code <= 0x10ffff) return String.fromCodePoint(code);
      }
      return whole;
    },
  );
}
