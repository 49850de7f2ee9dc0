/**
 * `source.unclaimed-names`: no internal-looking package name is free on the public index.
 *
 * @module
 */
import { z } from "zod";
import { defineCheck, type FindingDraft } from "../../core/check.ts";
import type { Package, Snapshot } from "../../core/snapshot.ts";
import { OWASP_ML06, packageSubject } from "../_shared.ts";
import { internalLooking, isDeclaredPypiName } from "./_exposed.ts";
import { boundedList } from "./_lists.ts";
import { isPypi, isRouted, reachableIndexes, urlOfNamedIndex } from "./_routes.ts";
import { POPULAR_PYPI_PACKAGES } from "./lookalike_packages.ts";

/**
 * `source.unclaimed-names` (online): a declared name that looks internal and that the public
 * index does not know (PyPI answers 404) is an error when the project can take it from there —
 * the classic dependency-confusion hole, since anyone may register the name — and a warning when
 * the project routes it elsewhere (any install without that routing still takes it from PyPI).
 *
 * @example
 * ```ts
 * import { unclaimedNames } from "./unclaimed_names.ts";
 * unclaimedNames({ internalPackages: ["acme-*"] });
 * ```
 */
export const unclaimedNames = defineCheck({
  id: "source.unclaimed-names",
  title: "No internal package name is free for anyone to register",
  description:
    "A package name that only your internal index serves, and that nobody holds on PyPI, can be " +
    "registered by anyone: an installer that may look on PyPI then installs their upload in " +
    "place of yours (dependency confusion, as in the 2021 attacks on dozens of companies and " +
    "PyTorch's torchtriton). Online, the package index (--pypi-url, PyPI by default) is asked " +
    "about every declared name that looks internal — one matching internalPackages, or not " +
    "among the bundled popular PyPI names — pinned or not, transitive lock entries included; a " +
    "name it does not know (404) is an error when the project can resolve it from PyPI and a " +
    "warning when the project routes it to another index only. Names guessed from a path or URL " +
    "are unknown and never asked. Offline without the answers the check is skipped; a failed " +
    "lookup is an error, never a pass.",
  family: "source",
  severity: "error",
  references: [OWASP_ML06, {
    title: "Alex Birsan: Dependency Confusion (2021)",
    url: "https://medium.com/@alex.birsan/dependency-confusion-4a5d60fec610",
  }, {
    title: "PEP 541 – Package Index Name Retention",
    url: "https://peps.python.org/pep-0541/",
  }],
  params: z.object({
    internalPackages: z.array(z.string().min(1)).default([])
      .describe(
        "Your internal package names (globs, PEP 503-normalised): asked about even when the " +
          "bundled popular list knows them",
      ),
  }).strict(),
  needs: ["packages", "indexes", "settings", "registry.pypi"],
  // Popular names are on PyPI: asking about them would cost requests and tell nothing.
  wants: (params) => {
    const isInternal = internalLooking(params.internalPackages);
    return { declaredPypiNames: { except: POPULAR_PYPI_PACKAGES.filter((n) => !isInternal(n)) } };
  },
  remedy: "Route internal packages to the internal index only, and register a placeholder " +
    "project under each internal name on PyPI so nobody else can.",
  run(snapshot, params) {
    const isInternal = internalLooking(params.internalPackages);
    const facts = new Map(snapshot.registry.pypi.map((f) => [f.name, f]));
    const asked = snapshot.data.find((d) => d.name === "pypi")?.url ?? "the package index";
    const declarations = new Map<string, Package[]>();
    for (const pkg of snapshot.packages) {
      if (!isDeclaredPypiName(pkg)) continue;
      declarations.set(pkg.name, [...declarations.get(pkg.name) ?? [], pkg]);
    }
    const findings: FindingDraft[] = [];
    const unasked: Package[][] = [];
    for (const [name, decls] of declarations) {
      const fact = facts.get(name);
      if (fact === undefined) {
        if (isInternal(name)) unasked.push(decls);
        continue;
      }
      if (fact.found) continue;
      findings.push(unclaimedFinding(snapshot, { name, decls, asked }));
    }
    if (unasked.length > 0) {
      const names = unasked.map((decls) => decls[0].name);
      findings.push({
        subject: names.length === 1
          ? packageSubject({ ecosystem: "pypi", name: names[0] })
          : "project",
        location: firstDeclaration(unasked[0]).locations[0],
        severity: "warning",
        message: `${names.length} internal-looking name(s) were not looked up on ${asked}, so ` +
          `nobody knows whether they are free to register: ${boundedList(names)}.`,
        evidence: { unasked: names },
        fix: "Run the check with the network (or a cache that holds the answers), so the index " +
          "is asked about every declared name; a snapshot enriched for another policy lacks them.",
      });
    }
    return findings;
  },
});

function unclaimedFinding(
  snapshot: Snapshot,
  options: { name: string; decls: Package[]; asked: string },
): FindingDraft {
  const { name, decls, asked } = options;
  const declared = decls.filter((d) => d.layer !== "lock");
  const routedTo = declared.filter(isRouted).map((d) =>
    d.source.kind === "index" ? d.source.url ?? urlOfNamedIndex(snapshot, d.source.name) : undefined
  );
  const reachable = reachableIndexes(snapshot);
  // Unrouted (or only locked, as transitive names are) it resolves wherever any name may.
  const unrouted = declared.length === 0 || declared.some((d) => !isRouted(d));
  const exposed = (unrouted && reachable.some(isPypi)) ||
    routedTo.some((url) => url === undefined || isPypi(url)) ||
    decls.some((d) =>
      d.layer === "lock" && d.source.kind === "index" && isPypi(d.source.url ?? "")
    );
  const routes = [...new Set(routedTo.filter((u): u is string => u !== undefined))];
  const pkg = firstDeclaration(decls);
  const where = routes.length > 0
    ? `routes it to ${routes.join(" or ")}`
    : `resolves it from ${reachable.join(" or ")}`;
  const unclaimed = `\`${name}\` is unclaimed on ${asked} (404: nobody has published it)`;
  const placeholder = `register a placeholder project named ${name} on PyPI (owned by your ` +
    "organisation, with no installable code) so nobody else can";
  return {
    subject: packageSubject({ ecosystem: "pypi", name }),
    location: pkg.locations[0],
    evidence: { index: asked, exposed, routedTo: routes, reachable },
    ...(exposed
      ? {
        message: `${unclaimed}, and this project can resolve it from PyPI: whoever registers ` +
          "the name first has their code installed in place of yours.",
        fix: `Route ${name} to your internal index only — uv: an explicit [[tool.uv.index]] and ` +
          `[tool.uv.sources] ${name} = { index = "<internal>" }; Poetry: ${name} = { version = ` +
          `"…", source = "<internal>" } with priority = "explicit"; pip: one --index-url that ` +
          `serves internal and public packages, no --extra-index-url — and ${placeholder}.`,
      }
      : {
        severity: "warning" as const,
        message: `${unclaimed}. This project ${where} only, but any install without that ` +
          "configuration (a developer's pip install, another project) takes whatever someone " +
          "registers on PyPI.",
        fix: `${placeholder[0].toUpperCase()}${placeholder.slice(1)}.`,
      }),
  };
}

/** A manifest or requirements declaration when there is one (it is what a person edits). */
function firstDeclaration(decls: readonly Package[]): Package {
  return decls.find((d) => d.layer !== "lock") ?? decls[0];
}
