/**
 * `freshness.no-known-vulnerabilities`: no pinned version has a known vulnerability.
 *
 * @module
 */
import { z } from "zod";
import { defineCheck, type FindingDraft } from "../../core/check.ts";
import type { Advisory } from "../../core/snapshot.ts";
import { hasWrittenName } from "../../packaging/mod.ts";
import { OWASP_ML06, packageSubject } from "../_shared.ts";
import { DAY_MS, days } from "./_common.ts";

const SEVERITY_ORDER = ["low", "moderate", "high", "critical"] as const;

/**
 * `freshness.no-known-vulnerabilities`: no pinned version is affected by a known advisory at or
 * above `minSeverity` (OSV: PyPA advisory database, GitHub advisories, …).
 *
 * @example
 * ```ts
 * import { noKnownVulnerabilities } from "./no_known_vulnerabilities.ts";
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
      // Advisories are about a project: a name guessed from a path or URL may not be this one.
      if (pkg.ecosystem !== "pypi" || pkg.version === undefined || !hasWrittenName(pkg)) continue;
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
