/**
 * What a change brings into the supply chain: two snapshots of the same project compared fact by
 * fact. Pure: the snapshots come from the pipeline, the result goes to the formatters.
 *
 * @module
 */
import { compare as comparePep440, valid as validPep440 } from "@renovatebot/pep440";
import type {
  Artifact,
  Environment,
  Index,
  InstallerSetting,
  ModelReference,
  Package,
  PackageSource,
  Signature,
  Snapshot,
} from "../core/snapshot.ts";
import { bundleSigner } from "../verify/mod.ts";

/** Upper bound on the entries of each kind compared, so a hostile snapshot cannot stall a diff. */
export const MAX_DIFF_ENTRIES = 200_000;

/**
 * One side of a package change: the declaration as it was or is.
 *
 * @example
 * ```ts
 * import type { PackageState } from "./changes.ts";
 * const state: PackageState = {
 *   specifier: "==2.3.1", version: "2.3.1", source: "index https://pypi.org/simple",
 *   hashes: [], file: "uv.lock",
 * };
 * ```
 */
export interface PackageState {
  /** Exact version, when known. */
  version?: string;
  /** Specifier as written. */
  specifier: string;
  /** Where it comes from, in words (`index <url>`, `git <url>@<ref>`, `url <url>`, `path <p>`). */
  source: string;
  /** Recorded hashes, sorted. */
  hashes: string[];
  /** The file that declares it. */
  file: string;
  /** Line, when known. */
  line?: number;
}

/**
 * How a package changed. `upgraded`/`downgraded` compare PEP 440 versions; `changed` is any other
 * change of an entry present on both sides (version not comparable, source, hashes).
 *
 * @example
 * ```ts
 * import type { PackageChangeKind } from "./changes.ts";
 * const kind: PackageChangeKind = "downgraded";
 * ```
 */
export type PackageChangeKind = "added" | "removed" | "upgraded" | "downgraded" | "changed";

/**
 * One package that entered, left or changed.
 *
 * @example
 * ```ts
 * import type { PackageChange } from "./changes.ts";
 * const change: PackageChange = {
 *   change: "added", ecosystem: "pypi", name: "torch", layer: "lock", aspects: [],
 *   head: { version: "2.3.1", specifier: "==2.3.1", source: "index", hashes: [], file: "uv.lock" },
 * };
 * ```
 */
export interface PackageChange {
  /** What happened. */
  change: PackageChangeKind;
  /** Ecosystem. */
  ecosystem: string;
  /** Normalised name. */
  name: string;
  /** Declaration layer (manifest, requirements, constraint, lock). */
  layer: string;
  /** For entries on both sides: which aspects differ. */
  aspects: Array<"version" | "specifier" | "source" | "hashes" | "editable" | "direct">;
  /**
   * Same version, and hashes recorded on BASE are gone on HEAD: a file of that release was
   * re-uploaded or swapped, or the lock was edited by hand. The strongest signal in a lock diff.
   */
  hashesReplaced?: { removed: string[]; added: string[] };
  /** BASE's declaration (absent when added). */
  base?: PackageState;
  /** HEAD's declaration (absent when removed). */
  head?: PackageState;
}

/**
 * A change to an index, channel or installer setting.
 *
 * @example
 * ```ts
 * import type { SourceChange } from "./changes.ts";
 * const change: SourceChange = {
 *   change: "added", kind: "index", what: "extra https://pypi.org/simple",
 *   location: { file: "requirements.txt", line: 1 },
 * };
 * ```
 */
export interface SourceChange {
  /** What happened. */
  change: "added" | "removed";
  /** An index (or conda channel) or an installer setting. */
  kind: "index" | "setting";
  /** The index's role and URL, or the setting's `name=value`, with the installer when known. */
  what: string;
  /** Where it is declared (on HEAD when added, on BASE when removed). */
  location: { file: string; line?: number };
}

/**
 * A change to a virtual environment.
 *
 * @example
 * ```ts
 * import type { EnvironmentChange } from "./changes.ts";
 * const change: EnvironmentChange = { change: "changed", path: ".venv", details: ["python 3.11 → 3.12"] };
 * ```
 */
