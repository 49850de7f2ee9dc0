import fc from "fast-check";
import assert from "node:assert/strict";
import { pythonJson } from "../../_python.ts";
import { parsePythonLiteral, type PythonLiteral } from "../../../collect/models/_python_literal.ts";

/** Every text goes through `ast.literal_eval`; values come back in the common JSON form. */
export const ORACLE = `
import ast, json, math, sys, warnings
warnings.simplefilter("ignore")
SAFE = 2**53 - 1
def norm(v):
    if v is None or isinstance(v, (bool, str)): return v
    if isinstance(v, int): return v if -SAFE <= v <= SAFE else {"int": str(v)}
    if isinstance(v, float):
        if math.isnan(v): return {"float": "nan"}
        if math.isinf(v): return {"float": "inf" if v > 0 else "-inf"}
        return 0 if v == 0 else v
    if isinstance(v, complex): return {"complex": [norm(v.real), norm(v.imag)]}
    if v is Ellipsis: return {"ellipsis": True}
    if isinstance(v, bytes): return {"bytes": v.decode("latin1")}
    if isinstance(v, tuple): return {"tuple": [norm(x) for x in v]}
    if isinstance(v, list): return [norm(x) for x in v]
    if isinstance(v, dict): return {"dict": [[norm(k), norm(x)] for k, x in v.items()]}
    if isinstance(v, (set, frozenset)): return {"set": [norm(x) for x in v]}
    return {"unknown": repr(v)}
out = []
for text in json.load(sys.stdin):
    try: out.append({"ok": norm(ast.literal_eval(text))})
    except BaseException as e: out.append({"error": type(e).__name__ + ": " + str(e)[:100]})
print(json.dumps(out))
`;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type Outcome = { ok: Json } | { error: string };

export function literalEval(texts: string[]): Promise<Outcome[]> {
  return pythonJson(ORACLE, texts);
}

export const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Ours in the oracle's JSON form (ints and floats are both numbers, as in our value shapes). */
export function norm(value: PythonLiteral): Json {
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number") {
    if (Number.isNaN(value)) return { float: "nan" };
    if (!Number.isFinite(value)) return { float: value > 0 ? "inf" : "-inf" };
    return value === 0 ? 0 : value;
  }
  if (typeof value === "bigint") {
    return value >= -SAFE && value <= SAFE ? Number(value) : { int: value.toString() };
  }
  if (Array.isArray(value)) return value.map(norm);
  if (value instanceof Map) return { dict: [...value].map(([k, v]) => [norm(k), norm(v)]) };
  if (value instanceof Set) return { set: [...value].map(norm) };
  if ("tuple" in value) return { tuple: value.tuple.map(norm) };
  if ("ellipsis" in value) return { ellipsis: true };
  return { bytes: value.bytes };
}

/** Sets in a fixed order, so that both sides compare as JSON text. */
export function canonical(value: Json): Json {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== "object") return value;
  if ("set" in value && Array.isArray(value.set)) {
    const items = value.set.map(canonical);
    return { set: items.sort((a, b) => JSON.stringify(a) < JSON.stringify(b) ? -1 : 1) };
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, canonical(v)]));
}

export function ours(text: string): Outcome {
  const value = parsePythonLiteral(text);
  if (
    value !== null && typeof value === "object" && !Array.isArray(value) &&
    !(value instanceof Map) && !(value instanceof Set) && "error" in value
  ) {
    return { error: value.error };
  }
  return { ok: norm(value as PythonLiteral) };
}

/** The documented refusals: complex numbers and `\N{…}` escapes. */
export function documentedRefusal(error: string, theirs: Json): boolean {
  return /complex numbers are not read|\\N\{…\} escapes are not read/.test(error) ||
    JSON.stringify(theirs).includes('{"complex":');
}

export interface Disagreement {
  input: string;
  ours: Outcome;
  cpython: Outcome;
}

export async function disagreements(texts: string[]): Promise<Disagreement[]> {
  const expected = await literalEval(texts);
  const found: Disagreement[] = [];
  texts.forEach((input, i) => {
    const theirs = expected[i];
    const mine = ours(input);
    if ("error" in theirs) {
      if ("ok" in mine) found.push({ input, ours: mine, cpython: theirs });
    } else if ("error" in mine) {
      if (!documentedRefusal(mine.error, theirs.ok)) {
        found.push({ input, ours: mine, cpython: theirs });
      }
    } else if (JSON.stringify(canonical(mine.ok)) !== JSON.stringify(canonical(theirs.ok))) {
      found.push({ input, ours: mine, cpython: theirs });
    }
  });
  return found;
}

