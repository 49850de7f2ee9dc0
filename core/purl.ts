/**
 * Package URLs (purl, ECMA-427): `pkg:type/namespace/name@version?qualifiers#subpath`, built and
 * read as the purl specification's "how to build" and "how to parse" sections describe, with the
 * type rules of the types Tollgate meets: `pypi` (no namespace; the name in PEP 503 normal form),
 * `huggingface` (namespace = publisher, version = revision; a commit id lowercased), `conda` (no
 * namespace; qualifiers `channel`, `subdir`, `build`, `type`) and `github` (lowercased).
 *
 * It lives in core/ because both the report (CycloneDX output) and the collectors (CycloneDX
 * input) need it, and core is the one layer both may import.
 *
 * @module
 */

/**
 * The parts of a package URL, decoded. A parsed purl has absent (never empty) optional parts.
 *
 * @example
 * ```ts
 * import type { Purl } from "./purl.ts";
 * const torch: Purl = { type: "pypi", name: "torch", version: "2.3.1" };
 * ```
 */
export interface Purl {
  /** The package type, lowercase ASCII: `pypi`, `conda`, `huggingface`… */
  type: string;
  /** Segments joined with `/`, e.g. a Hugging Face publisher. */
  namespace?: string;
  /** The package name. Never empty. */
  name: string;
  /** The version, opaque. */
  version?: string;
  /** Key/value pairs; keys lowercase ASCII, values never empty. */
  qualifiers?: Record<string, string>;
  /** A path inside the package, segments joined with `/`. */
  subpath?: string;
}

/** Longest purl text {@linkcode parsePurl} reads; longer texts are not package URLs we accept. */
export const MAX_PURL_LENGTH = 4096;

const TYPE = /^[a-z][a-z0-9.+-]*$/;
const QUALIFIER_KEY = /^[a-z][a-z0-9._-]*$/;

interface TypeRules {
  /** The type forbids a namespace. */
  noNamespace?: boolean;
  normaliseNamespace?: (namespace: string) => string;
  normaliseName?: (name: string) => string;
  normaliseVersion?: (version: string) => string;
}

const lower = (text: string) => text.toLowerCase();

const TYPE_RULES: Readonly<Record<string, TypeRules>> = {
  // PEP 503: case-insensitive, runs of -, _ and . are one -.
  pypi: { noNamespace: true, normaliseName: (name) => lower(name).replace(/[-_.]+/g, "-") },
  // The version is a commit id, lowercased; a branch or tag name is case-sensitive in git, so
  // it is kept as written.
  huggingface: {
    normaliseVersion: (version) => /^[0-9a-f]+$/i.test(version) ? lower(version) : version,
  },
  conda: { noNamespace: true },
  github: { normaliseNamespace: lower, normaliseName: lower },
};

const RULES_NONE: TypeRules = {};

/**
 * Percent-encode one component: everything but ASCII letters, digits, `.-_~` and `:` (which the
 * specification says is never encoded) is written as UTF-8 `%XX` triplets.
 */
function encodePart(text: string): string {
  let out = "";
  for (const byte of new TextEncoder().encode(text)) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9.\-_~:]/.test(char)
      ? char
      : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** Percent-decode, or undefined when the escapes are not valid UTF-8. */