export interface EnvironmentChange {
  /** What happened. */
  change: "added" | "removed" | "changed";
  /** The environment's path. */
  path: string;
  /** What changed, one phrase each. */
  details: string[];
}

/**
 * A change to the models the code loads from a hub.
 *
 * @example
 * ```ts
 * import type { ModelChange } from "./changes.ts";
 * const change: ModelChange = {
 *   change: "publisher", hub: "huggingface", repoId: "meta-llarna/Llama-3", details: [
 *     "publisher meta-llama → meta-llarna",
 *   ], location: { file: "app.py", line: 4 },
 * };
 * ```
 */
export interface ModelChange {
  /**
   * What happened. `publisher`: the same model name now comes from another publisher (a
   * look-alike organisation is the classic attack); `changed`: revision or remote-code settings.
   */
  change: "added" | "removed" | "publisher" | "changed";
  /** The hub. */
  hub: string;
  /** The repository id (HEAD's when both). */
  repoId: string;
  /** What changed, one phrase each. */
  details: string[];
  /** Where the reference is (HEAD's when present). */
  location: { file: string; line?: number };
}

/**
 * A change to a model file in the project.
 *
 * @example
 * ```ts
 * import type { ArtifactChange } from "./changes.ts";
 * const change: ArtifactChange = {
 *   change: "changed", path: "model.pkl", details: ["new pickle import os.system"],
 *   newImports: ["os.system"],
 * };
 * ```
 */
export interface ArtifactChange {
  /** What happened. */
  change: "added" | "removed" | "changed";
  /** Path in the project. */
  path: string;
  /** What changed, one phrase each. */
  details: string[];
  /** Pickle globals HEAD imports that BASE did not (`module.name`). */
  newImports: string[];
}

/**
 * A change to a model signature.
 *
 * @example
 * ```ts
 * import type { SignatureChange } from "./changes.ts";
 * const change: SignatureChange = { change: "removed", path: "model.sig", modelPath: ".", details: [] };
 * ```
 */
export interface SignatureChange {
  /** What happened. `signer`: the signing certificate or key is not the same. */
  change: "added" | "removed" | "signer" | "changed";
  /** The signature file. */
  path: string;
  /** What it covers. */
  modelPath: string;
  /** What changed, one phrase each. */
  details: string[];
}

/**
 * Everything that differs between two snapshots, by kind; each list sorted.
 *
 * @example
 * ```ts
 * import { diffSnapshots } from "./changes.ts";
 * import { emptySnapshot } from "../core/snapshot.ts";
 * const side = emptySnapshot({ root: "p", collectedAt: "2026-01-01T00:00:00.000Z" });
 * diffSnapshots({ base: side, head: side }).packages; // []
 * ```
 */
export interface SnapshotChanges {
  /** Packages (each declaration layer separately). */
  packages: PackageChange[];
  /** Indexes, channels and installer settings. */
  sources: SourceChange[];
  /** Virtual environments. */
  environments: EnvironmentChange[];
  /** Hub model references. */
  models: ModelChange[];
  /** Model files. */
  artifacts: ArtifactChange[];
  /** Model signatures. */
  signatures: SignatureChange[];
  /** Kinds not compared, and why (a section one side did not collect). */
  notCompared: Array<{ kind: string; reason: string }>;
}

/**
 * Options of {@linkcode diffSnapshots}.
 *
 * @example
 * ```ts
 * import type { DiffSnapshotsOptions } from "./changes.ts";
 * import { emptySnapshot } from "../core/snapshot.ts";
 * const side = emptySnapshot({ root: "p", collectedAt: "2026-01-01T00:00:00.000Z" });
 * const options: DiffSnapshotsOptions = { base: side, head: side };
 * ```
 */
export interface DiffSnapshotsOptions {
  /** The snapshot before the change. */
  base: Snapshot;
  /** The snapshot after it. */
  head: Snapshot;
}

