/**
 * `hub.trusted-publishers`: hub models come from trusted publishers.
 *
 * @module
 */
import { z } from "zod";
import { defineCheck, type FindingDraft } from "../../core/check.ts";
import type { ModelReference } from "../../core/snapshot.ts";
import { OWASP_ML06 } from "../_shared.ts";
import { modelSubject } from "./_subjects.ts";
import { HF_CONFUSION, key, WELL_KNOWN_PUBLISHERS } from "./_publishers.ts";

/**
 * `hub.trusted-publishers`: every Hugging Face model comes from a publisher on the allow list.
 *
 * @example
 * ```ts
 * import { trustedPublishers } from "./trusted_publishers.ts";
 * trustedPublishers({ publishers: ["meta-llama", "acme-ml"] });
 * ```
 */
export const trustedPublishers = defineCheck({
  id: "hub.trusted-publishers",
  title: "Hub models come from trusted publishers",
  description:
    "Every model the project loads from the Hugging Face Hub must come from a publisher " +
    "(organisation or user) on the allow list. Anyone can create an account and upload a model " +
    "whose pickle runs code on load; a reviewed list of publishers keeps models to known sources.",
  family: "hub",
  severity: "error",
  references: [OWASP_ML06, HF_CONFUSION],
  params: z.object({
    publishers: z.array(z.string().min(1)).default([...WELL_KNOWN_PUBLISHERS])
      .describe("Trusted publishers (case-insensitive); default: the bundled well-known list"),
    allowLegacyIds: z.boolean().default(true)
      .describe("Accept ids without a publisher (bert-base-uncased), served by the Hub itself"),
  }).strict(),
  needs: ["models"],
  remedy: "Load the model from a reviewed publisher, or review this one and add it to the list.",
  run(snapshot, params) {
    const trusted = new Set(params.publishers.map(key));
    const findings: FindingDraft[] = [];
    for (const ref of snapshot.models.filter((m) => m.hub === "huggingface")) {
      if (ref.publisher === undefined) {
        if (params.allowLegacyIds) continue;
        findings.push(finding(ref, `${ref.repoId} has no publisher (a legacy id).`));
      } else if (!trusted.has(key(ref.publisher))) {
        findings.push(
          finding(
            ref,
            `${ref.repoId} comes from ${ref.publisher}, which is not a trusted publisher.`,
          ),
        );
      }
    }
    return findings;
  },
});

function finding(ref: ModelReference, message: string): FindingDraft {
  return {
    subject: modelSubject(ref),
    location: ref.location,
    message,
    evidence: { publisher: ref.publisher ?? null },
    fix: `Check who ${ref.publisher ?? "publishes it"} is (organisation page, history, model ` +
      "card) and add it to hub.trusted-publishers.publishers, or load the model from its " +
      "original publisher.",
  };
}
