// The Dockerfile's syntax as the Dockerfile reference and BuildKit's parser define it: parser
// directives, continuations with `\` or the `# escape=` character, comment and blank lines inside
// an instruction, builder flags, here-documents, and the argument forms of ENV, ARG and exec form.
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  argNames,
  nameValues,
  parseDockerfileSyntax,
  splitWords,
  unquote,
} from "../../../collect/infra/_dockerfile_syntax.ts";

const rests = (text: string) =>
  parseDockerfileSyntax(text).instructions.map((i) => `${i.line} ${i.keyword} ${i.rest}`);

Deno.test("dockerfile syntax: comment lines inside a continued instruction are removed (the reference's example)", () => {
  assert.deepEqual(rests("RUN echo hello \\\n# comment\nworld\n"), ["1 RUN echo hello world"]);
  // Blank continuation lines too (deprecated, still read); blanks after the `\` are allowed.
  assert.deepEqual(rests("RUN apk add \\  \n\n    gnupg\nCMD x\n"), [
    "1 RUN apk add     gnupg",
    "4 CMD x",
  ]);
  // A `#` inside a line is an argument, not a comment.
  assert.deepEqual(rests("RUN echo '#not a comment' # to the shell\n"), [
    "1 RUN echo '#not a comment' # to the shell",
  ]);
  // Leading blanks before instructions and comments are ignored.
  assert.deepEqual(rests("  # c\n\tFROM a\n"), ["2 FROM a"]);
});

Deno.test("dockerfile syntax: # escape=` makes the backtick the continuation character (the reference's Windows example)", () => {
  const windows =
    "# escape=`\n\nFROM mcr.microsoft.com/windows/servercore\nCOPY testfile.txt c:\\\nRUN dir c:\\\n";
  assert.deepEqual(rests(windows), [
    "3 FROM mcr.microsoft.com/windows/servercore",
    "4 COPY testfile.txt c:\\",
    "5 RUN dir c:\\",
  ]);
  assert.equal(parseDockerfileSyntax(windows).escape, "`");
  assert.deepEqual(rests("# escape=`\nRUN a `\n  b\n"), ["2 RUN a   b"]);
  // An escaped escape character at the end of a line is not a continuation (BuildKit's rule).
  assert.deepEqual(rests("RUN dir c:\\\\\nRUN b\n"), ["1 RUN dir c:\\\\", "2 RUN b"]);
});

Deno.test("dockerfile syntax: parser directives only at the very top, once each", () => {
  assert.equal(parseDockerfileSyntax("# ESCAPE = `\nFROM a\n").escape, "`");
  assert.equal(
    parseDockerfileSyntax("# syntax=docker/dockerfile:1\n# escape=`\nFROM a\n").escape,
    "`",
  );
  // After a comment, a blank line, an unknown directive or an instruction: a comment.
  for (const before of ["# about\n", "\n", "# unknown=1\n", "FROM a\n"]) {
    assert.equal(parseDockerfileSyntax(`${before}# escape=\`\nFROM a\n`).escape, "\\", before);
  }
  assert.deepEqual(parseDockerfileSyntax("# escape=`\n# escape=\\\nFROM a\n").problems, [
    { line: 2, message: "only one escape parser directive can be used" },
  ]);
});

Deno.test("dockerfile syntax: builder flags come off the front of the arguments", () => {
  const [run] = parseDockerfileSyntax(
    'RUN --mount=type=secret,id=hf_token --network="none" pip install -r requirements.txt\n',
  ).instructions;
  assert.deepEqual(run.flags, ["--mount=type=secret,id=hf_token", "--network=none"]);
  assert.equal(run.rest, "pip install -r requirements.txt");
  const [copy] = parseDockerfileSyntax("COPY --from=builder --chown=app /opt/venv /opt/venv\n")
    .instructions;
  assert.deepEqual([copy.keyword, copy.flags, copy.rest], [
    "COPY",
    ["--from=builder", "--chown=app"],
    "/opt/venv /opt/venv",
  ]);
});

