// Kubernetes manifests as their projects' guides deploy them: JupyterLab behind a LoadBalancer, a
// Ray head whose Service is in another file, MLflow behind Ingresses with and without
// oauth2-proxy, TGI with a token written in and vLLM with it from a Secret; then the linking
// rules, the auth annotations, and hostile or templated YAML.
import assert from "node:assert/strict";
import { collect } from "../../../collect/mod.ts";
import { kubernetesReader, parseKubernetes } from "../../../collect/infra/kubernetes.ts";
import {
  ingressAuthenticated,
  type KubernetesObjects,
  linkKubernetes,
} from "../../../collect/infra/kubernetes_links.ts";
import { checkMutatedFiles } from "../../_property.ts";
import {
  aliasBomb,
  assertInfraWithinFile,
  exposureLines,
  launchLines,
  mergeBomb,
  secretLines,
} from "./_infra.ts";

const ROOT = new URL("../../fixtures/infra/kubernetes/", import.meta.url).pathname;
const FILES = [
  "jupyter.yaml",
  "llm/tgi.yaml",
  "llm/vllm.yaml",
  "mlflow/deployment.yaml",
  "mlflow/ingress-auth.yaml",
  "mlflow/ingress-open.yaml",
  "ray/head.yaml",
  "ray/service.yaml",
];

Deno.test("kubernetes: workloads, Services and Ingresses linked across files", async () => {
  const snapshot = await collect({ root: ROOT, now: new Date(0) });
  assert.deepEqual(snapshot.problems, []);
  assert.deepEqual(
    snapshot.inputs.map((i) => `${i.file} ${i.format}`),
    FILES.map((f) => `${f} kubernetes`),
  );
  assert.ok(snapshot.collected.includes("services") && snapshot.collected.includes("secrets"));
  assert.deepEqual(launchLines(snapshot), [
    // $(JUPYTER_IP) is set to a literal in the container: the kubelet substitutes it.
    "Deployment/jupyter/notebook jupyter.yaml:22: start-notebook.py --ServerApp.ip=0.0.0.0 " +
    "--IdentityProvider.token= ⟨--ServerApp.root_dir=$(HOME)/work⟩ " +
    "[JUPYTER_IP=0.0.0.0, JUPYTER_ENABLE_LAB=yes]",
    "Deployment/tgi/tgi llm/tgi.yaml:16: --model-id meta-llama/Meta-Llama-3-8B-Instruct " +
    "--port 8080 [HF_TOKEN]",
    // command ["/bin/sh", "-c"] with the script in args: the script's command runs.
    "Deployment/vllm-server/vllm llm/vllm.yaml:29: vllm serve meta-llama/Llama-3.2-1B-Instruct " +
    "--api-key ⟨$(VLLM_API_KEY)⟩ [HUGGING_FACE_HUB_TOKEN, VLLM_API_KEY]",
    "Deployment/mlflow/mlflow mlflow/deployment.yaml:18: mlflow server --host 0.0.0.0 --port 5000",
    // A block script: each command at its own line.
    "Deployment/ray-head/ray-head ray/head.yaml:23: ulimit -n 65536",
    "Deployment/ray-head/ray-head ray/head.yaml:24: ray start --head --port=6379 " +
    "--dashboard-host=0.0.0.0 --block",
  ]);
  assert.deepEqual(exposureLines(snapshot), [
    "Deployment/jupyter/notebook expose 8888 @jupyter.yaml:33",
    "Deployment/jupyter/notebook load-balancer *:80->8888 @jupyter.yaml:46",
    "Deployment/tgi/tgi port *:8080->8080 @llm/tgi.yaml:21",
    "Deployment/vllm-server/vllm expose 8000 @llm/vllm.yaml:41",
    "Deployment/vllm-server/vllm node-port *:30080->8000 @llm/vllm.yaml:52",
    "Deployment/mlflow/mlflow expose 5000 @mlflow/deployment.yaml:20",
    "Deployment/mlflow/mlflow ingress 5000 mlflow-sso.example.com auth @mlflow/ingress-auth.yaml:19",
    "Deployment/mlflow/mlflow ingress 5000 mlflow.example.com no-auth @mlflow/ingress-open.yaml:15",
    "Deployment/ray-head/ray-head expose 6379 @ray/head.yaml:26",
    "Deployment/ray-head/ray-head expose 8265 @ray/head.yaml:28",
    "Deployment/ray-head/ray-head expose 10001 @ray/head.yaml:30",
    // The Service in ray/service.yaml reaches the head in ray/head.yaml, by port name and number.
    "Deployment/ray-head/ray-head load-balancer *:8265->8265 @ray/service.yaml:10",
    "Deployment/ray-head/ray-head load-balancer *:10001->10001 @ray/service.yaml:13",
  ]);
  // TGI's literal token is a secret; vLLM's secretKeyRef and its REPLACE_WITH_TOKEN stand-in are not.
  assert.deepEqual(secretLines(snapshot), ["huggingface-token HF_TOKEN @llm/tgi.yaml:19"]);
  assert.ok(!JSON.stringify(snapshot).includes("hf_xxx"), "no secret value is recorded");
});

