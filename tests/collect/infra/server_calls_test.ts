// The server-call reader on apps written as the frameworks' docs show them (a Gradio Interface
// shared with share=True, Gradio Blocks behind auth= inside a class, a vLLM-style uvicorn server,
// a Flask model API, Ray Serve), on what resolves a receiver, and against CPython's own parser:
// the arguments of random launch(…) calls must be those `ast` finds.
import assert from "node:assert/strict";
import fc from "fast-check";
import type { ServerCall } from "../../../core/snapshot.ts";
import { findServerCalls, serverCallReader } from "../../../collect/infra/server_calls.ts";

const fixture = (name: string) =>
  Deno.readTextFileSync(new URL(`../../fixtures/infra/python/${name}`, import.meta.url));
const calls = (text: string) => findServerCalls(text, { file: "app.py" }).serverCalls;
const brief = (found: ServerCall[]) => found.map((c) => `${c.location.line} ${c.call}`);

Deno.test("server calls: a Gradio Interface shared through share=True (not the commented-out call)", () => {
  assert.deepEqual(findServerCalls(fixture("gradio_share.py"), { file: "app.py" }), {
    serverCalls: [{
      call: "gradio.launch",
      args: { share: "True" },
      values: { share: { value: "True" } },
      location: { file: "app.py", line: 15, column: 6 },
    }],
    problems: [],
  });
});

Deno.test("server calls: Gradio Blocks built as self.demo, queued, launched with auth= and an env default", () => {
  const [launch] = calls(fixture("gradio_auth.py"));
  assert.equal(launch.call, "gradio.launch");
  assert.deepEqual(launch.args, {
    server_name: "SERVER_NAME",
    server_port: "7860",
    auth: '("admin",os.environ["APP_PASSWORD"])',
  });
  assert.deepEqual(launch.values, {
    server_name: { value: "0.0.0.0", overridable: "GRADIO_SERVER_NAME" },
    server_port: { value: "7860" },
  });
  assert.deepEqual(launch.location, { file: "app.py", line: 19, column: 38 });
});

Deno.test("server calls: a vLLM-style server through uvicorn, **kwargs recorded as unknown", () => {
  const found = calls(fixture("openai_server.py"));
  assert.deepEqual(brief(found), ["17 uvicorn.Config", "26 uvicorn.run"]);
  assert.deepEqual(found[0].args, { "0": "app", "**": "uvicorn_kwargs" });
  assert.deepEqual(found[1].args, {
    "0": "app",
    host: "args.host",
    port: "args.port",
    log_level: '"info"',
    timeout_keep_alive: "TIMEOUT_KEEP_ALIVE",
  });
});

Deno.test("server calls: Flask's app.run and Ray's dashboard and Serve HTTP options", () => {
  const [flask] = calls(fixture("flask_predict.py"));
  assert.deepEqual([flask.call, flask.values], ["flask.run", {
    host: { value: "0.0.0.0" },
    port: { value: "5000" },
    debug: { value: "True" },
  }]);
  const ray = calls(fixture("ray_serve.py"));
  assert.deepEqual(brief(ray), ["4 ray.init", "5 ray.serve.start", "14 ray.serve.run"]);
  assert.deepEqual(ray[1].values, { "http_options.host": { value: "0.0.0.0" } });
});

Deno.test("server calls: receivers resolved through imports and bindings", () => {
  // Aliased imports, a chained constructor, a spelled-out **mapping.
  assert.deepEqual(
    calls(
      'from gradio import ChatInterface as Chat\nopts = {"share": True}\nChat(fn=f).queue().launch(**opts)\n',
    ).map((c) => [c.call, c.args, c.values]),
    [["gradio.launch", { "**": "opts" }, { share: { value: "True" } }]],
  );
  assert.deepEqual(
    brief(
      calls("from uvicorn import run as serve\nimport ray.serve as rs\nserve(app)\nrs.start()\n"),
    ),
    ["3 uvicorn.run", "4 ray.serve.start"],
  );
  // Built by a factory the file does not show: Gradio's when the file imports gradio.
  assert.deepEqual(brief(calls("import gradio as gr\ndemo = build_demo()\ndemo.launch()\n")), [
    "3 gradio.launch",
  ]);
  // Built as something else: no Gradio launch, no Flask run.
  const tensorboard = "import gradio as gr\nfrom tensorboard import program\n" +
    "tb = program.TensorBoard()\ntb.launch()\n";
  assert.deepEqual(calls(tensorboard), []);
  const dash =
    "import flask\nfrom dash import Dash\napp = Dash(__name__)\napp.run(host='0.0.0.0')\n" +
    "import asyncio\nasyncio.run(main())\nworker.run()\n";
  assert.deepEqual(calls(dash), []);
  // Flask's factory pattern.
  assert.deepEqual(brief(calls("from flask import Flask\napp = create_app()\napp.run()\n")), [
    "3 flask.run",
  ]);
  // Definitions, strings and comments are no calls; no library named, nothing read.
  assert.deepEqual(
    calls(
      'import gradio as gr\nclass A:\n    def launch(self): ...\nx = "demo.launch(share=True)"\n',
    ),
    [],
  );
  assert.deepEqual(calls("demo.launch(share=True)\n"), []);
});

Deno.test("server calls: positional, *args and ** are recorded, unknown rather than absent", () => {
  const [call] = calls(
    'import uvicorn\nuvicorn.run("main:app", *extra, host=HOST, **kw, **more)\n',
  );
  assert.deepEqual(call.args, { "0": '"main:app"', "*": "extra", host: "HOST", "**": "kw, more" });
  assert.deepEqual(call.values, { "0": { value: "main:app" } });
  assert.ok(serverCallReader.matches("src/app.py") && !serverCallReader.matches("app.pyc"));
});

