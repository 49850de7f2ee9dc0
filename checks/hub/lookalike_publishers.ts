/**
 * `hub.lookalike-publishers`: no hub publisher imitates a known one.
 *
 * @module
 */
import { z } from "zod";
import { defineCheck, type FindingDraft } from "../../core/check.ts";
import { buildNameMatcher } from "../_similarity.ts";
import { OWASP_ML06 } from "../_shared.ts";
import { modelSubject } from "./_subjects.ts";
import { HF_CONFUSION, key, WELL_KNOWN_PUBLISHERS } from "./_publishers.ts";

/**
 * `hub.lookalike-publishers`: no model publisher imitates a trusted or well-known one
 * (`meta-lIama`, `faceb00k`, `mistral-ai`).
 *
 * @example
 * ```ts
 * import { lookalikePublishers } from "./lookalike_publishers.ts";
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
