// The Dockerfile reader on images written as the services' own documentation deploys them (MLflow
// tracking server, JupyterLab, TensorBoard, a vLLM server built with uv), on Docker's rules for
// ENTRYPOINT and CMD, and on the virtual-environment facts venv.isolated reads; exec forms against
// JSON.parse; random and mutated text never throws.
import assert from "node:assert/strict";
import fc from "fast-check";
import { assertInfraWithinFile } from "./_infra.ts";
import type { Launch } from "../../../core/snapshot.ts";
import {
  dockerfileReader,
  isDockerfile,
  readDockerfile,
} from "../../../collect/infra/dockerfile.ts";

const fixture = (name: string) =>
  Deno.readTextFileSync(new URL(`../../fixtures/infra/${name}`, import.meta.url));
/** `unit RUN|CMD argv` for each launch. */
const brief = (launches: Launch[]) =>
  launches.map((l) =>
    `${l.unit} ${l.build ? "RUN" : "CMD"} ${l.argv.map((w) => w.text).join(" ")}`
  );
const final = (text: string) => {
  const facts = readDockerfile(text, { file: "Dockerfile" });
  return facts.launches.filter((l) => !l.build);
};

Deno.test("dockerfile: MLflow tracking server, multi-stage with a venv copied from the builder", () => {
  const facts = readDockerfile(fixture("mlflow.Dockerfile"), { file: "mlflow.Dockerfile" });
  assert.deepEqual(brief(facts.launches), [
    "builder RUN python -m venv /opt/venv",
    "builder RUN pip install mlflow==2.16.2 psycopg2-binary==2.9.9 boto3==1.35.0",
    "server RUN pip install gunicorn==22.0.0",
    "server CMD mlflow server --host 0.0.0.0 --port 5000 --backend-store-uri ${BACKEND_STORE_URI} " +
    "--default-artifact-root s3://mlflow-artifacts/",
  ]);
  const [create, install, gunicorn, server] = facts.launches;
  assert.equal(create.venv, undefined); // the venv does not exist yet: system python creates it
  assert.deepEqual(install.venv, {
    path: "/opt/venv",
    via: "PATH",
    location: { file: "mlflow.Dockerfile", line: 9 },
  });
  // ${VIRTUAL_ENV}/bin from the ENV before it; the directory a RUN of the builder created.
  assert.deepEqual(gunicorn.venv?.location.line, 21);
  assert.equal(server.image, "python:3.11-slim"); // global ARG default substituted
  assert.deepEqual(server.location, { file: "mlflow.Dockerfile", line: 27 });
  assert.deepEqual(server.argv[7], {
    text: "${BACKEND_STORE_URI}",
    unresolved: ["${BACKEND_STORE_URI}"],
  });
  // The image's command sees ENV, not the password's value.
  assert.deepEqual(
    server.env.map((e) => [e.name, e.value]),
    [
      ["VIRTUAL_ENV", "/opt/venv"],
      ["PATH", "${VIRTUAL_ENV}/bin:${PATH}"],
      ["MLFLOW_TRACKING_USERNAME", "admin"],
      ["MLFLOW_TRACKING_PASSWORD", undefined],
    ],
  );
  assert.deepEqual(facts.secrets, [
    {
      kind: "password",
      name: "MLFLOW_TRACKING_PASSWORD",
      location: { file: "mlflow.Dockerfile", line: 21 },
    },
  ]);
  assert.doesNotMatch(JSON.stringify(facts), /s3cr3t/);
  assert.deepEqual(facts.exposures, [
    {
      origin: "dockerfile",
      unit: "server",
      via: "expose",
      port: "5000",
      location: { file: "mlflow.Dockerfile", line: 26 },
    },
  ]);
  assert.deepEqual(facts.problems, []);
});

Deno.test("dockerfile: JupyterLab in the system interpreter, behind tini, with an empty token", () => {
  const facts = readDockerfile(fixture("jupyter.Dockerfile"), { file: "jupyter.Dockerfile" });
  assert.deepEqual(brief(facts.launches), [
    "jupyter.Dockerfile RUN apt-get update",
    "jupyter.Dockerfile RUN apt-get install -y --no-install-recommends git",
    "jupyter.Dockerfile RUN rm -rf /var/lib/apt/lists/*",
    "jupyter.Dockerfile RUN pip install --no-cache-dir jupyterlab==4.2.5 pandas scikit-learn",
    // tini -g -- runs the command: the program is jupyter.
    "jupyter.Dockerfile CMD jupyter lab --ip=0.0.0.0 --port=8888 --no-browser --allow-root " +
    "--IdentityProvider.token=",
  ]);
  assert.ok(facts.launches.every((l) => l.venv === undefined)); // pip of the image itself
  assert.deepEqual(facts.launches.at(-1)!.location.line, 9);
  assert.equal(facts.exposures[0].port, "8888");
});

