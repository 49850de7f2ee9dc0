/**
 * The enrichment step of the pipeline: which registry sources the policy's checks need (from
 * their `needs` and `wants`, never from their ids), with which base URLs, cache and network
 * permissions.
 *
 * @module
 */
import process from "node:process";
import { policyWants } from "../core/check.ts";
import type { Policy } from "../core/policy.ts";
import type { Section, Snapshot } from "../core/snapshot.ts";
import { defaultCacheDir, HttpClient, type HttpProgress } from "../enrich/http.ts";
import {
  DEFAULT_URLS,
  enrich,
  type EnrichSource,
  hubSource,
  osvDatabaseSource,
  osvSource,
  pinnedPypiNames,
  provenanceSource,
  pypiNamesToAsk,
  pypiSource,
} from "../enrich/mod.ts";
import { isSimpleIndex } from "../enrich/pypi.ts";
import { hasWrittenName } from "../packaging/mod.ts";
import { OptionError } from "./errors.ts";

/**
 * Where registry data comes from; every field has a default.
 *
 * @example
 * ```ts
 * import type { RegistrySources } from "./enrich.ts";
 * const mirror: RegistrySources = {
 *   pypiUrl: "https://pypi.internal.example/simple",
 *   osvDb: "advisories.zip",
 *   cacheDir: "/tmp/tollgate-cache",
 * };
 * ```
 */
export interface RegistrySources {
  /** Cache and local databases only, no network. */
  offline?: boolean;
  /** The HTTP cache directory (default: the user's cache directory). */
  cacheDir?: string;
  /** PyPI's base URL, the JSON API or a PEP 691 `/simple` index (default `https://pypi.org`). */
  pypiUrl?: string;
  /** The OSV API's base URL (default `https://api.osv.dev`). */
  osvUrl?: string;
  /** A local OSV database (directory or zip) instead of the OSV API. */
  osvDb?: string;
  /** The Hugging Face Hub's base URL (default `https://huggingface.co`). */
  hfUrl?: string;
  /** The PyPI Integrity API's base URL (default: the PyPI base, unless that is a simple index). */
  integrityUrl?: string;
}

/** Registry sections the policy's checks read. */
function neededSections(policy: Policy): Set<Section> {
  return new Set(
    policy.checks.flatMap((c) => c.definition.needs).filter((s) => s.startsWith("registry.")),
  );
}

function baseUrl(option: string, value: string | undefined, fallback: string): string {
  const url = value ?? fallback;
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed?.protocol !== "https:" && parsed?.protocol !== "http:") {
    throw new OptionError(option, `expected an http(s) URL, got "${url}"`);
  }
  return url;
}

/** The part of Deno's permission API asked here, typed here so that it compiles on Node too. */
interface DenoPermissions {
  permissions: { query(descriptor: { name: "net"; host: string }): Promise<{ state: string }> };
}

/**
 * Fails fast, with the fix, when Deno was not given network access to a source's host (instead
 * of retrying a request that can never be sent) — unless the project gives the source nothing
 * to ask (`asks` is false), when it runs without touching the network. Node has no permissions:
 * there the source runs as it is.
 */
function withNetPermission(
  url: string,
  asks: (snapshot: Snapshot) => boolean,
  source: EnrichSource,
): EnrichSource {
  return async (snapshot) => {
    const host = new URL(url).host;
    const permissions = (globalThis as { Deno?: DenoPermissions }).Deno?.permissions;
    const state = permissions && asks(snapshot)
      ? await permissions.query({ name: "net", host })
      : undefined;
    if (state !== undefined && state.state !== "granted") {
      throw new Error(
        `network access to ${host} is not permitted: run with --allow-net (or ` +
          `--allow-net=${host}), or go offline (--offline) to use the cache and local databases only`,
      );
    }
    return await source(snapshot);
  };
}

