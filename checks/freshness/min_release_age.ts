/**
 * `freshness.min-release-age`: pinned versions have been public for a cool-down period.
 *
 * @module
 */
import { z } from "zod";
import { defineCheck, type FindingDraft } from "../../core/check.ts";
import { OWASP_ML06 } from "../_shared.ts";
import { installedUploadTime, pinnedReleases, type Unjudged, unjudgedFinding } from "./_facts.ts";
import { DAY_MS, days, PRIVATE, PYPI_JSON, subjectOf } from "./_common.ts";

/**
 * `freshness.min-release-age`: a pinned version was published at least `days` ago, a cool-down
 * that lets the community catch a malicious release before you install it.
 *
 * @example
 * ```ts
 * import { minReleaseAge } from "./min_release_age.ts";
 * minReleaseAge({ days: 14 });
 * ```
 */
export const minReleaseAge = defineCheck({
  id: "freshness.min-release-age",
  title: "Pinned versions have been public for a cool-down period",
  description:
    "Malicious releases (a hijacked maintainer account, a poisoned build) are usually found and " +
    "removed within days. Installing a version only after it has been public for a while keeps " +
    "the project out of that window.",
  family: "freshness",
  severity: "warning",
  references: [OWASP_ML06, PYPI_JSON],
  params: z.object({
    days: z.number().min(0).default(7).describe("Minimum age of a pinned release, in days"),
    private: PRIVATE,
  }).strict(),
  needs: ["packages", "registry.pypi"],
  remedy: "Pin the previous release until the new one has been public for the cool-down period.",
  run(snapshot, params, context) {
    const findings: FindingDraft[] = [];
    const { judged, unjudged } = pinnedReleases(snapshot, params.private);
    const undated: Unjudged[] = [];
    for (const p of judged) {
      // The newest file the pin can install: a wheel added to an old release is new code.
      const uploaded = installedUploadTime(p.pkg, p.release);
      if (uploaded === undefined) {
        undated.push({ pkg: p.pkg, why: "has no upload time on the index" });
        continue;
      }
      const age = context.now.getTime() - uploaded;
      if (age >= params.days * DAY_MS) continue;
      findings.push({
        ...subjectOf(p),
        message: `${p.pkg.name} ${p.pkg.version} was published ${
          age < DAY_MS ? "less than a day" : `${days(age)} day(s)`
        } ago (cool-down ${params.days} days).`,
        evidence: { uploadedAt: new Date(uploaded).toISOString() },
      });
    }
    const unknown = unjudgedFinding([...unjudged, ...undated], "their release age");
    return unknown ? [...findings, unknown] : findings;
  },
});
