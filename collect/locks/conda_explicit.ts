/**
 * conda explicit lock files: the `@EXPLICIT` lists that `conda list --explicit` and
 * `conda-lock --kind explicit` write (`conda-linux-64.lock`, `spec-file.txt`…). Each line after
 * the header is a package archive URL with an optional `#md5` or `#sha256:` hash, read as conda
 * reads it; conda-lock's `# pip name @ url#sha256=…` lines are the PyPI packages it adds.
 *
 * @module
 */
import type { Index, InstallerSetting, Package, Problem } from "../../core/snapshot.ts";
import { redactUrl } from "../../packaging/mod.ts";
import { baseName, type FileReader } from "../_reader.ts";
import { readTextInRoot } from "../fs.ts";
import { MAX_LOCK_BYTES, MAX_LOCK_ENTRIES } from "../_lock_toml.ts";
import { parseRequirements } from "../requirements/requirements.ts";
import { channelSource, condaArchive } from "./_conda_url.ts";

/**
 * What {@linkcode parseCondaExplicit} found.
 *
 * @example
 * ```ts
 * import { type CondaExplicitParse, parseCondaExplicit } from "./conda_explicit.ts";
 * const found: CondaExplicitParse = parseCondaExplicit("@EXPLICIT\n", { file: "conda-linux-64.lock" });
 * ```
 */
export interface CondaExplicitParse {
  /** One `lock` package per line: conda archives, and PyPI packages of `# pip` lines. */
  packages: Package[];
  /** Index options of `# pip` lines (conda-lock passes them to pip as a requirements file). */
  indexes: Index[];
  /** Other pip options of `# pip` lines. */
  settings: InstallerSetting[];
  /** Lines conda would refuse, with lines. */
  problems: Problem[];
}

