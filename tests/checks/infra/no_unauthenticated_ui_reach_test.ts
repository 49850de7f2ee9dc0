// infra.no-unauthenticated-ui: how far a service is reachable (published ports, Services,
// Ingresses, host networking, the Procfile web process), addresses known only at run time,
// wrappers around the command, params, and hostile text.
import assert from "node:assert/strict";
import { exposure, launch } from "../../../testing.ts";
import { uiFindings, verdicts } from "./_infra.ts";

const MLFLOW = "mlflow server --host 0.0.0.0 --port 5000";
const k8s = (unit: string) => ({
  origin: "kubernetes" as const,
  unit,
  location: { file: "k8s/mlflow.yaml", line: 20 },
});

Deno.test("compose: a port on 127.0.0.1 or for another port leaves the service internal (warning); an address known at run time cannot be told", async () => {
  const findings = await uiFindings({
    launches: [
      launch(MLFLOW, { unit: "loopback" }),
      launch(MLFLOW, { unit: "other-port" }),
      launch(MLFLOW, { unit: "dynamic-ip" }),
      launch(MLFLOW, { unit: "specific-ip" }),
    ],
    exposures: [
      exposure("loopback", { hostIp: "127.0.0.1", hostPort: "5000", port: "5000" }),
      exposure("other-port", { hostPort: "9100", port: "9100" }),
      exposure("dynamic-ip", { hostIp: "${BIND_IP}", hostPort: "5000", port: "5000" }),
      exposure("specific-ip", { hostIp: "10.0.0.5", hostPort: "5000", port: "5000/tcp" }),
    ],
  });
  assert.deepEqual(findings.map((f) => [f.severity, f.subject, f.message.split("; ").at(-1)]), [
    [
      "warning",
      "service:compose/dynamic-ip",
      "MLflow tracking server (compose service dynamic-ip) listens on every interface " +
      "(--host 0.0.0.0) without authentication (no --app-name basic-auth), published on " +
      "${BIND_IP}:5000, an address known only at run time (docker-compose.yml:1).",
    ],
    ["warning", "service:compose/loopback", "reachable from its compose network."],
    ["warning", "service:compose/other-port", "reachable from its compose network."],
    [
      "error",
      "service:compose/specific-ip",
      "MLflow tracking server (compose service specific-ip) listens on every interface " +
      "(--host 0.0.0.0) without authentication (no --app-name basic-auth), published on " +
      "10.0.0.5, port 5000 (docker-compose.yml:1).",
    ],
  ]);
});

Deno.test("Kubernetes: LoadBalancer, NodePort, host networking and an Ingress without auth publish; an authenticated Ingress passes; unknown auth warns", async () => {
  const findings = await uiFindings({
    launches: ["lb", "np", "host", "open", "auth", "maybe", "internal"].map((name) =>
      launch(MLFLOW, k8s(`Deployment/${name}/mlflow`))
    ),
    exposures: [
      exposure("Deployment/lb/mlflow", { ...k8s("Deployment/lb/mlflow"), via: "load-balancer" }),
      exposure("Deployment/np/mlflow", {
        ...k8s("Deployment/np/mlflow"),
        via: "node-port",
        hostPort: "30500",
        port: "5000",
      }),
      exposure("Deployment/host", { ...k8s("Deployment/host"), via: "host-network" }),
      exposure("Deployment/open/mlflow", {
        ...k8s("Deployment/open/mlflow"),
        via: "ingress",
        hosts: ["mlflow.example.com"],
        authenticated: false,
      }),
      exposure("Deployment/auth/mlflow", {
        ...k8s("Deployment/auth/mlflow"),
        via: "ingress",
        authenticated: true,
      }),
      exposure("Deployment/maybe/mlflow", { ...k8s("Deployment/maybe/mlflow"), via: "ingress" }),
    ],
  });
  assert.deepEqual(
    findings.map((
      f,
    ) => [f.severity, f.subject, f.message.slice(f.message.indexOf("basic-auth)") + 11)]),
    [
      [
        "error",
        "service:kubernetes/Deployment/host/mlflow",
        ", on the host's network (host networking) (k8s/mlflow.yaml:20).",
      ],
      [
        "warning",
        "service:kubernetes/Deployment/internal/mlflow",
        "; reachable from inside the cluster.",
      ],
      [
        "error",
        "service:kubernetes/Deployment/lb/mlflow",
        ", exposed by a LoadBalancer Service (k8s/mlflow.yaml:20).",
      ],
      [
        "warning",
        "service:kubernetes/Deployment/maybe/mlflow",
        ", routed from any host by an Ingress whose authentication Tollgate cannot tell (k8s/mlflow.yaml:20).",
      ],
      [
        "error",
        "service:kubernetes/Deployment/np/mlflow",
        ", exposed on port 30500 of every node by a NodePort Service (k8s/mlflow.yaml:20).",
      ],
      [
        "error",
        "service:kubernetes/Deployment/open/mlflow",
        ", routed from mlflow.example.com by an Ingress without authentication (k8s/mlflow.yaml:20).",
      ],
    ],
  );
  assert.match(
    findings.find((f) => f.subject.includes("/lb/"))!.fix!,
    /make the Service ClusterIP/,
  );
  assert.match(
    findings.find((f) => f.subject.includes("/open/"))!.fix!,
    /put authentication on the Ingress/,
  );
});

