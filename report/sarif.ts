/**
 * SARIF 2.1.0, for code-scanning dashboards (GitHub's `upload-sarif`, GitLab, IDE viewers): one
 * run, a rule per check, a result per finding (waived ones kept, with a suppression), and what
 * kept the run from being complete as tool execution notifications.
 *
 * Severity mapping, for rules (the severity the policy gives the check) and results (the
 * finding's own): `error` → level `error`, `security-severity` "8.0" (GitHub: high); `warning` →
 * `warning`, "5.0" (medium); `info` → `note`, "2.0" (low).
 *
 * @module
 */
import type { Finding, Severity } from "../core/check.ts";
import type { CheckResult, Report, WaivedFinding } from "../core/report.ts";
import { clip, pathPrefix, repositoryFile } from "./_shared.ts";
import { type RuleInfo, rulesForResults } from "./rules.ts";

/**
 * Options for the SARIF formatter.
 *
 * @example
 * ```ts
 * import type { SarifOptions } from "./sarif.ts";
 * const options: SarifOptions = { pathPrefix: "services/train" };
 * ```
 */
export interface SarifOptions {
  /** The check catalogue (`rulesOf(policy)`); checks not in it get a rule derived from the report. */
  checks?: readonly RuleInfo[];
  /** The tool's home page, `tool.driver.informationUri`. Default {@linkcode TOLLGATE_URI}. */
  informationUri?: string;
  /**
   * The project's folder inside the repository (`services/train`), put before every project path
   * so code scanning finds the files from the repository root. Default: none.
   */
  pathPrefix?: string;
}

/**
 * Where Tollgate is described: the default `tool.driver.informationUri`.
 *
 * @example
 * ```ts
 * import { TOLLGATE_URI } from "./sarif.ts";
 * TOLLGATE_URI.startsWith("https://"); // true
 * ```
 */
export const TOLLGATE_URI = "https://www.npmjs.com/package/@tollgate/tollgate";

/**
 * The key of Tollgate's fingerprint in `partialFingerprints`.
 *
 * @example
 * ```ts
 * import { FINGERPRINT_KEY } from "./sarif.ts";
 * FINGERPRINT_KEY; // "tollgate/v1"
 * ```
 */
export const FINGERPRINT_KEY = "tollgate/v1";

/**
 * SARIF `level` and GitHub `security-severity` for each Tollgate severity.
 *
 * @example
 * ```ts
 * import { SARIF_SEVERITY } from "./sarif.ts";
 * SARIF_SEVERITY.warning; // { level: "warning", securitySeverity: "5.0" }
 * ```
 */
export const SARIF_SEVERITY: Readonly<
  Record<Severity, { level: "error" | "warning" | "note"; securitySeverity: string }>
> = {
  error: { level: "error", securitySeverity: "8.0" },
  warning: { level: "warning", securitySeverity: "5.0" },
  info: { level: "note", securitySeverity: "2.0" },
};

/** GitHub accepts at most 25,000 results per run; more are left out, and a notification says so. */
const MAX_RESULTS = 25_000;
const MAX_NOTIFICATIONS = 1_000;
const MAX_TEXT = 8_000;
const SRCROOT = "%SRCROOT%";

type Json = Record<string, unknown>;

/**
 * Render a report as a SARIF 2.1.0 log (JSON text ending with a newline).
 *
 * @param report The report.
 * @param options The check catalogue and the tool's home page.
 * @returns The SARIF log.
 * @example
 * ```ts
 * import { formatSarif } from "./sarif.ts";
 * import { rulesOf } from "./rules.ts";
 * import { pkg, runPolicy, snapshotOf } from "../testing.ts";
 * import { recommended } from "../policies/mod.ts";
 *
 * const report = await runPolicy(recommended, snapshotOf({ packages: [pkg("torch==2.3.1")] }));
 * const sarif = JSON.parse(formatSarif(report, { checks: rulesOf(recommended) }));
 * sarif.runs[0].results[0].ruleId; // "signature.hash-pinned"
 * ```
 */
