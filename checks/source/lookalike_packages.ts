/**
 * `source.lookalike-packages`: declared names that imitate a popular PyPI package.
 *
 * @module
 */
import { hasWrittenName, normaliseName } from "../../packaging/mod.ts";
import { z } from "zod";
import { defineCheck, type FindingDraft, type Reference } from "../../core/check.ts";
import type { Package } from "../../core/snapshot.ts";
import popular from "../../data/popular_pypi_packages.json" with { type: "json" };
import distinct from "../../data/known_distinct_pypi_packages.json" with { type: "json" };
import { OWASP_ML06, packageSubject } from "../_shared.ts";
import { buildNameMatcher, type NameMatch, type NameMatcher } from "../_similarity.ts";

/**
 * The bundled popular PyPI names (PEP 503-normalised, sorted); provenance in `data/README.md`.
 *
 * @example
 * ```ts
 * import { POPULAR_PYPI_PACKAGES } from "./lookalike_packages.ts";
 * POPULAR_PYPI_PACKAGES.includes("torch"); // true
 * ```
 */
export const POPULAR_PYPI_PACKAGES: readonly string[] = popular.packages;

/**
 * Reviewed real packages that sit within the thresholds of a popular name (`moto` near `boto`):
 * never flagged. See data/known_distinct_pypi_packages.json for why each is there.
 *
 * @example
 * ```ts
 * import { KNOWN_DISTINCT_PYPI_PACKAGES } from "./lookalike_packages.ts";
 * KNOWN_DISTINCT_PYPI_PACKAGES.has("moto"); // true
 * ```
 */
export const KNOWN_DISTINCT_PYPI_PACKAGES: ReadonlySet<string> = new Set(
  distinct.packages.map((p) => p.name),
);

// Built once: most policies use the bundled list alone.
const BUNDLED_MATCHER = buildNameMatcher(POPULAR_PYPI_PACKAGES);

const DEPENDENCY_COMPROMISE: Reference = {
  title: "MITRE ATT&CK T1195.001: Compromise Software Dependencies and Development Tools",
  url: "https://attack.mitre.org/techniques/T1195/001/",
};

/**
 * `source.lookalike-packages`: a declared PyPI name that is not itself popular but is one or two
 * edits away from a popular one, looks the same once separators and look-alike characters are
 * folded, or adds a squatting prefix or suffix (`python-`, `py-`, `-python`, `2`).
 *
 * @example
 * ```ts
 * import { lookalikePackages } from "./lookalike_packages.ts";
 * lookalikePackages({ allow: ["pymssql"], extraPopular: ["acme-core"] });
 * ```
 */
export const lookalikePackages = defineCheck({
  id: "source.lookalike-packages",
  title: "No package names that imitate popular packages",
  description:
    "Typo-squatting publishes malware under a name one slip away from a popular package " +
    "(`troch`, `reqeusts`), the same name with other separators or look-alike characters " +
    "(`scikitlearn`, `t\u03BFrch` with a Greek omicron), or the name with a prefix or suffix " +
    "(`python-numpy`, `numpy2`). Each declared PyPI name is compared with a bundled list of " +
    "popular ML and data packages (and `extraPopular`): one edit counts from 4 characters, two " +
    "from 8, judged on the shorter name; shorter names count only when their skeletons are " +
    "equal. Numbered variants (`-cu12` and `-cu13`) and two edits inside one short word " +
    "(`pytest-cov` and `pytest-env`) name different packages, not slips, and are not reported.",
  family: "source",
  severity: "error",
  references: [OWASP_ML06, DEPENDENCY_COMPROMISE],
  params: z.object({
    allow: z.array(z.string().min(1)).default([])
      .describe("Names that are real packages you mean to use (compared after normalisation)"),
    extraPopular: z.array(z.string().min(1)).default([])
      .describe("Names to protect besides the bundled list, e.g. your internal packages"),
    maxDistance: z.number().int().min(0).max(2).default(2)
      .describe("Most edits that still count as a look-alike (0: skeleton and affixes only)"),
  }).strict(),
  needs: ["packages"],
  remedy: "Correct the name to the package you meant, or allow it after checking its publisher.",
  run(snapshot, params) {
    const allowed = new Set(params.allow.map(normaliseName));
    const matcher = params.extraPopular.length > 0
      ? buildNameMatcher([...POPULAR_PYPI_PACKAGES, ...params.extraPopular])
      : BUNDLED_MATCHER;
    const findings: FindingDraft[] = [];
    const seen = new Set<string>();
    for (const pkg of snapshot.packages) {
      // A name a reader guessed from a path or URL was typed by nobody: it is no typo.
      if (pkg.ecosystem !== "pypi" || !hasWrittenName(pkg) || seen.has(pkg.name)) continue;
      seen.add(pkg.name);
      const finding = lookalikeFinding(pkg, matcher, allowed, params.maxDistance);
      if (finding) findings.push(finding);
    }
    return findings;
  },
});

function lookalikeFinding(
  pkg: Package,
  matcher: NameMatcher,
  allowed: ReadonlySet<string>,
  maxDistance: number,
): FindingDraft | undefined {
  const name = normaliseName(pkg.name);
  if (allowed.has(name) || matcher.has(name) || KNOWN_DISTINCT_PYPI_PACKAGES.has(name)) {
    return undefined;
  }
  const match = matcher.match(name, maxDistance);
  if (!match) return undefined;
  return {
    subject: packageSubject(pkg),
    location: pkg.locations[0],
    message: `\`${pkg.name}\` ${describeMatch(match)}; a typo-squatted name installs the ` +
      "attacker's code.",
    evidence: {
      nearest: match.nearest,
      distance: match.distance,
      reason: match.reason,
      ...(match.affix ? { affix: match.affix } : {}),
    },
    fix: `If you meant ${match.nearest}, correct the name; if ${pkg.name} is the real package ` +
      "you want, add it to source.lookalike-packages.allow after checking its publisher and " +
      "history.",
    severity: match.reason === "edit-distance" && match.distance > 1 ? "warning" : "error",
  };
}

function describeMatch(match: NameMatch): string {
  const popularName = `the popular package \`${match.nearest}\``;
  switch (match.reason) {
    case "confusable":
      return `looks the same as ${popularName} once separators and look-alike characters ` +
        "are folded";
    case "affix":
      return match.affix!.startsWith("-") || match.affix === "2"
        ? `is ${popularName} with \`${match.affix}\` appended`
        : `is ${popularName} with the prefix \`${match.affix}\``;
    default:
      return `is ${match.distance === 1 ? "one edit" : "two edits"} away from ${popularName}`;
  }
}
