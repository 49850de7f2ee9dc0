// Helm values files: read beside a Chart.yaml, conservatively (Services of type LoadBalancer or
// NodePort, enabled Ingresses, components' command/args/extraArgs, every secret-looking value);
// templates are left to the Kubernetes reader's coverage note.
import assert from "node:assert/strict";
import { collect } from "../../../collect/mod.ts";
import { helmValuesReader, parseHelmValues } from "../../../collect/infra/helm.ts";
import { checkMutatedFiles } from "../../_property.ts";
import {
  aliasBomb,
  assertInfraWithinFile,
  exposureLines,
  launchLines,
  mergeBomb,
  secretLines,
} from "./_infra.ts";

const ROOT = new URL("../../fixtures/infra/helm/", import.meta.url).pathname;

Deno.test("helm: Zero to JupyterHub values, with an MLflow component beside", async () => {
  const found = await helmValuesReader.read("jupyterhub/values.yaml", { root: ROOT, env: {} });
  assert.deepEqual(found.problems, []);
  assert.deepEqual(found.files, ["jupyterhub/values.yaml"]);
  assert.deepEqual(exposureLines(found), [
    // z2jh publishes the proxy through a LoadBalancer; the unit is the chart and component.
    "jupyterhub/proxy load-balancer *:80-> @jupyterhub/values.yaml:15",
    "jupyterhub ingress hub.example.com no-auth @jupyterhub/values.yaml:28",
  ]);
  assert.deepEqual(launchLines(found), [
    "jupyterhub/mlflow jupyterhub/values.yaml:33: mlflow server --host 0.0.0.0 --workers=4 " +
    "--app-name=basic-auth [MLFLOW_AUTH_CONFIG_PATH=/etc/mlflow/auth.ini]",
  ]);
  assert.equal(found.launches?.[0].image, "ghcr.io/mlflow/mlflow:v2.14.1");
  assert.deepEqual(secretLines(found), [
    "password password @jupyterhub/values.yaml:8",
    "huggingface-token HF_TOKEN @jupyterhub/values.yaml:11",
    "password secretToken @jupyterhub/values.yaml:13",
  ]);
});

Deno.test("helm: the chart's templates are a coverage gap, named; values without a chart are not Helm's", async () => {
  const snapshot = await collect({ root: ROOT, now: new Date(0) });
  assert.deepEqual(snapshot.problems.map((p) => p.file), ["jupyterhub/templates"]);
  assert.match(
    snapshot.problems[0].message,
    /^jupyterhub\/templates: templates \(\{\{ … \}\}\), not read/,
  );
  const lonely = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${lonely}/values.yaml`, "service:\n  type: LoadBalancer\n");
    assert.deepEqual(await helmValuesReader.read("values.yaml", { root: lonely, env: {} }), {});
  } finally {
    await Deno.remove(lonely, { recursive: true });
  }
});

Deno.test("helm: NodePorts, Ingress auth annotations, list args, and what is not obvious is left", () => {
  const text = [
    "head:", // 1
    "  service:",
    "    type: NodePort",
    "    nodePort: 30265",
    "    targetPort: 8265",
    "  args: [ray, start, --head, --dashboard-host=0.0.0.0]",
    "ui:",
    "  ingress:",
    "    enabled: true",
    "    hostname: ui.example.com",
    "    annotations:",
    "      nginx.ingress.kubernetes.io/auth-url: https://auth.example.com/oauth2/auth",
    "worker:",
    "  ingress: {enabled: false}", // not enabled: not an exposure
    "  service: {type: ClusterIP}",
    "  startupCommand: ray start", // chart-specific: not read
  ].join("\n");
  const found = parseHelmValues(text, { file: "values.yaml", chart: "ray" });
  assert.deepEqual(exposureLines(found), [
    "ray/head node-port *:30265->8265 @values.yaml:3",
    "ray/ui ingress ui.example.com auth @values.yaml:9",
  ]);
  assert.deepEqual(launchLines(found), [
    "ray/head values.yaml:6: ray start --head --dashboard-host=0.0.0.0",
  ]);
});

Deno.test("property: mutated values files never throw; bombs cost a bounded amount of work", async () => {
  const file = "jupyterhub/values.yaml";
  const text = await Deno.readTextFile(ROOT + file);
  const parse = (t: string) => {
    const found = parseHelmValues(t, { file, chart: "jupyterhub" });
    assertInfraWithinFile(found, t, file);
    return found;
  };
  checkMutatedFiles([{ text, parse }], { maxEdits: 6, numRuns: 150 });
  for (const bomb of [aliasBomb(12) + "env: *a12\n", mergeBomb(12) + "service: *m12\n"]) {
    const started = performance.now();
    parse(bomb);
    assert.ok(performance.now() - started < 5_000, "bounded");
  }
  // Deep nesting is read to a depth, then said to be too deep.
  const deep = Array.from({ length: 60 }, (_, i) => `${"  ".repeat(i)}k${i}:`).join("\n") + " v\n";
  assert.match(parse(deep).problems?.[0].message ?? "", /nested deeper than 32/);
});
