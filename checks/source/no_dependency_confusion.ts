/**
 * `source.no-dependency-confusion`: every package name resolves from exactly the index it must
 * come from.
 *
 * @module
 */
import { z } from "zod";
import { defineCheck, type FindingDraft } from "../../core/check.ts";
import { globToRegExp } from "../../core/glob.ts";
import type { Index, Location, Package, Snapshot } from "../../core/snapshot.ts";
import { normaliseIndexUrl, OWASP_ML06, packageSubject } from "../_shared.ts";
import {
  appliesTo,
  atRiskSentence,
  exposedNames,
  internalLooking,
  isDeclaredPypiName,
} from "./_exposed.ts";
import { dirOf, reachableIndexes, urlOfNamedIndex } from "./_routes.ts";

/**
 * `source.no-dependency-confusion`: (a) no installer configuration that lets several indexes
 * serve the same name without per-package routing; (b) no locked package resolved from another
 * index than the one the manifest routes it to; (c) names matching `internalPackages` resolve
 * only from `internalIndexes`.
 *
 * @example
 * ```ts
 * import { noDependencyConfusion } from "./no_dependency_confusion.ts";
 * noDependencyConfusion({
 *   internalPackages: ["acme-*"],
 *   internalIndexes: ["https://pypi.acme.example/*"],
 * });
 * ```
 */
export const noDependencyConfusion = defineCheck({
  id: "source.no-dependency-confusion",
  title: "No package can be taken from the wrong index",
  description:
    "Dependency confusion: when an installer may take a name from any of several indexes, an " +
    "attacker who publishes that name on the public index (with a higher version) gets installed " +
    "instead of your internal package. This fails pip's --extra-index-url (anywhere: " +
    "requirements, pip.conf, PIP_EXTRA_INDEX_URL), uv indexes that are not explicit and uv's " +
    "unsafe index strategies, Poetry supplemental sources, PDM extra sources; a lock entry " +
    "resolved from another index than the manifest routes it to; and internal package names " +
    "that could resolve from a public index. Each finding about an index lists the declared " +
    "packages it puts at risk, internal-looking names first (those matching internalPackages, " +
    "or not among the bundled popular PyPI names); names guessed from a path or URL are unknown " +
    "and left out.",
  family: "source",
  severity: "error",
  references: [OWASP_ML06, {
    title: "PyTorch: compromised nightly dependency (torchtriton, December 2022)",
    url: "https://pytorch.org/blog/compromised-nightly-dependency/",
  }, {
    title: "uv: Indexes — pinning a package to an index and index strategies",
    url: "https://docs.astral.sh/uv/concepts/indexes/",
  }],
  params: z.object({
    internalPackages: z.array(z.string().min(1)).default([])
      .describe(
        "Names (globs, PEP 503-normalised) that exist only on your internal indexes; they are " +
          "listed first among the packages at risk",
      ),
    internalIndexes: z.array(z.string().min(1)).default([])
      .describe("Your internal index URLs (globs); internal packages must resolve only from these"),
  }).strict(),
  needs: ["indexes", "packages", "settings"],
  remedy: "Give each index one job: route internal names to an explicit internal index and take " +
    "everything else from one primary index (or one mirror that serves both).",
  run(snapshot, params) {
    const internalName = params.internalPackages.map((g) => globToRegExp(g));
    const internalIndex = params.internalIndexes.map((g) =>
      globToRegExp(normaliseIndexUrl(g), { path: true })
    );
    const isInternalIndex = (url: string) =>
      internalIndex.some((re) => re.test(normaliseIndexUrl(url)));
    const isInternal = internalLooking(params.internalPackages);
    return [
      ...sharedIndexFindings(snapshot, { isInternal }),
      // An internal name locked from a public index is reported once, by (c).
      ...lockedElsewhereFindings(snapshot, {
        skip: (pkg) =>
          internalName.some((re) => re.test(pkg.name)) && pkg.source.kind === "index" &&
          pkg.source.url !== undefined && !isInternalIndex(pkg.source.url),
      }),
      ...internalFindings(snapshot, {
        isInternal: (name) => internalName.some((re) => re.test(name)),
        isInternalIndex,
      }),
    ];
  },
});

