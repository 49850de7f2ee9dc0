// The shell-word splitter against the real thing: random command lines are split by `sh` (dash,
// with globbing off) and by splitShell, and must agree word for word; expansions, operators,
// redirections and here-documents are checked by hand.
import assert from "node:assert/strict";
import fc from "fast-check";
import { isLiteral, splitShell } from "../../../collect/infra/shell_words.ts";

const texts = (text: string) => splitShell(text).commands.map((c) => c.words.map((w) => w.text));

/** The words `sh` gives `set -- LINE`, or undefined when sh refuses the line. */
async function shWords(line: string): Promise<string[] | undefined> {
  const out = await new Deno.Command("sh", {
    args: ["-f", "-c", `set -- ${line}\nprintf '%s\\0' "$#" "$@"`],
    stdout: "piped",
    stderr: "null",
    env: { PATH: "/usr/bin:/bin" },
    clearEnv: true,
  }).output();
  if (!out.success) return undefined;
  // The count first: printf with no words would look like one empty word.
  const [count, ...words] = new TextDecoder().decode(out.stdout).slice(0, -1).split("\0");
  assert.equal(words.length, Number(count));
  return words;
}

Deno.test("shell words: random command lines split as sh splits them (differential, dash)", async () => {
  // Quotes, escapes, blanks and comments; no expansion, operator, glob or tilde, which sh would
  // act on and we keep as written.
  const piece = fc.oneof(
    fc.constantFrom(" ", "  ", "\t", "'", '"', "\\", "\\\\", "\\'", '\\"', "#", "=", "-", "--"),
    fc.constantFrom("a", "bc", "0.0.0.0", "--host", "--ip=", "x y", "é", "!", "%", ",", ":", "/"),
  );
  const line = fc.array(piece, { maxLength: 14 }).map((parts) => parts.join(""))
    .filter((l) => !/(^|[^\\])(\\\\)*\\$/.test(l)); // no trailing lone backslash
  await fc.assert(
    fc.asyncProperty(line, async (l) => {
      const ours = splitShell(l);
      const theirs = await shWords(l);
      if (theirs === undefined) {
        assert.ok(ours.problems.length > 0, `sh refuses ${JSON.stringify(l)}; we must say why`);
      } else {
        assert.deepEqual(ours.problems, [], JSON.stringify(l));
        assert.deepEqual(
          ours.commands.flatMap((c) => c.words.map((w) => w.text)),
          theirs,
          JSON.stringify(l),
        );
      }
    }),
    { numRuns: 250 },
  );
});

Deno.test("shell words: operators separate commands; redirections and here-documents are not words", () => {
  assert.deepEqual(texts("a b; c && d || e | f & g\nh"), [
    ["a", "b"],
    ["c"],
    ["d"],
    ["e"],
    ["f"],
    ["g"],
    ["h"],
  ]);
  assert.deepEqual(texts("mlflow server 2>&1 >> /var/log/x.log --host 0.0.0.0 < /dev/null"), [
    ["mlflow", "server", "--host", "0.0.0.0"],
  ]);
  assert.deepEqual(texts("cat <<'EOF' > conf\nmlflow server --host 0.0.0.0\nEOF\nrun"), [
    ["cat"],
    ["run"],
  ]);
  assert.deepEqual(texts("cat <<-END\n\tjupyter lab\n\tEND\ndone"), [["cat"], ["done"]]);
  assert.deepEqual(texts("(cd app && gunicorn x)"), [["cd", "app"], ["gunicorn", "x"]]);
});

Deno.test("shell words: expansions are kept as written and named; quoted text is not expanded", () => {
  const [cmd] = splitShell(
    `tensorboard --logdir "$LOGS/run" --host \${HOST:-0.0.0.0} --port $(cat port) '$literal' \`id\``,
  ).commands;
  assert.deepEqual(cmd.words.map((w) => w.text), [
    "tensorboard",
    "--logdir",
    "$LOGS/run",
    "--host",
    "${HOST:-0.0.0.0}",
    "--port",
    "$(cat port)",
    "$literal",
    "`id`",
  ]);
  assert.deepEqual(cmd.words.map((w) => w.unresolved), [
    [],
    [],
    ["$LOGS"],
    [],
    ["${HOST:-0.0.0.0}"],
    [],
    ["$(cat port)"],
    [],
    ["`id`"],
  ]);
  assert.deepEqual(cmd.words.map(isLiteral), [
    true,
    true,
    false,
    true,
    false,
    true,
    false,
    true,
    false,
  ]);
  // A lone `$` is literal; `$(…)` may hold quotes and parentheses.
  assert.deepEqual(texts(`echo $ "a$" $(printf '%s)' "x")`), [[
    "echo",
    "$",
    "a$",
    `$(printf '%s)' "x")`,
  ]]);
});

Deno.test("shell words: continuations join lines; comments end them; lines are counted", () => {
  const { commands } = splitShell(
    "# start the UI\nmlflow ui \\\n  --host 0.0.0.0 # all interfaces\n\njupyter lab --ip='*'",
  );
  assert.deepEqual(commands.map((c) => [c.line, c.words.map((w) => w.text)]), [
    [2, ["mlflow", "ui", "--host", "0.0.0.0"]],
    [5, ["jupyter", "lab", "--ip=*"]],
  ]);
  assert.equal(commands[0].words[3].line, 3);
  assert.deepEqual(texts("a#b c"), [["a#b", "c"]], "# inside a word is not a comment");
});

Deno.test("shell words: unterminated quotes and expansions are problems with their line", () => {
  assert.deepEqual(splitShell("ok\nmlflow server --host '0.0.0.0").problems, [
    { line: 2, message: "unterminated single quote" },
  ]);
  assert.deepEqual(splitShell('a "b\nc').problems, [{
    line: 1,
    message: "unterminated double quote",
  }]);
  assert.deepEqual(splitShell("x $(y").problems, [{ line: 1, message: "unterminated $(…)" }]);
  assert.deepEqual(splitShell("x `y").problems, [{ line: 1, message: "unterminated `…`" }]);
});

Deno.test("shell words: hostile input is bounded", () => {
  const deep = "$(".repeat(10_000);
  assert.ok(splitShell(deep).problems.length > 0);
  assert.ok(splitShell("x ".repeat(200_000)).problems.some((p) => p.message.includes("words")));
  assert.ok(splitShell("x".repeat((1 << 20) + 1)).problems[0].message.includes("longer"));
});

Deno.test("property: any text splits without throwing; word lines lie within the text", () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 300, unit: "binary" }), (text) => {
      const { commands, problems } = splitShell(text);
      const lines = text.split("\n").length;
      for (const c of commands) {
        for (const w of c.words) assert.ok(w.line >= 1 && w.line <= lines);
      }
      for (const p of problems) assert.ok(p.line >= 1 && p.line <= lines);
    }),
    { numRuns: 2_000 },
  );
});

Deno.test("shell words: bash's here-string (<<<) is a redirection, not a here-document", () => {
  // Read as `<<`, it would take the rest of the script for a here-document's body.
  assert.deepEqual(texts('grep -q gpu <<< "$devices"\nexec python serve.py'), [
    ["grep", "-q", "gpu"],
    ["exec", "python", "serve.py"],
  ]);
});
