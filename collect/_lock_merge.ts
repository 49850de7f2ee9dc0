/**
 * One distribution locked in several entries (a conda build per platform, a PDM entry per set of
 * extras) becomes one package: how the entries' facts combine.
 *
 * @module
 */
import type { Package } from "../core/snapshot.ts";
import { MAX_DEPENDS_ON } from "./_lock_values.ts";

/**
 * Fold `again` (another entry of the same distribution) into `known`: every platform, hash, extra,
 * dependency and line; main when either entry is main (no groups), else every group; markers only when both
 * entries agree.
 *
 * @param known The package kept; changed in place.
 * @param again The other entry.
 * @example
 * ```ts
 * import type { Package } from "../core/snapshot.ts";
import { MAX_DEPENDS_ON } from "./_lock_values.ts";
 * import { mergeLocked } from "./_lock_merge.ts";
 * const entry = (platform: string, groups: string[], line: number): Package => ({
 *   ecosystem: "conda", name: "numpy", version: "1.26.4", specifier: "==1.26.4", extras: [],
 *   hashes: [], source: { kind: "index" }, layer: "lock", direct: false, editable: false, groups,
 *   platforms: [platform], locations: [{ file: "pixi.lock", line }],
 * });
 * const known = entry("osx-arm64", ["dev"], 9);
 * mergeLocked(known, entry("linux-64", [], 17));
 * [known.platforms, known.groups]; // [["linux-64", "osx-arm64"], []]
 * ```
 */
export function mergeLocked(known: Package, again: Package): void {
  if (again.platforms !== undefined) {
    known.platforms = [...new Set([...known.platforms ?? [], ...again.platforms])].sort();
  }
  for (const hash of again.hashes) if (!known.hashes.includes(hash)) known.hashes.push(hash);
  for (const extra of again.extras) if (!known.extras.includes(extra)) known.extras.push(extra);
  if (again.dependsOn !== undefined) {
    known.dependsOn = [...new Set([...known.dependsOn ?? [], ...again.dependsOn])].sort()
      .slice(0, MAX_DEPENDS_ON);
  }
  known.locations.push(...again.locations);
  // An entry that is always installed makes the package main, whatever else needs it.
  if (known.groups.length > 0) {
    known.groups = again.groups.length === 0
      ? []
      : [...new Set([...known.groups, ...again.groups])].sort();
  }
  if (known.markers !== again.markers) delete known.markers;
}