/** Each kind of change, and the snapshot section that must be collected on both sides for it. */
const KIND_SECTIONS = {
  packages: "packages",
  sources: "indexes",
  environments: "environments",
  models: "models",
  artifacts: "artifacts",
  signatures: "signatures",
} as const;

/**
 * Compare two snapshots of a project. Kinds a side did not collect are listed in `notCompared`
 * rather than reported as all added or all removed.
 *
 * @param options The two snapshots.
 * @returns The changes, by kind.
 * @example
 * ```ts
 * import { diffSnapshots } from "./changes.ts";
 * import { emptySnapshot } from "../core/snapshot.ts";
 * const base = emptySnapshot({ root: "p", collectedAt: "2026-01-01T00:00:00.000Z" });
 * const head = { ...base, collected: [...base.collected, "indexes" as const], indexes: [] };
 * diffSnapshots({ base, head }).notCompared.length; // 6
 * ```
 */
export function diffSnapshots(options: DiffSnapshotsOptions): SnapshotChanges {
  const { base, head } = options;
  const changes: SnapshotChanges = {
    packages: [],
    sources: [],
    environments: [],
    models: [],
    artifacts: [],
    signatures: [],
    notCompared: [],
  };
  const compared = (kind: keyof typeof KIND_SECTIONS): boolean => {
    const section = KIND_SECTIONS[kind];
    const missing = [base, head].filter((s) => !s.collected.includes(section));
    if (missing.length === 0) return true;
    const which = missing.length === 2 ? "either side" : missing[0] === base ? "BASE" : "HEAD";
    changes.notCompared.push({ kind, reason: `${section} not collected on ${which}` });
    return false;
  };
  if (compared("packages")) changes.packages = diffPackages(base.packages, head.packages);
  if (compared("sources")) {
    changes.sources = diffSources(base.indexes, base.settings, head.indexes, head.settings);
  }
  if (compared("environments")) {
    changes.environments = diffEnvironments(base.environments, head.environments);
  }
  if (compared("models")) changes.models = diffModels(base.models, head.models);
  if (compared("artifacts")) changes.artifacts = diffArtifacts(base.artifacts, head.artifacts);
  if (compared("signatures")) {
    changes.signatures = diffSignatures(base.signatures, head.signatures);
  }
  return changes;
}

/**
 * Whether nothing differs.
 *
 * @example
 * ```ts
 * import { diffSnapshots, isUnchanged } from "./changes.ts";
 * import { emptySnapshot } from "../core/snapshot.ts";
 * const side = emptySnapshot({ root: "p", collectedAt: "2026-01-01T00:00:00.000Z" });
 * isUnchanged(diffSnapshots({ base: side, head: side })); // true
 * ```
 */
export function isUnchanged(changes: SnapshotChanges): boolean {
  return changes.packages.length + changes.sources.length + changes.environments.length +
      changes.models.length + changes.artifacts.length + changes.signatures.length === 0;
}

/** Entries of `list` grouped by key, in first-seen order, at most MAX_DIFF_ENTRIES. */
function groupBy<T>(list: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of list.slice(0, MAX_DIFF_ENTRIES)) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

const byText = (a: string, b: string) => a < b ? -1 : a > b ? 1 : 0;

// --- packages -------------------------------------------------------------------------------

/**
 * A declaration's identity across the two sides: the same package in the same layer of the same
 * file, for the same markers and platforms. Versions, sources and hashes are what may change.
 */
function packageKey(pkg: Package): string {
  return [
    pkg.ecosystem,
    pkg.layer,
    pkg.name,
    pkg.locations[0].file,
    pkg.markers ?? "",
    (pkg.platforms ?? []).join(","),
  ].join("\0");
}

