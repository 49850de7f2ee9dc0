/**
 * Environment isolation checks.
 *
 * @module
 */
import { z } from "zod";
import { defineCheck, type FindingDraft } from "../../core/check.ts";
import { OWASP_ML06 } from "../_shared.ts";

/**
 * `venv.isolated`: the project has a virtualenv and it does not see the system site-packages.
 *
 * @example
 * ```ts
 * import { isolated } from "./isolated.ts";
 * isolated({ requireEnvironment: false });
 * ```
 */
export const isolated = defineCheck({
  id: "venv.isolated",
  title: "Dependencies are installed in an isolated environment",
  description:
    "Packages must be installed into a project virtualenv that does not include the system " +
    "site-packages. Shared or system environments mix in packages nobody declared or reviewed, " +
    "and an install for one project can silently replace another's.",
  family: "venv",
  severity: "error",
  references: [OWASP_ML06, {
    title: "Python docs: venv — include-system-site-packages",
    url: "https://docs.python.org/3/library/venv.html",
  }],
  params: z.object({
    requireEnvironment: z.boolean().default(true)
      .describe("Report a project that has no virtualenv at all (as a warning)"),
  }).strict(),
  needs: ["environments"],
  remedy: "python3 -m venv .venv (without --system-site-packages) and install into it.",
  run(snapshot, params) {
    const findings: FindingDraft[] = [];
    const isolated = snapshot.environments.filter((e) => e.kind !== "system");
    if (snapshot.environments.length === 0 && params.requireEnvironment) {
      findings.push({
        subject: `project:${snapshot.root}`,
        severity: "warning",
        message: "No virtualenv was found in the project, so isolation cannot be shown.",
        fix: "Create one with `python3 -m venv .venv`, or set requireEnvironment: false " +
          "when environments are built elsewhere (e.g. in CI images).",
      });
    }
    for (const env of snapshot.environments) {
      if (env.kind === "system") {
        const names = env.distributions.slice(0, 5).map((d) => d.name).join(", ");
        findings.push({
          subject: `env:${env.path}`,
          location: env.location,
          // Without a project virtualenv the project is likely what installed them: an error.
          severity: isolated.length === 0 ? "error" : "warning",
          message: `pip installed packages into the system interpreter at ${env.path} ` +
            `(${names}${env.distributions.length > 5 ? ", …" : ""}).`,
          evidence: { distributions: env.distributions.map((d) => `${d.name}==${d.version}`) },
          fix: "Install into a project virtualenv instead (python3 -m venv .venv), and remove " +
            "them from the system interpreter (pip uninstall, as the user who installed them).",
        });
      } else if (env.includeSystemSitePackages) {
        findings.push({
          subject: `env:${env.path}`,
          location: env.location,
          message: `${env.path} includes the system site-packages, so undeclared packages leak in.`,
          fix: `Set include-system-site-packages = false in ${env.location.file}, or recreate ` +
            "the environment without --system-site-packages.",
        });
      }
    }
    return findings;
  },
});
