/**
 * The CLI's enrichment step: which online sources the policy needs, with which base URLs, cache
 * and network permissions.
 *
 * @module
 */
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
  pypiSource,
} from "../enrich/mod.ts";
import { isSimpleIndex } from "../enrich/pypi.ts";
import { packageAttested } from "../checks/signature_attested.ts";
import { UsageError } from "./_errors.ts";

/** The enrichment flags, as parsed. */
export interface EnrichFlags {
  /** `--offline`: cache and local databases only. */
  offline?: boolean;
  /** `--cache-dir DIR`. */
  cacheDir?: string;
  /** `--pypi-url BASE`. */
  pypiUrl?: string;
  /** `--osv-url BASE`. */
  osvUrl?: string;
  /** `--osv-db PATH`. */
  osvDb?: string;
  /** `--hf-url BASE`. */
  hfUrl?: string;
  /** `--integrity-url BASE` (default: the PyPI base, unless that is a simple index). */
  integrityUrl?: string;
}

/** The packages `signature.package-attested` asks about, as the policy configures them. */
function attestedPackages(policy: Policy): string[] {
  const configured = policy.checks.filter((c) => c.id === packageAttested.id)
    .flatMap((c) => (c.params as { packages?: string[] }).packages ?? []);
  return [...new Set(configured)];
}

/** Registry sections the policy's checks read. */
function neededSections(policy: Policy): Set<Section> {
  return new Set(
    policy.checks.flatMap((c) => c.definition.needs).filter((s) => s.startsWith("registry.")),
  );
}

function baseUrl(flag: string, value: string | undefined, fallback: string): string {
  const url = value ?? fallback;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--${flag}: expected an http(s) URL, got "${url}"`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new UsageError(`--${flag}: expected an http(s) URL, got "${url}"`);
  }
  return url;
}

/**
 * Fails fast, with the fix, when Deno was not given network access to a source's host (instead
 * of retrying a request that can never be sent) — unless the project gives the source nothing
 * to ask (`asks` is false), when it runs without touching the network.
 */
function withNetPermission(
  url: string,
  asks: (snapshot: Snapshot) => boolean,
  source: EnrichSource,
): EnrichSource {
  return async (snapshot) => {
    const host = new URL(url).host;
    const state = asks(snapshot) ? await Deno.permissions.query({ name: "net", host }) : undefined;
    if (state !== undefined && state.state !== "granted") {
      throw new Error(
        `network access to ${host} is not permitted: run with --allow-net (or ` +
          `--allow-net=${host}), or pass --offline to use the cache and local databases only`,
      );
    }
    return await source(snapshot);
  };
}

/**
 * Enriches `snapshot` with what `policy` needs. Returns it unchanged when no configured check
 * reads registry data.
 *
 * @param options The snapshot, the policy, the flags and a progress callback.
 * @returns The enriched snapshot and a warning to show, if any.
 * @example
 * ```ts ignore
 * import { enrichForPolicy } from "./_enrich.ts";
 * const { snapshot } = await enrichForPolicy({ snapshot, policy, flags: { offline: true } });
 * ```
 */
export async function enrichForPolicy(options: {
  snapshot: Snapshot;
  policy: Policy;
  flags: EnrichFlags;
  onProgress?: (progress: HttpProgress) => void;
}): Promise<{ snapshot: Snapshot; warnings: string[] }> {
  const { flags } = options;
  const needed = neededSections(options.policy);
  const pypiUrl = baseUrl("pypi-url", flags.pypiUrl, DEFAULT_URLS.pypi);
  const osvUrl = baseUrl("osv-url", flags.osvUrl, DEFAULT_URLS.osv);
  const hfUrl = baseUrl("hf-url", flags.hfUrl, DEFAULT_URLS.huggingface);
  const integrityUrl = baseUrl(
    "integrity-url",
    flags.integrityUrl,
    isSimpleIndex(pypiUrl) ? DEFAULT_URLS.pypi : pypiUrl,
  );
  if (needed.size === 0) return { snapshot: options.snapshot, warnings: [] };
  const client = new HttpClient({
    cacheDir: flags.cacheDir ?? defaultCacheDir(Deno.env),
    offline: flags.offline === true,
    onProgress: options.onProgress,
  });
  const online = (url: string, asks: (s: Snapshot) => boolean, source: EnrichSource) =>
    flags.offline ? source : withNetPermission(url, asks, source);
  const pinned = (s: Snapshot) => pinnedPypiNames(s).length > 0;
  const sources: Partial<Record<Section, EnrichSource>> = {};
  if (needed.has("registry.pypi")) {
    sources["registry.pypi"] = online(pypiUrl, pinned, pypiSource({ client, baseUrl: pypiUrl }));
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
        packages: attestedPackages(options.policy),
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
  const snapshot = await enrich(options.snapshot, { sources });
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