function diffPackages(base: readonly Package[], head: readonly Package[]): PackageChange[] {
  const before = groupBy(base, packageKey);
  const after = groupBy(head, packageKey);
  const changes: PackageChange[] = [];
  for (const [key, olds] of before) {
    const news = after.get(key) ?? [];
    // Entries under one key (a lock listing two versions for one name) pair by version first.
    const unpaired = [...news];
    const left: Package[] = [];
    for (const old of olds) {
      const same = unpaired.findIndex((p) => p.version === old.version);
      if (same < 0) left.push(old);
      else changes.push(...packageChange(old, unpaired.splice(same, 1)[0]));
    }
    for (const old of left) {
      const next = unpaired.shift();
      changes.push(...packageChange(old, next));
    }
    for (const next of unpaired) changes.push(...packageChange(undefined, next));
  }
  for (const [key, news] of after) {
    if (before.has(key)) continue;
    for (const next of news) changes.push(...packageChange(undefined, next));
  }
  const order = { removed: 0, downgraded: 1, changed: 2, upgraded: 3, added: 4 };
  return changes.sort((a, b) =>
    byText(a.name, b.name) || order[a.change] - order[b.change] || byText(a.layer, b.layer) ||
    byText((a.head ?? a.base)!.file, (b.head ?? b.base)!.file)
  );
}

function packageChange(old: Package | undefined, next: Package | undefined): PackageChange[] {
  const any = (next ?? old)!;
  const common = { ecosystem: any.ecosystem, name: any.name, layer: any.layer };
  if (!old) return [{ change: "added", ...common, aspects: [], head: stateOf(next!) }];
  if (!next) return [{ change: "removed", ...common, aspects: [], base: stateOf(old) }];
  const was = stateOf(old);
  const is = stateOf(next);
  const aspects: PackageChange["aspects"] = [];
  if (was.version !== is.version) aspects.push("version");
  if (was.specifier !== is.specifier) aspects.push("specifier");
  if (was.source !== is.source) aspects.push("source");
  if (was.hashes.join() !== is.hashes.join()) aspects.push("hashes");
  if (old.editable !== next.editable) aspects.push("editable");
  if (old.direct !== next.direct) aspects.push("direct");
  if (aspects.length === 0) return [];
  const change: PackageChange = {
    change: versionChange(any.ecosystem, was.version, is.version),
    ...common,
    aspects,
    base: was,
    head: is,
  };
  if (was.version !== undefined && was.version === is.version && aspects.includes("hashes")) {
    const removed = was.hashes.filter((h) => !is.hashes.includes(h));
    const added = is.hashes.filter((h) => !was.hashes.includes(h));
    // Hashes only added (a new wheel for another platform) is ordinary; one gone is not.
    if (removed.length > 0 && is.hashes.length > 0) change.hashesReplaced = { removed, added };
  }
  return [change];
}

function versionChange(
  ecosystem: string,
  was: string | undefined,
  is: string | undefined,
): PackageChangeKind {
  if (was === undefined || is === undefined || was === is) return "changed";
  if (ecosystem !== "pypi" || !validPep440(was) || !validPep440(is)) return "changed";
  const order = comparePep440(was, is);
  return order < 0 ? "upgraded" : order > 0 ? "downgraded" : "changed";
}

function stateOf(pkg: Package): PackageState {
  const location = pkg.locations[0];
  return {
    ...(pkg.version !== undefined ? { version: pkg.version } : {}),
    specifier: pkg.specifier,
    source: describeSource(pkg.source),
    hashes: [...new Set(pkg.hashes)].sort(byText),
    file: location.file,
    ...(location.line !== undefined ? { line: location.line } : {}),
  };
}

function describeSource(source: PackageSource): string {
  switch (source.kind) {
    case "index":
      return ["index", source.name && `"${source.name}"`, source.url].filter(Boolean).join(" ");
    case "vcs":
      return `${source.vcs} ${source.url}` + (source.commit ? `@${source.commit}` : "") +
        (!source.commit && source.ref ? `@${source.ref}` : "");
    case "url":
      return `url ${source.url}`;
    case "path":
      return `path ${source.path}`;
  }
}

// --- indexes, channels and settings ---------------------------------------------------------