export function report(found: Disagreement[], seed?: number): string {
  const where = seed === undefined ? "" : `seed ${seed}: `;
  return `${where}${found.length} disagreements with ast.literal_eval:\n${
    JSON.stringify(found.slice(0, 25), null, 1)
  }`;
}

export async function assertAgrees(texts: string[], seed?: number): Promise<void> {
  const found = await disagreements(texts);
  assert.deepEqual(found, [], report(found, seed));
}

// Generators of Python literal source text, for the differential tests.

export const freshSeed = () => Math.floor(Math.random() * 2 ** 31);

// ---------------------------------------------------------------------------------------------
// Generators: source text, not values, so that spelling (prefixes, spacing, escapes) varies.

/** Between tokens inside brackets, where newlines are only spaces. */
const INNER_SPACE = fc.oneof(
  { arbitrary: fc.constantFrom("", " "), weight: 6 },
  {
    arbitrary: fc.constantFrom("\n", "\t", " # note\n", "\\\n", "\n\n    ", "\f", "\r\n", "\r"),
    weight: 2,
  },
);

/** Around the whole literal, where a newline ends the expression and indentation counts. */
const OUTER_SPACE = fc.oneof(
  { arbitrary: fc.constantFrom("", " ", "\t"), weight: 6 },
  { arbitrary: fc.constantFrom("\n", " # note\n", "\\\n", "\r\n", "\v", "\n  ", "\f"), weight: 1 },
);

const DIGITS = fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: 1, maxLength: 6 });

const INTEGER = fc.oneof(
  fc.nat().map(String),
  fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String),
  fc.array(DIGITS, { minLength: 1, maxLength: 4 }).map((parts) => parts.join("_")),
  fc.nat().map((n) => `0x${n.toString(16)}`),
  fc.nat().map((n) => `0O${n.toString(8)}`),
  fc.nat().map((n) => `0b_${n.toString(2)}`),
  fc.constantFrom(
    "0",
    "00",
    "0_0",
    "007",
    "0_7",
    "0o17",
    "0x_ff",
    "0XFF",
    "0b1_01",
    "1__0",
    "1_",
    "0x",
    "0b2",
    "0o8",
    "9007199254740993",
  ),
);

const FLOAT = fc.oneof(
  fc.double({ min: 0, max: 1e300, noNaN: true }).map(String),
  fc.tuple(DIGITS, DIGITS).map(([a, b]) => `${a}.${b}`),
  fc.constantFrom(
    "1.5",
    ".5",
    "5.",
    "1e5",
    "1E-5",
    "1e+5",
    "1_0.5",
    "1e1_0",
    ".e5",
    "1.e5",
    "1e400",
    "0.0",
    "00.5",
    "09.5",
    "1e-400",
    "1e",
    "1._5",
    "1_.5",
    "3.14_15",
    "1.5j",
    "2J",
  ),
);

const KEYWORD = fc.constantFrom("True", "False", "None", "true", "...", "Ellipsis", "set()", "x");

const STRING_PIECE = fc.oneof(
  { arbitrary: fc.constantFrom("a", "Z", " ", "é", "\u0100", "😀", "#", "\t"), weight: 8 },
  {
    arbitrary: fc.constantFrom(
      "\\x41",
      "\\x4",
      "\\xfF",
      "\\u00e9",
      "\\u12",
      "\\ud800",
      "\\U0001F600",
      "\\U00110000",
      "\\101",
      "\\0",
      "\\777",
      "\\8",
      "\\N{EM DASH}",
      "\\n",
      "\\t",
      "\\'",
      '\\"',
      "\\\\",
      "\\\n",
      "\\q",
      "\\é",
    ),
    weight: 8,
  },
  { arbitrary: fc.constantFrom("'", '"', "\n", "\r", "\r\n", "\\\r\n", "\x00"), weight: 1 },
);

const STRING = fc.tuple(
  fc.constantFrom("", "", "", "r", "R", "u", "U", "b", "B", "br", "Rb", "rB", "f", "ur"),
  fc.constantFrom("'", '"', "'", '"', "'''", '"""'),
  fc.array(STRING_PIECE, { maxLength: 6 }),
).map(([prefix, quote, pieces]) => `${prefix}${quote}${pieces.join("")}${quote}`);

