/**
 * Hub publisher checks: models come from publishers you trust, and from nobody imitating one.
 *
 * @module
 */
import { z } from "zod";
import { defineCheck, type FindingDraft } from "../core/check.ts";
import type { ModelReference } from "../core/snapshot.ts";
import { buildNameMatcher } from "./_similarity.ts";
import { OWASP_ML06 } from "./_shared.ts";
import { modelSubject } from "./hub.ts";
import bundled from "../data/hub_publishers.json" with { type: "json" };

/**
 * Well-known Hugging Face publishers: the default trusted list, and the names look-alikes imitate.
 * Provenance in data/hub_publishers.json.
 *
 * @example
 * ```ts
 * import { WELL_KNOWN_PUBLISHERS } from "./hub_publishers.ts";
 * WELL_KNOWN_PUBLISHERS.includes("meta-llama"); // true
 * ```
 */
export const WELL_KNOWN_PUBLISHERS: readonly string[] = bundled.publishers;

const HF_CONFUSION = {
  title: "ML06 scenario: model confusion through an impersonated hub organisation",
  url: "https://owasp.org/www-project-machine-learning-security-top-10/",
};

/** Hub publishers compare case-insensitively (the Hub treats names that way). */
function key(publisher: string): string {
  return publisher.toLowerCase();
}

/**
 * `hub.trusted-publishers`: every Hugging Face model comes from a publisher on the allow list.
 *
 * @example
 * ```ts
 * import { trustedPublishers } from "./hub_publishers.ts";
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

/**
 * `hub.lookalike-publishers`: no model publisher imitates a trusted or well-known one
 * (`meta-lIama`, `faceb00k`, `mistral-ai`).
 *
 * @example
 * ```ts
 * import { lookalikePublishers } from "./hub_publishers.ts";
 * lookalikePublishers({ publishers: ["acme-ml"] });
 * ```
 */
export const lookalikePublishers = defineCheck({
  id: "hub.lookalike-publishers",
  title: "No hub publisher imitates a known one",
  description:
    "A publisher one or two edits, a confusable character (l/I/1, o/0, rn/m, Cyrillic letters) " +
    "or a separator away from a trusted or well-known publisher is how model confusion starts: " +
    "`meta-lIama/Llama-3-8B` looks right in code review and loads an attacker's model.",
  family: "hub",
  severity: "error",
  references: [OWASP_ML06, HF_CONFUSION],
  params: z.object({
    publishers: z.array(z.string().min(1)).default([])
      .describe("Your trusted publishers, protected in addition to the bundled well-known list"),
  }).strict(),
  needs: ["models"],
  remedy: "Use the real publisher's name; check the model's organisation page before loading it.",
  run(snapshot, params) {
    const names = [...WELL_KNOWN_PUBLISHERS, ...params.publishers];
    const matcher = buildNameMatcher(names.map(key));
    const findings: FindingDraft[] = [];
    for (const ref of snapshot.models) {
      if (ref.publisher === undefined) continue;
      const publisher = key(ref.publisher);
      if (matcher.has(publisher)) continue;
      const match = matcher.match(publisher, 2);
      if (!match) continue;
      const real = names.find((n) => key(n) === match.nearest) ?? match.nearest;
      findings.push({
        subject: modelSubject(ref),
        location: ref.location,
        severity: match.distance <= 1 || match.reason === "confusable" ? "error" : "warning",
        message: `${ref.publisher} (in ${ref.repoId}) imitates the publisher ${real}.`,
        evidence: { nearest: real, distance: match.distance, reason: match.reason },
        fix: `If you meant ${real}, load ${real}/${ref.repoId.split("/")[1] ?? ""}; otherwise ` +
          `find out who ${ref.publisher} is before loading anything from it.`,
      });
    }
    return findings;
  },
});
