// infra.no-plaintext-secrets: one finding per secret the collector recorded, by kind and place,
// with the secret store that fits the file; never a value (the snapshot holds none).
import assert from "node:assert/strict";
import { checks } from "../../../checks/mod.ts";
import type { SecretFact } from "../../../core/snapshot.ts";
import { runCheck, snapshotOf } from "../../../testing.ts";

const secret = (kind: string, file: string, line: number, name?: string): SecretFact => ({
  kind,
  ...(name ? { name } : {}),
  location: { file, line },
});

Deno.test("each kind is named with its place; tokens, keys and URL credentials are errors, a bare password a warning", async () => {
  const findings = await runCheck(
    checks.infra.noPlaintextSecrets(),
    snapshotOf({
      secrets: [
        secret("huggingface-token", "docker-compose.yml", 12, "HF_TOKEN"),
        secret("aws-secret-key", "k8s/train.yaml", 30, "AWS_SECRET_ACCESS_KEY"),
        secret("url-credentials", ".github/workflows/ci.yml", 18, "PIP_INDEX_URL"),
        secret("private-key", "Dockerfile", 7),
        secret("password", "docker-compose.yml", 20, "POSTGRES_PASSWORD"),
        secret("some-new-kind", "deploy.sh", 3, "X"),
      ],
    }),
  );
  const bySubject = [...findings].sort((a, b) => a.subject < b.subject ? -1 : 1);
  assert.deepEqual(bySubject.map((f) => [f.severity, f.subject, f.message]), [
    [
      "error",
      "secret:aws-secret-key:AWS_SECRET_ACCESS_KEY",
      "An AWS secret access key is written as AWS_SECRET_ACCESS_KEY in k8s/train.yaml:30; its " +
      "value is not shown.",
    ],
    [
      "error",
      "secret:huggingface-token:HF_TOKEN",
      "A Hugging Face token is written as HF_TOKEN in docker-compose.yml:12; its value is not shown.",
    ],
    [
      "warning",
      "secret:password:POSTGRES_PASSWORD",
      "A literal value under a secret's name is written as POSTGRES_PASSWORD in " +
      "docker-compose.yml:20; its value is not shown.",
    ],
    [
      "error",
      "secret:private-key:-",
      "A private key is written in Dockerfile:7; its value is not shown.",
    ],
    [
      "error",
      "secret:some-new-kind:X",
      "A secret (some-new-kind) is written as X in deploy.sh:3; its value is not shown.",
    ],
    [
      "error",
      "secret:url-credentials:PIP_INDEX_URL",
      "A password in a URL is written as PIP_INDEX_URL in .github/workflows/ci.yml:18; its value " +
      "is not shown.",
    ],
  ]);
  const fix = (subject: string) => findings.find((f) => f.subject === subject)!.fix!;
  assert.match(fix("secret:aws-secret-key:AWS_SECRET_ACCESS_KEY"), /secretKeyRef/);
  assert.match(fix("secret:huggingface-token:HF_TOKEN"), /environment: NAME: \$\{NAME\}/);
  assert.match(fix("secret:private-key:-"), /RUN --mount=type=secret/);
  assert.match(fix("secret:url-credentials:PIP_INDEX_URL"), /secrets\.NAME.*keyring/s);
  assert.ok(findings.every((f) => f.fix!.startsWith("Revoke and rotate it")));
});

Deno.test("passwordSeverity raises a bare password to an error; no secrets, no findings", async () => {
  const facts = snapshotOf({ secrets: [secret("password", "values.yaml", 4, "adminPassword")] });
  const [finding] = await runCheck(
    checks.infra.noPlaintextSecrets({ passwordSeverity: "error" }),
    facts,
  );
  assert.equal(finding.severity, "error");
  assert.deepEqual(await runCheck(checks.infra.noPlaintextSecrets(), snapshotOf({})), []);
});

Deno.test("a snapshot that did not collect secrets makes the check error, never pass", async () => {
  await assert.rejects(
    runCheck(checks.infra.noPlaintextSecrets(), snapshotOf({ collected: ["packages"] })),
    /infra\.no-plaintext-secrets errored: .*secrets/,
  );
  await assert.rejects(
    runCheck(checks.infra.noUnauthenticatedUi(), snapshotOf({ collected: ["packages"] })),
    /infra\.no-unauthenticated-ui errored: .*services/,
  );
});

Deno.test("hostile kinds and names are cut and cleaned in messages and subjects", async () => {
  const [finding] = await runCheck(
    checks.infra.noPlaintextSecrets(),
    snapshotOf({ secrets: [secret("x\u202e\n".repeat(100), "a.yml", 1, "N\u0007".repeat(500))] }),
  );
  assert.ok(finding.message.length < 300, finding.message);
  assert.ok(![...finding.message, ...finding.subject].some((c) => c < " " || c === "\u202e"));
});
