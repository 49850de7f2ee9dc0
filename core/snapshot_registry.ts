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
});
/** A known vulnerability affecting a package version. */
export type Advisory = z.infer<typeof Advisory>;

/**
 * Registry facts added by enrichment (online, cached), each list keyed by its own fields.
 *
 * @example
 * ```ts
 * import { RegistryData } from "./snapshot_registry.ts";
 * RegistryData.parse({ pypi: [], advisories: [], hub: [] });
 * ```
 */
export const RegistryData = z.object({
  pypi: z.array(
    z.object({
      name: z.string(),
      latest: z.string().optional(),
      releases: z.array(Release),
    }),
  ),
  advisories: z.array(Advisory),
  hub: z.array(
    z.object({
      repoId: z.string(),
      author: z.string().optional(),
      sha: z.string().optional(),
      gated: z.boolean().optional(),
    }),
  ),
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
  name: z.string(),
  url: z.string().optional(),
  retrievedAt: z.string().optional(),
});
/** Where a piece of external data came from. */
export type DataSource = z.infer<typeof DataSource>;
