/**
 * Enrichment: adds registry facts (PyPI releases, OSV advisories, Hub model info, PEP 740
 * provenance) to a collected snapshot. Each source fills its section completely or not at all: a
 * source that fails leaves its section out of `collected` and says why in `missing`, so the checks
 * that need it end `error` — never a pass on missing data. Offline, a source whose answers are not
 * all in the cache leaves its section missing without a problem: its checks are `skipped`.
 *
 * @module
 */
import type {
  DataSource,
  MissingSection,
  Problem,
  RegistryData,
  Section,
  Snapshot,
} from "../core/snapshot.ts";
import { hasWrittenName, redactUrl } from "../packaging/mod.ts";
import { fetchHubFacts } from "./huggingface.ts";
import { type FetchSource, type HttpClient, HttpError } from "./http.ts";
import { fetchPypiFacts } from "./pypi.ts";
import { findAdvisories, loadOsvDatabase, queryOsv } from "./osv.ts";
import { fetchProjectProvenance } from "./integrity.ts";

/**
 * Default base URLs of the public services.
 *
 * @example
 * ```ts
 * import { DEFAULT_URLS } from "./mod.ts";
 * DEFAULT_URLS.osv; // "https://api.osv.dev"
 * ```
 */
export const DEFAULT_URLS = {
  pypi: "https://pypi.org",
  osv: "https://api.osv.dev",
  huggingface: "https://huggingface.co",
} as const;

/**
 * What one source adds: its slice of registry data, and where it came from.
 *
 * @example
 * ```ts
 * import type { SourceResult } from "./mod.ts";
 * const result: SourceResult = {
 *   registry: { advisories: [] },
 *   sections: ["registry.advisories"],
 *   source: { name: "osv-db", url: "advisories.zip" },
 * };
 * ```
 */
export interface SourceResult {
  /** Registry fields to set. */
  registry: Partial<RegistryData>;
  /** Sections now complete. */
  sections: Section[];
  /** Provenance for the snapshot's `data`. */
  source: DataSource;
  /** Inputs the source could not use completely (they make the report incomplete). */
  problems?: Problem[];
}

/**
 * A source of registry facts, run against a snapshot.
 *
 * @example
 * ```ts
 * import type { EnrichSource } from "./mod.ts";
 * // A source that knows no advisories, e.g. for a test.
 * const noAdvisories: EnrichSource = () =>
 *   Promise.resolve({
 *     registry: { advisories: [] },
 *     sections: ["registry.advisories"],
 *     source: { name: "none" },
 *   });
 * ```
 */
export type EnrichSource = (snapshot: Snapshot) => Promise<SourceResult>;

/**
 * What {@linkcode enrich} takes.
 *
 * @example
 * ```ts
 * import { type EnrichOptions, osvDatabaseSource } from "./mod.ts";
 * const options: EnrichOptions = {
 *   sources: { "registry.advisories": osvDatabaseSource({ path: "advisories.zip" }) },
 * };
 * ```
 */
