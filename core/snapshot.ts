/**
 * The snapshot: every fact Tollgate collected about a project, and the contract between the
 * collecting half and the judging half. Defined once here with zod; the JSON Schema printed by
 * `tollgate schema snapshot` is generated from these definitions.
 *
 * Sections that later readers fill (environments' installed distributions, model files,
 * signatures, registry data) are defined now so the contract does not move under users who store
 * snapshots as audit evidence.
 *
 * @module
 */
import { z } from "zod";

/** The schema identifier every v1 snapshot carries. */
export const SNAPSHOT_SCHEMA = "tollgate.snapshot/v1" as const;

/**
 * A place: `file` relative to the project root with `/` separators, 1-based `line` and `column`.
 * Configuration outside the project is named by absolute path with the home directory written as
 * `~` (`~/.config/pip/pip.conf`, `/etc/pip.conf`); an environment variable as `env:NAME`.
 *
 * @example
 * ```ts
 * import { Location } from "./snapshot.ts";
 * Location.parse({ file: "requirements.txt", line: 3 });
 * ```
 */
export const Location = z.object({
  file: z.string().min(1).describe(
    "Path relative to the project root, '/'-separated; '~/…' or '/…' for configuration outside " +
      "the project; 'env:NAME' for an environment variable",
  ),
  line: z.number().int().min(1).optional(),
  column: z.number().int().min(1).optional(),
}).strict();
/** A place in the project. */
export type Location = z.infer<typeof Location>;

/**
 * Input that could not be read or understood. Problems are never dropped: they appear in the
 * report's coverage section and make `tollgate check` exit 3 unless `--allow-incomplete`.
 *
 * @example
 * ```ts
 * import { Problem } from "./snapshot.ts";
 * Problem.parse({ file: "requirements.txt", line: 4, message: "expected a version after '=='" });
 * ```
 */
export const Problem = z.object({
  file: z.string().min(1),
  line: z.number().int().min(1).optional(),
  message: z.string().min(1),
}).strict();
/** Input that could not be read or understood. */
export type Problem = z.infer<typeof Problem>;

/** Package ecosystems Tollgate understands. */
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
  }).strict(),
  z.object({
    kind: z.literal("vcs"),
    vcs: z.enum(["git", "hg", "svn", "bzr"]),
    url: z.string(),
    ref: z.string().optional().describe("Branch, tag or commit as written"),
    commit: z.string().optional().describe("Resolved full commit id, when a lock records it"),
  }).strict(),
  z.object({ kind: z.literal("url"), url: z.string() }).strict(),
  z.object({ kind: z.literal("path"), path: z.string() }).strict(),
]);
/** Where a package comes from. */
export type PackageSource = z.infer<typeof PackageSource>;

/**
 * What kind of declaration a package entry is: `manifest` is an abstract requirement (pyproject,
 * Pipfile, environment.yml), `requirements` an install input for pip, `lock` a resolved lock entry.
 */
export const DeclarationLayer = z.enum(["manifest", "requirements", "lock"]);
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
}).strict();
/** One dependency declaration. */
export type Package = z.infer<typeof Package>;

/** How an index is used. */
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
  location: Location,
}).strict();
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
}).strict();
/** An installer setting. */
export type InstallerSetting = z.infer<typeof InstallerSetting>;

/** One file of an installed distribution whose state differs from its RECORD. */
export const RecordDiscrepancy = z.object({
  path: z.string(),
  kind: z.enum(["hash-mismatch", "size-mismatch", "missing", "unrecorded", "escapes-environment"]),
  expected: z.string().optional(),
  actual: z.string().optional(),
}).strict();
/** One file of an installed distribution whose state differs from its RECORD. */
export type RecordDiscrepancy = z.infer<typeof RecordDiscrepancy>;

