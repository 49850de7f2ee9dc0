/**
 * Values in TOML lock files: the table type, bounds, and how to describe a surprise.
 *
 * @module
 */
import { isRecord } from "../packaging/mod.ts";

/** A TOML table as the parser returns it. */
export type Table = Record<string, unknown>;

/**
 * Largest lock file read (bytes, and characters for direct calls): real uv.lock files run to
 * about 4.5 kB per package, so this leaves room for some 7,000 packages.
 *
 * @example
 * ```ts
 * import { MAX_LOCK_BYTES } from "./_lock_values.ts";
 * MAX_LOCK_BYTES; // 32 MiB
 * ```
 */
export const MAX_LOCK_BYTES = 32 * 1024 * 1024;
/**
 * Most entries read from one lock file; the rest are reported, not read.
 *
 * @example
 * ```ts
 * import { MAX_LOCK_ENTRIES } from "./_lock_values.ts";
 * MAX_LOCK_ENTRIES; // 100,000
 * ```
 */
export const MAX_LOCK_ENTRIES = 100_000;
/**
 * Deepest inline array/table nesting accepted (lock files need about four).
 *
 * @example
 * ```ts
 * import { MAX_DEPTH } from "./_lock_values.ts";
 * MAX_DEPTH; // 64
 * ```
 */
export const MAX_DEPTH = 64;

/**
 * Most dependency names kept for one lock entry (`Package.dependsOn`); real packages name a few
 * dozen at most.
 *
 * @example
 * ```ts
 * import { MAX_DEPENDS_ON } from "./_lock_values.ts";
 * MAX_DEPENDS_ON; // 1,000
 * ```
 */
export const MAX_DEPENDS_ON = 1_000;

/**
 * A lock entry's `dependsOn`: the names normalised, sorted and unique, without the entry itself
 * (PDM locks `coverage[toml]` as depending on `coverage`), at most {@linkcode MAX_DEPENDS_ON}
 * (more is reported).
 *
 * @param names The dependency names as written.
 * @param options `self`: the entry's normalised name; `normalise`: the ecosystem's name form;
 * `report`: receives the problem when there are too many.
 * @returns The names.
 * @example
 * ```ts
 * import { dependsOnList } from "./_lock_values.ts";
 * const normalise = (name: string) => name.toLowerCase().replace(/[-_.]+/g, "-");
 * dependsOnList(["Typing_Extensions", "numpy", "numpy", "coverage"], {
 *   self: "coverage", normalise, report: () => {},
 * }); // ["numpy", "typing-extensions"]
 * ```
 */
export function dependsOnList(
  names: Iterable<string>,
  options: { self: string; normalise: (name: string) => string; report: (message: string) => void },
): string[] {
  const found = new Set<string>();
  for (const name of names) {
    const normalised = options.normalise(name);
    if (normalised !== "" && normalised !== options.self) found.add(normalised);
  }
  const sorted = [...found].sort();
  if (sorted.length <= MAX_DEPENDS_ON) return sorted;
  options.report(
    `${options.self} names ${sorted.length} dependencies; the first ${MAX_DEPENDS_ON} are kept`,
  );
  return sorted.slice(0, MAX_DEPENDS_ON);
}

/**
 * The project name a PEP 508 requirement string starts with (`"idna>=2.8"` → `idna`), as lock
 * files list dependencies; undefined when it starts with none.
 *
 * @example
 * ```ts
 * import { requirementName } from "./_lock_values.ts";
 * requirementName("tomli; python_version < '3.11'"); // "tomli"
 * requirementName(">=1"); // undefined
 * ```
 */
export function requirementName(requirement: string): string | undefined {
  return /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)/.exec(requirement)?.[1];
}

/**
 * A short description of a TOML value for problem messages: `3`, `"x"`, `a table`, `nothing`.
 *
 * @example
 * ```ts
 * import { describeValue } from "./_lock_toml.ts";
 * describeValue(3); // "3"
 * describeValue(undefined); // "nothing"
 * ```
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") {
    return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  }
  if (Array.isArray(value)) return "an array";
  if (value instanceof Date) return "a date";
  if (isRecord(value)) return "a table";
  return String(value);
}

/** One entry of the lock's main array of tables and the line it starts on. */
