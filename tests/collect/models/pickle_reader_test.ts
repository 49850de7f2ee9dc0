/**
 * The text-protocol argument decoders of the pickle walker, against CPython itself: `int()` over
 * bytes and the C unpickler's memo for PUT/GET keys, `codecs.escape_decode` and the C unpickler's
 * STRING opcode for quoted strings, and the `raw-unicode-escape` codec for UNICODE. Random inputs
 * are drawn from an alphabet dense in escapes, and every input of a property goes to one python3.
 */
import assert from "node:assert/strict";
import { pythonJson } from "../../_python.ts";
import fc from "fast-check";
import {
  decodeBytesEscapes,
  decodeRawUnicodeEscape,
  pythonDecimal,
  unquotePython,
} from "../../../collect/models/_pickle_reader.ts";

/** Each request is a list of Latin-1 texts; each answer is `{ ok }` or `{ error }` per text. */
const ORACLE = `
import codecs, json, pickle, re, sys, warnings
warnings.simplefilter("ignore")
def attempt(f, s):
    try: return {"ok": f(s)}
    except Exception as e: return {"error": type(e).__name__ + ": " + str(e)[:80]}
def decimal(s): return str(int(s.encode("latin1")))
def memo_key(s):
    # GET on an empty memo: the C unpickler names the key it parsed in its error.
    try: pickle.loads(b"g" + s.encode("latin1") + b"\\n.")
    except pickle.UnpicklingError as e:
        found = re.fullmatch(r"Memo value not found at index (-?\\d+)", str(e))
        if found: return found[1]
        raise
def escapes(s): return codecs.escape_decode(s.encode("latin1"))[0].decode("latin1")
def string_op(s):
    return pickle.loads(b"S" + s.encode("latin1") + b"\\n.", encoding="bytes").decode("latin1")
def raw_unicode(s): return s.encode("latin1").decode("raw-unicode-escape")
def unicode_op(s): return pickle.loads(b"V" + s.encode("latin1") + b"\\n.")
KINDS = {"decimal": decimal, "memo_key": memo_key, "escapes": escapes, "string_op": string_op,
         "raw_unicode": raw_unicode, "unicode_op": unicode_op}
request = json.load(sys.stdin)
print(json.dumps({kind: [attempt(KINDS[kind], s) for s in texts] for kind, texts in request.items()}))
`;

type Kind = "decimal" | "memo_key" | "escapes" | "string_op" | "raw_unicode" | "unicode_op";
type Answer = { ok: string } | { error: string };

function cpython(request: Partial<Record<Kind, string[]>>): Promise<Record<Kind, Answer[]>> {
  return pythonJson(ORACLE, request);
}

/** What `pythonDecimal` owes for CPython's integer: the number, or nothing past 15 digits. */
function decimalFromCPython(answer: Answer): number | undefined {
  if (!("ok" in answer)) return undefined;
  return answer.ok.replace("-", "").length > 15 ? undefined : Number(answer.ok);
}

/** Texts for which ours and CPython's differ, each with both answers. */
function disagreements(
  inputs: string[],
  ours: (text: string) => string | number | undefined,
  theirs: (answer: Answer) => string | number | undefined,
  answers: Answer[],
): { input: string; ours: unknown; cpython: unknown }[] {
  const found = [];
  for (let i = 0; i < inputs.length; i++) {
    const mine = ours(inputs[i]);
    const expected = theirs(answers[i]);
    // -0 and 0 are one memo key (a Map compares them as equal), so they are not told apart.
    if (mine !== expected) {
      found.push({ input: inputs[i], ours: mine ?? null, cpython: answers[i] });
    }
  }
  return found;
}

const text = (answer: Answer) => ("ok" in answer ? answer.ok : undefined);

function report(seed: number | undefined, found: unknown[]): string {
  const where = seed === undefined ? "" : `seed ${seed}: `;
  return `${where}${found.length} disagreements with CPython:\n${
    JSON.stringify(found.slice(0, 25), null, 1)
  }`;
}

/** A random seed, printed with any failure so the run can be repeated. */
const freshSeed = () => Math.floor(Math.random() * 2 ** 31);

const LATIN1_EXTRAS = ["é", "ÿ", "\x80", "\x85", "\xa0", "\xb2", "\xff"];

