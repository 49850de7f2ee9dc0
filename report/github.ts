/**
 * GitHub Actions workflow commands: an annotation per finding (`::error file=…,line=…::message`),
 * per errored check and per unreadable input, then one summary line. Escaped exactly as
 * `@actions/core` escapes, so no text from the project can end a command or start another;
 * other control characters (terminal escape sequences) are replaced by U+FFFD.
 *
 * @module
 */
import type { Severity } from "../core/check.ts";
import type { Report } from "../core/report.ts";
import { clip, locationText, pathPrefix, repositoryFile, withoutControls } from "./_shared.ts";

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
  if (!/[%\r\n]/.test(text)) return text;
  return text.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
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
  if (!/[%\r\n:,]/.test(text)) return text;
  return escapeData(text).replaceAll(":", "%3A").replaceAll(",", "%2C");
}

/**
 * Options of {@linkcode formatGithub}.
 *
 * @example
 * ```ts
 * import type { GithubOptions } from "./github.ts";
 * const options: GithubOptions = { pathPrefix: "services/train" };
 * ```
 */
export interface GithubOptions {
  /**
   * The project's folder inside the repository (`services/train`), put before every project path:
   * GitHub resolves annotation files from the repository root. Default: none.
   */
  pathPrefix?: string;
}

/**
 * Render a report as GitHub Actions workflow commands, one per line. Waived findings and skipped
 * checks get no annotation; the summary line counts them.
 *
 * @param report The report.
 * @param options `pathPrefix`: the project's folder in the repository.
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
export function formatGithub(report: Report, options: GithubOptions = {}): string {
  const lines: string[] = [];
  const files = new FileProperties(pathPrefix(options.pathPrefix));
  for (const result of report.results) {
    // Escaped once per check: every finding of the check carries the same title.
    const title = `title=${property(`${result.check}: ${result.title}`)}`;
    for (const finding of result.findings) {
      const { location } = finding;
      const where = location && files.of(location);
      const outside = location && where === undefined ? ` (${locationText(location)})` : "";
      const message = `${finding.subject}${outside}: ${finding.message}` +
        (finding.fix ? `\nFix: ${finding.fix}` : "");
      lines.push(`::${COMMAND[finding.severity]} ${where ?? ""}${title}::${data(message)}`);
    }
    if (result.status === "error") {
      lines.push(command("warning", `${result.check} could not run`, result.reason ?? ""));
    }
  }
  for (const problem of report.coverage.problems) {
    const where = files.of(problem);
    const message = where === undefined
      ? `${locationText(problem)}: ${problem.message}`
      : problem.message;
    lines.push(
      `::warning ${where ?? ""}title=Tollgate could not read this input::${data(message)}`,
    );
  }
  for (const m of report.coverage.missing) {
    lines.push(command("warning", `${m.section} is missing`, m.reason));
  }
  const s = report.summary;
  const summary = `Tollgate ${report.verdict.toUpperCase()} (policy ${report.policy}): ` +
    `${s.fail} failed, ${s.warn} warned, ${s.pass} passed, ${s.error} errored, ${s.skipped} skipped · ` +
    `findings: ${s.findings.error} error, ${s.findings.warning} warning, ${s.findings.info} info · ` +
    `${s.waived} waived`;
  lines.push(command(
    report.verdict === "fail" ? "error" : report.verdict === "incomplete" ? "warning" : "notice",
    `Tollgate: ${report.verdict}`,
    summary,
  ));
  return lines.join("\n") + "\n";
}

function command(name: "error" | "warning" | "notice", title: string, message: string): string {
  return `::${name} title=${property(title)}::${data(message)}`;
}

function property(value: string): string {
  return escapeProperty(printable(value));
}

function data(message: string): string {
  return escapeData(printable(message));
}

function printable(text: string): string {
  return withoutControls(clip(text, MAX_TEXT));
}

/**
 * `file=…,line=…,col=…,` for a location in the project, undefined for one outside it; each file
 * is checked and escaped once however many findings name it. (Numbers need no escape.)
 */
class FileProperties {
  #files = new Map<string, string | undefined>();
  #prefix: string;

  constructor(prefix: string) {
    this.#prefix = prefix;
  }

  of(location: { file: string; line?: number; column?: number }): string | undefined {
    let file = this.#files.get(location.file);
    if (file === undefined && !this.#files.has(location.file)) {
      const inside = repositoryFile(location.file, this.#prefix);
      file = inside === undefined ? undefined : `file=${property(inside)},`;
      this.#files.set(location.file, file);
    }
    if (file === undefined || location.line === undefined) return file;
    return location.column === undefined
      ? `${file}line=${location.line},`
      : `${file}line=${location.line},col=${location.column},`;
  }
}
