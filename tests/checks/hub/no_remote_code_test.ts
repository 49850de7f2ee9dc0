import assert from "node:assert/strict";
import { checks } from "../../../checks/mod.ts";
import { model, runCheck, snapshotOf } from "../../../testing.ts";

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