const ESCAPE_UNITS = fc.oneof(
  { arbitrary: fc.constant("\\"), weight: 6 },
  { arbitrary: fc.constantFrom(..."0123456789"), weight: 4 },
  { arbitrary: fc.constantFrom(..."xuUN"), weight: 3 },
  { arbitrary: fc.constantFrom(..."abfnrtv'\"{}"), weight: 2 },
  { arbitrary: fc.constantFrom(..."ABCDEFcde"), weight: 2 },
  { arbitrary: fc.constantFrom(" ", "\t", "\r", "\n", "+", "-", "_"), weight: 1 },
  { arbitrary: fc.constantFrom(...LATIN1_EXTRAS), weight: 1 },
);

/** Escape-dense Latin-1 text, with whole escapes mixed in so that valid ones are common. */
const escapeText = (options: { newlines: boolean }) =>
  fc.array(
    fc.oneof(
      { arbitrary: ESCAPE_UNITS, weight: 4 },
      {
        arbitrary: fc.tuple(
          fc.constantFrom("\\x", "\\u", "\\U", "\\", "\\\\u", "\\\\\\u", "\\\\\\U"),
          fc.string({ unit: fc.constantFrom(..."0123456789abcdefABCDEFg"), maxLength: 9 }),
        ).map(([escape, digits]) => escape + digits),
        weight: 1,
      },
    ),
    { maxLength: 14 },
  ).map((parts) => parts.join("")).map((s) => options.newlines ? s : s.replaceAll("\n", "\r"));

const DECIMAL_UNITS = fc.oneof(
  { arbitrary: fc.constantFrom(..."0123456789"), weight: 8 },
  { arbitrary: fc.constantFrom("0", "_"), weight: 3 },
  { arbitrary: fc.constantFrom("+", "-", " ", "\t", "\r", "\n", "\v", "\f"), weight: 2 },
  { arbitrary: fc.constantFrom("\x1c", "\x00", "a", "x", "e", ".", ...LATIN1_EXTRAS), weight: 1 },
);

const WHITESPACE = fc.string({
  unit: fc.constantFrom(" ", "\t", "\r", "\n", "\v", "\f", "\x1c", "\x85", "\xa0"),
  maxLength: 3,
});

/** Mostly well-formed integers (spaces, sign, underscores, leading zeros), and some noise. */
const decimalText = (options: { newlines: boolean }) =>
  fc.oneof(
    fc.string({ unit: DECIMAL_UNITS, maxLength: 20 }),
    fc.tuple(
      WHITESPACE,
      fc.constantFrom("", "", "+", "-", "--", "+-", "_"),
      fc.string({
        unit: fc.constantFrom(..."0123456789", "0", "0", "_"),
        minLength: 1,
        maxLength: 20,
      }),
      WHITESPACE,
    ).map((parts) => parts.join("")),
  ).map((s) => options.newlines ? s : s.replaceAll("\n", " "));

Deno.test("pythonDecimal agrees with int() over the line's bytes (random lines)", async () => {
  const seed = freshSeed();
  // int() reads past a NUL where the C unpickler's C string ends: NUL lines are the next test's.
  const inputs = fc.sample(decimalText({ newlines: true }), { numRuns: 500, seed })
    .filter((line) => !line.includes("\0"));
  const { decimal } = await cpython({ decimal: inputs });
  const found = disagreements(inputs, pythonDecimal, decimalFromCPython, decimal);
  assert.deepEqual(found, [], report(seed, found));
});

Deno.test("pythonDecimal agrees with the C unpickler's GET key (random lines)", async () => {
  const seed = freshSeed();
  const inputs = fc.sample(decimalText({ newlines: false }), { numRuns: 400, seed });
  const { memo_key } = await cpython({ memo_key: inputs });
  const found = disagreements(inputs, pythonDecimal, decimalFromCPython, memo_key);
  assert.deepEqual(found, [], report(seed, found));
});