/** A distribution installed in an environment (one `*.dist-info`). */
export const Distribution = z.object({
  name: z.string().min(1),
  version: z.string(),
  installer: z.string().optional(),
  requested: z.boolean().optional(),
  directUrl: z.record(z.string(), z.unknown()).optional().describe("PEP 610 direct_url.json"),
  record: z.object({
    verifiedFiles: z.number().int().min(0),
    discrepancies: z.array(RecordDiscrepancy),
  }).strict().optional(),
  location: Location,
}).strict();
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
}).strict();
/** A Python environment. */
export type Environment = z.infer<typeof Environment>;

/**
 * A model the project's code or config loads from a hub.
 *
 * @example
 * ```ts
 * import { ModelReference } from "./snapshot.ts";
 * ModelReference.parse({
 *   hub: "huggingface", repoId: "bert-base-uncased", loader: "from_pretrained",
 *   location: { file: "train.py", line: 3 },
 * });
 * ```
 */
export const ModelReference = z.object({
  hub: z.enum(["huggingface", "torch-hub"]),
  repoId: z.string().min(1).describe("'publisher/name', or 'name' for legacy canonical models"),
  publisher: z.string().optional(),
  revision: z.string().optional().describe("revision= as written, absent when not given"),
  revisionDynamic: z.boolean().optional().describe("revision= given but not a literal"),
  trustRemoteCode: z.union([z.boolean(), z.literal("dynamic")]).optional(),
  loader: z.string().describe("The call, e.g. 'AutoModel.from_pretrained'"),
  location: Location,
}).strict();
/** A model the project loads from a hub. */
export type ModelReference = z.infer<typeof ModelReference>;

/** A Python global a pickle imports (module + qualified name). */
export const PickleGlobal = z.object({ module: z.string(), name: z.string() }).strict();
/** A Python global a pickle imports. */
export type PickleGlobal = z.infer<typeof PickleGlobal>;

/**
 * A model file on disk, identified by content.
 *
 * @example
 * ```ts
 * import { Artifact } from "./snapshot.ts";
 * Artifact.parse({ path: "models/clf.pkl", format: "pickle", size: 120, globals: [], issues: [] });
 * ```
 */
export const Artifact = z.object({
  path: z.string().min(1),
  format: z.enum([
    "pickle",
    "pytorch-zip",
    "pytorch-legacy",
    "joblib",
    "npy",
    "npz",
    "safetensors",
    "onnx",
    "gguf",
    "keras",
    "unknown",
  ]),
  size: z.number().int().min(0),
  sha256: z.string().optional(),
  globals: z.array(PickleGlobal).describe("Globals imported by embedded pickles"),
  issues: z.array(z.string()).describe("Structural problems found while reading the file"),
}).strict();
/** A model file on disk. */
export type Artifact = z.infer<typeof Artifact>;

/**
 * A model signature bundle (OpenSSF Model Signing) and the digests of the files it covers,
 * computed at collect time. Cryptographic verification happens in the check, from `bundle`.
 */
export const Signature = z.object({
  path: z.string().min(1),
  format: z.string().describe("e.g. 'oms/sigstore-bundle-v0.3'"),
  modelPath: z.string().describe("Directory or file the signature covers"),
  bundle: z.unknown().describe("The bundle as parsed JSON"),
  files: z.array(
    z.object({
      path: z.string(),
      signedDigest: z.string().optional(),
      actualDigest: z.string().optional(),
    }).strict(),
  ),
}).strict();
/** A model signature bundle. */
export type Signature = z.infer<typeof Signature>;

/** An MLOps service definition (compose service, Kubernetes container, Dockerfile CMD…). */
export const Service = z.object({
  kind: z.string().describe("e.g. 'mlflow', 'jupyter', 'tensorboard'"),
  bind: z.string().optional(),
  authentication: z.boolean().optional(),
  secrets: z.array(z.object({ name: z.string(), location: Location }).strict()),
  location: Location,
}).strict();
/** An MLOps service definition. */
export type Service = z.infer<typeof Service>;

/** One CODEOWNERS rule. */
export const OwnerRule = z.object({
  pattern: z.string(),
  owners: z.array(z.string()),
  location: Location,
}).strict();
/** One CODEOWNERS rule. */
export type OwnerRule = z.infer<typeof OwnerRule>;

