/**
 * The index URLs and conda channels that package entries record — a lock entry's registry
 * (uv.lock, poetry.lock, Pipfile.lock, pylock.toml, conda-lock), a conda spec's `channel::name` —
 * grouped by URL, so the checks that judge indexes judge these too: a recorded source is where
 * the next install fetches from, whether or not any configuration names it.
 *
 * @module
 */
import { redactUrl } from "../../packaging/mod.ts";
import type { Location, Package, Snapshot } from "../../core/snapshot.ts";
import { normaliseIndex } from "../_shared.ts";

/** One index or channel that package entries record, with what comes from it. */
export interface RecordedIndex {
  /** The URL (or conda channel name) as first recorded, redacted. */
  url: string;
  /** Its normalised form, as allow lists compare it. */
  normalised: string;
  /** A conda channel, or a Python package index. */
  role: "conda-channel" | "index";
  /** Names of the packages recorded from it, unique, in snapshot order. */
  packages: string[];
  /** The files that record it, sorted. */
  files: string[];
  /** Where it is first recorded: the first entry's line. */
  location: Location;
  /** Every entry recording it is a lock entry (not a manifest's `channel::name`). */
  locked: boolean;
}

/**
 * Every distinct index a package entry records that no configuration names (a configured index
 * is judged, and reported, where it is configured).
 */
export function recordedIndexes(snapshot: Snapshot): RecordedIndex[] {
  const configured = new Set(snapshot.indexes.map(normaliseIndex));
  const found = new Map<string, RecordedIndex>();
  for (const pkg of snapshot.packages) {
    const recorded = recordedSource(pkg);
    if (recorded === undefined) continue;
    const normalised = normaliseIndex(recorded);
    if (configured.has(normalised)) continue;
    const location = pkg.locations[0];
    const entry = found.get(normalised);
    if (entry === undefined) {
      found.set(normalised, {
        url: redactUrl(recorded.url),
        normalised,
        role: recorded.role === "conda-channel" ? "conda-channel" : "index",
        packages: [pkg.name],
        files: [location.file],
        location,
        locked: pkg.layer === "lock",
      });
      continue;
    }
    if (!entry.packages.includes(pkg.name)) entry.packages.push(pkg.name);
    if (!entry.files.includes(location.file)) entry.files.push(location.file);
    entry.locked &&= pkg.layer === "lock";
  }
  return [...found.values()].map((entry) => ({ ...entry, files: entry.files.sort() }));
}

function recordedSource(
  pkg: Package,
): { url: string; role: "conda-channel" | "extra" } | undefined {
  if (pkg.source.kind !== "index") return undefined;
  // A named PyPI index without a URL is a configured one; a conda spec names its channel.
  const url = pkg.ecosystem === "conda" ? pkg.source.url ?? pkg.source.name : pkg.source.url;
  if (url === undefined || url.trim() === "") return undefined;
  return { url, role: pkg.ecosystem === "conda" ? "conda-channel" : "extra" };
}

/** How the tool that wrote `file` re-locks, for a fix: `uv lock`, `poetry lock`… */
export function relockCommand(file: string): string {
  const base = file.slice(file.lastIndexOf("/") + 1);
  if (base === "uv.lock") return "uv lock";
  if (base === "poetry.lock") return "poetry lock";
  if (base === "Pipfile.lock") return "pipenv lock";
  if (base === "pdm.lock") return "pdm lock";
  if (base === "pixi.lock") return "pixi lock";
  if (/^pylock\.(?:[^.]+\.)?toml$/.test(base)) return "pip lock, or uv export --format pylock.toml";
  if (/conda-lock/.test(base)) return "conda-lock";
  return `the tool that wrote ${base}`;
}

/** The re-lock commands of every file that records `entry`, once each. */
export function relockCommands(entry: RecordedIndex): string {
  return [...new Set(entry.files.map(relockCommand))].join("; ");
}

/** `uv.lock and poetry.lock`; from three files on, the first two and how many more. */
export function fileList(entry: RecordedIndex): string {
  return entry.files.length <= 2
    ? entry.files.join(" and ")
    : `${entry.files.slice(0, 2).join(", ")} and ${entry.files.length - 2} more file(s)`;
}

/** `named in environment.yml` / `recorded in uv.lock and poetry.lock`. */
export function recordedIn(entry: RecordedIndex): string {
  return `${entry.locked ? "recorded" : "named"} in ${fileList(entry)}`;
}