Deno.test("dockerfile syntax: here-documents (<<EOF, <<-EOF with tabs, quoted names, two on a line)", () => {
  const text = [
    "RUN <<-EOT bash",
    "\tpip install mlflow",
    "\tEOT",
    'RUN <<"A" cat > /a && cat <<B > /b',
    "$NOT_EXPANDED",
    "A",
    "b",
    "B",
    "RUN cat<<EOF",
    "RUN after",
    'RUN ["sh", "-c", "<<EOF"]',
    "",
  ].join("\n");
  const { instructions, problems } = parseDockerfileSyntax(text);
  assert.deepEqual(
    instructions.map((
      i,
    ) => [i.line, i.rest, i.heredocs.map((h) => [h.name, h.chomp, h.content, h.line])]),
    [
      [1, "<<-EOT bash", [["EOT", true, "\tpip install mlflow\n", 2]]],
      [4, '<<"A" cat > /a && cat <<B > /b', [["A", false, "$NOT_EXPANDED\n", 5], [
        "B",
        false,
        "b\n",
        7,
      ]]],
      // A here-document is a word of its own for BuildKit: cat<<EOF is not one.
      [9, "cat<<EOF", []],
      [10, "after", []],
      // Nor in the exec form.
      [11, '["sh", "-c", "<<EOF"]', []],
    ],
  );
  assert.deepEqual(problems, []);
});

Deno.test("dockerfile syntax: CRLF line ends and a byte-order mark", () => {
  assert.deepEqual(rests("\uFEFFFROM a\r\nRUN b \\\r\n  c\r\n"), ["1 FROM a", "2 RUN b   c"]);
});

Deno.test("dockerfile syntax: ENV, LABEL and ARG words", () => {
  assert.deepEqual(nameValues('MY_NAME="John Doe" MY_DOG=Rex\\ The\\ Dog MY_CAT=fluffy', "\\"), {
    pairs: [
      { name: "MY_NAME", value: "John Doe" },
      { name: "MY_DOG", value: "Rex The Dog" },
      { name: "MY_CAT", value: "fluffy" },
    ],
  });
  // The legacy form: one variable, the rest of the line is its value.
  assert.deepEqual(nameValues("MY_VAR my-value with spaces", "\\"), {
    pairs: [{ name: "MY_VAR", value: "my-value with spaces" }],
  });
  assert.deepEqual(nameValues('A=\'$literal\' B="say \\"hi\\" \\$HOME"', "\\"), {
    pairs: [{ name: "A", value: "$literal" }, { name: "B", value: 'say "hi" $HOME' }],
  });
  assert.deepEqual(argNames("USER=app TOKEN", "\\"), [{ name: "USER", value: "app" }, {
    name: "TOKEN",
  }]);
  assert.deepEqual(splitWords(`a "b c"  'd e'\\ f ""`, "\\"), ["a", '"b c"', "'d e'\\ f", '""']);
  assert.equal(unquote("`$x` y", "`"), "$x y");
});

Deno.test("dockerfile syntax: any text splits without throwing; instructions and problems lie within it", () => {
  const piece = fc.constantFrom(
    "RUN a",
    " \\",
    "\\",
    "`",
    "\n",
    "\r\n",
    "# escape=`",
    "# escape=x",
    "# c",
    "<<EOF",
    "<<-E",
    "EOF",
    "\tE",
    '"',
    "'",
    " ",
    "--mount=x",
    "ENV",
    "A=1",
    '["x"]',
    "\uFEFF",
  );
  const text = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.array(piece, { maxLength: 40 }).map((p) => p.join("")),
  );
  fc.assert(
    fc.property(text, (t) => {
      const { instructions, problems } = parseDockerfileSyntax(t);
      const lines = Math.max(1, t.split("\n").length);
      for (const i of instructions) assert.ok(i.line >= 1 && i.line <= lines);
      for (const p of problems) assert.ok(p.line >= 1 && p.line <= lines);
      for (const i of instructions) {
        for (const h of i.heredocs) assert.ok(h.line > i.line && h.line <= lines + 1);
      }
    }),
    { numRuns: 1000 },
  );
});
