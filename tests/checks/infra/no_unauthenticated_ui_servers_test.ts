// infra.no-unauthenticated-ui on model servers (TorchServe, Triton, vLLM, TGI), on web apps that
// serve a model (uvicorn, gunicorn, Flask, FastAPI) and on Python calls (Gradio, ray.init).
import assert from "node:assert/strict";
import { exposure, launch, serverCall } from "../../../testing.ts";
import { loadsModel, uiFindings, verdicts } from "./_infra.ts";

const published = (unit: string, port: string) => exposure(unit, { hostPort: port, port });
const env = (name: string, value?: string) => ({
  name,
  ...(value === undefined ? {} : { value }),
  location: { file: "docker-compose.yml" },
});

Deno.test("TorchServe: the official image's config binds 0.0.0.0; its `serve` turns token auth off from 0.11.1; --disable-token-auth or a release before 0.11 is unauthenticated", async () => {
  assert.deepEqual(
    await verdicts({
      launches: [
        launch("serve", { unit: "current", image: "pytorch/torchserve:0.12.0-cpu" }),
        // 0.11.0's entrypoint did not yet add --disable-token-auth.
        launch("serve", { unit: "token-on", image: "pytorch/torchserve:0.11.0-gpu" }),
        launch("", { unit: "old", image: "pytorch/torchserve:0.8.2-gpu" }),
        launch(
          "torchserve --start --ts-config /home/model-server/config.properties --disable-token-auth --enable-model-api",
          { unit: "disabled", image: "pytorch/torchserve:latest" },
        ),
        launch("torchserve --start --model-store /models --disable-token-auth", { unit: "local" }),
        launch("torchserve --start --ts-config config.properties", {
          unit: "own-config",
          env: [env("TS_DISABLE_TOKEN_AUTHORIZATION", "true")],
        }),
        launch("torchserve --stop", { unit: "stop" }),
      ],
      exposures: ["current", "token-on", "old", "disabled", "local", "own-config"].map((u) =>
        published(u, "8081")
      ),
    }),
    [
      "error service:compose/current",
      "error service:compose/disabled",
      "error service:compose/old",
      "warning service:compose/own-config",
    ],
  );
  const [disabled] = await uiFindings({
    launches: [
      launch(
        "torchserve --start --ts-config /home/model-server/config.properties --disable-token-auth --enable-model-api",
        { image: "pytorch/torchserve:0.12.0-cpu" },
      ),
    ],
  });
  assert.match(
    disabled.message,
    /token authorization disabled; --enable-model-api lets callers register models from any URL/,
  );
});

Deno.test("Triton listens on 0.0.0.0 with no authentication; loopback addresses for both protocols pass", async () => {
  assert.deepEqual(
    await verdicts({
      launches: [
        launch("tritonserver --model-repository=/models", {
          unit: "triton",
          image: "nvcr.io/nvidia/tritonserver:24.05-py3",
        }),
        launch(
          "tritonserver --model-repository=/models --http-address=127.0.0.1 --grpc-address=127.0.0.1",
          { unit: "local" },
        ),
        launch(
          "tritonserver --model-repository=/models --http-address=127.0.0.1 --allow-grpc=false",
          { unit: "http-only" },
        ),
      ],
      exposures: [
        exposure("triton", { hostPort: "8000-8002", port: "8000-8002" }),
        published("local", "8000"),
        published("http-only", "8000"),
      ],
    }),
    ["error service:compose/triton"],
  );
});

Deno.test("vLLM: every interface without --host; --api-key, VLLM_API_KEY or 127.0.0.1 pass; a --config file cannot be told", async () => {
  assert.deepEqual(
    await verdicts({
      launches: [
        launch("vllm serve meta-llama/Llama-3.1-8B-Instruct --port 8000", { unit: "serve" }),
        launch("--model mistralai/Mistral-7B-Instruct-v0.3", {
          unit: "image",
          image: "vllm/vllm-openai:v0.6.3",
        }),
        launch("python3 -m vllm.entrypoints.openai.api_server --model m --host 0.0.0.0", {
          unit: "module",
        }),
        launch("vllm serve m --api-key $VLLM_KEY", { unit: "key" }),
        launch("vllm serve m", { unit: "env-key", env: [env("VLLM_API_KEY")] }),
        launch("vllm serve m --host 127.0.0.1", { unit: "local" }),
        launch("vllm serve --config /etc/vllm.yaml", { unit: "config" }),
      ],
      exposures: ["serve", "image", "module", "key", "env-key", "local", "config"].map((u) =>
        published(u, "8000")
      ),
    }),
    [
      "warning service:compose/config",
      "error service:compose/image",
      "error service:compose/module",
      "error service:compose/serve",
    ],
  );
});

Deno.test("TGI: --hostname defaults to 0.0.0.0; --api-key or API_KEY pass", async () => {
  assert.deepEqual(
    await verdicts({
      launches: [
        launch("--model-id HuggingFaceH4/zephyr-7b-beta", {
          unit: "tgi",
          image: "ghcr.io/huggingface/text-generation-inference:2.4.0",
        }),
        launch("text-generation-launcher --model-id m --api-key ${TGI_KEY}", { unit: "key" }),
        launch("text-generation-launcher --model-id m", {
          unit: "env-key",
          env: [env("API_KEY")],
        }),
      ],
      exposures: [
        exposure("tgi", { hostPort: "8080", port: "80" }),
        published("key", "80"),
        published("env-key", "80"),
      ],
    }),
    ["error service:compose/tgi"],
  );
});

