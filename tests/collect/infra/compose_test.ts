// Docker Compose files read as compose reads them: an MLflow stack and a notebook override as
// their guides write them, the string and list forms of commands, ports in the short syntax
// (checked against an independent reading of the compose grammar), and hostile YAML.
import assert from "node:assert/strict";
import fc from "fast-check";
import { composeReader, parseCompose } from "../../../collect/infra/compose.ts";
import { parsePortSpec } from "../../../collect/infra/_compose_ports.ts";
import { checkMutatedFiles, pythonJson } from "../../_property.ts";
import {
  aliasBomb,
  assertInfraWithinFile,
  exposureLines,
  launchLines,
  secretLines,
} from "./_infra.ts";

const ROOT = new URL("../../fixtures/infra/compose/", import.meta.url).pathname;
const read = (file: string) => composeReader.read(file, { root: ROOT, env: {} });

Deno.test("compose: MLflow with Postgres and MinIO, as MLflow's compose guides set it up", async () => {
  const found = await read("docker-compose.yml");
  assert.deepEqual(found.problems, []);
  assert.deepEqual(launchLines(found), [
    "postgres docker-compose.yml:9: [POSTGRES_USER=mlflow, POSTGRES_PASSWORD, POSTGRES_DB=mlflow]",
    "minio docker-compose.yml:20: server /data --console-address :9001 " +
    "[MINIO_ROOT_USER=minio, MINIO_ROOT_PASSWORD]",
    // The folded string is split as compose splits it; the credentials in the URL never appear.
    "mlflow docker-compose.yml:38: mlflow server --backend-store-uri *** " +
    "--default-artifact-root s3://mlflow/ --host 0.0.0.0 --port ⟨${MLFLOW_PORT:-5000}⟩ " +
    "[MLFLOW_TRACKING_USERNAME, AWS_ACCESS_KEY_ID=minio, AWS_SECRET_ACCESS_KEY, " +
    "MLFLOW_S3_ENDPOINT_URL=http://minio:9000, HF_TOKEN, MLFLOW_TRACKING_URI=http://mlflow:5000]",
  ]);
  const [mlflow] = found.launches!.slice(-1);
  assert.equal(mlflow.image, "ghcr.io/mlflow/mlflow:v2.14.1");
  // Values merged from the x-aws anchor are where the anchor writes them; env_file's at its lines.
  assert.deepEqual(mlflow.env.map((e) => `${e.location.file}:${e.location.line}`), [
    "docker-compose.yml:33",
    "docker-compose.yml:4",
    "docker-compose.yml:5",
    "docker-compose.yml:6",
    ".env:2",
    ".env:3",
  ]);
  assert.deepEqual(exposureLines(found), [
    "postgres expose 5432 @docker-compose.yml:16",
    "minio port 127.0.0.1:9000->9000 @docker-compose.yml:22",
    "minio port *:9001->9001 @docker-compose.yml:23",
    "mlflow port *:${MLFLOW_PORT:-5000}->5000 @docker-compose.yml:45",
  ]);
  assert.deepEqual(secretLines(found), [
    "password POSTGRES_PASSWORD @docker-compose.yml:13",
    "aws-secret-key AWS_SECRET_ACCESS_KEY @docker-compose.yml:5",
    "huggingface-token HF_TOKEN @.env:2",
    "url-credentials backend-store-uri @docker-compose.yml:38",
  ]);
  assert.ok(!JSON.stringify(found).includes("minio123"), "no secret value is recorded");
});

Deno.test("compose: an override with list commands, long-syntax ports, IPv6 and host networking", async () => {
  const found = await read("compose.override.yaml");
  assert.deepEqual(launchLines(found), [
    "notebook compose.override.yaml:5: start-notebook.py --IdentityProvider.token= " +
    "--ServerApp.password= [JUPYTER_ENABLE_LAB=yes, GRANT_SUDO]",
    // entrypoint ["bash", "-c"] + command [script]: the script's commands are what runs.
    "board compose.override.yaml:20: pip install tensorboard",
    "board compose.override.yaml:20: tensorboard --logdir /runs --bind_all",
  ]);
  assert.deepEqual(exposureLines(found), [
    "notebook port *:8888->8888 @compose.override.yaml:10",
    "notebook port ::1:6006->6006 @compose.override.yaml:13",
    "board host-network @compose.override.yaml:21",
  ]);
});

