/**
 * PEP 740 provenance of distribution files from the PyPI Integrity API
 * (`GET BASE/integrity/PROJECT/VERSION/FILENAME/provenance`, media type
 * `application/vnd.pypi.integrity.v1+json`). The provenance is stored as served: checks verify
 * its Sigstore attestations, the enricher trusts nothing in it.
 *
 * Which files to ask about comes from {@linkcode selectProvenanceFiles}: for the critical
 * packages pinned with an exact version, the release's files whose sha256 the project pins
 * (requirements files and locks carry hashes, not file names, so the PyPI file list ties them).
 * A package pinned without hashes gets no look-up; `signature.package-attested` reports it.
 *
 * @example
 * ```ts ignore
 * import { HttpClient } from "./http.ts";
 * import { fetchProvenance, selectProvenanceFiles } from "./integrity.ts";
 * const files = selectProvenanceFiles(snapshot, { packages: ["torch", "numpy"] });
 * const { entries } = await fetchProvenance(new HttpClient(), { baseUrl: "https://pypi.org", files });
 * snapshot.registry.provenance = entries;
 * ```
 *
 * @module
 */
import { normaliseName } from "../packaging/mod.ts";
import type { RegistryData, Snapshot } from "../core/snapshot.ts";
import { planProvenance, provenanceTargets } from "../verify/mod.ts";
import type { FetchSource, HttpClient } from "./http.ts";
import { fetchPypiFacts } from "./pypi.ts";

/** One `registry.provenance` entry. */
export type ProvenanceEntry = RegistryData["provenance"][number];

/** A file to look up: project, version, file name and the digest the project pins. */
export interface ProvenanceFile {
  name: string;
  version: string;
  filename: string;
  sha256?: string;
}

/**
 * Media type of the Integrity API, version 1.
 *
 * @example
 * ```ts
 * import { INTEGRITY_JSON } from "./integrity.ts";
 * INTEGRITY_JSON; // "application/vnd.pypi.integrity.v1+json"
 * ```
 */
export const INTEGRITY_JSON = "application/vnd.pypi.integrity.v1+json";

/** The largest provenance object accepted (real ones are a few KiB). */
const MAX_PROVENANCE_BYTES = 4 * 1024 * 1024;

/**
 * The Integrity API URL of one file's provenance.
 *
 * @param baseUrl The index host, e.g. `https://pypi.org` (a trailing slash is ignored).
 * @param file Project, version and file name.
 * @returns The URL, each part percent-encoded.
 * @example
 * ```ts
 * import { provenanceUrl } from "./integrity.ts";
 * provenanceUrl("https://pypi.org/", { name: "numpy", version: "2.0.1", filename: "numpy-2.0.1.tar.gz" });
 * // "https://pypi.org/integrity/numpy/2.0.1/numpy-2.0.1.tar.gz/provenance"
 * ```
 */
export function provenanceUrl(
  baseUrl: string,
  file: Pick<ProvenanceFile, "name" | "version" | "filename">,
): string {
  const base = baseUrl.replace(/\/+$/, "");
  const part = encodeURIComponent;
  return `${base}/integrity/${part(file.name)}/${part(file.version)}/${
    part(file.filename)
  }/provenance`;
}

/**
 * The files whose provenance `signature.package-attested` judges: for each critical package
 * pinned with `==` and resolved from an index, the files of that release (from
 * `registry.pypi`) whose sha256 is among the package's pinned hashes. Pure.
 *
 * @param snapshot A snapshot with `packages` and `registry.pypi` (file lists) filled.
 * @param options `packages`: the critical package names (the check's `packages` param).
 * @returns Files to look up, each once.
 * @example
 * ```ts
 * import { emptySnapshot } from "../core/snapshot.ts";
 * import { selectProvenanceFiles } from "./integrity.ts";
 * const snapshot = emptySnapshot({ root: "demo", collectedAt: "2026-01-01T00:00:00Z" });
 * selectProvenanceFiles(snapshot, { packages: ["torch"] }); // []
 * ```
 */
export function selectProvenanceFiles(
  snapshot: Pick<Snapshot, "packages" | "registry">,
  options: { packages: readonly string[] },
): ProvenanceFile[] {
  return provenanceTargets(planProvenance({
    packages: snapshot.packages,
    pypi: snapshot.registry.pypi,
    critical: options.packages,
  }));
}

