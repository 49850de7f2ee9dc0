/**
 * `freshness.max-age`: pinned versions are not far behind the newest release.
 *
 * @module
 */
import { z } from "zod";
import { defineCheck, type FindingDraft } from "../../core/check.ts";
import { OWASP_ML06 } from "../_shared.ts";
import { pinnedReleases, type Unjudged, unjudgedFinding } from "./_facts.ts";
import { days, PRIVATE, subjectOf, time, YEAR_MS } from "./_common.ts";

/**
 * `freshness.max-age`: a pinned version is at most `days` behind the newest release (by upload
 * dates), and optionally the whole project at most `libyears` behind.
 *
 * @example
 * ```ts
 * import { maxAge } from "./max_age.ts";
 * maxAge({ days: 180, libyears: 10 });
 * ```
 */
export const maxAge = defineCheck({
  id: "freshness.max-age",
  title: "Pinned versions are not far behind the newest release",
  description:
    "A version far behind the newest release misses its security fixes. The lag of one " +
    "dependency is the time between the upload of the pinned version and the upload of the " +
    "newest stable release (its libyears); the check bounds each lag, and optionally their sum " +
    "over the project.",
  family: "freshness",
  severity: "warning",
  references: [OWASP_ML06, {
    title: "libyear: a simple measure of dependency freshness",
    url: "https://libyear.com/",
  }],
  params: z.object({
    days: z.number().int().min(0).default(365)
      .describe("Largest accepted lag of one dependency, in days"),
    libyears: z.number().min(0).optional()
      .describe("Largest accepted total lag of all pinned dependencies, in years (off by default)"),
    private: PRIVATE,
  }).strict(),
  needs: ["packages", "registry.pypi"],
  remedy: "Upgrade to the newest release (or a recent one) and re-lock.",
  run(snapshot, params) {
    const findings: FindingDraft[] = [];
    const { judged, unjudged } = pinnedReleases(snapshot, params.private);
    const undated: Unjudged[] = [];
    let total = 0;
    for (const p of judged) {
      if (p.latest === undefined || p.latest.version === p.release.version) continue;
      const pinned = time(p.release.uploadedAt);
      const newest = time(p.latest.uploadedAt);
      if (pinned === undefined || newest === undefined) {
        undated.push({ pkg: p.pkg, why: "has no upload times on the index" });
        continue;
      }
      if (newest <= pinned) continue;
      total += (newest - pinned) / YEAR_MS;
      const lag = days(newest - pinned);
      if (lag <= params.days) continue;
      findings.push({
        ...subjectOf(p),
        message: `${p.pkg.name} ${p.pkg.version} is ${lag} days behind ${p.latest.version} ` +
          `(limit ${params.days}).`,
        fix: `Upgrade ${p.pkg.name} to ${p.latest.version} and re-lock.`,
        evidence: { latest: p.latest.version, lagDays: lag },
      });
    }
    if (params.libyears !== undefined && total > params.libyears) {
      findings.push({
        subject: "project",
        message: `Pinned dependencies are ${total.toFixed(1)} libyears behind in total ` +
          `(limit ${params.libyears}).`,
        evidence: { libyears: Number(total.toFixed(2)) },
      });
    }
    const unknown = unjudgedFinding([...unjudged, ...undated], "their age");
    return unknown ? [...findings, unknown] : findings;
  },
});
