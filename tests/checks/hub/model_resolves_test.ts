import { deepStrictEqual, match } from "node:assert/strict";
import { modelResolves, safeWeights } from "../../../checks/hub/mod.ts";
import { model, runCheck, snapshotOf } from "../../../testing.ts";
import { snapshot } from "./_registry.ts";

Deno.test("hub.model-resolves flags missing and disabled models; private ones can be allowed", async () => {
  const findings = await runCheck(modelResolves({}), snapshot);
  deepStrictEqual(findings.map((f) => f.subject), ["hf:acme/banned", "hf:acme/gone"]);
  match(findings[1].message, /acme\/gone is not on the Hub .*anyone who registers the name/);
  const allowed = await runCheck(modelResolves({ allowPrivate: ["acme/gone"] }), snapshot);
  deepStrictEqual(allowed.map((f) => f.subject), ["hf:acme/banned"]);
});

Deno.test("without Hub data both checks error (or skip offline), never pass", async () => {
  const bare = snapshotOf({ models: [model("acme/pickled")] });
  for (const check of [safeWeights({}), modelResolves({})]) {
    let message = "";
    await runCheck(check, bare).catch((e) => message = e.message);
    match(message, /registry\.hub/);
  }
});