export function formatSarif(report: Report, options: SarifOptions = {}): string {
  const rules = rulesForResults(report.results, options.checks);
  const ruleIndex = new Map(rules.map((rule, i) => [rule.id, i]));
  const prefix = pathPrefix(options.pathPrefix);
  const locations = new LocationCache(prefix);
  // With a baseline, each result says whether it is new or was already known (SARIF §3.27.24).
  const state = report.baseline ? { findings: "new", baselined: "unchanged" } : undefined;
  const results: Json[] = [];
  let total = 0;
  for (const result of report.results) {
    const groups = [
      { findings: result.findings, baselineState: state?.findings },
      { findings: result.waived, baselineState: undefined },
      { findings: result.baselined ?? [], baselineState: state?.baselined },
    ];
    for (const { findings, baselineState } of groups) {
      total += findings.length;
      for (const finding of findings) {
        if (results.length === MAX_RESULTS) break;
        const sarif = sarifResult(finding, ruleIndex.get(finding.check) ?? 0, locations);
        results.push(baselineState ? { ...sarif, baselineState } : sarif);
      }
    }
  }
  const notifications = executionNotifications(report, ruleIndex, prefix);
  if (total > MAX_RESULTS) {
    notifications.unshift({
      level: "warning",
      message: {
        text: `${total - MAX_RESULTS} of ${total} findings are left out: SARIF ` +
          `consumers accept at most ${MAX_RESULTS} results per run; the JSON report has them all.`,
      },
    });
  }
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [{
      tool: {
        driver: {
          name: report.tool.name,
          version: report.tool.version,
          ...(/^\d+\.\d+\.\d+/.test(report.tool.version)
            ? { semanticVersion: report.tool.version }
            : {}),
          informationUri: options.informationUri ?? TOLLGATE_URI,
          rules: rules.map(sarifRule),
        },
      },
      invocations: [{
        // Complete: every check ran and every input was read (the verdict may still be fail).
        executionSuccessful: report.summary.error === 0 &&
          report.coverage.problems.length === 0 && report.coverage.missing.length === 0,
        endTimeUtc: report.evaluatedAt,
        ...(notifications.length > 0
          ? { toolExecutionNotifications: notifications.slice(0, MAX_NOTIFICATIONS) }
          : {}),
      }],
      originalUriBaseIds: {
        [SRCROOT]: {
          description: { text: `The root of the project checked (${report.project}).` },
        },
      },
      columnKind: "utf16CodeUnits",
      results,
      properties: {
        project: report.project,
        policy: report.policy,
        verdict: report.verdict,
        failOn: report.failOn,
        strict: report.strict,
        summary: report.summary,
        snapshot: report.snapshot,
      },
    }],
  };
  // Compact: a log is read by machines, and indenting costs five times the serialisation.
  return JSON.stringify(log) + "\n";
}

function sarifRule(rule: RuleInfo): Json {
  const helpUri = rule.references.map((r) => httpUrl(r.url)).find((url) => url !== undefined);
  const fix = rule.remedy ? `\n\n**Fix:** ${rule.remedy}` : "";
  const links = rule.references.flatMap((r) => {
    const url = httpUrl(r.url);
    return url ? [`- [${r.title.replace(/[[\]\\]/g, "")}](<${url}>)`] : [];
  });
  const reading = links.length === 0 ? "" : `\n\n${links.join("\n")}`;
  return {
    id: rule.id,
    name: pascalCase(rule.id),
    shortDescription: { text: clip(rule.title, MAX_TEXT) },
    fullDescription: { text: clip(rule.description || rule.title, MAX_TEXT) },
    ...(helpUri ? { helpUri } : {}),
    help: {
      text: clip(
        `${rule.description || rule.title}${rule.remedy ? ` Fix: ${rule.remedy}` : ""}`,
        MAX_TEXT,
      ),
      markdown: clip(`${rule.description || rule.title}${fix}${reading}`, MAX_TEXT),
    },
    defaultConfiguration: { level: SARIF_SEVERITY[rule.severity].level },
    properties: {
      tags: ["security", String(rule.family), "ML06"],
      "security-severity": SARIF_SEVERITY[rule.severity].securitySeverity,
    },
  };
}

/**
 * Optional members are written as `undefined` (which JSON leaves out) rather than spread in, so
 * that every result has one shape and serialising 10,000 of them stays fast.
 */
function sarifResult(
  finding: Finding | WaivedFinding,
  ruleIndex: number,
  locations: LocationCache,
): Json {
  const waiver = "waiver" in finding ? finding.waiver : undefined;
  const location = finding.location;
  const fix = finding.fix ? ` Fix: ${finding.fix}` : "";
  return {
    ruleId: finding.check,
    ruleIndex,
    level: SARIF_SEVERITY[finding.severity].level,
    message: { text: messageText(clip(`${finding.message}${fix}`, MAX_TEXT)) },
    locations: location ? [locations.of(location)] : undefined,
    partialFingerprints: finding.fingerprint
      ? { [FINGERPRINT_KEY]: finding.fingerprint }
      : undefined,
    suppressions: waiver
      ? [{
        kind: "external",
        status: "accepted",
        justification: clip(waiver.reason, MAX_TEXT),
        properties: {
          expires: waiver.expires,
          owner: waiver.owner ? clip(waiver.owner, 200) : undefined,
        },
      }]
      : undefined,
    properties: {
      subject: clip(finding.subject, MAX_TEXT),
      severity: finding.severity,
      fix: finding.fix ? clip(finding.fix, MAX_TEXT) : undefined,
    },
  };
}

