/**
 * Whether a PyPI package version is affected by an OSV record: the schema's evaluation algorithm
 * (https://ossf.github.io/osv-schema/#evaluation) over `ECOSYSTEM` ranges with PEP 440 ordering,
 * plus the explicit `versions` lists. Events are sorted by version (stable: equal versions keep
 * the record's order); `introduced: "0"` sorts before every version; `limit: "*"` is infinity;
 * without `limit` events a range has no upper limit. `GIT` and `SEMVER` ranges are not evaluated
 * for PyPI (only the `versions` list speaks for them).
 *
 * Local versions (`2.2.0+cu121`, how PyTorch's CUDA builds are pinned) follow PEP 440's specifier
 * rules: a `last_affected` or listed version without a local label stands for all its local
 * builds (`<=2.2.0` and `==2.2.0` match `2.2.0+cu121`), while `introduced`, `fixed` and `limit`
 * compare the whole version (`2.2.0+cu121` sorts after `2.2.0`, so a fix at `2.2.0` covers it).
 *
 * @module
 */
import { normaliseName } from "../packaging/mod.ts";
import { compare, parse } from "@renovatebot/pep440";
import { type OsvAffected, type OsvRange, type OsvRecord } from "./_osv_record.ts";

/** What {@linkcode affectedVersions} found for one version. */
export interface AffectedMatch {
  /** Whether the version is affected. */
  affected: boolean;
  /** The fixed versions that end the ranges the version falls in (PEP 440 order). */
  fixed: string[];
  /** `last_affected` versions that end those ranges, when a range has no fix. */
  lastAffected: string[];
}

/** A range prepared for evaluation: events sorted, each with its kind. */
interface SortedRange {
  events: { kind: "introduced" | "fixed" | "last_affected" | "limit"; version: string }[];
  limits: string[];
}

const sortedRanges = new WeakMap<OsvRange, SortedRange | null>();
const versionKeys = new WeakMap<OsvAffected, Set<string>>();

/**
 * A key equal for versions PEP 440 calls equal ("1.0" and "1.0.0", "1.0RC1" and "1.0rc1").
 *
 * @param version A version string.
 * @returns The key, or undefined when the string is not a PEP 440 version.
 * @example
 * ```ts
 * import { versionKey } from "./_osv_range.ts";
 * versionKey("1.0") === versionKey("1.0.0"); // true
 * ```
 */
export function versionKey(version: string): string | undefined {
  const parsed = version.length <= 256 ? parse(version) : null;
  if (parsed === null) return undefined;
  const release = [...parsed.release];
  while (release.length > 1 && release[release.length - 1] === 0) release.pop();
  return [parsed.epoch, release.join("."), parsed.pre, parsed.post, parsed.dev, parsed.local]
    .map((part) => String(part ?? "")).join("|");
}

/** The public part of a PEP 440 version: "2.2.0+cu121" is "2.2.0". */
function publicVersion(version: string): string {
  const plus = version.indexOf("+");
  return plus === -1 ? version : version.slice(0, plus);
}

/** Whether an event version can be evaluated: PEP 440, or the special "0" and "*". */
function evaluable(kind: string, version: string): boolean {
  if (kind === "introduced" && version === "0") return true;
  if (kind === "limit" && version === "*") return true;
  return versionKey(version) !== undefined;
}

/**
 * What stops an `ECOSYSTEM` range of a PyPI package from being evaluated, if anything: a version
 * that is not PEP 440, or no `introduced` event. Such a range is left out of matching.
 *
 * @param range A range of a PyPI `affected[]` entry.
 * @returns The reason, or undefined when the range can be evaluated.
 * @example
 * ```ts
 * import { rangeProblem } from "./_osv_range.ts";
 * rangeProblem({ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "1.0-beta" }] }); // undefined
 * rangeProblem({ type: "ECOSYSTEM", events: [{ fixed: "1.0" }] }); // "range has no introduced event"
 * ```
 */
