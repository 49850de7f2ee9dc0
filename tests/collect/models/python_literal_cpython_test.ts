import assert from "node:assert/strict";
import { parsePythonLiteral } from "../../../collect/models/_python_literal.ts";
import { assertAgrees } from "./_python_literal.ts";

// Each test below is one kind of disagreement the tests above once found, kept so that
// parsePythonLiteral goes on following CPython there.

Deno.test("CPython allows one sign on a number, not a sign on a signed number", async () => {
  await assertAgrees(["--1", "-(-1)", "+-1", "-+1", "- -1", "[--1]", "-(+1.5)"]);
});

Deno.test("CPython reads 00, 000 and 0_0 as zero (only 0 followed by 1-9 is refused)", async () => {
  await assertAgrees(["00", "000", "0_0", "-00", "[00, 0_00]", "(0_0,)"]);
});

Deno.test("CPython refuses an exponent with no digits before it", async () => {
  // Ours reads ".e5" as NaN.
  await assertAgrees([".e5", ".E1", "[.e5]", "-.e5"]);
});

Deno.test("CPython reads ... (Ellipsis) and set() as literals", async () => {
  await assertAgrees(["...", "[...]", "(..., 1)", "set()", "[set()]", "{'a': set()}"]);
});

Deno.test("CPython refuses unhashable dict keys and set items", async () => {
  await assertAgrees(["{[1]: 2}", "{{}: 1}", "{(1, [2]): 3}", "{[1]}", "{{1}}", "{([],)}"]);
});

Deno.test("CPython keeps tuple and bytes dict keys as tuples and bytes", async () => {
  // Ours turns such a key into its JSON text, which can then collide with a string key.
  await assertAgrees([
    "{(1, 2): 3}",
    "{b'a': 1}",
    "{(1,): 'a', '{\"tuple\":[1]}': 'b'}",
    "{b'a': 1, '{\"bytes\":\"a\"}': 2}",
  ]);
});

Deno.test("CPython merges equal keys and set items across types (1, True, 1.0, 0x1)", async () => {
  await assertAgrees([
    "{1: 'a', True: 'b'}",
    "{0: 'a', False: 'b'}",
    "{1: 'a', 0x1: 'b'}",
    "{1, True}",
    "{1, 0x1}",
    "{(1, 2), (1, 2)}",
    "{(1, 2): 'a', (1, 2): 'b'}",
  ]);
});

Deno.test("CPython's tokenizer turns \\r and \\r\\n into \\n, and \\v is not whitespace", async () => {
  await assertAgrees([
    "'a\rb'",
    "'''a\rb'''",
    "'''a\r\nb'''",
    "'a\\\r\nb'",
    "r'\\\r\n'",
    "1\v",
    "\v1",
    "[1,\v2]",
  ]);
});

Deno.test("outside brackets a newline ends the literal and indentation is an error", async () => {
  await assertAgrees([
    "-\n1",
    "'a'\n'b'",
    "'a' # c\n'b'",
    "1\\\n",
    "\n  1",
    "\t\n 1",
    "# c\n  1",
    "1\n  ",
  ]);
});

Deno.test("CPython refuses a NUL anywhere in the source", async () => {
  await assertAgrees(["'a\x00'", "'''\x00'''", "b'\x00'"]);
});

Deno.test("CPython refuses non-ASCII after a backslash in a raw bytes literal", async () => {
  await assertAgrees(["rb'\\é'", "br'\\\u0100'"]);
});

Deno.test("deep nesting is refused quickly, without throwing", () => {
  const megabyte = 1_000_000;
  for (
    const text of [
      "[".repeat(megabyte),
      "(".repeat(megabyte),
      "{".repeat(megabyte),
      "{1:".repeat(megabyte / 3),
      "-".repeat(megabyte) + "1",
      "[".repeat(megabyte / 2) + "]".repeat(megabyte / 2),
      "(".repeat(megabyte / 2) + "1" + ")".repeat(megabyte / 2),
    ]
  ) {
    const started = performance.now();
    const value = parsePythonLiteral(text);
    const took = performance.now() - started;
    assert.ok(value !== null && typeof value === "object" && "error" in value, text.slice(0, 10));
    assert.ok(took < 1000, `${JSON.stringify(text.slice(0, 10))}… took ${took} ms`);
  }
});

Deno.test("large flat literals are read in linear time", () => {
  const started = performance.now();
  const list = parsePythonLiteral(`[${"1, ".repeat(250_000)}]`);
  assert.ok(Array.isArray(list) && list.length === 250_000);
  const dict = parsePythonLiteral(`{${"'k': 1, ".repeat(100_000)}}`);
  assert.ok(dict instanceof Map && dict.size === 1);
  const text = parsePythonLiteral(`'${"\\1".repeat(500_000)}'`);
  assert.equal(typeof text === "string" && text.length, 500_000);
  const spaced = parsePythonLiteral(`${" # c\n".repeat(200_000)}1`);
  assert.equal(spaced, 1);
  const took = performance.now() - started;
  assert.ok(took < 3000, `took ${took} ms`);
});