const service = (fields: Partial<KubernetesObjects["services"][number]>) => ({
  name: "web",
  type: "ClusterIP",
  externalIPs: [],
  ports: [{ port: "80", location: { file: "s.yaml", line: 9 } }],
  location: { file: "s.yaml", line: 1 },
  ...fields,
});
const objects = (fields: Partial<KubernetesObjects>): KubernetesObjects => ({
  workloads: [],
  services: [],
  ingresses: [],
  middlewares: [],
  ...fields,
});

Deno.test("linking: namespaces, selectors, unnamed targets, external IPs, missing Services", () => {
  const workloads = [
    {
      namespace: "a",
      labels: { app: "web" },
      containers: [{ unit: "Deployment/web/app", ports: [] }],
    },
    {
      namespace: "b",
      labels: { app: "web" },
      containers: [
        { unit: "Deployment/web/app", ports: [] },
        { unit: "Deployment/web/sidecar", ports: [] },
      ],
    },
  ];
  const lines = (o: KubernetesObjects) => exposureLines({ exposures: linkKubernetes([o]) });
  // Namespace b only; no container declares 80: every container of the pod may listen on it.
  assert.deepEqual(
    lines(
      objects({
        workloads,
        services: [service({ namespace: "b", type: "NodePort", selector: { app: "web" } })],
      }),
    ),
    ["Deployment/web/app node-port 80 @s.yaml:9", "Deployment/web/sidecar node-port 80 @s.yaml:9"],
  );
  // No selector: no pods; the Service itself stays visible. External IPs publish a ClusterIP.
  assert.deepEqual(lines(objects({ services: [service({ externalIPs: ["203.0.113.7"] })] })), [
    "Service/web load-balancer 203.0.113.7:80->80 @s.yaml:9",
  ]);
  // An Ingress (extensions/v1beta1 shape) to a Service the project does not define.
  assert.deepEqual(
    lines(objects({
      ingresses: [{
        name: "old",
        annotations: {},
        backends: [{ service: "grafana", port: "3000", location: { file: "i.yaml", line: 12 } }],
        location: { file: "i.yaml", line: 1 },
      }],
    })),
    ["Service/grafana ingress 3000 no-auth @i.yaml:12"],
  );
});

