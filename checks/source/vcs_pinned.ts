/**
 * `source.vcs-pinned`: dependencies fetched from version control or a URL are pinned to content.
 *
 * @module
 */
import { z } from "zod";
import { defineCheck, type FindingDraft } from "../../core/check.ts";
import { hasWrittenName } from "../../packaging/mod.ts";
import type { Package } from "../../core/snapshot.ts";
import { normaliseIndexUrl, OWASP_ML06, packageLabel, packageSubject } from "../_shared.ts";

/** A full commit id: SHA-1 (40 hex) or SHA-256 (64 hex) object names. */
const FULL_COMMIT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;

/**
 * `source.vcs-pinned`: VCS dependencies name a full commit id (a lock's resolved commit counts);
 * direct URL archives carry a hash.
 *
 * @example
 * ```ts
 * import { vcsPinned } from "./vcs_pinned.ts";
 * vcsPinned({ allowLocal: true });
 * ```
 */
export const vcsPinned = defineCheck({
  id: "source.vcs-pinned",
  title: "VCS and URL dependencies are pinned to content",
  description:
    "A dependency installed from git (or hg, svn, bzr) must name a full commit id: branches and " +
    "tags move, so whoever can push to the repository decides what you install next. A " +
    "dependency installed from a URL must carry a hash of the archive (#sha256=… or --hash), or " +
    "whoever controls the URL can swap the file.",
  family: "source",
  severity: "error",
  references: [OWASP_ML06, {
    title: "pip: VCS support — pinning to a commit",
    url: "https://pip.pypa.io/en/stable/topics/vcs-support/",
  }],
  params: z.object({
    allowLocal: z.boolean().default(true).describe("Skip file:// URLs (local archives)"),
  }).strict(),
  needs: ["packages"],
  remedy: "Pin VCS dependencies to a full commit id (…@<40-hex>) and hash URL archives.",
  run(snapshot, params) {
    const findings: FindingDraft[] = [];
    // A manifest may name a tag when the lock beside it records the resolved commit. A guessed
    // name matches nothing by name; the repository URL still ties it to its lock entry.
    const lockedCommits = new Set(
      snapshot.packages.filter((p) =>
        p.layer === "lock" && p.source.kind === "vcs" && FULL_COMMIT.test(p.source.commit ?? "")
      ).flatMap(lockKeys),
    );
    for (const pkg of snapshot.packages) {
      const { source } = pkg;
      const base = { subject: packageSubject(pkg), location: pkg.locations[0] };
      if (source.kind === "vcs") {
        if (
          (source.commit && FULL_COMMIT.test(source.commit)) || FULL_COMMIT.test(source.ref ?? "")
        ) {
          continue;
        }
        if (pkg.layer === "manifest" && lockKeys(pkg).some((key) => lockedCommits.has(key))) {
          continue;
        }
        findings.push({
          ...base,
          message: source.ref
            ? `${packageLabel(pkg)} is installed from ${source.url} at "${source.ref}", a ` +
              "branch or tag that can move."
            : `${packageLabel(pkg)} is installed from ${source.url} with no revision: whatever ` +
              "the default branch holds at install time.",
          evidence: { url: source.url, ref: source.ref ?? null },
          fix: pkg.locations[0].file.endsWith("pyproject.toml")
            ? `Pin it to a reviewed commit — uv: [tool.uv.sources] ${pkg.name} = { git = ` +
              `"${source.url}", rev = "<full commit id>" }; Poetry: rev = "<full commit id>" — ` +
              "or commit the lock file, which records the resolved commit."
            : `Pin it to a reviewed commit: ${source.vcs}+${source.url}@<full commit id>` +
              (pkg.layer === "lock" ? ", then re-lock." : "."),
        });
      } else if (source.kind === "url") {
        if (pkg.hashes.some((h) => /^sha(?:256|384|512):/.test(h))) continue;
        if (params.allowLocal && /^file:/i.test(source.url)) continue;
        findings.push({
          ...base,
          message: `${pkg.name} is downloaded from ${source.url} without a hash of the file.`,
          evidence: { url: source.url },
          fix: `Add the archive's digest: ${pkg.name} @ ${source.url}#sha256=<digest> ` +
            "(or --hash=sha256:<digest> on the line).",
        });
      }
    }
    return findings;
  },
});

/** How a VCS entry is matched with a lock entry beside it: by written name, and by repository. */
function lockKeys(pkg: Package): string[] {
  const keys = hasWrittenName(pkg) ? [`${dirOf(pkg)}|name|${pkg.name}`] : [];
  if (pkg.source.kind === "vcs") {
    keys.push(`${dirOf(pkg)}|url|${normaliseIndexUrl(pkg.source.url.replace(/\.git$/i, ""))}`);
  }
  return keys;
}

function dirOf(pkg: { locations: Array<{ file: string }> }): string {
  const file = pkg.locations[0].file;
  return file.includes("/") ? file.slice(0, file.lastIndexOf("/")) : ".";
}
