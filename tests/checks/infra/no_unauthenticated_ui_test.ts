// infra.no-unauthenticated-ui on the MLOps web UIs: each service exposed as its own docs show it
// deployed, and fixed (loopback, authentication on, not published).
import assert from "node:assert/strict";
import { exposure, launch } from "../../../testing.ts";
import { uiFindings, verdicts } from "./_infra.ts";

const PUBLISHED = (unit: string, port: string) =>
  exposure(unit, { hostPort: port, port, location: { file: "docker-compose.yml", line: 9 } });

Deno.test("MLflow: --host 0.0.0.0 published without --app-name is an error, with the route and both fixes", async () => {
  const findings = await uiFindings({
    launches: [launch("mlflow server --host 0.0.0.0 --port 5000", { unit: "tracking" })],
    exposures: [PUBLISHED("tracking", "5000")],
  });
  assert.deepEqual(findings.map((f) => [f.severity, f.subject, f.location, f.message, f.fix]), [[
    "error",
    "service:compose/tracking",
    { file: "docker-compose.yml", line: 1 },
    "MLflow tracking server (compose service tracking) listens on every interface " +
    "(--host 0.0.0.0) without authentication (no --app-name basic-auth), published on every " +
    "interface of the host, port 5000 (docker-compose.yml:9).",
    "Start it with --app-name basic-auth (pip install mlflow[auth]; change the default admin " +
    "password) or keep it on 127.0.0.1 (--host 127.0.0.1) behind an authenticating proxy. Or " +
    'publish the port on 127.0.0.1 only (ports: "127.0.0.1:HOST:CONTAINER").',
  ]]);
  assert.deepEqual(findings[0].evidence, {
    service: "MLflow tracking server",
    binding: "every interface (--host 0.0.0.0)",
    authentication: "no --app-name basic-auth",
    reach: "published",
    routes: [{
      file: "docker-compose.yml",
      line: 9,
      route: "published on every interface of the host, port 5000",
    }],
  });
});

Deno.test("MLflow: -h, --host=, MLFLOW_HOST and the 127.0.0.1 default; basic-auth and loopback pass", async () => {
  assert.deepEqual(
    await verdicts({
      launches: [
        launch("mlflow ui -h 0.0.0.0", { unit: "short" }),
        launch("python -m mlflow server --host=0.0.0.0", { unit: "module" }),
        launch("mlflow server", {
          unit: "variable",
          env: [{
            name: "MLFLOW_HOST",
            value: "0.0.0.0",
            location: { file: "docker-compose.yml" },
          }],
        }),
        launch("mlflow server --port 5000", { unit: "default" }),
        launch("mlflow server --host 0.0.0.0 --app-name basic-auth", { unit: "auth" }),
        launch("mlflow server --host 127.0.0.1", { unit: "loopback" }),
        launch("mlflow models serve -m runs:/x/model -h 0.0.0.0", { unit: "model" }),
      ],
      exposures: [
        PUBLISHED("short", "5000"),
        PUBLISHED("default", "5000"),
        PUBLISHED("auth", "5000"),
      ],
    }),
    [
      "warning service:compose/model",
      "warning service:compose/module",
      "error service:compose/short",
      "warning service:compose/variable",
    ],
  );
});

