/**
 * What the freshness checks share: time units, subjects, the private-names param, the PyPI reference.
 *
 * @module
 */
import { z } from "zod";
import { type FindingDraft } from "../../core/check.ts";
import { packageSubject } from "../_shared.ts";
import { type PinnedRelease } from "./_facts.ts";

export const DAY_MS = 86_400_000;

export const YEAR_MS = 365.25 * DAY_MS;

export function subjectOf(p: PinnedRelease): Pick<FindingDraft, "subject" | "location"> {
  return { subject: packageSubject(p.pkg), location: p.pkg.locations[0] };
}

export const PRIVATE = z.array(z.string().min(1)).default([])
  .describe("Packages not on the index (internal ones): neither judged nor reported as unknown");

export const days = (ms: number) => Math.floor(ms / DAY_MS);

export const time = (iso: string | undefined) => iso === undefined ? undefined : Date.parse(iso);

export const PYPI_JSON = {
  title: "PyPI JSON API",
  url: "https://docs.pypi.org/api/json/",
};