Deno.test("compose: a command string ends at an operator, as go-shellwords ends it", () => {
  const text = [
    "services:",
    "  ui:",
    "    image: python:3.12",
    "    command: |",
    "      mlflow ui",
    "        --host 0.0.0.0 ; echo never run",
    "  app:",
    "    command: \"python serve.py --greeting '$$HOME' --token=${TOKEN}\"",
    "  broken:",
    "    command: 'gradio app.py \"unterminated'",
  ].join("\n");
  const found = parseCompose(text, { file: "compose.yaml" });
  assert.deepEqual(launchLines(found), [
    "ui compose.yaml:4: mlflow ui --host 0.0.0.0",
    "app compose.yaml:8: python serve.py --greeting $HOME ⟨--token=${TOKEN}⟩",
    "broken compose.yaml:10:",
  ]);
  assert.deepEqual(found.problems, [
    { file: "compose.yaml", line: 10, message: "broken: command: unterminated double quote" },
  ]);
});

Deno.test("compose: ports in the short syntax, as Docker reads them", () => {
  const cases: [string, unknown][] = [
    ["3000", { port: "3000" }],
    ["3000-3005", { port: "3000-3005" }],
    ["8000:8000", { hostPort: "8000", port: "8000" }],
    ["9090-9091:8080-8081", { hostPort: "9090-9091", port: "8080-8081" }],
    ["8000-9000:80", { hostPort: "8000-9000", port: "80" }],
    ["127.0.0.1:8001:8001", { hostIp: "127.0.0.1", hostPort: "8001", port: "8001" }],
    ["127.0.0.1::5000", { hostIp: "127.0.0.1", port: "5000" }],
    ["::1:6000:6000", { hostIp: "::1", hostPort: "6000", port: "6000" }],
    ["[::1]:6001:6001", { hostIp: "::1", hostPort: "6001", port: "6001" }],
    ["6060:6060/udp", { hostPort: "6060", port: "6060/udp" }],
    ["5000/TCP", { port: "5000" }],
    ["${BIND:-0.0.0.0}:${PORT:-5000}:5000", {
      hostIp: "${BIND:-0.0.0.0}",
      hostPort: "${PORT:-5000}",
      port: "5000",
    }],
    ["5000:70000", { error: "container port 70000 is not a port (0 to 65535)" }],
    ["localhost:5000:5000", { error: "host address localhost is not an IP address" }],
    ["9090-9091:8080-8082", {
      error: "host range 9090-9091 and container range 8080-8082 differ in size",
    }],
    ["5000/http", { error: "protocol http is not tcp, udp or sctp" }],
    ["5000:", { error: "no container port" }],
  ];
  for (const [spec, expected] of cases) assert.deepEqual(parsePortSpec(spec), expected, spec);
});

Deno.test("differential: port specs against an independent reading of the compose grammar (python, ipaddress)", () => {
  const spec = fc.tuple(
    fc.constantFrom(
      undefined,
      "",
      "127.0.0.1",
      "0.0.0.0",
      "::1",
      "[::1]",
      "[2001:db8::5]",
      "2001:db8::5",
      "::ffff:10.0.0.1",
      "256.1.1.1",
      "01.2.3.4",
      "1.2.3",
      "[::1",
      "host.local",
    ),
    fc.constantFrom(
      undefined,
      "",
      "5000",
      "0",
      "8000-8010",
      "65535",
      "65536",
      "10-5",
      "x",
      "1-2-3",
    ),
    fc.constantFrom("5000", "80", "8080-8090", "8080-8081", "", "70000", "5-5", "a", "007"),
    fc.constantFrom(undefined, "tcp", "udp", "sctp", "UDP", "http", ""),
  ).map(([ip, host, container, protocol]) =>
    (ip === undefined ? "" : `${ip}:`) +
    (host === undefined && ip === undefined ? "" : `${host ?? ""}:`) +
    container + (protocol === undefined ? "" : `/${protocol}`)
  );
  const specs = [...new Set(fc.sample(spec, { numRuns: 600, seed: 16 }))];
  const reference = pythonJson<(Record<string, string> | null)[]>(REFERENCE, [
    JSON.stringify(specs),
  ]);
  specs.forEach((text, i) => {
    const ours = parsePortSpec(text);
    assert.deepEqual("error" in ours ? null : ours, reference[i], text);
  });
});