Deno.test("Jupyter: --ip=0.0.0.0 with an empty token and no password; a token, a password or localhost pass", async () => {
  const findings = await uiFindings({
    launches: [
      launch("jupyter lab --ip=0.0.0.0 --allow-root --ServerApp.token='' --no-browser", {
        unit: "lab",
      }),
      launch("jupyter notebook --ip 0.0.0.0 --NotebookApp.token=", { unit: "classic" }),
      launch("start-notebook.py --IdentityProvider.token=''", {
        unit: "stacks",
        image: "quay.io/jupyter/scipy-notebook:2024-05-27",
      }),
      launch("jupyter lab --ip=0.0.0.0 --ServerApp.token='' --ServerApp.password=sha1:x", {
        unit: "password",
      }),
      launch("jupyter lab --ip=0.0.0.0", { unit: "generated-token" }),
      launch("jupyter-lab --ServerApp.token=''", { unit: "localhost" }),
    ],
    exposures: ["lab", "stacks", "password", "generated-token", "localhost"].map((unit) =>
      PUBLISHED(unit, "8888")
    ),
  });
  assert.deepEqual(findings.map((f) => `${f.severity} ${f.subject}`), [
    "warning service:compose/classic",
    "error service:compose/lab",
    "error service:compose/stacks",
  ]);
  assert.match(
    findings[1].message,
    /^Jupyter server \(compose service lab\) listens on every interface \(--ip 0\.0\.0\.0\) without authentication \(--ServerApp\.token='' and no password\), published/,
  );
  assert.match(findings[2].message, /the jupyter\/docker-stacks start script's default/);
});

Deno.test("TensorBoard: --bind_all and --host 0.0.0.0; localhost by default", async () => {
  assert.deepEqual(
    await verdicts({
      launches: [
        launch("tensorboard --logdir /runs --bind_all", { unit: "bind-all" }),
        launch("python3 -m tensorboard.main --logdir /runs --host 0.0.0.0 --port 6006", {
          unit: "host",
        }),
        launch("tensorboard --logdir /runs --host '*'", { unit: "star" }),
        launch("tensorboard --logdir /runs", { unit: "default" }),
      ],
      exposures: [PUBLISHED("bind-all", "6006"), PUBLISHED("default", "6006")],
    }),
    [
      "error service:compose/bind-all",
      "warning service:compose/host",
      "warning service:compose/star",
    ],
  );
});

Deno.test("Ray: ray start --head --dashboard-host=0.0.0.0; RAY_AUTH_MODE=token, workers and no dashboard pass", async () => {
  const token = [{
    name: "RAY_AUTH_MODE",
    value: "token",
    location: { file: "docker-compose.yml" },
  }];
  assert.deepEqual(
    await verdicts({
      launches: [
        launch("ray start --head --dashboard-host=0.0.0.0 --dashboard-port=8265 --block", {
          unit: "head",
        }),
        launch("ray start --head --dashboard-host 0.0.0.0 --block", { unit: "token", env: token }),
        launch("ray start --address=head:6379 --block", { unit: "worker" }),
        launch("ray start --head --dashboard-host=0.0.0.0 --include-dashboard=false", {
          unit: "headless",
        }),
        launch("ray start --head --block", { unit: "default" }),
      ],
      exposures: ["head", "token", "worker", "headless", "default"].map((u) =>
        PUBLISHED(u, "8265")
      ),
    }),
    ["error service:compose/head"],
  );
});

Deno.test("Streamlit listens on every interface by default and has no authentication; --server.address 127.0.0.1 passes", async () => {
  const findings = await uiFindings({
    launches: [
      launch("streamlit run app.py --server.port 8501", { unit: "ui" }),
      launch("python -m streamlit run app.py --server.address=127.0.0.1", { unit: "local" }),
    ],
    exposures: [PUBLISHED("ui", "8501"), PUBLISHED("local", "8501")],
  });
  assert.deepEqual(findings.map((f) => [f.severity, f.subject]), [["error", "service:compose/ui"]]);
  assert.match(
    findings[0].message,
    /every interface \(Streamlit's default when server\.address is unset\) without authentication \(Streamlit's server has none\)/,
  );
});

Deno.test("Label Studio: open sign-up on 0.0.0.0 (its default); LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK=true passes", async () => {
  const disabled = [{
    name: "LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK",
    value: "true",
    location: { file: "docker-compose.yml" },
  }];
  assert.deepEqual(
    await verdicts({
      launches: [
        launch("", { unit: "open", image: "heartexlabs/label-studio:1.13.1" }),
        launch("label-studio start --host https://label.example.com", { unit: "host-url" }),
        launch("label-studio start", { unit: "invited", env: disabled }),
        launch("label-studio --internal-host 127.0.0.1", { unit: "local" }),
        launch("label-studio user --username admin@example.com", { unit: "admin" }),
      ],
      exposures: ["open", "host-url", "invited", "local", "admin"].map((u) => PUBLISHED(u, "8080")),
    }),
    ["error service:compose/host-url", "error service:compose/open"],
  );
});

Deno.test("BentoML serves on 0.0.0.0 by default with no authentication; --host 127.0.0.1 passes", async () => {
  assert.deepEqual(
    await verdicts({
      launches: [
        launch("bentoml serve service:Summarization --port 3000", { unit: "bento" }),
        launch("bentoml serve . --host 127.0.0.1", { unit: "local" }),
        launch("bentoml build", { unit: "build" }),
      ],
      exposures: [PUBLISHED("bento", "3000"), PUBLISHED("local", "3000")],
    }),
    ["error service:compose/bento"],
  );
});

Deno.test("Kubeflow UIs are judged only when something publishes them past the gateway", async () => {
  const dashboard = {
    origin: "kubernetes" as const,
    image: "docker.io/kubeflownotebookswg/centraldashboard:v1.9.0",
    location: { file: "k8s/dashboard.yaml", line: 20 },
  };
  const findings = await uiFindings({
    launches: [
      launch("", { ...dashboard, unit: "Deployment/centraldashboard/centraldashboard" }),
      launch("", { ...dashboard, unit: "Deployment/internal/centraldashboard" }),
    ],
    exposures: [exposure("Deployment/centraldashboard/centraldashboard", {
      origin: "kubernetes",
      via: "load-balancer",
      hostPort: "80",
      port: "8082",
      location: { file: "k8s/dashboard.yaml", line: 40 },
    })],
  });
  assert.deepEqual(findings.map((f) => [f.severity, f.message]), [[
    "error",
    "Kubeflow web UI (Kubernetes container Deployment/centraldashboard/centraldashboard) relies " +
    "on the Istio gateway's login in front of it, but is exposed by a LoadBalancer Service " +
    "(k8s/dashboard.yaml:40).",
  ]]);
});
