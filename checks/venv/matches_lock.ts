/**
 * `venv.matches-lock`: the environment holds exactly what the lock file says.
 *
 * @module
 */
import { hasWrittenName, normaliseName } from "../../packaging/mod.ts";
import { z } from "zod";
import { eq as versionsEqual } from "@renovatebot/pep440";
import { defineCheck, type FindingDraft } from "../../core/check.ts";
import type { Distribution, Environment, Package, Snapshot } from "../../core/snapshot.ts";
import { normaliseIndexUrl, OWASP_ML06 } from "../_shared.ts";

/** Installer tooling present in most environments without being declared. */
const BOOTSTRAP = ["pip", "setuptools", "wheel", "distribute", "pkg-resources", "uv"];

/**
 * `venv.matches-lock`: each virtualenv's installed distributions equal the lock file (or the
 * pinned requirements) of the directory it belongs to: nothing extra, nothing missing, no other
 * version, no other source.
 *
 * @example
 * ```ts
 * import { matchesLock } from "./matches_lock.ts";
 * matchesLock({ ignoreExtra: ["jupyterlab"] });
 * ```
 */
export const matchesLock = defineCheck({
  id: "venv.matches-lock",
  title: "Installed packages match the lock file",
  description:
    "What is installed must be what was reviewed and locked. An extra distribution came from " +
    "somewhere nobody recorded; another version or another source (a VCS checkout, a local " +
    "directory, another index) means the lock's hashes no longer vouch for what runs.",
  family: "venv",
  severity: "error",
  references: [OWASP_ML06, {
    title: "PEP 610: Recording the direct URL origin of installed distributions",
    url: "https://peps.python.org/pep-0610/",
  }],
  params: z.object({
    ignoreExtra: z.array(z.string().min(1)).default([])
      .describe("Installed names allowed without a lock entry (tools installed by hand)"),
  }).strict(),
  needs: ["environments", "packages"],
  remedy: "Sync the environment from the lock (uv sync --locked, poetry install --sync, " +
    "pip-sync requirements.txt) or recreate it.",
  run(snapshot, params) {
    const findings: FindingDraft[] = [];
    for (const env of snapshot.environments) {
      if (env.kind !== "venv" || env.distributions.length === 0) continue;
      const expected = expectedFor(snapshot, env);
      if (!expected) continue;
      findings.push(...compare(env, expected, new Set([...BOOTSTRAP, ...params.ignoreExtra])));
    }
    return findings;
  },
});

/** The lock entries (else exact requirement pins) of the environment's directory. */
function expectedFor(snapshot: Snapshot, env: Environment): Package[] | undefined {
  const dir = env.path.includes("/") ? env.path.slice(0, env.path.lastIndexOf("/")) : ".";
  const here = snapshot.packages.filter((p) =>
    p.ecosystem === "pypi" && dirOf(p.locations[0].file) === dir
  );
  const locked = here.filter((p) => p.layer === "lock");
  if (locked.length > 0) return locked;
  const pinned = here.filter((p) => p.layer === "requirements");
  return pinned.length > 0 && pinned.every((p) => p.version || p.source.kind !== "index")
    ? pinned
    : undefined;
}

function compare(env: Environment, expected: Package[], ignored: Set<string>): FindingDraft[] {
  const findings: FindingDraft[] = [];
  const lockFile = expected[0].locations[0].file;
  const byName = new Map<string, Package[]>();
  // A guessed name (`-e ./x`, a git URL without #egg=) is matched by source, never by name: the
  // project it installs may be called anything.
  const unnamed = unnamedSources(expected.filter((p) => !hasWrittenName(p)));
  for (const p of expected.filter(hasWrittenName)) {
    byName.set(p.name, [...byName.get(p.name) ?? [], p]);
  }
  const installed = new Map(env.distributions.map((d) => [normaliseName(d.name), d]));
  for (const [name, dist] of installed) {
    const wanted = byName.get(name);
    const subject = `pkg:pypi/${name}@${dist.version}`;
    if (!wanted) {
      if (ignored.has(name) || isProjectItself(dist)) continue;
      if (installedFromUnnamed(dist, unnamed)) continue;
      findings.push({
        subject,
        severity: "warning",
        location: dist.location,
        message: `${name} ${dist.version} is installed in ${env.path} but not in ${lockFile}.`,
        fix:
          `Add it to the project's dependencies and re-lock, or remove it (pip uninstall ${name}).`,
      });
      continue;
    }
    const versions = wanted.map((p) => p.version).filter((v): v is string => v !== undefined);
    if (versions.length > 0 && !versions.some((v) => sameVersion(v, dist.version))) {
      findings.push({
        subject,
        location: dist.location,
        message: `${name} ${dist.version} is installed in ${env.path}; ${lockFile} locks ` +
          `${versions.join(" or ")}.`,
        evidence: { installed: dist.version, locked: versions },
        fix: `Reinstall from the lock: ${name}==${versions[0]}.`,
      });
      continue;
    }
    const sourceProblem = sourceMismatch(dist, wanted);
    if (sourceProblem) {
      findings.push({
        subject,
        location: dist.location,
        message: `${name} in ${env.path} was installed from ${sourceProblem.installed}; ` +
          `${lockFile} says ${sourceProblem.locked}.`,
        evidence: { ...sourceProblem },
        fix: `Reinstall ${name} from the lock so it comes from ${sourceProblem.locked}.`,
      });
    }
  }
  for (const [name, entries] of byName) {
    if (installed.has(name)) continue;
    // Entries limited by markers, extras or groups may rightly be absent here.
    const unconditional = entries.find((p) => !p.markers && p.groups.length === 0);
    if (!unconditional || unconditional.source.kind === "path") continue;
    findings.push({
      subject: `pkg:pypi/${name}${unconditional.version ? `@${unconditional.version}` : ""}`,
      severity: "warning",
      location: unconditional.locations[0],
      message: `${name} is in ${lockFile} but not installed in ${env.path}.`,
      fix: "Sync the environment from the lock.",
    });
  }
  return findings;
}

