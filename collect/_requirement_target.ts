/**
 * What the requirement part of a requirements-file line names: a PEP 508 requirement, a direct
 * URL, a VCS checkout, a local path or a wheel file. Follows pip's rules for telling these apart
 * (for example, `; ` separates markers after a bare URL, `;` everywhere else), without touching
 * the file system or the network.
 *
 * @module
 */
import type { PackageSource } from "../core/snapshot.ts";
import { exactVersion, parsePep508, Pep508Error } from "./_pep508.ts";
import { parseMarker } from "./_pep508_marker.ts";
import {
  distributionVersion,
  isDistributionFilename,
  linkFilename,
  parseWheelFilename,
  redactUrl,
} from "../packaging/mod.ts";
import { valid as validVersion } from "@renovatebot/pep440";

/**
 * The package a requirement line describes, before file and line are attached.
 *
 * @example
 * ```ts
 * import { describeRequirement } from "./_requirement_target.ts";
 * const target = describeRequirement("six==1.16.0");
 * if (!("error" in target)) target.name; // "six"
 * ```
 */
export interface Target {
  /** Name as written (from the requirement, `#egg=`, a wheel filename or a guess). */
  name: string;
  /** True when no name was written and `name` was derived from the URL or path. */
  guessedName: boolean;
  specifier: string;
  extras: string[];
  markers?: string;
  source: PackageSource;
  /** `algorithm:hex` hashes from a `#sha256=` style URL fragment. */
  hashes: string[];
  /** The exact version: pinned with `==`/`===`, or fixed by a wheel or sdist file name. */
  version?: string;
  /**
   * `filename` when `version` comes from the file name; `unresolved` when the pin (or the file
   * name) holds an unexpanded `${VAR}`: then there is no `version`, and `specifier` or the
   * source keeps the text as written.
   */
  versionFrom?: "filename" | "unresolved";
}

/**
 * Options for {@linkcode describeRequirement} and {@linkcode describeEditable}.
 *
 * @example
 * ```ts
 * import type { DescribeOptions } from "./_requirement_target.ts";
 * const options: DescribeOptions = { variables: true };
 * ```
 */
export interface DescribeOptions {
  /**
   * Accept pip's unexpanded `${NAME}` references (NAME of `[A-Z0-9_]`) where a version goes, and
   * mark a pin or file name holding one as `unresolved` instead of refusing the line.
   */
  variables?: boolean;
}

const VARIABLE = /\$\{[A-Z0-9_]+\}/;

