/**
 * `infra.no-plaintext-secrets`: no credentials written into deployment files.
 *
 * @module
 */
import { z } from "zod";
import { defineCheck, type FindingDraft, Severity } from "../../core/check.ts";
import type { SecretFact } from "../../core/snapshot.ts";
import { OWASP_ML06 } from "../_shared.ts";
import { shown } from "./_judgement.ts";

const MAX_SECRETS = 10_000;

/** What each kind the collector records is, for a message. */
const KIND_LABEL: Readonly<Record<string, string>> = {
  "huggingface-token": "A Hugging Face token",
  "aws-access-key": "An AWS access key id",
  "aws-secret-key": "An AWS secret access key",
  "github-token": "A GitHub token",
  "gitlab-token": "A GitLab token",
  "openai-key": "An OpenAI API key",
  "anthropic-key": "An Anthropic API key",
  "slack-token": "A Slack token",
  "google-api-key": "A Google API key",
  "private-key": "A private key",
  "wandb-key": "A Weights & Biases API key",
  "url-credentials": "A password in a URL",
  "password": "A literal value under a secret's name",
};

/** Where the value belongs instead, by the kind of file it is written in. */
function storeFor(file: string, kind: string): string {
  const base = file.slice(file.lastIndexOf("/") + 1);
  const index = kind === "url-credentials"
    ? " For a package index, let pip or uv read the credentials from keyring or ~/.netrc, or " +
      "from PIP_INDEX_URL / UV_INDEX_*_PASSWORD set by the CI's secret store."
    : "";
  if (/^\.github\/workflows\//.test(file) || /^\.gitlab-ci\.ya?ml$/.test(base)) {
    return "Store it as a CI secret and reference it (`${{ secrets.NAME }}` on GitHub, a " +
      `masked CI/CD variable on GitLab).${index}`;
  }
  if (/(?:^|[-.])compose[^/]*\.ya?ml$/i.test(base)) {
    return "Pass it at run time: `environment: NAME: ${NAME}` from the deployer's environment, " +
      `or compose \`secrets:\` mounted as a file.${index}`;
  }
  if (/^Dockerfile|\.Dockerfile$|^Containerfile/i.test(base)) {
    return "Never bake it into the image: use a build secret (`RUN --mount=type=secret`) or " +
      `pass it when the container starts.${index}`;
  }
  if (/\.ya?ml$/i.test(base)) {
    return "Keep it in a Kubernetes Secret (or an external secret store) and read it with " +
      "`env.valueFrom.secretKeyRef`; in a Helm chart, reference an existing Secret rather than " +
      `a value.${index}`;
  }
  return `Read it from the environment or a secret store at run time.${index}`;
}

/**
 * `infra.no-plaintext-secrets`: one finding per secret the collector found written into a
 * deployment file, script or CI workflow, naming its kind and place, never its value.
 *
 * @example
 * ```ts
 * import { noPlaintextSecrets } from "./no_plaintext_secrets.ts";
 * noPlaintextSecrets({ passwordSeverity: "error" });
 * ```
 */
export const noPlaintextSecrets = defineCheck({
  id: "infra.no-plaintext-secrets",
  title: "No credentials are written into deployment files",
  description: "A token, cloud key or password written into a compose file, Kubernetes " +
    "manifest, Helm values, Dockerfile, script or CI workflow is readable by everyone who can " +
    "read the repository, its forks and its history, and lets them publish to your hub " +
    "organisation, pull from your private index or reach your cloud account. Tokens and keys " +
    "recognised by their issuer's format, private keys and credentials in URLs are errors; a " +
    "literal under a secret-sounding name (`MLFLOW_TRACKING_PASSWORD: hunter2`) is a warning " +
    "unless `passwordSeverity` says otherwise. References (`${HF_TOKEN}`, `secretKeyRef`) are " +
    "not secrets. The value itself never reaches the snapshot or the report.",
  family: "infra",
  severity: "error",
  references: [
    OWASP_ML06,
    {
      title: "OWASP Secrets Management Cheat Sheet",
      url: "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
    },
    {
      title: "Kubernetes: distribute credentials securely using Secrets",
      url:
        "https://kubernetes.io/docs/tasks/inject-data-application/distribute-credentials-secure/",
    },
    {
      title: "Docker: build secrets",
      url: "https://docs.docker.com/build/building/secrets/",
    },
  ],
  params: z.object({
    passwordSeverity: Severity.default("warning").describe(
      "Severity for a literal value under a secret-sounding name that has no issuer's format " +
        "(kind `password`): often a local default, sometimes a real credential",
    ),
  }).strict(),
  needs: ["secrets"],
  remedy: "Revoke and rotate the credential (it stays in the repository's history), then read " +
    "it at run time from a secret store: CI secrets, a Kubernetes Secret through " +
    "secretKeyRef, compose secrets or the deployer's environment.",
  run(snapshot, params) {
    return snapshot.secrets.slice(0, MAX_SECRETS).map((secret): FindingDraft => {
      const kind = shown(secret.kind, 40);
      const label = KIND_LABEL[secret.kind] ?? `A secret (${kind})`;
      const name = secret.name === undefined ? "" : ` as ${shown(secret.name, 60)}`;
      return {
        subject: `secret:${kind}:${secret.name === undefined ? "-" : shown(secret.name, 60)}`,
        location: secret.location,
        ...(secret.kind === "password" ? { severity: params.passwordSeverity } : {}),
        message: `${label} is written${name} in ${where(secret)}; its value is not shown.`,
        evidence: { kind: secret.kind, ...(secret.name ? { name: secret.name } : {}) },
        fix: `Revoke and rotate it, and remove it from ${shown(secret.location.file, 80)}. ` +
          storeFor(secret.location.file, secret.kind),
      };
    });
  },
});

function where(secret: SecretFact): string {
  const { file, line } = secret.location;
  return `${shown(file, 80)}${line ? `:${line}` : ""}`;
}
