// The Makefile reader on a model-serving project's Makefile (install into a venv, serve a vLLM
// OpenAI server on $(HOST), mlflow ui after activate, tensorboard --bind_all), on GNU make's rules
// for recipes, and against `make -n` itself: random Makefiles' recipes must split into the words
// of the commands make would hand the shell.
import assert from "node:assert/strict";
import fc from "fast-check";
import { assertInfraWithinFile } from "./_infra.ts";
import type { Launch } from "../../../core/snapshot.ts";
import { unwrapScript } from "../../../collect/infra/command_words.ts";
import { isMakefile, makefileReader, readMakefile } from "../../../collect/infra/makefile.ts";

const fixture = Deno.readTextFileSync(new URL("../../fixtures/infra/serve.mk", import.meta.url));
const words = (launch: Launch) => launch.argv.map((w) => w.text).join(" ");

Deno.test("makefile: each target's recipe lines, make references unresolved, $$ the shell's $", () => {
  const facts = readMakefile(fixture, { file: "serve.mk" });
  assert.deepEqual(facts.launches.map((l) => [l.unit, l.location.line, words(l), l.venv?.path]), [
    ["install", 9, "$(PYTHON) -m venv $(VENV)", undefined],
    ["install", 10, "$(VENV)/bin/pip install -r requirements.txt", undefined],
    ["serve", 13, "echo Serving $(MODEL) on $(HOST):$(PORT)", undefined],
    [
      "serve",
      14,
      "$(VENV)/bin/python -m vllm.entrypoints.openai.api_server --model $(MODEL) --host $(HOST) --port $(PORT)",
      undefined,
    ],
    // Both branches of a conditional are read; an inline recipe after `;`.
    ["ui", 19, ". $(VENV)/bin/activate", undefined],
    ["ui", 19, "mlflow ui --host 0.0.0.0 --port 5000", "$(VENV)"],
    ["ui", 22, ". $(VENV)/bin/activate", undefined],
    ["ui", 22, "mlflow ui --port 5000", "$(VENV)"],
    ["tensorboard", 26, "tensorboard --logdir runs --bind_all", undefined], // `-` taken off
    // A define body is not a rule; single quotes do not stop make's own substitution.
    ["clean", 34, "rm -rf $(VENV) $HOME/.cache/demo literal $(VENV)", undefined],
  ]);
  const serve = facts.launches[3];
  assert.equal(serve.origin, "makefile");
  assert.deepEqual(serve.argv[6], { text: "$(HOST)", unresolved: ["$(HOST)"] });
  assert.deepEqual(facts.launches.at(-1)!.argv.slice(3), [
    { text: "$HOME/.cache/demo", unresolved: ["$HOME"] },
    { text: "literal $(VENV)", unresolved: ["$(VENV)"] },
  ]);
  assert.deepEqual(facts.problems, []);
});

Deno.test("makefile: what starts and ends a recipe", () => {
  const units = (text: string) =>
    readMakefile(text, { file: "Makefile" }).launches.map((l) => `${l.unit}: ${words(l)}`);
  // An assignment or a target-specific variable ends the recipe; a tab line outside one is make's.
  assert.deepEqual(units("a:\n\tone\nX = 1\n\ttwo\nb: X = 2\n\tthree\nc d:: x\n\tfour\n"), [
    "a: one",
    "c d: four",
  ]);
  // $(VAR): targets, automatic variables, .RECIPEPREFIX, a commented-out continuation.
  assert.deepEqual(
    units(
      "$(BIN): $(SRC)\n\tcc -o $@ $< $^\n.RECIPEPREFIX = >\nrun:\n> ./x --port=$P\n# a \\\nb:\n",
    ),
    ["$(BIN): cc -o $@ ${<} ${^}", "run: ./x --port=${P}"],
  );
  // Continued rule lines and a `#` escaped in a make line.
  assert.deepEqual(units("all: a \\\n  b\n\t@+echo \\# ok # shell comment\n"), ["all: echo # ok"]);
});

Deno.test("makefile: .ONESHELL runs a recipe in one shell: an activate reaches the lines after it", () => {
  const text =
    ".ONESHELL:\nserve:\n\tsource .venv/bin/activate\n\n\tpip install -e .\n\tgradio app.py\n";
  const facts = readMakefile(text, { file: "Makefile" });
  assert.deepEqual(facts.launches.map((l) => [l.location.line, words(l), l.venv?.path]), [
    [3, "source .venv/bin/activate", undefined],
    [5, "pip install -e .", ".venv"],
    [6, "gradio app.py", ".venv"],
  ]);
  // Without it, each line is a shell of its own.
  const separate = readMakefile(text.replace(".ONESHELL:\n", ""), { file: "Makefile" });
  assert.equal(separate.launches[1].venv, undefined);
});

