/**
 * A project as it was at a git revision, read from git's object store with `git` as a subprocess
 * and written into a directory of the caller's (a temporary one): the work tree, the index and
 * the repository's refs are never touched, no checkout is made, and no filter, hook or textconv
 * runs (`ls-tree` and `cat-file --batch` apply none).
 *
 * @module
 */
import { spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import process from "node:process";
import { Buffer } from "node:buffer";

/** Most files written from one revision. */
export const MAX_REVISION_FILES = 200_000;
/** Most bytes written from one revision (the sum of its blobs). */
export const MAX_REVISION_BYTES = 4 * 1024 ** 3;

/**
 * Why a revision could not be read: git is missing, the directory is not in a repository, the
 * revision does not exist, or the tree is over the limits.
 *
 * @example
 * ```ts
 * import { RevisionError } from "./git.ts";
 * new RevisionError("main~3", "not a commit in this repository").message;
 * // 'main~3: not a commit in this repository'
 * ```
 */
export class RevisionError extends Error {
  /** The revision as given. */
  readonly revision: string;
  /**
   * Name the revision and say what went wrong.
   *
   * @param revision The revision as given.
   * @param message What went wrong.
   */
  constructor(revision: string, message: string) {
    super(`${revision}: ${message}`);
    this.name = "RevisionError";
    this.revision = revision;
  }
}

/**
 * Options of {@linkcode readRevision}.
 *
 * @example
 * ```ts
 * import type { ReadRevisionOptions } from "./git.ts";
 * const options: ReadRevisionOptions = { project: ".", revision: "HEAD~1", into: "/tmp/base" };
 * ```
 */
export interface ReadRevisionOptions {
  /** The project's directory in a git work tree (the repository root or a folder inside it). */
  project: string;
  /** A revision git understands: a branch, tag, commit id, `HEAD~2`, `origin/main`. */
  revision: string;
  /** An empty directory to write the project's files into. */
  into: string;
  /** Most files (default {@linkcode MAX_REVISION_FILES}). */
  maxFiles?: number;
  /** Most bytes (default {@linkcode MAX_REVISION_BYTES}). */
  maxBytes?: number;
}

/**
 * What {@linkcode readRevision} wrote.
 *
 * @example
 * ```ts
 * import type { RevisionTree } from "./git.ts";
 * const tree: RevisionTree = { commit: "a".repeat(40), files: 3, bytes: 120, skipped: [] };
 * ```
 */
export interface RevisionTree {
  /** The full commit id the revision resolved to. */
  commit: string;
  /** Files written. */
  files: number;
  /** Bytes written. */
  bytes: number;
  /** Entries not written, and why (symbolic links, submodules, unsafe paths). */
  skipped: Array<{ path: string; reason: string }>;
}

/**
 * Write the project's files as they are at `revision` into `into`. Symbolic links and submodules
 * are not followed (listed in `skipped`); a path that would leave `into` or write into a `.git`
 * folder is skipped the same way.
 *
 * @param options Project directory, revision, target directory and limits.
 * @returns The commit and what was written.
 * @throws {RevisionError} when git fails, the revision is unknown or the tree is over a limit.
 * @example
 * ```ts ignore
 * import { mkdtemp } from "node:fs/promises";
 * import { readRevision } from "./git.ts";
 * const into = await mkdtemp("/tmp/tollgate-");
 * const tree = await readRevision({ project: ".", revision: "HEAD", into });
 * console.log(`${tree.files} files from ${tree.commit}`);
 * ```
 */
export async function readRevision(options: ReadRevisionOptions): Promise<RevisionTree> {
  const { project, revision, into } = options;
  const maxFiles = options.maxFiles ?? MAX_REVISION_FILES;
  const maxBytes = options.maxBytes ?? MAX_REVISION_BYTES;
  // deno-lint-ignore no-control-regex
  if (revision === "" || revision.startsWith("-") || /[\u0000-\u001f]/.test(revision)) {
    throw new RevisionError(revision, "not a revision name");
  }
  const git = (args: string[], input?: string) => runGit({ project, revision, args, input });
  const commit =
    (await git(["rev-parse", "--verify", "--quiet", "--end-of-options", `${revision}^{commit}`])
      .catch((error) => {
        throw error instanceof GitFailed
          ? new RevisionError(revision, "not a commit in this repository")
          : error;
      })).toString("utf8").trim();
  const prefix = (await git(["rev-parse", "--show-prefix"])).toString("utf8").trim();
  const listing = await git(["ls-tree", "-r", "-z", "--full-tree", "-l", `${commit}:${prefix}`])
    .catch((error) => {
      throw error instanceof GitFailed
        ? new RevisionError(revision, `the project folder ${prefix || "."} is not in it`)
        : error;
    });
  const tree: RevisionTree = { commit, files: 0, bytes: 0, skipped: [] };
  const blobs: Array<{ id: string; path: string; size: number }> = [];
  for (const entry of listing.toString("utf8").split("\0")) {
    if (entry === "") continue;
    const tab = entry.indexOf("\t");
    const [mode, type, id, size] = entry.slice(0, tab).split(/ +/);
    const file = entry.slice(tab + 1);
    if (type === "commit") {
      tree.skipped.push({ path: file, reason: "a submodule (not read)" });
    } else if (mode === "120000") {
      tree.skipped.push({ path: file, reason: "a symbolic link (not followed)" });
    } else if (type !== "blob") {
      tree.skipped.push({ path: file, reason: `a git ${type} entry` });
    } else if (!isSafePath(file)) {
      tree.skipped.push({ path: file, reason: "an unsafe path" });
    } else {
      blobs.push({ id, path: file, size: Number(size) });
    }
  }
  const total = blobs.reduce((sum, blob) => sum + blob.size, 0);
  if (blobs.length > maxFiles) {
    throw new RevisionError(revision, `${blobs.length} files, over the limit of ${maxFiles}`);
  }
  if (total > maxBytes) {
    throw new RevisionError(revision, `${total} bytes of files, over the limit of ${maxBytes}`);
  }
  await writeBlobs({ project, revision, into, blobs });
  tree.files = blobs.length;
  tree.bytes = total;
  return tree;
}

/** git ran and exited with an error (as opposed to not starting). */
class GitFailed extends RevisionError {}

/** A git path that stays inside the target and does not write into a `.git` folder. */
function isSafePath(file: string): boolean {
  if (file.startsWith("/") || file.includes("\\") || file.includes("\0")) return false;
  return file.split("/").every((segment) =>
    segment !== "" && segment !== "." && segment !== ".." && segment.toLowerCase() !== ".git"
  );
}

/** Environment for git: no prompts, no optional locks, no system or global configuration. */
function gitEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ["PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT"]) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return {
    ...env,
    GIT_TERMINAL_PROMPT: "0",
    GIT_OPTIONAL_LOCKS: "0",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
  };
}

