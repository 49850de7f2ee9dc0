/**
 * Snapshot facts about dependencies: packages, indexes and installer settings.
 *
 * @module
 */
import { z } from "zod";
import type { Assert, Same } from "./_same_type.ts";
import { Location } from "./location.ts";

/**
 * Package ecosystems Tollgate understands.
 *
 * @example
 * ```ts
 * import { Ecosystem } from "./snapshot_packages.ts";
 * const ecosystem: Ecosystem = Ecosystem.parse("conda");
 * ```
 */
export type Ecosystem = "pypi" | "conda";

/** @ignore The zod schema of {@linkcode Ecosystem}. */
export const Ecosystem = z.enum(["pypi", "conda"]);
type _Ecosystem = Assert<Same<z.output<typeof Ecosystem>, Ecosystem>>;

/**
 * Where a package comes from. `index` means "resolved through the configured indexes"; `url` is
 * set when a reader knows which one (lock files record it).
 *
 * @example
 * ```ts
 * import { PackageSource } from "./snapshot.ts";
 * const source: PackageSource = PackageSource.parse({
 *   kind: "vcs",
 *   vcs: "git",
 *   url: "https://github.com/org/repo",
 *   ref: "v1",
 * });
 * ```
 */
export type PackageSource =
  | {
    /** Resolved through the configured indexes. */
    kind: "index";
    /** The index it resolves from, when known (redacted). */
    url?: string;
    /** The named index it is routed to (uv, Poetry, Pipfile). */
    name?: string;
  }
  | {
    /** Fetched from a version-control repository. */
    kind: "vcs";
    /** The version-control system. */
    vcs: "git" | "hg" | "svn" | "bzr";
    /** The repository URL (redacted). */
    url: string;
    /** Branch, tag or commit as written. */
    ref?: string;
    /** Resolved full commit id, when a lock records it. */
    commit?: string;
  }
  | {
    /** A direct URL to an archive or wheel. */
    kind: "url";
    /** The URL (redacted). */
    url: string;
  }
  | {
    /** A local directory or file. */
    kind: "path";
    /** The path as written. */
    path: string;
  };

/** @ignore The zod schema of {@linkcode PackageSource}. */
export const PackageSource = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("index"),
    url: z.string().optional().describe("The index it resolves from, when known (redacted)"),
    name: z.string().optional().describe("The named index it is routed to (uv, Poetry, Pipfile)"),
  }),
  z.object({
    kind: z.literal("vcs"),
    vcs: z.enum(["git", "hg", "svn", "bzr"]),
    url: z.string(),
    ref: z.string().optional().describe("Branch, tag or commit as written"),
    commit: z.string().optional().describe("Resolved full commit id, when a lock records it"),
  }),
  z.object({ kind: z.literal("url"), url: z.string() }),
  z.object({ kind: z.literal("path"), path: z.string() }),
]);
type _PackageSource = Assert<Same<z.output<typeof PackageSource>, PackageSource>>;

/**
 * What kind of declaration a package entry is: `manifest` is an abstract requirement (pyproject,
 * Pipfile, environment.yml), `requirements` an install input for pip, `constraint` a pip
 * constraints-file entry (limits versions, installs nothing), `lock` a resolved lock entry.
 *
 * @example
 * ```ts
 * import { DeclarationLayer } from "./snapshot.ts";
 * const layer: DeclarationLayer = DeclarationLayer.parse("lock");
 * ```
 */
export type DeclarationLayer = "manifest" | "requirements" | "constraint" | "lock";

/** @ignore The zod schema of {@linkcode DeclarationLayer}. */
export const DeclarationLayer = z.enum(["manifest", "requirements", "constraint", "lock"]);
type _DeclarationLayer = Assert<Same<z.output<typeof DeclarationLayer>, DeclarationLayer>>;

