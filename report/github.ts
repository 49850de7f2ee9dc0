/**
 * GitHub Actions workflow commands: an annotation per finding (`::error file=…,line=…::message`),
 * per errored check and per unreadable input, then one summary line. Escaped exactly as
 * `@actions/core` escapes, so no text from the project can end a command or start another;
 * other control characters (terminal escape sequences) are replaced by U+FFFD.
 *
 * @module
 */
import type { Finding, Severity } from "../core/check.ts";
import type { Report } from "../core/report.ts";
import { clip, locationText, projectFile, withoutControls } from "./_shared.ts";

const COMMAND: Record<Severity, "error" | "warning" | "notice"> = {
  error: "error",
  warning: "warning",
  info: "notice",
};
/** GitHub cuts annotation messages far below this; the bound keeps a hostile line finite. */
const MAX_TEXT = 4_000;

/**
 * Escape a workflow command's message as `@actions/core` does: `%`, `\r`, `\n` as `%25`, `%0D`,
 * `%0A`.
 *
 * @param text Any string.
 * @returns The message, on one line.
 * @example
 * ```ts
 * import { escapeData } from "./github.ts";
 * escapeData("50%\nnext"); // "50%25%0Anext"
 * ```
 */
export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/**
 * Escape a workflow command's property value as `@actions/core` does: as {@linkcode escapeData},
 * plus `:` and `,` as `%3A` and `%2C`.
 *
 * @param text Any string.
 * @returns The value, safe between `=` and `,` or `::`.
 * @example
 * ```ts
 * import { escapeProperty } from "./github.ts";
 * escapeProperty("a,b:c"); // "a%2Cb%3Ac"
 * ```
 */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/**
 * Render a report as GitHub Actions workflow commands, one per line. Waived findings and skipped
 * checks get no annotation; the summary line counts them.
 *
 * @param report The report.
 * @returns The commands, ending with a newline.
 * @example
 * ```ts
 * import { formatGithub } from "./github.ts";
 * import { pkg, runPolicy, snapshotOf } from "../testing.ts";
 * import { recommended } from "../policies/mod.ts";
 *
 * const report = await runPolicy(recommended, snapshotOf({ packages: [pkg("torch==2.3.1")] }));
 * formatGithub(report).split("\n").some((line) => line.startsWith("::error file=requirements.txt,line=1,")); // true
 * ```
 */
export function formatGithub(report: Report): string {
  const lines: string[] = [];
  for (const result of report.results) {
    // Escaped once per check: every finding of the check carries the same title.
    const title = new Escaped(`${result.check}: ${result.title}`);
    for (const finding of result.findings) {
      lines.push(command(COMMAND[finding.severity], {
        ...fileProperties(finding.location),
        title,
      }, findingMessage(finding)));
    }
    if (result.status === "error") {
      lines.push(
        command("warning", { title: `${result.check} could not run` }, result.reason ?? ""),
      );
    }
  }
  for (const problem of report.coverage.problems) {
    lines.push(command(
      "warning",
      { ...fileProperties(problem), title: "Tollgate could not read this input" },
      projectFile(problem.file) === undefined
        ? `${locationText(problem)}: ${problem.message}`
        : problem.message,
    ));
  }
  for (const m of report.coverage.missing) {
    lines.push(command("warning", { title: `${m.section} is missing` }, m.reason));
  }
  const s = report.summary;
  const summary = `Tollgate ${report.verdict.toUpperCase()} (policy ${report.policy}): ` +
    `${s.fail} failed, ${s.warn} warned, ${s.pass} passed, ${s.error} errored, ${s.skipped} skipped · ` +
    `findings: ${s.findings.error} error, ${s.findings.warning} warning, ${s.findings.info} info · ` +
    `${s.waived} waived`;
  lines.push(command(
    report.verdict === "fail" ? "error" : report.verdict === "incomplete" ? "warning" : "notice",
    { title: `Tollgate: ${report.verdict}` },
    summary,
  ));
  return lines.join("\n") + "\n";
}

/** A property value escaped once, for many commands. */
class Escaped {
  readonly text: string;
  constructor(value: string) {
    this.text = escapeProperty(printable(value));
  }
}

function command(
  name: "error" | "warning" | "notice",
  properties: Record<string, string | number | Escaped | undefined>,
  message: string,
): string {
  const props = Object.entries(properties)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) =>
      `${key}=${value instanceof Escaped ? value.text : escapeProperty(printable(String(value)))}`
    )
    .join(",");
  return `::${name}${props ? ` ${props}` : ""}::${escapeData(printable(message))}`;
}

function printable(text: string): string {
  return withoutControls(clip(text, MAX_TEXT));
}

/** `file`, `line`, `col` for a file in the project; nothing for one outside it. */
function fileProperties(
  location: { file: string; line?: number; column?: number } | undefined,
): Record<string, number | string | undefined> {
  const file = location && projectFile(location.file);
  if (!location || file === undefined) return {};
  return {
    file,
    line: location.line,
    col: location.line === undefined ? undefined : location.column,
  };
}

/** The message, the subject and where (when no annotation can point there), and the fix. */
function findingMessage(finding: Finding): string {
  const outside = finding.location && projectFile(finding.location.file) === undefined
    ? ` (${locationText(finding.location)})`
    : "";
  return `${finding.subject}${outside}: ${finding.message}` +
    (finding.fix ? `\nFix: ${finding.fix}` : "");
}
