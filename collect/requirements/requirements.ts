/**
 * pip requirements files (`requirements.txt`, `-r`/`-c` includes, `constraints.txt`): every
 * package with its file and line, the indexes and find-links they configure, and the installer
 * settings that bear on supply-chain safety. Follows pip's own grammar; nothing named in a file
 * is ever fetched or executed.
 *
 * @module
 */
import type { FileReader } from "../_reader.ts";
import * as path from "node:path";
import type { Index, InstallerSetting, Location, Package, Problem } from "../../core/snapshot.ts";
import { normaliseRelative, readBytesInRoot, ReadError } from "../fs.ts";
import { decodeRequirementsBytes } from "./_decode.ts";
import { logicalLines, shellWords, splitArgsAndOptions } from "./_lines.ts";
import { type ParsedOption, parseOptions } from "./_options.ts";
import { hasVariable, unexpandedMessage, unexpandedVariables } from "./_variables.ts";
import { hashOptions, reportUnresolved, toPackage, withoutVariableHashes } from "./_package.ts";
import { describeEditable, describeRequirement } from "../_requirement_target.ts";
import { isUrl, redactUrl, redactUrlsIn } from "../../packaging/mod.ts";

/**
 * One `-r` or `-c` reference to another requirements file.
 *
 * @example
 * ```ts
 * import type { RequirementsInclude } from "./requirements.ts";
 * const include: RequirementsInclude = {
 *   kind: "constraint",
 *   path: "constraints.txt",
 *   location: { file: "requirements.txt", line: 2 },
 * };
 * ```
 */
export interface RequirementsInclude {
  kind: "requirement" | "constraint";
  /** The path as written (after `${VAR}` expansion). */
  path: string;
  location: Location;
}

/**
 * Everything read from one requirements file (or a file and its includes).
 *
 * @example
 * ```ts
 * import { parseRequirements, type RequirementsParse } from "./requirements.ts";
 * const parsed: RequirementsParse = parseRequirements("six==1.16.0\n", { file: "r.txt" });
 * ```
 */
export interface RequirementsParse {
  packages: Package[];
  indexes: Index[];
  settings: InstallerSetting[];
  includes: RequirementsInclude[];
  problems: Problem[];
}

/**
 * Options for {@linkcode parseRequirements}.
 *
 * @example
 * ```ts
 * import type { ParseRequirementsOptions } from "./requirements.ts";
 * const options: ParseRequirementsOptions = { file: "constraints.txt", constraint: true };
 * ```
 */
export interface ParseRequirementsOptions {
  /** The file's path relative to the project root, used in locations and problems. */
  file: string;
  /**
   * Variables for `${NAME}` references; none are expanded when absent or empty (`--expand-env`
   * passes the environment). A reference left unexpanded where it matters is one problem per
   * line, which says `--expand-env` would expand it (no variables given) or that it is unset.
   */
  env?: Record<string, string | undefined>;
  /** True for a constraints file: its packages are returned with layer `constraint`. */
  constraint?: boolean;
}

/** Options pip honours on a requirement line; all others there are ignored by pip. */
const PER_REQUIREMENT = new Set(["hash", "global-option", "config-settings"]);
/** Flags recorded as installer settings, with their value when they take one. */
const SETTINGS = new Set([
  "no-index",
  "trusted-host",
  "require-hashes",
  "pre",
  "no-binary",
  "only-binary",
  "prefer-binary",
  "use-feature",
]);

/**
 * Parse the text of one requirements file without following includes or touching the disk.
 *
 * @param text The file's text.
 * @param options `file` (root-relative path), `env` for `${VAR}`, `constraint` for `-c` files.
 * @returns Packages, indexes, settings, includes and problems, each with file and line.
 * @example
 * ```ts
 * import { parseRequirements } from "./requirements.ts";
 * const result = parseRequirements("--extra-index-url https://download.pytorch.org/whl/cpu\ntorch==2.3.1\n", {
 *   file: "requirements.txt",
 * });
 * result.packages[0].version; // "2.3.1"
 * result.indexes[0].role; // "extra"
 * ```
 */
