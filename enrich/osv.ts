/**
 * Known vulnerabilities of PyPI packages from OSV: online from the OSV API (`--osv-url BASE`:
 * querybatch, then one detail request per distinct vulnerability, cached), or offline from a local
 * OSV database (a directory or zip of OSV records, JSON or YAML: `--osv-db PATH`). Ranges are
 * evaluated by PEP 440, aliases merged, and severity taken from CVSS v3.x/v4.0 vectors or
 * `database_specific`.
 *
 * Permissions: `--allow-net` for the API host, or `--allow-read` for the database path.
 *
 * @example
 * ```ts ignore
 * import { findAdvisories, loadOsvDatabase } from "./osv.ts";
 * const db = await loadOsvDatabase("../shared/corpus-osv");
 * const { advisories } = findAdvisories(db, [{ name: "aiohttp", version: "3.7.3" }]);
 * console.log(advisories.map((a) => `${a.id} ${a.severity} fixed in ${a.fixed.join(", ")}`));
 * ```
 *
 * @module
 */
import type { Problem } from "../core/snapshot.ts";
import type { Advisory } from "../core/snapshot_registry.ts";
import { advisoriesFor, type PackageVersion } from "./_osv_advisory.ts";
import type { OsvDatabase, OsvDatabaseVersion } from "./_osv_database.ts";
import { versionKey } from "./_osv_range.ts";

export {
  loadOsvDatabase,
  type OsvDatabase,
  type OsvDatabaseLimits,
  type OsvDatabaseOptions,
  type OsvDatabaseVersion,
} from "./_osv_database.ts";
export { type AffectedMatch, affectedVersions, fixedAbove } from "./_osv_range.ts";
export { OsvRecord, readOsvRecord } from "./_osv_record.ts";
export { advisoriesFor, byPrimaryPreference, type PackageVersion } from "./_osv_advisory.ts";
export { OSV_BATCH_SIZE, queryOsv, type QueryOsvOptions, type QueryOsvResult } from "./_osv_api.ts";

/**
 * How advisories from an offline database name their source: its path and digest.
 *
 * @param version The database version.
 * @returns `PATH (sha256:…)`.
 * @example
 * ```ts
 * import { databaseLabel } from "./osv.ts";
 * databaseLabel({ path: "osv", format: "directory", files: 0, records: 0, pypiRecords: 0, digest: "sha256:00" });
 * // "osv (sha256:00)"
 * ```
 */
export function databaseLabel(version: OsvDatabaseVersion): string {
  return `${version.path} (${version.digest})`;
}

/**
 * The advisories affecting each package version according to an offline database. A version that
 * is not PEP 440 can only be matched against the records' `versions` lists; that is reported as
 * a problem, so a clean result for it is never silent.
 *
 * @param db A database from {@linkcode loadOsvDatabase}.
 * @param packages The packages and versions to look up.
 * @returns Advisories (sorted by package, version, id) and problems.
 * @example
 * ```ts ignore
 * import { findAdvisories, loadOsvDatabase } from "./osv.ts";
 * const db = await loadOsvDatabase("osv-pypi.zip");
 * findAdvisories(db, [{ name: "jinja2", version: "2.10" }]).advisories.length; // 4
 * ```
 */
export function findAdvisories(
  db: OsvDatabase,
  packages: readonly PackageVersion[],
): { advisories: Advisory[]; problems: Problem[] } {
  const database = databaseLabel(db.version);
  const advisories: Advisory[] = [];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const pkg of packages) {
    const key = `${pkg.name}\0${pkg.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const records = db.recordsFor(pkg.name);
    if (records.length > 0 && versionKey(pkg.version) === undefined) {
      problems.push({
        file: db.version.path,
        message: `${pkg.name} ${pkg.version}: not a PEP 440 version, so only the explicit ` +
          `versions lists of ${records.length} record(s) were checked, not their ranges`,
      });
    }
    advisories.push(...advisoriesFor(records, pkg, { database }));
  }
  return { advisories, problems };
}
