// The attack gallery (examples/attacks): each vulnerable project is caught with the right check,
// subject and location, and the fixed one passes the same policy.
import assert from "node:assert/strict";
import * as path from "node:path";
import { checkJson, REPO } from "../_cli.ts";

const POLICY = ["--policy", "examples/attacks/policy.yaml", "--no-machine-config"];

const ATTACKS: Record<string, string[]> = {
  "confusion-pip-conf": [
    "source.no-dependency-confusion index:https://pypi.acme.example/simple pip.conf:3",
    "source.no-dependency-confusion pkg:pypi/acme-features@0.4.2 requirements.txt:1",
  ],
  "confusion-uv-index": [
    "source.no-dependency-confusion pkg:pypi/acme-features pyproject.toml:4",
    "source.no-dependency-confusion index:https://pypi.acme.example/simple pyproject.toml:6",
  ],
  "typosquat": ["source.lookalike-packages pkg:pypi/troch@2.3.1 requirements.txt:1"],
  "http-index": [
    "source.allowed-indexes index:http://pypi.mirror.example/simple requirements.txt:1",
    "source.https-only index:http://pypi.mirror.example/simple requirements.txt:1",
  ],
  "lock-http-index": [
    "source.allowed-indexes index:http://pypi-mirror.example/simple uv.lock:5",
    "source.https-only index:http://pypi-mirror.example/simple uv.lock:5",
  ],
  "unpinned-git": [
    "signature.hash-pinned pkg:pypi/mylib requirements.txt:2",
    "source.vcs-pinned pkg:pypi/mylib requirements.txt:2",
  ],
  "unhashed-pin": ["signature.hash-pinned pkg:pypi/numpy@1.26.4 requirements.txt:1"],
  "mlflow-exposed": ["infra.no-unauthenticated-ui service:compose/mlflow docker-compose.yml:6"],
  "jupyter-loadbalancer": [
    "infra.no-unauthenticated-ui service:kubernetes/Deployment/lab/jupyter k8s/jupyter.yaml:20",
  ],
  "gradio-share": ["infra.no-unauthenticated-ui service:python/app.py app.py:14"],
  "vllm-no-api-key": ["infra.no-unauthenticated-ui service:compose/vllm docker-compose.yml:6"],
  "tensorboard-bind-all": [
    "infra.no-unauthenticated-ui service:compose/tensorboard docker-compose.yml:7",
  ],
  "ray-dashboard-public": [
    "infra.no-unauthenticated-ui service:compose/ray-head docker-compose.yml:7",
  ],
  "streamlit-public": ["infra.no-unauthenticated-ui service:procfile/web Procfile:1"],
  "label-studio-open-signup": [
    "infra.no-unauthenticated-ui service:compose/label-studio docker-compose.yml:4",
  ],
  "kubeflow-dashboard-public": [
    "infra.no-unauthenticated-ui service:kubernetes/Deployment/centraldashboard/centraldashboard " +
    "k8s/centraldashboard.yaml:23",
  ],
  "hub-token-in-compose": [
    "infra.no-plaintext-secrets secret:huggingface-token:HF_TOKEN docker-compose.yml:8",
  ],
  "pip-into-image": ["venv.isolated image:Dockerfile#Dockerfile Dockerfile:6"],
  "unowned-lock": [
    "review.supply-chain-owners file:.github/CODEOWNERS .github/CODEOWNERS",
    "review.supply-chain-owners policy:tollgate .github/CODEOWNERS",
    "review.supply-chain-owners file:pyproject.toml pyproject.toml",
    "review.supply-chain-owners file:uv.lock uv.lock",
  ],
  "torchserve-no-token": [
    "infra.no-unauthenticated-ui service:compose/torchserve docker-compose.yml:8",
  ],
  "triton-loadbalancer": [
    "infra.no-unauthenticated-ui service:kubernetes/Deployment/triton/tritonserver k8s/triton.yaml:22",
  ],
  "tgi-no-api-key": ["infra.no-unauthenticated-ui service:compose/tgi docker-compose.yml:7"],
  "bentoml-public": [
    "infra.no-unauthenticated-ui service:compose/summarization docker-compose.yml:8",
  ],
};

Deno.test("attack gallery: every project folder and every README row is one of the attacks tested here", async () => {
  const folders: string[] = [];
  for await (const entry of Deno.readDir(path.join(REPO, "examples/attacks"))) {
    if (entry.isDirectory) folders.push(entry.name);
  }
  assert.deepEqual(folders.sort(), Object.keys(ATTACKS).sort());
  const readme = await Deno.readTextFile(path.join(REPO, "examples/attacks/README.md"));
  const rows = [...readme.matchAll(/^\| \[`([^`]+)`\]/gm)].map((m) => m[1]);
  assert.deepEqual(rows.sort(), Object.keys(ATTACKS).sort());
});

for (const [attack, expected] of Object.entries(ATTACKS)) {
  Deno.test(`attack gallery: ${attack} is caught, and its fix passes`, async () => {
    const vulnerable = await checkJson(`examples/attacks/${attack}/vulnerable`, POLICY);
    assert.equal(vulnerable.code, 1, vulnerable.stderr);
    const found = vulnerable.report.results.flatMap((r) => r.findings)
      .map((f) =>
        `${f.check} ${f.subject} ${f.location?.file}${
          f.location?.line ? `:${f.location.line}` : ""
        }`
      );
    assert.deepEqual(found, expected);
    for (const finding of vulnerable.report.results.flatMap((r) => r.findings)) {
      assert.ok(finding.fix, `${finding.check} has no fix`);
    }
    const fixed = await checkJson(`examples/attacks/${attack}/fixed`, POLICY);
    assert.equal(fixed.code, 0, JSON.stringify(fixed.report.results.flatMap((r) => r.findings)));
    assert.equal(fixed.report.verdict, "pass");
  });
}