function diffSources(
  baseIndexes: readonly Index[],
  baseSettings: readonly InstallerSetting[],
  headIndexes: readonly Index[],
  headSettings: readonly InstallerSetting[],
): SourceChange[] {
  const indexWhat = (index: Index) =>
    `${index.role} ${index.url}` + (index.tool ? ` (${index.tool})` : "") +
    (index.name ? ` named "${index.name}"` : "");
  const settingWhat = (setting: InstallerSetting) =>
    (setting.value === undefined ? setting.name : `${setting.name}=${setting.value}`) +
    (setting.tool ? ` (${setting.tool})` : "");
  const changes = [
    ...setChanges("index", baseIndexes, headIndexes, indexWhat),
    ...setChanges("setting", baseSettings, headSettings, settingWhat),
  ];
  return changes.sort((a, b) =>
    byText(a.kind, b.kind) || byText(a.what, b.what) || byText(a.change, b.change)
  );
}

function setChanges<T extends { location: { file: string; line?: number } }>(
  kind: SourceChange["kind"],
  base: readonly T[],
  head: readonly T[],
  what: (item: T) => string,
): SourceChange[] {
  const before = groupBy(base, what);
  const after = groupBy(head, what);
  const changes: SourceChange[] = [];
  const locate = (item: T) => ({
    file: item.location.file,
    ...(item.location.line !== undefined ? { line: item.location.line } : {}),
  });
  for (const [key, items] of after) {
    if (!before.has(key)) {
      changes.push({ change: "added", kind, what: key, location: locate(items[0]) });
    }
  }
  for (const [key, items] of before) {
    if (!after.has(key)) {
      changes.push({ change: "removed", kind, what: key, location: locate(items[0]) });
    }
  }
  return changes;
}

// --- environments ---------------------------------------------------------------------------

function diffEnvironments(
  base: readonly Environment[],
  head: readonly Environment[],
): EnvironmentChange[] {
  const before = groupBy(base, (e) => e.path);
  const after = groupBy(head, (e) => e.path);
  const changes: EnvironmentChange[] = [];
  for (const [path, [next]] of after) {
    const old = before.get(path)?.[0];
    if (!old) {
      changes.push({ change: "added", path, details: [environmentSummary(next)] });
      continue;
    }
    const details: string[] = [];
    if (old.kind !== next.kind) details.push(`kind ${old.kind} → ${next.kind}`);
    if (old.pythonVersion !== next.pythonVersion) {
      details.push(`python ${old.pythonVersion ?? "unknown"} → ${next.pythonVersion ?? "unknown"}`);
    }
    if (old.includeSystemSitePackages !== next.includeSystemSitePackages) {
      details.push(
        next.includeSystemSitePackages
          ? "now includes the system site-packages"
          : "no longer includes the system site-packages",
      );
    }
    const installed = (e: Environment) =>
      new Map(e.distributions.map((d) => [d.name, d.version ?? "?"]));
    const was = installed(old);
    const is = installed(next);
    const added = [...is.keys()].filter((n) => !was.has(n)).sort(byText);
    const removed = [...was.keys()].filter((n) => !is.has(n)).sort(byText);
    const moved = [...is.keys()].filter((n) => was.has(n) && was.get(n) !== is.get(n)).sort(byText);
    if (added.length > 0) {
      details.push(`installed ${listed(added.map((n) => `${n} ${is.get(n)}`))}`);
    }
    if (removed.length > 0) details.push(`uninstalled ${listed(removed)}`);
    if (moved.length > 0) {
      details.push(`reinstalled ${listed(moved.map((n) => `${n} ${was.get(n)} → ${is.get(n)}`))}`);
    }
    const startup = (e: Environment) => new Set((e.startupFiles ?? []).map((f) => f.path));
    const oldStartup = startup(old);
    const newStartup = [...startup(next)].filter((p) => !oldStartup.has(p)).sort(byText);
    if (newStartup.length > 0) details.push(`new startup file ${listed(newStartup)}`);
    if (details.length > 0) changes.push({ change: "changed", path, details });
  }
  for (const [path, [old]] of before) {
    if (!after.has(path)) {
      changes.push({ change: "removed", path, details: [environmentSummary(old)] });
    }
  }
  return changes.sort((a, b) => byText(a.path, b.path));
}