/** One string or several side by side (implicit concatenation). */
const STRINGS = (space: fc.Arbitrary<string>) =>
  fc.array(fc.tuple(STRING, space), { minLength: 1, maxLength: 3 })
    .map((parts) => parts.map(([s, gap], i) => i === parts.length - 1 ? s : s + gap).join(""));

const ATOM = fc.oneof(
  { arbitrary: INTEGER, weight: 3 },
  { arbitrary: FLOAT, weight: 2 },
  { arbitrary: KEYWORD, weight: 1 },
  { arbitrary: STRINGS(INNER_SPACE), weight: 4 },
);

const SIGNED = fc.tuple(
  fc.constantFrom("-", "+", "- ", "--", "+-", "-(", "+("),
  fc.oneof(INTEGER, FLOAT, KEYWORD),
).map(([sign, operand]) => sign.endsWith("(") ? `${sign}${operand})` : sign + operand);

const DICT_KEY = fc.constantFrom(
  "'descr'",
  '"descr"',
  "'shape'",
  "'a' 'b'",
  "'ab'",
  "1",
  "True",
  "1.0",
  "0x1",
  "0",
  "False",
  "-0.0",
  "None",
  "(1, 2)",
  "(1, [2])",
  "b'a'",
  "''",
  "[1]",
  "{}",
);

/** `open item , item , close` with the spacing, trailing comma and item count varying. */
function sequence(open: string, close: string, items: fc.Arbitrary<string[]>) {
  return fc.tuple(items, INNER_SPACE, INNER_SPACE, fc.constantFrom("", ",", ", ")).map(
    ([parts, before, after, trailing]) =>
      `${open}${before}${parts.join(`${after},${before}`)}${
        parts.length > 0 ? trailing : ""
      }${after}${close}`,
  );
}

const { value: LITERAL } = fc.letrec<{ value: string; container: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { arbitrary: ATOM, weight: 4 },
    { arbitrary: SIGNED, weight: 1 },
    { arbitrary: tie("container"), weight: 2 },
  ),
  container: fc.oneof(
    sequence("(", ")", fc.array(tie("value"), { maxLength: 4 })),
    fc.tuple(INNER_SPACE, tie("value")).map(([space, item]) => `(${space}${item}${space})`),
    sequence("[", "]", fc.array(tie("value"), { maxLength: 4 })),
    sequence("{", "}", fc.array(tie("value"), { minLength: 1, maxLength: 4 })),
    sequence(
      "{",
      "}",
      fc.array(
        fc.tuple(fc.oneof(DICT_KEY, tie("value")), INNER_SPACE, tie("value"))
          .map(([key, space, value]) => `${key}${space}:${space}${value}`),
        { maxLength: 4 },
      ),
    ),
  ),
}));

export const TOP_LEVEL = fc.tuple(OUTER_SPACE, LITERAL, OUTER_SPACE).map((parts) => parts.join(""));

/** A `.npy` header as NumPy writes it, and as a hostile writer might bend it. */
export const NPY_HEADER = fc.tuple(
  fc.array(
    fc.oneof(
      fc.constantFrom("'descr'", '"descr"').chain((key) =>
        fc.constantFrom(
          "'<f8'",
          "'|O'",
          '"<i4"',
          "'|b1'",
          "'<U10'",
          "'|V16'",
          "'O'",
          "'<f' '8'",
          "u'|O'",
          "[('a', '<i4'), ('b', '|O')]",
          "[('a', '<f8', (2, 3))]",
          "('<f8', (2,))",
        ).map((value) => [key, value] as const)
      ),
      fc.constantFrom("'fortran_order'", '"fortran_order"').chain((key) =>
        fc.constantFrom("False", "True", "0", "None").map((value) => [key, value] as const)
      ),
      fc.constantFrom("'shape'", '"shape"').chain((key) =>
        fc.array(fc.oneof(fc.nat({ max: 100_000 }).map(String), INTEGER), { maxLength: 4 })
          .map((dims) => dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(", ")})`)
          .map((value) => [key, value] as const)
      ),
    ),
    { minLength: 1, maxLength: 5 },
  ),
  fc.constantFrom(", }", "}", ",}", " }"),
  fc.nat({ max: 80 }),
  fc.constantFrom("\n", "", " \n", "\n\n"),
).map(([entries, end, pad, tail]) =>
  `{${entries.map(([k, v]) => `${k}: ${v}`).join(", ")}${end}${" ".repeat(pad)}${tail}`
);

// ---------------------------------------------------------------------------------------------
