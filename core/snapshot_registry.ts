/**
 * Registry facts added by enrichment (PyPI, OSV, Hugging Face), and where they came from.
 *
 * @module
 */
import { z } from "zod";
import type { Assert, Same } from "./_same_type.ts";

/**
 * One release of a package as an index reports it.
 *
 * @example
 * ```ts
 * import { Release } from "./snapshot_registry.ts";
 * const release: Release = Release.parse({
 *   version: "2.3.1",
 *   uploadedAt: "2024-06-05T00:00:00Z",
 *   yanked: false,
 * });
 * ```
 */
export interface Release {
  /** The version. */
  version: string;
  /** Upload time of its first file (ISO 8601). */
  uploadedAt?: string;
  /** Yanked (PEP 592). */
  yanked: boolean;
  /** Why it was yanked, when the index says. */
  yankedReason?: string;
  /** Its files carry PEP 740 attestations. */
  attested?: boolean;
  /** Trusted-publisher repository of the attestation. */
  publisher?: string;
  /** The release's distribution files, when the index lists them. */
  files?: {
    /** The file name (`torch-2.3.1-cp311-…whl`). */
    filename: string;
    /** Its sha256, as the index reports it. */
    sha256?: string;
    /** Upload time (ISO 8601). */
    uploadedAt?: string;
    /** This file is yanked. */
    yanked?: boolean;
  }[];
}

/** @ignore The zod schema of {@linkcode Release}. */
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
type _Release = Assert<Same<z.output<typeof Release>, Release>>;

/**
 * A known vulnerability affecting a package version (OSV).
 *
 * @example
 * ```ts
 * import { Advisory } from "./snapshot_registry.ts";
 * const advisory: Advisory = Advisory.parse({
 *   id: "PYSEC-2024-1", aliases: [], package: "torch", version: "2.3.1", severity: "high",
 *   fixed: ["2.4.0"],
 * });
 * ```
 */
export interface Advisory {
  /** The advisory id (`PYSEC-…`, `GHSA-…`). */
  id: string;
  /** Other ids of the same vulnerability (CVE…). */
  aliases: string[];
  /** The affected package (PEP 503-normalised). */
  package: string;
  /** The affected version the project uses. */
  version: string;
  /** One-line summary. */
  summary?: string;
  /** Severity, from the CVSS score or the database. */
  severity: "low" | "moderate" | "high" | "critical" | "unknown";
  /** Versions that fix it. */
  fixed: string[];
  /** CVSS score behind the severity (0 to 10). */
  score?: number;
  /** CVSS vector behind the severity. */
  vector?: string;
  /** What the severity was taken from. */
  severitySource?: "cvss_v3" | "cvss_v4" | "database_specific";
  /** Why the severity is unknown. */
  severityReason?: string;
  /** Publication time (ISO 8601). */
  published?: string;
  /** Last modification time (ISO 8601). */
  modified?: string;
  /** Links to read. */
  references?: string[];
  /** Where the record came from: the OSV API base URL, or the offline database's path and digest. */
  database?: string;
}

/** @ignore The zod schema of {@linkcode Advisory}. */
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
type _Advisory = Assert<Same<z.output<typeof Advisory>, Advisory>>;

/**
 * What a Python package index says about one package name.
 *
 * @example
 * ```ts
 * import type { PypiProject } from "./snapshot_registry.ts";
 * const torch: PypiProject = { name: "torch", found: true, latest: "2.3.1", releases: [] };
 * ```
 */
export interface PypiProject {
  /** PEP 503-normalised name. */
  name: string;
  /** Base URL the facts came from (redacted). */
  index?: string;
  /** False when the index does not know the name (default true). */
  found: boolean;
  /** Newest stable (non-pre-release, not yanked) version. */
  latest?: string;
  /** Its releases. */
  releases: Release[];
}

/**
 * What the Hugging Face Hub says about one model repository at one revision.
 *
 * @example
 * ```ts
 * import type { HubRepository } from "./snapshot_registry.ts";
 * const bert: HubRepository = { repoId: "google-bert/bert-base-uncased", found: true, sha: "86b5e09" };
 * ```
 */
