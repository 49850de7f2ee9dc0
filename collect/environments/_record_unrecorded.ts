/**
 * Files a RECORD does not list: `.py` files and executables dropped into an installed
 * distribution's package directories after installation. Reads directory listings and modes only,
 * never file contents.
 *
 * @module
 */
import { lstat } from "node:fs/promises";
import * as path from "node:path";
import type { Problem } from "../../core/snapshot.ts";
import type { Distribution } from "../../core/snapshot_environments.ts";
import { type DirEntry, hasErrorCode, readDirectory } from "../node_fs.ts";
import { recordTopLevelDirectories } from "./record.ts";
import type { RecordEntry } from "./record.ts";

/**
 * Find `.py` files and executables inside the distributions' top-level package directories that
 * no RECORD in the same site-packages lists (so namespace packages shared by several
 * distributions are not flagged). Symlinked directories are not followed; `__pycache__` is
 * skipped. Each file is attributed to the distribution owning its deepest listed directory.
 *
 * @param options `envReal` (resolved environment root), `sitePackages` (relative to it),
 *   `distributions` (entries and top-level directories), `show` (display a path), `problems`,
 *   `maxFiles` (default 200,000).
 * @returns Unrecorded files: the owning distribution's index and the path relative to
 *   site-packages.
 * @example
 * ```ts ignore
 * import { findUnrecordedFiles } from "./_record_unrecorded.ts";
 * const found = await findUnrecordedFiles({
 *   envReal: "/srv/app/.venv", sitePackages: "lib/python3.11/site-packages",
 *   distributions: [{ entries: [], topLevel: ["demo"] }], show: (p) => p, problems: [],
 * });
 * ```
 */
export async function findUnrecordedFiles(options: {
  envReal: string;
  sitePackages: string;
  distributions: ReadonlyArray<{ entries: readonly RecordEntry[]; topLevel: readonly string[] }>;
  show: (relative: string) => string;
  problems: Problem[];
  maxFiles?: number;
}): Promise<Array<{ owner: number; path: string }>> {
  const maxFiles = options.maxFiles ?? 200_000;
  const recorded = new Set<string>();
  const ownerOfDirectory = new Map<string, number>();
  for (const [index, { entries }] of options.distributions.entries()) {
    for (const entry of entries) {
      const file = path.posix.normalize(entry.path.replaceAll("\\", "/"));
      if (file.startsWith("../") || file.startsWith("/")) continue;
      recorded.add(file);
      for (let dir = path.posix.dirname(file); dir !== "."; dir = path.posix.dirname(dir)) {
        if (!ownerOfDirectory.has(dir)) ownerOfDirectory.set(dir, index);
      }
    }
  }
  const found: Array<{ owner: number; path: string }> = [];
  const base = path.join(options.envReal, options.sitePackages);
  const queue = [...new Set(options.distributions.flatMap((d) => d.topLevel))].sort();
  let seen = 0;
  while (queue.length > 0) {
    const dir = queue.shift()!;
    let names: DirEntry[];
    try {
      names = await readDirectory(path.join(base, dir));
    } catch (error) {
      if (!hasErrorCode(error, "ENOENT", "ENOTDIR")) {
        const shown = options.show(`${options.sitePackages}/${dir}`);
        options.problems.push({ file: shown, message: `${shown}: cannot list: ${error}` });
      }
      continue;
    }
    for (const entry of names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const relative = `${dir}/${entry.name}`;
      if (entry.isDirectory) {
        if (entry.name !== "__pycache__") queue.push(relative);
        continue;
      }
      if (++seen > maxFiles) {
        const shown = options.show(options.sitePackages);
        options.problems.push({
          file: shown,
          message: `${shown}: more than ${maxFiles} package files; the rest were not checked`,
        });
        return found;
      }
      if (recorded.has(relative)) continue;
      let suspicious = entry.name.endsWith(".py");
      if (!suspicious && entry.isFile) {
        const mode = (await lstat(path.join(base, relative)).catch(() => undefined))?.mode;
        suspicious = mode != null && (mode & 0o111) !== 0;
      }
      if (!suspicious) continue;
      let owner: number | undefined;
      for (let d = dir; owner === undefined && d !== "."; d = path.posix.dirname(d)) {
        owner = ownerOfDirectory.get(d);
      }
      if (owner !== undefined) found.push({ owner, path: relative });
    }
  }
  return found;
}

/**
 * Add an `unrecorded` discrepancy to each distribution (with a verified RECORD) for every file
 * {@linkcode findUnrecordedFiles} finds in its package directories, per site-packages.
 *
 * @param options `envReal` (resolved environment root), `show` (display a path relative to it),
 *   `distributions` (each with its site-packages, `.dist-info` name and RECORD entries),
 *   `problems`.
 * @returns When every site-packages has been looked at.
 * @example
 * ```ts ignore
 * import { reportUnrecordedFiles } from "./_record_unrecorded.ts";
 * await reportUnrecordedFiles({
 *   envReal: "/srv/app/.venv", show: (p) => `.venv/${p}`, distributions: [], problems: [],
 * });
 * ```
 */
export async function reportUnrecordedFiles(options: {
  envReal: string;
  show: (relative: string) => string;
  distributions: ReadonlyArray<{
    distribution: Distribution;
    sitePackages: string;
    distInfo: string;
    entries: readonly RecordEntry[];
  }>;
  problems: Problem[];
}): Promise<void> {
  // Map.groupBy, which Node 20 lacks.
  const bySitePackages = new Map<string, Array<(typeof options.distributions)[number]>>();
  for (const d of options.distributions) {
    const group = bySitePackages.get(d.sitePackages);
    if (group) group.push(d);
    else bySitePackages.set(d.sitePackages, [d]);
  }
  for (const [sitePackages, group] of bySitePackages) {
    const withRecord = group.filter((d) => d.distribution.record);
    const found = await findUnrecordedFiles({
      envReal: options.envReal,
      sitePackages,
      distributions: withRecord.map((d) => ({
        entries: d.entries,
        topLevel: recordTopLevelDirectories(d.entries, d.distInfo),
      })),
      problems: options.problems,
      show: options.show,
    });
    for (const { owner, path: file } of found) {
      withRecord[owner].distribution.record!.discrepancies.push({ path: file, kind: "unrecorded" });
    }
  }
}