Deno.test("dockerfile: TensorBoard's exec-form ENTRYPOINT with --bind_all", () => {
  const facts = readDockerfile(fixture("tensorboard.Dockerfile"), { file: "tb/Dockerfile" });
  assert.deepEqual(brief(facts.launches), [
    "Dockerfile RUN python3 -m pip install --no-cache-dir tensorboard-plugin-profile",
    "Dockerfile CMD tensorboard --logdir /logs --bind_all",
  ]);
  assert.equal(facts.launches[1].image, "tensorflow/tensorflow:2.17.0");
});

Deno.test("dockerfile: here-documents run as BuildKit runs them; uv venv and activate; --system", () => {
  const facts = readDockerfile(fixture("uv-heredoc.Dockerfile"), { file: "Dockerfile" });
  assert.deepEqual(
    facts.launches.map((l) => [l.location.line, l.argv.map((w) => w.text).join(" "), l.venv?.via]),
    [
      [4, "uv venv", undefined],
      [5, ". .venv/bin/activate", undefined],
      [6, "uv pip install vllm==0.6.3", "activate"],
      [8, "uv pip install --system huggingface_hub", undefined],
      // COPY <<EOF is a file, not a command; a #! here-document runs by its interpreter.
      [12, "/usr/bin/env python3 /dev/pipes/EOF", undefined],
      [
        17,
        "/app/.venv/bin/python -m vllm.entrypoints.openai.api_server --host 0.0.0.0 --port 8000 --api-key ***",
        undefined,
      ],
    ],
  );
  assert.deepEqual(facts.secrets.map((s) => [s.kind, s.name, s.location.line]), [[
    "openai-key",
    "api-key",
    17,
  ]]);
  assert.deepEqual(facts.problems, []);
});

Deno.test("dockerfile: ENTRYPOINT and CMD combine as Docker's table says", () => {
  const run = (text: string) => brief(final(`FROM python:3.12\n${text}\n`));
  assert.deepEqual(run('CMD ["mlflow", "ui"]'), ["Dockerfile CMD mlflow ui"]);
  assert.deepEqual(run("CMD mlflow ui --host 0.0.0.0"), [
    "Dockerfile CMD mlflow ui --host 0.0.0.0",
  ]);
  assert.deepEqual(run('ENTRYPOINT ["mlflow"]\nCMD ["server", "--host", "0.0.0.0"]'), [
    "Dockerfile CMD mlflow server --host 0.0.0.0",
  ]);
  // exec ENTRYPOINT + shell CMD: the command is /bin/sh -c "…" handed to the entrypoint.
  assert.deepEqual(run('ENTRYPOINT ["/entrypoint.sh"]\nCMD mlflow ui'), [
    "Dockerfile CMD /entrypoint.sh /bin/sh -c mlflow ui",
  ]);
  // A shell-form ENTRYPOINT ignores CMD.
  assert.deepEqual(run('ENTRYPOINT streamlit run app.py\nCMD ["--server.address", "0.0.0.0"]'), [
    "Dockerfile CMD streamlit run app.py",
  ]);
  // The last CMD wins; CMD [] runs nothing.
  assert.deepEqual(run('CMD ["a"]\nCMD ["b"]'), ["Dockerfile CMD b"]);
  assert.deepEqual(run("CMD []"), []);
  // sh -c in exec form is read as its script.
  assert.deepEqual(run('CMD ["sh", "-c", "exec jupyter lab --ip=${IP:-0.0.0.0}"]'), [
    "Dockerfile CMD jupyter lab --ip=${IP:-0.0.0.0}",
  ]);
  // Single quotes are not JSON: shell form, as Docker runs it.
  assert.deepEqual(run("CMD ['python', 'app.py']"), ["Dockerfile CMD [python, app.py]"]);
  assert.deepEqual(final("FROM a\nCMD [1, 2]\n"), []);
  assert.deepEqual(readDockerfile("FROM a\nCMD [1, 2]\n", { file: "D" }).problems, [
    { file: "D", line: 2, message: "CMD: a JSON array must hold strings only" },
  ]);
});

