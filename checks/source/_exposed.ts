/**
 * Which declared packages an index configuration exposes to dependency confusion, internal-looking
 * names first, so a finding about an index says what is at stake (`acme-feature-store`), not only
 * which URL is wrong.
 *
 * @module
 */
import { hasWrittenName } from "../../packaging/mod.ts";
import { globToRegExp } from "../../core/glob.ts";
import type { Location, Package, PackageSource, Snapshot } from "../../core/snapshot.ts";
import { NAMES_IN_MESSAGE } from "./_lists.ts";
import { POPULAR_PYPI_PACKAGES } from "./lookalike_packages.ts";
import { dirOf, isRouted } from "./_routes.ts";

const POPULAR = new Set(POPULAR_PYPI_PACKAGES);

/**
 * A name looks internal when it matches one of `internalPackages` (globs), or is not among the
 * bundled popular PyPI names: a company's own package is never there, a well-known one is.
 */
export function internalLooking(internalPackages: readonly string[]): (name: string) => boolean {
  const globs = internalPackages.map((g) => globToRegExp(g));
  return (name) => !POPULAR.has(name) || globs.some((re) => re.test(name));
}

/**
 * A PyPI name declared from an index, written rather than guessed (a name guessed from a path or
 * URL is unknown: nothing can be said about who may publish it), and installed (a constraint
 * installs nothing).
 */
export function isDeclaredPypiName(
  pkg: Package,
): pkg is Package & { source: Extract<PackageSource, { kind: "index" }> } {
  return pkg.ecosystem === "pypi" && hasWrittenName(pkg) && pkg.source.kind === "index" &&
    pkg.layer !== "constraint";
}

/** The packages exposed by one piece of configuration, and which of them look internal. */
export interface Exposed {
  /** Every exposed name, internal-looking ones first, each group sorted. */
  names: string[];
  /** The internal-looking ones among them. */
  internal: string[];
}

/**
 * Configuration at `location` of `tool` applies to: for pip, whatever pip installs (its options
 * apply to every requirements file of the install, included ones too); for uv, Poetry, PDM and
 * pipenv, the project of that file (its directory and below); from the environment or the
 * machine's configuration, everything.
 */
export function appliesTo(
  location: Location,
  tool: string | undefined,
): (pkg: Package) => boolean {
  const file = location.file;
  if (tool === undefined || tool === "pip") return () => true;
  if (file.startsWith("env:") || file.startsWith("/") || file.startsWith("~")) return () => true;
  const dir = file.includes("/") ? file.slice(0, file.lastIndexOf("/")) : ".";
  return (pkg) => {
    const own = dirOf(pkg);
    return dir === "." || own === dir || own.startsWith(`${dir}/`);
  };
}

/**
 * The declared names an installer may take from any of several indexes: those it applies to
 * with no declaration routing them to one index (a name only a lock knows, a transitive one, is
 * routed by nothing).
 */
export function exposedNames(
  snapshot: Snapshot,
  options: { appliesTo: (pkg: Package) => boolean; isInternal: (name: string) => boolean },
): Exposed {
  const routed = new Set<string>();
  const unrouted = new Set<string>();
  const locked = new Set<string>();
  for (const pkg of snapshot.packages) {
    if (!isDeclaredPypiName(pkg) || !options.appliesTo(pkg)) continue;
    if (pkg.layer === "lock") locked.add(pkg.name);
    else if (isRouted(pkg)) routed.add(pkg.name);
    else unrouted.add(pkg.name);
  }
  for (const name of locked) if (!routed.has(name)) unrouted.add(name);
  const sorted = [...unrouted].sort();
  const internal = sorted.filter(options.isInternal);
  return { names: [...internal, ...sorted.filter((n) => !options.isInternal(n))], internal };
}

/**
 * ` At risk: acme-feature-store (internal-looking), numpy and 3 more.` — the first names, the
 * internal-looking ones marked; "" when nothing is exposed.
 */
export function atRiskSentence(exposed: Exposed): string {
  const { names, internal } = exposed;
  if (names.length === 0) return "";
  const shown = names.slice(0, NAMES_IN_MESSAGE);
  const shownInternal = shown.slice(0, Math.min(internal.length, shown.length));
  const parts = shownInternal.length === 0 ? [] : [
    `${shownInternal.join(", ")} (internal-looking${
      internal.length > shownInternal.length ? `, ${internal.length} in all` : ""
    })`,
  ];
  parts.push(...shown.slice(shownInternal.length));
  const more = names.length - shown.length;
  return ` At risk: ${parts.join(", ")}${more > 0 ? ` and ${more} more` : ""}.`;
}
