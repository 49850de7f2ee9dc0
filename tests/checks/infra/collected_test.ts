// infra.no-unauthenticated-ui on facts the real readers collect from deployment files other than
// the gallery's: a Procfile web process, a GitHub Actions step, a Helm chart's values, a Makefile,
// a compose service on the host network, and a Ray head started from Python.
import assert from "node:assert/strict";
import { project } from "../../_cli.ts";
import { checks } from "../../../checks/mod.ts";
import { collect } from "../../../collect/mod.ts";
import { runCheck } from "../../../testing.ts";

Deno.test("collected: Procfile, workflow step, Helm values, Makefile, host networking and ray.init", async () => {
  const root = await project({
    "Procfile": "web: streamlit run app.py --server.port $PORT\nworker: python train.py\n",
    ".github/workflows/smoke.yml": [
      "on: push",
      "jobs:",
      "  smoke:",
      "    runs-on: ubuntu-latest",
      "    steps:",
      "      - name: board",
      "        run: tensorboard --logdir runs --bind_all &",
      "",
    ].join("\n"),
    "charts/mlflow/Chart.yaml": "apiVersion: v2\nname: mlflow\nversion: 0.1.0\n",
    "charts/mlflow/values.yaml": [
      'command: [mlflow, server, --host, 0.0.0.0, --port, "5000"]',
      "service:",
      "  type: LoadBalancer",
      "  port: 80",
      "  targetPort: 5000",
      "",
    ].join("\n"),
    "Makefile": "serve:\n\tjupyter lab --ip=0.0.0.0 --ServerApp.token=''\n",
    "docker-compose.yml": [
      "services:",
      "  tb:",
      "    image: tensorflow/tensorflow:2.16.1",
      "    command: tensorboard --logdir /runs --host 0.0.0.0",
      "    network_mode: host",
      "",
    ].join("\n"),
    "cluster.py": 'import ray\n\nray.init(dashboard_host="0.0.0.0")\n',
  });
  try {
    const snapshot = await collect({ root, env: {} });
    const findings = await runCheck(checks.infra.noUnauthenticatedUi(), snapshot);
    assert.deepEqual(
      findings.map((f) => `${f.severity} ${f.subject} ${f.location?.file}:${f.location?.line}`)
        .sort(),
      [
        "error service:compose/tb docker-compose.yml:4",
        "error service:helm/mlflow charts/mlflow/values.yaml:1",
        "error service:procfile/web Procfile:1",
        "warning service:makefile/serve Makefile:2",
        "warning service:python/cluster.py cluster.py:3",
        "warning service:workflow/smoke.yml smoke/board .github/workflows/smoke.yml:7",
      ],
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