Deno.test("dockerfile: a stage inherits its parent's command, env and PATH; ENTRYPOINT drops the inherited CMD", () => {
  const text = [
    "FROM python:3.12 AS base",
    "ENV PATH=/srv/venv/bin:$PATH",
    'CMD ["gradio", "app.py"]',
    "FROM base AS dev",
    "RUN pip install debugpy",
    "FROM base AS prod",
    'ENTRYPOINT ["uvicorn", "app:app", "--host", "0.0.0.0"]',
    "",
  ].join("\n");
  const facts = readDockerfile(text, { file: "Dockerfile" });
  assert.deepEqual(brief(facts.launches), [
    "dev RUN pip install debugpy",
    "base CMD gradio app.py", // sets its own command
    "prod CMD uvicorn app:app --host 0.0.0.0", // the final stage, CMD reset by ENTRYPOINT
  ]);
  assert.deepEqual(facts.launches.map((l) => [l.image, l.venv?.path]), [
    ["python:3.12", "/srv/venv"], // named like a venv, first on PATH
    ["python:3.12", "/srv/venv"],
    ["python:3.12", "/srv/venv"],
  ]);
});

Deno.test("dockerfile: which PATH makes a venv active", () => {
  const venvOf = (lines: string[]) =>
    readDockerfile(["FROM python:3.12", ...lines, "RUN pip install x", ""].join("\n"), {
      file: "D",
    })
      .launches.at(-1)!.venv;
  assert.equal(venvOf(["ENV PATH=/opt/conda/bin:$PATH"]), undefined); // not a venv the file shows
  assert.equal(venvOf(["ENV PATH=/usr/local/bin:/opt/venv/bin:$PATH"]), undefined); // system first
  assert.equal(venvOf(["RUN virtualenv /env", "ENV PATH=/env/bin:$PATH"])?.path, "/env");
  assert.equal(
    venvOf(["WORKDIR /app", "RUN python3 -m venv --copies .", "ENV PATH=/app/bin:$PATH"])?.path,
    "/app",
  );
  // ENV A=x B=$A takes the A from before the instruction: here none, so PATH names no venv.
  assert.deepEqual(
    venvOf(["ENV VIRTUAL_ENV=/opt/app PATH=$VIRTUAL_ENV/bin:$PATH"])?.via,
    "VIRTUAL_ENV",
  );
  assert.deepEqual(
    venvOf(["ENV VIRTUAL_ENV=/opt/app", "ENV PATH=$VIRTUAL_ENV/bin:$PATH"])?.via,
    "PATH",
  );
  // Each RUN is a new shell: an activate in one does not reach the next.
  assert.equal(venvOf(["RUN python -m venv /v && . /v/bin/activate"]), undefined);
});

Deno.test("dockerfile: ENV and ARG forms, secrets by kind only, EXPOSE ports as written", () => {
  const text = [
    "ARG HF_TOKEN=hf_abcdefghijklmnopqrstuvwxyz0123456789",
    "FROM python:3.12",
    "ARG HF_TOKEN",
    "ENV MODEL_ID meta-llama/Llama-3.1-8B-Instruct",
    'ENV HOST="0.0.0.0" PORT=7860 GRADIO_SERVER_NAME=$HOST',
    "EXPOSE 7860 8000-8010/udp ${PORT}",
    "RUN huggingface-cli download $MODEL_ID --token hf_abcdefghijklmnopqrstuvwxyz0123456789",
    "",
  ].join("\n");
  const facts = readDockerfile(text, { file: "Dockerfile" });
  const [download] = facts.launches;
  assert.deepEqual(download.env.map((e) => [e.name, e.value]), [
    ["MODEL_ID", "meta-llama/Llama-3.1-8B-Instruct"],
    ["HOST", "0.0.0.0"],
    ["PORT", "7860"],
    ["GRADIO_SERVER_NAME", "$HOST"],
    ["HF_TOKEN", undefined], // the global default, a secret: no value
  ]);
  assert.deepEqual(download.argv.map((w) => w.text), [
    "huggingface-cli",
    "download",
    "$MODEL_ID",
    "--token",
    "***",
  ]);
  assert.deepEqual(facts.secrets.map((s) => [s.kind, s.name, s.location.line]), [
    ["huggingface-token", "HF_TOKEN", 1],
    ["huggingface-token", "HF_TOKEN", 3],
    ["huggingface-token", "token", 7],
  ]);
  assert.doesNotMatch(JSON.stringify(facts), /hf_abc/);
  assert.deepEqual(facts.exposures.map((e) => e.port), ["7860", "8000-8010/udp", "${PORT}"]);
});

Deno.test("dockerfile: what BuildKit refuses is a problem with its line", () => {
  const problems = (text: string) =>
    readDockerfile(text, { file: "D" }).problems.map((p) => `${p.line}: ${p.message}`);
  assert.deepEqual(problems("# escape=x\nFROM a\n"), [
    "1: invalid escape token 'x' does not match ` or \\",
  ]);
  assert.deepEqual(problems("FROM a\nRUN <<EOF\necho hi\n"), [
    "2: unterminated here-document (no EOF line)",
  ]);
  assert.deepEqual(problems("FROM a\nENV ONLY\nENV A=1 B\n"), [
    "2: ENV must have two arguments (name value) or name=value",
    '3: ENV can\'t find = in "B"; must be of the form name=value',
  ]);
  assert.deepEqual(problems("RUN x\nFROM a\nFROBNICATE\nRUN echo 'open\n"), [
    "1: RUN before the first FROM: no stage to apply it to",
    "3: unknown instruction FROBNICATE; not read",
    "4: shell text: unterminated single quote",
  ]);
});

