/**
 * Finds the project's Python environments (virtualenvs from `pyvenv.cfg`, `$VIRTUAL_ENV`, conda
 * environments) and reads what is installed in them: every `*.dist-info` (PEP 376/627/610), the
 * `.pth` startup files, and — when asked — verifies each RECORD by hashing the installed files.
 * Reads stay inside each environment; the only looks outside are whether the base interpreter
 * carries a PEP 668 `EXTERNALLY-MANAGED` marker and, with machine configuration, which packages
 * someone pip-installed into a system interpreter or the user's site-packages.
 *
 * @module
 */
import { realpath, stat } from "node:fs/promises";
import * as path from "node:path";
import type { Problem } from "../../core/snapshot.ts";
import type { Distribution, Environment } from "../../core/snapshot_environments.ts";
import { describeFsError, type DirEntry, readDirectory } from "../node_fs.ts";
import { hashFiles, HashPool } from "../_hash_pool.ts";
import { readConfinedText as readConfined } from "../_hash.ts";
import { isExternallyManaged, parsePyvenvCfg, readDistInfo, readStartupFiles } from "./venv.ts";
import { compareWithRecord, parseRecord, planRecordChecks } from "./record.ts";
import type { RecordCheck, RecordEntry } from "./record.ts";
import { reportUnrecordedFiles } from "./_record_unrecorded.ts";
import {
  discoverEnvironments,
  type Place,
  readSystemEnvironments,
  redactHome,
  systemSitePackagesCandidates,
} from "./_discover.ts";

/** Options for {@linkcode collectEnvironments}. */
export interface CollectEnvironmentsOptions {
  /** Project root (absolute). */
  root: string;
  /** Directories holding a `pyvenv.cfg`, relative to the root (the walk's `environments`). */
  envDirs: string[];
  /** Conda environments (directories with `conda-meta/`) relative to the root; default: searched. */
  condaDirs?: string[];
  /**
   * Process environment, for `$VIRTUAL_ENV` and `$CONDA_PREFIX`. Not empty means machine
   * configuration is read, and with it the system and user site-packages.
   */
  env: Record<string, string | undefined>;
  /**
   * System and user site-packages to look at for packages someone pip- or uv-installed there
   * (only when `env` is not empty); default: the usual places (see
   * `systemSitePackagesCandidates`).
   */
  systemSitePackages?: string[];
  /** The user's home directory, written as `~` in paths outside the project. */
  home?: string;
  /** Hash every file a RECORD lists and compare. */
  verifyRecords: boolean;
  /** Hashing workers (default two; 0 hashes on the calling thread). */
  hashWorkers?: number;
  /** Called as files are hashed. */
  onProgress?: (done: number, total: number) => void;
}

/** Distributions read per environment at most. */
const MAX_DISTRIBUTIONS = 20_000;

interface DistState {
  distribution: Distribution;
  sitePackages: string;
  distInfo: string;
  entries: RecordEntry[];
  checks: RecordCheck[];
}

/**
 * Find and read the project's Python environments.
 *
 * @param options See {@linkcode CollectEnvironmentsOptions}.
 * @returns Environments (sorted by path), problems, and the files read as inputs.
 * @example
 * ```ts ignore
 * import process from "node:process";
 * import { collectEnvironments } from "./environments.ts";
 * const { environments } = await collectEnvironments({
 *   root: "/srv/app", envDirs: [".venv"], env: process.env, verifyRecords: true,
 * });
 * ```
 */