Deno.test("pythonDecimal edge cases, against int() and the C unpickler", async () => {
  const table: [string, number | undefined][] = [
    ["1", 1],
    [" 1\r", 1],
    ["\t\v\f 42 \r\n", 42],
    ["+1", 1],
    ["-1", -1],
    ["-0", 0],
    ["+0", 0],
    ["0001", 1],
    ["000", 0],
    ["0_0", 0],
    ["00_1", 1],
    ["1_0", 10],
    ["1_000_000", 1_000_000],
    ["1__0", undefined],
    ["_1", undefined],
    ["1_", undefined],
    ["+_1", undefined],
    ["- 1", undefined],
    ["+-1", undefined],
    ["--1", undefined],
    ["", undefined],
    [" ", undefined],
    ["+", undefined],
    ["1 2", undefined],
    ["1.0", undefined],
    ["1e3", undefined],
    ["0x10", undefined],
    ["1\x1c", undefined], // a separator str.isspace() knows, but not bytes
    ["1\x85", undefined],
    ["\xa01", undefined],
    ["\xb2", undefined], // superscript two: a digit to str.isdigit(), not to int()
    ["999999999999999", 999999999999999], // 15 digits: kept
    ["-999999999999999", -999999999999999],
    ["0000000000000000001", 1], // leading zeros are not digits that count
    ["1000000000000000", undefined], // 16 digits: beyond what is kept
    ["9007199254740993", undefined],
  ];
  const inputs = table.map(([line]) => line);
  const { decimal, memo_key } = await cpython({ decimal: inputs, memo_key: inputs });
  const found: Record<string, unknown>[] = [];
  for (let i = 0; i < table.length; i++) {
    const [line, wanted] = table[i];
    const ours = pythonDecimal(line);
    if (ours !== wanted) found.push({ input: line, ours, wanted });
    // The table itself must be CPython's answer (within the 15-digit bound).
    if (decimalFromCPython(decimal[i]) !== wanted) {
      found.push({ input: line, table: wanted, cpython: decimal[i] });
    }
    // A GET line ends at its newline, so only one-line arguments go to the unpickler.
    if (!line.includes("\n") && decimalFromCPython(memo_key[i]) !== wanted) {
      found.push({ input: line, table: wanted, unpickler: memo_key[i] });
    }
  }
  assert.deepEqual(found, [], report(undefined, found));
});

Deno.test("a NUL byte ends the C unpickler's PUT/GET key, as it ends a C string", async () => {
  // PyLong_FromString reads the C string up to the NUL, and load_put/load_get pass no length.
  // int() of the same bytes raises, but the unpickler stores (and later reads) memo key 1.
  const inputs = ["1\x00", "1\x00junk", " 12\x00 x", "-3\x00?"];
  const { memo_key, decimal } = await cpython({ memo_key: inputs, decimal: inputs });
  assert.deepEqual(memo_key.map(text), ["1", "1", "12", "-3"]);
  assert.deepEqual(decimal.map(text), [undefined, undefined, undefined, undefined]);
  assert.deepEqual(inputs.map(pythonDecimal), [1, 1, 12, -3]);
});

Deno.test("decodeBytesEscapes agrees with codecs.escape_decode (random text)", async () => {
  const seed = freshSeed();
  const inputs = fc.sample(escapeText({ newlines: true }), { numRuns: 600, seed });
  const { escapes } = await cpython({ escapes: inputs });
  const found = disagreements(inputs, decodeBytesEscapes, text, escapes);
  assert.deepEqual(found, [], report(seed, found));
});

Deno.test("unquotePython agrees with the C unpickler's STRING opcode (random lines)", async () => {
  const seed = freshSeed();
  const quoted = fc.tuple(
    fc.constantFrom("'", '"', "", "x"),
    escapeText({ newlines: false }),
    fc.constantFrom("'", '"', "", "x"),
  ).map((parts) => parts.join(""));
  const inputs = fc.sample(quoted, { numRuns: 500, seed });
  const { string_op } = await cpython({ string_op: inputs });
  const found = disagreements(inputs, unquotePython, text, string_op);
  assert.deepEqual(found, [], report(seed, found));
});

Deno.test("decodeRawUnicodeEscape agrees with the raw-unicode-escape codec (random text)", async () => {
  const seed = freshSeed();
  const inputs = fc.sample(escapeText({ newlines: true }), { numRuns: 600, seed });
  const { raw_unicode } = await cpython({ raw_unicode: inputs });
  const found = disagreements(inputs, decodeRawUnicodeEscape, text, raw_unicode);
  assert.deepEqual(found, [], report(seed, found));
});