Deno.test("where a Dockerfile, script, Makefile or CI step runs it cannot be told (warning); the Procfile web process is public", async () => {
  assert.deepEqual(
    await verdicts({
      launches: [
        launch(MLFLOW, {
          origin: "dockerfile",
          unit: "Dockerfile",
          location: { file: "Dockerfile", line: 9 },
        }),
        launch(MLFLOW, { origin: "shell", unit: "scripts/serve.sh" }),
        launch(MLFLOW, { origin: "makefile", unit: "serve" }),
        launch(MLFLOW, { origin: "workflow", unit: "ci/smoke" }),
        launch("mlflow server --host 0.0.0.0 --port $PORT", { origin: "procfile", unit: "web" }),
        launch(MLFLOW, { origin: "procfile", unit: "worker" }),
        launch("pip install mlflow && mlflow server --host 0.0.0.0", {
          origin: "dockerfile",
          unit: "build",
          build: true,
        }),
      ],
      exposures: [exposure("Dockerfile", { origin: "dockerfile", via: "expose", port: "5000" })],
    }),
    [
      "warning service:dockerfile/Dockerfile",
      "warning service:makefile/serve",
      "error service:procfile/web",
      "warning service:procfile/worker",
      "warning service:shell/scripts/serve.sh",
      "warning service:workflow/ci/smoke",
    ],
  );
});

Deno.test("an address known only at run time is a warning that says so, published or not", async () => {
  const [finding] = await uiFindings({
    launches: [launch("mlflow server --host $HOST", { unit: "tracking" })],
    exposures: [exposure("tracking", { hostPort: "5000", port: "5000" })],
  });
  assert.equal(finding.severity, "warning");
  assert.equal(
    finding.message,
    "MLflow tracking server (compose service tracking) listens on an address known only at run " +
      "time (--host $HOST) without authentication (no --app-name basic-auth); Tollgate cannot " +
      "tell whether that is a network address, and it is published on every interface of the " +
      "host, port 5000 (docker-compose.yml:1).",
  );
});

Deno.test("params: allowUnits skips units by glob; reportUnpublished: false drops internal-only findings", async () => {
  const facts = {
    launches: [
      launch(MLFLOW, { unit: "demo-tracking" }),
      launch(MLFLOW, { unit: "internal" }),
      launch(MLFLOW, { unit: "public" }),
    ],
    exposures: [exposure("demo-tracking"), exposure("public")],
  };
  assert.deepEqual(await verdicts(facts, { allowUnits: ["demo-*"], reportUnpublished: false }), [
    "error service:compose/public",
  ]);
  assert.deepEqual(await verdicts(facts), [
    "error service:compose/demo-tracking",
    "warning service:compose/internal",
    "error service:compose/public",
  ]);
});