export async function collectEnvironments(options: CollectEnvironmentsOptions): Promise<{
  environments: Environment[];
  problems: Problem[];
  inputs: Array<{ file: string; format: string }>;
}> {
  const problems: Problem[] = [];
  const inputs: Array<{ file: string; format: string }> = [];
  const home = options.home ?? options.env.HOME ?? options.env.USERPROFILE;
  const rootReal = await realpath(options.root);
  const places = await discoverEnvironments({
    rootReal,
    envDirs: options.envDirs,
    condaDirs: options.condaDirs,
    env: options.env,
    home,
    problems,
  });
  const states: Array<{ place: Place; environment: Environment; dists: DistState[] }> = [];
  for (const place of places) {
    const state = await readEnvironment(place, {
      home,
      verify: options.verifyRecords,
      problems,
      inputs,
    });
    states.push({ place, ...state });
  }
  if (options.verifyRecords) {
    const jobs = states.flatMap(({ place, dists }) =>
      dists.flatMap((dist) => dist.checks.map((check) => ({ place, dist, check })))
    );
    if (jobs.length > 0) {
      using pool = new HashPool({ size: options.hashWorkers });
      await hashFiles(pool, jobs, {
        toRequest: ({ place, check }) => ({
          file: path.join(place.real, check.file),
          confineTo: place.real,
          algorithm: check.algorithm,
        }),
        onResult: ({ dist, check }, outcome) => {
          const record = dist.distribution.record!;
          const discrepancy = compareWithRecord(check, outcome);
          if (discrepancy) record.discrepancies.push(discrepancy);
          else record.verifiedFiles++;
        },
        onProgress: options.onProgress,
      });
    }
    for (const { place, dists } of states) {
      await reportUnrecordedFiles({
        envReal: place.real,
        show: (relative) => place.display === "." ? relative : `${place.display}/${relative}`,
        distributions: dists,
        problems,
      });
    }
  }
  for (const { environment, dists } of states) {
    for (const { distribution } of dists) {
      distribution.record?.discrepancies.sort((a, b) =>
        (a.line ?? Infinity) - (b.line ?? Infinity) ||
        (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)
      );
      environment.distributions.push(distribution);
    }
  }
  const environments = states.map((s) => s.environment);
  if (Object.values(options.env).some((value) => value !== undefined)) {
    const system = await readSystemEnvironments({
      directories: options.systemSitePackages ?? await systemSitePackagesCandidates(home),
      rootReal,
      home,
      problems,
    });
    for (const environment of system) {
      inputs.push({ file: environment.path, format: "site-packages" });
      environments.push(environment);
    }
  }
  environments.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { environments, problems, inputs };
}

