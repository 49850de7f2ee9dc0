/**
 * `hub.model-resolves`: hub models exist where the code loads them.
 *
 * @module
 */
import { z } from "zod";
import { defineCheck, type FindingDraft } from "../../core/check.ts";
import { OWASP_ML06 } from "../_shared.ts";
import { modelSubject } from "./_subjects.ts";
import { at, withFacts } from "./_facts.ts";

/**
 * `hub.model-resolves`: every hub model the code loads exists on the Hub (at its revision) and is
 * not disabled. A name that no longer resolves — a deleted or renamed model or organisation — can
 * be registered by anyone, who then serves the next download.
 *
 * @example
 * ```ts
 * import { modelResolves } from "./model_resolves.ts";
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
