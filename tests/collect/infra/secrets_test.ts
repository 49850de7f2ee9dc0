// The secret classifier: token shapes whatever the name, literal values under secret names,
// credentials in URLs; references and stand-ins are never secrets; only a kind ever comes out.
import assert from "node:assert/strict";
import fc from "fast-check";
import { secretKind } from "../../../collect/infra/secrets.ts";

const HF = "hf_" + "AbCdEfGhIjKlMnOpQrStUvWxYz01234567";

Deno.test("secrets: issuers' token shapes are recognised under any name", () => {
  const cases: [string, string][] = [
    [HF, "huggingface-token"],
    ["AKIA" + "ABCDEFGHIJKLMNOP", "aws-access-key"],
    ["ghp_" + "a".repeat(36), "github-token"],
    ["github_pat_" + "A1".repeat(30), "github-token"],
    ["glpat-" + "x1Y2z3".repeat(4), "gitlab-token"],
    ["sk-proj-" + "Ab9".repeat(12), "openai-key"],
    ["sk-ant-api03-" + "Q".repeat(40), "anthropic-key"],
    ["xoxb-1234567890-abcdef", "slack-token"],
    ["AIza" + "B".repeat(35), "google-api-key"],
    ["-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn…", "private-key"],
  ];
  for (const [value, kind] of cases) {
    assert.equal(secretKind({ name: "SOMETHING", value }), kind, value);
    assert.equal(secretKind({ value: `--token=${value}` }), kind, "inside a longer value too");
  }
});

Deno.test("secrets: literals under secret names, named keys, and URL credentials", () => {
  assert.equal(secretKind({ name: "MLFLOW_TRACKING_PASSWORD", value: "hunter2" }), "password");
  assert.equal(
    secretKind({ name: "db.password", value: "changeme" }),
    "password",
    "default credentials count",
  );
  assert.equal(secretKind({ name: "LABEL_STUDIO_API_KEY", value: "9f3a" }), "password");
  assert.equal(
    secretKind({ name: "AWS_SECRET_ACCESS_KEY", value: "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" }),
    "aws-secret-key",
  );
  assert.equal(
    secretKind({ name: "WANDB_API_KEY", value: "0123456789abcdef0123456789abcdef01234567" }),
    "wandb-key",
  );
  assert.equal(secretKind({ name: "HF_TOKEN", value: "some-old-token" }), "huggingface-token");
  assert.equal(
    secretKind({
      name: "PIP_EXTRA_INDEX_URL",
      value: "https://ci:s3cr%40t@pypi.corp.example/simple",
    }),
    "url-credentials",
  );
  assert.equal(
    secretKind({ value: "https://__token__@pypi.corp.example/simple" }),
    undefined,
    "no password",
  );
  // Not secrets: ports, names that are not secret, tokenizer settings.
  assert.equal(secretKind({ name: "MLFLOW_PORT", value: "5000" }), undefined);
  assert.equal(secretKind({ name: "TOKENIZERS_PARALLELISM", value: "false" }), undefined);
  assert.equal(
    secretKind({ name: "MAX_TOKEN", value: "4096" }),
    undefined,
    "a number under a token-ish name",
  );
  assert.equal(secretKind({ name: "MODEL_NAME", value: "meta-llama/Llama-3-8B" }), undefined);
});

Deno.test("secrets: references and placeholders are never secrets", () => {
  for (
    const value of [
      "${HF_TOKEN}",
      "$HF_TOKEN",
      "${HF_TOKEN:-}",
      "${{ secrets.HF_TOKEN }}",
      "$(cat /run/secrets/hf)",
      "`cat token`",
      "{{ .Values.mlflow.password }}",
      "vault:secret/data/ml#token",
      "<your-hf-token>",
      "xxxxxxxx",
      "********",
      "your_token_here",
      "REPLACE_WITH_TOKEN", // vLLM's Kubernetes guide
      "",
      "https://${USER}:${PASSWORD}@pypi.corp.example/simple",
    ]
  ) {
    assert.equal(secretKind({ name: "HF_TOKEN", value }), undefined, value);
  }
});

Deno.test("property: the classifier never throws and only ever returns a known kind", () => {
  const kinds = new Set([
    "huggingface-token",
    "aws-access-key",
    "aws-secret-key",
    "github-token",
    "gitlab-token",
    "openai-key",
    "anthropic-key",
    "slack-token",
    "google-api-key",
    "private-key",
    "wandb-key",
    "url-credentials",
    "password",
  ]);
  fc.assert(
    fc.property(fc.option(fc.string()), fc.string({ maxLength: 400 }), (name, value) => {
      const kind = secretKind({ name: name ?? undefined, value });
      assert.ok(kind === undefined || kinds.has(kind), String(kind));
      assert.ok(kind === undefined || !kind.includes(value) || value.length < 3, "no value leaks");
    }),
    { numRuns: 2_000 },
  );
});
