/**
 * `source.allowed-indexes`: packages come only from allowed indexes.
 *
 * @module
 */
import { z } from "zod";
import { boundedList, countPackages } from "./_lists.ts";
import { fileList, recordedIn, recordedIndexes, relockCommands } from "./_recorded.ts";
import { describeRole } from "./_roles.ts";
import { defineCheck, type FindingDraft } from "../../core/check.ts";
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
 * list (globs, compared after URL normalisation) — configured ones, and those that lock entries
 * and conda `channel::name` specs record.
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
    "come from. The index every lock entry records (uv.lock, poetry.lock, Pipfile.lock, " +
    "pylock.toml, conda-lock) and the channel of a conda `channel::name` spec are judged too: " +
    "that is where those packages are fetched from, whatever the configuration says. URLs are " +
    "compared after normalisation (case of scheme and host, default ports, trailing slashes); " +
    "credentials are never shown.",
  family: "source",
  severity: "error",
  references: [OWASP_ML06],
  params: z.object({
    indexes: z.array(z.string().min(1)).default([...DEFAULT_ALLOWED_INDEXES])
      .describe(
        "Allowed index URLs or channel names (globs: '*' within a path segment, '**' across)",
      ),
  }).strict(),
  needs: ["indexes", "packages"],
  remedy: "Remove the index, or add it to the policy's allow list after review.",
  run(snapshot, params) {
    const allowed = params.indexes.map((glob) =>
      globToRegExp(normaliseIndexUrl(glob), { path: true })
    );
    const isAllowed = (normalised: string) => allowed.some((re) => re.test(normalised));
    const findings: FindingDraft[] = snapshot.indexes.filter((index) =>
      !isAllowed(normaliseIndex(index))
    ).map((index) => ({
      subject: `index:${index.url}`,
      location: index.location,
      message: `${describeRole(index.role)} ${index.url} is not on the allowed list.`,
      evidence: { role: index.role, allowed: params.indexes },
      fix: `Remove it from ${index.location.file}, or add "${
        normaliseIndex(index)
      }" to source.allowed-indexes.indexes once it is reviewed.`,
    }));
    for (const recorded of recordedIndexes(snapshot)) {
      if (isAllowed(recorded.normalised)) continue;
      const { packages } = recorded;
      const add = `add "${recorded.normalised}" to source.allowed-indexes.indexes`;
      findings.push({
        subject: `index:${recorded.url}`,
        location: recorded.location,
        message: `${describeRole(recorded.role === "index" ? "primary" : recorded.role)} ` +
          `${recorded.url}, ${recordedIn(recorded)}, is not on the allowed list: ` +
          `${countPackages(packages.length, ["comes", "come"])} from it (${
            boundedList(packages)
          }).`,
        evidence: {
          role: recorded.role,
          packages,
          recordedIn: recorded.files,
          allowed: params.indexes,
        },
        fix: recorded.locked
          ? `Find out how ${fileList(recorded)} came to name this index, then re-lock from an ` +
            `allowed one (${relockCommands(recorded)}); or ${add} once it is reviewed.`
          : `Remove the "${recorded.url}::" channel prefix from the spec in ` +
            `${recorded.location.file}, or ${add} once it is reviewed.`,
      });
    }
    return findings;
  },
});
