/**
 * Signature and integrity checks.
 *
 * @module
 */
import { z } from "zod";
import { defineCheck, type FindingDraft } from "../../core/check.ts";
import type { Package } from "../../core/snapshot.ts";
import { hasWrittenName } from "../../packaging/mod.ts";
import { OWASP_ML06, packageLabel, packageSubject } from "../_shared.ts";

const HASH_FIX =
  "Pin the exact version with == and add --hash=sha256:<digest> for every file it may install " +
  "(generate them with `uv pip compile --generate-hashes` or `pip-compile --generate-hashes`), " +
  "or install from a lock file that records hashes.";

/**
 * `signature.hash-pinned`: every dependency that is installed is pinned to an exact version and at
 * least one accepted hash, so a tampered upload cannot be installed in its place. Abstract
 * declarations (pyproject) count as covered when a requirements or lock entry pins the same name.
 *
 * @example
 * ```ts
 * import { hashPinned } from "./hash_pinned.ts";
 * const configured = hashPinned({ exemptLocal: true });
 * ```
 */
export const hashPinned = defineCheck({
  id: "signature.hash-pinned",
  title: "Dependencies are pinned with hashes",
  description:
    "Every dependency must be pinned to one exact version and at least one sha256 (or stronger) " +
    "hash, in a requirements file (--hash) or a lock file. Hashes make pip refuse a file that " +
    "differs from the one reviewed: a modified upload on a public index, a compromised mirror, or " +
    "a look-alike served by another index.",
  family: "signature",
  severity: "error",
  references: [OWASP_ML06, {
    title: "pip: Secure installs (hash-checking mode)",
    url: "https://pip.pypa.io/en/stable/topics/secure-installs/",
  }],
  params: z.object({
    exemptLocal: z.boolean().default(true).describe("Skip local path dependencies"),
    algorithms: z.array(z.enum(["sha256", "sha384", "sha512"])).min(1)
      .default(["sha256", "sha384", "sha512"]).describe("Hash algorithms that count"),
  }).strict(),
  needs: ["packages"],
  remedy: HASH_FIX,
  run(snapshot, params) {
    const findings: FindingDraft[] = [];
    // Constraint entries limit versions but install nothing, so they need no hash.
    const installs = snapshot.packages.filter((p) => p.layer !== "constraint");
    const key = (p: Package) => `${p.ecosystem}|${p.name}`;
    // A guessed name (`-e .`, a URL without #egg=) may be another project: it covers nothing.
    const concrete = new Set(
      installs.filter((p) => p.layer !== "manifest" && hasWrittenName(p)).map(key),
    );
    const hashed = (p: Package) =>
      p.hashes.some((h) => params.algorithms.some((a) => h.startsWith(`${a}:`)));
    for (const pkg of installs) {
      if (params.exemptLocal && pkg.source.kind === "path") continue;
      const subject = packageSubject(pkg);
      const location = pkg.locations[0];
      if (pkg.layer === "manifest") {
        if (hasWrittenName(pkg) && concrete.has(key(pkg))) continue;
        findings.push({
          subject,
          location,
          message: `${
            packageLabel(pkg)
          } is declared in ${location.file} but no requirements or lock file pins it with a hash.`,
          fix: pkg.ecosystem === "conda"
            ? "Commit a conda-lock.yml (conda-lock) and install from it: it records a sha256 " +
              "for every package file."
            : "Commit a lock file with hashes (`uv lock`, `poetry lock`, " +
              "`pip-compile --generate-hashes`) and install from it.",
        });
        continue;
      }
      if (pkg.source.kind === "vcs") {
        findings.push({
          subject,
          location,
          message:
            `${
              packageLabel(pkg)
            } is installed from a ${pkg.source.vcs} checkout, which cannot be ` +
            "hash-checked.",
          fix:
            "Build a wheel from a reviewed commit, publish it to your index, and pin it with a hash.",
        });
        continue;
      }
      const pinned = pkg.version !== undefined || pkg.source.kind === "url";
      if (pinned && hashed(pkg)) continue;
      const what = pkg.versionFrom === "unresolved"
        ? `has no known version: ${
          pkg.specifier ? `its pin ${pkg.specifier}` : "its file name"
        } holds an unexpanded variable, so which file is installed is not known`
        : !pinned && !hashed(pkg)
        ? "is neither pinned to an exact version nor hashed"
        : !pinned
        ? `is hashed but not pinned to one version (specifier "${pkg.specifier || "none"}")`
        : "is pinned but has no hash";
      findings.push({
        subject,
        location,
        message: `${packageLabel(pkg)} ${what}.`,
        evidence: { specifier: pkg.specifier, hashes: pkg.hashes.length },
        fix: HASH_FIX,
      });
    }
    return findings;
  },
});
