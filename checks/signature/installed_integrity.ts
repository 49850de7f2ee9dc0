/**
 * `signature.installed-integrity`: what is installed is what the installer wrote.
 *
 * @module
 */
import { z } from "zod";
import { defineCheck, type FindingDraft, type Severity } from "../../core/check.ts";
import type { Distribution, Environment, RecordDiscrepancy } from "../../core/snapshot.ts";
import { globToRegExp } from "../../core/glob.ts";
import { OWASP_ML06 } from "../_shared.ts";

const SEVERITY: Record<RecordDiscrepancy["kind"], Severity> = {
  "hash-mismatch": "error",
  "size-mismatch": "error",
  "missing": "error",
  "unrecorded": "error",
  "escapes-environment": "error",
  "unhashed": "warning",
  "unknown-algorithm": "warning",
  "unreadable": "warning",
  "malformed-entry": "warning",
};

const WHAT: Record<RecordDiscrepancy["kind"], string> = {
  "hash-mismatch": "was changed after install: its sha256 differs from RECORD",
  "size-mismatch": "was changed after install: its size differs from RECORD",
  "missing": "is listed in RECORD but missing",
  "unrecorded": "is not listed in RECORD (added after install, or by something else)",
  "escapes-environment": "is a RECORD path that leads outside the environment; it was not read",
  "unhashed": "has no hash in RECORD, so it cannot be verified",
  "unknown-algorithm": "is hashed in RECORD with an algorithm too weak or unknown to verify",
  "unreadable": "could not be read to verify",
  "malformed-entry": "has a RECORD entry that could not be parsed",
};

/**
 * `signature.installed-integrity`: every installed file matches its distribution's RECORD
 * (sha256 and size), nothing unrecorded sits in a package's directories, and no `.pth` file that
 * runs code at interpreter start belongs to no distribution.
 *
 * @example
 * ```ts
 * import { installedIntegrity } from "./installed_integrity.ts";
 * installedIntegrity({ ignore: ["pkg:pypi/my-editable-project@*"] });
 * ```
 */
export const installedIntegrity = defineCheck({
  id: "signature.installed-integrity",
  title: "Installed packages match their RECORD",
  description:
    "Each installed distribution's RECORD lists every file with its sha256 and size, as the " +
    "installer wrote them. A file that differs, is missing, or was added inside a package's " +
    "directories means the environment was modified after install — by a compromised build " +
    "step, a post-install hook, or by hand. A .pth file whose import lines run at every " +
    "interpreter start, owned by no distribution, is a classic persistence trick.",
  family: "signature",
  severity: "error",
  references: [OWASP_ML06, {
    title: "Python packaging: Recording installed projects (RECORD)",
    url: "https://packaging.python.org/en/latest/specifications/recording-installed-packages/",
  }],
  params: z.object({
    ignore: z.array(z.string().min(1)).default([])
      .describe("Subjects (globs) to leave out, e.g. an editable install of the project itself"),
  }).strict(),
  needs: ["environments", "records"],
  remedy: "Recreate the environment from the lock file (hash-checked) instead of repairing it, " +
    "and find out what modified it.",
  run(snapshot, params) {
    const ignored = params.ignore.map((g) => globToRegExp(g));
    const findings: FindingDraft[] = [];
    for (const env of snapshot.environments) {
      for (const dist of env.distributions) {
        const subject = `pkg:pypi/${dist.name}@${dist.version}`;
        if (ignored.some((re) => re.test(subject)) || !dist.record) continue;
        for (const d of dist.record.discrepancies) {
          findings.push(discrepancyFinding(env, dist, d, subject));
        }
      }
      for (const startup of env.startupFiles ?? []) {
        if (!startup.executesCode || startup.owner) continue;
        findings.push({
          subject: `file:${startup.path}`,
          location: { file: startup.path, ...(startup.line ? { line: startup.line } : {}) },
          message: `${startup.path} runs code at every Python start in ${env.path} and belongs ` +
            "to no installed distribution.",
          fix: "Read it; remove it unless you know which tool put it there, then recreate the " +
            "environment from the lock file.",
        });
      }
    }
    return findings;
  },
});

function discrepancyFinding(
  env: Environment,
  dist: Distribution,
  d: RecordDiscrepancy,
  subject: string,
): FindingDraft {
  const distInfo = dist.location.file.replace(/\/[^/]*$/, "");
  const sitePackages = distInfo.replace(/\/[^/]*$/, "");
  const file = d.kind === "escapes-environment" || d.kind === "malformed-entry"
    ? `${distInfo}/RECORD`
    : joinPath(sitePackages, d.path);
  const line = d.kind === "escapes-environment" || d.kind === "malformed-entry"
    ? d.line
    : undefined;
  return {
    subject,
    severity: SEVERITY[d.kind],
    location: { file, ...(line ? { line } : {}) },
    message: `${d.path} (${dist.name} ${dist.version}, in ${env.path}) ${WHAT[d.kind]}.`,
    evidence: {
      kind: d.kind,
      ...(d.expected ? { expected: d.expected } : {}),
      ...(d.actual ? { actual: d.actual } : {}),
    },
    fix: d.kind === "unhashed" || d.kind === "unknown-algorithm"
      ? `Reinstall ${dist.name} with an installer that writes sha256 RECORD entries (pip, uv).`
      : `Reinstall ${dist.name}==${dist.version} from a hash-checked lock into a fresh ` +
        "environment, and find out what changed this file.",
  };
}

function joinPath(base: string, relative: string): string {
  const parts = base.split("/");
  for (const segment of relative.split("/")) {
    if (segment === "..") parts.pop();
    else if (segment !== "." && segment !== "") parts.push(segment);
  }
  return parts.join("/");
}
