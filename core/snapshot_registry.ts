/**
 * Registry facts added by enrichment (PyPI, OSV, Hugging Face), and where they came from.
 *
 * @module
 */
import { z } from "zod";

/**
 * One release of a package as an index reports it.
 *
 * @example
 * ```ts
 * import { Release } from "./snapshot_registry.ts";
 * Release.parse({ version: "2.3.1", uploadedAt: "2024-06-05T00:00:00Z", yanked: false });
 * ```
 */
export const Release = z.object({
  version: z.string(),
  uploadedAt: z.string().optional().describe("ISO 8601"),
  yanked: z.boolean(),
  yankedReason: z.string().optional(),
  attested: z.boolean().optional(),
  publisher: z.string().optional().describe("Trusted-publisher repository of the attestation"),
  files: z.array(z.object({
    filename: z.string(),
    sha256: z.string().optional(),
    uploadedAt: z.string().optional(),
    yanked: z.boolean().optional(),
  })).optional().describe("The release's distribution files, when the index lists them"),
});
/** One release of a package. */
export type Release = z.infer<typeof Release>;

/**
 * A known vulnerability affecting a package version (OSV).
 *
 * @example
 * ```ts
 * import { Advisory } from "./snapshot_registry.ts";
 * Advisory.parse({ id: "PYSEC-2024-1", aliases: [], package: "torch", version: "2.3.1", severity: "high", fixed: ["2.4.0"] });
 * ```
 */
export const Advisory = z.object({
  id: z.string(),
  aliases: z.array(z.string()),
  package: z.string(),
  version: z.string(),
  summary: z.string().optional(),
  severity: z.enum(["low", "moderate", "high", "critical", "unknown"]),
  fixed: z.array(z.string()),
  score: z.number().min(0).max(10).optional().describe("CVSS score behind the severity"),
  vector: z.string().optional().describe("CVSS vector behind the severity"),
  severitySource: z.enum(["cvss_v3", "cvss_v4", "database_specific"]).optional(),
  severityReason: z.string().optional().describe("Why the severity is unknown"),
  published: z.string().optional().describe("ISO 8601"),
  modified: z.string().optional().describe("ISO 8601"),
  references: z.array(z.string()).optional(),
  database: z.string().optional().describe(
    "Where the record came from: the OSV API base URL, or the offline database's path and digest",
  ),
});
/** A known vulnerability affecting a package version. */
export type Advisory = z.infer<typeof Advisory>;

/**
 * Registry facts added by enrichment (online, cached), each list keyed by its own fields.
 *
 * @example
 * ```ts
 * import { RegistryData } from "./snapshot_registry.ts";
 * RegistryData.parse({ pypi: [], advisories: [], hub: [], provenance: [] });
 * ```
 */
export const RegistryData = z.object({
  pypi: z.array(
    z.object({
      name: z.string().describe("PEP 503-normalised name"),
      index: z.string().optional().describe("Base URL the facts came from (redacted)"),
      found: z.boolean().default(true).describe("False when the index does not know the name"),
      latest: z.string().optional().describe("Newest stable (non-pre-release, not yanked) version"),
      releases: z.array(Release),
    }),
  ),
  advisories: z.array(Advisory),
  hub: z.array(
    z.object({
      repoId: z.string(),
      revision: z.string().optional().describe("The revision asked for (default: main)"),
      found: z.boolean().default(true).describe("False when the Hub answers 404"),
      author: z.string().optional(),
      sha: z.string().optional().describe("Commit the revision resolved to"),
      lastModified: z.string().optional(),
      gated: z.union([z.boolean(), z.string()]).optional().describe("false, 'auto' or 'manual'"),
      private: z.boolean().optional(),
      disabled: z.boolean().optional(),
      files: z.array(z.string()).optional().describe("File names at that revision"),
    }),
  ),
  provenance: z.array(
    z.object({
      name: z.string().describe("PEP 503-normalised package name"),
      version: z.string(),
      filename: z.string(),
      sha256: z.string().optional().describe("Digest the project pins for this file"),
      url: z.string().describe("Integrity API URL asked (redacted)"),
      provenance: z.unknown().describe(
        "The PEP 740 provenance object as served (null: the index has none). Not trusted: " +
          "checks verify its attestation bundles",
      ),
    }),
  ).default([]).describe("PEP 740 provenance of locked files (PyPI Integrity API)"),
});
/** Registry facts added by enrichment. */
export type RegistryData = z.infer<typeof RegistryData>;

/**
 * Where a piece of external data came from, and as of when.
 *
 * @example
 * ```ts
 * import { DataSource } from "./snapshot_registry.ts";
 * DataSource.parse({ name: "osv", url: "https://api.osv.dev", retrievedAt: "2026-01-01T00:00:00Z" });
 * ```
 */
export const DataSource = z.object({
  name: z.string().describe("pypi, osv, osv-db, huggingface, pypi-integrity…"),
  url: z.string().optional().describe("Base URL or database path (redacted)"),
  retrievedAt: z.string().optional().describe("Newest fetch time among the data used (ISO 8601)"),
  requests: z.number().int().min(0).optional().describe("Network requests made"),
  fromCache: z.number().int().min(0).optional().describe("Answers served from the disk cache"),
  stale: z.number().int().min(0).optional().describe(
    "Expired cached answers used because the server could not be reached",
  ),
  oldestRetrievedAt: z.string().optional().describe("Oldest fetch time among the data used"),
  etag: z.string().optional().describe("ETag of a single-document source"),
  version: z.string().optional().describe(
    "Version of a local database (e.g. newest modified time, record count and digest)",
  ),
});
/** Where a piece of external data came from. */
export type DataSource = z.infer<typeof DataSource>;