Deno.test("wrappers and shells: env, exec, tini, gosu, uv run, conda run, poetry run, sh -c scripts, inline assignments", async () => {
  const commands = [
    "env MLFLOW_HOST=0.0.0.0 mlflow server",
    "exec /usr/local/bin/mlflow server --host 0.0.0.0",
    "tini -- mlflow server --host 0.0.0.0",
    "gosu mlflow mlflow server --host 0.0.0.0",
    "uv run --with mlflow[auth] --python 3.12 mlflow server --host 0.0.0.0",
    "conda run --no-capture-output -n serve mlflow server --host 0.0.0.0",
    "poetry run python -m mlflow server --host 0.0.0.0",
    "uvx mlflow server --host 0.0.0.0",
    `/bin/bash -euc "pip install mlflow; MLFLOW_HOST=0.0.0.0 exec mlflow server --port 5000"`,
    `sh -c "sh -c 'mlflow server --host 0.0.0.0'"`,
    "python3 -u -m mlflow server --host 0.0.0.0",
  ];
  const found = await verdicts({
    launches: commands.map((command, i) => launch(command, { unit: `u${i}` })),
  });
  assert.deepEqual(found.sort(), commands.map((_, i) => `warning service:compose/u${i}`).sort());
  // A script file, a here-document and arguments that merely mention the service start nothing.
  assert.deepEqual(
    await verdicts({
      launches: [
        launch("sh ./start.sh --host 0.0.0.0", { unit: "script" }),
        launch("echo mlflow server --host 0.0.0.0", { unit: "echo" }),
        launch("pip install mlflow --host 0.0.0.0", { unit: "pip" }),
      ],
    }),
    [],
  );
});

Deno.test("hostile text: control characters, bidi overrides and very long units never reach a message unbounded", async () => {
  const unit = "evil\u202e\u0007\nunit" + "x".repeat(5_000);
  const argv = [
    ...launch("mlflow server --host 0.0.0.0").argv,
    ...Array.from({ length: 50_000 }, (_, i) => ({ text: `--arg${i}` })),
  ];
  const findings = await uiFindings({
    launches: [
      launch("", { unit, argv }),
      launch(`sh -c "${"sh -c ".repeat(50)}mlflow server --host 0.0.0.0"`, { unit: "nested" }),
    ],
  });
  assert.equal(findings.length, 1);
  const [finding] = findings;
  assert.ok(![...finding.message].some((c) => c < " " || c === "\u202e"), finding.message);
  assert.ok(finding.message.length < 600, `${finding.message.length}`);
  assert.ok(finding.subject.length < 200);
});

Deno.test("compose: a port published by another compose project's service of the same name does not reach this one", async () => {
  const findings = await uiFindings({
    launches: [
      launch(MLFLOW, { unit: "mlflow", location: { file: "dev/docker-compose.yml", line: 3 } }),
    ],
    exposures: [
      exposure("mlflow", {
        hostPort: "5000",
        port: "5000",
        location: { file: "prod/docker-compose.yml", line: 9 },
      }),
    ],
  });
  assert.deepEqual(findings.map((f) => [f.severity, f.message.split("; ").at(-1)]), [
    ["warning", "reachable from its compose network."],
  ]);
  // Overrides in the same folder are one project.
  const merged = await uiFindings({
    launches: [
      launch(MLFLOW, { unit: "mlflow", location: { file: "deploy/compose.yaml", line: 3 } }),
    ],
    exposures: [
      exposure("mlflow", {
        hostPort: "5000",
        port: "5000",
        location: { file: "deploy/compose.override.yaml", line: 4 },
      }),
    ],
  });
  assert.deepEqual(merged.map((f) => f.severity), ["error"]);
});