/**
 * SARIF locations by file: a report names few files many times, and the URI of each is worked
 * out once (the objects are shared; JSON writes each occurrence in full).
 */
class LocationCache {
  #physical = new Map<string, Json | undefined>();
  #logical = new Map<string, Json>();
  #prefix: string;

  constructor(prefix: string) {
    this.#prefix = prefix;
  }

  of(location: { file: string; line?: number; column?: number }): Json {
    const artifactLocation = this.#artifactLocation(location.file);
    if (artifactLocation === undefined) {
      let logical = this.#logical.get(location.file);
      if (!logical) {
        logical = { logicalLocations: [outsideLocation(location.file)] };
        this.#logical.set(location.file, logical);
      }
      return logical;
    }
    return { physicalLocation: physicalLocation(artifactLocation, location) };
  }

  #artifactLocation(file: string): Json | undefined {
    if (this.#physical.has(file)) return this.#physical.get(file);
    const inside = repositoryFile(file, this.#prefix);
    const artifactLocation = inside === undefined
      ? undefined
      : { uri: relativeUri(inside), uriBaseId: SRCROOT };
    this.#physical.set(file, artifactLocation);
    return artifactLocation;
  }
}

function physicalLocation(
  artifactLocation: Json,
  location: { line?: number; column?: number },
): Json {
  const line = location.line !== undefined && location.line >= 1 ? location.line : undefined;
  const column = location.column !== undefined && location.column >= 1
    ? location.column
    : undefined;
  return {
    artifactLocation,
    region: line === undefined ? undefined : { startLine: line, startColumn: column },
  };
}

/** Configuration outside the project (`~/.config/pip/pip.conf`, `env:PIP_INDEX_URL`) has no URI here. */
function outsideLocation(file: string): Json {
  const name = clip(file, MAX_TEXT);
  return file.startsWith("env:")
    ? { name: name.slice(4), fullyQualifiedName: name, kind: "variable" }
    : { fullyQualifiedName: name, kind: "resource" };
}

function executionNotifications(
  report: Report,
  ruleIndex: Map<string, number>,
  prefix: string,
): Json[] {
  const notes: Json[] = [];
  const rule = (result: CheckResult) => ({
    associatedRule: { id: result.check, index: ruleIndex.get(result.check) ?? 0 },
  });
  for (const result of report.results) {
    if (result.status === "error") {
      notes.push({
        level: "error",
        message: { text: clip(`${result.check} could not run: ${result.reason ?? ""}`, MAX_TEXT) },
        ...rule(result),
      });
    } else if (result.status === "skipped") {
      notes.push({
        level: "note",
        message: { text: clip(`${result.check} was skipped: ${result.reason ?? ""}`, MAX_TEXT) },
        ...rule(result),
      });
    }
  }
  for (const problem of report.coverage.problems) {
    const file = repositoryFile(problem.file, prefix);
    notes.push({
      level: "warning",
      message: { text: clip(problem.message, MAX_TEXT) },
      locations: [
        file === undefined ? { logicalLocations: [outsideLocation(problem.file)] } : {
          physicalLocation: physicalLocation(
            { uri: relativeUri(file), uriBaseId: SRCROOT },
            { line: problem.line },
          ),
        },
      ],
    });
  }
  for (const missing of report.coverage.missing) {
    notes.push({
      level: "warning",
      message: { text: clip(`${missing.section} is missing: ${missing.reason}`, MAX_TEXT) },
    });
  }
  return notes;
}

/**
 * A relative URI reference for a project path: each segment percent-encoded as UTF-8 (spaces,
 * `#`, `%`, `?`, `:` and non-ASCII included), so that no segment reads as a scheme or a query.
 */
function relativeUri(file: string): string {
  return file.split("/").map((segment) => encodeURIComponent(segment.toWellFormed())).join("/");
}

function httpUrl(url: string): string | undefined {
  if (!URL.canParse(url)) return undefined;
  const parsed = new URL(url);
  return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : undefined;
}

/** SARIF reads `[text](target)` in a plain-text message as a link; literal brackets are escaped. */
function messageText(text: string): string {
  return /[[\]]/.test(text) ? text.replace(/[[\]]/g, "\\$&") : text;
}

/** `signature.hash-pinned` → `SignatureHashPinned`: SARIF suggests an identifier-like name. */
function pascalCase(id: string): string {
  return id.split(/[^A-Za-z0-9]+/).filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1)).join("");
}
