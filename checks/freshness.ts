/**
 * Freshness checks: pinned versions are not stale, not brand new, not yanked and not known to be
 * vulnerable. They judge registry facts added by enrichment (PyPI, OSV), never the network.
 *
 * @module
 */
import { z } from "zod";
import { defineCheck, type FindingDraft } from "../core/check.ts";
import type { Advisory } from "../core/snapshot.ts";
import { OWASP_ML06, packageSubject } from "./_shared.ts";
import {
  installedUploadTime,
  type PinnedRelease,
  pinnedReleases,
  type Unjudged,
  unjudgedFinding,
} from "./_freshness_facts.ts";

const DAY_MS = 86_400_000;
const YEAR_MS = 365.25 * DAY_MS;

function subjectOf(p: PinnedRelease): Pick<FindingDraft, "subject" | "location"> {
  return { subject: packageSubject(p.pkg), location: p.pkg.locations[0] };
}

const PRIVATE = z.array(z.string().min(1)).default([])
  .describe("Packages not on the index (internal ones): neither judged nor reported as unknown");

const days = (ms: number) => Math.floor(ms / DAY_MS);
const time = (iso: string | undefined) => iso === undefined ? undefined : Date.parse(iso);

const PYPI_JSON = {
  title: "PyPI JSON API",
  url: "https://docs.pypi.org/api/json/",
};

/**
 * `freshness.max-age`: a pinned version is at most `days` behind the newest release (by upload
 * dates), and optionally the whole project at most `libyears` behind.
 *
 * @example
 * ```ts
 * import { maxAge } from "./freshness.ts";
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

/**
 * `freshness.min-release-age`: a pinned version was published at least `days` ago, a cool-down
 * that lets the community catch a malicious release before you install it.
 *
 * @example
 * ```ts
 * import { minReleaseAge } from "./freshness.ts";
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

/**
 * `freshness.not-yanked`: no pinned version has been yanked from its index.
 *
 * @example
 * ```ts
 * import { notYanked } from "./freshness.ts";
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

const SEVERITY_ORDER = ["low", "moderate", "high", "critical"] as const;

/**
 * `freshness.no-known-vulnerabilities`: no pinned version is affected by a known advisory at or
 * above `minSeverity` (OSV: PyPA advisory database, GitHub advisories, …).
 *
 * @example
 * ```ts
 * import { noKnownVulnerabilities } from "./freshness.ts";
 * noKnownVulnerabilities({ minSeverity: "high" });
 * ```
 */
export const noKnownVulnerabilities = defineCheck({
  id: "freshness.no-known-vulnerabilities",
  title: "No pinned version has a known vulnerability",
  description:
    "Every pinned version is looked up in OSV (online, or a local copy of an OSV database). An " +
    "advisory at or above the minimum severity fails the check; its message names the versions " +
    "that fix it. Severity comes from the CVSS vector (base score) or the database's own rating.",
  family: "freshness",
  severity: "error",
  references: [OWASP_ML06, { title: "OSV: Open Source Vulnerabilities", url: "https://osv.dev/" }],
  params: z.object({
    minSeverity: z.enum(SEVERITY_ORDER).default("low")
      .describe("Lowest severity that is reported"),
    failOnUnknownSeverity: z.boolean().default(true)
      .describe("Report advisories that carry no usable severity"),
    ignore: z.array(z.string().min(1)).default([])
      .describe("Advisory ids (or aliases) reviewed and accepted; prefer waivers with an expiry"),
    maxDatabaseAgeDays: z.number().min(0).default(30).describe(
      "A local OSV database (--osv-db) whose newest record is older than this is reported: " +
        "advisories published since are missing from it",
    ),
  }).strict(),
  needs: ["packages", "registry.advisories"],
  remedy:
    "Upgrade to a fixed version and re-lock; if no fix exists, assess and waive with an expiry.",
  run(snapshot, params, context) {
    const minimum = SEVERITY_ORDER.indexOf(params.minSeverity);
    const ignored = new Set(params.ignore);
    const byKey = new Map<string, Advisory[]>();
    for (const a of snapshot.registry.advisories) {
      const key = `${a.package}@${a.version}`;
      byKey.set(key, [...(byKey.get(key) ?? []), a]);
    }
    const findings: FindingDraft[] = [];
    const seen = new Set<string>();
    for (const pkg of snapshot.packages) {
      if (pkg.ecosystem !== "pypi" || pkg.version === undefined) continue;
      const key = `${pkg.name}@${pkg.version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      for (const a of byKey.get(key) ?? []) {
        if (ignored.has(a.id) || a.aliases.some((x) => ignored.has(x))) continue;
        const rank = SEVERITY_ORDER.indexOf(a.severity as typeof SEVERITY_ORDER[number]);
        if (rank < 0 ? !params.failOnUnknownSeverity : rank < minimum) continue;
        const fixed = a.fixed.length > 0
          ? `fixed in ${a.fixed.join(", ")}`
          : "no fixed version is known";
        findings.push({
          subject: packageSubject(pkg),
          location: pkg.locations[0],
          message: `${pkg.name} ${pkg.version} is affected by ${a.id}` +
            (a.aliases.length ? ` (${a.aliases.slice(0, 3).join(", ")})` : "") +
            ` [${a.severity}]${a.summary ? `: ${a.summary}` : ""}; ${fixed}.`,
          ...(a.fixed.length > 0
            ? { fix: `Upgrade ${pkg.name} to ${a.fixed[0]} or later and re-lock.` }
            : {}),
          evidence: { advisory: a.id, aliases: a.aliases, severity: a.severity, fixed: a.fixed },
        });
      }
    }
    for (const source of snapshot.data.filter((d) => d.name === "osv-db")) {
      const newest = source.retrievedAt === undefined ? NaN : Date.parse(source.retrievedAt);
      const age = Number.isNaN(newest) ? Infinity : context.now.getTime() - newest;
      if (age <= params.maxDatabaseAgeDays * DAY_MS) continue;
      findings.push({
        subject: `osv-db:${source.url ?? "?"}`,
        severity: "warning",
        message: `The OSV database ${source.url ?? ""} ${
          Number.isFinite(age) ? `was last modified ${days(age)} days ago` : "has no dates"
        } (limit ${params.maxDatabaseAgeDays}): advisories published since are not in it.`,
        fix: "Update the local database (e.g. download OSV's PyPI all.zip again), or query the " +
          "OSV API instead of --osv-db.",
      });
    }
    return findings;
  },
});