Deno.test("escape edge cases, against escape_decode, STRING and UNICODE", async () => {
  const bytesTable: [string, string | undefined][] = [
    ["\\557", "o"], // octal wraps at 256: 0o557 & 0xff
    ["\\557s", "os"],
    ["\\777", "\xff"],
    ["\\400", "\x00"],
    ["\\0", "\x00"],
    ["\\1234", "S4"],
    ["\\8", "\\8"],
    ["\\9x", "\\9x"],
    ["\\x4", undefined],
    ["\\x4g", undefined],
    ["\\x", undefined],
    ["\\x41", "A"],
    ["\\xfF", "\xff"],
    ["\\X41", "\\X41"],
    ["a\\", undefined], // trailing backslash
    ["\\", undefined],
    ["\\\\", "\\"],
    ["\\\\\\", undefined],
    ["\\\\u0041", "\\u0041"],
    ["\\u0041", "\\u0041"], // not an escape in bytes
    ["\\U00000041", "\\U00000041"],
    ["\\N{DASH}", "\\N{DASH}"],
    ["\\\n", ""], // escaped newline: dropped
    ["\\\r\n", "\\\r\n"],
    ["\\a\\b\\f\\n\\r\\t\\v", "\x07\b\f\n\r\t\v"],
    ["\\'\\\"", "'\""],
    ["\\é", "\\é"],
    ["é\xff", "é\xff"],
    ["", ""],
  ];
  const rawTable: [string, string | undefined][] = [
    ["\\u0041", "A"],
    ["\\\\u0041", "\\\\u0041"], // even run: not an escape
    ["\\\\\\u0041", "\\\\A"], // odd run: the last backslash escapes
    ["\\\\\\\\u0041", "\\\\\\\\u0041"],
    ["\\U0001F600", "\u{1F600}"],
    ["\\U0010FFFF", "\u{10FFFF}"],
    ["\\U00110000", undefined],
    ["\\uD800", "\ud800"],
    ["\\u004", undefined],
    ["\\u004g", undefined],
    ["\\u", undefined],
    ["\\U0000004", undefined],
    ["\\x41", "\\x41"],
    ["\\n", "\\n"],
    ["\\", "\\"],
    ["a\\", "a\\"],
    ["\\\\", "\\\\"],
    ["\\N{DASH}", "\\N{DASH}"],
    ["é\\u00e9", "éé"],
    ["", ""],
  ];
  const stringTable: [string, string | undefined][] = [
    ["'os'", "os"],
    ['"os"', "os"],
    ["'\\557s'", "os"],
    ["'\\x6fs'", "os"],
    ["'", undefined],
    ['"', undefined],
    ["''", ""],
    ["'os\"", undefined],
    ["os", undefined],
    ["'os", undefined],
    ["'a\\'", undefined], // the closing quote is escaped: the inside ends in a backslash
    ["'\\''", "'"],
    ["'\\x4'", undefined],
    ["'''", "'"],
    ["'\\u0041'", "\\u0041"],
  ];
  const { escapes, raw_unicode, unicode_op, string_op } = await cpython({
    escapes: bytesTable.map(([input]) => input),
    raw_unicode: rawTable.map(([input]) => input),
    unicode_op: rawTable.map(([input]) => input),
    string_op: stringTable.map(([input]) => input),
  });
  const found: Record<string, unknown>[] = [];
  const check = (
    name: string,
    table: [string, string | undefined][],
    ours: (text: string) => string | undefined,
    ...oracles: Answer[][]
  ) => {
    table.forEach(([input, wanted], i) => {
      const mine = ours(input);
      if (mine !== wanted) found.push({ name, input, ours: mine, wanted });
      for (const oracle of oracles) {
        if (text(oracle[i]) !== wanted) {
          found.push({ name, input, table: wanted, cpython: oracle[i] });
        }
      }
    });
  };
  check("decodeBytesEscapes", bytesTable, decodeBytesEscapes, escapes);
  check("decodeRawUnicodeEscape", rawTable, decodeRawUnicodeEscape, raw_unicode, unicode_op);
  check("unquotePython", stringTable, unquotePython, string_op);
  assert.deepEqual(found, [], report(undefined, found));
});

Deno.test("the decoders stay linear on a megabyte of escapes", () => {
  const octal = "\\1".repeat(500_000);
  const raw = "\\u0041".repeat(170_000);
  const started = performance.now();
  assert.equal(decodeBytesEscapes(octal)?.length, 500_000);
  assert.equal(unquotePython(`'${octal}'`)?.length, 500_000);
  assert.equal(decodeRawUnicodeEscape(raw)?.length, 170_000);
  assert.equal(decodeRawUnicodeEscape("\\".repeat(1_000_000) + "u")?.length, 1_000_001);
  assert.equal(pythonDecimal(" ".repeat(1_000_000) + "1"), 1);
  assert.ok(performance.now() - started < 3000, `took ${performance.now() - started} ms`);
});
