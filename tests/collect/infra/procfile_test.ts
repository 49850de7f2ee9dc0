// The Procfile reader on a Streamlit app's Procfile as Heroku's and Streamlit's docs deploy it:
// each process line a launch per command, its type the unit; a line that is no process is a problem.
import assert from "node:assert/strict";
import fc from "fast-check";
import { assertInfraWithinFile } from "./_infra.ts";
import { isProcfile, procfileReader, readProcfile } from "../../../collect/infra/procfile.ts";

const fixture = Deno.readTextFileSync(
  new URL("../../fixtures/infra/Procfile.streamlit", import.meta.url),
);

Deno.test("procfile: a Streamlit web process, a worker, a release step and TensorBoard", () => {
  const facts = readProcfile(fixture, { file: "Procfile" });
  assert.deepEqual(
    facts.launches.map((l) => [l.unit, l.location.line, l.argv.map((w) => w.text).join(" ")]),
    [
      [
        "web",
        2,
        "streamlit run app.py --server.address 0.0.0.0 --server.port $PORT --server.headless true",
      ],
      ["worker", 3, "celery -A pipeline.tasks worker --loglevel=info"],
      ["release", 4, "./bin/download-model.sh"],
      ["release", 4, "python -m app.migrate"],
      ["tensorboard", 6, "tensorboard --logdir=/app/runs --host 0.0.0.0 --port 6006"],
    ],
  );
  const web = facts.launches[0];
  assert.equal(web.origin, "procfile");
  assert.deepEqual(web.argv[6], { text: "$PORT", unresolved: ["$PORT"] });
  assert.deepEqual(facts.problems, [{
    file: "Procfile",
    line: 7,
    message: "not a 'type: command' line; Procfile tools skip it, so nothing runs from it",
  }]);
});

Deno.test("procfile: assignments are the process's environment; secrets by kind only", () => {
  const facts = readProcfile(
    "web: GRADIO_SERVER_NAME=0.0.0.0 HF_TOKEN=hf_abcdefghijklmnopqrstuvwxyz0123456789 python app.py\r\n",
    { file: "Procfile.dev" },
  );
  assert.deepEqual(facts.launches[0].env.map((e) => [e.name, e.value]), [
    ["GRADIO_SERVER_NAME", "0.0.0.0"],
    ["HF_TOKEN", undefined],
  ]);
  assert.deepEqual(facts.launches[0].argv.map((w) => w.text), ["python", "app.py"]);
  assert.deepEqual(facts.secrets, [
    { kind: "huggingface-token", name: "HF_TOKEN", location: { file: "Procfile.dev", line: 1 } },
  ]);
});

Deno.test("procfile: an unterminated quote is a problem on its line", () => {
  assert.deepEqual(readProcfile("web: gunicorn app:app\nbad: echo 'x\n", { file: "P" }).problems, [
    { file: "P", line: 2, message: "shell text: unterminated single quote" },
  ]);
});

Deno.test("procfile: names", () => {
  for (const yes of ["Procfile", "deploy/Procfile.dev", "Procfile.web-2"]) {
    assert.ok(isProcfile(yes));
  }
  for (const no of ["Procfile.md", "Procfile.", "procfile", "MyProcfile"]) {
    assert.ok(!isProcfile(no), no);
  }
  assert.equal(procfileReader.format, "Procfile");
});

Deno.test("procfile: any text reads without throwing; problems and launches lie within it", () => {
  const piece = fc.constantFrom(
    "web: ",
    "x",
    " ",
    "'",
    '"',
    "\\",
    "\n",
    "\r\n",
    "#",
    "a=b ",
    "&&",
    "$(",
    "`",
  );
  const text = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.array(piece, { maxLength: 40 }).map((p) => p.join("")),
  );
  fc.assert(
    fc.property(text, (t) => {
      assertInfraWithinFile(readProcfile(t, { file: "P" }), t, "P");
    }),
    { numRuns: 500 },
  );
});
