/**
 * The runtime: run a policy's checks over a snapshot and decide. Pure apart from awaiting checks:
 * the same snapshot, policy and `now` give the same report, byte for byte.
 *
 * @module
 */
import { z } from "zod";
import type { Assert, Same } from "./_same_type.ts";
import {
  atLeast,
  cleanZodMessage,
  type ConfiguredCheck,
  Finding,
  type FindingDraft,
  formatKeyPath,
  Severity,
} from "./check.ts";
import { applyBaseline, type Baseline } from "./baseline.ts";
import { fingerprintAll } from "./fingerprint.ts";
import { globMatch, globToRegExp } from "./glob.ts";
import { compareText, type Policy, type Waiver, waiverExpired } from "./policy.ts";
import {
  type CheckResult,
  type Report,
  REPORT_SCHEMA,
  type Verdict,
  type WaivedFinding,
  WAIVERS_CHECK_ID,
} from "./report.ts";
import { type Section, Snapshot, TOOL } from "./snapshot.ts";

/**
 * What `evaluate` takes.
 *
 * @example
 * ```ts
 * import { evaluate, type EvaluateOptions } from "./evaluate.ts";
 * import { definePolicy } from "./policy.ts";
 * import { emptySnapshot } from "./snapshot.ts";
 * const options: EvaluateOptions = {
 *   snapshot: emptySnapshot({ root: "demo", collectedAt: "2026-01-01T00:00:00.000Z" }),
 *   policy: definePolicy({ name: "empty", checks: [] }),
 *   now: new Date("2026-01-02T00:00:00Z"),
 *   offline: true,
 * };
 * (await evaluate(options)).verdict; // "pass"
 * ```
 */
export interface EvaluateOptions {
  /** The facts. */
  snapshot: Snapshot;
  /** The rules. */
  policy: Policy;
  /** The evaluation time (waiver expiry, release ages). Default: the current time. */
  now?: Date;
  /** The user asked for no network: checks lacking registry data are `skipped`, not `error`. */
  offline?: boolean;
  /** Ignore every waiver. */
  strict?: boolean;
  /** How long one check may run before it is stopped and reported as `error`. Default 120 s. */
  checkTimeoutMs?: number;
  /** Findings already seen: they are reported as `baselined` and no longer fail. */
  baseline?: Baseline;
}

/**
 * Evaluate a policy against a snapshot. A check that throws, or returns malformed findings,
 * becomes a result with status `error` and the reason; evaluation itself never throws for a
 * check's fault.
 *
 * @param options Snapshot, policy, and `now`, `offline`, `strict`.
 * @returns The report.
 * @example
 * ```ts
 * import { definePolicy } from "./policy.ts";
 * import { emptySnapshot } from "./snapshot.ts";
 * import { evaluate } from "./evaluate.ts";
 * const report = await evaluate({
 *   snapshot: emptySnapshot({ root: "demo", collectedAt: "2026-01-01T00:00:00.000Z" }),
 *   policy: definePolicy({ name: "empty", checks: [] }),
 *   now: new Date("2026-01-02T00:00:00Z"),
 * });
 * report.verdict; // "pass"
 * ```
 */