export function parseRequirements(
  text: string,
  options: ParseRequirementsOptions,
): RequirementsParse {
  const layer = options.constraint ? "constraint" : "requirements";
  const { file } = options;
  const result: RequirementsParse = {
    packages: [],
    indexes: [],
    settings: [],
    includes: [],
    problems: [],
  };
  const env = options.env ?? {};
  const expanding = Object.keys(env).length > 0;
  for (const logical of logicalLines(text, env)) {
    const location: Location = { file, line: logical.line };
    const problem = (message: string) =>
      result.problems.push({ file, line: logical.line, message });
    const variables = unexpandedVariables(logical.text);
    const unexpanded = (consequence: string) =>
      problem(unexpandedMessage(variables, expanding, consequence));
    const { args, options: optionText } = splitArgsAndOptions(logical.text);
    const words = shellWords(optionText);
    if (words.error) {
      problem(words.error);
      continue;
    }
    const parsed = parseOptions(words.words);
    parsed.errors.forEach(problem);
    if (parsed.leftovers.length > 0) {
      problem(
        `expected an option, found '${redactUrlsIn(parsed.leftovers.join(" "))}' (pip ignores it)`,
      );
    }
    const named = (name: string) => parsed.options.filter((option) => option.name === name);

    if (args !== "") {
      for (const ignored of parsed.options.filter((option) => !PER_REQUIREMENT.has(option.name))) {
        problem(`pip ignores ${ignored.written} on a requirement line`);
      }
      const target = describeRequirement(args, { variables: variables.length > 0 });
      if ("error" in target || hasVariable(target.name)) {
        if (variables.length === 0) problem((target as { error: string }).error);
        else {
          const why = "error" in target ? target.error : "its project name is a variable";
          unexpanded(`the requirement cannot be read (${why})`);
        }
        continue;
      }
      const hashes = [...target.hashes, ...hashOptions(named("hash"), problem)];
      const pkg = toPackage(target, { hashes, editable: false, location, layer });
      result.packages.push(withoutVariableHashes(pkg));
      if (variables.length > 0) reportUnresolved(pkg, unexpanded);
      continue;
    }
    const editables = named("editable");
    if (editables.length > 0) {
      if (parsed.options.length > 1) problem("pip ignores other options on an -e line");
      const target = describeEditable(editables[0].value!, { variables: variables.length > 0 });
      if ("error" in target || hasVariable(target.name)) {
        if (variables.length === 0) problem((target as { error: string }).error);
        else {
          const why = "error" in target ? target.error : "its project name is a variable";
          unexpanded(`the requirement cannot be read (${why})`);
        }
      } else {
        const pkg = toPackage(target, { hashes: target.hashes, editable: true, location, layer });
        result.packages.push(pkg);
        if (variables.length > 0) reportUnresolved(pkg, unexpanded);
      }
      continue;
    }
    const include = named("requirement")[0] ?? named("constraint")[0];
    if (include !== undefined) {
      if (parsed.options.length > 1) problem("pip ignores other options on an -r or -c line");
      const kind = include.name === "requirement" ? "requirement" : "constraint";
      if (hasVariable(include.value!)) unexpanded("the included file is not read");
      else result.includes.push({ kind, path: include.value!, location });
      continue;
    }
    applyOptionLine(parsed.options, location, result, problem);
    const unresolved = parsed.options.filter((option) =>
      option.value !== undefined && unexpandedVariables(option.value).length > 0
    ).map((option) => option.written);
    if (unresolved.length > 0) {
      unexpanded(`the value of ${[...new Set(unresolved)].join(" and ")} is unresolved`);
    }
  }
  return result;
}