/**
 * Enriches `snapshot` with the registry data `policy`'s checks need. Returns it unchanged when no
 * configured check reads registry data.
 *
 * @param options The snapshot, the policy, where registry data comes from, and a progress
 *   callback.
 * @returns The enriched snapshot, and warnings to show (stale cache answers, cache not writable).
 * @example
 * ```ts ignore
 * import { enrichForPolicy } from "./enrich.ts";
 * const { snapshot } = await enrichForPolicy({ snapshot, policy, sources: { offline: true } });
 * ```
 */
export async function enrichForPolicy(options: {
  snapshot: Snapshot;
  policy: Policy;
  sources?: RegistrySources;
  onProgress?: (progress: HttpProgress) => void;
}): Promise<{ snapshot: Snapshot; warnings: string[] }> {
  const flags = options.sources ?? {};
  const needed = neededSections(options.policy);
  const pypiUrl = baseUrl("pypiUrl", flags.pypiUrl, DEFAULT_URLS.pypi);
  const osvUrl = baseUrl("osvUrl", flags.osvUrl, DEFAULT_URLS.osv);
  const hfUrl = baseUrl("hfUrl", flags.hfUrl, DEFAULT_URLS.huggingface);
  const integrityUrl = baseUrl(
    "integrityUrl",
    flags.integrityUrl,
    isSimpleIndex(pypiUrl) ? DEFAULT_URLS.pypi : pypiUrl,
  );
  if (needed.size === 0) return { snapshot: options.snapshot, warnings: [] };
  const client = new HttpClient({
    cacheDir: flags.cacheDir ?? defaultCacheDir({ get: (name) => process.env[name] }),
    offline: flags.offline === true,
    onProgress: options.onProgress,
  });
  const online = (url: string, asks: (s: Snapshot) => boolean, source: EnrichSource) =>
    flags.offline ? source : withNetPermission(url, asks, source);
  const pinned = (s: Snapshot) => pinnedPypiNames(s).length > 0;
  const wants = policyWants(options.policy.checks);
  const sources: Partial<Record<Section, EnrichSource>> = {};
  if (needed.has("registry.pypi")) {
    const declared = wants.declaredPypiNames;
    sources["registry.pypi"] = online(
      pypiUrl,
      (s) => pypiNamesToAsk(s, declared).length > 0,
      pypiSource({ client, baseUrl: pypiUrl, ...(declared ? { declared } : {}) }),
    );
  }
  if (needed.has("registry.advisories") && flags.osvDb !== undefined) {
    sources["registry.advisories"] = osvDatabaseSource({ path: flags.osvDb });
  } else if (needed.has("registry.advisories")) {
    sources["registry.advisories"] = online(osvUrl, pinned, osvSource({ client, baseUrl: osvUrl }));
  }
  if (needed.has("registry.provenance")) {
    sources["registry.provenance"] = online(
      integrityUrl,
      pinned,
      provenanceSource({
        client,
        baseUrl: integrityUrl,
        pypiBaseUrl: pypiUrl,
        packages: wants.attestedPackages,
      }),
    );
  }
  if (needed.has("registry.hub")) {
    sources["registry.hub"] = online(
      hfUrl,
      (s) => s.models.some((m) => m.hub === "huggingface"),
      hubSource({ client, baseUrl: hfUrl }),
    );
  }
  // A name a reader guessed from a path or URL is nobody's to look up: sources never see it.
  const written = options.snapshot.packages.filter(hasWrittenName);
  const enriched = await enrich({ ...options.snapshot, packages: written }, { sources });
  const snapshot = { ...enriched, packages: options.snapshot.packages };
  const warnings: string[] = [];
  for (const source of snapshot.data.slice(options.snapshot.data.length)) {
    if (source.stale) {
      warnings.push(
        `${source.name}: ${source.stale} answer(s) came from an expired cache (oldest ` +
          `${
            source.oldestRetrievedAt ?? source.retrievedAt
          }) because ${source.url} could not be reached`,
      );
    }
  }
  const failedWrites = client.stats().cacheWriteErrors;
  if (failedWrites > 0) {
    warnings.push(
      `${failedWrites} answer(s) could not be cached (is the cache directory writable, and ` +
        "was Deno given --allow-write for it?)",
    );
  }
  return { snapshot, warnings };
}
