/**
 * From matching OSV records to the snapshot's advisories: records that alias each other (PYSEC,
 * GHSA, CVE ids of one vulnerability, transitively) become one advisory under a stable primary id,
 * with the others as aliases, the union of fixed versions and the most severe rating.
 *
 * @module
 */
import { normaliseName } from "../packaging/mod.ts";
import { compare } from "@renovatebot/pep440";
import type { Advisory } from "../core/snapshot_registry.ts";
import { rateSeverity, type SeverityRating } from "./cvss.ts";
import { type OsvRecord } from "./_osv_record.ts";
import { affectedVersions, fixedAbove } from "./_osv_range.ts";

/** A package at a version, as the snapshot names it. */
export interface PackageVersion {
  /** Package name (any spelling). */
  name: string;
  /** Installed or pinned version. */
  version: string;
}

/** Most references kept on one advisory. */
const MAX_REFERENCES = 20;
/** Longest summary kept (taken from `details` when the record has no `summary`). */
const MAX_SUMMARY = 240;

/**
 * Preference among a group's ids for the primary: the PyPI ecosystem's own database (PYSEC),
 * then GitHub's (GHSA), then any other, then CVE; ties by code-unit order.
 */
function primaryRank(id: string): number {
  if (id.startsWith("PYSEC-")) return 0;
  if (id.startsWith("GHSA-")) return 1;
  if (id.startsWith("CVE-")) return 3;
  return 2;
}

/**
 * Order ids for choosing a primary: lowest {@linkcode primaryRank} first, then code-unit order.
 *
 * @param a An id.
 * @param b Another id.
 * @returns Negative when `a` is preferred.
 * @example
 * ```ts
 * import { byPrimaryPreference } from "./_osv_advisory.ts";
 * ["CVE-2021-1", "GHSA-x", "PYSEC-2021-9"].sort(byPrimaryPreference)[0]; // "PYSEC-2021-9"
 * ```
 */
export function byPrimaryPreference(a: string, b: string): number {
  return primaryRank(a) - primaryRank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

const SEVERITY_RANK: Record<Advisory["severity"], number> = {
  unknown: 0,
  low: 1,
  moderate: 2,
  high: 3,
  critical: 4,
};

function moreSevere(a: SeverityRating, b: SeverityRating): boolean {
  const rank = SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity];
  return rank > 0 || (rank === 0 && (a.score ?? -1) > (b.score ?? -1));
}

function rateRecord(record: OsvRecord, name: string): SeverityRating {
  const wanted = normaliseName(name);
  const entries = record.affected.filter((entry) =>
    entry.package?.ecosystem === "PyPI" && normaliseName(entry.package.name) === wanted
  );
  return rateSeverity(
    [...record.severity, ...entries.flatMap((entry) => entry.severity)],
    record.database_specific?.severity ??
      entries.map((entry) => entry.database_specific?.severity).find((value) =>
        value !== undefined
      ),
  );
}

/** Union-find over ids: records sharing any id or alias end in one group. */
function groupByAliases(records: OsvRecord[]): OsvRecord[][] {
  const parent = new Map<string, string>();
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root) as string;
    for (let at = id; at !== root;) {
      const next = parent.get(at) as string;
      parent.set(at, root);
      at = next;
    }
    return root;
  };
  for (const record of records) {
    for (const id of [record.id, ...record.aliases]) if (!parent.has(id)) parent.set(id, id);
    for (const alias of record.aliases) parent.set(find(alias), find(record.id));
  }
  const groups = new Map<string, OsvRecord[]>();
  for (const record of records) {
    const root = find(record.id);
    groups.set(root, [...(groups.get(root) ?? []), record]);
  }
  return [...groups.values()];
}

function summaryOf(record: OsvRecord): string | undefined {
  const text = record.summary ?? record.details?.split("\n").find((line) => line.trim() !== "");
  if (text === undefined) return undefined;
  const line = text.trim();
  return line.length > MAX_SUMMARY ? `${line.slice(0, MAX_SUMMARY - 1)}…` : line;
}

