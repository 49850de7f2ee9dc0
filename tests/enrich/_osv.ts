import { affectedVersions, OsvRecord } from "../../enrich/osv.ts";

export type Events = Record<string, string>[];

export const eco = (...events: Events) => ({ type: "ECOSYSTEM", events });

export const pypi = (name: string, ranges: unknown[], versions: string[] = []) => ({
  package: { ecosystem: "PyPI", name },
  ranges,
  versions,
});

export const record = (
  id: string,
  affected: unknown[],
  extra: Record<string, unknown> = {},
): OsvRecord => OsvRecord.parse({ id, modified: "2024-01-01T00:00:00Z", affected, ...extra });

export const matches = (r: OsvRecord, version: string, name = "demo") =>
  affectedVersions(r, name, version);
