/**
 * `hub.no-remote-code`: hub models do not run remote code.
 *
 * @module
 */
import { z } from "zod";
import { defineCheck } from "../../core/check.ts";
import { OWASP_ML06 } from "../_shared.ts";
import { modelLabel, modelSubject } from "./_subjects.ts";

/**
 * `hub.no-remote-code`: no model load passes `trust_remote_code=True`.
 *
 * @example
 * ```ts
 * import { noRemoteCode } from "./no_remote_code.ts";
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
