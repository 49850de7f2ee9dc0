/**
 * JUnit XML, for CI test dashboards (GitLab `artifacts:reports:junit`, Jenkins, Azure Pipelines):
 * a testsuite per check family, a testcase per check and one per subject that fails it; errored
 * checks and unreadable input as errors, skipped checks as skipped.
 *
 * @module
 */
import { atLeast, type Finding } from "../core/check.ts";
import type { CheckResult, Report } from "../core/report.ts";
import { clip, locationText } from "./_shared.ts";

const MAX_TEXT = 4_000;
/** Findings listed in one testcase's body; the rest are counted. */
const MAX_LISTED = 50;

interface Testcase {
  classname: string;
  name: string;
  outcome?: {
    kind: "failure" | "error" | "skipped";
    message: string;
    type?: string;
    body?: string;
  };
  out?: string;
}

/**
 * Render a report as JUnit XML.
 *
 * @param report The report.
 * @returns The XML document, ending with a newline.
 * @example
 * ```ts
 * import { formatJunit } from "./junit.ts";
 * import { pkg, runPolicy, snapshotOf } from "../testing.ts";
 * import { recommended } from "../policies/mod.ts";
 *
 * const report = await runPolicy(recommended, snapshotOf({ packages: [pkg("torch==2.3.1")] }));
 * formatJunit(report).includes('<testcase classname="signature.hash-pinned" name="pkg:pypi/torch@2.3.1">'); // true
 * ```
 */
export function formatJunit(report: Report): string {
  const suites = new Map<string, Testcase[]>();
  for (const result of report.results) {
    let cases = suites.get(result.family);
    if (!cases) suites.set(result.family, cases = []);
    addTestcases(cases, result, report);
  }
  const coverage = coverageTestcases(report);
  if (coverage.length > 0) suites.set("coverage", coverage);

  const timestamp = xmlAttribute(report.evaluatedAt);
  const properties = [
    "    <properties>",
    `      <property name="policy" value="${xmlAttribute(report.policy)}"/>`,
    `      <property name="failOn" value="${xmlAttribute(report.failOn)}"/>`,
    `      <property name="verdict" value="${xmlAttribute(report.verdict)}"/>`,
    "    </properties>",
  ].join("\n");
  const out = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="${xmlAttribute(`tollgate ${report.project}`)}"` +
    `${countAttributes([...suites.values()].flat())} ` +
    `timestamp="${timestamp}">`,
  ];
  for (const [family, cases] of suites) {
    out.push(
      `  <testsuite name="${xmlAttribute(family)}"${countAttributes(cases)} ` +
        `timestamp="${timestamp}">`,
      properties,
    );
    for (const testcase of cases) renderTestcase(testcase, out);
    out.push("  </testsuite>");
  }
  out.push("</testsuites>");
  return out.join("\n") + "\n";
}

/** ` tests="…" failures="…" errors="…" skipped="…"` for these testcases. */
function countAttributes(cases: Testcase[]): string {
  let failures = 0, errors = 0, skipped = 0;
  for (const { outcome } of cases) {
    if (outcome?.kind === "failure") failures++;
    else if (outcome?.kind === "error") errors++;
    else if (outcome?.kind === "skipped") skipped++;
  }
  return ` tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}"`;
}

/** The check's own testcase, then one per subject with a finding at or above `failOn`. */
function addTestcases(cases: Testcase[], result: CheckResult, report: Report): void {
  const name = `${result.check}: ${result.title}`;
  const failing: Finding[] = [];
  const others: Finding[] = [];
  for (const f of result.findings) (atLeast(f.severity, report.failOn) ? failing : others).push(f);
  const noted = others.length + result.waived.length;
  const out = noted > 0
    ? listed(noted, (i) => {
      if (i < others.length) return findingText(others[i]);
      const f = result.waived[i - others.length];
      return `${findingText(f)}\nwaived until ${f.waiver.expires}: ${f.waiver.reason}`;
    })
    : undefined;
  const own: Testcase = { classname: result.check, name, out };
  if (result.status === "error") {
    own.outcome = { kind: "error", type: "error", message: result.reason ?? "the check errored" };
  } else if (result.status === "skipped") {
    own.outcome = { kind: "skipped", message: result.reason ?? "skipped" };
  } else if (result.status === "fail") {
    own.outcome = {
      kind: "failure",
      type: "fail",
      message: `${failing.length} finding(s) at or above ${report.failOn}`,
      body: listed(failing.length, (i) => findingText(failing[i])),
    };
  }
  cases.push(own);
  if (result.status !== "fail") return;

  const bySubject = new Map<string, Finding[]>();
  for (const finding of failing) {
    const same = bySubject.get(finding.subject);
    if (same) same.push(finding);
    else bySubject.set(finding.subject, [finding]);
  }
  for (const [subject, findings] of bySubject) {
    cases.push({
      classname: result.check,
      name: subject,
      outcome: {
        kind: "failure",
        type: findings.some((f) => f.severity === "error") ? "error" : findings[0].severity,
        message: findings.length === 1
          ? findings[0].message
          : `${findings.length} findings; the first: ${findings[0].message}`,
        body: listed(findings.length, (i) => findingText(findings[i])),
      },
    });
  }
}

