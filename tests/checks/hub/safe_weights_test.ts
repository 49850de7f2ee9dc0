import { deepStrictEqual, match } from "node:assert/strict";
import { safeWeights } from "../../../checks/hub/mod.ts";
import { model, runCheck, snapshotOf } from "../../../testing.ts";
import { registry, snapshot } from "./_registry.ts";

Deno.test("hub.safe-weights flags a revision with only pickle weights, once per model", async () => {
  const findings = await runCheck(safeWeights({}), snapshot);
  deepStrictEqual(findings.map((f) => f.subject), ["hf:acme/pickled"]);
  match(findings[0].message, /has no safetensors weights, only pytorch_model\.bin, optimizer\.pt/);
  deepStrictEqual(await runCheck(safeWeights({ allow: ["ACME/pickled"] }), snapshot), []);
});

Deno.test("hub.safe-weights errors on a Hub answer without a file list instead of passing", async () => {
  const bare = snapshotOf({
    models: [model("acme/odd")],
    registry: registry([{ repoId: "acme/odd", found: true, author: "acme" }]),
  });
  let message = "";
  await runCheck(safeWeights({}), bare).catch((e) => message = e.message);
  match(message, /no file list/);
});