/**
 * One dependency declaration: a requirements line, a pyproject entry or a lock entry.
 *
 * @example
 * ```ts
 * import { Package } from "./snapshot.ts";
 * const torch: Package = Package.parse({
 *   ecosystem: "pypi", name: "torch", version: "2.3.1", specifier: "==2.3.1",
 *   extras: [], hashes: ["sha256:" + "a".repeat(64)], source: { kind: "index" },
 *   layer: "requirements", direct: true, editable: false, groups: [],
 *   locations: [{ file: "requirements.txt", line: 1 }],
 * });
 * ```
 */
export interface Package {
  /** The ecosystem it belongs to. */
  ecosystem: Ecosystem;
  /** PEP 503-normalised name. Never empty. */
  name: string;
  /** Name as written, when it differs. */
  displayName?: string;
  /**
   * `guessed` when no name was written (`-e .`, a URL without `#egg=`): the name is the reader's
   * guess from a path or URL, and checks that match on names treat it as unknown. Absent: written.
   */
  nameFrom?: "guessed";
  /** Exact version when pinned with == (no wildcard) or ===. */
  version?: string;
  /**
   * How the version was found when not written as a pin: `filename` (a wheel or sdist file name in
   * the URL fixes it, PEP 427, and `version` holds it); `unresolved` (the pin or file name holds an
   * unexpanded `${VAR}`: `version` is absent and `specifier` or the source keeps the text).
   */
  versionFrom?: "filename" | "unresolved";
  /** Version specifier as written, '' when none. */
  specifier: string;
  /** Extras asked for (`torch[cuda]`). */
  extras: string[];
  /** PEP 508 environment markers, as written. */
  markers?: string;
  /** 'algorithm:hexdigest' entries. */
  hashes: string[];
  /** Where it comes from. */
  source: PackageSource;
  /** What kind of declaration this is. */
  layer: DeclarationLayer;
  /** Declared by the project rather than pulled in transitively. */
  direct: boolean;
  /** An editable install (`-e`). */
  editable: boolean;
  /** Optional-dependency extras or dependency groups. */
  groups: string[];
  /** Conda platforms a lock entry is for. */
  platforms?: string[];
  /**
   * The packages this lock entry depends on, where the lock file records it (uv, Poetry, PDM,
   * conda-lock, pixi): their names in this package's ecosystem (PEP 503-normalised for PyPI,
   * lower case for conda), sorted and unique. Absent when the file records no dependency list.
   */
  dependsOn?: string[];
  /** Where it is declared; at least one. */
  locations: Location[];
}

/** @ignore The zod schema of {@linkcode Package}. */
export const Package = z.object({
  ecosystem: Ecosystem,
  name: z.string().min(1).describe("PEP 503-normalised name"),
  displayName: z.string().optional().describe("Name as written, when it differs"),
  nameFrom: z.literal("guessed").optional().describe(
    "'guessed' when no name was written (-e ., a URL without #egg=): checks treat it as unknown",
  ),
  version: z.string().optional().describe("Exact version when pinned with == (no wildcard) or ==="),
  versionFrom: z.enum(["filename", "unresolved"]).optional().describe(
    "How the version was found when not written as a pin: from a wheel/sdist file name, or " +
      "unresolved (an unexpanded ${VAR})",
  ),
  specifier: z.string().describe("Version specifier as written, '' when none"),
  extras: z.array(z.string()),
  markers: z.string().optional(),
  hashes: z.array(z.string()).describe("'algorithm:hexdigest' entries"),
  source: PackageSource,
  layer: DeclarationLayer,
  direct: z.boolean().describe("Declared by the project rather than pulled in transitively"),
  editable: z.boolean(),
  groups: z.array(z.string()).describe("Optional-dependency extras or dependency groups"),
  platforms: z.array(z.string()).optional().describe("Conda platforms a lock entry is for"),
  dependsOn: z.array(z.string()).optional().describe(
    "Names of the packages this lock entry depends on, where the lock records it " +
      "(PEP 503-normalised for PyPI, lower case for conda; sorted, unique)",
  ),
  locations: z.array(Location).min(1),
});
type _Package = Assert<Same<z.output<typeof Package>, Package>>;

/**
 * How an index is used.
 *
 * @example
 * ```ts
 * import { IndexRole } from "./snapshot_packages.ts";
 * const role: IndexRole = IndexRole.parse("extra");
 * ```
 */
