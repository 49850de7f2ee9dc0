/**
 * Snapshot facts about Python environments and what is installed in them.
 *
 * @module
 */
import { z } from "zod";
import { Location } from "./location.ts";

/**
 * One file of an installed distribution whose state differs from its RECORD.
 *
 * @example
 * ```ts
 * import { RecordDiscrepancy } from "./snapshot_environments.ts";
 * RecordDiscrepancy.parse({ path: "torch/__init__.py", kind: "hash-mismatch" });
 * ```
 */
export const RecordDiscrepancy = z.object({
  path: z.string(),
  kind: z.enum(["hash-mismatch", "size-mismatch", "missing", "unrecorded", "escapes-environment"]),
  expected: z.string().optional(),
  actual: z.string().optional(),
});
/** One file of an installed distribution whose state differs from its RECORD. */
export type RecordDiscrepancy = z.infer<typeof RecordDiscrepancy>;

/**
 * A distribution installed in an environment (one `*.dist-info`).
 *
 * @example
 * ```ts
 * import { Distribution } from "./snapshot_environments.ts";
 * Distribution.parse({ name: "numpy", version: "1.26.4", location: { file: ".venv/lib/python3.11/site-packages/numpy-1.26.4.dist-info/METADATA" } });
 * ```
 */
export const Distribution = z.object({
  name: z.string().min(1),
  version: z.string(),
  installer: z.string().optional(),
  requested: z.boolean().optional(),
  directUrl: z.record(z.string(), z.unknown()).optional().describe("PEP 610 direct_url.json"),
  record: z.object({
    verifiedFiles: z.number().int().min(0),
    discrepancies: z.array(RecordDiscrepancy),
  }).optional(),
  location: Location,
});
/** A distribution installed in an environment. */
export type Distribution = z.infer<typeof Distribution>;

/**
 * A Python environment found in or for the project.
 *
 * @example
 * ```ts
 * import { Environment } from "./snapshot.ts";
 * Environment.parse({
 *   path: ".venv", kind: "venv", includeSystemSitePackages: false, distributions: [],
 *   location: { file: ".venv/pyvenv.cfg" },
 * });
 * ```
 */
export const Environment = z.object({
  path: z.string().describe("Directory relative to the project root ('.' style), or absolute"),
  kind: z.enum(["venv", "conda", "system"]),
  includeSystemSitePackages: z.boolean(),
  pythonVersion: z.string().optional(),
  home: z.string().optional(),
  distributions: z.array(Distribution),
  location: Location.describe("Where the environment is described (pyvenv.cfg)"),
});
/** A Python environment. */
export type Environment = z.infer<typeof Environment>;