function applyOptionLine(
  options: ParsedOption[],
  location: Location,
  result: RequirementsParse,
  problem: (message: string) => void,
): void {
  let findLinks = 0;
  for (const option of options) {
    const value = option.value;
    switch (option.name) {
      case "index-url":
        result.indexes.push({ url: redactUrl(value!), role: "primary", location });
        break;
      case "extra-index-url":
        result.indexes.push({ url: redactUrl(value!), role: "extra", location });
        break;
      case "find-links":
        // pip uses the first --find-links of a line and drops the rest.
        if (findLinks++ === 0) {
          result.indexes.push({ url: redactUrl(value!), role: "find-links", location });
        } else problem(`pip ignores a second ${option.written} on the same line`);
        break;
      case "hash":
        problem(`pip ignores ${option.written} on a line without a requirement`);
        break;
      default:
        if (SETTINGS.has(option.name)) {
          result.settings.push(
            value === undefined
              ? { name: option.name, location }
              : { name: option.name, value: redactUrl(value), location },
          );
        }
    }
  }
}

/**
 * Options for {@linkcode readRequirementsFile}.
 *
 * @example
 * ```ts
 * import type { ReadRequirementsOptions } from "./requirements.ts";
 * const options: ReadRequirementsOptions = { root: "/srv/app", file: "requirements.txt" };
 * ```
 */
export interface ReadRequirementsOptions {
  /** Absolute path of the project root; nothing outside it is read. */
  root: string;
  /** The requirements file, relative to the root. */
  file: string;
  /** Variables for `${NAME}` references; none are expanded when absent. */
  env?: Record<string, string | undefined>;
  /** How deep `-r`/`-c` includes may nest (default 16). */
  maxIncludeDepth?: number;
  /** How many files may be read in all (default 256). */
  maxFiles?: number;
}

/**
 * Read a requirements file and, recursively, the files it includes with `-r` and `-c`, merging
 * everything found. Includes are resolved relative to the including file; URL includes, includes
 * leaving the root, cycles and missing files become problems.
 *
 * @param options `root`, `file`, `env`, `maxIncludeDepth` (16) and `maxFiles` (256).
 * @returns The merged parse and the root-relative paths of the files read.
 * @example
 * ```ts ignore
 * import { readRequirementsFile } from "./requirements.ts";
 * const { packages, files } = await readRequirementsFile({ root: "/srv/app", file: "requirements.txt" });
 * ```
 */
export async function readRequirementsFile(
  options: ReadRequirementsOptions,
): Promise<RequirementsParse & { files: string[] }> {
  const maxDepth = options.maxIncludeDepth ?? 16;
  const maxFiles = options.maxFiles ?? 256;
  const merged: RequirementsParse & { files: string[] } = {
    packages: [],
    indexes: [],
    settings: [],
    includes: [],
    problems: [],
    files: [],
  };
  const seen = new Set<string>();

  const visit = async (
    file: string,
    constraint: boolean,
    stack: string[],
    from?: Location,
  ): Promise<void> => {
    const problemAt = (message: string) =>
      merged.problems.push(
        from ? { file: from.file, line: from.line, message } : { file, message },
      );
    if (stack.includes(file)) {
      problemAt(`include cycle: ${[...stack, file].join(" -> ")}`);
      return;
    }
    if (stack.length > maxDepth) {
      problemAt(`includes nest deeper than ${maxDepth} files at ${file}; not read`);
      return;
    }
    const key = `${constraint ? "c" : "r"}:${file}`;
    if (seen.has(key)) return;
    if (merged.files.length >= maxFiles && !merged.files.includes(file)) {
      problemAt(`more than ${maxFiles} requirements files are included; ${file} not read`);
      return;
    }
    seen.add(key);
    let bytes: Uint8Array;
    try {
      bytes = await readBytesInRoot({ root: options.root, file });
    } catch (error) {
      if (!(error instanceof ReadError)) throw error;
      problemAt(from ? `cannot read included file ${error.message}` : error.message);
      return;
    }
    // pip decodes by byte-order mark, then a PEP 263 comment, then UTF-8 (UTF-16 from PowerShell).
    const decoded = decodeRequirementsBytes(bytes);
    if (!("text" in decoded)) {
      merged.problems.push({ file, line: decoded.line, message: `${file}: ${decoded.message}` });
      return;
    }
    if (!merged.files.includes(file)) merged.files.push(file);
    const parsed = parseRequirements(decoded.text, { file, env: options.env, constraint });
    // Merge in pip's order: an included file's entries come where its -r or -c line stands.
    const flush = (line: number) => {
      takeThrough(parsed.packages, (item) => item.locations[0].line, line, merged.packages);
      takeThrough(parsed.indexes, (item) => item.location.line, line, merged.indexes);
      takeThrough(parsed.settings, (item) => item.location.line, line, merged.settings);
      takeThrough(parsed.problems, (item) => item.line, line, merged.problems);
    };
    for (const include of parsed.includes) {
      flush(include.location.line!);
      merged.includes.push(include);
      const target = resolveInclude(file, include.path);
      if ("problem" in target) {
        merged.problems.push({ file, line: include.location.line, message: target.problem });
        continue;
      }
      await visit(target.file, include.kind === "constraint", [...stack, file], include.location);
    }
    flush(Infinity);
  };

  const start = normaliseRelative(options.file);
  if (start === undefined) {
    merged.problems.push({
      file: options.file,
      message: `${options.file}: refers outside the project root`,
    });
    return merged;
  }
  await visit(start, false, []);
  return merged;
}

