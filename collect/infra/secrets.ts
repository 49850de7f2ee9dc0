/**
 * What kind of secret a value written into a deployment file is, if any: a Hugging Face token, a
 * cloud key, an API key, credentials in an index URL, a private key, or a literal value under a
 * name that says it is secret. Readers record the kind and the place; the value never leaves here.
 *
 * References are not secrets (`${HF_TOKEN}`, `$(cat /run/secrets/x)`, `${{ secrets.HF }}`, a Helm
 * `{{ .Values.x }}`, a secret-manager URI), nor are obvious stand-ins (`<your-token>`, `xxx`,
 * `***`, `your_token_here`, empty). A weak literal such as `changeme` under a password's name is a
 * default credential, and counts.
 *
 * @module
 */

/** Token shapes that identify their issuer whatever the variable is called. */
const SHAPES: ReadonlyArray<[kind: string, pattern: RegExp]> = [
  ["huggingface-token", /\bhf_[A-Za-z0-9]{30,}\b/],
  ["aws-access-key", /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
  ["github-token", /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{50,})\b/],
  ["gitlab-token", /\bglpat-[A-Za-z0-9_-]{20,}\b/],
  ["anthropic-key", /\bsk-ant-[A-Za-z0-9_-]{20,}/],
  ["openai-key", /\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}/],
  ["slack-token", /\bxox[abprs]-[A-Za-z0-9-]{10,}/],
  ["google-api-key", /\bAIza[0-9A-Za-z_-]{35}\b/],
  ["private-key", /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/],
];

/** Names whose literal values are secret, by their last word (`MLFLOW_TRACKING_PASSWORD`). */
const SECRET_NAME =
  /(?:^|[^a-z])(?:secret|token|password|passwd|pwd|api[_-]?key|apikey|access[_-]?key|private[_-]?key|auth[_-]?key|credentials?)$/i;

/** Specific names whose values have no recognisable shape. */
const NAMED: ReadonlyArray<[kind: string, pattern: RegExp]> = [
  ["aws-secret-key", /^AWS_SECRET_ACCESS_KEY$/i],
  ["wandb-key", /^WANDB_API_KEY$/i],
  ["huggingface-token", /^(?:HF_TOKEN|HUGGING_FACE_HUB_TOKEN|HUGGINGFACE_TOKEN|HF_API_TOKEN)$/i],
];

/** Values that stand for a secret without being one. */
const PLACEHOLDER =
  /^(?:|<[^>]*>|\[[^\]]*\]|x{3,}|\*{3,}|\.{3,}|your[_-].*|.*[_-]here|replace[_-]?(?:me|with[_-].*)|none|null|false|true|todo|tbd|redacted|placeholder)$/i;

/**
 * The kind of secret `value` is (under variable or key `name`), or undefined.
 *
 * @param options `name`: the variable or key the value is assigned to, if any; `value`: as written.
 * @returns `huggingface-token`, `aws-access-key`, `aws-secret-key`, `github-token`,
 *   `gitlab-token`, `openai-key`, `anthropic-key`, `slack-token`, `google-api-key`, `private-key`,
 *   `wandb-key`, `url-credentials`, `password` (a literal under a secret-sounding name), or
 *   undefined for anything else, references and placeholders included.
 * @example
 * ```ts
 * import { secretKind } from "./secrets.ts";
 * secretKind({ name: "HF_TOKEN", value: "hf_" + "a".repeat(34) }); // "huggingface-token"
 * secretKind({ name: "HF_TOKEN", value: "${HF_TOKEN}" }); // undefined
 * secretKind({ value: "https://ci:s3cret@pypi.corp.example/simple" }); // "url-credentials"
 * secretKind({ name: "MLFLOW_TRACKING_PASSWORD", value: "hunter2" }); // "password"
 * ```
 */
export function secretKind(options: { name?: string; value: string }): string | undefined {
  const value = options.value.trim().slice(0, 10_000);
  if (isReference(value)) return undefined;
  for (const [kind, pattern] of SHAPES) if (pattern.test(value)) return kind;
  if (urlPassword(value)) return "url-credentials";
  const name = options.name?.trim() ?? "";
  // Built from references (`https://${USER}:${PASSWORD}@…`): the secret is elsewhere.
  if (/\$\{|\$\(|\{\{|\$[A-Za-z_]/.test(value)) return undefined;
  if (PLACEHOLDER.test(value) || PLACEHOLDER.test(value.replace(/^["']|["']$/g, ""))) {
    return undefined;
  }
  for (const [kind, pattern] of NAMED) if (pattern.test(name)) return kind;
  if (SECRET_NAME.test(name) && !/^[0-9]{1,6}$/.test(value)) return "password";
  return undefined;
}

/** A value that only points at a secret kept elsewhere. */
function isReference(value: string): boolean {
  return /^\$\{\{[^}]*\}\}$/.test(value) || // ${{ secrets.X }} (GitHub Actions)
    /^\$\{?[A-Za-z_][A-Za-z0-9_]*(?::?[-=?+][^}]*)?\}?$/.test(value) || // $X, ${X}, ${X:-…}
    /^\$\(.*\)$/s.test(value) || /^`.*`$/s.test(value) || // command substitution
    /^\{\{.*\}\}$/s.test(value) || // Helm / Jinja templates
    /^(?:vault|secret|ssm|arn|projects\/[^/]+\/secrets)[:/]/i.test(value); // secret-manager URIs
}

/** `scheme://user:password@host…` with a literal, non-placeholder password. */
function urlPassword(value: string): boolean {
  const match = /\b[a-z][a-z0-9+.-]*:\/\/([^/\s:@]+):([^@\s/]+)@/i.exec(value);
  if (!match) return false;
  const password = decodeURIComponentSafe(match[2]);
  return !isReference(password) && !PLACEHOLDER.test(password);
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