/** Flags before every command: nothing the repository configures may run a program. */
const SAFE = ["-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null"];

function spawnGit(project: string, revision: string, args: string[]) {
  const child = spawn("git", [...SAFE, ...args], {
    cwd: project,
    env: gitEnvironment(),
    stdio: ["pipe", "pipe", "pipe"],
  });
  // git may exit before reading its input (rev-parse reads none): a write to its closed stdin is
  // EPIPE, which must not crash the process; git's exit status says whether it worked.
  child.stdin.on("error", () => {});
  const failed = new Promise<never>((_, reject) =>
    child.on("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "ENOENT"
          ? new RevisionError(revision, "git is not installed (it is needed to read revisions)")
          : error,
      ))
  );
  failed.catch(() => {});
  return { child, failed };
}

async function runGit(options: {
  project: string;
  revision: string;
  args: string[];
  input?: string;
}): Promise<Buffer> {
  const { child, failed } = spawnGit(options.project, options.revision, options.args);
  if (options.input === undefined) child.stdin.end();
  else child.stdin.end(options.input);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => err.length < 64 && err.push(chunk));
  const code = await Promise.race([
    failed,
    new Promise<number>((resolve) => child.on("close", (c: number | null) => resolve(c ?? 1))),
  ]);
  if (code !== 0) {
    const message = Buffer.concat(err).toString("utf8").trim().split("\n")[0];
    throw new GitFailed(options.revision, message || `git ${options.args[0]} failed`);
  }
  return Buffer.concat(out);
}

/** Stream the blobs through one `git cat-file --batch` and write each to its path. */
async function writeBlobs(options: {
  project: string;
  revision: string;
  into: string;
  blobs: Array<{ id: string; path: string; size: number }>;
}): Promise<void> {
  const { blobs, into, revision } = options;
  if (blobs.length === 0) return;
  const { child, failed } = spawnGit(options.project, revision, ["cat-file", "--batch"]);
  child.stdin.end(blobs.map((b) => b.id).join("\n") + "\n");
  child.stderr.resume();
  const closed = new Promise<number>((resolve) =>
    child.on("close", (c: number | null) => resolve(c ?? 1))
  );
  let chunks: Buffer[] = [];
  let available = 0;
  let needed = 1;
  let index = 0;
  const made = new Set<string>();
  const reading = (async () => {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      available += chunk.length;
      // A large blob arrives in many chunks: join them once it is whole, not at every chunk.
      if (available < needed) continue;
      let pending = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      needed = 1;
      while (index < blobs.length) {
        const blob = blobs[index];
        const newline = pending.indexOf(0x0a);
        if (newline < 0) {
          needed = pending.length + 1;
          break;
        }
        const header = pending.subarray(0, newline).toString("utf8");
        if (header !== `${blob.id} blob ${blob.size}`) {
          throw new RevisionError(revision, `git cat-file answered "${header}" for ${blob.path}`);
        }
        const end = newline + 1 + blob.size;
        if (pending.length < end + 1) {
          needed = end + 1;
          break;
        }
        const target = path.join(into, ...blob.path.split("/"));
        const dir = path.dirname(target);
        if (!made.has(dir)) {
          await mkdir(dir, { recursive: true });
          made.add(dir);
        }
        await writeFile(target, pending.subarray(newline + 1, end));
        pending = pending.subarray(end + 1);
        index += 1;
      }
      chunks = pending.length > 0 ? [pending] : [];
      available = pending.length;
    }
  })();
  await Promise.race([failed, reading]);
  const code = await closed;
  if (code !== 0 || index < blobs.length) {
    throw new RevisionError(
      revision,
      `git cat-file stopped after ${index} of ${blobs.length} files`,
    );
  }
}