const VCS_NAMES = ["git", "hg", "svn", "bzr"] as const;
type Vcs = typeof VCS_NAMES[number];
const VCS_SCHEMES: Record<string, Vcs> = {
  "git": "git",
  "git+http": "git",
  "git+https": "git",
  "git+ssh": "git",
  "git+git": "git",
  "git+file": "git",
  "hg+file": "hg",
  "hg+http": "hg",
  "hg+https": "hg",
  "hg+ssh": "hg",
  "hg+static-http": "hg",
  "svn": "svn",
  "svn+ssh": "svn",
  "svn+http": "svn",
  "svn+https": "svn",
  "svn+svn": "svn",
  "svn+file": "svn",
  "bzr+http": "bzr",
  "bzr+https": "bzr",
  "bzr+ssh": "bzr",
  "bzr+sftp": "bzr",
  "bzr+ftp": "bzr",
  "bzr+lp": "bzr",
  "bzr+file": "bzr",
};
const ARCHIVE = /\.(?:whl|tar\.gz|tgz|tar|zip|tar\.bz2|tbz|tar\.xz|txz|tlz|tar\.lz|tar\.lzma)$/i;
const FRAGMENT_HASH = /[#&](sha1|sha224|sha384|sha256|sha512|md5)=([a-f0-9]+)/g;

function schemeOf(text: string): string | undefined {
  const colon = text.indexOf(":");
  return colon < 0 ? undefined : text.slice(0, colon).toLowerCase();
}

/** Whether pip treats the text as a URL (http, https, file, ftp or a VCS scheme). */
function isPipUrl(text: string): boolean {
  const scheme = schemeOf(text);
  return scheme !== undefined && (["http", "https", "file", "ftp"].includes(scheme) ||
    scheme in VCS_SCHEMES);
}

function looksLikePath(text: string): boolean {
  return text.includes("/") || text.includes("\\") || text.startsWith(".");
}

/**
 * Describe the requirement part of a non-editable requirements line.
 *
 * @param args The requirement part of the line.
 * @param options `variables`: see {@linkcode DescribeOptions}.
 * @returns The target, or a message saying what was expected.
 * @example
 * ```ts
 * import { describeRequirement } from "./_requirement_target.ts";
 * describeRequirement("numpy>=1.26 ; python_version >= '3.10'");
 * ```
 */
export function describeRequirement(
  args: string,
  options: DescribeOptions = {},
): Target | { error: string } {
  const variables = options.variables === true;
  const url = isPipUrl(args);
  const separator = url ? "; " : ";";
  const at = args.indexOf(separator);
  const head = (at < 0 ? args : args.slice(0, at)).trim();
  let markers: string | undefined;
  try {
    if (at >= 0 && args.slice(at + separator.length).trim() !== "") {
      markers = parseMarker(args, at + separator.length, (message, column) => {
        throw new Pep508Error(message, column);
      });
    }
    let target: Target;
    if (url) {
      target = fromLink(head, [], false, variables);
    } else {
      const withExtras = splitTrailingExtras(head);
      const bare = withExtras ? withExtras[1] : head;
      const atSign = head.indexOf("@");
      const pepUrl = atSign >= 0 && !looksLikePath(head.slice(0, atSign));
      if ((looksLikePath(head) || ARCHIVE.test(bare)) && !pepUrl) {
        const extras = withExtras ? parsePep508("x" + withExtras[2]).extras : [];
        target = fromLink(bare, extras, true, variables);
      } else {
        target = fromPep508(head, variables);
      }
    }
    if (markers !== undefined) target.markers = markers;
    return settleVersion(target, variables);
  } catch (error) {
    if (error instanceof Pep508Error) return { error: error.message };
    if (error instanceof TargetError) return { error: error.message };
    throw error;
  }
}

/**
 * Describe the value of `-e`/`--editable`: a local directory or a VCS URL.
 *
 * @param value The option's value.
 * @param options `variables`: see {@linkcode DescribeOptions}.
 * @returns The target, or a message saying what was expected.
 * @example
 * ```ts
 * import { describeEditable } from "./_requirement_target.ts";
 * describeEditable("git+https://github.com/org/repo@v1#egg=repo");
 * ```
 */
export function describeEditable(
  value: string,
  options: DescribeOptions = {},
): Target | { error: string } {
  const variables = options.variables === true;
  try {
    const withExtras = splitTrailingExtras(value);
    const bare = withExtras ? withExtras[1] : value;
    const scheme = /^[a-z][a-z0-9+.-]*:/i.test(bare) && !/^[a-z]:[\\/]/i.test(bare)
      ? schemeOf(bare)!
      : undefined;
    if (scheme === undefined || scheme === "file") {
      const extras = withExtras ? parsePep508("x" + withExtras[2]).extras : [];
      return settleVersion(fromLink(bare, extras, scheme === undefined, variables), variables);
    }
    const url = (VCS_NAMES as readonly string[]).includes(scheme) ? `${scheme}+${value}` : value;
    if (!(schemeOf(url)! in VCS_SCHEMES)) {
      throw new TargetError(
        `expected a local directory or a VCS URL (git+, hg+, svn+, bzr+) after -e, found '${
          redactUrl(value)
        }'`,
      );
    }
    const target = fromLink(url, [], false, variables);
    if (target.guessedName) {
      throw new TargetError(`expected '#egg=name' on the editable VCS URL '${redactUrl(value)}'`);
    }
    return settleVersion(target, variables);
  } catch (error) {
    if (error instanceof Pep508Error || error instanceof TargetError) {
      return { error: error.message };
    }
    throw error;
  }
}

class TargetError extends Error {}

/**
 * The source and fragment hashes of a PEP 508 direct URL (`name @ url`) and, given the project's
 * name, the version its wheel or sdist file name fixes (PEP 427), when it names one.
 *
 * @param url The URL as written.
 * @param name The requirement's project name: a file of another project fixes no version.
 * @example
 * ```ts
 * import { directUrlSource } from "./_requirement_target.ts";
 * directUrlSource("git+https://github.com/org/repo@v1").source;
 * // { kind: "vcs", vcs: "git", url: "https://github.com/org/repo", ref: "v1" }
 * directUrlSource("https://h/torch-2.3.1%2Bcpu-cp311-cp311-linux_x86_64.whl", "torch").version;
 * // "2.3.1+cpu"
 * ```
 */
export function directUrlSource(
  url: string,
  name?: string,
): { source: PackageSource; hashes: string[]; version?: string } {
  const source = sourceOf(url, false);
  const version = name === undefined ? undefined : fileVersion(source, url, name);
  return { source, hashes: fragmentHashes(url), ...(version !== undefined ? { version } : {}) };
}

/** The version a URL or path's distribution file name fixes for `name`; never for a VCS URL. */
function fileVersion(source: PackageSource, link: string, name: string): string | undefined {
  if (source.kind !== "url" && source.kind !== "path") return undefined;
  return distributionVersion(linkFilename(link), name);
}

/**
 * Give the target the version its file name fixes; or mark it unresolved when that file name
 * holds an unexpanded variable (`torch-${TORCH_VERSION}-cp311-….whl`).
 */
function versionFromFile(target: Target, link: string, variables: boolean): void {
  const version = fileVersion(target.source, link, target.name);
  if (version !== undefined) {
    target.version = version;
    target.versionFrom = "filename";
    return;
  }
  const filename = linkFilename(link);
  const kind = target.source.kind;
  if (
    variables && (kind === "url" || kind === "path") && VARIABLE.test(filename) &&
    isDistributionFilename(filename)
  ) {
    target.versionFrom = "unresolved";
  }
}

/** The pinned version, unless the file name gave one; a pin holding `${VAR}` is unresolved. */
function settleVersion(target: Target, variables: boolean): Target {
  if (target.versionFrom !== undefined) return target;
  const pinned = exactVersion(target.specifier);
  if (pinned === undefined) return target;
  if (variables && VARIABLE.test(pinned)) target.versionFrom = "unresolved";
  else target.version = pinned;
  return target;
}

function fromPep508(text: string, variables: boolean): Target {
  const requirement = parsePep508(text, { variables });
  const target: Target = {
    name: requirement.name,
    guessedName: false,
    specifier: requirement.specifier,
    extras: requirement.extras,
    source: { kind: "index" },
    hashes: [],
  };
  if (requirement.markers !== undefined) target.markers = requirement.markers;
  if (requirement.url !== undefined) {
    const direct = directUrlSource(requirement.url);
    target.source = direct.source;
    target.hashes = direct.hashes;
    versionFromFile(target, requirement.url, variables);
  }
  return target;
}

/** A URL or path without a PEP 508 name: the name comes from `#egg=`, a wheel name or a guess. */
function fromLink(link: string, extras: string[], isPath: boolean, variables: boolean): Target {
  const target: Target = {
    name: "",
    guessedName: false,
    specifier: "",
    extras,
    source: sourceOf(link, isPath),
    hashes: fragmentHashes(link),
  };
  const egg = /[#&]egg=([^&]*)/.exec(link)?.[1];
  const filename = linkFilename(link);
  if (egg) {
    const named = parsePep508(egg, { variables });
    target.name = named.name;
    target.extras = [...extras, ...named.extras];
    target.specifier = named.specifier;
    if (named.specifier === "") versionFromFile(target, link, variables);
  } else if (/\.whl$/i.test(filename)) {
    const wheel = parseWheelFilename(filename);
    if (!wheel) {
      throw new TargetError(
        `expected a wheel filename like name-1.0-py3-none-any.whl, found '${filename}'`,
      );
    }
    // pip installs a bare wheel as `name==version`, so that is its specifier too.
    target.name = wheel.distribution;
    const written = filename.split("-")[1];
    if (variables && VARIABLE.test(written)) {
      // Kept as written: pip's `_`-to-`-` would mangle `${TORCH_VERSION}` into `${TORCH-VERSION}`.
      target.specifier = "==" + written;
      target.versionFrom = "unresolved";
    } else if (validVersion(wheel.version) === null) {
      throw new TargetError(
        `expected a PEP 440 version in the wheel file name '${filename}', found '${wheel.version}'`,
      );
    } else {
      target.specifier = "==" + wheel.version;
      target.version = wheel.version;
      target.versionFrom = "filename";
    }
  } else {
    target.name = guessName(filename);
    target.guessedName = true;
  }
  return target;
}

function sourceOf(link: string, isPath: boolean): PackageSource {
  const scheme = isPath ? undefined : schemeOf(link);
  if (scheme === undefined) return { kind: "path", path: link };
  if (scheme === "file") return { kind: "path", path: filePath(link) };
  const vcs = VCS_SCHEMES[scheme];
  if (vcs === undefined) return { kind: "url", url: redactUrl(link) };
  let url = link.split("#")[0];
  if (url.toLowerCase().startsWith(vcs + "+")) url = url.slice(vcs.length + 1);
  const authority = /^[^:]+:\/\/[^/]*/.exec(url)?.[0] ?? "";
  const rest = url.slice(authority.length);
  const at = rest.lastIndexOf("@");
  const source: PackageSource = { kind: "vcs", vcs, url: redactUrl(url) };
  if (at >= 0) {
    source.url = redactUrl(authority + rest.slice(0, at));
    if (rest.slice(at + 1) !== "") source.ref = rest.slice(at + 1);
  }
  return source;
}

function filePath(link: string): string {
  const withoutFragment = link.split("#")[0];
  const path = withoutFragment.replace(/^file:(?:\/\/(?:localhost)?(?=\/))?/i, "");
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function fragmentHashes(link: string): string[] {
  const fragment = link.includes("#") ? link.slice(link.indexOf("#")) : "";
  return [...fragment.matchAll(FRAGMENT_HASH)].map((match) => `${match[1]}:${match[2]}`);
}

/** A best-effort project name from a file or repository name: `repo.git`, `pkg-1.0.tar.gz`. */
function guessName(filename: string): string {
  const base = filename.replace(/@[^@]*$/, "").replace(/\.git$/i, "").replace(ARCHIVE, "");
  const name = base.replace(/-\d[^-]*$/, "");
  return /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(name) ? name : "unnamed";
}

/**
 * Split `path[extra1,extra2]` into `[whole, path, "[extra1,extra2]"]` (the shape of a regex match
 * for the callers), or `null`. Linear time: a backtracking regex here was quadratic on hostile
 * input like `b[[[[…`.
 */
function splitTrailingExtras(text: string): [string, string, string] | null {
  if (!text.endsWith("]")) return null;
  const open = text.lastIndexOf("[");
  if (open <= 0 || open >= text.length - 2) return null;
  const inner = text.slice(open + 1, -1);
  if (inner.includes("]")) return null;
  return [text, text.slice(0, open), text.slice(open)];
}