/** Unreadable input and missing sections are errors: the verdict is incomplete without them. */
function coverageTestcases(report: Report): Testcase[] {
  return [
    ...report.coverage.problems.map((problem): Testcase => ({
      classname: "coverage",
      name: locationText(problem),
      outcome: { kind: "error", type: "problem", message: problem.message },
    })),
    ...report.coverage.missing.map((missing): Testcase => ({
      classname: "coverage",
      name: missing.section,
      outcome: { kind: "error", type: "missing", message: missing.reason },
    })),
  ];
}

function findingText(finding: Finding): string {
  const where = locationText(finding.location);
  const text = clip(`${finding.severity}${where ? ` ${where}` : ""} ${finding.subject}`, MAX_TEXT) +
    "\n" + clip(finding.message, MAX_TEXT);
  return finding.fix ? `${text}\n${clip(`fix: ${finding.fix}`, MAX_TEXT)}` : text;
}

/**
 * The first `MAX_LISTED` of `count` entries, blank-line separated, and how many more: only those
 * shown are rendered, so a check with 10,000 findings costs here no more than one with 50.
 */
function listed(count: number, entry: (i: number) => string): string {
  const shown = Math.min(count, MAX_LISTED);
  let text = shown > 0 ? entry(0) : "";
  for (let i = 1; i < shown; i++) text += `\n\n${entry(i)}`;
  return count > shown ? `${text}\n\n… and ${count - shown} more` : text;
}

function renderTestcase(testcase: Testcase, lines: string[]): void {
  const open = `    <testcase classname="${xmlAttribute(testcase.classname)}" ` +
    `name="${xmlAttribute(testcase.name)}"`;
  const { outcome, out } = testcase;
  if (!outcome && !out) {
    lines.push(`${open}/>`);
    return;
  }
  lines.push(`${open}>`);
  if (outcome) {
    const attrs = ` message="${xmlAttribute(outcome.message)}"` +
      (outcome.type === undefined ? "" : ` type="${xmlAttribute(outcome.type)}"`);
    lines.push(
      outcome.body === undefined
        ? `      <${outcome.kind}${attrs}/>`
        : `      <${outcome.kind}${attrs}>${xmlText(outcome.body)}</${outcome.kind}>`,
    );
  }
  if (out) lines.push(`      <system-out>${xmlText(out)}</system-out>`);
  lines.push("    </testcase>");
}

/**
 * Characters XML 1.0 cannot carry at all, even as references, in well-formed text (`clip` has
 * already replaced lone surrogates; paired ones are characters XML allows).
 */
// deno-lint-ignore no-control-regex
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
/**
 * A character either escaper might change (any surrogate, paired or not): text without one is
 * returned as it is, after one scan.
 */
// deno-lint-ignore no-control-regex
const TEXT_SPECIAL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f&<>\r\ud800-\udfff\ufffe\uffff]/;
// deno-lint-ignore no-control-regex
const ATTRIBUTE_SPECIAL = /[\u0000-\u001f&<>"'\ud800-\udfff\ufffe\uffff]/;

/**
 * Escape text for XML character data: `&`, `<`, `>` as entities, `\r` as a reference (a parser
 * would turn it into `\n`), and characters XML 1.0 forbids replaced by U+FFFD.
 *
 * @param text Any string.
 * @returns Text safe between tags.
 * @example
 * ```ts
 * import { xmlText } from "./junit.ts";
 * xmlText("a < b ]]> \u0000"); // "a &lt; b ]]&gt; \uFFFD"
 * ```
 */
export function xmlText(text: string): string {
  if (text.length <= MAX_TEXT * MAX_LISTED && !TEXT_SPECIAL.test(text)) return text;
  return clip(text, MAX_TEXT * MAX_LISTED).replace(NOT_XML, "\uFFFD").replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll("\r", "&#13;");
}

/**
 * Escape text for a double- or single-quoted XML attribute: as {@linkcode xmlText}, plus quotes,
 * and tab, newline and carriage return as references so that attribute normalisation keeps them.
 *
 * @param text Any string.
 * @returns Text safe inside quotes.
 * @example
 * ```ts
 * import { xmlAttribute } from "./junit.ts";
 * xmlAttribute(`"x"\n'y'`); // "&quot;x&quot;&#10;&apos;y&apos;"
 * ```
 */
export function xmlAttribute(text: string): string {
  if (text.length <= MAX_TEXT && !ATTRIBUTE_SPECIAL.test(text)) return text;
  return clip(text, MAX_TEXT).replace(NOT_XML, "\uFFFD").replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;").replaceAll("\t", "&#9;").replaceAll("\n", "&#10;")
    .replaceAll("\r", "&#13;");
}
