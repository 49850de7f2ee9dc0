/**
 * Ties pinned packages to the registry's release facts for the freshness checks, and says which
 * pins cannot be judged (not on the index, version unknown there, no upload time), so that a
 * check never passes what it could not look at.
 *
 * @module
 */
import { hasWrittenName, normaliseName } from "../../packaging/mod.ts";
import { eq as versionsEqual, valid as validVersion } from "@renovatebot/pep440";
import type { FindingDraft } from "../../core/check.ts";
import type { Package, Release, Snapshot } from "../../core/snapshot.ts";
import { packageSubject } from "../_shared.ts";

/** A pinned package with its release on the index. */
export interface PinnedRelease {
  /** The pin (first declaration of this name and version). */
  pkg: Package & { version: string };
  /** The index's release for the pinned version. */
  release: Release;
  /** The newest stable release on the index, if any. */
  latest?: Release;
}

/** A pin the checks could not judge, and why. */
export interface Unjudged {
  /** The pin. */
  pkg: Package & { version: string };
  /** Why, as a phrase: "is not on the index", "2.0 is not among its releases"… */
  why: string;
}

/** The public part of a version: `2.2.0+cu121` → `2.2.0`. */
function publicVersion(version: string): string {
  const plus = version.indexOf("+");
  return plus < 0 ? version : version.slice(0, plus);
}

/** The release of `version`, equal under PEP 440 (`3.2.0` is `3.2`); a local build falls back to its public release. */
function findRelease(releases: readonly Release[], version: string): Release | undefined {
  const same = (a: string, b: string) =>
    a === b || (validVersion(a) !== null && validVersion(b) !== null && versionsEqual(a, b));
  return releases.find((r) => same(r.version, version)) ??
    releases.find((r) => same(r.version, publicVersion(version)));
}

/**
 * Pinned PyPI packages from an index, once per name and version, with their releases; and the
 * pins that cannot be judged. Names listed in `privateNames`, and names a reader guessed, are
 * neither.
 *
 * @example
 * ```ts
 * import { pinnedReleases } from "./_facts.ts";
 * import { pkg, snapshotOf } from "../../testing.ts";
 * const snapshot = snapshotOf({
 *   packages: [pkg("django==3.2.0")],
 *   registry: { pypi: [{ name: "django", found: true, releases: [{ version: "3.2", yanked: true }] }], advisories: [], hub: [], provenance: [] },
 * });
 * pinnedReleases(snapshot, []).judged[0].release.version; // "3.2"
 * ```
 */
export function pinnedReleases(
  snapshot: Snapshot,
  privateNames: readonly string[],
): { judged: PinnedRelease[]; unjudged: Unjudged[] } {
  const skip = new Set(privateNames.map(normaliseName));
  const facts = new Map(snapshot.registry.pypi.map((p) => [p.name, p]));
  const seen = new Set<string>();
  const judged: PinnedRelease[] = [];
  const unjudged: Unjudged[] = [];
  for (const raw of snapshot.packages) {
    if (raw.ecosystem !== "pypi" || raw.version === undefined || raw.layer === "constraint") {
      continue;
    }
    // A guessed name may be another project on the index: its releases say nothing of this one.
    if (raw.source.kind !== "index" || !hasWrittenName(raw) || skip.has(raw.name)) continue;
    const pkg = raw as Package & { version: string };
    const key = `${pkg.name}@${pkg.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const entry = facts.get(pkg.name);
    if (entry === undefined || !entry.found) {
      unjudged.push({ pkg, why: "is not on the index" });
      continue;
    }
    const release = findRelease(entry.releases, pkg.version);
    if (release === undefined) {
      unjudged.push({ pkg, why: `${pkg.version} is not among its releases on the index` });
      continue;
    }
    const latest = entry.latest === undefined
      ? undefined
      : entry.releases.find((r) => r.version === entry.latest);
    judged.push({ pkg, release, ...(latest ? { latest } : {}) });
  }
  return { judged, unjudged };
}

/**
 * When the files of the pinned release were uploaded: the newest upload among the files the pin's
 * hashes allow (a file added to an old release later is what gets installed), else among all its
 * files, else the release's own time.
 *
 * @example
 * ```ts
 * import { installedUploadTime } from "./_facts.ts";
 * installedUploadTime({ hashes: [] }, {
 *   version: "1.0", yanked: false, uploadedAt: "2024-01-01T00:00:00Z",
 *   files: [{ filename: "a.whl", uploadedAt: "2024-01-01T00:00:00Z" }, { filename: "b.whl", uploadedAt: "2026-01-01T00:00:00Z" }],
 * }); // Date.parse("2026-01-01T00:00:00Z")
 * ```
 */
export function installedUploadTime(
  pkg: Pick<Package, "hashes">,
  release: Release,
): number | undefined {
  const pinned = new Set(
    pkg.hashes.filter((h) => h.startsWith("sha256:")).map((h) => h.slice(7).toLowerCase()),
  );
  const files = release.files ?? [];
  const allowed = pinned.size > 0
    ? files.filter((f) => f.sha256 !== undefined && pinned.has(f.sha256.toLowerCase()))
    : files;
  const times = allowed.map((f) => f.uploadedAt === undefined ? NaN : Date.parse(f.uploadedAt))
    .filter((t) => !Number.isNaN(t));
  if (times.length > 0) return Math.max(...times);
  const own = release.uploadedAt === undefined ? NaN : Date.parse(release.uploadedAt);
  return Number.isNaN(own) ? undefined : own;
}

/**
 * One warning for the pins a check could not judge, naming them and why, with the way out.
 *
 * @example
 * ```ts
 * import { unjudgedFinding } from "./_facts.ts";
 * unjudgedFinding([], "its age"); // undefined
 * ```
 */
export function unjudgedFinding(
  unjudged: readonly Unjudged[],
  what: string,
): FindingDraft | undefined {
  if (unjudged.length === 0) return undefined;
  const shown = unjudged.slice(0, 5).map((u) => `${u.pkg.name} ${u.why}`).join("; ");
  const more = unjudged.length > 5 ? `; and ${unjudged.length - 5} more` : "";
  return {
    subject: unjudged.length === 1 ? packageSubject(unjudged[0].pkg) : "project",
    location: unjudged[0].pkg.locations[0],
    severity: "warning",
    message:
      `${unjudged.length} pinned package(s) could not be judged for ${what}: ${shown}${more}.`,
    fix: "Check the package name and the index (--pypi-url); list packages that are not on it " +
      "(internal ones) in the check's `private` param.",
    evidence: { unjudged: unjudged.map((u) => ({ package: packageSubject(u.pkg), why: u.why })) },
  };
}