/** What CPython's ast finds in each program: the launch calls' arguments, as written. */
async function pythonCalls(programs: string[]): Promise<(string[][][] | null)[]> {
  const script = `
import ast, json, sys
out = []
for src in json.load(sys.stdin):
    try:
        tree = ast.parse(src)
    except SyntaxError:
        out.append(None)
        continue
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "launch":
            args = []
            for i, a in enumerate(node.args):
                if isinstance(a, ast.Starred):
                    args.append(["*", ast.get_source_segment(src, a.value)])
                else:
                    args.append([str(i), ast.get_source_segment(src, a)])
            stars = [ast.get_source_segment(src, k.value) for k in node.keywords if k.arg is None]
            for k in node.keywords:
                if k.arg is None:
                    continue
                constant = k.value.value if isinstance(k.value, ast.Constant) else ...
                if constant is ... or isinstance(constant, (float, complex, bytes)):
                    args.append([k.arg, ast.get_source_segment(src, k.value)])
                else:  # the value a constant evaluates to, as we record it
                    args.append([k.arg, ast.get_source_segment(src, k.value), str(constant)])
            if stars:
                args.append(["**", ", ".join(stars)])
            found.append(sorted(args))
    out.append(found)
print(json.dumps(out))
`;
  const child = new Deno.Command("python3", {
    args: ["-c", script],
    stdin: "piped",
    stdout: "piped",
  })
    .spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(programs)));
  await writer.close();
  const out = await child.output();
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** Without parentheses around the whole text (ast's segments leave them out; we keep them). */
function unwrapped(text: string): string {
  for (;;) {
    if (!text.startsWith("(") || !text.endsWith(")")) return text;
    let depth = 0;
    for (let i = 0; i < text.length; i++) {
      if (text[i] === "(") depth++;
      else if (text[i] === ")" && --depth === 0 && i < text.length - 1) return text;
    }
    text = text.slice(1, -1);
  }
}

const hasPython = new Deno.Command("python3", { args: ["--version"], stdout: "null" }).output()
  .then((o) => o.success, () => false);

Deno.test({
  name: "server calls: random launch(…) arguments are those CPython's ast finds (differential)",
  ignore: !(await hasPython),
  fn: async () => {
    const expression = fc.constantFrom(
      "True",
      "None",
      "7860",
      '"0.0.0.0"',
      "'x' 'y'",
      'f"{HOST}:1"',
      "HOST",
      "os.getenv('H', 'h')",
      '("admin", "pw")',
      '{"a": 1}',
      "[1, 2]",
      "x.y(z)",
      "lambda: 1",
      "(1 +\n 2)",
      "a if b else c",
      "'#not a comment'",
      '"""doc\nstring"""',
    );
    const name = fc.constantFrom("share", "server_name", "auth", "server_port", "ssl_verify");
    const argList = fc.tuple(
      fc.array(expression, { maxLength: 2 }),
      fc.option(fc.constantFrom("rest", "args")),
      fc.uniqueArray(fc.tuple(name, expression), { maxLength: 3, selector: ([n]) => n }),
      fc.array(fc.constantFrom("kw", "{'share': True}"), { maxLength: 2 }),
      fc.constantFrom(", ", ",\n    ", ",  # note\n    "),
    ).map(([positional, star, keywords, spreads, comma]) =>
      [
        ...positional,
        ...(star ? [`*${star}`] : []),
        ...keywords.map(([n, e]) => `${n}=${e}`),
        ...spreads.map((s) => `**${s}`),
      ].join(comma)
    );
    const programs = fc.sample(argList, 300).map((args) =>
      `import gradio as gr\nHOST = "h"\ndemo = gr.Blocks()\ndemo.launch(${args})\n`
    );
    const theirs = await pythonCalls(programs);
    programs.forEach((program, k) => {
      if (theirs[k] === null) return; // Python refuses it (a positional after **)
      const found = calls(program);
      // A constant's value is what CPython says it is.
      for (const [key, , value] of theirs[k]![0] ?? []) {
        if (value !== undefined) assert.equal(found[0].values?.[key]?.value, value, program);
      }
      const ours = found.map((c) => Object.entries(c.args).map(([key, text]) => [key, text]));
      const squeeze = (found: string[][][]) =>
        found.map((args) =>
          args.map(([key, text]) => [key, unwrapped(text.replace(/\s+|#[^\n]*/g, ""))] as const)
            .sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)
        );
      assert.deepEqual(squeeze(ours), squeeze(theirs[k]!), program);
    });
  },
});

Deno.test("server calls: any text reads without throwing; calls lie within the file", () => {
  const piece = fc.constantFrom(
    "import gradio as gr\n",
    "from flask import Flask\n",
    "import uvicorn\n",
    "demo",
    ".launch(",
    "app",
    ".run(",
    "uvicorn.run(",
    "gr.Blocks()",
    " = ",
    "(",
    ")",
    ",",
    "share=True",
    "**k",
    "*a",
    '"',
    "'",
    "\n",
    "#",
    "with ",
    " as ",
    ":",
    "\\\n",
    "f'{",
    "}'",
  );
  const text = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.array(piece, { maxLength: 40 }).map((p) => p.join("")),
  );
  fc.assert(
    fc.property(text, (t) => {
      const lines = t.split("\n").length;
      for (const call of calls(t)) {
        assert.ok(call.location.line! >= 1 && call.location.line! <= lines);
      }
    }),
    { numRuns: 500 },
  );
});