interface SourceMismatch {
  installed: string;
  locked: string;
}

/** Compare PEP 610 direct_url.json with the lock's source. */
function sourceMismatch(dist: Distribution, wanted: Package[]): SourceMismatch | undefined {
  const direct = dist.directUrl as
    | { url?: string; vcs_info?: { commit_id?: string }; dir_info?: { editable?: boolean } }
    | undefined;
  const locked = wanted[0].source;
  if (!direct?.url) {
    if (locked.kind === "vcs" || locked.kind === "url") {
      return { installed: "an index", locked: locked.url };
    }
    return undefined;
  }
  if (direct.vcs_info) {
    const commit = direct.vcs_info.commit_id ?? "";
    if (locked.kind === "vcs") {
      const want = locked.commit ?? locked.ref ?? "";
      return want && commit && !commit.startsWith(want) && !want.startsWith(commit)
        ? { installed: `${direct.url}@${commit}`, locked: `${locked.url}@${want}` }
        : undefined;
    }
    return { installed: `${direct.url}@${commit}`, locked: describe(locked) };
  }
  if (direct.dir_info) {
    return locked.kind === "path" ? undefined : { installed: direct.url, locked: describe(locked) };
  }
  if (locked.kind === "url") {
    return normaliseIndexUrl(locked.url) === normaliseIndexUrl(direct.url)
      ? undefined
      : { installed: direct.url, locked: locked.url };
  }
  return { installed: direct.url, locked: describe(locked) };
}

/** Where unnamed entries install from: VCS and archive URLs, and path endings. */
interface UnnamedSources {
  vcs: Set<string>;
  urls: Set<string>;
  /** The part of each path below any `..` ("" for the project itself). */
  paths: Set<string>;
}

function unnamedSources(entries: Package[]): UnnamedSources {
  const found: UnnamedSources = { vcs: new Set(), urls: new Set(), paths: new Set() };
  for (const { source } of entries) {
    if (source.kind === "vcs") found.vcs.add(sameUrl(source.url));
    else if (source.kind === "url") found.urls.add(sameUrl(source.url));
    else if (source.kind === "path") {
      const segments = source.path.replaceAll("\\", "/").split("/").filter((s) => s && s !== ".");
      found.paths.add(segments.slice(segments.lastIndexOf("..") + 1).join("/"));
    }
  }
  return found;
}

function sameUrl(url: string): string {
  return normaliseIndexUrl(url.split("#")[0].replace(/\.git$/i, ""));
}

/** Whether PEP 610 `direct_url.json` says the distribution came from one of the unnamed entries. */
function installedFromUnnamed(dist: Distribution, unnamed: UnnamedSources): boolean {
  const direct = dist.directUrl as { url?: unknown; vcs_info?: unknown } | undefined;
  if (typeof direct?.url !== "string") return false;
  if (direct.vcs_info !== undefined) return unnamed.vcs.has(sameUrl(direct.url));
  if (unnamed.urls.has(sameUrl(direct.url))) return true;
  if (!/^file:/i.test(direct.url) || unnamed.paths.size === 0) return false;
  if (unnamed.paths.has("")) return true;
  let installed = direct.url;
  try {
    installed = decodeURIComponent(new URL(direct.url).pathname);
  } catch { /* compare the URL as written */ }
  // Each ending of the installed path, one segment at a time (no written path is 64 deep).
  const segments = installed.split("/").filter((s) => s !== "");
  for (let i = segments.length - 1; i >= Math.max(0, segments.length - 64); i--) {
    if (unnamed.paths.has(segments.slice(i).join("/"))) return true;
  }
  return false;
}

function describe(source: Package["source"]): string {
  switch (source.kind) {
    case "index":
      return source.url ?? source.name ?? "the package index";
    case "path":
      return source.path;
    default:
      return source.url;
  }
}

function isProjectItself(dist: Distribution): boolean {
  const direct = dist.directUrl as { dir_info?: { editable?: boolean } } | undefined;
  return direct?.dir_info?.editable === true;
}

function sameVersion(a: string, b: string): boolean {
  try {
    return versionsEqual(a, b) ?? a === b;
  } catch {
    return a === b;
  }
}

function dirOf(file: string): string {
  return file.includes("/") ? file.slice(0, file.lastIndexOf("/")) : ".";
}
