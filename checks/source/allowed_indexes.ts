/**
 * `source.allowed-indexes`: packages come only from allowed indexes.
 *
 * @module
 */
import { z } from "zod";
import { describeRole } from "./_roles.ts";
import { defineCheck } from "../../core/check.ts";
import { globToRegExp } from "../../core/glob.ts";
import { normaliseIndex, normaliseIndexUrl, OWASP_ML06 } from "../_shared.ts";

/**
 * The indexes allowed when a policy names none: PyPI and conda-forge.
 *
 * @example
 * ```ts
 * import { DEFAULT_ALLOWED_INDEXES } from "./allowed_indexes.ts";
 * DEFAULT_ALLOWED_INDEXES.includes("https://pypi.org/simple"); // true
 * ```
 */
export const DEFAULT_ALLOWED_INDEXES: readonly string[] = [
  "https://pypi.org/simple",
  "https://conda.anaconda.org/conda-forge",
];

/**
 * `source.allowed-indexes`: every index, find-links location and conda channel is on the allow
 * list (globs, compared after URL normalisation).
 *
 * @example
 * ```ts
 * import { allowedIndexes } from "./allowed_indexes.ts";
 * allowedIndexes({ indexes: ["https://pypi.org/simple", "https://pypi.corp.example/*"] });
 * ```
 */
export const allowedIndexes = defineCheck({
  id: "source.allowed-indexes",
  title: "Packages come only from allowed indexes",
  description:
    "Every package index, find-links location and conda channel the project configures must be on " +
    "the allow list. An unexpected index is where typo-squatted, shadowing or tampered packages " +
    "come from. URLs are compared after normalisation (case of scheme and host, default ports, " +
    "trailing slashes); credentials are never shown.",
  family: "source",
  severity: "error",
  references: [OWASP_ML06],
  params: z.object({
    indexes: z.array(z.string().min(1)).default([...DEFAULT_ALLOWED_INDEXES])
      .describe(
        "Allowed index URLs or channel names (globs: '*' within a path segment, '**' across)",
      ),
  }).strict(),
  needs: ["indexes"],
  remedy: "Remove the index, or add it to the policy's allow list after review.",
  run(snapshot, params) {
    const allowed = params.indexes.map((glob) =>
      globToRegExp(normaliseIndexUrl(glob), { path: true })
    );
    return snapshot.indexes.filter((index) => {
      const url = normaliseIndex(index);
      return !allowed.some((re) => re.test(url));
    }).map((index) => ({
      subject: `index:${index.url}`,
      location: index.location,
      message: `${describeRole(index.role)} ${index.url} is not on the allowed list.`,
      evidence: { role: index.role, allowed: params.indexes },
      fix: `Remove it from ${index.location.file}, or add "${
        normaliseIndex(index)
      }" to source.allowed-indexes.indexes once it is reviewed.`,
    }));
  },
});
