import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type PythonToken,
  PythonTokenLimitError,
  tokenizePython,
} from "../../collect/_python_tokens.ts";

/** Compact view of tokens: `kind text @line:column`. */
function brief(tokens: PythonToken[]): string[] {
  return tokens.map((t) => `${t.kind} ${JSON.stringify(t.text)} @${t.line}:${t.column}`);
}

function values(text: string): Array<string | undefined> {
  return tokenizePython(text).filter((t) => t.kind === "string").map((t) => t.value);
}

Deno.test("tokenizePython splits a call over several lines with comments inside", () => {
  const source = [
    "model = AutoModel.from_pretrained(  # load the base",
    '    "org/name",',
    "    revision=REV,  # pinned",
    ")",
    "",
  ].join("\n");
  assert.deepEqual(brief(tokenizePython(source)), [
    'name "model" @1:1',
    'op "=" @1:7',
    'name "AutoModel" @1:9',
    'op "." @1:18',
    'name "from_pretrained" @1:19',
    'op "(" @1:34',
    'comment "# load the base" @1:37',
    'string "\\"org/name\\"" @2:5',
    'op "," @2:15',
    'name "revision" @3:5',
    'op "=" @3:13',
    'name "REV" @3:14',
    'op "," @3:17',
    'comment "# pinned" @3:20',
    'op ")" @4:1',
    'newline "\\n" @4:2',
  ]);
});

Deno.test("tokenizePython emits newline only at the end of logical lines", () => {
  const source = "x = [1,\n     2]\n\n# only a comment\ny = 1 + \\\n    2\nz = 3";
  const kinds = tokenizePython(source).map((t) => t.kind === "newline" ? `NL@${t.line}` : t.text);
  assert.deepEqual(kinds, [
    "x",
    "=",
    "[",
    "1",
    ",",
    "2",
    "]",
    "NL@2",
    "# only a comment",
    "y",
    "=",
    "1",
    "+",
    "2",
    "NL@6",
    "z",
    "=",
    "3",
    "NL@7",
  ]);
});

Deno.test("tokenizePython decodes escapes in plain strings and keeps raw strings as written", () => {
  assert.deepEqual(
    values(
      String
        .raw`"a\nb\tc" 'it\'s' "q\"q" "back\\slash" "\x41\u00e9\U0001F600" "\q\N{DASH}" "\101\0"`,
    ),
    ["a\nb\tc", "it's", 'q"q', "back\\slash", "Aé😀", "\\q\\N{DASH}", "A\0"],
  );
  assert.deepEqual(values(String.raw`r"\n\d+" R'\'' b"\x00\u00e9" rb"\x00" Br'a' u"\u0041"`), [
    "\\n\\d+",
    "\\'",
    "\x00\\u00e9",
    "\\x00",
    "a",
    "A",
  ]);
});

Deno.test("tokenizePython reads triple-quoted strings across lines and normalises CRLF", () => {
  const source = 'DOC = """Loads\r\nAutoModel.from_pretrained("x")\r\n"""\r\nafter = 1\r\n';
  const tokens = tokenizePython(source);
  assert.equal(tokens[2].kind, "string");
  assert.equal(tokens[2].value, 'Loads\nAutoModel.from_pretrained("x")\n');
  assert.deepEqual(brief(tokens.slice(3, 5)), ['newline "\\r\\n" @3:4', 'name "after" @4:1']);
  // As in Python, the first closing triple quote ends the string.
  assert.deepEqual(values(`'''it's''' """say "hi" now""" """x""""`), [
    "it's",
    'say "hi" now',
    "x",
    undefined,
  ]);
});

Deno.test("tokenizePython keeps f-strings whole, including nested quotes and braces", () => {
  const source = `x = f"{cfg["name"]!r:>{width}} {{literal}}" + Rf'{a}' + ft"no"\n`;
  const strings = tokenizePython(source).filter((t) => t.kind === "string");
  assert.deepEqual(strings.map((t) => [t.text, t.value]), [
    [`f"{cfg["name"]!r:>{width}} {{literal}}"`, undefined],
    ["Rf'{a}'", undefined],
    ['"no"', "no"],
  ]);
  // "ft" is not a string prefix: a name followed by a string.
  assert.deepEqual(
    brief(tokenizePython(source).slice(-3, -1)),
    ['name "ft" @1:57', 'string "\\"no\\"" @1:59'],
  );
});

Deno.test("tokenizePython ignores # inside strings and quotes inside comments", () => {
  const tokens = tokenizePython("url = 'http://x/#frag'  # it's fine\n");
  assert.deepEqual(tokens.map((t) => t.kind), ["name", "op", "string", "comment", "newline"]);
  assert.equal(tokens[2].value, "http://x/#frag");
  assert.equal(tokens[3].text, "# it's fine");
});

