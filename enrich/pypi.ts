/**
 * Release facts from a Python package index: every version with its upload time, yanked flag and
 * reason, and the newest stable version. Speaks the PyPI JSON API (`BASE/pypi/NAME/json`) or,
 * for private indexes, any PEP 691 JSON simple index (`BASE/NAME/` when BASE ends in `/simple`).
 *
 * @module
 */
import { isRecord, normaliseName } from "../packaging/mod.ts";
import { compare, explain, valid } from "@renovatebot/pep440";
import type { RegistryData, Release } from "../core/snapshot.ts";
import { HttpError } from "./_http_errors.ts";
import type { FetchSource, HttpClient } from "./http.ts";

/** One package's facts, as the snapshot records them. */
export type PypiFacts = RegistryData["pypi"][number];

/** Media type of the PEP 691 JSON simple API, version 1. */
export const SIMPLE_JSON = "application/vnd.pypi.simple.v1+json";

/**
 * Whether a base URL is a simple index (PEP 691) rather than a PyPI JSON API host.
 *
 * @example
 * ```ts
 * import { isSimpleIndex } from "./pypi.ts";
 * isSimpleIndex("https://pypi.org"); // false
 * isSimpleIndex("https://nexus.example/repository/pypi/simple/"); // true
 * ```
 */
export function isSimpleIndex(base: string): boolean {
  return /\/simple\/?$/.test(new URL(base).pathname);
}

const MAX_VERSIONS = 20_000;
const MAX_FILES = 200_000;

/**
 * Facts about `names` from the index at `baseUrl`. A name the index does not know comes back
 * with `found: false`; any other failure rejects with the {@linkcode HttpError}, so the caller can
 * mark the data as missing (checks then error, never pass). The index's answers are untrusted
 * input: shapes are checked and sizes bounded.
 *
 * @param client The HTTP layer (cache, retries, concurrency).
 * @param options `baseUrl` (e.g. `https://pypi.org`), PEP 503-normalised `names`.
 * @returns The facts, in the order of `names`, and where each came from.
 * @example
 * ```ts ignore
 * import { HttpClient } from "./http.ts";
 * import { fetchPypiFacts } from "./pypi.ts";
 * const { facts } = await fetchPypiFacts(new HttpClient(), { baseUrl: "https://pypi.org", names: ["torch"] });
 * facts[0].latest;
 * ```
 */
export async function fetchPypiFacts(
  client: HttpClient,
  options: { baseUrl: string; names: readonly string[] },
): Promise<{ facts: PypiFacts[]; sources: FetchSource[] }> {
  const base = options.baseUrl.replace(/\/+$/, "");
  const simple = isSimpleIndex(base);
  const sources: FetchSource[] = [];
  const facts = await Promise.all(options.names.map(async (name): Promise<PypiFacts> => {
    const url = simple
      ? `${base}/${encodeURIComponent(name)}/`
      : `${base}/pypi/${encodeURIComponent(name)}/json`;
    // 404 (and 410) is an answer, cached like any other: the index does not know the name.
    const { data, source } = await client.getJson(url, {
      allowMissing: true,
      ...(simple ? { accept: SIMPLE_JSON } : {}),
    });
    sources.push(source);
    if (data === null) return { name, index: source.url, found: false, releases: [] };
    const releases = simple ? fromSimple(data, source.url) : fromJsonApi(data, source.url);
    return { name, index: source.url, found: true, latest: newestStable(releases), releases };
  }));
  return { facts, sources };
}

/**
 * The newest version that is neither a pre-release nor a dev release nor yanked.
 *
 * @example
 * ```ts
 * import { newestStable } from "./pypi.ts";
 * newestStable([
 *   { version: "2.0.0rc1", yanked: false },
 *   { version: "1.9.0", yanked: false },
 *   { version: "1.10.0", yanked: true },
 * ]); // "1.9.0"
 * ```
 */
export function newestStable(releases: readonly Release[]): string | undefined {
  let best: string | undefined;
  for (const r of releases) {
    // A version with no files (all deleted) cannot be installed: it is nobody's upgrade.
    if (r.yanked || !valid(r.version) || r.files?.length === 0) continue;
    const info = explain(r.version);
    if (!info || info.is_prerelease || info.is_devrelease) continue;
    if (best === undefined || compare(r.version, best) > 0) best = r.version;
  }
  return best;
}

function invalid(url: string, what: string): HttpError {
  return new HttpError({ kind: "invalid", method: "GET", url, attempts: 1, reason: what });
}