export interface EnrichOptions {
  /**
   * The sources to run (see {@linkcode pypiSource}, {@linkcode hubSource}, …), by the section
   * they fill: a failure is recorded in the snapshot's `missing`, which the checks needing that
   * section quote as their error.
   */
  sources: Readonly<Partial<Record<Section, EnrichSource>>>;
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
 *   sources: { "registry.pypi": pypiSource({ client, baseUrl: "https://pypi.org" }) },
 * });
 * ```
 */
export async function enrich(snapshot: Snapshot, options: EnrichOptions): Promise<Snapshot> {
  const registry: RegistryData = structuredClone(snapshot.registry);
  const collected = new Set<Section>(snapshot.collected);
  const data = [...snapshot.data];
  const problems: Problem[] = [...snapshot.problems];
  const missing: MissingSection[] = [...snapshot.missing];
  const entries = Object.entries(options.sources) as [Section, EnrichSource][];
  const settled = await Promise.allSettled(entries.map(([, source]) => source(snapshot)));
  settled.forEach((outcome, i) => {
    const name = entries[i][0];
    if (outcome.status === "rejected") {
      // Offline and not cached: the section stays missing and its checks are skipped, as asked.
      if (outcome.reason instanceof HttpError && outcome.reason.kind === "offline") return;
      const reason = outcome.reason instanceof Error
        ? outcome.reason.message
        : String(outcome.reason);
      missing.push({ section: name, reason });
      return;
    }
    Object.assign(registry, outcome.value.registry);
    for (const section of outcome.value.sections) collected.add(section);
    data.push(outcome.value.source);
    problems.push(...outcome.value.problems ?? []);
  });
  return { ...snapshot, registry, collected: [...collected], data, problems, missing };
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
  const stale = sources.filter((s) => s.stale).length;
  return {
    name,
    url,
    ...(times.length ? { retrievedAt: times[times.length - 1] } : {}),
    ...(times.length > 1 && times[0] !== times[times.length - 1]
      ? { oldestRetrievedAt: times[0] }
      : {}),
    requests: sources.length - fromCache,
    fromCache,
    ...(stale > 0 ? { stale } : {}),
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
 * Names of the PyPI packages declared from an index, pinned or not, sorted and unique, except
 * those listed: what a check that asks about names (not versions) wants the index asked about.
 * A name guessed from a path or URL is never asked: it is nobody's name.
 *
 * @example
 * ```ts
 * import { declaredPypiNames } from "./mod.ts";
 * import { pkg, snapshotOf } from "../testing.ts";
 * const snapshot = snapshotOf({ packages: [pkg("acme-features>=1"), pkg("numpy>=1")] });
 * declaredPypiNames(snapshot, { except: ["numpy"] }); // ["acme-features"]
 * ```
 */
export function declaredPypiNames(
  snapshot: Snapshot,
  options: { except: readonly string[] },
): string[] {
  const except = new Set(options.except);
  const names = snapshot.packages.filter((p) =>
    p.ecosystem === "pypi" && p.source.kind === "index" && p.layer !== "constraint" &&
    hasWrittenName(p) && !except.has(p.name)
  ).map((p) => p.name);
  return [...new Set(names)].sort();
}

/**
 * Every name the PyPI source asks about: the pinned ones, and the declared ones `declared` wants.
 *
 * @example
 * ```ts
 * import { pypiNamesToAsk } from "./mod.ts";
 * import { pkg, snapshotOf } from "../testing.ts";
 * const snapshot = snapshotOf({ packages: [pkg("torch==2.3.1"), pkg("acme-features>=1")] });
 * pypiNamesToAsk(snapshot); // ["torch"]
 * pypiNamesToAsk(snapshot, { except: [] }); // ["acme-features", "torch"]
 * ```
 */
export function pypiNamesToAsk(
  snapshot: Snapshot,
  declared?: { except: readonly string[] },
): string[] {
  const pinned = pinnedPypiNames(snapshot);
  if (declared === undefined) return pinned;
  return [...new Set([...pinned, ...declaredPypiNames(snapshot, declared)])].sort();
}

/**
 * The PyPI source: release facts for every pinned package (`registry.pypi`), and for the declared
 * names `declared` asks about (see {@linkcode pypiNamesToAsk}). A name the index does not know is
 * recorded with `found: false`; a name not asked has no entry; a failed request fails the source.
 *
 * @example
 * ```ts ignore
 * import { HttpClient } from "./http.ts";
 * import { pypiSource } from "./mod.ts";
 * const source = pypiSource({ client: new HttpClient(), baseUrl: "https://pypi.org" });
 * ```
 */
export function pypiSource(options: {
  client: HttpClient;
  baseUrl: string;
  declared?: { except: readonly string[] };
}): EnrichSource {
  return async (snapshot) => {
    const names = pypiNamesToAsk(snapshot, options.declared);
    const { facts, sources } = await fetchPypiFacts(options.client, {
      baseUrl: options.baseUrl,
      names,
    });
    // One private package is normal; an index that knows none of several is the wrong index.
    // Only pins count: declared names are asked about because they may well be unknown.
    const pinned = new Set(pinnedPypiNames(snapshot));
    const pinnedFacts = facts.filter((f) => pinned.has(f.name));
    if (pinnedFacts.length > 1 && pinnedFacts.every((f) => !f.found)) {
      const names = pinnedFacts.map((f) => f.name);
      throw new Error(
        `${redactUrl(options.baseUrl)} knows none of the ${names.length} pinned packages ` +
          `(${names.slice(0, 3).join(", ")}${names.length > 3 ? ", …" : ""}): is --pypi-url right?`,
      );
    }
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

/**
 * Pinned PyPI packages with their versions, unique and sorted: what vulnerability lookups ask.
 *
 * @example
 * ```ts
 * import { pinnedPypiVersions } from "./mod.ts";
 * import { pkg, snapshotOf } from "../testing.ts";
 * pinnedPypiVersions(snapshotOf({ packages: [pkg("torch==2.3.1")] })); // [{ name: "torch", version: "2.3.1" }]
 * ```
 */
export function pinnedPypiVersions(snapshot: Snapshot): { name: string; version: string }[] {
  const seen = new Map<string, { name: string; version: string }>();
  for (const p of snapshot.packages) {
    if (p.ecosystem !== "pypi" || p.version === undefined || p.layer === "constraint") continue;
    seen.set(`${p.name}@${p.version}`, { name: p.name, version: p.version });
  }
  return [...seen].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v);
}

/** A range the database could not evaluate: `ID: affected[…] not evaluated: …`. */
const RANGE_PROBLEM = /^([^:\s]+): affected\[/;

/**
 * The offline OSV source: advisories for every pinned version from a local OSV database (a
 * directory or zip of JSON/YAML records). Works with `--offline`. Records the database's path,
 * size, newest modification and digest, so a verdict can be reproduced. A record the database
 * could not evaluate is a problem only when it concerns a package the project pins.
 *
 * @example
 * ```ts ignore
 * import { osvDatabaseSource } from "./mod.ts";
 * const source = osvDatabaseSource({ path: "../shared/corpus-osv" });
 * ```
 */
export function osvDatabaseSource(options: { path: string }): EnrichSource {
  return async (snapshot) => {
    const db = await loadOsvDatabase(options.path);
    const packages = pinnedPypiVersions(snapshot);
    const { advisories, problems } = findAdvisories(db, packages);
    const relevant = new Set(packages.flatMap((p) => db.recordsFor(p.name).map((r) => r.id)));
    const dbProblems = db.problems.filter((p) => {
      const range = RANGE_PROBLEM.exec(p.message);
      return range === null || relevant.has(range[1]);
    });
    const v = db.version;
    return {
      registry: { advisories },
      sections: ["registry.advisories"],
      problems: [...dbProblems, ...problems],
      source: {
        name: "osv-db",
        url: v.path,
        ...(v.newestModified ? { retrievedAt: v.newestModified } : {}),
        version: `${v.records} records (${v.pypiRecords} PyPI) from ${v.files} ${v.format} ` +
          `file(s), newest modified ${v.newestModified ?? "unknown"}, ${v.digest}`,
      },
    };
  };
}

/**
 * The PyPI Integrity API source: PEP 740 provenance of the pinned files of `packages`
 * (`registry.provenance`), as served; `signature.package-attested` verifies it. Fetches the
 * packages' file lists from `pypiBaseUrl` (default `baseUrl`) to tie pinned hashes to files.
 *
 * @example
 * ```ts ignore
 * import { HttpClient } from "./http.ts";
 * import { provenanceSource } from "./mod.ts";
 * const source = provenanceSource({ client: new HttpClient(), baseUrl: "https://pypi.org", packages: ["torch"] });
 * ```
 */
export function provenanceSource(options: {
  client: HttpClient;
  baseUrl: string;
  pypiBaseUrl?: string;
  packages: readonly string[];
}): EnrichSource {
  return async (snapshot) => {
    const { entries, sources } = await fetchProjectProvenance(options.client, {
      baseUrl: options.baseUrl,
      ...(options.pypiBaseUrl ? { pypiBaseUrl: options.pypiBaseUrl } : {}),
      snapshot,
      packages: options.packages,
    });
    return {
      registry: { provenance: entries },
      sections: ["registry.provenance"],
      source: summariseSources("pypi-integrity", redactUrl(options.baseUrl), sources),
    };
  };
}

/**
 * The online OSV source: advisories for every pinned version from the OSV API (`POST
 * BASE/v1/querybatch`, then `GET BASE/v1/vulns/ID` once per distinct advisory, both cached).
 *
 * @example
 * ```ts ignore
 * import { HttpClient } from "./http.ts";
 * import { osvSource } from "./mod.ts";
 * const source = osvSource({ client: new HttpClient(), baseUrl: "https://api.osv.dev" });
 * ```
 */
export function osvSource(options: { client: HttpClient; baseUrl: string }): EnrichSource {
  return async (snapshot) => {
    const { advisories, problems, sources } = await queryOsv(options.client, {
      baseUrl: options.baseUrl,
      packages: pinnedPypiVersions(snapshot),
    });
    return {
      registry: { advisories },
      sections: ["registry.advisories"],
      problems,
      source: summariseSources("osv", redactUrl(options.baseUrl), sources),
    };
  };
}
