/**
 * `hub.revision-pinned`: hub models are pinned to a commit.
 *
 * @module
 */
import { z } from "zod";
import { defineCheck, type FindingDraft } from "../../core/check.ts";
import { OWASP_ML06 } from "../_shared.ts";
import { modelLabel, modelSubject } from "./_subjects.ts";

const FULL_COMMIT = /^[0-9a-f]{40}$/;

/**
 * `hub.revision-pinned`: every model load names a full 40-hex commit with `revision=`.
 *
 * @example
 * ```ts
 * import { revisionPinned } from "./revision_pinned.ts";
 * revisionPinned();
 * ```
 */
export const revisionPinned = defineCheck({
  id: "hub.revision-pinned",
  title: "Hub models are pinned to a commit",
  description:
    "Every model loaded from a hub must name a full 40-character commit id (revision=…). " +
    "Without one, or with a branch or tag, whoever controls the repository decides what you load " +
    "next time — including a replaced, backdoored or pickle-laden model.",
  family: "hub",
  severity: "error",
  references: [OWASP_ML06, {
    title: "Hugging Face: from_pretrained revision argument",
    url: "https://huggingface.co/docs/transformers/main_classes/model",
  }],
  params: z.object({}).strict(),
  needs: ["models"],
  remedy:
    'Pass revision="<40-hex commit id>" to every load; find the id on the hub\'s commit list.',
  run(snapshot) {
    const findings: FindingDraft[] = [];
    for (const ref of snapshot.models) {
      const subject = modelSubject(ref);
      const name = modelLabel(ref);
      const fix = `Pass revision="<40-hex commit id>" to ${ref.loader}(…) for ${name}; take the ` +
        "id from the model's commit history after reviewing it.";
      // A model chosen at run time cannot be judged fully: unpinned loads of it are warnings.
      const severity = ref.unresolved !== undefined ? "warning" as const : undefined;
      if (ref.revisionDynamic) {
        findings.push({
          subject,
          location: ref.location,
          severity: "warning",
          message: `${name} is loaded with a revision computed at run time; it cannot be ` +
            "shown to be a commit.",
          fix,
        });
      } else if (ref.revision === undefined) {
        findings.push({
          subject,
          location: ref.location,
          severity,
          message: `${name} is loaded without a revision, so it follows the default branch.`,
          fix,
        });
      } else if (!FULL_COMMIT.test(ref.revision)) {
        findings.push({
          subject,
          location: ref.location,
          severity,
          message: `${name} is loaded at "${ref.revision}", a branch, tag or short id that ` +
            "can move.",
          evidence: { revision: ref.revision },
          fix,
        });
      }
    }
    return findings;
  },
});
