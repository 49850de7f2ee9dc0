/**
 * Enrichment: adds registry facts (PyPI releases, OSV advisories, Hub model info, PEP 740
 * provenance) to a collected snapshot. Each source fills its section completely or not at all: a
 * source that fails leaves its section out of `collected` and records a problem, so the checks
 * that need it end `error` (or `skipped` offline) — never a pass on missing data.
 *
 * @module
 */
import type { DataSource, Problem, RegistryData, Section, Snapshot } from "../core/snapshot.ts";
import { redactUrl } from "../collect/_url.ts";
import { fetchHubFacts } from "./huggingface.ts";
import type { FetchSource, HttpClient } from "./http.ts";
import { fetchPypiFacts } from "./pypi.ts";

/** Default base URLs of the public services. */
export const DEFAULT_URLS = {
  pypi: "https://pypi.org",
  osv: "https://api.osv.dev",
  huggingface: "https://huggingface.co",
} as const;

/** What one source adds: its slice of registry data, and where it came from. */
export interface SourceResult {
  /** Registry fields to set. */
  registry: Partial<RegistryData>;
  /** Sections now complete. */
  sections: Section[];
  /** Provenance for the snapshot's `data`. */
  source: DataSource;
}

/** A source of registry facts, run against a snapshot. */
export type EnrichSource = (snapshot: Snapshot) => Promise<SourceResult>;

/** What {@linkcode enrich} takes. */
export interface EnrichOptions {
  /** The sources to run (see {@linkcode pypiSource}, {@linkcode hubSource}, …), by name. */
  sources: Readonly<Record<string, EnrichSource>>;
}

/**
 * Runs the sources against `snapshot` and returns a new snapshot with their data. Sources run
 * concurrently; one failing does not stop the others.
 *
 * @param snapshot A collected snapshot (not modified).
 * @param options The sources.
 * @returns The enriched snapshot.
 * @example
 * ```ts ignore
 * import { HttpClient } from "./http.ts";
 * import { enrich, pypiSource } from "./mod.ts";
 * const client = new HttpClient({ cacheDir: "/tmp/tollgate-cache" });
 * const enriched = await enrich(snapshot, {
 *   sources: { pypi: pypiSource({ client, baseUrl: "https://pypi.org" }) },
 * });
 * ```
 */
export async function enrich(snapshot: Snapshot, options: EnrichOptions): Promise<Snapshot> {
  const registry: RegistryData = structuredClone(snapshot.registry);
  const collected = new Set<Section>(snapshot.collected);
  const data = [...snapshot.data];
  const problems: Problem[] = [...snapshot.problems];
  const entries = Object.entries(options.sources);
  const settled = await Promise.allSettled(entries.map(([, source]) => source(snapshot)));
  settled.forEach((outcome, i) => {
    const name = entries[i][0];
    if (outcome.status === "rejected") {
      const reason = outcome.reason instanceof Error
        ? outcome.reason.message
        : String(outcome.reason);
      problems.push({ file: `(${name})`, message: `${name}: ${reason}` });
      return;
    }
    Object.assign(registry, outcome.value.registry);
    for (const section of outcome.value.sections) collected.add(section);
    data.push(outcome.value.source);
  });
  return { ...snapshot, registry, collected: [...collected], data, problems };
}

/**
 * Summarises fetch provenance for the snapshot: newest fetch time, request and cache counts,
 * the ETag when one document was fetched.
 *
 * @example
 * ```ts
 * import { summariseSources } from "./mod.ts";
 * summariseSources("pypi", "https://pypi.org", [
 *   { url: "https://pypi.org/pypi/torch/json", fetchedAt: "2026-01-01T00:00:00Z", fromCache: true, status: 200 },
 * ]).fromCache; // 1
 * ```
 */
export function summariseSources(
  name: string,
  url: string,
  sources: readonly FetchSource[],
): DataSource {
  const times = sources.map((s) => s.fetchedAt).sort();
  const fromCache = sources.filter((s) => s.fromCache).length;
  return {
    name,
    url,
    ...(times.length ? { retrievedAt: times[times.length - 1] } : {}),
    requests: sources.length - fromCache,
    fromCache,
    ...(sources.length === 1 && sources[0].etag ? { etag: sources[0].etag } : {}),
  };
}

/**
 * Names of the pinned PyPI packages installed from an index, sorted and unique: what the
 * freshness checks judge.
 *
 * @example
 * ```ts
 * import { pinnedPypiNames } from "./mod.ts";
 * import { pkg, snapshotOf } from "../testing.ts";
 * pinnedPypiNames(snapshotOf({ packages: [pkg("torch==2.3.1"), pkg("numpy>=1")] })); // ["torch"]
 * ```
 */
export function pinnedPypiNames(snapshot: Snapshot): string[] {
  const names = snapshot.packages.filter((p) =>
    p.ecosystem === "pypi" && p.version !== undefined && p.source.kind === "index" &&
    p.layer !== "constraint"
  ).map((p) => p.name);
  return [...new Set(names)].sort();
}

/**
 * The PyPI source: release facts for every pinned package (`registry.pypi`).
 *
 * @example
 * ```ts ignore
 * import { HttpClient } from "./http.ts";
 * import { pypiSource } from "./mod.ts";
 * const source = pypiSource({ client: new HttpClient(), baseUrl: "https://pypi.org" });
 * ```
 */
export function pypiSource(options: { client: HttpClient; baseUrl: string }): EnrichSource {
  return async (snapshot) => {
    const { facts, sources } = await fetchPypiFacts(options.client, {
      baseUrl: options.baseUrl,
      names: pinnedPypiNames(snapshot),
    });
    return {
      registry: { pypi: facts },
      sections: ["registry.pypi"],
      source: summariseSources("pypi", redactUrl(options.baseUrl), sources),
    };
  };
}

/**
 * The Hugging Face source: model info at the pinned revision for every resolved hub model
 * (`registry.hub`).
 *
 * @example
 * ```ts ignore
 * import { HttpClient } from "./http.ts";
 * import { hubSource } from "./mod.ts";
 * const source = hubSource({ client: new HttpClient(), baseUrl: "https://huggingface.co" });
 * ```
 */
export function hubSource(options: { client: HttpClient; baseUrl: string }): EnrichSource {
  return async (snapshot) => {
    const wanted = new Map<string, { repoId: string; revision?: string }>();
    for (const m of snapshot.models) {
      if (m.hub !== "huggingface" || m.unresolved !== undefined || m.revisionDynamic) continue;
      const key = `${m.repoId}@${m.revision ?? ""}`;
      if (!wanted.has(key)) {
        wanted.set(key, { repoId: m.repoId, ...(m.revision ? { revision: m.revision } : {}) });
      }
    }
    const models = [...wanted.values()].sort((a, b) =>
      `${a.repoId}@${a.revision}` < `${b.repoId}@${b.revision}` ? -1 : 1
    );
    const { facts, sources } = await fetchHubFacts(options.client, {
      baseUrl: options.baseUrl,
      models,
    });
    return {
      registry: { hub: facts },
      sections: ["registry.hub"],
      source: summariseSources("huggingface", redactUrl(options.baseUrl), sources),
    };
  };
}