/** (a) Configuration that lets several indexes serve the same name. */
function sharedIndexFindings(
  snapshot: Snapshot,
  options: { isInternal: (name: string) => boolean },
): FindingDraft[] {
  // Each finding names what it exposes: the declared names nothing routes to one index.
  const withAtRisk = (finding: FindingDraft, location: Location, tool: string | undefined) => {
    const exposed = exposedNames(snapshot, {
      appliesTo: appliesTo(location, tool),
      isInternal: options.isInternal,
    });
    return {
      ...finding,
      message: finding.message + atRiskSentence(exposed),
      evidence: { ...finding.evidence, atRisk: exposed.names, internalLooking: exposed.internal },
    };
  };
  const findings: FindingDraft[] = [];
  for (const index of snapshot.indexes) {
    const finding = sharedIndexFinding(index);
    if (finding) findings.push(withAtRisk(finding, index.location, index.tool));
  }
  for (const setting of snapshot.settings) {
    if (setting.name !== "index-strategy" || !/^unsafe-/.test(setting.value ?? "")) continue;
    findings.push(withAtRisk(
      {
        subject: `setting:index-strategy=${setting.value}`,
        location: setting.location,
        message: `uv index strategy ${setting.value} considers every index for every package: ` +
          "the dependency-confusion behaviour uv's default (first-index) exists to prevent.",
        fix:
          `Remove index-strategy = "${setting.value}" (the default "first-index" is safe), and ` +
          "route packages that need another index with explicit indexes and [tool.uv.sources].",
      },
      setting.location,
      "uv",
    ));
  }
  return findings;
}

/** The finding for one index that can serve any name alongside the others, if it can. */
function sharedIndexFinding(index: Index): FindingDraft | undefined {
  const tool = index.tool;
  const label = index.name ? `"${index.name}" (${index.url})` : index.url;
  const base = { subject: `index:${index.url}`, location: index.location };
  if (index.role === "extra" && (tool === "pip" || tool === undefined)) {
    return {
      ...base,
      message: `Extra index ${index.url} lets pip take any package from whichever index ` +
        "offers the highest version, so a public upload can shadow a private name.",
      fix: `Remove --extra-index-url ${index.url} from ${index.location.file}; serve internal ` +
        "and public packages from one --index-url (a repository that proxies PyPI), or pin " +
        "every requirement with --hash and install with --require-hashes.",
    };
  }
  if (index.role === "extra" && tool === "uv") {
    const name = index.name ?? "internal";
    const from = index.location.file.startsWith("env:") ? `${index.location.file.slice(4)} ` : "";
    return {
      ...base,
      message: `uv index ${label} is not explicit: uv looks every package up on it, so which ` +
        "index serves a name depends on index order and strategy, not on your intent.",
      fix: (from ? `Instead of ${from}, declare it` : "Declare it") + ` as a named index ` +
        `([[tool.uv.index]] in pyproject.toml, or [[index]] in uv.toml) with name = "${name}" ` +
        `and explicit = true, and route each package to it: [tool.uv.sources] <package> = ` +
        `{ index = "${name}" }.`,
    };
  }
  if (index.role === "extra" && tool === "pdm") {
    return {
      ...base,
      message: `PDM source ${label} is searched for every package alongside the others.`,
      fix: `Bind packages to it with include_packages = ["<name>", …] on [[tool.pdm.source]] ` +
        `"${index.name ?? "internal"}", and keep public names off it with exclude_packages.`,
    };
  }
  if (index.role === "extra" && tool === "pipenv") {
    return {
      ...base,
      message: `Pipfile source ${label} is searched for every package ` +
        "(install_search_all_sources = true), so any source can serve any name.",
      fix: "Remove install_search_all_sources from [pipenv] in the Pipfile and give each " +
        `package from this source its index: <package> = { version = "…", index = "${
          index.name ?? "internal"
        }" }.`,
    };
  }
  if (index.role === "supplemental" && tool === "poetry") {
    const name = index.name ?? "internal";
    return {
      ...base,
      message: `Poetry supplemental source ${label} serves any package the primary sources ` +
        "lack, so a name missing from one index is taken from the other.",
      fix: `Set priority = "explicit" on [[tool.poetry.source]] name = "${name}" and route ` +
        `each package to it: <package> = { version = "…", source = "${name}" }.`,
    };
  }
  return undefined;
}