Deno.test("dockerfile: a hostile file is bounded: stages, variables, one problem each", () => {
  let stages = "FROM python AS s0\n";
  for (let i = 1; i <= 300; i++) stages += `FROM s${i - 1} AS s${i}\nEXPOSE ${i}\n`;
  const many = readDockerfile(stages, { file: "D" });
  assert.deepEqual(many.problems.map((p) => `${p.line}: ${p.message}`), [
    "512: more than 256 stages; the rest of the file is not read",
  ]);
  const variables = "FROM python\n" +
    Array.from({ length: 800 }, (_, i) => `ENV V${i}=x\n`).join("") +
    "RUN echo done\n";
  const capped = readDockerfile(variables, { file: "D" });
  assert.deepEqual(capped.problems.map((p) => `${p.line}: ${p.message}`), [
    "502: more than 500 variables in one stage; the rest are not read",
  ]);
  assert.equal(capped.launches[0].env.length, 500);
});

Deno.test("dockerfile: a non-POSIX SHELL keeps the text as one word", () => {
  const text =
    'FROM mcr.microsoft.com/windows/servercore\nSHELL ["powershell", "-Command"]\nRUN Invoke-WebRequest -Uri $url\n';
  assert.deepEqual(brief(readDockerfile(text, { file: "D" }).launches), [
    "D RUN powershell -Command Invoke-WebRequest -Uri $url",
  ]);
});

Deno.test("dockerfile: file names", () => {
  for (
    const yes of [
      "Dockerfile",
      "docker/Dockerfile.gpu",
      "serve.Dockerfile",
      "Containerfile",
      "a/b.containerfile",
    ]
  ) {
    assert.ok(isDockerfile(yes), yes);
    assert.ok(dockerfileReader.matches(yes), yes);
  }
  for (
    const no of [
      "Dockerfile.dockerignore",
      "docs/Dockerfile.md",
      "dockerfile_utils.py",
      "Dockerfiles/x.yaml",
    ]
  ) {
    assert.ok(!isDockerfile(no), no);
  }
});

Deno.test("dockerfile: an exec form with continuations reads as JSON.parse reads the array (differential)", () => {
  const word = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom("--host", "0.0.0.0", "a b", 'q"', "\\", "$HOME"),
  );
  fc.assert(
    fc.property(
      fc.array(word, { maxLength: 6 }),
      fc.array(fc.boolean(), { maxLength: 6 }),
      (words, breaks) => {
        const json = JSON.stringify(["prog", ...words]);
        const items = JSON.parse(json) as string[];
        // Break the array across lines after some commas, as people write long CMDs.
        const parts = items.map((item, i) =>
          JSON.stringify(item) + (breaks[i] ? ", \\\n    " : ", ")
        );
        const text = `FROM a\nCMD [${parts.join("").replace(/, (\\\n {4})?$/, "")}]\n`;
        const launches = final(text);
        assert.deepEqual(launches.map((l) => l.argv.map((w) => w.text)), [items], text);
        assert.ok(
          launches[0].argv.every((w) => w.unresolved === undefined),
          "exec form: no expansion",
        );
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("dockerfile: random and mutated text never throws; problems and launches lie within the file", () => {
  const piece = fc.constantFrom(
    "FROM python:3.12 AS a\n",
    "FROM a\n",
    "RUN <<EOF\n",
    "EOF\n",
    "RUN <<-X cat\n\tx\n\tX\n",
    "\\\n",
    "`\n",
    "# escape=`\n",
    "# syntax=x\n",
    "ENV A=1 B\n",
    "ENV PATH=/v/bin:$PATH\n",
    'CMD ["a", 1]\n',
    "CMD [\n",
    "ENTRYPOINT sh -c 'x\n",
    "EXPOSE 80\n",
    "ARG X\n",
    "SHELL []\n",
    "\n",
    "  # c\n",
    '"',
    "'",
    "\r\n",
  );
  const text = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.array(piece, { maxLength: 25 }).map((p) => p.join("")),
  );
  fc.assert(
    fc.property(text, (t) => {
      assertInfraWithinFile(readDockerfile(t, { file: "D" }), t, "D");
    }),
    { numRuns: 500 },
  );
});
