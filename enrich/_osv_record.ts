/**
 * The OSV record schema (https://ossf.github.io/osv-schema/), as much of it as matching and
 * reporting need, validated with zod and bounded: an `id` and `modified` time, `aliases`,
 * `withdrawn`, `affected[]` packages with `ranges[].events` and `versions`, `severity[]`,
 * `references[]` and `database_specific`. Unknown fields are dropped.
 *
 * @module
 */
import { z } from "zod";

/** Longest text kept from a record's string fields. */
const MAX_TEXT = 64 * 1024;

const text = z.string().max(MAX_TEXT);
const optionalText = text.nullish().transform((value) => value ?? undefined).optional();
const version = z.string().min(1).max(256);

const OsvEvent = z.union([
  z.strictObject({ introduced: version }),
  z.strictObject({ fixed: version }),
  z.strictObject({ last_affected: version }),
  z.strictObject({ limit: version }),
], { error: "an event has exactly one of introduced, fixed, last_affected or limit" });

const OsvSeverity = z.object({ type: z.string().max(64), score: z.string().max(1024) });
const severities = z.array(OsvSeverity).max(64).nullish().transform((value) => value ?? []);
const databaseSpecific = z.record(z.string(), z.unknown()).nullish()
  .transform((value) => value ?? undefined).optional();

const OsvRange = z.object({
  type: z.string().max(64),
  repo: optionalText,
  events: z.array(OsvEvent).max(10_000),
});

const OsvAffected = z.object({
  package: z.object({
    ecosystem: z.string().max(256),
    name: z.string().max(1024),
    purl: optionalText,
  }).nullish().transform((value) => value ?? undefined).optional(),
  ranges: z.array(OsvRange).max(1_000).nullish().transform((value) => value ?? []),
  versions: z.array(version).max(200_000).nullish().transform((value) => value ?? []),
  severity: severities,
  database_specific: databaseSpecific,
});

/**
 * An OSV vulnerability record.
 *
 * @example
 * ```ts
 * import { OsvRecord } from "./_osv_record.ts";
 * OsvRecord.parse({ id: "PYSEC-2021-1", modified: "2021-01-01T00:00:00Z" }).aliases; // []
 * ```
 */
export const OsvRecord = z.object({
  id: z.string().min(1).max(256),
  modified: z.string().max(64),
  published: optionalText,
  withdrawn: optionalText,
  aliases: z.array(z.string().max(256)).max(1_000).nullish().transform((value) => value ?? []),
  summary: optionalText,
  details: optionalText,
  severity: severities,
  affected: z.array(OsvAffected).max(10_000).nullish().transform((value) => value ?? []),
  references: z.array(z.object({ type: z.string().max(64), url: z.string().max(4096) }))
    .max(1_000).nullish().transform((value) => value ?? []),
  database_specific: databaseSpecific,
});
/** An OSV vulnerability record (the fields Tollgate uses). */
export type OsvRecord = z.infer<typeof OsvRecord>;
/** One `affected[]` entry of an OSV record. */
export type OsvAffected = OsvRecord["affected"][number];
/** One `affected[].ranges[]` entry of an OSV record. */
export type OsvRange = OsvAffected["ranges"][number];
/** One event of a range: exactly one of introduced, fixed, last_affected, limit. */
export type OsvEvent = OsvRange["events"][number];

/**
 * Validate a decoded value as an OSV record.
 *
 * @param value Parsed JSON or YAML.
 * @returns The record, or what is wrong with it (each issue with its path, at most five).
 * @example
 * ```ts
 * import { readOsvRecord } from "./_osv_record.ts";
 * readOsvRecord({ id: "X-1" }).problem; // "modified: Invalid input: expected string, received undefined"
 * ```
 */
export function readOsvRecord(value: unknown): { record?: OsvRecord; problem?: string } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { problem: "not an OSV record (expected an object with id and modified)" };
  }
  const parsed = OsvRecord.safeParse(value);
  if (parsed.success) return { record: parsed.data };
  const issues = parsed.error.issues.slice(0, 5).map((issue) =>
    `${issue.path.length > 0 ? issue.path.join(".") : "record"}: ${issue.message}`
  );
  const more = parsed.error.issues.length > 5
    ? ` (and ${parsed.error.issues.length - 5} more)`
    : "";
  return { problem: issues.join("; ") + more };
}
