/**
 * The walk of a signed model directory: every entry below it, classified without opening
 * anything, bounded in depth and count. Directory symlinks are never followed, and the `.git`
 * directory at the top of the model is not descended into (`model_signing` leaves it out of
 * signatures by default). A `.git` directory deeper down is walked like any other: whether its
 * files are signed or ignored is the verifier's to decide, and a file hidden there must show.
 *
 * @module
 */
import * as path from "node:path";
import { describeFsError, type DirEntry, listDirectory } from "../node_fs.ts";

/** One entry found under a model directory. */
export interface ModelEntry {
  /** POSIX path relative to the model directory. */
  path: string;
  /** `file`: regular file; `symlink`: a symbolic link (to anything); `other`: FIFO, device, socket. */
  kind: "file" | "symlink" | "other";
  /** Absolute path (below the resolved model directory). */
  absolute: string;
}

/** What the walk found. */
export interface ModelWalk {
  /** Entries sorted by path (code-unit order). */
  entries: ModelEntry[];
  /** True when a limit stopped the walk or a directory could not be listed. */
  truncated: boolean;
  /** Why the walk is incomplete, for people. */
  issues: string[];
}

/** Limits of one model walk. */
export interface ModelWalkLimits {
  /** Entries (files, links, directories…) looked at, at most. Default 100,000. */
  maxEntries?: number;
  /** Directory nesting below the model directory, at most. Default 64. */
  maxDepth?: number;
}

/**
 * Walk the model directory `directory` (absolute, already resolved and confined by the caller).
 * Directories are listed, never opened as files; nothing is read.
 *
 * @param options `directory` and the {@linkcode ModelWalkLimits}.
 * @returns Entries, whether the walk is complete, and why not.
 * @example
 * ```ts ignore
 * import { walkModelDirectory } from "./_walk.ts";
 * const { entries, truncated } = await walkModelDirectory({ directory: "/srv/app/models/bert" });
 * ```
 */
export async function walkModelDirectory(
  options: { directory: string } & ModelWalkLimits,
): Promise<ModelWalk> {
  const maxEntries = options.maxEntries ?? 100_000;
  const maxDepth = options.maxDepth ?? 64;
  const walk: ModelWalk = { entries: [], truncated: false, issues: [] };
  // Breadth first, in name order: where the depth limit stops the walk does not depend on the file
  // system.
  const queue: Array<{ relative: string; depth: number }> = [{ relative: "", depth: 0 }];
  let seen = 0;
  for (let next = 0; next < queue.length; next++) {
    const { relative, depth } = queue[next];
    const shown = relative === "" ? "the model directory" : relative;
    const listed: DirEntry[] = [];
    let overflow = false;
    try {
      // Read no further than the limit: a directory of millions of entries is never held whole.
      // Which entries a truncated walk keeps then depends on the listing order.
      for await (const entry of listDirectory(path.join(options.directory, relative))) {
        if (seen + listed.length >= maxEntries) {
          overflow = true;
          break;
        }
        listed.push(entry);
      }
    } catch (error) {
      walk.truncated = true;
      walk.issues.push(`${shown}: cannot list: ${describeFsError(error)}`);
      continue;
    }
    seen += listed.length;
    listed.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of listed) {
      const child = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory) {
        if (relative === "" && entry.name === ".git") continue;
        if (depth + 1 > maxDepth) {
          walk.truncated = true;
          walk.issues.push(`${child}: deeper than ${maxDepth} directories; not recorded`);
          continue;
        }
        queue.push({ relative: child, depth: depth + 1 });
        continue;
      }
      const kind = entry.isSymlink ? "symlink" : entry.isFile ? "file" : "other";
      walk.entries.push({ path: child, kind, absolute: path.join(options.directory, child) });
    }
    if (overflow) {
      walk.truncated = true;
      walk.issues.push(
        `more than ${maxEntries} entries under the model path; the rest were not recorded`,
      );
      return finish(walk);
    }
  }
  return finish(walk);
}

function finish(walk: ModelWalk): ModelWalk {
  walk.entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return walk;
}
