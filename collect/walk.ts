/**
 * The project tree walk: which files exist, which directories are environments. Deterministic
 * (sorted), bounded, and confined to the root.
 *
 * @module
 */
import { stat } from "node:fs/promises";
import * as path from "node:path";
import type { Problem } from "../core/snapshot.ts";
import { describeFsError, type DirEntry, readDirectory } from "./node_fs.ts";

/**
 * Directories never descended into when looking for manifests, code and model files.
 * (`__pycache__` is searched: a pickle hidden there loads like any other.)
 *
 * @example
 * ```ts
 * import { SKIPPED_DIRECTORIES } from "./walk.ts";
 * SKIPPED_DIRECTORIES.has("node_modules"); // true
 * ```
 */
export const SKIPPED_DIRECTORIES: ReadonlySet<string> = new Set([
  ".git",
  ".hg",
  ".svn",
  "node_modules",
  "site-packages",
  "dist-packages",
  ".tox",
  ".nox",
  ".mypy_cache",
  ".pytest_cache",
  ".ruff_cache",
]);

/** What the walk found. */
export interface WalkResult {
  /** Regular files (and symlinks to files), relative, `/`-separated, sorted. */
  files: string[];
  /** Directories holding a `pyvenv.cfg` (not descended into, but for the root), sorted. */
  environments: string[];
  /** Directories that could not be listed, and limits reached. */
  problems: Problem[];
}

/**
 * Walk the project tree under `root`. Symlinked directories are never followed; symlinked files
 * are listed (readers refuse targets outside the root). Environments (`pyvenv.cfg` present) are
 * recorded and not descended into.
 *
 * @param options `root` (absolute), `maxFiles` (default 100,000), `maxDepth` (default 32).
 * @returns Files, environment directories and problems.
 * @example
 * ```ts ignore
 * import { walkProject } from "./walk.ts";
 * const { files } = await walkProject({ root: "/srv/project" });
 * ```
 */
export async function walkProject(
  options: { root: string; maxFiles?: number; maxDepth?: number },
): Promise<WalkResult> {
  const maxFiles = options.maxFiles ?? 100_000;
  const maxDepth = options.maxDepth ?? 32;
  const result: WalkResult = { files: [], environments: [], problems: [] };
  const queue: Array<{ dir: string; depth: number }> = [{ dir: ".", depth: 0 }];
  while (queue.length > 0) {
    const { dir, depth } = queue.shift()!;
    const absolute = path.join(options.root, dir);
    let entries: DirEntry[];
    try {
      entries = await readDirectory(absolute);
    } catch (error) {
      result.problems.push({
        file: dir,
        message: `${dir}: cannot list: ${describeFsError(error)}`,
      });
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (entries.some((e) => e.name === "pyvenv.cfg" && !e.isDirectory)) {
      result.environments.push(dir);
      // A project that is itself a virtualenv is still searched; a nested one is not.
      if (dir !== ".") continue;
    }
    for (const entry of entries) {
      const relative = dir === "." ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory) {
        if (SKIPPED_DIRECTORIES.has(entry.name)) continue;
        if (depth + 1 > maxDepth) {
          result.problems.push({
            file: relative,
            message: `${relative}: deeper than ${maxDepth} directories; not searched`,
          });
          continue;
        }
        queue.push({ dir: relative, depth: depth + 1 });
      } else if (entry.isFile || entry.isSymlink) {
        if (entry.isSymlink && await isSymlinkToDirectory(path.join(absolute, entry.name))) {
          continue;
        }
        if (result.files.length >= maxFiles) {
          result.problems.push({
            file: relative,
            message: `more than ${maxFiles} files in the project; the rest were not searched`,
          });
          return finish(result);
        }
        result.files.push(relative);
      }
    }
  }
  return finish(result);
}

async function isSymlinkToDirectory(absolute: string): Promise<boolean> {
  try {
    return (await stat(absolute)).isDirectory();
  } catch {
    return false; // dangling: listed, and the reader reports it if it matters
  }
}

function finish(result: WalkResult): WalkResult {
  const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  result.files.sort(order);
  result.environments.sort(order);
  return result;
}
