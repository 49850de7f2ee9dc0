/**
 * An example team policy in TypeScript: the recommended policy, our internal index allowed, and
 * a custom check written with defineCheck. Load it with:
 *
 *   deno run -A cli.ts check examples/ml-app --policy examples/policies/team.policy.ts
 *
 * @module
 */
import { z } from "zod";
import { checks, defineCheck, definePolicy, policies } from "../../mod.ts";

/**
 * `custom.banned-packages`: packages the team has decided never to install, with the reason.
 * The default list holds `torchtriton`, the name used in the December 2022 dependency-confusion
 * attack on PyTorch nightly builds.
 */
export const bannedPackages = defineCheck({
  id: "custom.banned-packages",
  title: "No banned packages",
  description: "Packages on the team's deny list must not be declared anywhere.",
  family: "custom",
  severity: "error",
  references: [{
    title: "PyTorch: compromised nightly dependency (torchtriton), Dec 2022",
    url: "https://pytorch.org/blog/compromised-nightly-dependency/",
  }],
  params: z.object({
    banned: z.record(z.string(), z.string()).default({
      torchtriton: "malicious package from the 2022 PyTorch nightly dependency-confusion attack",
    }).describe("normalised package name → why it is banned"),
  }).strict(),
  needs: ["packages"],
  remedy: "Remove the package; use the approved alternative named in the reason.",
  run: (snapshot, params) =>
    snapshot.packages.filter((p) => Object.hasOwn(params.banned, p.name)).map((p) => ({
      subject: `pkg:pypi/${p.name}`,
      location: p.locations[0],
      message: `${p.name} is banned: ${params.banned[p.name]}.`,
      fix: `Remove ${p.name} from ${p.locations[0].file}.`,
    })),
});

export default definePolicy({
  name: "team-ml",
  extends: [policies.recommended],
  checks: [
    checks.source.allowedIndexes({
      indexes: ["https://pypi.org/simple", "https://pypi.ml-internal.example.com/simple"],
    }),
    bannedPackages({
      banned: {
        torchtriton: "malicious package from the 2022 PyTorch nightly dependency-confusion attack",
        ruff: "use the pinned ruff from the shared pre-commit image instead",
      },
    }),
  ],
  waivers: [{
    check: "venv.isolated",
    subject: "env:.venv",
    reason: "dev containers mount system CUDA wheels; tracked in ML-142",
    owner: "@ml-platform",
    expires: "2026-03-31",
  }],
});
