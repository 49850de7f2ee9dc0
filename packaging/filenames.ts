/**
 * Distribution file names: wheels (PEP 427) and source distributions (`name-1.0.tar.gz`, PEP 625,
 * and the legacy archive names pip still installs), and the version such a name fixes for a
 * project. A wheel or sdist URL names its version in the file name, so a requirement like
 * `torch @ https://…/torch-2.3.1%2Bcu121-cp311-cp311-linux_x86_64.whl` is as pinned as `==2.3.1`.
 *
 * @module
 */
import { valid as validVersion } from "@renovatebot/pep440";
import { normaliseName } from "./names.ts";

/**
 * The parts of a wheel file name, as pip splits them.
 *
 * @example
 * ```ts
 * import type { WheelFilename } from "./filenames.ts";
 * const wheel: WheelFilename = {
 *   distribution: "foo_bar", version: "1.0", python: "py3", abi: "none", platform: "any",
 * };
 * ```
 */
export interface WheelFilename {
  /** The distribution part as written (PEP 427 escapes `-` in the name as `_`). */
  distribution: string;
  /** The version part, with `_` read back as `-` as pip reads it; not checked against PEP 440. */
  version: string;
  /** The optional build tag (starts with a digit). */
  build?: string;
  python: string;
  abi: string;
  platform: string;
}

/** Longer than any real distribution file name; longer input is not parsed at all. */
const MAX_FILENAME = 512;
/** A tag or name part: no whitespace, no dash (pip's `[^\s-]+`). */
const PART = /^[^\s-]+$/;
/** pip's archive extensions other than `.whl`: what it installs as a source distribution. */
const SDIST_EXTENSIONS = [
  ".tar.gz",
  ".tgz",
  ".zip",
  ".tar.bz2",
  ".tbz",
  ".tar.xz",
  ".txz",
  ".tlz",
  ".tar.lz",
  ".tar.lzma",
  ".tar",
];

/**
 * Split a wheel file name the way pip does (`{distribution}-{version}(-{build})?-{python}-{abi}-
 * {platform}.whl`), or undefined when the name has another shape.
 *
 * @param filename A file name (no directory), already percent-decoded.
 * @returns The parts, or undefined.
 * @example
 * ```ts
 * import { parseWheelFilename } from "./filenames.ts";
 * parseWheelFilename("torch-2.3.1+cu121-cp311-cp311-linux_x86_64.whl")?.version; // "2.3.1+cu121"
 * parseWheelFilename("torch.whl"); // undefined
 * ```
 */
export function parseWheelFilename(filename: string): WheelFilename | undefined {
  if (filename.length > MAX_FILENAME || !/\.whl$/i.test(filename)) return undefined;
  const parts = filename.slice(0, -4).split("-");
  if (parts.length !== 5 && parts.length !== 6) return undefined;
  const [distribution, version] = parts;
  const [python, abi, platform] = parts.slice(-3);
  if (![distribution, version, python, abi, platform].every((part) => PART.test(part))) {
    return undefined;
  }
  const wheel: WheelFilename = {
    distribution,
    version: version.replaceAll("_", "-"),
    python,
    abi,
    platform,
  };
  if (parts.length === 6) {
    if (!/^\d/.test(parts[2])) return undefined;
    wheel.build = parts[2];
  }
  return wheel;
}

/**
 * The version in a source distribution's file name for `project`: the name must be
 * `{project}-{version}{extension}` where the name part normalises to the project's name and the
 * rest is a PEP 440 version, so `foo-bar-1.0.tar.gz` is version 1.0 of `foo-bar` and of no other
 * project.
 *
 * @param filename A file name (no directory), already percent-decoded.
 * @param project The project's name (any spelling).
 * @returns The version as written, or undefined.
 * @example
 * ```ts
 * import { sdistVersion } from "./filenames.ts";
 * sdistVersion("Foo_Bar-1.0.tar.gz", "foo-bar"); // "1.0"
 * sdistVersion("foo-bar-1.0.tar.gz", "foo"); // undefined
 * ```
 */
export function sdistVersion(filename: string, project: string): string | undefined {
  if (filename.length > MAX_FILENAME) return undefined;
  const lower = filename.toLowerCase();
  const extension = SDIST_EXTENSIONS.find((ext) => lower.endsWith(ext));
  if (extension === undefined) return undefined;
  const stem = filename.slice(0, -extension.length);
  const wanted = normaliseName(project);
  // Only one dash can end a name part that normalises to the project's name (a part ending in a
  // separator never does), so the first match is the only one.
  for (let dash = stem.indexOf("-"); dash > 0; dash = stem.indexOf("-", dash + 1)) {
    if (normaliseName(stem.slice(0, dash)) !== wanted) continue;
    const version = stem.slice(dash + 1);
    return /^\S+$/.test(version) && validVersion(version) !== null ? version : undefined;
  }
  return undefined;
}

/**
 * The version a wheel or sdist file name fixes for `project`, or undefined when the file is not a
 * distribution of that project (another name, another kind of file) or its version is not PEP 440.
 *
 * @param filename A file name (no directory), already percent-decoded: see
 *   {@linkcode linkFilename}.
 * @param project The project's name (any spelling).
 * @returns The version (a wheel's `_` read as `-`, as pip reads it), or undefined.
 * @example
 * ```ts
 * import { distributionVersion } from "./filenames.ts";
 * distributionVersion("scikit_learn-1.5.0-cp311-cp311-win_amd64.whl", "scikit-learn"); // "1.5.0"
 * distributionVersion("numpy-2.0.0.tar.gz", "numpy"); // "2.0.0"
 * distributionVersion("numpy-2.0.0.tar.gz", "scipy"); // undefined
 * ```
 */
export function distributionVersion(filename: string, project: string): string | undefined {
  const wheel = parseWheelFilename(filename);
  if (wheel !== undefined) {
    return normaliseName(wheel.distribution) === normaliseName(project) &&
        validVersion(wheel.version) !== null
      ? wheel.version
      : undefined;
  }
  return sdistVersion(filename, project);
}

/**
 * Whether a file name ends like a distribution file: `.whl` or one of pip's sdist archives.
 *
 * @example
 * ```ts
 * import { isDistributionFilename } from "./filenames.ts";
 * isDistributionFilename("x-1.0.tar.gz"); // true
 * isDistributionFilename("repo.git"); // false
 * ```
 */
export function isDistributionFilename(filename: string): boolean {
  const lower = filename.toLowerCase();
  return lower.endsWith(".whl") || SDIST_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/**
 * The file name a URL or path ends in: the last path segment without query string or fragment,
 * percent-decoded (`%2B` is `+`), trailing slashes ignored.
 *
 * @param link A URL (`https://…/x-1.0.whl?a=b#sha256=…`) or a local path (`./dist/x.whl`, `C:\x`).
 * @returns The decoded file name ("" when there is none).
 * @example
 * ```ts
 * import { linkFilename } from "./filenames.ts";
 * linkFilename("https://h/whl/torch-2.3.1%2Bcpu-cp311-cp311-linux_x86_64.whl#sha256=ab");
 * // "torch-2.3.1+cpu-cp311-cp311-linux_x86_64.whl"
 * ```
 */
export function linkFilename(link: string): string {
  const path = link.split("#")[0].split("?")[0].replace(/[/\\]+$/, "");
  const last = path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}