/** (b) A lock entry resolved from another index than its manifest routes it to. */
function lockedElsewhereFindings(
  snapshot: Snapshot,
  options: { skip: (pkg: Package) => boolean },
): FindingDraft[] {
  const findings: FindingDraft[] = [];
  // A name may have several routes (per extra, group or marker): a lock entry must match one.
  const routes = new Map<string, Array<{ url: string; pkg: Package }>>();
  for (const pkg of snapshot.packages) {
    if (pkg.layer === "lock" || pkg.source.kind !== "index") continue;
    const key = `${dirOf(pkg)}|${pkg.ecosystem}|${pkg.name}`;
    const url = pkg.source.url ?? urlOfNamedIndex(snapshot, pkg.source.name);
    // An unrouted declaration may take the name from the default index: no route to enforce.
    if (!url) {
      if (pkg.source.name === undefined) {
        routes.set(key, [...routes.get(key) ?? [], { url: "*", pkg }]);
      }
      continue;
    }
    routes.set(key, [...routes.get(key) ?? [], { url, pkg }]);
  }
  for (const pkg of snapshot.packages) {
    if (pkg.layer !== "lock" || pkg.source.kind !== "index" || !pkg.source.url) continue;
    if (options.skip(pkg)) continue;
    const candidates = routes.get(`${dirOf(pkg)}|${pkg.ecosystem}|${pkg.name}`) ?? [];
    const locked = normaliseIndexUrl(pkg.source.url);
    if (
      candidates.length === 0 ||
      candidates.some((r) => r.url === "*" || normaliseIndexUrl(r.url) === locked)
    ) {
      continue;
    }
    const routed = candidates[0].pkg.locations[0];
    const urls = [...new Set(candidates.map((r) => r.url))];
    findings.push({
      subject: packageSubject(pkg),
      location: pkg.locations[0],
      message: `${pkg.name} is locked from ${pkg.source.url}, but ${routed.file}` +
        `${routed.line ? `:${routed.line}` : ""} routes it to ${urls.join(" or ")}.`,
      evidence: { locked: pkg.source.url, routed: urls },
      fix: `Re-lock (uv lock / poetry lock / pipenv lock) so ${pkg.name} resolves from ` +
        `${urls.join(" or ")}, and review how the lock came to name another index.`,
    });
  }
  return findings;
}

/** (c) Internal names that could, or did, resolve from a non-internal index. */
function internalFindings(
  snapshot: Snapshot,
  options: { isInternal: (name: string) => boolean; isInternalIndex: (url: string) => boolean },
): FindingDraft[] {
  const findings: FindingDraft[] = [];
  const reachable = reachableIndexes(snapshot);
  for (const pkg of snapshot.packages) {
    // A guessed name is unknown: matching it against internalPackages would be a coincidence.
    if (!isDeclaredPypiName(pkg) || !options.isInternal(pkg.name)) continue;
    const base = { subject: packageSubject(pkg), location: pkg.locations[0] };
    if (pkg.layer === "lock") {
      if (pkg.source.url && !options.isInternalIndex(pkg.source.url)) {
        findings.push({
          ...base,
          message: `Internal package ${pkg.name} is locked from ${pkg.source.url}, which is not ` +
            "an internal index: this may already be an attacker's upload.",
          evidence: { locked: pkg.source.url },
          fix: `Check where ${pkg.name} ${pkg.version ?? ""} came from before installing it; ` +
            "route it to the internal index and re-lock.",
        });
      }
      continue;
    }
    const routed = pkg.source.url ?? urlOfNamedIndex(snapshot, pkg.source.name);
    if (routed && options.isInternalIndex(routed)) continue;
    const outside = reachable.filter((url) => !options.isInternalIndex(url));
    if (outside.length === 0) continue;
    findings.push({
      ...base,
      message: `Internal package ${pkg.name} can be resolved from ${outside.join(", ")}: anyone ` +
        "who publishes that name there can replace it.",
      evidence: { reachable },
      fix: `Route ${pkg.name} to the internal index only: uv [tool.uv.sources] ${pkg.name} = ` +
        `{ index = "<internal>" } with an explicit index; Poetry ${pkg.name} = { version = "…", ` +
        'source = "<internal>" } with priority = "explicit"; pip: install from a single ' +
        "--index-url that serves both internal and public packages.",
    });
  }
  return findings;
}