function decodePart(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** Namespace segments: empty ones dropped (leading, trailing or doubled slashes). */
const segmentsOf = (text: string) => text.split("/").filter((segment) => segment !== "");

/** Subpath segments: empty, `.` and `..` dropped, as both build and parse do. */
const subpathSegmentsOf = (segments: string[]) =>
  segments.filter((segment) => segment !== "" && segment !== "." && segment !== "..");

/**
 * Write a package URL in canonical form: type and qualifier keys lowercase, qualifiers sorted by
 * key and empty values left out, the type's name rules applied (a PyPI name in PEP 503 form),
 * every part percent-encoded.
 *
 * @param purl The parts.
 * @returns The purl text.
 * @throws {TypeError} When the type is not letters, digits, `.`, `+` or `-` starting with a
 * letter, the name is empty, a qualifier key is not `[a-z][a-z0-9._-]*`, or the type forbids the
 * namespace given (pypi, conda).
 * @example
 * ```ts
 * import { formatPurl } from "./purl.ts";
 * formatPurl({ type: "pypi", name: "Zope_Interface", version: "6.0" });
 * // "pkg:pypi/zope-interface@6.0"
 * formatPurl({ type: "huggingface", namespace: "google", name: "gemma-2b", version: "A1B2" });
 * // "pkg:huggingface/google/gemma-2b@a1b2"
 * formatPurl({
 *   type: "conda", name: "numpy", version: "1.26.4",
 *   qualifiers: { subdir: "linux-64", channel: "conda-forge" },
 * });
 * // "pkg:conda/numpy@1.26.4?channel=conda-forge&subdir=linux-64"
 * ```
 */
export function formatPurl(purl: Purl): string {
  const type = purl.type.toLowerCase();
  if (!TYPE.test(type)) {
    throw new TypeError(
      `purl type ${JSON.stringify(purl.type)} is not ASCII letters, digits, '.', '+' or '-' ` +
        "starting with a letter",
    );
  }
  const rules = TYPE_RULES[type] ?? RULES_NONE;
  let text = `pkg:${type}/`;
  const namespace = segmentsOf(purl.namespace ?? "");
  if (namespace.length > 0) {
    if (rules.noNamespace) {
      throw new TypeError(`purl type ${type} has no namespace, but ${purl.namespace} was given`);
    }
    const normalise = rules.normaliseNamespace ?? ((segment: string) => segment);
    text += namespace.map((segment) => encodePart(normalise(segment))).join("/") + "/";
  }
  const name = (rules.normaliseName ?? ((n: string) => n))(purl.name.replace(/^\/+|\/+$/g, ""));
  if (name === "") throw new TypeError("purl name is empty");
  text += encodePart(name);
  if (purl.version) {
    text += "@" + encodePart((rules.normaliseVersion ?? ((v: string) => v))(purl.version));
  }
  const qualifiers: string[] = [];
  for (const [key, value] of Object.entries(purl.qualifiers ?? {})) {
    const lowered = key.toLowerCase();
    if (!QUALIFIER_KEY.test(lowered)) {
      throw new TypeError(
        `purl qualifier key ${JSON.stringify(key)} is not ASCII letters, digits, '.', '_' or '-' ` +
          "starting with a letter",
      );
    }
    if (value !== "") qualifiers.push(`${lowered}=${encodePart(value)}`);
  }
  if (qualifiers.length > 0) text += "?" + qualifiers.sort().join("&");
  const subpath = subpathSegmentsOf((purl.subpath ?? "").split("/"));
  if (subpath.length > 0) text += "#" + subpath.map(encodePart).join("/");
  return text;
}

/**
 * Read a package URL into its parts, decoded and normalised by its type's rules (a PyPI name in
 * PEP 503 form, a Hugging Face commit lowercased). Accepts `pkg://` with slashes, an upper-case
 * scheme or type, unsorted qualifiers.
 *
 * @param text A purl, at most {@linkcode MAX_PURL_LENGTH} characters.
 * @returns The parts, or undefined when the text is not a package URL: no `pkg:` scheme, a bad
 * type or qualifier key, a repeated key, no name, an escape that is not UTF-8, a namespace on a
 * type that has none, or a text longer than the limit. Never throws.
 * @example
 * ```ts
 * import { parsePurl } from "./purl.ts";
 * parsePurl("pkg:pypi/Django_Allauth@0.61.1");
 * // { type: "pypi", name: "django-allauth", version: "0.61.1" }
 * parsePurl("pkg:huggingface/microsoft/phi-2@ABC123");
 * // { type: "huggingface", namespace: "microsoft", name: "phi-2", version: "abc123" }
 * parsePurl("not a purl"); // undefined
 * ```
 */
export function parsePurl(text: string): Purl | undefined {
  if (typeof text !== "string" || text.length > MAX_PURL_LENGTH) return undefined;
  let remainder = text;
  let subpath: string | undefined;
  const hash = remainder.lastIndexOf("#");
  if (hash >= 0) {
    const segments: string[] = [];
    for (const raw of remainder.slice(hash + 1).split("/")) {
      const segment = decodePart(raw);
      if (segment === undefined) return undefined;
      segments.push(segment);
    }
    const kept = subpathSegmentsOf(segments);
    if (kept.some((segment) => segment.includes("/"))) return undefined;
    if (kept.length > 0) subpath = kept.join("/");
    remainder = remainder.slice(0, hash);
  }
  let qualifiers: Record<string, string> | undefined;
  // The first '?' (the specification splits at the last): a raw '?' inside a qualifier value,
  // common in download URLs, then stays in the value instead of breaking the version.
  const question = remainder.indexOf("?");
  if (question >= 0) {
    const found = new Map<string, string>();
    for (const pair of remainder.slice(question + 1).split("&")) {
      if (pair === "") continue;
      const equals = pair.indexOf("=");
      const key = (equals < 0 ? pair : pair.slice(0, equals)).toLowerCase();
      if (!QUALIFIER_KEY.test(key) || found.has(key)) return undefined;
      const value = decodePart(equals < 0 ? "" : pair.slice(equals + 1));
      if (value === undefined) return undefined;
      if (value !== "") found.set(key, value);
    }
    if (found.size > 0) {
      qualifiers = Object.fromEntries([...found].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0));
    }
    remainder = remainder.slice(0, question);
  }
  const colon = remainder.indexOf(":");
  if (colon < 0 || remainder.slice(0, colon).toLowerCase() !== "pkg") return undefined;
  remainder = remainder.slice(colon + 1).replace(/^\/+/, "");
  const slash = remainder.indexOf("/");
  if (slash < 0) return undefined;
  const type = remainder.slice(0, slash).toLowerCase();
  if (!TYPE.test(type)) return undefined;
  remainder = remainder.slice(slash + 1);
  const rules = TYPE_RULES[type] ?? RULES_NONE;
  let version: string | undefined;
  const at = remainder.lastIndexOf("@");
  if (at >= 0) {
    const decoded = decodePart(remainder.slice(at + 1));
    if (decoded === undefined) return undefined;
    if (decoded !== "") version = (rules.normaliseVersion ?? ((v: string) => v))(decoded);
    remainder = remainder.slice(0, at);
  }
  remainder = remainder.replace(/\/+$/, "");
  const lastSlash = remainder.lastIndexOf("/");
  const rawName = decodePart(remainder.slice(lastSlash + 1));
  if (rawName === undefined) return undefined;
  const name = (rules.normaliseName ?? ((n: string) => n))(rawName.replace(/^\/+|\/+$/g, ""));
  if (name === "") return undefined;
  const namespaceSegments: string[] = [];
  for (const raw of segmentsOf(lastSlash < 0 ? "" : remainder.slice(0, lastSlash))) {
    const segment = decodePart(raw);
    if (segment === undefined || segment.includes("/") || segment === "") return undefined;
    namespaceSegments.push((rules.normaliseNamespace ?? ((s: string) => s))(segment));
  }
  if (namespaceSegments.length > 0 && rules.noNamespace) return undefined;
  // Keys in the order the interface lists them, so parsed purls compare equal however written.
  return {
    type,
    ...(namespaceSegments.length > 0 ? { namespace: namespaceSegments.join("/") } : {}),
    name,
    ...(version !== undefined ? { version } : {}),
    ...(qualifiers ? { qualifiers } : {}),
    ...(subpath !== undefined ? { subpath } : {}),
  };
}
