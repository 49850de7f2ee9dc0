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
    const cases = suites.get(result.family) ?? [];
    cases.push(...testcasesOf(result, report));
    suites.set(result.family, cases);
  }
  const coverage = coverageTestcases(report);
  if (coverage.length > 0) suites.set("coverage", coverage);

  const count = (cases: Testcase[]) => ({
    tests: cases.length,
    failures: cases.filter((c) => c.outcome?.kind === "failure").length,
    errors: cases.filter((c) => c.outcome?.kind === "error").length,
    skipped: cases.filter((c) => c.outcome?.kind === "skipped").length,
  });
  const total = count([...suites.values()].flat());
  const out = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites${
      attributes({ name: `tollgate ${report.project}`, ...total, timestamp: report.evaluatedAt })
    }>`,
  ];
  for (const [family, cases] of suites) {
    out.push(
      `  <testsuite${
        attributes({ name: family, ...count(cases), timestamp: report.evaluatedAt })
      }>`,
      "    <properties>",
      `      <property${attributes({ name: "policy", value: report.policy })}/>`,
      `      <property${attributes({ name: "failOn", value: report.failOn })}/>`,
      `      <property${attributes({ name: "verdict", value: report.verdict })}/>`,
      "    </properties>",
    );
    for (const testcase of cases) out.push(...renderTestcase(testcase));
    out.push("  </testsuite>");
  }
  out.push("</testsuites>");
  return out.join("\n") + "\n";
}

/** The check's own testcase, then one per subject with a finding at or above `failOn`. */
function testcasesOf(result: CheckResult, report: Report): Testcase[] {
  const name = `${result.check}: ${result.title}`;
  const failing = result.findings.filter((f) => atLeast(f.severity, report.failOn));
  const others = result.findings.filter((f) => !atLeast(f.severity, report.failOn));
  const notes = [
    ...others.map(findingText),
    ...result.waived.map((f) =>
      `${findingText(f)}\nwaived until ${f.waiver.expires}: ${f.waiver.reason}`
    ),
  ];
  const out = notes.length > 0 ? listed(notes) : undefined;
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
      body: listed(failing.map(findingText)),
    };
  }
  if (result.status !== "fail") return [own];

  const bySubject = new Map<string, Finding[]>();
  for (const finding of failing) {
    const same = bySubject.get(finding.subject);
    if (same) same.push(finding);
    else bySubject.set(finding.subject, [finding]);
  }
  const subjects: Testcase[] = [...bySubject].map(([subject, findings]) => ({
    classname: result.check,
    name: subject,
    outcome: {
      kind: "failure",
      type: findings.some((f) => f.severity === "error") ? "error" : findings[0].severity,
      message: findings.length === 1
        ? findings[0].message
        : `${findings.length} findings; the first: ${findings[0].message}`,
      body: listed(findings.map(findingText)),
    },
  }));
  return [own, ...subjects];
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
  return [
    `${finding.severity}${where ? ` ${where}` : ""} ${finding.subject}`,
    finding.message,
    ...(finding.fix ? [`fix: ${finding.fix}`] : []),
  ].map((line) => clip(line, MAX_TEXT)).join("\n");
}

function listed(entries: string[]): string {
  const shown = entries.slice(0, MAX_LISTED);
  const rest = entries.length - shown.length;
  return shown.join("\n\n") + (rest > 0 ? `\n\n… and ${rest} more` : "");
}

function renderTestcase(testcase: Testcase): string[] {
  const open = `    <testcase${attributes({ classname: testcase.classname, name: testcase.name })}`;
  const { outcome, out } = testcase;
  if (!outcome && !out) return [`${open}/>`];
  const lines = [`${open}>`];
  if (outcome) {
    const attrs = attributes({ message: outcome.message, type: outcome.type });
    lines.push(
      outcome.body === undefined
        ? `      <${outcome.kind}${attrs}/>`
        : `      <${outcome.kind}${attrs}>${xmlText(outcome.body)}</${outcome.kind}>`,
    );
  }
  if (out) lines.push(`      <system-out>${xmlText(out)}</system-out>`);
  lines.push("    </testcase>");
  return lines;
}

function attributes(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ` ${key}="${xmlAttribute(String(value))}"`)
    .join("");
}

/** Characters XML 1.0 cannot carry at all, even as references (lone surrogates included). */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

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
  return clip(text, MAX_TEXT * MAX_LISTED).replace(NOT_XML, "\uFFFD").replace(
    /[&<>\r]/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;" })[c]!,
  );
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
  return clip(text, MAX_TEXT).replace(NOT_XML, "\uFFFD").replace(
    /[&<>"'\t\n\r]/g,
    (c) =>
      ({
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "'": "&apos;",
        "\t": "&#9;",
        "\n": "&#10;",
        "\r": "&#13;",
      })[c]!,
  );
}
