/**
 * Which distribution files of a project's critical packages should carry PEP 740 attestations:
 * the files of the pinned release whose sha256 the project pins. Requirements files and locks
 * record hashes, not file names, so the release's file list (registry facts from the index) ties
 * each pinned hash to its file name. Pure; shared by `signature.package-attested` and the
 * Integrity API enricher, so both pick the same files.
 *
 * Decisions:
 * - only pinned (`==`) PyPI packages resolved through an index count, constraints excluded;
 * - only hashed files: a package pinned without a sha256 hash cannot be tied to the files that
 *   get installed, so it is reported as `unhashed` rather than trusting whatever PyPI lists;
 * - a pinned hash that is none of the release's files on the index is `unpublished`: no
 *   attestation on that index can cover it.
 *
 * @module
 */
import { normaliseName } from "../packaging/mod.ts";
import { eq, valid } from "@renovatebot/pep440";
import type { Package, RegistryData } from "../core/snapshot.ts";

/** One distribution file to ask the Integrity API about. */
export interface ProvenanceTarget {
  /** PEP 503-normalised project name. */
  name: string;
  version: string;
  filename: string;
  /** Lower-case hex sha256 the project pins for the file. */
  sha256: string;
}

/** What was found for one pinned critical package. */
export interface ProvenancePlan {
  name: string;
  version: string;
  /** The first declaration (for subject and location). */
  package: Package;
  /**
   * `hashed`: files were tied to pinned hashes; `unhashed`: no sha256 is pinned;
   * `unknown-release`: the index facts do not list this version (or the project).
   */
  status: "hashed" | "unhashed" | "unknown-release";
  /** The release's files whose sha256 is pinned. */
  files: ProvenanceTarget[];
  /** Pinned sha256 digests that are none of the release's files. */
  unpublished: string[];
  /** Files left out because more than {@linkcode MAX_PROVENANCE_TARGETS} were planned. */
  truncated: boolean;
}

/**
 * At most this many files are planned (a lock pins at most a few dozen per package).
 *
 * @example
 * ```ts
 * import { MAX_PROVENANCE_TARGETS } from "./_pep740_targets.ts";
 * MAX_PROVENANCE_TARGETS; // 2000
 * ```
 */
export const MAX_PROVENANCE_TARGETS = 2_000;

const SHA256 = /^sha256:([0-9a-fA-F]{64})$/;

/**
 * Plan the provenance look-ups for the critical packages a project pins.
 *
 * @param options `packages` (snapshot packages), `pypi` (registry facts with file lists) and
 *   `critical` (package names, any spelling).
 * @returns One plan per pinned name and version, in the order first declared.
 * @example
 * ```ts
 * import { planProvenance } from "./_pep740_targets.ts";
 * const sha = "ab".repeat(32);
 * const [plan] = planProvenance({
 *   critical: ["numpy"],
 *   packages: [{
 *     ecosystem: "pypi", name: "numpy", version: "2.0.1", specifier: "==2.0.1", extras: [],
 *     hashes: [`sha256:${sha}`], source: { kind: "index" }, layer: "lock", direct: true,
 *     editable: false, groups: [], locations: [{ file: "uv.lock", line: 10 }],
 *   }],
 *   pypi: [{
 *     name: "numpy", found: true, releases: [{
 *       version: "2.0.1", yanked: false, files: [{ filename: "numpy-2.0.1.tar.gz", sha256: sha }],
 *     }],
 *   }],
 * });
 * plan.files[0].filename; // "numpy-2.0.1.tar.gz"
 * ```
 */
export function planProvenance(options: {
  packages: readonly Package[];
  pypi: RegistryData["pypi"];
  critical: readonly string[];
}): ProvenancePlan[] {
  const critical = new Set(options.critical.map(normaliseName));
  const facts = new Map(options.pypi.filter((p) => p.found).map((p) => [p.name, p]));
  const plans = new Map<string, { package: Package; hashes: Set<string> }>();
  for (const pkg of options.packages) {
    if (
      pkg.ecosystem !== "pypi" || pkg.version === undefined || pkg.layer === "constraint" ||
      pkg.source.kind !== "index" || !critical.has(normaliseName(pkg.name))
    ) continue;
    const name = normaliseName(pkg.name);
    const key = `${name}@${pkg.version}`;
    const plan = plans.get(key) ?? { package: pkg, hashes: new Set<string>() };
    for (const hash of pkg.hashes) {
      const match = SHA256.exec(hash);
      if (match) plan.hashes.add(match[1].toLowerCase());
    }
    plans.set(key, plan);
  }
  let budget = MAX_PROVENANCE_TARGETS;
  return [...plans.values()].map(({ package: pkg, hashes }): ProvenancePlan => {
    const name = normaliseName(pkg.name);
    const version = pkg.version!;
    const base = { name, version, package: pkg, files: [], unpublished: [], truncated: false };
    if (hashes.size === 0) return { ...base, status: "unhashed" };
    const release = facts.get(name)?.releases.find((r) => sameVersion(r.version, version));
    if (release === undefined || release.files === undefined) {
      return { ...base, status: "unknown-release" };
    }
    const files: ProvenanceTarget[] = [];
    const tied = new Set<string>();
    let truncated = false;
    for (const file of release.files) {
      const sha256 = file.sha256?.toLowerCase();
      if (sha256 === undefined || !hashes.has(sha256)) continue;
      tied.add(sha256);
      if (budget <= 0) {
        truncated = true;
        continue;
      }
      budget--;
      files.push({ name, version: release.version, filename: file.filename, sha256 });
    }
    const unpublished = [...hashes].filter((h) => !tied.has(h)).sort();
    return { ...base, status: "hashed", files, unpublished, truncated };
  });
}

/**
 * Every file of the plans, once per file name and digest: what the enricher asks for.
 *
 * @example
 * ```ts
 * import { provenanceTargets } from "./_pep740_targets.ts";
 * provenanceTargets([]); // []
 * ```
 */
export function provenanceTargets(plans: readonly ProvenancePlan[]): ProvenanceTarget[] {
  const seen = new Set<string>();
  const out: ProvenanceTarget[] = [];
  for (const target of plans.flatMap((p) => p.files)) {
    const key = `${target.name}\n${target.version}\n${target.filename}\n${target.sha256}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(target);
  }
  return out;
}

function sameVersion(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return valid(a) !== null && valid(b) !== null && eq(a, b);
  } catch {
    return false;
  }
}
