/**
 * One CycloneDX component as a Tollgate fact: a PyPI or conda package from its package URL, a
 * Hugging Face model from a `pkg:huggingface` one. The package URL decides; the component's own
 * name and version only fill in what it leaves open.
 *
 * @module
 */
import type { ModelReference, Package, PackageSource } from "../../core/snapshot.ts";
import type { Purl } from "../../core/purl.ts";
import { normaliseName, redactUrl } from "../../packaging/mod.ts";
import { exactVersion } from "../_pep508.ts";
import { directUrlSource } from "../_requirement_target.ts";
import type { BomComponent, BomHash, KeyPath } from "./_bom_json.ts";

/** Reports something the import could not use, at a key path of the BOM. */
export type ReportProblem = (path: KeyPath, message: string) => void;

/**
 * CycloneDX hash algorithms by the name Python's hashlib (and pip's `--hash`) gives them, with
 * the digest length in hex digits. BLAKE2b and BLAKE3 have no such name and are left out.
 */
const HASH_NAMES: Readonly<Record<string, { name: string; hexDigits: number }>> = {
  "MD5": { name: "md5", hexDigits: 32 },
  "SHA-1": { name: "sha1", hexDigits: 40 },
  "SHA-256": { name: "sha256", hexDigits: 64 },
  "SHA-384": { name: "sha384", hexDigits: 96 },
  "SHA-512": { name: "sha512", hexDigits: 128 },
  "SHA3-256": { name: "sha3_256", hexDigits: 64 },
  "SHA3-384": { name: "sha3_384", hexDigits: 96 },
  "SHA3-512": { name: "sha3_512", hexDigits: 128 },
};

/** Valid CycloneDX algorithms with no hashlib name: dropped without a problem. */
const UNNAMED_HASHES = new Set(["BLAKE2b-256", "BLAKE2b-384", "BLAKE2b-512", "BLAKE3"]);

/**
 * The component's hashes as `algorithm:hexdigest` (lower case, unique, in BOM order). A digest
 * whose length does not fit its algorithm, or an algorithm CycloneDX does not define, is a
 * problem and left out.
 */
export function hashesOf(hashes: readonly BomHash[], report: ReportProblem): string[] {
  const found = new Set<string>();
  for (const hash of hashes) {
    const known = HASH_NAMES[hash.alg];
    if (known === undefined) {
      if (!UNNAMED_HASHES.has(hash.alg)) {
        report([...hash.path, "alg"], `expected a CycloneDX hash algorithm, found "${hash.alg}"`);
      }
      continue;
    }
    if (hash.content.length !== known.hexDigits) {
      report(
        [...hash.path, "content"],
        `expected ${known.hexDigits} hex digits for ${hash.alg}, found ${hash.content.length}`,
      );
      continue;
    }
    found.add(`${known.name}:${hash.content.toLowerCase()}`);
  }
  return [...found];
}

/** The value of the first property named `name`. */
function property(component: BomComponent, name: string): string | undefined {
  return component.properties.find((p) => p.name === name)?.value;
}