/** Move items from the front of `from` whose line is at most `line` to the end of `into`. */
function takeThrough<T>(
  from: T[],
  lineOf: (item: T) => number | undefined,
  line: number,
  into: T[],
): void {
  let count = 0;
  while (count < from.length && (lineOf(from[count]) ?? 0) <= line) count++;
  into.push(...from.splice(0, count));
}

/** Where an include points, relative to the root, or why it is not followed. */
function resolveInclude(from: string, written: string): { file: string } | { problem: string } {
  if (isUrl(written) || /^(?:https?|file):/i.test(written)) {
    return { problem: `include ${redactUrl(written)} is a URL; Tollgate does not fetch it` };
  }
  if (path.posix.isAbsolute(written.replaceAll("\\", "/")) || /^[A-Za-z]:[\\/]/.test(written)) {
    return {
      problem: `include ${written} is an absolute path; only files in the project are read`,
    };
  }
  const file = normaliseRelative(
    path.posix.join(path.posix.dirname(from), written.replaceAll("\\", "/")),
  );
  if (file === undefined) {
    return { problem: `include ${written} leaves the project root; not read` };
  }
  return { file };
}

/** `.lock`: Rye writes its locks (`requirements.lock`, `requirements-dev.lock`) in pip's format. */
const REQUIREMENTS_NAME = /^(?:.*[-_.])?requirements?(?:[-_.].*)?\.(?:txt|in|lock)$/i;

/**
 * Whether a path names a pip requirements file by convention: `requirements.txt`,
 * `requirements-dev.txt`, `dev-requirements.in`, Rye's `requirements.lock` and
 * `requirements-dev.lock`, or any `.txt`/`.in` under a `requirements/` directory.
 *
 * @example
 * ```ts
 * import { isRequirementsFile } from "./requirements.ts";
 * isRequirementsFile("requirements/base.txt"); // true
 * isRequirementsFile("requirements-dev.lock"); // true
 * isRequirementsFile("docs/notes.txt"); // false
 * ```
 */
export function isRequirementsFile(file: string): boolean {
  const segments = file.split("/");
  const name = segments[segments.length - 1];
  return REQUIREMENTS_NAME.test(name) ||
    (segments.slice(0, -1).includes("requirements") && /\.(?:txt|in)$/i.test(name));
}

/**
 * The reader of pip requirements files (and pip-compile `.in` inputs, recorded as manifests).
 *
 * @example
 * ```ts
 * import { requirementsReader } from "./requirements.ts";
 * requirementsReader.matches("requirements-dev.txt"); // true
 * ```
 */
export const requirementsReader: FileReader = {
  format: "requirements",
  matches: isRequirementsFile,
  tool: () => "pip",
  read: async (file, context) => {
    const parsed = await readRequirementsFile({ root: context.root, file, env: context.env });
    // A .in file is the abstract input of pip-compile, not what gets installed.
    const packages = parsed.packages.map((p) =>
      p.locations[0].file.endsWith(".in") ? { ...p, layer: "manifest" as const } : p
    );
    return { ...parsed, packages };
  },
};