export function rangeProblem(range: OsvRange): string | undefined {
  for (const event of range.events) {
    const [kind, value] = Object.entries(event)[0] as [string, string];
    if (!evaluable(kind, value)) return `${kind} "${value.slice(0, 64)}" is not a PEP 440 version`;
  }
  if (!range.events.some((event) => "introduced" in event)) return "range has no introduced event";
  return undefined;
}

function prepare(range: OsvRange): SortedRange | null {
  const cached = sortedRanges.get(range);
  if (cached !== undefined) return cached;
  let prepared: SortedRange | null = null;
  if (range.type === "ECOSYSTEM" && rangeProblem(range) === undefined) {
    const events = range.events.map((event) => {
      const [kind, version] = Object.entries(event)[0] as [
        SortedRange["events"][0]["kind"],
        string,
      ];
      return { kind, version };
    });
    const limits = events.filter((event) => event.kind === "limit").map((event) => event.version);
    const ordered = events.filter((event) => event.kind !== "limit");
    const rank = (event: { kind: string; version: string }) =>
      event.kind === "introduced" && event.version === "0" ? -1 : 0;
    ordered.sort((a, b) =>
      rank(a) - rank(b) || (rank(a) === -1 ? 0 : compare(a.version, b.version))
    );
    prepared = { events: ordered, limits };
  }
  sortedRanges.set(range, prepared);
  return prepared;
}

/** The schema's IncludedInRanges for one range, with the event that closes the version's interval. */
function evaluateRange(
  range: SortedRange,
  version: string,
): { affected: boolean; fixed?: string; lastAffected?: string } {
  if (
    range.limits.length > 0 &&
    !range.limits.some((limit) => limit === "*" || compare(version, limit) < 0)
  ) {
    return { affected: false };
  }
  let affected = false;
  let applied = -1;
  range.events.forEach((event, index) => {
    if (event.kind === "introduced") {
      if (event.version === "0" || compare(version, event.version) >= 0) {
        affected = true;
        applied = index;
      }
    } else if (event.kind === "fixed") {
      if (compare(version, event.version) >= 0) {
        affected = false;
        applied = index;
      }
    } else if (compare(lastAffectedSide(version, event.version), event.version) > 0) {
      affected = false;
      applied = index;
    }
  });
  if (!affected) return { affected };
  const closing = range.events.slice(applied + 1).find((event) => event.kind !== "introduced");
  if (closing?.kind === "fixed") return { affected, fixed: closing.version };
  if (closing?.kind === "last_affected") return { affected, lastAffected: closing.version };
  return { affected };
}

/**
 * The side of a `last_affected` comparison for `version`: its public part when the event names no
 * local label, as PEP 440's `<=` ignores a candidate's local label then.
 */
function lastAffectedSide(version: string, lastAffected: string): string {
  return lastAffected.includes("+") ? version : publicVersion(version);
}

function listedVersion(entry: OsvAffected, version: string, key: string | undefined): boolean {
  if (entry.versions.includes(version)) return true;
  if (key === undefined) return false;
  let keys = versionKeys.get(entry);
  if (keys === undefined) {
    keys = new Set(entry.versions.map(versionKey).filter((k): k is string => k !== undefined));
    versionKeys.set(entry, keys);
  }
  if (keys.has(key)) return true;
  // A listed version without a local label matches its local builds, as `==2.2.0` does.
  const publicKey = version.includes("+") ? versionKey(publicVersion(version)) : undefined;
  return publicKey !== undefined && keys.has(publicKey);
}

/** The lowest `fixed` version above `version` in the ranges, if any (as a 0- or 1-element list). */
function lowestFixAbove(ranges: SortedRange[], version: string): string[] {
  const above = ranges.flatMap((range) => range.events)
    .filter((event) => event.kind === "fixed" && compare(event.version, version) > 0)
    .map((event) => event.version);
  return above.length > 0 ? [byVersion(above)[0]] : [];
}