export async function evaluate(options: EvaluateOptions): Promise<Report> {
  const { policy } = options;
  // Parsing validates the snapshot and yields a copy with keys in schema order: frozen, it is what
  // every check sees (none can change it for the next, nor the caller's), and its JSON is the
  // canonical form the report's digest is taken over.
  const parsed = Snapshot.safeParse(options.snapshot);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(
      `evaluate: not a valid snapshot at ${
        formatKeyPath(issue.path as PropertyKey[]) || "top level"
      }: ` +
        cleanZodMessage(issue.message),
    );
  }
  const snapshot = deepFreeze(parsed.data);
  const now = options.now ?? new Date();
  const timeoutMs = options.checkTimeoutMs ?? 120_000;
  const offline = options.offline ?? false;
  const strict = options.strict ?? false;
  const waivers = strict ? [] : policy.waivers;
  const activeWaivers = waivers.filter((w) => !waiverExpired(w, now));
  const usedWaivers = new Set<Waiver>();

  const results: CheckResult[] = [];
  for (const configured of policy.checks) {
    const result = await runOne(configured, { snapshot, now, offline, timeoutMs });
    if (result.status === "pass") {
      const kept: Finding[] = [];
      for (const finding of result.findings) {
        const waiver = activeWaivers.find((w) => waives(w, configured.id, finding));
        if (waiver) {
          usedWaivers.add(waiver);
          result.waived.push({ ...finding, waiver });
        } else kept.push(finding);
      }
      result.findings = kept;
      result.status = statusOf(kept, policy.failOn);
    }
    results.push(result);
  }
  if (waivers.length > 0) results.push(waiverResult(waivers, usedWaivers, now, policy.failOn));
  results.sort((a, b) => compareText(a.check, b.check));
  for (const result of results) await addFingerprints(result);
  const baseline = options.baseline ? applyBaseline(results, options.baseline) : undefined;
  if (baseline) {
    for (const result of results) {
      if (result.status !== "error" && result.status !== "skipped") {
        result.status = statusOf(result.findings, policy.failOn);
      }
    }
  }

  const summary = {
    pass: 0,
    warn: 0,
    fail: 0,
    error: 0,
    skipped: 0,
    findings: { error: 0, warning: 0, info: 0 },
    waived: 0,
  };
  for (const result of results) {
    summary[result.status]++;
    summary.waived += result.waived.length;
    for (const finding of result.findings) summary.findings[finding.severity]++;
  }
  const failed = results.some((r) => r.findings.some((f) => atLeast(f.severity, policy.failOn)));
  const verdict: Verdict = failed
    ? "fail"
    : summary.error > 0 || snapshot.problems.length > 0
    ? "incomplete"
    : "pass";

  return {
    schema: REPORT_SCHEMA,
    tool: { ...TOOL },
    project: snapshot.root,
    policy: policy.name,
    evaluatedAt: now.toISOString(),
    snapshot: { collectedAt: snapshot.collectedAt, digest: await digestOf(snapshot) },
    failOn: policy.failOn,
    strict,
    verdict,
    summary,
    results,
    coverage: { inputs: snapshot.inputs, problems: snapshot.problems, missing: snapshot.missing },
    data: snapshot.data,
    ...(baseline ? { baseline } : {}),
  };
}

async function runOne(
  configured: ConfiguredCheck,
  context: { snapshot: Snapshot; now: Date; offline: boolean; timeoutMs: number },
): Promise<CheckResult> {
  const { definition } = configured;
  const base = {
    check: configured.id,
    title: definition.title,
    family: definition.family,
    findings: [] as Finding[],
    waived: [] as WaivedFinding[],
    ...(configured.options.rationale ? { rationale: configured.options.rationale } : {}),
  };
  const missing = definition.needs.filter((s) => !context.snapshot.collected.includes(s));
  if (missing.length > 0) {
    const online = missing.filter(isRegistrySection);
    // A producer that tried and failed says why in `missing`.
    const why = context.snapshot.missing.filter((m) => missing.includes(m.section))
      .map((m) => m.reason);
    // Skipped only when offline is the reason: a broken local database is an error.
    if (context.offline && online.length === missing.length && why.length === 0) {
      return {
        ...base,
        status: "skipped",
        reason: `needs registry data (${
          missing.join(", ")
        }), not in the cache or a local database with --offline`,
      };
    }
    return {
      ...base,
      status: "error",
      reason: `needs snapshot section(s) ${missing.join(", ")}, which this snapshot does not ` +
        `contain${why.length ? `: ${why.join("; ")}` : ""}`,
    };
  }
  let drafts: unknown;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`it did not finish within ${context.timeoutMs / 1000} s`)),
        context.timeoutMs,
      );
    });
    drafts = await Promise.race([
      Promise.resolve().then(() =>
        definition.run(context.snapshot, configured.params, {
          now: new Date(context.now.getTime()),
          offline: context.offline,
        })
      ),
      timeout,
    ]);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ...base, status: "error", reason: `the check failed: ${message}` };
  } finally {
    clearTimeout(timer);
  }
  const parsed = FindingDrafts.safeParse(drafts);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ...base,
      status: "error",
      reason: `the check returned an invalid finding at ${
        formatKeyPath(issue.path as PropertyKey[]) || "top level"
      }: ${cleanZodMessage(issue.message)}`,
    };
  }
  const findings = (parsed.data as FindingDraft[]).map((draft): Finding => {
    const { severity, ...rest } = draft;
    return {
      check: configured.id,
      severity: configured.options.severity ?? severity ?? definition.severity,
      ...rest,
    };
  }).sort(compareFindings);
  return { ...base, status: "pass", findings };
}