export type IndexRole =
  | "primary"
  | "extra"
  | "find-links"
  | "explicit"
  | "supplemental"
  | "conda-channel";

/** @ignore The zod schema of {@linkcode IndexRole}. */
export const IndexRole = z.enum([
  "primary",
  "extra",
  "find-links",
  "explicit",
  "supplemental",
  "conda-channel",
]);
type _IndexRole = Assert<Same<z.output<typeof IndexRole>, IndexRole>>;

/**
 * The installer a piece of configuration belongs to: it decides how several indexes combine.
 *
 * @example
 * ```ts
 * import { InstallerTool } from "./snapshot_packages.ts";
 * const tool: InstallerTool = InstallerTool.parse("uv");
 * ```
 */
export type InstallerTool = "pip" | "uv" | "poetry" | "pdm" | "pipenv" | "conda";

/** @ignore The zod schema of {@linkcode InstallerTool}. */
export const InstallerTool = z.enum(["pip", "uv", "poetry", "pdm", "pipenv", "conda"]);
type _InstallerTool = Assert<Same<z.output<typeof InstallerTool>, InstallerTool>>;

/**
 * A package index, find-links location or conda channel the project configures. Credentials in
 * `url` are always redacted by the collector.
 *
 * @example
 * ```ts
 * import { Index } from "./snapshot.ts";
 * const index: Index = Index.parse({
 *   url: "https://pypi.org/simple",
 *   role: "primary",
 *   location: { file: "pip.conf" },
 * });
 * ```
 */
export interface Index {
  /** The URL, redacted. Never empty. */
  url: string;
  /** How it is used. */
  role: IndexRole;
  /** Its name, where the configuration names indexes (uv, Poetry, Pipfile). */
  name?: string;
  /** The URL carried credentials (shown redacted). */
  credentials?: boolean;
  /** The installer whose configuration names this index. */
  tool?: InstallerTool;
  /** Where it is configured. */
  location: Location;
}

/** @ignore The zod schema of {@linkcode Index}. */
export const Index = z.object({
  url: z.string().min(1),
  role: IndexRole,
  name: z.string().optional(),
  credentials: z.boolean().optional().describe("The URL carried credentials (shown redacted)"),
  tool: InstallerTool.optional().describe("The installer whose configuration names this index"),
  location: Location,
});
type _Index = Assert<Same<z.output<typeof Index>, Index>>;

/**
 * An installer setting that bears on supply-chain safety. Readers use one canonical `name` for the
 * same effect whatever the tool: `trusted-host` (pip --trusted-host, PIP_TRUSTED_HOST, uv
 * allow-insecure-host, a Pipfile source with verify_ssl = false; `value` is the host),
 * `no-index`, `require-hashes`, `pre`, `no-binary`, `only-binary`, `prefer-binary`,
 * `index-strategy` (uv), `cert`, `client-cert`; other options keep their name without dashes.
 *
 * @example
 * ```ts
 * import { InstallerSetting } from "./snapshot.ts";
 * const setting: InstallerSetting = InstallerSetting.parse({
 *   name: "trusted-host",
 *   value: "pypi.internal",
 *   location: { file: "r.txt", line: 2 },
 * });
 * ```
 */
export interface InstallerSetting {
  /** Option name without dashes, e.g. 'trusted-host'. Never empty. */
  name: string;
  /** Its value, for options that take one. */
  value?: string;
  /** The installer whose configuration sets it, where the reader says. */
  tool?: InstallerTool;
  /** Where it is set. */
  location: Location;
}

/** @ignore The zod schema of {@linkcode InstallerSetting}. */
export const InstallerSetting = z.object({
  name: z.string().min(1).describe("Option name without dashes, e.g. 'trusted-host'"),
  value: z.string().optional(),
  tool: InstallerTool.optional().describe(
    "The installer whose configuration sets it, where the reader says",
  ),
  location: Location,
});
type _InstallerSetting = Assert<Same<z.output<typeof InstallerSetting>, InstallerSetting>>;