/** `releases` of the PyPI JSON API: `{ "1.0": [ { filename, upload_time_iso_8601, yanked, … } ] }`. */
function fromJsonApi(data: unknown, url: string): Release[] {
  if (!isRecord(data) || !isRecord(data.releases)) {
    throw invalid(url, "not a PyPI JSON API project (no releases object)");
  }
  const entries = Object.entries(data.releases);
  if (entries.length > MAX_VERSIONS) throw invalid(url, `more than ${MAX_VERSIONS} versions`);
  return entries.map(([version, files]) => {
    const list = Array.isArray(files) ? files.filter(isRecord).slice(0, MAX_FILES) : [];
    return release(
      version,
      list.map((f) => ({
        filename: String(f.filename ?? ""),
        sha256: isRecord(f.digests) && typeof f.digests.sha256 === "string"
          ? f.digests.sha256
          : undefined,
        uploadedAt: typeof f.upload_time_iso_8601 === "string" ? f.upload_time_iso_8601 : undefined,
        yanked: f.yanked === true,
        yankedReason: typeof f.yanked_reason === "string" ? f.yanked_reason : undefined,
      })),
    );
  });
}

/** PEP 691 (+ PEP 700 `versions` and `upload-time`): files grouped by the version in their name. */
function fromSimple(data: unknown, url: string): Release[] {
  if (!isRecord(data) || !Array.isArray(data.files)) {
    throw invalid(url, "not a PEP 691 project page (no files list)");
  }
  if (data.files.length > MAX_FILES) throw invalid(url, `more than ${MAX_FILES} files`);
  const project = typeof data.name === "string" ? normaliseName(data.name) : undefined;
  const byVersion = new Map<string, FileFacts[]>();
  if (Array.isArray(data.versions)) {
    for (const v of data.versions.slice(0, MAX_VERSIONS)) {
      if (typeof v === "string") byVersion.set(v, []);
    }
  }
  for (const f of data.files.filter(isRecord)) {
    const filename = typeof f.filename === "string" ? f.filename : "";
    const version = versionFromFilename(filename, project);
    if (version === undefined) continue;
    const hashes = isRecord(f.hashes) ? f.hashes : {};
    const files = byVersion.get(version) ?? [];
    files.push({
      filename,
      sha256: typeof hashes.sha256 === "string" ? hashes.sha256 : undefined,
      uploadedAt: typeof f["upload-time"] === "string" ? f["upload-time"] : undefined,
      yanked: f.yanked === true || typeof f.yanked === "string",
      yankedReason: typeof f.yanked === "string" && f.yanked !== "" ? f.yanked : undefined,
    });
    byVersion.set(version, files);
  }
  return [...byVersion].map(([version, files]) => release(version, files));
}

interface FileFacts {
  filename: string;
  sha256?: string;
  uploadedAt?: string;
  yanked: boolean;
  yankedReason?: string;
}

/**
 * A release from its files: uploaded when its first file was; yanked when every file is (PEP 592
 * yanks files, and tools treat a version as yanked when all its files are).
 */
function release(version: string, files: FileFacts[]): Release {
  const times = files.map((f) => f.uploadedAt).filter((t): t is string => t !== undefined)
    .map((t) => [Date.parse(t), t] as const).filter(([ms]) => !Number.isNaN(ms));
  times.sort((a, b) => a[0] - b[0]);
  const yanked = files.length > 0 && files.every((f) => f.yanked);
  const reason = files.find((f) => f.yankedReason)?.yankedReason;
  return {
    version,
    ...(times.length ? { uploadedAt: new Date(times[0][0]).toISOString() } : {}),
    yanked,
    ...(yanked && reason ? { yankedReason: reason } : {}),
    files: files.map((f) => ({
      filename: f.filename,
      ...(f.sha256 ? { sha256: f.sha256 } : {}),
      ...(f.uploadedAt ? { uploadedAt: f.uploadedAt } : {}),
      yanked: f.yanked,
    })),
  };
}

const ARCHIVES = [".tar.gz", ".zip", ".tar.bz2", ".tar.xz", ".tgz", ".tar"];

/**
 * The version in a distribution file name: wheels (`name-ver-…whl`, PEP 427) and sdists
 * (`name-ver.tar.gz`; the project name, when known, tells where the version starts).
 *
 * @example
 * ```ts
 * import { versionFromFilename } from "./pypi.ts";
 * versionFromFilename("torch-2.3.1-cp311-cp311-manylinux1_x86_64.whl"); // "2.3.1"
 * versionFromFilename("scikit-learn-1.5.0.tar.gz", "scikit-learn"); // "1.5.0"
 * ```
 */
export function versionFromFilename(filename: string, project?: string): string | undefined {
  if (filename.endsWith(".whl")) {
    const parts = filename.slice(0, -4).split("-");
    return parts.length >= 5 && valid(parts[1]) ? parts[1] : undefined;
  }
  const ext = ARCHIVES.find((e) => filename.toLowerCase().endsWith(e));
  if (ext === undefined) return undefined;
  const stem = filename.slice(0, -ext.length);
  if (project !== undefined) {
    // The version starts after the first dash where the prefix normalises to the project name.
    for (let i = stem.indexOf("-"); i > 0; i = stem.indexOf("-", i + 1)) {
      if (normaliseName(stem.slice(0, i)) !== project) continue;
      const version = stem.slice(i + 1);
      return valid(version) ? version : undefined;
    }
    return undefined;
  }
  const dash = stem.lastIndexOf("-");
  const version = dash < 0 ? "" : stem.slice(dash + 1);
  return valid(version) ? version : undefined;
}
