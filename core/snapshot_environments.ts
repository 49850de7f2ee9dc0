/**
 * Snapshot facts about Python environments and what is installed in them.
 *
 * @module
 */
import { z } from "zod";
import type { Assert, Same } from "./_same_type.ts";
import { Location } from "./location.ts";

/**
 * One file of an installed distribution whose state differs from its RECORD.
 *
 * @example
 * ```ts
 * import { RecordDiscrepancy } from "./snapshot_environments.ts";
 * const changed: RecordDiscrepancy = RecordDiscrepancy.parse({
 *   path: "torch/__init__.py",
 *   kind: "hash-mismatch",
 * });
 * ```
 */
export interface RecordDiscrepancy {
  /** As written in RECORD (or found on disk, for unrecorded files). */
  path: string;
  /**
   * unrecorded: a .py file or executable inside the distribution's directories that RECORD does
   * not list; unhashed: listed without a hash (RECORD itself and __pycache__ are expected and not
   * reported); escapes-environment: a path that leaves the environment, refused and never read.
   */
  kind:
    | "hash-mismatch"
    | "size-mismatch"
    | "missing"
    | "unrecorded"
    | "unhashed"
    | "unknown-algorithm"
    | "escapes-environment"
    | "unreadable"
    | "malformed-entry";
  /** sha256=<urlsafe-b64> or size, from RECORD. */
  expected?: string;
  /** What the file on disk has instead. */
  actual?: string;
  /** Line of the RECORD entry. */
  line?: number;
}

/** @ignore The zod schema of {@linkcode RecordDiscrepancy}. */
export const RecordDiscrepancy = z.object({
  path: z.string().describe("As written in RECORD (or found on disk, for unrecorded files)"),
  kind: z.enum([
    "hash-mismatch",
    "size-mismatch",
    "missing",
    "unrecorded",
    "unhashed",
    "unknown-algorithm",
    "escapes-environment",
    "unreadable",
    "malformed-entry",
  ]).describe(
    "unrecorded: a .py file or executable inside the distribution's directories that RECORD " +
      "does not list; unhashed: listed without a hash (RECORD itself and __pycache__ are " +
      "expected and not reported); escapes-environment: a path that leaves the environment, " +
      "refused and never read",
  ),
  expected: z.string().optional().describe("sha256=<urlsafe-b64> or size, from RECORD"),
  actual: z.string().optional(),
  line: z.number().int().min(1).optional().describe("Line of the RECORD entry"),
});
type _RecordDiscrepancy = Assert<Same<z.output<typeof RecordDiscrepancy>, RecordDiscrepancy>>;

/**
 * A distribution installed in an environment (one `*.dist-info`).
 *
 * @example
 * ```ts
 * import { Distribution } from "./snapshot_environments.ts";
 * const numpy: Distribution = Distribution.parse({
 *   name: "numpy",
 *   version: "1.26.4",
 *   location: { file: ".venv/lib/python3.11/site-packages/numpy-1.26.4.dist-info/METADATA" },
 * });
 * ```
 */
export interface Distribution {
  /** The name, as METADATA writes it. Never empty. */
  name: string;
  /** The version, as METADATA writes it. */
  version: string;
  /** The INSTALLER file's content (pip, uv…). */
  installer?: string;
  /** A REQUESTED file is present: installed by name, not as a dependency. */
  requested?: boolean;
  /** PEP 610 direct_url.json. */
  directUrl?: Record<string, unknown>;
  /** Absent when RECORD was not verified (or the distribution has none). */
  record?: {
    /** Rows in RECORD. */
    entries: number;
    /** Files whose hash and size matched. */
    verifiedFiles: number;
    /** Files that differ from RECORD. */
    discrepancies: RecordDiscrepancy[];
  };
  /** The .dist-info directory's METADATA. */
  location: Location;
}

