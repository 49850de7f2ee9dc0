/**
 * The OSV API (https://google.github.io/osv.dev/api/): `POST BASE/v1/querybatch` with at most
 * 1,000 queries per request (following each result's `next_page_token`), then `GET
 * BASE/v1/vulns/ID` once per distinct id for the full record. Answers are untrusted input: shapes
 * are checked and sizes bounded; an answer that is not what the API returns rejects, so the
 * checks that need it end in error, never a pass.
 *
 * @module
 */
import { z } from "zod";
import type { Problem } from "../core/snapshot.ts";
import type { Advisory } from "../core/snapshot_registry.ts";
import { normaliseName, redactUrl } from "../packaging/mod.ts";
import type { FetchSource, HttpClient } from "./http.ts";
import { advisoriesFor, type PackageVersion } from "./_osv_advisory.ts";
import { type OsvRecord, readOsvRecord } from "./_osv_record.ts";

/** Queries in one querybatch request: the API's own limit. */
export const OSV_BATCH_SIZE = 1_000;

const BatchAnswer = z.object({
  results: z.array(z.object({
    vulns: z.array(z.object({ id: z.string().min(1).max(256) })).max(10_000).nullish(),
    next_page_token: z.string().max(4096).nullish(),
  })),
});

/** Options of {@linkcode queryOsv}. */
export interface QueryOsvOptions {
  /** The API's base URL, e.g. `https://api.osv.dev`. */
  baseUrl: string;
  /** Packages and versions to look up (PyPI). */
  packages: readonly PackageVersion[];
  /** Pages followed per query before giving up (default 100). */
  maxPages?: number;
  /** Distinct vulnerability ids fetched before giving up (default 50,000). */
  maxVulnerabilities?: number;
}

/** What {@linkcode queryOsv} found. */
export interface QueryOsvResult {
  /** Advisories, by package, version and id. */
  advisories: Advisory[];
  /** Records the API served that could not be read (each still reported as an advisory). */
  problems: Problem[];
  /** Every answer used, for the snapshot's provenance. */
  sources: FetchSource[];
}

interface Query {
  pkg: PackageVersion;
  pageToken?: string;
  pages: number;
}

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Look up PyPI package versions in the OSV API: vulnerability ids by querybatch, then each
 * distinct record once (the client caches both, so a warm run sends nothing). The API's match is
 * taken as given; the record's ranges supply the fixed versions.
 *
 * @param client The HTTP layer.
 * @param options `baseUrl`, `packages`, bounds.
 * @returns Advisories, problems and provenance.
 * @throws {HttpError} When the API could not be reached; Error when an answer is malformed.
 * @example
 * ```ts ignore
 * import { HttpClient } from "./http.ts";
 * import { queryOsv } from "./_osv_api.ts";
 * const { advisories } = await queryOsv(new HttpClient(), {
 *   baseUrl: "https://api.osv.dev",
 *   packages: [{ name: "jinja2", version: "2.10" }],
 * });
 * ```
 */
export async function queryOsv(
  client: HttpClient,
  options: QueryOsvOptions,
): Promise<QueryOsvResult> {
  const base = options.baseUrl.replace(/\/+$/, "");
  const maxPages = options.maxPages ?? 100;
  const maxVulnerabilities = options.maxVulnerabilities ?? 50_000;
  const sources: FetchSource[] = [];
  // One query per normalised name and version, in a stable order: identical batches hit the cache.
  const unique = new Map<string, PackageVersion>();
  for (const pkg of options.packages) {
    unique.set(`${normaliseName(pkg.name)}\0${pkg.version}`, pkg);
  }
  const keys = [...unique.keys()].sort(byKey);
  const idsByQuery = new Map<string, Set<string>>(keys.map((key) => [key, new Set()]));
  let pending: (Query & { key: string })[] = keys.map((key) => ({
    key,
    pkg: unique.get(key) as PackageVersion,
    pages: 0,
  }));
  while (pending.length > 0) {
    const next: typeof pending = [];
    for (let start = 0; start < pending.length; start += OSV_BATCH_SIZE) {
      const batch = pending.slice(start, start + OSV_BATCH_SIZE);
      const url = `${base}/v1/querybatch`;
      const { data, source } = await client.postJson(url, {
        queries: batch.map(({ pkg, pageToken }) => ({
          package: { name: pkg.name, ecosystem: "PyPI" },
          version: pkg.version,
          ...(pageToken === undefined ? {} : { page_token: pageToken }),
        })),
      });
      sources.push(source);
      const answer = BatchAnswer.safeParse(data);
      if (!answer.success || answer.data.results.length !== batch.length) {
        throw new Error(
          `OSV querybatch answer from ${redactUrl(url)} is not a list of ${batch.length} results` +
            (answer.success
              ? ` (got ${answer.data.results.length})`
              : `: ${answer.error.issues[0]?.message}`),
        );
      }
      answer.data.results.forEach((result, i) => {
        const query = batch[i];
        const ids = idsByQuery.get(query.key) as Set<string>;
        for (const vuln of result.vulns ?? []) ids.add(vuln.id);
        if (result.next_page_token) {
          if (query.pages + 1 >= maxPages) {
            throw new Error(
              `OSV querybatch: ${query.pkg.name} ${query.pkg.version} has more than ${maxPages} pages of results`,
            );
          }
          next.push({ ...query, pageToken: result.next_page_token, pages: query.pages + 1 });
        }
      });
    }
    pending = next;
  }
  const distinct = [...new Set([...idsByQuery.values()].flatMap((ids) => [...ids]))].sort(byKey);
  if (distinct.length > maxVulnerabilities) {
    throw new Error(
      `OSV returned ${distinct.length} vulnerabilities, more than ${maxVulnerabilities}`,
    );
  }
  const problems: Problem[] = [];
  const records = new Map<string, OsvRecord>();
  await Promise.all(distinct.map(async (id) => {
    const url = `${base}/v1/vulns/${encodeURIComponent(id)}`;
    const { data, source } = await client.getJson(url);
    sources.push(source);
    const { record, problem } = readOsvRecord(data);
    const why = problem ?? (record?.id === id ? undefined : `answer is record ${record?.id}`);
    if (why !== undefined || record === undefined) {
      problems.push({ file: redactUrl(url), message: `${id}: not a valid OSV record: ${why}` });
      // The API said these versions are affected: keep the id, with nothing else known.
      records.set(id, readOsvRecord({ id, modified: "" }).record as OsvRecord);
    } else {
      records.set(id, record);
    }
  }));
  const database = redactUrl(base);
  const advisories = keys.flatMap((key) => {
    const found = [...(idsByQuery.get(key) as Set<string>)].sort(byKey)
      .map((id) => records.get(id) as OsvRecord);
    return advisoriesFor(found, unique.get(key) as PackageVersion, { database, trusted: true });
  });
  return {
    advisories,
    problems: problems.sort((a, b) => byKey(a.file, b.file)),
    sources: sources.sort((a, b) => byKey(a.url, b.url)),
  };
}