/** The compose grammar read independently: Docker's rule for the colons, the spec for the rest. */
const REFERENCE = `
import ipaddress, json, re, sys
def port_range(text):
    if not re.fullmatch(r"[0-9]{1,5}(-[0-9]{1,5})?", text): return None
    bounds = [int(b) for b in text.split("-")]
    if any(b > 65535 for b in bounds) or bounds[-1] < bounds[0]: return None
    return bounds[-1] - bounds[0]
def parse(raw):
    parts = raw.split(":")
    container, host, ip = parts[-1], (parts[-2] if len(parts) > 1 else None), ":".join(parts[:-2])
    container, _, protocol = container.partition("/")
    protocol = (protocol.split("/")[0] or "tcp").lower()
    if ip.startswith("["):
        if not ip.endswith("]"): return None
        ip = ip[1:-1]
    if ip:
        try: ipaddress.ip_address(ip)
        except ValueError: return None
    span = port_range(container)
    if span is None: return None
    if host:
        host_span = port_range(host)
        if host_span is None or (span != 0 and host_span != span): return None
    if protocol not in ("tcp", "udp", "sctp"): return None
    out = {}
    if ip: out["hostIp"] = ip
    if host: out["hostPort"] = host
    out["port"] = container + ("" if protocol == "tcp" else "/" + protocol)
    return out
print(json.dumps([parse(s) for s in json.loads(sys.argv[1])]))
`;

Deno.test("compose: malformed YAML is a problem at its line; a wrong shape says what it is", () => {
  const found = parseCompose("services:\n  web:\n    image: [nginx\n    ports: 80\n", {
    file: "compose.yaml",
  });
  assert.ok(found.problems!.length > 0);
  assert.ok(found.problems!.every((p) => p.line !== undefined && p.line >= 3 && p.line <= 4));
  assert.deepEqual(parseCompose("services: [web]\n", { file: "compose.yaml" }).problems, [
    { file: "compose.yaml", line: 1, message: "services is not a mapping" },
  ]);
  assert.deepEqual(
    parseCompose("services:\n  web:\n    ports: ['localhost:80:80']\n", { file: "c.yml" }).problems,
    [{
      file: "c.yml",
      line: 3,
      message: 'web: ports entry "localhost:80:80": host address localhost is not an IP address',
    }],
  );
});

Deno.test("property: mutated compose files never throw and everything found lies within them", async () => {
  const samples = await Promise.all(
    ["docker-compose.yml", "compose.override.yaml"].map(async (file) => {
      const text = await Deno.readTextFile(ROOT + file);
      return {
        text,
        parse: (t: string) => {
          const found = parseCompose(t, { file });
          assertInfraWithinFile(found, t, file);
          return found;
        },
      };
    }),
  );
  checkMutatedFiles(samples, { maxEdits: 6, numRuns: 150 });
});

Deno.test("property: an alias bomb under a service costs a bounded amount of work", () => {
  const text = aliasBomb(12) + "services:\n  web:\n    command: *a12\n    environment: *a12\n";
  const started = performance.now();
  const found = parseCompose(text, { file: "compose.yaml" });
  assert.ok(performance.now() - started < 5_000, "bounded");
  assert.ok(found.problems!.some((p) => p.message.includes("web: command")));
});