async function readEnvironment(
  place: Place,
  context: {
    home: string | undefined;
    verify: boolean;
    problems: Problem[];
    inputs: Array<{ file: string; format: string }>;
  },
): Promise<{ environment: Environment; dists: DistState[] }> {
  const { problems, inputs } = context;
  const show = (relative: string) =>
    place.display === "." ? relative : `${place.display}/${relative}`;
  let environment: Environment;
  let rawHome: string | undefined;
  if (place.kind === "venv") {
    const file = show("pyvenv.cfg");
    const read = await readConfined(place.real, "pyvenv.cfg", 64 * 1024);
    if ("error" in read) {
      problems.push({ file: place.via ?? file, message: `${file}: ${read.error}` });
      environment = {
        path: place.display,
        kind: "venv",
        includeSystemSitePackages: false,
        distributions: [],
        location: { file: place.via ?? file },
      };
    } else {
      const parsed = parsePyvenvCfg(read.text, { file, envPath: place.display });
      problems.push(...parsed.problems);
      environment = { ...parsed.environment, creator: parsed.creator };
      inputs.push({ file, format: "pyvenv.cfg" });
      rawHome = environment.home;
      if (rawHome) environment.home = redactHome(rawHome, context.home);
    }
  } else {
    const versions = await condaPythonVersions(place.real);
    environment = {
      path: place.display,
      kind: "conda",
      creator: "conda",
      includeSystemSitePackages: false,
      ...(versions.length > 0 ? { pythonVersion: versions[0] } : {}),
      distributions: [],
      location: { file: show("conda-meta/history") },
    };
    inputs.push({ file: show("conda-meta"), format: "conda-meta" });
  }
  if (rawHome && environment.pythonVersion) {
    const managed = await isExternallyManaged(rawHome, environment.pythonVersion);
    if (managed !== undefined) environment.externallyManaged = managed;
  }
  const sitePackages = await findSitePackages(place.real);
  environment.sitePackages = sitePackages.map(show);
  environment.startupFiles = [];
  const dists: DistState[] = [];
  for (const sp of sitePackages) {
    inputs.push({ file: show(sp), format: "site-packages" });
    let names: DirEntry[];
    try {
      names = await readDirectory(path.join(place.real, sp));
    } catch (error) {
      problems.push({
        file: show(sp),
        message: `${show(sp)}: cannot list: ${describeFsError(error)}`,
      });
      continue;
    }
    names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const before = dists.length;
    for (const entry of names) {
      const isMeta = /\.(dist-info|egg-info)$/.test(entry.name);
      if (!isMeta) continue;
      if (dists.length >= MAX_DISTRIBUTIONS) {
        problems.push({
          file: show(sp),
          message: `${
            show(sp)
          }: more than ${MAX_DISTRIBUTIONS} distributions; the rest were not read`,
        });
        break;
      }
      const dist = await readDistInfo({
        envReal: place.real,
        sitePackages: sp,
        name: entry.name,
        show,
        problems,
      });
      if (!dist) continue;
      const entries: RecordEntry[] = [];
      let checks: RecordCheck[] = [];
      if (dist.recordText !== undefined) {
        const parsed = parseRecord(dist.recordText);
        entries.push(...parsed.entries);
        if (context.verify) {
          const plan = planRecordChecks(parsed.entries, { sitePackages: sp, distInfo: entry.name });
          checks = plan.checks;
          dist.distribution.record = {
            entries: parsed.rows,
            verifiedFiles: 0,
            discrepancies: [...parsed.malformed, ...plan.discrepancies],
          };
        }
      } else if (context.verify) {
        const what = entry.name.endsWith(".egg-info")
          ? "legacy .egg-info install has no RECORD"
          : "has no readable RECORD";
        problems.push({
          file: show(`${sp}/${entry.name}`),
          message: `${show(`${sp}/${entry.name}`)}: ${what}; its files cannot be verified`,
        });
      }
      dists.push({
        distribution: dist.distribution,
        sitePackages: sp,
        distInfo: entry.name,
        entries,
        checks,
      });
    }
    const owners = new Map<string, string>();
    for (const dist of dists.slice(before)) {
      for (const entry of dist.entries) {
        const file = path.posix.normalize(entry.path.replaceAll("\\", "/"));
        if (file.endsWith(".pth") && !file.includes("/")) owners.set(file, dist.distribution.name);
      }
    }
    const pth = names.filter((e) => e.name.endsWith(".pth") && !e.isDirectory).map((e) => e.name);
    environment.startupFiles.push(
      ...await readStartupFiles({
        envReal: place.real,
        sitePackages: sp,
        names: pth,
        owners,
        show,
        problems,
      }),
    );
  }
  return { environment, dists };
}

/** `lib/pythonX.Y/site-packages` (and `lib64`'s when it is not the same directory), `Lib/site-packages`. */
async function findSitePackages(envReal: string): Promise<string[]> {
  const found = new Map<string, string>();
  const consider = async (relative: string) => {
    try {
      const real = await realpath(path.join(envReal, relative));
      if (!real.startsWith(envReal + path.sep) || found.has(real)) return;
      if ((await stat(real)).isDirectory()) found.set(real, relative);
    } catch {
      // absent
    }
  };
  for (const lib of ["lib", "lib64"]) {
    let names: string[] = [];
    try {
      names = (await readDirectory(path.join(envReal, lib))).map((e) => e.name).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      if (/^(python|pypy)\d+(\.\d+)?t?$/.test(name)) await consider(`${lib}/${name}/site-packages`);
    }
  }
  await consider("Lib/site-packages");
  return [...found.values()];
}

async function condaPythonVersions(envReal: string): Promise<string[]> {
  try {
    const names = await readDirectory(path.join(envReal, "conda-meta"));
    return names.map((e) => /^python-(\d+\.\d+(?:\.\d+)?)-.*\.json$/.exec(e.name)?.[1])
      .filter((v): v is string => v !== undefined).sort();
  } catch {
    return [];
  }
}