function environmentSummary(env: Environment): string {
  return `${env.kind}${env.pythonVersion ? ` python ${env.pythonVersion}` : ""}, ` +
    `${env.distributions.length} distribution(s)`;
}

/** At most ten items, then a count. */
function listed(items: readonly string[]): string {
  const shown = items.slice(0, 10).join(", ");
  return items.length > 10 ? `${shown} and ${items.length - 10} more` : shown;
}

// --- models ---------------------------------------------------------------------------------

interface ModelFacts {
  hub: string;
  repoId: string;
  publisher?: string;
  revisions: Set<string>;
  remoteCode: boolean;
  customPipelines: Set<string>;
  location: { file: string; line?: number };
}

function modelFacts(refs: readonly ModelReference[]): Map<string, ModelFacts> {
  const facts = new Map<string, ModelFacts>();
  for (const ref of refs.slice(0, MAX_DIFF_ENTRIES)) {
    const key = `${ref.hub}\0${ref.repoId}`;
    let fact = facts.get(key);
    if (!fact) {
      fact = {
        hub: ref.hub,
        repoId: ref.repoId,
        publisher: ref.publisher,
        revisions: new Set(),
        remoteCode: false,
        customPipelines: new Set(),
        location: { file: ref.location.file, line: ref.location.line },
      };
      facts.set(key, fact);
    }
    fact.revisions.add(ref.revisionDynamic ? "(dynamic)" : ref.revision ?? "(unpinned)");
    if (ref.trustRemoteCode === true || ref.trustRemoteCode === "dynamic") fact.remoteCode = true;
    if (ref.customPipeline) fact.customPipelines.add(ref.customPipeline);
  }
  return facts;
}

/** The model's name without its publisher: `org/name` → `name`. */
const modelName = (repoId: string) => repoId.slice(repoId.indexOf("/") + 1);

function diffModels(
  base: readonly ModelReference[],
  head: readonly ModelReference[],
): ModelChange[] {
  const before = modelFacts(base);
  const after = modelFacts(head);
  const changes: ModelChange[] = [];
  const gone = [...before.entries()].filter(([key]) => !after.has(key)).map(([, f]) => f);
  for (const [key, next] of after) {
    const old = before.get(key);
    const where = { hub: next.hub, repoId: next.repoId, location: cleanLocation(next.location) };
    if (!old) {
      // The same model name from another publisher: pair it with the reference it replaces.
      const twin = gone.findIndex((f) =>
        f.hub === next.hub && f.publisher !== next.publisher && f.repoId.includes("/") &&
        next.repoId.includes("/") && modelName(f.repoId) === modelName(next.repoId)
      );
      if (twin >= 0) {
        const [was] = gone.splice(twin, 1);
        changes.push({
          change: "publisher",
          ...where,
          details: [`publisher ${was.publisher} → ${next.publisher}`, ...modelDetails(was, next)],
        });
      } else {
        changes.push({ change: "added", ...where, details: modelDetails(undefined, next) });
      }
      continue;
    }
    const details = modelDetails(old, next);
    if (details.length > 0) changes.push({ change: "changed", ...where, details });
  }
  for (const old of gone) {
    changes.push({
      change: "removed",
      hub: old.hub,
      repoId: old.repoId,
      details: [],
      location: cleanLocation(old.location),
    });
  }
  return changes.sort((a, b) => byText(a.repoId, b.repoId) || byText(a.change, b.change));
}

function modelDetails(old: ModelFacts | undefined, next: ModelFacts): string[] {
  const details: string[] = [];
  const revisions = (f: ModelFacts) => [...f.revisions].sort(byText).join(", ");
  if (!old) details.push(`revision ${revisions(next)}`);
  else if (revisions(old) !== revisions(next)) {
    details.push(`revision ${revisions(old)} → ${revisions(next)}`);
  }
  if (next.remoteCode && !old?.remoteCode) details.push("loads remote code (trust_remote_code)");
  if (!next.remoteCode && old?.remoteCode) details.push("no longer loads remote code");
  const pipelines = [...next.customPipelines].filter((p) => !old?.customPipelines.has(p));
  if (pipelines.length > 0) details.push(`custom pipeline ${listed(pipelines.sort(byText))}`);
  return details;
}