/** A URL whose last path segment is a wheel, sdist or conda archive: one file, not an index. */
const DISTRIBUTION_FILE = /\.(?:whl|tar\.gz|tgz|tar\.bz2|tar\.xz|zip|egg|conda)(?:[?#].*)?$/i;

function indexSource(url: string): PackageSource {
  return { kind: "index", url: redactUrl(url) };
}

/**
 * Where a PyPI package comes from, strongest evidence first: the package URL's `vcs_url` and
 * `download_url` (a direct reference), cdxgen's `cdx:pypi:manifestSource` (the git, URL or path
 * source a manifest declares), the package URL's `repository_url`, cdxgen's `cdx:pypi:registry`
 * (an index other than PyPI), a `distribution` reference that names an index rather than a file.
 * A `vcs` external reference is the project's repository, not where it was installed from.
 */
function pypiSource(component: BomComponent, purl: Purl): PackageSource {
  const qualifiers = purl.qualifiers ?? {};
  if (qualifiers.vcs_url !== undefined) {
    const url = qualifiers.vcs_url;
    return directUrlSource(/^(?:git|hg|svn|bzr)\+/i.test(url) ? url : `git+${url}`).source;
  }
  if (qualifiers.download_url !== undefined) return directUrlSource(qualifiers.download_url).source;
  const declared = property(component, "cdx:pypi:manifestSource");
  const declaredType = property(component, "cdx:pypi:manifestSourceType");
  if (declared !== undefined && declaredType === "git") {
    return directUrlSource(/^git\+/i.test(declared) ? declared : `git+${declared}`).source;
  }
  if (declared !== undefined && declaredType === "url") return directUrlSource(declared).source;
  if (declared !== undefined && declaredType === "path") return { kind: "path", path: declared };
  if (qualifiers.repository_url !== undefined) return indexSource(qualifiers.repository_url);
  const registry = property(component, "cdx:pypi:registry");
  if (registry !== undefined) return indexSource(registry);
  const index = component.references.find((r) =>
    r.type === "distribution" && /^https?:\/\//i.test(r.url) && !DISTRIBUTION_FILE.test(r.url)
  );
  return index !== undefined ? indexSource(index.url) : { kind: "index" };
}

/**
 * A PyPI package from its component. The version is the package URL's; cdxgen writes a range
 * (`torch>=2.0`) as the version `2.0` with the range in `cdx:pypi:versionSpecifiers`, so when
 * that property is there it is the specifier, and only a pin in it is a version.
 *
 * @param component The component.
 * @param purl Its package URL, of type `pypi`.
 * @param options The BOM's file (every location) and the problem reporter.
 * @returns A lock-layer package; `direct` and `dependsOn` are the graph's to set.
 */
export function pypiPackage(
  component: BomComponent,
  purl: Purl,
  options: { file: string; report: ReportProblem },
): Package {
  const range = property(component, "cdx:pypi:versionSpecifiers");
  const version = range !== undefined ? exactVersion(range) : purl.version;
  const written = component.name.trim();
  return {
    ecosystem: "pypi",
    name: purl.name,
    ...(written !== purl.name && normaliseName(written) === purl.name
      ? { displayName: written }
      : {}),
    ...(version !== undefined ? { version } : {}),
    specifier: range ?? (version !== undefined ? `==${version}` : ""),
    extras: [],
    hashes: hashesOf(component.hashes, options.report),
    source: pypiSource(component, purl),
    layer: "lock",
    direct: false,
    editable: false,
    groups: [],
    locations: [{ file: options.file }],
  };
}

/**
 * A conda package from its component: the name in lower case as conda compares names, the
 * `channel` qualifier as its index (a URL, or a name such as `conda-forge`), `subdir` as its
 * platform.
 *
 * @param component The component.
 * @param purl Its package URL, of type `conda`.
 * @param options The BOM's file and the problem reporter.
 * @returns A lock-layer package.
 */
export function condaPackage(
  component: BomComponent,
  purl: Purl,
  options: { file: string; report: ReportProblem },
): Package {
  const name = purl.name.toLowerCase();
  const channel = purl.qualifiers?.channel;
  const source: PackageSource = channel === undefined
    ? { kind: "index" }
    : /^[a-z][a-z0-9+.-]*:\/\//i.test(channel)
    ? indexSource(channel.replace(/\/+$/, ""))
    : { kind: "index", name: channel };
  const subdir = purl.qualifiers?.subdir;
  return {
    ecosystem: "conda",
    name,
    ...(component.name.trim() !== name ? { displayName: component.name.trim() } : {}),
    ...(purl.version !== undefined ? { version: purl.version } : {}),
    specifier: purl.version !== undefined ? `==${purl.version}` : "",
    extras: [],
    hashes: hashesOf(component.hashes, options.report),
    source,
    layer: "lock",
    direct: false,
    editable: false,
    groups: [],
    ...(subdir !== undefined ? { platforms: [subdir] } : {}),
    locations: [{ file: options.file }],
  };
}

/**
 * The loader name models read from a BOM carry: no call in code loads them that Tollgate saw.
 *
 * @example
 * ```ts
 * import { SBOM_LOADER } from "./_component_facts.ts";
 * SBOM_LOADER; // "sbom"
 * ```
 */
export const SBOM_LOADER = "sbom";

/**
 * A Hugging Face model from a `pkg:huggingface/publisher/name@revision` package URL.
 *
 * @param purl The package URL, of type `huggingface`.
 * @param file The BOM's file.
 * @returns The model reference, or undefined when the namespace is more than one segment.
 */
export function huggingfaceModel(purl: Purl, file: string): ModelReference | undefined {
  if (purl.namespace?.includes("/")) return undefined;
  return {
    hub: "huggingface",
    repoId: purl.namespace !== undefined ? `${purl.namespace}/${purl.name}` : purl.name,
    ...(purl.namespace !== undefined ? { publisher: purl.namespace } : {}),
    ...(purl.version !== undefined ? { revision: purl.version } : {}),
    loader: SBOM_LOADER,
    location: { file },
  };
}
