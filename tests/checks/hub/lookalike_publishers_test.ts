import assert from "node:assert/strict";
import { checks } from "../../../checks/mod.ts";
import { model, runCheck, snapshotOf } from "../../../testing.ts";

Deno.test("lookalike-publishers: confusable letters, digits and separators of known publishers", async () => {
  const findings = await runCheck(
    checks.hub.lookalikePublishers({ publishers: ["acme-ml"] }),
    snapshotOf({
      models: [
        model("meta-lIama/Llama-3-8B"),
        model("faceb00k/opt-1.3b"),
        model("mistral-ai/Mistral-7B-v0.1"),
        model("acme-m1/ranker"),
        model("meta-llama/Llama-3-8B"),
        model("randomuser123/llama-3-finetune"),
        model("bert-base-uncased"),
      ],
    }),
  );
  assert.deepEqual(findings.map((f) => [f.subject, f.evidence?.nearest]), [
    ["hf:acme-m1/ranker", "acme-ml"],
    ["hf:faceb00k/opt-1.3b", "facebook"],
    ["hf:meta-lIama/Llama-3-8B", "meta-llama"],
    ["hf:mistral-ai/Mistral-7B-v0.1", "mistralai"],
  ]);
  assert.ok(findings.every((f) => f.severity === "error"));
  assert.match(findings[2].fix!, /load meta-llama\/Llama-3-8B/);
});
