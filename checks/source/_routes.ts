/**
 * Where a declared name can be resolved from: the indexes any unrouted name may come from, and
 * the index a routed one is sent to. Shared by the checks that judge dependency confusion.
 *
 * @module
 */
import type { Package, Snapshot } from "../../core/snapshot.ts";
import { normaliseIndexUrl } from "../_shared.ts";

/** The public index, as configurations and locks spell it. */
export const PYPI = "https://pypi.org/simple";

/** Whether `url` is the public PyPI index (simple API or the JSON API's host). */
export function isPypi(url: string): boolean {
  const normalised = normaliseIndexUrl(url);
  return normalised === PYPI || normalised === "https://pypi.org";
}

/** Indexes any unrouted name may come from: configured ones, plus PyPI unless replaced. */
export function reachableIndexes(snapshot: Snapshot): string[] {
  const candidates = snapshot.indexes.filter((i) =>
    i.role !== "conda-channel" && i.role !== "explicit"
  );
  const noIndex = snapshot.settings.some((s) => s.name === "no-index");
  const hasPrimary = candidates.some((i) => i.role === "primary");
  const urls = candidates.map((i) => i.url);
  if (!hasPrimary && !noIndex) urls.push(PYPI);
  return [...new Set(urls)].sort();
}

/** The URL of the index a package is routed to by name (`pypi` is PyPI), when configured. */
export function urlOfNamedIndex(snapshot: Snapshot, name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  if (name === "pypi") return PYPI;
  return snapshot.indexes.find((i) => i.name === name)?.url;
}

/** A declaration that names the index it must come from (uv sources, Poetry, Pipfile, PDM). */
export function isRouted(pkg: Package): boolean {
  return pkg.layer !== "lock" && pkg.source.kind === "index" &&
    (pkg.source.name !== undefined || pkg.source.url !== undefined);
}

/** The directory a package is declared in (`.` at the root). */
export function dirOf(pkg: Package): string {
  const file = pkg.locations[0].file;
  return file.includes("/") ? file.slice(0, file.lastIndexOf("/")) : ".";
}
