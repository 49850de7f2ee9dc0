/**
 * Hub checks that judge what the Hub itself says about a model at the pinned revision (enriched
 * `registry.hub` facts): whether the name resolves at all, and whether the weights there can run
 * code when loaded — without downloading them.
 *
 * @module
 */
import { z } from "zod";
import { defineCheck, type FindingDraft } from "../core/check.ts";
import type { ModelReference, RegistryData, Snapshot } from "../core/snapshot.ts";
import { OWASP_ML06 } from "./_shared.ts";
import { modelSubject } from "./hub.ts";

type HubFacts = RegistryData["hub"][number];

/** Each resolved Hugging Face model reference with the Hub's facts about it, once per id@revision. */
function withFacts(snapshot: Snapshot): { ref: ModelReference; facts: HubFacts }[] {
  const key = (repoId: string, revision?: string) => `${repoId}@${revision ?? ""}`;
  const facts = new Map(snapshot.registry.hub.map((h) => [key(h.repoId, h.revision), h]));
  const seen = new Set<string>();
  const out: { ref: ModelReference; facts: HubFacts }[] = [];
  for (const ref of snapshot.models) {
    if (ref.hub !== "huggingface" || ref.unresolved !== undefined) continue;
    const k = key(ref.repoId, ref.revision);
    const found = facts.get(k);
    if (found === undefined || seen.has(k)) continue;
    seen.add(k);
    out.push({ ref, facts: found });
  }
  return out;
}

const at = (ref: ModelReference) => ref.revision ? ` at ${ref.revision}` : "";

/**
 * `hub.model-resolves`: every hub model the code loads exists on the Hub (at its revision) and is
 * not disabled. A name that no longer resolves — a deleted or renamed model or organisation — can
 * be registered by anyone, who then serves the next download.
 *
 * @example
 * ```ts
 * import { modelResolves } from "./hub_registry.ts";
 * modelResolves();
 * ```
 */
export const modelResolves = defineCheck({
  id: "hub.model-resolves",
  title: "Hub models exist where the code loads them",
  description:
    "Every Hugging Face model the code loads must exist on the Hub at the pinned revision and " +
    "not be disabled. When a model or its organisation is deleted or renamed, its name becomes " +
    "free: whoever registers it next serves the model your code downloads (model namespace " +
    "reuse). Private or gated models that need a token also show here unless allowed.",
  family: "hub",
  severity: "error",
  references: [OWASP_ML06, {
    title: "Hugging Face Hub API: model info",
    url: "https://huggingface.co/docs/hub/api",
  }],
  params: z.object({
    allowPrivate: z.array(z.string().min(1)).default([])
      .describe("Model ids known to be private (the Hub hides them without a token)"),
  }).strict(),
  needs: ["models", "registry.hub"],
  remedy: "Point the code at the model's current id and pin its commit, or vendor the model.",
  run(snapshot, params) {
    const allowed = new Set(params.allowPrivate.map((id) => id.toLowerCase()));
    return withFacts(snapshot).flatMap(({ ref, facts }): FindingDraft[] => {
      if (!facts.found && !allowed.has(ref.repoId.toLowerCase())) {
        return [{
          subject: modelSubject(ref),
          location: ref.location,
          message: `${ref.repoId}${at(ref)} is not on the Hub (deleted, renamed or private): ` +
            "anyone who registers the name will serve this download.",
        }];
      }
      if (facts.disabled) {
        return [{
          subject: modelSubject(ref),
          location: ref.location,
          message: `${ref.repoId} is disabled on the Hub.`,
        }];
      }
      return [];
    });
  },
});

/** File names whose loading unpickles (runs code): PyTorch, pickle, joblib, checkpoints. */
const PICKLED = /\.(bin|pt|pth|pkl|pickle|ckpt|joblib)$/i;

/**
 * `hub.safe-weights`: a hub model's files at the pinned revision include safetensors weights,
 * not only pickle-based ones (`.bin`, `.pt`, `.ckpt`, …) whose loading runs code.
 *
 * @example
 * ```ts
 * import { safeWeights } from "./hub_registry.ts";
 * safeWeights({ allow: ["acme/legacy-model"] });
 * ```
 */
export const safeWeights = defineCheck({
  id: "hub.safe-weights",
  title: "Hub models ship safetensors weights",
  description:
    "At the pinned revision, a Hugging Face model must offer its weights as safetensors. When " +
    "only pickle-based files (pytorch_model.bin, *.pt, *.ckpt, *.pkl) exist, loading the model " +
    "unpickles them, and a crafted pickle runs code on the machine that loads it. Judged from the " +
    "Hub's file list, without downloading the weights.",
  family: "hub",
  severity: "error",
  references: [OWASP_ML06, {
    title: "Hugging Face: safetensors",
    url: "https://huggingface.co/docs/safetensors/index",
  }],
  params: z.object({
    allow: z.array(z.string().min(1)).default([])
      .describe("Model ids reviewed and accepted with pickle weights"),
  }).strict(),
  needs: ["models", "registry.hub"],
  remedy: "Use a revision (or a conversion) that ships model.safetensors, and load it with " +
    "use_safetensors=True so a pickle is never the fallback.",
  run(snapshot, params) {
    const allowed = new Set(params.allow.map((id) => id.toLowerCase()));
    return withFacts(snapshot).flatMap(({ ref, facts }): FindingDraft[] => {
      if (!facts.found || allowed.has(ref.repoId.toLowerCase())) return [];
      if (facts.files === undefined) {
        throw new Error(`the Hub's answer for ${ref.repoId} has no file list to judge`);
      }
      const pickled = facts.files.filter((f) => PICKLED.test(f));
      if (pickled.length === 0 || facts.files.some((f) => f.endsWith(".safetensors"))) return [];
      return [{
        subject: modelSubject(ref),
        location: ref.location,
        message: `${ref.repoId}${at(ref)} has no safetensors weights, only ${
          pickled.slice(0, 3).join(", ")
        }${pickled.length > 3 ? ` and ${pickled.length - 3} more` : ""}: loading unpickles them.`,
        evidence: { files: pickled },
      }];
    });
  },
});
