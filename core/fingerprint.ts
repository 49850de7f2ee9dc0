/**
 * Finding fingerprints: one stable identity per finding, so a baseline, a SARIF upload or a diff
 * can tell a finding it has seen from a new one.
 *
 * The identity is the check, the subject, the file (never the line: an unrelated edit above a
 * finding must not make it new), and the finding's rank among findings of the same check, subject
 * and file, in file order. Same input, same fingerprints. It is a SHA-256, so a hostile project
 * cannot name a package or path whose finding collides with one a baseline already accepts.
 *
 * @module
 */

/**
 * The version prefix of fingerprints; a change of scheme changes it, so old baselines never match
 * by accident.
 *
 * @example
 * ```ts
 * import { FINGERPRINT_SCHEME } from "./fingerprint.ts";
 * FINGERPRINT_SCHEME; // "tollgate/v1"
 * ```
 */
export const FINGERPRINT_SCHEME = "tollgate/v1" as const;

/**
 * The parts of a finding its fingerprint is made of.
 *
 * @example
 * ```ts
 * import { fingerprintAll, type FingerprintParts } from "./fingerprint.ts";
 * const parts: FingerprintParts = {
 *   check: "signature.hash-pinned",
 *   subject: "pkg:pypi/torch",
 *   location: { file: "requirements.txt" },
 * };
 * (await fingerprintAll([parts]))[0].length; // 32
 * ```
 */
export interface FingerprintParts {
  /** The check id. */
  check: string;
  /** The finding's subject. */
  subject: string;
  /** The finding's location, if any (only the file is used). */
  location?: { file: string };
}

/**
 * Fingerprint a list of findings of one check, given in report order (file, then line). The n-th
 * finding with the same check, subject and file gets rank n.
 *
 * @param findings The findings, sorted as the report sorts them.
 * @returns One fingerprint per finding, in the same order: 32 hex digits.
 * @example
 * ```ts
 * import { fingerprintAll } from "./fingerprint.ts";
 * const [a, b] = await fingerprintAll([
 *   { check: "venv.isolated", subject: "env:.venv" },
 *   { check: "venv.isolated", subject: "env:.venv" },
 * ]);
 * a.length; // 32
 * a !== b; // true
 * ```
 */
export async function fingerprintAll(findings: readonly FingerprintParts[]): Promise<string[]> {
  const seen = new Map<string, number>();
  return await Promise.all(findings.map((finding) => {
    const key = [finding.check, finding.subject, finding.location?.file ?? ""].join("\0");
    const rank = seen.get(key) ?? 0;
    seen.set(key, rank + 1);
    return sha256Hex(`${FINGERPRINT_SCHEME}\0${key}\0${rank}`);
  }));
}

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)),
  );
  return Array.from(digest.subarray(0, 16), (b) => b.toString(16).padStart(2, "0")).join("");
}