export interface HubRepository {
  /** `publisher/name`, or `name` for legacy canonical models. */
  repoId: string;
  /** The revision asked for (default: main). */
  revision?: string;
  /** False when the Hub answers 404 (default true). */
  found: boolean;
  /** The repository's owner. */
  author?: string;
  /** Commit the revision resolved to. */
  sha?: string;
  /** Last modification time (ISO 8601). */
  lastModified?: string;
  /** false, 'auto' or 'manual'. */
  gated?: boolean | string;
  /** A private repository. */
  private?: boolean;
  /** Disabled by the Hub. */
  disabled?: boolean;
  /** File names at that revision. */
  files?: string[];
}

/**
 * The PEP 740 provenance PyPI's Integrity API serves for one locked file.
 *
 * @example
 * ```ts
 * import type { FileProvenance } from "./snapshot_registry.ts";
 * const none: FileProvenance = {
 *   name: "torch",
 *   version: "2.3.1",
 *   filename: "torch-2.3.1-cp311-cp311-manylinux1_x86_64.whl",
 *   url: "https://pypi.org/integrity/torch/2.3.1/torch-2.3.1-cp311-cp311-manylinux1_x86_64.whl/provenance",
 *   provenance: null,
 * };
 * ```
 */
export interface FileProvenance {
  /** PEP 503-normalised package name. */
  name: string;
  /** The version. */
  version: string;
  /** The distribution file. */
  filename: string;
  /** Digest the project pins for this file. */
  sha256?: string;
  /** Integrity API URL asked (redacted). */
  url: string;
  /**
   * The PEP 740 provenance object as served (null: the index has none). Not trusted: checks
   * verify its attestation bundles.
   */
  provenance: unknown;
}

/**
 * Registry facts added by enrichment (online, cached), each list keyed by its own fields.
 *
 * @example
 * ```ts
 * import { RegistryData } from "./snapshot_registry.ts";
 * const none: RegistryData = RegistryData.parse({ pypi: [], advisories: [], hub: [], provenance: [] });
 * ```
 */
export interface RegistryData {
  /** Package facts from Python package indexes. */
  pypi: PypiProject[];
  /** Known vulnerabilities of the versions used. */
  advisories: Advisory[];
  /** Model repositories on the Hugging Face Hub. */
  hub: HubRepository[];
  /** PEP 740 provenance of locked files (PyPI Integrity API); default empty. */
  provenance: FileProvenance[];
}

/** @ignore The zod schema of {@linkcode RegistryData}. */
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
type _RegistryData = Assert<Same<z.output<typeof RegistryData>, RegistryData>>;

/**
 * Where a piece of external data came from, and as of when.
 *
 * @example
 * ```ts
 * import { DataSource } from "./snapshot_registry.ts";
 * const osv: DataSource = DataSource.parse({
 *   name: "osv",
 *   url: "https://api.osv.dev",
 *   retrievedAt: "2026-01-01T00:00:00Z",
 * });
 * ```
 */
export interface DataSource {
  /** pypi, osv, osv-db, huggingface, pypi-integrity… */
  name: string;
  /** Base URL or database path (redacted). */
  url?: string;
  /** Newest fetch time among the data used (ISO 8601). */
  retrievedAt?: string;
  /** Network requests made. */
  requests?: number;
  /** Answers served from the disk cache. */
  fromCache?: number;
  /** Expired cached answers used because the server could not be reached. */
  stale?: number;
  /** Oldest fetch time among the data used. */
  oldestRetrievedAt?: string;
  /** ETag of a single-document source. */
  etag?: string;
  /** Version of a local database (e.g. newest modified time, record count and digest). */
  version?: string;
}

/** @ignore The zod schema of {@linkcode DataSource}. */
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
type _DataSource = Assert<Same<z.output<typeof DataSource>, DataSource>>;
