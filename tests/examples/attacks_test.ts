// The attack gallery (examples/attacks): each vulnerable project is caught with the right check,
// subject and location, and the fixed one passes the same policy.
import assert from "node:assert/strict";
import { checkJson } from "../_cli.ts";

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
};

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