function cleanLocation(location: { file: string; line?: number }) {
  return { file: location.file, ...(location.line !== undefined ? { line: location.line } : {}) };
}

// --- model files ----------------------------------------------------------------------------

const importsOf = (artifact: Artifact) =>
  new Set(artifact.globals.map((g) => `${g.module}.${g.name}`));

function diffArtifacts(base: readonly Artifact[], head: readonly Artifact[]): ArtifactChange[] {
  const before = groupBy(base, (a) => a.path);
  const after = groupBy(head, (a) => a.path);
  const changes: ArtifactChange[] = [];
  for (const [path, [next]] of after) {
    const old = before.get(path)?.[0];
    const oldImports = old ? importsOf(old) : new Set<string>();
    const newImports = [...importsOf(next)].filter((g) => !oldImports.has(g)).sort(byText);
    const details: string[] = [];
    if (!old) details.push(`${next.format}, ${next.size} bytes`);
    else {
      if (old.format !== next.format) details.push(`format ${old.format} → ${next.format}`);
      if (old.sha256 !== next.sha256 || old.size !== next.size) {
        details.push(`content changed (${old.size} → ${next.size} bytes)`);
      }
    }
    if (newImports.length > 0) details.push(`new pickle import ${listed(newImports)}`);
    const oldEmbedded = new Set(old?.embedded.map((e) => `${e.kind}:${e.value}`) ?? []);
    const embedded = next.embedded.filter((e) => !oldEmbedded.has(`${e.kind}:${e.value}`));
    if (embedded.length > 0) {
      details.push(`new embedded ${listed(embedded.map((e) => e.kind))}`);
    }
    if (!old) changes.push({ change: "added", path, details, newImports });
    else if (details.length > 0) changes.push({ change: "changed", path, details, newImports });
  }
  for (const [path, [old]] of before) {
    if (!after.has(path)) {
      changes.push({ change: "removed", path, details: [old.format], newImports: [] });
    }
  }
  return changes.sort((a, b) => byText(a.path, b.path));
}

// --- signatures -----------------------------------------------------------------------------

function diffSignatures(base: readonly Signature[], head: readonly Signature[]): SignatureChange[] {
  const before = groupBy(base, (s) => s.path);
  const after = groupBy(head, (s) => s.path);
  const changes: SignatureChange[] = [];
  for (const [path, [next]] of after) {
    const old = before.get(path)?.[0];
    if (!old) {
      const signer = bundleSigner(next.bundle);
      changes.push({
        change: "added",
        path,
        modelPath: next.modelPath,
        details: signer ? [`signed with ${signer}`] : [],
      });
      continue;
    }
    const was = bundleSigner(old.bundle);
    const is = bundleSigner(next.bundle);
    const details: string[] = [];
    if (was !== is) details.push(`signer ${was ?? "none"} → ${is ?? "none"}`);
    if (old.modelPath !== next.modelPath) {
      details.push(`covers ${old.modelPath} → ${next.modelPath}`);
    }
    if (JSON.stringify(old.bundle) !== JSON.stringify(next.bundle) && details.length === 0) {
      details.push(
        is === undefined
          ? "signature re-made (the bundle does not name its signer)"
          : "signature re-made with the same signer",
      );
    }
    if (details.length === 0) continue;
    changes.push({
      change: was !== is ? "signer" : "changed",
      path,
      modelPath: next.modelPath,
      details,
    });
  }
  for (const [path, [old]] of before) {
    if (!after.has(path)) {
      changes.push({ change: "removed", path, modelPath: old.modelPath, details: [] });
    }
  }
  return changes.sort((a, b) => byText(a.path, b.path));
}
