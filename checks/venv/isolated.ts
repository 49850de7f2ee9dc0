/**
 * Environment isolation checks.
 *
 * @module
 */
import { z } from "zod";
import { defineCheck, type FindingDraft } from "../../core/check.ts";
import type { Launch } from "../../core/snapshot.ts";
import { OWASP_ML06 } from "../_shared.ts";
import { type SystemInstall, systemInstall } from "./_image_installs.ts";

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
    "and an install for one project can silently replace another's. Images count too: a " +
    "Dockerfile RUN that pip-installs packages into the image's system interpreter, with no " +
    "virtual environment first on PATH or activated in that stage, is reported (when the " +
    "snapshot has the services section); `--target`/`--prefix` installs are isolated, `--user` " +
    "ones are not.",
  family: "venv",
  severity: "error",
  references: [OWASP_ML06, {
    title: "Python docs: venv — include-system-site-packages",
    url: "https://docs.python.org/3/library/venv.html",
  }, {
    title: "PEP 668: marking Python base environments as externally managed",
    url: "https://peps.python.org/pep-0668/",
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
    const launches = snapshot.collected.includes("services") ? snapshot.launches : [];
    // A Dockerfile that builds its virtualenv shows isolation as well as one on disk does.
    const imageVenv = launches.some((l) =>
      l.origin === "dockerfile" && l.venv?.via !== undefined &&
      l.venv.via !== "VIRTUAL_ENV"
    );
    if (snapshot.environments.length === 0 && params.requireEnvironment && !imageVenv) {
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
    findings.push(...imageFindings(launches));
    return findings;
  },
});

/** One finding per Dockerfile stage that pip-installs into the image's system interpreter. */
function imageFindings(launches: readonly Launch[]): FindingDraft[] {
  const byStage = new Map<string, SystemInstall[]>();
  for (const launch of launches.slice(0, 20_000)) {
    const install = systemInstall(launch);
    if (install === undefined) continue;
    const key = `${launch.location.file}\u0000${launch.unit}`;
    byStage.set(key, [...byStage.get(key) ?? [], install]);
  }
  return [...byStage.values()].map((installs) => {
    const [first] = installs;
    const { file } = first.launch.location;
    const stage = first.launch.unit.slice(0, 60);
    // An unnamed single stage is named after its file.
    const where = stage === file.slice(file.lastIndexOf("/") + 1) ? file : `${file} stage ${stage}`;
    const more = installs.length > 1 ? ` (and ${installs.length - 1} more RUN commands)` : "";
    return {
      subject: `image:${file}#${stage}`,
      location: first.launch.location,
      message: `${where} runs \`${first.command}\`${more} into the image's system ` +
        `interpreter: no virtual environment is active for it${
          first.note ? ` (${first.note})` : ""
        }.`,
      evidence: {
        image: first.launch.image,
        commands: installs.map((i) => ({ ...i.launch.location, command: i.command })),
      },
      fix: "Create a virtual environment in the stage and put it first on PATH before " +
        "installing: `RUN python -m venv /opt/venv` then `ENV PATH=/opt/venv/bin:$PATH` (or " +
        "`uv venv /opt/venv`), and copy /opt/venv into the final stage.",
    };
  });
}
