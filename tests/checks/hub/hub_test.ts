import assert from "node:assert/strict";
import { checks } from "../../../checks/mod.ts";
import { model, runCheck, snapshotOf } from "../../../testing.ts";

Deno.test("trusted-publishers: the bundled list by default, a team's own list when given", async () => {
  const models = [
    model("meta-llama/Llama-3-8B"),
    model("Meta-Llama/Llama-3-8B"),
    model("bert-base-uncased"),
    model("randomuser123/llama-3-finetune"),
    model("owner/repo", { hub: "torch-hub", loader: "torch.hub.load" }),
  ];
  const byDefault = await runCheck(checks.hub.trustedPublishers(), snapshotOf({ models }));
  assert.deepEqual(byDefault.map((f) => f.subject), ["hf:randomuser123/llama-3-finetune"]);
  assert.match(byDefault[0].message, /comes from randomuser123, which is not a trusted publisher/);
  const team = await runCheck(
    checks.hub.trustedPublishers({ publishers: ["acme-ml"], allowLegacyIds: false }),
    snapshotOf({ models: [...models, model("acme-ml/ranker")] }),
  );
  // Same location for all: ordered by subject, code unit by code unit.
  assert.deepEqual(team.map((f) => f.subject), [
    "hf:Meta-Llama/Llama-3-8B",
    "hf:bert-base-uncased",
    "hf:meta-llama/Llama-3-8B",
    "hf:randomuser123/llama-3-finetune",
  ]);
});

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

Deno.test("a model id computed at run time is recorded and judged, as a warning", async () => {
  const { findModelReferences } = await import("../../../collect/models/model_refs.ts");
  const { models } = findModelReferences(
    'from transformers import AutoModel\nAutoModel.from_pretrained(cfg["model"], trust_remote_code=True)\n',
    { file: "app.py" },
  );
  assert.deepEqual(models.map((m) => [m.repoId, m.unresolved, m.trustRemoteCode]), [[
    "?",
    'cfg["model"]',
    true,
  ]]);
  const pinned = await runCheck(checks.hub.revisionPinned(), snapshotOf({ models }));
  assert.deepEqual(pinned.map((f) => [f.severity, f.subject]), [["warning", 'hf:?(cfg["model"])']]);
  assert.match(
    pinned[0].message,
    /^The model chosen by cfg\["model"\] is loaded without a revision/,
  );
  const remote = await runCheck(checks.hub.noRemoteCode(), snapshotOf({ models }));
  assert.equal(remote[0].severity, "error");
  assert.deepEqual(await runCheck(checks.hub.trustedPublishers(), snapshotOf({ models })), []);
});

Deno.test("no-remote-code: a diffusers custom_pipeline is remote code, named as such", async () => {
  const findings = await runCheck(
    checks.hub.noRemoteCode(),
    snapshotOf({
      models: [
        model("org/sd", { trustRemoteCode: true, customPipeline: "evil-org/pipe" }),
        model("org/partial", { unresolved: 'f"evil-org/{x}"', publisher: "evil-org" }),
      ],
    }),
  );
  assert.equal(findings.length, 1);
  assert.equal(findings[0].severity, "error");
  assert.match(findings[0].message, /custom_pipeline="evil-org\/pipe"/);
  // A partly known id keeps its publisher, so publisher checks still judge it.
  const publishers = await runCheck(
    checks.hub.trustedPublishers(),
    snapshotOf({ models: [model("?", { unresolved: 'f"evil-org/{x}"', publisher: "evil-org" })] }),
  );
  assert.match(publishers[0].message, /evil-org, which is not a trusted publisher/);
});
