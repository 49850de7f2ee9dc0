/**
 * `freshness.not-yanked`: no pinned version is yanked.
 *
 * @module
 */
import { z } from "zod";
import { defineCheck, type FindingDraft } from "../../core/check.ts";
import { OWASP_ML06 } from "../_shared.ts";
import { pinnedReleases, unjudgedFinding } from "./_facts.ts";
import { PRIVATE, subjectOf } from "./_common.ts";

/**
 * `freshness.not-yanked`: no pinned version has been yanked from its index.
 *
 * @example
 * ```ts
 * import { notYanked } from "./not_yanked.ts";
 * notYanked({ private: ["acme-internal-lib"] });
 * ```
 */
export const notYanked = defineCheck({
  id: "freshness.not-yanked",
  title: "No pinned version is yanked",
  description:
    "Maintainers yank a release that is broken or dangerous (PEP 592). pip skips yanked " +
    "versions unless they are pinned exactly, so a lock file keeps installing them silently.",
  family: "freshness",
  severity: "error",
  references: [OWASP_ML06, {
    title: "PEP 592: Adding yank support to the simple API",
    url: "https://peps.python.org/pep-0592/",
  }],
  params: z.object({ private: PRIVATE }).strict(),
  needs: ["packages", "registry.pypi"],
  remedy: "Move to a release that is not yanked and re-lock.",
  run(snapshot, params) {
    const { judged, unjudged } = pinnedReleases(snapshot, params.private);
    const findings = judged.flatMap((p): FindingDraft[] => {
      if (!p.release.yanked) return [];
      const reason = p.release.yankedReason;
      return [{
        ...subjectOf(p),
        message: `${p.pkg.name} ${p.pkg.version} is yanked` +
          (reason ? `: ${reason.replace(/\.?$/, ".")}` : ".") +
          (p.latest ? ` The newest release is ${p.latest.version}.` : ""),
        evidence: { yankedReason: reason ?? null },
      }];
    });
    const unknown = unjudgedFinding(unjudged, "yanked releases");
    return unknown ? [...findings, unknown] : findings;
  },
});