/** conda's own pattern for an explicit line: a path or URL to an archive, then its hash. */
const EXPLICIT_LINE =
  /^(?:(.+)[/\\])?([^/\\#]+(?:\.tar\.bz2|\.conda))(?:#(?:([0-9a-f]{32})|(?:sha256:)?([0-9a-f]{64})))?$/;
/** The header line conda writes before the package list. */
const MARKER = /^[ \t]*@EXPLICIT[ \t]*\r?$/m;

/**
 * Whether text is an explicit list: it has a line reading `@EXPLICIT`.
 *
 * @example
 * ```ts
 * import { isExplicitList } from "./conda_explicit.ts";
 * isExplicitList("# platform: linux-64\n@EXPLICIT\n"); // true
 * ```
 */
export function isExplicitList(text: string): boolean {
  return MARKER.test(text);
}

/**
 * Read a conda explicit lock file without touching the disk. Blank lines and comments are skipped
 * (`# platform: linux-64` gives every package its platform); every other line is a package: the
 * name, version and channel come from its URL, the `#md5` / `#sha256:` fragment is its hash. A
 * line conda would refuse is a problem. conda-lock's `# pip …` lines are read as requirement lines
 * and recorded as locked PyPI packages.
 *
 * @param text The file's text.
 * @param options `file`: its path relative to the project root.
 * @returns `lock` packages and problems, with lines.
 * @example
 * ```ts
 * import { parseCondaExplicit } from "./conda_explicit.ts";
 * const text = [
 *   "# platform: linux-64",
 *   "@EXPLICIT",
 *   "https://conda.anaconda.org/conda-forge/linux-64/zlib-1.3.1-hb9d3cd8_2.conda#" + "a".repeat(32),
 * ].join("\n");
 * const { packages } = parseCondaExplicit(text, { file: "conda-linux-64.lock" });
 * [packages[0].name, packages[0].version, packages[0].hashes[0].slice(0, 6), packages[0].platforms];
 * // ["zlib", "1.3.1", "md5:aa", ["linux-64"]]
 * ```
 */
export function parseCondaExplicit(text: string, options: { file: string }): CondaExplicitParse {
  const { file } = options;
  const result: CondaExplicitParse = { packages: [], indexes: [], settings: [], problems: [] };
  if (text.length > MAX_LOCK_BYTES) {
    result.problems.push({
      file,
      message: `expected at most ${MAX_LOCK_BYTES} characters, found ${text.length}`,
    });
    return result;
  }
  const lines = text.split("\n");
  const platform = /^#[ \t]*platform:[ \t]*(\S+)[ \t]*\r?$/m.exec(text)?.[1];
  let marker = false;
  let count = 0;
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    const at = { file, line: index + 1 };
    if (line === "@EXPLICIT") marker = true;
    if (line === "" || line === "@EXPLICIT") continue;
    const pip = /^#[ \t]*pip[ \t]+(.+)$/.exec(line);
    if (line.startsWith("#") && !pip) continue;
    if (++count > MAX_LOCK_ENTRIES) {
      result.problems.push({
        ...at,
        message: `more than ${MAX_LOCK_ENTRIES} packages; the rest are not read`,
      });
      break;
    }
    if (pip) {
      readPipLine(pip[1], at, result);
      continue;
    }
    const pkg = condaPackage(line, at, platform);
    if ("error" in pkg) result.problems.push({ ...at, message: pkg.error });
    else result.packages.push(pkg);
  }
  if (!marker) {
    result.problems.push({
      file,
      line: 1,
      message: "expected an @EXPLICIT line before the package URLs, found none",
    });
  }
  return result;
}

function condaPackage(
  line: string,
  location: { file: string; line: number },
  platform: string | undefined,
): Package | { error: string } {
  const match = EXPLICIT_LINE.exec(line);
  const parts = match ? condaArchive(match[2]) : {};
  if (!match || parts.name === undefined || parts.version === undefined) {
    const shown = redactUrl(line.length > 120 ? line.slice(0, 120) + "…" : line);
    return {
      error: "expected a conda package URL ending in <name>-<version>-<build>.conda or .tar.bz2, " +
        `with an optional #md5 or #sha256: hash, found '${shown}'`,
    };
  }
  const url = line.split("#")[0];
  const name = parts.name.toLowerCase();
  const subdir = condaArchive(url).subdir;
  const platforms = platform !== undefined
    ? [platform]
    : subdir && subdir !== "noarch"
    ? [subdir]
    : [];
  return {
    ecosystem: "conda",
    name,
    ...(name !== parts.name ? { displayName: parts.name } : {}),
    version: parts.version,
    specifier: `==${parts.version}`,
    extras: [],
    hashes: match[3] !== undefined
      ? [`md5:${match[3]}`]
      : match[4] !== undefined
      ? [`sha256:${match[4]}`]
      : [],
    source: channelSource(url, []),
    layer: "lock",
    direct: false,
    editable: false,
    groups: [],
    ...(platforms.length > 0 ? { platforms } : {}),
    locations: [location],
  };
}

/** A `# pip name @ url#sha256=…` line, read with pip's grammar and kept as a lock entry. */
function readPipLine(
  requirement: string,
  location: { file: string; line: number },
  result: CondaExplicitParse,
): void {
  const parsed = parseRequirements(requirement, { file: location.file, env: {} });
  for (const pkg of parsed.packages) {
    result.packages.push({ ...pkg, layer: "lock", direct: false, locations: [location] });
  }
  result.indexes.push(...parsed.indexes.map((index) => ({ ...index, location })));
  result.settings.push(...parsed.settings.map((setting) => ({ ...setting, location })));
  result.problems.push(...parsed.problems.map((found) => ({ ...found, line: location.line })));
}

/** Lock names of other formats, which this reader leaves to their own readers. */
const OTHER_LOCKS =
  /^(?:uv|poetry|pixi|Pipfile|pdm(?:\.[^/]+)?)\.lock$|(?:^|[-_.])requirements?(?:[-_.].*)?\.lock$/i;
/** Name parts conda explicit lists are written under. */
const CONDA_TOKEN =
  /(?:^|[-_.])(?:conda|environment|env|explicit|spec|linux-(?:64|32|aarch64|armv6l|armv7l|ppc64le|s390x)|osx-(?:64|arm64)|win-(?:64|32|arm64)|noarch)(?:[-_.]|$)/i;

/**
 * Whether a file may be a conda explicit lock: a `.lock` file whose name has a conda word or
 * platform in it (`conda-linux-64.lock`, `environment.py-3.12-linux-64.lock`), or a `.txt` one
 * (`spec-file.txt`, `explicit.txt`). The reader reads it only when its text has the `@EXPLICIT`
 * line.
 *
 * @example
 * ```ts
 * import { isCondaExplicitName } from "./conda_explicit.ts";
 * isCondaExplicitName("conda-osx-arm64.lock"); // true
 * isCondaExplicitName("Cargo.lock"); // false
 * ```
 */
export function isCondaExplicitName(file: string): boolean {
  const name = baseName(file);
  if (OTHER_LOCKS.test(name) || !CONDA_TOKEN.test(name)) return false;
  return /\.lock$/i.test(name) || (/\.txt$/i.test(name) && !/requirements?/i.test(name));
}

/**
 * Reads conda explicit lock files with {@linkcode parseCondaExplicit}. A file matched by name
 * whose text has no `@EXPLICIT` line is not one: it is left alone (`files: []`), and the
 * collector's coverage rule decides whether its name looks like a dependency file.
 *
 * @example
 * ```ts
 * import { condaExplicitReader } from "./conda_explicit.ts";
 * condaExplicitReader.matches("locks/conda-linux-64.lock"); // true
 * ```
 */
export const condaExplicitReader: FileReader = {
  // Only `# pip` lines carry options, and pip reads them.
  tool: () => "pip",
  format: "conda-explicit.lock",
  matches: isCondaExplicitName,
  read: async (file, context) => {
    const text = await readTextInRoot({ root: context.root, file, maxBytes: MAX_LOCK_BYTES });
    if (!isExplicitList(text)) return { files: [] };
    return { ...parseCondaExplicit(text, { file }), files: [file] };
  },
};
