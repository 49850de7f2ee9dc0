/**
 * Packages as CycloneDX components, one per distinct package, each with the finding subjects that
 * name it and where the project declares it; and the helpers every component uses.
 *
 * @module
 */
import { formatPurl, type Purl } from "../core/purl.ts";
import type { Ecosystem, Location, Package, PackageSource } from "../core/snapshot.ts";
import type {
  CyclonedxComponent,
  CyclonedxExternalReference,
  CyclonedxHash,
  CyclonedxProperty,
} from "./_cyclonedx_types.ts";

/** A component being built, with what the finding matcher and the graph need. */
export interface Entry {
  component: CyclonedxComponent;
  /** Finding subjects naming it exactly (`pkg:pypi/torch@2.3.1`, `hf:org/m`, a path). */
  subjects: Set<string>;
  /** Directories whose `model:<dir>` subject covers it (a model file's folders). */
  folders?: string[];
  /** Where it is declared or held. */
  locations: Location[];
  /** Packages: the ecosystem and name dependencies are resolved by. */
  ecosystem?: Ecosystem;
  name?: string;
  /** Packages: declared by the project (the project component depends on it). */
  direct?: boolean;
  /** Packages: names the lock entries depend on; undefined when no lock records them. */
  dependsOn?: Set<string>;
}

/** Most occurrences listed per component; a package named in hundreds of files needs no more. */
const MAX_OCCURRENCES = 100;
/** Longest property value written from free text (messages, templates). */
export const MAX_VALUE = 500;

const HASH_ALGORITHMS: Readonly<Record<string, [CyclonedxHash["alg"], number]>> = {
  md5: ["MD5", 32],
  sha1: ["SHA-1", 40],
  sha256: ["SHA-256", 64],
  sha384: ["SHA-384", 96],
  sha512: ["SHA-512", 128],
  sha3_256: ["SHA3-256", 64],
  sha3_384: ["SHA3-384", 96],
  sha3_512: ["SHA3-512", 128],
};

/** Cut free text to {@linkcode MAX_VALUE} characters. */
export const shortened = (text: string): string =>
  text.length > MAX_VALUE ? text.slice(0, MAX_VALUE - 1) + "…" : text;

/** `algorithm:hex` entries as CycloneDX hashes; unknown algorithms and wrong lengths dropped. */
export function cyclonedxHashes(entries: Iterable<string>): CyclonedxHash[] {
  const found = new Map<string, CyclonedxHash>();
  for (const entry of entries) {
    const colon = entry.indexOf(":");
    const known = HASH_ALGORITHMS[entry.slice(0, colon).toLowerCase().replace("-", "_")];
    const content = entry.slice(colon + 1).toLowerCase();
    if (!known || content.length !== known[1] || !/^[0-9a-f]+$/.test(content)) continue;
    found.set(`${known[0]}:${content}`, { alg: known[0], content });
  }
  return [...found.values()];
}

/** A URL in the form `new URL` writes it (an IRI reference), or undefined when it is not one. */
function absoluteUrl(text: string): string | undefined {
  try {
    return new URL(text).href;
  } catch {
    return undefined;
  }
}

function sourceKey(source: PackageSource): string {
  switch (source.kind) {
    case "index":
      return `index:${source.url ?? ""}`;
    case "vcs":
      return `vcs:${source.vcs}+${source.url}@${source.commit ?? source.ref ?? ""}`;
    case "url":
      return `url:${source.url}`;
    case "path":
      return `path:${source.path}`;
  }
}

/**
 * One entry per distinct package: the same ecosystem, name, version and source. A declaration
 * that names no index (`torch==2.3.1` in requirements.txt) joins the one locked entry of that
 * version that names its index, when there is exactly one; a declaration with no exact version
 * (`torch>=2`) joins every versioned entry of its name, or stands alone when there is none.
 */
export function packageEntries(packages: readonly Package[]): Entry[] {
  const groups = new Map<string, Package[]>();
  const unversioned = new Map<string, Package[]>();
  for (const pkg of packages) {
    const target = pkg.version === undefined ? unversioned : groups;
    const key = [pkg.ecosystem, pkg.name, pkg.version ?? "", sourceKey(pkg.source)].join("\u0000");
    target.set(key, [...target.get(key) ?? [], pkg]);
  }
  const byVersion = new Map<string, string[]>();
  for (const [key, [first]] of groups) {
    const version = [first.ecosystem, first.name, first.version].join("\u0000");
    byVersion.set(version, [...byVersion.get(version) ?? [], key]);
  }
  const bareIndex = (key: string) => {
    const source = groups.get(key)![0].source;
    return source.kind === "index" && source.url === undefined;
  };
  for (const keys of byVersion.values()) {
    const bare = keys.find(bareIndex);
    const named = keys.filter((key) => !bareIndex(key));
    // Only into an index entry: a requirement without a URL resolves through the indexes.
    if (bare === undefined || named.length !== 1) continue;
    if (groups.get(named[0])![0].source.kind !== "index") continue;
    groups.get(named[0])!.push(...groups.get(bare)!);
    groups.delete(bare);
  }
  const byName = new Map<string, Package[][]>();
  for (const group of groups.values()) {
    const name = `${group[0].ecosystem}\u0000${group[0].name}`;
    byName.set(name, [...byName.get(name) ?? [], group]);
  }
  const standalone: Package[][] = [];
  for (const declarations of unversioned.values()) {
    const versioned = byName.get(`${declarations[0].ecosystem}\u0000${declarations[0].name}`);
    if (versioned) { for (const group of versioned) group.push(...declarations); }
    else standalone.push(declarations);
  }
  return [...groups.values(), ...standalone].map(packageEntry);
}