/**
 * The lowest fixed version above `version` in a record's `ECOSYSTEM` ranges for a PyPI package:
 * the fix to name when a source says the version is affected but the ranges do not place it.
 *
 * @param record The OSV record.
 * @param name Package name (any spelling).
 * @param version A PEP 440 version (anything else has no fix above it).
 * @returns The version, or nothing.
 * @example
 * ```ts
 * import { fixedAbove } from "./_osv_range.ts";
 * const record = {
 *   id: "PYSEC-0000-2", modified: "2024-01-01T00:00:00Z", aliases: [], severity: [], references: [],
 *   affected: [{
 *     package: { ecosystem: "PyPI", name: "demo" }, versions: [], severity: [],
 *     ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "2.0" }, { fixed: "2.1" }] }],
 *   }],
 * };
 * fixedAbove(record, "demo", "1.5"); // ["2.1"]
 * ```
 */
export function fixedAbove(record: OsvRecord, name: string, version: string): string[] {
  if (versionKey(version) === undefined) return [];
  const wanted = normaliseName(name);
  const ranges = record.affected.filter((entry) =>
    entry.package?.ecosystem === "PyPI" && normaliseName(entry.package.name) === wanted
  ).flatMap((entry) => entry.ranges.map(prepare).filter((range) => range !== null));
  return lowestFixAbove(ranges, version);
}

function byVersion(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compare);
}

/**
 * Whether `name` at `version` (PyPI) is affected by an OSV record, and the fixed versions that
 * matter for it: the fix ending each range the version falls in; when only a `versions` list
 * names it, the lowest fix above it in the entry's `ECOSYSTEM` ranges. A withdrawn record affects
 * nothing. A version that is not PEP 440 is matched against `versions` lists only.
 *
 * @param record The OSV record.
 * @param name Package name (any spelling; compared PEP 503 normalised).
 * @param version The version installed or pinned.
 * @returns Whether it is affected, with fixed and last-affected versions.
 * @example
 * ```ts
 * import { affectedVersions } from "./_osv_range.ts";
 * const record = {
 *   id: "PYSEC-0000-1", modified: "2024-01-01T00:00:00Z", aliases: [], severity: [], references: [],
 *   affected: [{
 *     package: { ecosystem: "PyPI", name: "demo" }, versions: [], severity: [],
 *     ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "1.2" }] }],
 *   }],
 * };
 * affectedVersions(record, "Demo", "1.1"); // { affected: true, fixed: ["1.2"], lastAffected: [] }
 * ```
 */
export function affectedVersions(record: OsvRecord, name: string, version: string): AffectedMatch {
  const none: AffectedMatch = { affected: false, fixed: [], lastAffected: [] };
  if (record.withdrawn !== undefined) return none;
  const wanted = normaliseName(name);
  const key = versionKey(version);
  let affected = false;
  const fixed: string[] = [];
  const lastAffected: string[] = [];
  for (const entry of record.affected) {
    if (entry.package?.ecosystem !== "PyPI") continue;
    if (normaliseName(entry.package.name) !== wanted) continue;
    let inRange = false;
    const ranges = key === undefined ? [] : entry.ranges.map(prepare).filter((r) => r !== null);
    for (const range of ranges) {
      const result = evaluateRange(range, version);
      if (!result.affected) continue;
      inRange = true;
      if (result.fixed !== undefined) fixed.push(result.fixed);
      if (result.lastAffected !== undefined) lastAffected.push(result.lastAffected);
    }
    if (!inRange && listedVersion(entry, version, key)) {
      inRange = true;
      fixed.push(...lowestFixAbove(ranges, version));
    }
    affected ||= inRange;
  }
  return affected
    ? { affected, fixed: byVersion(fixed), lastAffected: byVersion(lastAffected) }
    : none;
}