/** One release of a package as an index reports it. */
export const Release = z.object({
  version: z.string(),
  uploadedAt: z.string().optional().describe("ISO 8601"),
  yanked: z.boolean(),
  yankedReason: z.string().optional(),
  attested: z.boolean().optional(),
  publisher: z.string().optional().describe("Trusted-publisher repository of the attestation"),
}).strict();
/** One release of a package. */
export type Release = z.infer<typeof Release>;

/** A known vulnerability affecting a package version (OSV). */
export const Advisory = z.object({
  id: z.string(),
  aliases: z.array(z.string()),
  package: z.string(),
  version: z.string(),
  summary: z.string().optional(),
  severity: z.enum(["low", "moderate", "high", "critical", "unknown"]),
  fixed: z.array(z.string()),
}).strict();
/** A known vulnerability affecting a package version. */
export type Advisory = z.infer<typeof Advisory>;

/** Registry facts added by enrichment (online, cached), each list keyed by its own fields. */
export const RegistryData = z.object({
  pypi: z.array(
    z.object({
      name: z.string(),
      latest: z.string().optional(),
      releases: z.array(Release),
    }).strict(),
  ),
  advisories: z.array(Advisory),
  hub: z.array(
    z.object({
      repoId: z.string(),
      author: z.string().optional(),
      sha: z.string().optional(),
      gated: z.boolean().optional(),
    }).strict(),
  ),
}).strict();
/** Registry facts added by enrichment. */
export type RegistryData = z.infer<typeof RegistryData>;

/** Where a piece of external data came from, and as of when. */
export const DataSource = z.object({
  name: z.string(),
  url: z.string().optional(),
  retrievedAt: z.string().optional(),
}).strict();
/** Where a piece of external data came from. */
export type DataSource = z.infer<typeof DataSource>;

/** Names of the snapshot sections a check may need; listed in `collected` when filled. */
export const Section = z.enum([
  "packages",
  "indexes",
  "environments",
  "models",
  "artifacts",
  "signatures",
  "services",
  "codeowners",
  "registry.pypi",
  "registry.advisories",
  "registry.hub",
]);
/** A snapshot section name. */
export type Section = z.infer<typeof Section>;

/**
 * The whole snapshot. `collected` lists the sections the producer actually filled: an empty
 * list in a section that was not collected means "unknown", not "none", and checks that need it
 * report `error` (or `skipped` offline) instead of passing.
 *
 * @example
 * ```ts
 * import { emptySnapshot, Snapshot } from "./snapshot.ts";
 * Snapshot.parse(emptySnapshot({ root: "demo", collectedAt: "2026-01-01T00:00:00.000Z" }));
 * ```
 */
export const Snapshot = z.object({
  schema: z.literal(SNAPSHOT_SCHEMA),
  tool: z.object({ name: z.string(), version: z.string() }).strict(),
  root: z.string().describe("Name of the project directory (never an absolute path)"),
  collectedAt: z.string().describe("ISO 8601 time of collection"),
  collected: z.array(Section),
  inputs: z.array(z.object({ file: z.string(), format: z.string() }).strict())
    .describe("Files read, with the reader that read them"),
  packages: z.array(Package),
  indexes: z.array(Index),
  settings: z.array(InstallerSetting),
  environments: z.array(Environment),
  models: z.array(ModelReference),
  artifacts: z.array(Artifact),
  signatures: z.array(Signature),
  services: z.array(Service),
  codeowners: z.array(OwnerRule),
  registry: RegistryData,
  data: z.array(DataSource),
  problems: z.array(Problem),
}).strict();
/** The whole snapshot. */
export type Snapshot = z.infer<typeof Snapshot>;

/** The tool identity written into snapshots and reports. */
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
    environments: [],
    models: [],
    artifacts: [],
    signatures: [],
    services: [],
    codeowners: [],
    registry: { pypi: [], advisories: [], hub: [] },
    data: [],
    problems: [],
  };
}