/**
 * The advisories affecting one package version among OSV records: withdrawn records skipped,
 * ranges evaluated with PEP 440, aliases merged into one advisory each, sorted by id.
 *
 * @param records Candidate records (e.g. those naming the package).
 * @param pkg The package and version.
 * @param options `database`: where the records came from, recorded on each advisory;
 *   `trusted`: the records are known to affect the version (the OSV API said so), so each is
 *   reported even when its ranges do not place the version, with the lowest fix above it.
 * @returns The advisories.
 * @example
 * ```ts
 * import { advisoriesFor } from "./_osv_advisory.ts";
 * const affected = [{
 *   package: { ecosystem: "PyPI", name: "demo" }, versions: [], severity: [],
 *   ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "2.0" }] }],
 * }];
 * const base = { modified: "2024-01-01T00:00:00Z", severity: [], references: [], affected };
 * const found = advisoriesFor([
 *   { ...base, id: "GHSA-aaaa-bbbb-cccc", aliases: ["CVE-2024-1"] },
 *   { ...base, id: "PYSEC-2024-1", aliases: ["CVE-2024-1"] },
 * ], { name: "demo", version: "1.0" });
 * found.map((a) => [a.id, a.aliases]); // [["PYSEC-2024-1", ["CVE-2024-1", "GHSA-aaaa-bbbb-cccc"]]]
 * ```
 */
export function advisoriesFor(
  records: readonly OsvRecord[],
  pkg: PackageVersion,
  options: { database?: string; trusted?: boolean } = {},
): Advisory[] {
  const matches = new Map<OsvRecord, string[]>();
  for (const record of records) {
    const match = affectedVersions(record, pkg.name, pkg.version);
    if (match.affected) matches.set(record, match.fixed);
    else if (options.trusted && record.withdrawn === undefined) {
      matches.set(record, fixedAbove(record, pkg.name, pkg.version));
    }
  }
  const advisories = groupByAliases([...matches.keys()]).map((group) => {
    group.sort((a, b) => byPrimaryPreference(a.id, b.id));
    const primary = group[0];
    const ids = new Set(group.flatMap((record) => [record.id, ...record.aliases]));
    ids.delete(primary.id);
    const ratings = group.map((record) => rateRecord(record, pkg.name));
    const rating = ratings.reduce((best, next) => (moreSevere(next, best) ? next : best));
    const reasons = ratings.map((each) => each.reason).filter((reason) => reason !== undefined);
    const modified = group.map((record) => record.modified)
      .reduce((a, b) => ((Date.parse(b) || 0) > (Date.parse(a) || 0) ? b : a));
    const references = [...new Set(group.flatMap((record) => record.references.map((r) => r.url)))]
      .slice(0, MAX_REFERENCES);
    const summary = group.map(summaryOf).find((text) => text !== undefined);
    const advisory: Advisory = {
      id: primary.id,
      aliases: [...ids].sort(),
      package: pkg.name,
      version: pkg.version,
      severity: rating.severity,
      fixed: [...new Set(group.flatMap((record) => matches.get(record) ?? []))].sort(compare),
      ...(summary === undefined ? {} : { summary }),
      ...(rating.score === undefined ? {} : { score: rating.score, vector: rating.vector }),
      ...(rating.source === undefined ? {} : { severitySource: rating.source }),
      ...(rating.severity === "unknown" && reasons.length > 0
        ? { severityReason: reasons.join("; ").slice(0, 1000) }
        : {}),
      ...(primary.published === undefined ? {} : { published: primary.published }),
      ...(modified === "" ? {} : { modified }),
      ...(references.length === 0 ? {} : { references }),
      ...(options.database === undefined ? {} : { database: options.database }),
    };
    return advisory;
  });
  return advisories.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