/** @ignore The zod schema of {@linkcode Distribution}. */
export const Distribution = z.object({
  name: z.string().min(1),
  version: z.string(),
  installer: z.string().optional(),
  requested: z.boolean().optional(),
  directUrl: z.record(z.string(), z.unknown()).optional().describe("PEP 610 direct_url.json"),
  record: z.object({
    entries: z.number().int().min(0).describe("Rows in RECORD"),
    verifiedFiles: z.number().int().min(0).describe("Files whose hash and size matched"),
    discrepancies: z.array(RecordDiscrepancy),
  }).optional().describe("Absent when RECORD was not verified (or the distribution has none)"),
  location: Location.describe("The .dist-info directory's METADATA"),
});
type _Distribution = Assert<Same<z.output<typeof Distribution>, Distribution>>;

/**
 * A `.pth` file in site-packages: Python runs its `import` lines at every interpreter start.
 *
 * @example
 * ```ts
 * import { StartupFile } from "./snapshot_environments.ts";
 * const pth: StartupFile = StartupFile.parse({
 *   path: ".venv/lib/python3.11/site-packages/x.pth",
 *   executesCode: true,
 * });
 * ```
 */
export interface StartupFile {
  /** The file's path. */
  path: string;
  /** Has lines starting with `import`, which Python executes. */
  executesCode: boolean;
  /** The distribution whose RECORD lists it. */
  owner?: string;
  /** First executing line. */
  line?: number;
}

/** @ignore The zod schema of {@linkcode StartupFile}. */
export const StartupFile = z.object({
  path: z.string(),
  executesCode: z.boolean().describe("Has lines starting with `import`, which Python executes"),
  owner: z.string().optional().describe("The distribution whose RECORD lists it"),
  line: z.number().int().min(1).optional().describe("First executing line"),
});
type _StartupFile = Assert<Same<z.output<typeof StartupFile>, StartupFile>>;

/**
 * A Python environment found in or for the project.
 *
 * @example
 * ```ts
 * import { Environment } from "./snapshot.ts";
 * const venv: Environment = Environment.parse({
 *   path: ".venv", kind: "venv", includeSystemSitePackages: false, distributions: [],
 *   location: { file: ".venv/pyvenv.cfg" },
 * });
 * ```
 */
export interface Environment {
  /** Directory relative to the project root, or '~/…' / absolute. */
  path: string;
  /** What kind of environment it is. */
  kind: "venv" | "conda" | "system";
  /** venv, virtualenv, uv, conda… as the environment says. */
  creator?: string;
  /** The environment also sees the base interpreter's site-packages. */
  includeSystemSitePackages: boolean;
  /** The Python version it was created with. */
  pythonVersion?: string;
  /** The base interpreter's directory (pyvenv.cfg `home`). */
  home?: string;
  /** The base interpreter carries a PEP 668 EXTERNALLY-MANAGED marker. */
  externallyManaged?: boolean;
  /** Site-packages directories read. */
  sitePackages?: string[];
  /** .pth files in site-packages. */
  startupFiles?: StartupFile[];
  /** The distributions installed in it. */
  distributions: Distribution[];
  /** Where the environment is described (pyvenv.cfg). */
  location: Location;
}

/** @ignore The zod schema of {@linkcode Environment}. */
export const Environment = z.object({
  path: z.string().describe("Directory relative to the project root, or '~/…' / absolute"),
  kind: z.enum(["venv", "conda", "system"]),
  creator: z.string().optional().describe("venv, virtualenv, uv, conda… as the environment says"),
  includeSystemSitePackages: z.boolean(),
  pythonVersion: z.string().optional(),
  home: z.string().optional(),
  externallyManaged: z.boolean().optional()
    .describe("The base interpreter carries a PEP 668 EXTERNALLY-MANAGED marker"),
  sitePackages: z.array(z.string()).optional().describe("Site-packages directories read"),
  startupFiles: z.array(StartupFile).optional().describe(".pth files in site-packages"),
  distributions: z.array(Distribution),
  location: Location.describe("Where the environment is described (pyvenv.cfg)"),
});
type _Environment = Assert<Same<z.output<typeof Environment>, Environment>>;