Deno.test("ingress auth: the annotations that put authentication in front, and those that do not", () => {
  const authenticated = (annotations: Record<string, string>, middlewares = []) =>
    ingressAuthenticated(
      { name: "i", annotations, backends: [], location: { file: "i.yaml" } },
      middlewares,
    );
  for (
    const [key, value] of [
      ["nginx.ingress.kubernetes.io/auth-type", "basic"],
      ["nginx.ingress.kubernetes.io/auth-url", "http://oauth2-proxy.auth.svc/oauth2/auth"],
      ["nginx.ingress.kubernetes.io/auth-tls-verify-client", "on"],
      ["nginx.org/basic-auth-secret", "mlflow-users"],
      ["ingress.kubernetes.io/auth-type", "basic"],
      ["haproxy.org/auth-type", "basic-auth"],
      ["alb.ingress.kubernetes.io/auth-type", "cognito"],
      ["traefik.ingress.kubernetes.io/router.middlewares", "mlops-oauth2-proxy@kubernetescrd"],
      ["konghq.com/plugins", "rate-limit,key-auth"],
    ]
  ) assert.equal(authenticated({ [key]: value }), true, key);
  for (
    const [key, value] of [
      ["nginx.ingress.kubernetes.io/proxy-body-size", "64m"],
      ["alb.ingress.kubernetes.io/auth-type", "none"],
      ["nginx.ingress.kubernetes.io/auth-tls-verify-client", "off"],
      ["nginx.ingress.kubernetes.io/auth-url", ""],
      ["traefik.ingress.kubernetes.io/router.middlewares", "default-compress@kubernetescrd"],
    ]
  ) assert.equal(authenticated({ [key]: value }), false, key);
  // A Middleware the project defines decides by what it does, not by its name.
  const defined = [{ name: "gate", namespace: "mlops", authenticates: true }, {
    name: "auth-headers",
    authenticates: false,
  }];
  const middlewares = "traefik.ingress.kubernetes.io/router.middlewares";
  assert.equal(
    authenticated({ [middlewares]: "mlops-gate@kubernetescrd" }, defined as never),
    true,
  );
  assert.equal(
    authenticated({ [middlewares]: "auth-headers@kubernetescrd" }, defined as never),
    false,
  );
});