/**
 * Fetch the provenance of `files` from the Integrity API at `baseUrl`. A 404 (or 410) means the
 * index has no provenance for the file and is recorded as `provenance: null`; any other failure
 * rejects with the `HttpError`, so the caller marks the section as not collected (the check
 * then errors, never passes).
 *
 * @param client The HTTP layer (cache, retries, concurrency).
 * @param options `baseUrl` (e.g. `https://pypi.org`) and the files.
 * @returns Entries in the order of `files`, and where each answer came from.
 * @example
 * ```ts ignore
 * import { HttpClient } from "./http.ts";
 * import { fetchProvenance } from "./integrity.ts";
 * const { entries } = await fetchProvenance(new HttpClient(), {
 *   baseUrl: "https://pypi.org",
 *   files: [{ name: "sampleproject", version: "4.0.0", filename: "sampleproject-4.0.0.tar.gz" }],
 * });
 * entries[0].provenance === null; // true when the file has no attestations
 * ```
 */
export async function fetchProvenance(
  client: HttpClient,
  options: { baseUrl: string; files: readonly ProvenanceFile[] },
): Promise<{ entries: ProvenanceEntry[]; sources: FetchSource[] }> {
  const sources: FetchSource[] = [];
  const entries = await Promise.all(options.files.map(async (file): Promise<ProvenanceEntry> => {
    const url = provenanceUrl(options.baseUrl, file);
    const { data, source } = await client.getJson(url, {
      accept: INTEGRITY_JSON,
      allowMissing: true,
    });
    sources.push(source);
    return {
      name: file.name,
      version: file.version,
      filename: file.filename,
      ...(file.sha256 === undefined ? {} : { sha256: file.sha256 }),
      url: source.url,
      provenance: data === null ? null : bounded(data),
    };
  }));
  return { entries, sources };
}

/**
 * Everything `signature.package-attested` needs for a snapshot, in one call: the PyPI file lists
 * of the critical pinned packages (from the snapshot when `registry.pypi` is collected, else
 * fetched from `pypiBaseUrl`), then the provenance of each pinned file from `baseUrl`.
 *
 * @param client The HTTP layer; identical requests in flight or cached are not repeated.
 * @param options Integrity API base URL, PyPI JSON API base URL (default: the same), the
 *   snapshot, and the critical package names (the check's `packages` param).
 * @returns The `registry.provenance` entries and every request's provenance (PyPI ones too).
 * @example
 * ```ts ignore
 * import { HttpClient } from "./http.ts";
 * import { fetchProjectProvenance } from "./integrity.ts";
 * const { entries } = await fetchProjectProvenance(new HttpClient(), {
 *   baseUrl: "https://pypi.org",
 *   snapshot,
 *   packages: ["torch", "numpy"],
 * });
 * ```
 */
export async function fetchProjectProvenance(
  client: HttpClient,
  options: {
    baseUrl: string;
    pypiBaseUrl?: string;
    snapshot: Pick<Snapshot, "packages" | "registry" | "collected">;
    packages: readonly string[];
  },
): Promise<{ entries: ProvenanceEntry[]; sources: FetchSource[] }> {
  const { snapshot } = options;
  const sources: FetchSource[] = [];
  let pypi = snapshot.registry.pypi;
  if (!snapshot.collected.includes("registry.pypi")) {
    const critical = new Set(options.packages.map(normaliseName));
    const names = [
      ...new Set(
        snapshot.packages.filter((p) =>
          p.ecosystem === "pypi" && p.version !== undefined && p.source.kind === "index" &&
          p.layer !== "constraint" && critical.has(normaliseName(p.name))
        ).map((p) => normaliseName(p.name)),
      ),
    ].sort();
    const fetched = await fetchPypiFacts(client, {
      baseUrl: options.pypiBaseUrl ?? options.baseUrl,
      names,
    });
    pypi = fetched.facts;
    sources.push(...fetched.sources);
  }
  const files = selectProvenanceFiles({
    packages: snapshot.packages,
    registry: { ...snapshot.registry, pypi },
  }, {
    packages: options.packages,
  });
  const fetched = await fetchProvenance(client, { baseUrl: options.baseUrl, files });
  return { entries: fetched.entries, sources: [...sources, ...fetched.sources] };
}

/**
 * The provenance as served, or a marker the check reports as malformed when it is too large to
 * keep in a snapshot (the HTTP layer bounds the body; this bounds what is stored).
 */
function bounded(data: unknown): unknown {
  const size = JSON.stringify(data)?.length ?? 0;
  return size > MAX_PROVENANCE_BYTES
    ? { version: "too-large", note: `the provenance is ${size} characters, over the limit` }
    : data;
}
