/**
 * A requirements line's target as a snapshot package: `--hash` options checked, keys in the
 * snapshot's order, and what an unexpanded `${VAR}` left unresolved said once.
 *
 * @module
 */
import type { Location, Package } from "../../core/snapshot.ts";
import { normaliseName } from "../../packaging/mod.ts";
import type { Target } from "../_requirement_target.ts";
import type { ParsedOption } from "./_options.ts";
import { hasVariable } from "./_variables.ts";

const HASH_ALGORITHMS = ["sha256", "sha384", "sha512"];

/**
 * Say which of a package's facts still hold an unexpanded variable, as one problem for the line.
 *
 * @param pkg The package as read (hashes not yet filtered).
 * @param unexpanded Raises the line's problem with what is unresolved.
 * @example
 * ```ts
 * import { reportUnresolved } from "./_package.ts";
 * import { pkg } from "../../testing.ts";
 * reportUnresolved(pkg("torch", { specifier: "==${V}", versionFrom: "unresolved" }), console.log);
 * // logs "the version of torch is unresolved"
 * ```
 */
export function reportUnresolved(pkg: Package, unexpanded: (consequence: string) => void): void {
  const parts: string[] = [];
  if (pkg.versionFrom === "unresolved") parts.push("version");
  else if (hasVariable(pkg.specifier)) parts.push("version specifier");
  if (hasVariable(JSON.stringify(pkg.source))) parts.push("source");
  if (hasVariable(pkg.markers ?? "")) parts.push("markers");
  if (pkg.hashes.some(hasVariable)) parts.push("--hash");
  if (parts.length === 0) return;
  const name = pkg.displayName ?? pkg.name;
  const list = parts.length === 1
    ? parts[0]
    : `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
  unexpanded(`the ${list} of ${name} ${parts.length === 1 ? "is" : "are"} unresolved`);
}

/**
 * A `--hash` holding a variable is no digest: it is left out (the line's problem says why).
 *
 * @example
 * ```ts
 * import { withoutVariableHashes } from "./_package.ts";
 * import { pkg } from "../../testing.ts";
 * withoutVariableHashes(pkg("a==1", { hashes: ["sha256:${H}"] })).hashes; // []
 * ```
 */
export function withoutVariableHashes(pkg: Package): Package {
  const hashes = pkg.hashes.filter((hash) => !hasVariable(hash));
  return hashes.length === pkg.hashes.length ? pkg : { ...pkg, hashes };
}

/**
 * The `--hash` values of a requirement line that pip accepts (`sha256`, `sha384`, `sha512`); the
 * others are problems.
 *
 * @example
 * ```ts
 * import { hashOptions } from "./_package.ts";
 * hashOptions([{ name: "hash", value: "md5:ab", written: "--hash" }], console.log); // []
 * ```
 */
export function hashOptions(options: ParsedOption[], problem: (message: string) => void): string[] {
  const hashes: string[] = [];
  for (const option of options) {
    const colon = option.value!.indexOf(":");
    const algorithm = option.value!.slice(0, colon);
    if (colon < 0 || option.value!.slice(colon + 1) === "") {
      problem(`expected --hash=algorithm:hexdigest, found '${option.value}'`);
    } else if (!HASH_ALGORITHMS.includes(algorithm)) {
      problem(`expected a hash algorithm of ${HASH_ALGORITHMS.join(", ")}, found '${algorithm}'`);
    } else hashes.push(option.value!);
  }
  return hashes;
}

/**
 * A requirement line's target as a snapshot package, with its keys in the snapshot's order.
 *
 * @example
 * ```ts
 * import { toPackage } from "./_package.ts";
 * import { describeRequirement, type Target } from "../_requirement_target.ts";
 * const target = describeRequirement("Six==1.16.0") as Target;
 * toPackage(target, {
 *   hashes: [], editable: false, location: { file: "r.txt", line: 1 }, layer: "requirements",
 * }).displayName; // "Six"
 * ```
 */
export function toPackage(
  target: Target,
  options: { hashes: string[]; editable: boolean; location: Location; layer: Package["layer"] },
): Package {
  const { hashes, editable, location, layer } = options;
  const name = normaliseName(target.name);
  const pkg: Package = {
    ecosystem: "pypi",
    name,
    specifier: target.specifier,
    extras: target.extras,
    hashes: [...new Set(hashes)],
    source: target.source,
    layer,
    direct: layer !== "constraint",
    editable,
    groups: [],
    locations: [location],
  };
  if (target.name !== name) pkg.displayName = target.name;
  if (target.guessedName) pkg.nameFrom = "guessed";
  if (target.version !== undefined) pkg.version = target.version;
  if (target.versionFrom !== undefined) pkg.versionFrom = target.versionFrom;
  if (target.markers !== undefined) pkg.markers = target.markers;
  return orderKeys(pkg);
}

const KEY_ORDER = [
  "ecosystem",
  "name",
  "displayName",
  "nameFrom",
  "version",
  "versionFrom",
  "specifier",
  "extras",
  "markers",
  "hashes",
  "source",
  "layer",
  "direct",
  "editable",
  "groups",
  "locations",
];

/** Keys in schema order, so that snapshots serialise the same way every time. */
function orderKeys(pkg: Package): Package {
  const record = pkg as unknown as Record<string, unknown>;
  const ordered: Record<string, unknown> = {};
  for (const key of KEY_ORDER) if (key in record) ordered[key] = record[key];
  return ordered as unknown as Package;
}
