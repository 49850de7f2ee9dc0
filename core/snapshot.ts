/**
 * The snapshot: every fact Tollgate collected about a project, and the contract between the
 * collecting half and the judging half. Defined once here with zod; the JSON Schema printed by
 * `tollgate schema snapshot` is generated from these definitions.
 *
 * Each part is an interface, documented field by field, and a zod schema of the same name that
 * validates it: `Snapshot.parse(json)` returns a {@linkcode Snapshot}. The schemas are hidden
 * from these docs (their types are zod's); the build fails when a schema and its interface drift.
 *
 * Sections that later readers fill (environments' installed distributions, model files,
 * signatures, registry data) are defined now so the contract does not move under users who store
 * snapshots as audit evidence.
 *
 * @module
 */
import { z } from "zod";
import type { Assert, Same } from "./_same_type.ts";
import { Problem } from "./location.ts";
import { Index, InstallerSetting, Package } from "./snapshot_packages.ts";
import { Installer } from "./snapshot_installers.ts";
import { Environment } from "./snapshot_environments.ts";
import { Artifact, LoaderCall, ModelReference } from "./snapshot_models.ts";
import { Signature } from "./snapshot_signatures.ts";
import { Exposure, Launch, OwnerRule, SecretFact, ServerCall } from "./snapshot_infra.ts";
import { DataSource, RegistryData } from "./snapshot_registry.ts";

export * from "./location.ts";
export * from "./snapshot_packages.ts";
export * from "./snapshot_installers.ts";
export * from "./snapshot_environments.ts";
export * from "./snapshot_models.ts";
export * from "./snapshot_signatures.ts";
export * from "./snapshot_infra.ts";
export * from "./snapshot_registry.ts";

/**
 * The schema identifier every v1 snapshot carries.
 *
 * @example
 * ```ts
 * import { SNAPSHOT_SCHEMA } from "./snapshot.ts";
 * SNAPSHOT_SCHEMA; // "tollgate.snapshot/v1"
 * ```
 */
export const SNAPSHOT_SCHEMA = "tollgate.snapshot/v1" as const;

/**
 * Names of the snapshot sections a check may need; listed in `collected` when filled. `records`
 * means installed files were verified against each distribution's RECORD; `installers` that the
 * project's files were searched for the installers they are written for.
 *
 * @example
 * ```ts
 * import { Section } from "./snapshot.ts";
 * const section: Section = Section.parse("registry.pypi");
 * Section.options.length; // 16
 * ```
 */
export type Section =
  | "packages"
  | "indexes"
  | "settings"
  | "installers"
  | "environments"
  | "records"
  | "models"
  | "artifacts"
  | "signatures"
  | "services"
  | "secrets"
  | "codeowners"
  | "registry.pypi"
  | "registry.advisories"
  | "registry.hub"
  | "registry.provenance";

/** @ignore The zod schema of {@linkcode Section}. */
export const Section = z.enum([
  "packages",
  "indexes",
  "settings",
  "installers",
  "environments",
  "records",
  "models",
  "artifacts",
  "signatures",
  "services",
  "secrets",
  "codeowners",
  "registry.pypi",
  "registry.advisories",
  "registry.hub",
  "registry.provenance",
]);
type _Section = Assert<Same<z.output<typeof Section>, Section>>;

/**
 * A section a producer tried to fill and could not: checks that need it error with the reason.
 *
 * @example
 * ```ts
 * import { MissingSection } from "./snapshot.ts";
 * const missing: MissingSection = MissingSection.parse({
 *   section: "registry.pypi",
 *   reason: "pypi.org answered 503",
 * });
 * ```
 */
export interface MissingSection {
  /** The section. */
  section: Section;
  /** Why it could not be filled. */
  reason: string;
}

/** @ignore The zod schema of {@linkcode MissingSection}. */
export const MissingSection = z.object({ section: Section, reason: z.string() });
type _MissingSection = Assert<Same<z.output<typeof MissingSection>, MissingSection>>;

/**
 * The whole snapshot. `collected` lists the sections the producer actually filled: an empty
 * list in a section that was not collected means "unknown", not "none", and checks that need it
 * report `error` (or `skipped` offline) instead of passing.
 *
 * @example
 * ```ts
 * import { emptySnapshot, Snapshot } from "./snapshot.ts";
 * const stored = JSON.stringify(
 *   emptySnapshot({ root: "demo", collectedAt: "2026-01-01T00:00:00.000Z" }),
 * );
 * const snapshot: Snapshot = Snapshot.parse(JSON.parse(stored));
 * snapshot.collected; // []
 * ```
 */