Deno.test("a web app that loads a model, served on 0.0.0.0: at most a warning, since the app may check credentials", async () => {
  const findings = await uiFindings({
    launches: [
      launch("uvicorn serve:app --host 0.0.0.0 --port 8000", { unit: "api" }),
      launch("gunicorn -b 0.0.0.0:8000 -k uvicorn.workers.UvicornWorker serve:app", {
        unit: "gunicorn",
      }),
      launch("fastapi run serve.py", { unit: "fastapi" }),
      launch("flask --app serve run --host=0.0.0.0", { unit: "flask" }),
      launch("uvicorn web.ui:app --host 0.0.0.0", { unit: "no-model" }),
      launch("uvicorn serve:app", { unit: "local" }),
    ],
    exposures: ["api", "gunicorn", "fastapi", "flask", "no-model", "local"].map((u) =>
      published(u, "8000")
    ),
    loaderCalls: [loadsModel("src/serve.py")],
  });
  assert.deepEqual(findings.map((f) => `${f.severity} ${f.subject}`), [
    "warning service:compose/api",
    "warning service:compose/fastapi",
    "warning service:compose/flask",
    "warning service:compose/gunicorn",
  ]);
  assert.match(
    findings[0].message,
    /^model-serving web app \(uvicorn\) \(compose service api\) listens on every interface \(--host 0\.0\.0\.0\) with no authentication Tollgate can see \(no authentication unless the app checks credentials itself\), published/,
  );
});

Deno.test("Gradio: share=True is an error wherever it runs; server_name 0.0.0.0 without auth follows its launch's exposure", async () => {
  const findings = await uiFindings({
    serverCalls: [
      serverCall("gradio.launch", { share: "True" }, { location: { file: "demo.py", line: 12 } }),
      serverCall("gradio.launch", { server_name: "'0.0.0.0'", server_port: "7860" }),
      serverCall("gradio.launch", { server_name: '"0.0.0.0"', auth: "('admin', PASSWORD)" }, {
        location: { file: "private.py", line: 3 },
      }),
      serverCall("gradio.launch", {}, { location: { file: "local.py", line: 5 } }),
      serverCall("gradio.launch", { server_name: "os.environ['HOST']" }, {
        location: { file: "dynamic.py", line: 8 },
      }),
    ],
    launches: [
      launch("python app.py", { unit: "ui" }),
      launch("python /srv/local.py", {
        unit: "local-ui",
        env: [env("GRADIO_SERVER_NAME", "0.0.0.0")],
      }),
    ],
    exposures: [published("ui", "7860"), published("local-ui", "7860")],
  });
  assert.deepEqual(findings.map((f) => [f.severity, f.subject, f.message]), [
    [
      "error",
      "service:python/app.py",
      "Gradio app (gradio.launch in app.py:1, run by compose service ui) listens on every " +
      "interface (server_name='0.0.0.0') without authentication (no auth=), published on every " +
      "interface of the host, port 7860 (docker-compose.yml:1).",
    ],
    [
      "error",
      "service:python/demo.py",
      "Gradio app (gradio.launch in demo.py:12) opens a public share link (share=True) without " +
      "authentication (no auth=): anyone with the link reaches it.",
    ],
    [
      "warning",
      "service:python/dynamic.py",
      "Gradio app (gradio.launch in dynamic.py:8) listens on an address known only at run time " +
      "(server_name=os.environ['HOST']) without authentication (no auth=); Tollgate cannot tell " +
      "whether that is a network address.",
    ],
    [
      "error",
      "service:python/local.py",
      "Gradio app (gradio.launch in local.py:5, run by compose service local-ui) listens on every " +
      "interface (GRADIO_SERVER_NAME='0.0.0.0') without authentication (no auth=), published on " +
      "every interface of the host, port 7860 (docker-compose.yml:1).",
    ],
  ]);
});

Deno.test("Python calls: values the collector evaluated (os.getenv defaults, overridden by the launch), ray.init, uvicorn.run in a model file", async () => {
  assert.deepEqual(
    await verdicts({
      serverCalls: [
        serverCall("gradio.launch", { server_name: "os.getenv('HOST', '0.0.0.0')" }, {
          values: { server_name: { value: "0.0.0.0", overridable: "HOST" } },
          location: { file: "env_default.py", line: 1 },
        }),
        serverCall("gradio.launch", { server_name: "os.getenv('HOST', '0.0.0.0')" }, {
          values: { server_name: { value: "0.0.0.0", overridable: "HOST" } },
          location: { file: "overridden.py", line: 1 },
        }),
        serverCall("ray.init", { dashboard_host: "'0.0.0.0'" }, {
          location: { file: "cluster.py", line: 4 },
        }),
        serverCall("ray.init", { dashboard_host: "'0.0.0.0'", include_dashboard: "False" }, {
          location: { file: "quiet.py", line: 4 },
        }),
        serverCall("uvicorn.run", { host: "'0.0.0.0'" }, {
          location: { file: "serve.py", line: 30 },
        }),
        serverCall("flask.run", { host: "'0.0.0.0'" }, { location: { file: "web.py", line: 9 } }),
      ],
      launches: [
        launch("python overridden.py", { unit: "ui", env: [env("HOST", "127.0.0.1")] }),
      ],
      loaderCalls: [loadsModel("serve.py")],
    }),
    [
      "warning service:python/cluster.py",
      "warning service:python/env_default.py",
      "warning service:python/serve.py",
    ],
  );
});
