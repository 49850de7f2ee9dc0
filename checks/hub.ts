/**
 * Model hub checks: which models are loaded, at which revision, with which privileges.
 *
 * @module
 */
import { z } from "zod";
import { defineCheck, type FindingDraft } from "../core/check.ts";
import type { ModelReference } from "../core/snapshot.ts";
import { OWASP_ML06 } from "./_shared.ts";

const FULL_COMMIT = /^[0-9a-f]{40}$/;

/**
 * The subject string of a model reference: `hf:org/name` or `torchhub:owner/repo`.
 *
 * @example
 * ```ts
 * import { modelSubject } from "./hub.ts";
 * modelSubject({ hub: "huggingface", repoId: "org/m" }); // "hf:org/m"
 * ```
 */
export function modelSubject(ref: Pick<ModelReference, "hub" | "repoId" | "unresolved">): string {
  const id = ref.unresolved !== undefined ? `?(${ref.unresolved})` : ref.repoId;
  return `${ref.hub === "huggingface" ? "hf" : "torchhub"}:${id}`;
}

/** How a model is named in messages: its id, or the expression that computes it. */
function modelLabel(ref: Pick<ModelReference, "repoId" | "unresolved">): string {
  return ref.unresolved !== undefined ? `The model chosen by ${ref.unresolved}` : ref.repoId;
}

/**
 * `hub.revision-pinned`: every model load names a full 40-hex commit with `revision=`.
 *
 * @example
 * ```ts
 * import { revisionPinned } from "./hub.ts";
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

/**
 * `hub.no-remote-code`: no model load passes `trust_remote_code=True`.
 *
 * @example
 * ```ts
 * import { noRemoteCode } from "./hub.ts";
 * noRemoteCode();
 * ```
 */
export const noRemoteCode = defineCheck({
  id: "hub.no-remote-code",
  title: "Hub models do not run remote code",
  description:
    "trust_remote_code=True downloads Python from the model repository and runs it in your " +
    "process. Anyone who can push to that repository can then run code on your machines.",
  family: "hub",
  severity: "error",
  references: [OWASP_ML06],
  params: z.object({}).strict(),
  needs: ["models"],
  remedy: "Use a model supported natively by your library version, or vendor and review the " +
    "modelling code and load it locally.",
  run(snapshot) {
    return snapshot.models.filter((ref) =>
      ref.trustRemoteCode !== undefined && ref.trustRemoteCode !== false
    )
      .map((ref) => ({
        subject: modelSubject(ref),
        location: ref.location,
        severity: ref.trustRemoteCode === true ? undefined : "warning" as const,
        message: ref.customPipeline !== undefined
          ? `${modelLabel(ref)} is loaded with custom_pipeline=${
            JSON.stringify(ref.customPipeline)
          }, running pipeline code fetched from the Hub or GitHub.`
          : ref.trustRemoteCode === true
          ? `${modelLabel(ref)} is loaded with trust_remote_code=True, running code from the hub ` +
            "repository."
          : `${modelLabel(ref)} is loaded with a trust_remote_code value computed at run time.`,
        fix: "Remove trust_remote_code=True; if the architecture needs custom code, vendor the " +
          "reviewed code into the project and pin the model revision.",
      }));
  },
});