Deno.test("makefile: secrets in recipes by kind only", () => {
  const facts = readMakefile(
    "push:\n\thuggingface-cli upload org/model . --token hf_abcdefghijklmnopqrstuvwxyz0123456789\n",
    { file: "Makefile" },
  );
  assert.equal(words(facts.launches[0]), "huggingface-cli upload org/model . --token ***");
  assert.deepEqual(facts.secrets.map((s) => [s.kind, s.location.line]), [["huggingface-token", 2]]);
});

Deno.test("makefile: names", () => {
  for (const yes of ["Makefile", "makefile", "GNUmakefile", "mk/serve.mk"]) {
    assert.ok(isMakefile(yes) && makefileReader.matches(yes), yes);
  }
  for (const no of ["Makefile.am", "Makefile.in", ".mk", "CMakeLists.txt"]) {
    assert.ok(!isMakefile(no), no);
  }
});

const hasMake = new Deno.Command("make", { args: ["--version"], stdout: "null", stderr: "null" })
  .output().then((o) => o.success, () => false);

Deno.test({
  name:
    "makefile: random recipes split as make -n hands them to the shell (differential, GNU make)",
  ignore: !(await hasMake),
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const word = fc.constantFrom(
      "echo",
      "true",
      "a",
      "b-c",
      "--x=1",
      "'q r'",
      '"s t"',
      "$$HOME",
      "x\\ y",
    );
    const command = fc.array(word, { minLength: 1, maxLength: 4 }).map((w) =>
      ["echo", ...w].join(" ")
    );
    const recipeLine = fc.tuple(
      fc.constantFrom("", "@", "-", "@-", " @"),
      fc.array(command, { minLength: 1, maxLength: 3 }),
      fc.constantFrom(" && ", " ; ", " \\\n\t  && ", " \\\n  ; "),
    ).map(([prefix, commands, join]) => `\t${prefix}${commands.join(join)}`);
    const filler = fc.constantFrom("", "# a comment", "\t# shell comment");
    const rule = fc.tuple(
      fc.boolean(),
      fc.array(fc.oneof(recipeLine, filler), { minLength: 1, maxLength: 4 }),
    )
      .map(([conditional, lines]) => conditional ? ["ifeq (1,1)", ...lines, "endif"] : lines);
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(rule, { minLength: 1, maxLength: 3 }), async (rules) => {
          const text = rules.map((lines, i) => `t${i}:\n${lines.join("\n")}\n`).join("\n");
          const file = `${dir}/Makefile`;
          await Deno.writeTextFile(file, text);
          const ours = readMakefile(text, { file: "Makefile" }).launches;
          for (let i = 0; i < rules.length; i++) {
            const out = await new Deno.Command("make", {
              args: ["-n", "-s", "-f", file, `t${i}`],
              cwd: dir,
              stdout: "piped",
              stderr: "piped",
            }).output();
            assert.ok(out.success, new TextDecoder().decode(out.stderr) + text);
            const theirs = unwrapScript(new TextDecoder().decode(out.stdout))
              .map((c) => c.argv.map((w) => w.text));
            assert.deepEqual(
              ours.filter((l) => l.unit === `t${i}`).map((l) => l.argv.map((w) => w.text)),
              theirs,
              text,
            );
          }
        }),
        { numRuns: 40 },
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("makefile: any text reads without throwing; launches and problems lie within it", () => {
  const piece = fc.constantFrom(
    "a:",
    " b",
    "\n",
    "\t",
    "@",
    "-",
    "$(",
    ")",
    "${",
    "}",
    "$$",
    "$",
    "\\",
    "#",
    "=",
    ":=",
    "::",
    ";",
    "'",
    '"',
    "define X",
    "endef",
    ".ONESHELL:",
    ".RECIPEPREFIX = >",
    ">",
    "ifeq",
    "endif",
  );
  const text = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.array(piece, { maxLength: 50 }).map((p) => p.join("")),
  );
  fc.assert(
    fc.property(text, (t) => {
      assertInfraWithinFile(readMakefile(t, { file: "M" }), t, "M");
    }),
    { numRuns: 500 },
  );
});
