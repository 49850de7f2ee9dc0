/**
 * `hub.safe-weights`: hub models ship safetensors weights.
 *
 * @module
 */
import { z } from "zod";
import { defineCheck, type FindingDraft } from "../../core/check.ts";
import { OWASP_ML06 } from "../_shared.ts";
import { modelSubject } from "./_subjects.ts";
import { at, withFacts } from "./_facts.ts";

/** File names whose loading unpickles (runs code): PyTorch, pickle, joblib, checkpoints. */
const PICKLED = /\.(bin|pt|pth|pkl|pickle|ckpt|joblib)$/i;

/**
 * `hub.safe-weights`: a hub model's files at the pinned revision include safetensors weights,
 * not only pickle-based ones (`.bin`, `.pt`, `.ckpt`, …) whose loading runs code.
 *
 * @example
 * ```ts
 * import { safeWeights } from "./safe_weights.ts";
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