Deno.test("tokenizePython flags unterminated strings and carries on", () => {
  const tokens = tokenizePython("a = \"oops\nb = '''never\nclosed");
  assert.deepEqual(brief(tokens), [
    'name "a" @1:1',
    'op "=" @1:3',
    'string "\\"oops" @1:5',
    'newline "\\n" @1:10',
    'name "b" @2:1',
    'op "=" @2:3',
    "string \"'''never\\nclosed\" @2:5",
    'newline "" @3:7',
  ]);
  assert.equal(tokens[2].unterminated, true);
  assert.equal(tokens[2].value, undefined);
  assert.equal(tokens[6].unterminated, true);
});

Deno.test("tokenizePython handles tabs, non-ASCII names and numbers", () => {
  const tokens = tokenizePython("if x:\n\tmodèle_名 = 0x_FF + 1_000.5e-3j + .5\n");
  assert.deepEqual(brief(tokens.slice(4)), [
    'name "modèle_名" @2:2',
    'op "=" @2:11',
    'number "0x_FF" @2:13',
    'op "+" @2:19',
    'number "1_000.5e-3j" @2:21',
    'op "+" @2:33',
    'number ".5" @2:35',
    'newline "\\n" @2:37',
  ]);
});

Deno.test("tokenizePython turns characters Python rejects into one-character ops", () => {
  assert.deepEqual(tokenizePython("a $ b ** = ?").map((t) => t.text), [
    "a",
    "$",
    "b",
    "**",
    "=",
    "?",
    "",
  ]);
});

Deno.test("tokenizePython stops at maxTokens with the tokens read so far", () => {
  let caught: unknown;
  try {
    tokenizePython("a = 1\nb = 2\nc = 3\n", { maxTokens: 5 });
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof PythonTokenLimitError);
  assert.equal(caught.name, "PythonTokenLimitError");
  assert.equal(caught.line, 2);
  assert.deepEqual(caught.tokens.map((t) => t.text), ["a", "=", "1", "\n", "b"]);
  assert.equal(tokenizePython("a = 1\n", { maxTokens: 4 }).length, 4);
});

const PYTHONISH = fc.constantFrom(
  "'",
  '"',
  '"""',
  "\\",
  "\n",
  "\r\n",
  "\r",
  "#",
  "(",
  ")",
  "{",
  "}",
  "[",
  "f",
  "rb",
  "x",
  " ",
  "\t",
  "é",
  "😀",
  "\ud800",
  "=",
  "1.5",
  ":",
);
const ANY_TEXT = fc.oneof(
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.string({ unit: PYTHONISH, maxLength: 200 }),
);

function lineCount(text: string): number {
  return text.split(/\r\n|\r|\n/).length;
}

Deno.test("property: tokenizePython never throws and positions stay ordered and in range", () => {
  fc.assert(
    fc.property(ANY_TEXT, (text) => {
      const tokens = tokenizePython(text);
      const lines = lineCount(text);
      let previous = 1;
      for (const token of tokens) {
        assert.ok(token.line >= previous && token.line <= lines, `line ${token.line}`);
        assert.ok(token.column >= 1);
        previous = token.line;
      }
    }),
    { numRuns: 500 },
  );
});

/** Writes `value` as a Python literal in one of several styles. */
function pythonLiteral(value: string, style: number): string {
  const quote = style % 2 === 0 ? '"' : "'";
  const escaped = [...value].map((c) => {
    if (c === "\\" || c === quote) return "\\" + c;
    if (c === "\n") return "\\n";
    if (c === "\t") return "\\t";
    const code = c.codePointAt(0)!;
    if (code < 0x20 || code === 0x7f) return "\\x" + code.toString(16).padStart(2, "0");
    if (code >= 0x80 && style % 3 === 0) {
      return code > 0xffff
        ? "\\U" + code.toString(16).padStart(8, "0")
        : "\\u" + code.toString(16).padStart(4, "0");
    }
    return c;
  }).join("");
  const prefix = ["", "u", "U"][style % 3];
  return style % 4 === 3
    ? `${prefix}${quote.repeat(3)}${escaped}${quote.repeat(3)}`
    : `${prefix}${quote}${escaped}${quote}`;
}

Deno.test("property: string literal values round-trip", () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.string({ unit: "grapheme", maxLength: 20 }), fc.nat(11)), {
        maxLength: 6,
      }),
      (parts) => {
        const source = "x = (" + parts.map(([v, s]) => pythonLiteral(v, s)).join("\n  ") + ")\n";
        const tokens = tokenizePython(source).filter((t) => t.kind === "string");
        assert.equal(tokens.length, parts.length);
        assert.equal(tokens.map((t) => t.value).join(""), parts.map(([v]) => v).join(""));
      },
    ),
    { numRuns: 300 },
  );
});