export interface Snapshot {
  /** Always {@linkcode SNAPSHOT_SCHEMA}. */
  schema: "tollgate.snapshot/v1";
  /** The tool that collected it. */
  tool: {
    /** Its name. */
    name: string;
    /** Its version. */
    version: string;
  };
  /** Name of the project directory (never an absolute path). */
  root: string;
  /** ISO 8601 time of collection. */
  collectedAt: string;
  /** The sections the producer filled. */
  collected: Section[];
  /** Files read, with the reader that read them. */
  inputs: {
    /** The file, relative to the root. */
    file: string;
    /** The reader's format name. */
    format: string;
  }[];
  /** Dependency declarations. */
  packages: Package[];
  /** Configured package indexes. */
  indexes: Index[];
  /** Installer settings. */
  settings: InstallerSetting[];
  /**
   * The installers the project's files are written for, with the evidence (default empty: absent
   * in snapshots from before this field).
   */
  installers: Installer[];
  /** Python environments. */
  environments: Environment[];
  /** Models loaded from hubs. */
  models: ModelReference[];
  /** Deserialising calls in code (default empty: absent in snapshots from before this field). */
  loaderCalls: LoaderCall[];
  /** Model files on disk. */
  artifacts: Artifact[];
  /** Model signatures and the files they cover. */
  signatures: Signature[];
  /** Processes the deployment files and scripts start (section `services`). */
  launches: Launch[];
  /** How units are reachable from outside (section `services`). */
  exposures: Exposure[];
  /** Python code that starts servers (section `services`). */
  serverCalls: ServerCall[];
  /** Secrets written into deployment files: kind and place, never the value. */
  secrets: SecretFact[];
  /** CODEOWNERS rules. */
  codeowners: OwnerRule[];
  /** Registry facts added by enrichment. */
  registry: RegistryData;
  /** Where external data came from. */
  data: DataSource[];
  /** Input that could not be read or understood. */
  problems: Problem[];
  /**
   * Sections a producer tried to fill and could not, with the reason (a failing registry
   * source); default empty.
   */
  missing: MissingSection[];
}

/** @ignore The zod schema of {@linkcode Snapshot}. */
export const Snapshot = z.object({
  schema: z.literal(SNAPSHOT_SCHEMA),
  tool: z.object({ name: z.string(), version: z.string() }),
  root: z.string().describe("Name of the project directory (never an absolute path)"),
  collectedAt: z.string().describe("ISO 8601 time of collection"),
  collected: z.array(Section),
  inputs: z.array(z.object({ file: z.string(), format: z.string() }))
    .describe("Files read, with the reader that read them"),
  packages: z.array(Package),
  indexes: z.array(Index),
  settings: z.array(InstallerSetting),
  installers: z.array(Installer).default([]).describe(
    "The installers the project's files are written for, with the evidence (absent in snapshots " +
      "from before this field)",
  ),
  environments: z.array(Environment),
  models: z.array(ModelReference),
  loaderCalls: z.array(LoaderCall).default([])
    .describe("Deserialising calls in code (absent in snapshots from before this field)"),
  artifacts: z.array(Artifact),
  signatures: z.array(Signature),
  launches: z.array(Launch).default([]).describe(
    "Processes the deployment files and scripts start (absent in snapshots from before this field)",
  ),
  exposures: z.array(Exposure).default([]).describe("How units are reachable from outside"),
  serverCalls: z.array(ServerCall).default([]).describe("Python code that starts servers"),
  secrets: z.array(SecretFact).default([]).describe(
    "Secrets written into deployment files: kind and place, never the value",
  ),
  codeowners: z.array(OwnerRule),
  registry: RegistryData,
  data: z.array(DataSource),
  problems: z.array(Problem),
  missing: z.array(MissingSection).default([]).describe(
    "Sections a producer tried to fill and could not, with the reason (a failing registry source)",
  ),
});
type _Snapshot = Assert<Same<z.output<typeof Snapshot>, Snapshot>>;

/**
 * The tool identity written into snapshots and reports.
 *
 * @example
 * ```ts
 * import { TOOL } from "./snapshot.ts";
 * TOOL.name; // "tollgate"
 * ```
 */
export const TOOL = { name: "tollgate", version: "0.1.0" } as const;

/**
 * An empty snapshot with nothing collected: the starting point for collectors and tests.
 *
 * @param options `root` (project name) and `collectedAt` (ISO time).
 * @returns A valid snapshot with every section empty.
 * @example
 * ```ts
 * import { emptySnapshot } from "./snapshot.ts";
 * const s = emptySnapshot({ root: "demo", collectedAt: "2026-01-01T00:00:00.000Z" });
 * s.packages.length; // 0
 * ```
 */
export function emptySnapshot(options: { root: string; collectedAt: string }): Snapshot {
  return {
    schema: SNAPSHOT_SCHEMA,
    tool: { ...TOOL },
    root: options.root,
    collectedAt: options.collectedAt,
    collected: [],
    inputs: [],
    packages: [],
    indexes: [],
    settings: [],
    installers: [],
    environments: [],
    models: [],
    loaderCalls: [],
    artifacts: [],
    signatures: [],
    launches: [],
    exposures: [],
    serverCalls: [],
    secrets: [],
    codeowners: [],
    registry: { pypi: [], advisories: [], hub: [], provenance: [] },
    data: [],
    problems: [],
    missing: [],
  };
}
