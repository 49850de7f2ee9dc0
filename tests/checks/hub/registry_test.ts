import { deepStrictEqual, match } from "node:assert/strict";
import { modelResolves, safeWeights } from "../../../checks/hub/mod.ts";
import { model, runCheck, snapshotOf } from "../../../testing.ts";
import type { RegistryData } from "../../../core/snapshot.ts";

const SHA = "0123456789abcdef0123456789abcdef01234567";
const hub: RegistryData["hub"] = [
  {
    repoId: "acme/safe",
    revision: SHA,
    found: true,
    files: ["config.json", "model.safetensors", "pytorch_model.bin"],
  },
  {
    repoId: "acme/pickled",
    found: true,
    files: ["config.json", "pytorch_model.bin", "optimizer.pt"],
  },
  { repoId: "acme/gone", found: false },
  { repoId: "acme/banned", found: true, disabled: true, files: [] },
];
const registry = (h = hub): RegistryData => ({ pypi: [], advisories: [], hub: h, provenance: [] });
const snapshot = snapshotOf({
  models: [
    model("acme/safe", { revision: SHA }),
    model("acme/pickled"),
    model("acme/pickled", { location: { file: "serve.py", line: 3 } }),
    model("acme/gone"),
    model("acme/banned"),
    model("acme/not-fetched"),
  ],
  registry: registry(),
});

Deno.test("hub.safe-weights flags a revision with only pickle weights, once per model", async () => {
  const findings = await runCheck(safeWeights({}), snapshot);
  deepStrictEqual(findings.map((f) => f.subject), ["hf:acme/pickled"]);
  match(findings[0].message, /has no safetensors weights, only pytorch_model\.bin, optimizer\.pt/);
  deepStrictEqual(await runCheck(safeWeights({ allow: ["ACME/pickled"] }), snapshot), []);
});

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

Deno.test("hub.safe-weights errors on a Hub answer without a file list instead of passing", async () => {
  const bare = snapshotOf({
    models: [model("acme/odd")],
    registry: registry([{ repoId: "acme/odd", found: true, author: "acme" }]),
  });
  let message = "";
  await runCheck(safeWeights({}), bare).catch((e) => message = e.message);
  match(message, /no file list/);
});