Deno.test("kubernetes: Lists, Secrets, ConfigMaps, kustomize literals, host networking", () => {
  const text = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Secret
    metadata: {name: mlflow-db}
    data:
      password: ${btoa("s3cret-db-pass")}
      user: ${btoa("<user>")}
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: settings
      annotations: {deploy.example.com/token: "ghp_${"x".repeat(36)}"}
    data:
      WANDB_API_KEY: "0123456789abcdef0123456789abcdef01234567"
      MLFLOW_TRACKING_URI: http://mlflow:5000
---
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
secretGenerator:
  - name: hub
    literals: [HF_TOKEN=hf_${"x".repeat(34)}, region=eu]
---
apiVersion: v1
kind: Pod
metadata: {name: probe}
spec:
  hostNetwork: true
  containers: [{name: exporter, image: prom/node-exporter}]
`;
  const found = parseKubernetes(text, "all.yaml");
  assert.deepEqual(found.problems, []);
  assert.deepEqual(secretLines(found), [
    "password password @all.yaml:8",
    "github-token deploy.example.com/token @all.yaml:14",
    "wandb-key WANDB_API_KEY @all.yaml:16",
    "huggingface-token HF_TOKEN @all.yaml:23",
    "kubernetes-secret region @all.yaml:23",
  ]);
  assert.deepEqual(launchLines(found), ["Pod/probe/exporter all.yaml:30:"]);
  assert.deepEqual(exposureLines(found), ["Pod/probe/exporter host-network @all.yaml:29"]);
});

Deno.test("kubernetes: templates are a gap, other tools' YAML is left alone, broken manifests are problems", () => {
  const template =
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n";
  assert.deepEqual(
    parseKubernetes(template, "chart/templates/deploy.yaml").problems?.map((p) => p.file),
    ["chart/templates"], // one note per templates directory: collect keeps it once
  );
  assert.deepEqual(parseKubernetes("site_name: docs\nnav: [\n", "mkdocs.yml"), {});
  const broken = parseKubernetes("apiVersion: v1\nkind: Pod\nspec:\n  containers: [\n", "pod.yaml");
  assert.deepEqual(broken.problems?.map((p) => p.line), [4]);
  assert.ok(!kubernetesReader.matches("docker-compose.yml"));
  assert.ok(!kubernetesReader.matches(".github/workflows/ci.yml"));
  assert.ok(!kubernetesReader.matches("chart/values.yaml"));
});

Deno.test("kubernetes: an extensions/v1beta1 Ingress and a Traefik Middleware defined beside it", () => {
  const text = `apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: {name: sso, namespace: ml}
spec:
  forwardAuth: {address: "http://oauth2-proxy.ml.svc/oauth2/auth"}
---
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: board
  namespace: ml
  annotations:
    traefik.ingress.kubernetes.io/router.middlewares: ml-sso@kubernetescrd
spec:
  backend: {serviceName: tensorboard, servicePort: http}
  rules:
    - host: board.example.com
      http:
        paths:
          - backend: {serviceName: tensorboard, servicePort: 6006}
`;
  const found = parseKubernetes(text, "board.yaml");
  assert.deepEqual(exposureLines({ exposures: linkKubernetes([found.kubernetes!]) }), [
    "Service/tensorboard ingress http auth @board.yaml:15",
    "Service/tensorboard ingress 6006 board.example.com auth @board.yaml:20",
  ]);
});

Deno.test("kubernetes: KServe and Knative serving containers; a kustomization without apiVersion", () => {
  const text = `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: {name: llama}
spec:
  predictor:
    containers:
      - name: kserve-container
        image: ghcr.io/huggingface/text-generation-inference:2.0.4
        args: [--model-id, meta-llama/Meta-Llama-3-8B-Instruct]
        env:
          - {name: HF_TOKEN, value: hf_${"x".repeat(34)}}
---
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: gradio}
spec:
  template:
    spec:
      containers:
        - image: ghcr.io/acme/demo:1
          command: [python, app.py]
`;
  const found = parseKubernetes(text, "serving.yaml");
  assert.deepEqual(launchLines(found), [
    "InferenceService/llama/kserve-container serving.yaml:9: --model-id " +
    "meta-llama/Meta-Llama-3-8B-Instruct [HF_TOKEN]",
    "Service/gradio/(unnamed) serving.yaml:21: python app.py",
  ]);
  assert.deepEqual(secretLines(found), ["huggingface-token HF_TOKEN @serving.yaml:11"]);
  assert.deepEqual(found.kubernetes?.services, [], "a Knative Service is no core Service");
  const kustomization = "secretGenerator:\n  - name: db\n    literals: [password=s3cret-db]\n";
  assert.deepEqual(
    secretLines(parseKubernetes(kustomization, "overlays/prod/kustomization.yaml")),
    [
      "password password @overlays/prod/kustomization.yaml:3",
    ],
  );
});

Deno.test("kubernetes: documents of kinds not read (CRDs, RBAC) are not parsed; lines stay", () => {
  const text = [
    "apiVersion: apiextensions.k8s.io/v1",
    "kind: CustomResourceDefinition",
    "spec: {versions: [", // broken, but nothing here is read
    "---",
    "apiVersion: batch/v1",
    "kind: Job",
    "metadata: {name: train}",
    "spec:",
    "  template:",
    "    spec:",
    "      containers:",
    "        - name: train",
    "          command: [python, train.py]",
  ].join("\n");
  const found = parseKubernetes(text, "bundle.yaml");
  assert.deepEqual(found.problems, []);
  assert.deepEqual(launchLines(found), ["Job/train/train bundle.yaml:13: python train.py"]);
});

Deno.test("property: mutated manifests never throw and everything found lies within them", async () => {
  const samples = await Promise.all(FILES.map(async (file) => {
    const text = await Deno.readTextFile(ROOT + file);
    return {
      text,
      parse: (t: string) => {
        const found = parseKubernetes(t, file);
        assertInfraWithinFile(found, t, file);
        linkKubernetes(found.kubernetes ? [found.kubernetes] : []);
        return found;
      },
    };
  }));
  checkMutatedFiles(samples, { maxEdits: 6, numRuns: 200 });
});

Deno.test("property: alias and merge-key bombs in a manifest cost a bounded amount of work", () => {
  const head = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n";
  for (const text of [aliasBomb(14, head) + "data: *a14\n", mergeBomb(14, head) + "data: *m14\n"]) {
    const started = performance.now();
    const found = parseKubernetes(text, "bomb.yaml");
    assert.ok(performance.now() - started < 5_000, "bounded");
    assertInfraWithinFile(found, text, "bomb.yaml");
  }
  const merged = parseKubernetes(mergeBomb(14, head) + "data: *m14\n", "bomb.yaml");
  assert.match(merged.problems?.[0].message ?? "", /^more than 250000 YAML nodes to read/);
});