function packageEntry(declarations: Package[]): Entry {
  const [first] = declarations;
  const versioned = declarations.find((pkg) => pkg.version !== undefined) ?? first;
  const { ecosystem, name, version } = versioned;
  const subjects = new Set(
    declarations.map((pkg) => `pkg:${ecosystem}/${name}${pkg.version ? `@${pkg.version}` : ""}`),
  );
  const properties: CyclonedxProperty[] = [];
  const add = (property: string, values: Iterable<string | undefined>) => {
    for (const value of new Set(values)) {
      if (value !== undefined && value !== "") properties.push({ name: property, value });
    }
  };
  add(
    "tollgate:specifier",
    declarations.filter((pkg) => pkg.version === undefined)
      .map((pkg) => pkg.specifier),
  );
  add("tollgate:layer", declarations.map((pkg) => pkg.layer));
  add("tollgate:group", declarations.flatMap((pkg) => pkg.groups));
  add("tollgate:extra", declarations.flatMap((pkg) => pkg.extras));
  add("tollgate:platform", declarations.flatMap((pkg) => pkg.platforms ?? []));
  add("tollgate:editable", declarations.some((pkg) => pkg.editable) ? ["true"] : []);
  add("tollgate:name", declarations.some((pkg) => pkg.nameFrom === "guessed") ? ["guessed"] : []);
  add("tollgate:version-from", declarations.map((pkg) => pkg.versionFrom));
  add(
    "tollgate:index-name",
    declarations.map((pkg) => pkg.source.kind === "index" ? pkg.source.name : undefined),
  );
  add(
    "tollgate:source-path",
    declarations.map((pkg) => pkg.source.kind === "path" ? pkg.source.path : undefined),
  );
  const references: CyclonedxExternalReference[] = [];
  const seen = new Set<string>();
  for (const pkg of declarations) {
    const reference = externalReference(pkg.source);
    const key = JSON.stringify(reference);
    if (reference && !seen.has(key)) {
      seen.add(key);
      references.push(reference);
    } else if (!reference && pkg.source.kind !== "path" && "url" in pkg.source && pkg.source.url) {
      add("tollgate:source-url", [pkg.source.url]);
    }
  }
  const guessed = declarations.some((pkg) => pkg.nameFrom === "guessed");
  const purl = guessed ? undefined : packagePurl(versioned, declarations);
  const hashes = cyclonedxHashes(declarations.flatMap((pkg) => pkg.hashes));
  const locations = declarations.flatMap((pkg) => pkg.locations);
  const dependsOn = declarations.some((pkg) => pkg.dependsOn !== undefined)
    ? new Set(declarations.flatMap((pkg) => pkg.dependsOn ?? []))
    : undefined;
  const component: CyclonedxComponent = {
    type: "library",
    name,
    ...(version !== undefined ? { version } : {}),
    ...(hashes.length > 0 ? { hashes } : {}),
    ...(purl !== undefined ? { purl } : {}),
    ...(references.length > 0 ? { externalReferences: references } : {}),
    ...occurrences(locations),
    ...(properties.length > 0 ? { properties } : {}),
  };
  return {
    component,
    subjects,
    locations,
    ecosystem,
    name,
    direct: declarations.some((pkg) => pkg.direct),
    ...(dependsOn !== undefined ? { dependsOn } : {}),
  };
}

/**
 * `pkg:pypi/name@version` or `pkg:conda/name@version?channel=…&subdir=…`; a VCS or URL source
 * adds the purl's `vcs_url` or `download_url`. A local path has none: the name is the project's
 * own, and a public package URL would name someone else's package.
 */
function packagePurl(pkg: Package, declarations: Package[]): string | undefined {
  const { source } = pkg;
  if (source.kind === "path") return undefined;
  const qualifiers: Record<string, string> = {};
  if (pkg.ecosystem === "conda") {
    if (source.kind === "index" && (source.name ?? source.url)) {
      qualifiers.channel = (source.name ?? source.url)!;
    }
    const platforms = new Set(declarations.flatMap((item) => item.platforms ?? []));
    if (platforms.size === 1) qualifiers.subdir = [...platforms][0];
  }
  if (source.kind === "vcs") {
    const pin = source.commit ?? source.ref;
    qualifiers.vcs_url = `${source.vcs}+${source.url}${pin ? `@${pin}` : ""}`;
  }
  if (source.kind === "url") qualifiers.download_url = source.url;
  const purl: Purl = {
    type: pkg.ecosystem,
    name: pkg.name,
    ...(pkg.version !== undefined ? { version: pkg.version } : {}),
    qualifiers,
  };
  return formatPurl(purl);
}

function externalReference(source: PackageSource): CyclonedxExternalReference | undefined {
  if (source.kind === "path" || source.url === undefined) return undefined;
  const url = absoluteUrl(source.url);
  if (url === undefined) return undefined;
  if (source.kind !== "vcs") return { type: "distribution", url };
  const pin = source.commit ?? source.ref;
  return { type: "vcs", url, ...(pin ? { comment: `${source.vcs} ${pin}` } : {}) };
}

export function occurrences(locations: Location[]): Pick<CyclonedxComponent, "evidence"> {
  const seen = new Set<string>();
  const list: Array<{ location: string; line?: number }> = [];
  for (const { file, line } of locations) {
    const key = `${file}\u0000${line ?? ""}`;
    if (seen.has(key) || list.length === MAX_OCCURRENCES) continue;
    seen.add(key);
    list.push(line === undefined ? { location: file } : { location: file, line });
  }
  return list.length > 0 ? { evidence: { occurrences: list } } : {};
}
