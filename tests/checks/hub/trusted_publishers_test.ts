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