function waives(waiver: Waiver, check: string, finding: Finding): boolean {
  return (waiver.check === "*" || waiver.check === check) &&
    globMatch(waiver.subject, finding.subject) &&
    (waiver.file === undefined ||
      (finding.location !== undefined &&
        globToRegExp(waiver.file, { path: true }).test(finding.location.file)));
}

/** Kept and waived findings share one ranking, so waiving a finding never renames another. */
async function addFingerprints(result: CheckResult): Promise<void> {
  const all: Finding[] = [...result.findings, ...result.waived].sort(compareFindings);
  const prints = await fingerprintAll(all);
  all.forEach((finding, i) => finding.fingerprint = prints[i]);
}

function isRegistrySection(section: Section): boolean {
  return section.startsWith("registry.");
}

/** What a check may return: findings without `check` (the runtime adds it). */
const FindingDrafts = z.array(
  Finding.omit({ check: true, severity: true, fingerprint: true }).extend({
    severity: Severity.optional(),
    subject: z.string().min(1),
    message: z.string().min(1),
  }).strict(),
);
type _FindingDrafts = Assert<Same<z.output<typeof FindingDrafts>[number], FindingDraft>>;

function statusOf(findings: Finding[], failOn: Severity): CheckResult["status"] {
  if (findings.some((f) => atLeast(f.severity, failOn))) return "fail";
  if (findings.some((f) => atLeast(f.severity, "warning"))) return "warn";
  return "pass";
}

function deepFreeze<T>(value: T): T {
  // Iterative: a hostile snapshot's nesting depth must not overflow the call stack.
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const next = stack.pop();
    if (next === null || typeof next !== "object" || Object.isFrozen(next)) continue;
    Object.freeze(next);
    for (const child of Object.values(next)) stack.push(child);
  }
  return value;
}

/** sha256 of the parsed snapshot's JSON: keys come in schema order, so producers' order never matters. */
async function digestOf(snapshot: Snapshot): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(snapshot));
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return "sha256:" + Array.from(hash, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Total order on findings: file, line, column, subject, message.
 *
 * @example
 * ```ts
 * import { compareFindings } from "./evaluate.ts";
 * const a = { check: "c", severity: "error" as const, subject: "a", message: "m" };
 * compareFindings(a, { ...a, subject: "b" }); // -1
 * ```
 */
export function compareFindings(a: Finding, b: Finding): number {
  return compareText(a.location?.file ?? "", b.location?.file ?? "") ||
    (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
    (a.location?.column ?? 0) - (b.location?.column ?? 0) ||
    compareText(a.subject, b.subject) ||
    compareText(a.message, b.message);
}

function waiverResult(
  waivers: Waiver[],
  used: Set<Waiver>,
  now: Date,
  failOn: Severity,
): CheckResult {
  const findings: Finding[] = [];
  for (const waiver of waivers) {
    const subject = `waiver:${waiver.check}:${waiver.subject}`;
    const who = waiver.owner ? ` (owner ${waiver.owner})` : "";
    if (waiverExpired(waiver, now)) {
      findings.push({
        check: WAIVERS_CHECK_ID,
        severity: "warning",
        subject,
        message:
          `Waiver for ${waiver.check} on "${waiver.subject}"${who} expired on ${waiver.expires}; its findings count again.`,
        evidence: { reason: waiver.reason },
        fix: "Fix the findings it covered, or renew the waiver with a new expiry date and reason.",
      });
    } else if (!used.has(waiver)) {
      findings.push({
        check: WAIVERS_CHECK_ID,
        severity: "info",
        subject,
        message:
          `Waiver for ${waiver.check} on "${waiver.subject}"${who} is orphaned: it matched no finding.`,
        evidence: { reason: waiver.reason, expires: waiver.expires },
        fix: "Remove the waiver, or correct its check id, subject glob or file glob.",
      });
    }
  }
  findings.sort(compareFindings);
  return {
    check: WAIVERS_CHECK_ID,
    title: "Waivers are current and used",
    family: "policy",
    status: statusOf(findings, failOn),
    findings,
    waived: [],
  };
}
