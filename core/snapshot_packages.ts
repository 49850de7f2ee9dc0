/**
 * Snapshot facts about dependencies: packages, indexes and installer settings.
 *
 * @module
 */
import { z } from "zod";
import { Location } from "./location.ts";

/**
 * Package ecosystems Tollgate understands.
 *
 * @example
 * ```ts
 * import { Ecosystem } from "./snapshot_packages.ts";
 * Ecosystem.parse("conda");
 * ```
 */
export const Ecosystem = z.enum(["pypi", "conda"]);
/** Package ecosystem. */
export type Ecosystem = z.infer<typeof Ecosystem>;

/**
 * Where a package comes from. `index` means "resolved through the configured indexes"; `url` is
 * set when a reader knows which one (lock files record it).
 *
 * @example
 * ```ts
 * import { PackageSource } from "./snapshot.ts";
 * PackageSource.parse({ kind: "vcs", vcs: "git", url: "https://github.com/org/repo", ref: "v1" });
 * ```
 */
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
/** Where a package comes from. */
export type PackageSource = z.infer<typeof PackageSource>;

/**
 * What kind of declaration a package entry is: `manifest` is an abstract requirement (pyproject,
 * Pipfile, environment.yml), `requirements` an install input for pip, `constraint` a pip
 * constraints-file entry (limits versions, installs nothing), `lock` a resolved lock entry.
 *
 * @example
 * ```ts
 * import { DeclarationLayer } from "./snapshot.ts";
 * DeclarationLayer.parse("lock");
 * ```
 */
export const DeclarationLayer = z.enum(["manifest", "requirements", "constraint", "lock"]);
/** What kind of declaration a package entry is. */
export type DeclarationLayer = z.infer<typeof DeclarationLayer>;

/**
 * One dependency declaration: a requirements line, a pyproject entry or a lock entry.
 *
 * @example
 * ```ts
 * import { Package } from "./snapshot.ts";
 * Package.parse({
 *   ecosystem: "pypi", name: "torch", version: "2.3.1", specifier: "==2.3.1",
 *   extras: [], hashes: ["sha256:" + "a".repeat(64)], source: { kind: "index" },
 *   layer: "requirements", direct: true, editable: false, groups: [],
 *   locations: [{ file: "requirements.txt", line: 1 }],
 * });
 * ```
 */
export const Package = z.object({
  ecosystem: Ecosystem,
  name: z.string().min(1).describe("PEP 503-normalised name"),
  displayName: z.string().optional().describe("Name as written, when it differs"),
  version: z.string().optional().describe("Exact version when pinned with == (no wildcard) or ==="),
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
  locations: z.array(Location).min(1),
});
/** One dependency declaration. */
export type Package = z.infer<typeof Package>;

/**
 * How an index is used.
 *
 * @example
 * ```ts
 * import { IndexRole } from "./snapshot_packages.ts";
 * IndexRole.parse("extra");
 * ```
 */
export const IndexRole = z.enum([
  "primary",
  "extra",
  "find-links",
  "explicit",
  "supplemental",
  "conda-channel",
]);
/** How an index is used. */
export type IndexRole = z.infer<typeof IndexRole>;

/**
 * The installer a piece of configuration belongs to: it decides how several indexes combine.
 *
 * @example
 * ```ts
 * import { InstallerTool } from "./snapshot_packages.ts";
 * InstallerTool.parse("uv");
 * ```
 */
export const InstallerTool = z.enum(["pip", "uv", "poetry", "pdm", "pipenv", "conda"]);
/** The installer a piece of configuration belongs to. */
export type InstallerTool = z.infer<typeof InstallerTool>;

/**
 * A package index, find-links location or conda channel the project configures. Credentials in
 * `url` are always redacted by the collector.
 *
 * @example
 * ```ts
 * import { Index } from "./snapshot.ts";
 * Index.parse({ url: "https://pypi.org/simple", role: "primary", location: { file: "pip.conf" } });
 * ```
 */
export const Index = z.object({
  url: z.string().min(1),
  role: IndexRole,
  name: z.string().optional(),
  credentials: z.boolean().optional().describe("The URL carried credentials (shown redacted)"),
  tool: InstallerTool.optional().describe("The installer whose configuration names this index"),
  location: Location,
});
/** A configured package index. */
export type Index = z.infer<typeof Index>;

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
 * InstallerSetting.parse({ name: "trusted-host", value: "pypi.internal", location: { file: "r.txt", line: 2 } });
 * ```
 */
export const InstallerSetting = z.object({
  name: z.string().min(1).describe("Option name without dashes, e.g. 'trusted-host'"),
  value: z.string().optional(),
  location: Location,
});
/** An installer setting. */
export type InstallerSetting = z.infer<typeof InstallerSetting>;
