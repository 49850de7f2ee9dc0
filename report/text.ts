/**
 * The text report, for people: grouped by check, `file:line` locations, the fix, one summary
 * line. Colour only when asked (the CLI asks on a TTY without NO_COLOR).
 *
 * @module
 */
import type { Finding } from "../core/check.ts";
import type { CheckResult, Report } from "../core/report.ts";

/**
 * Options for the text formatter.
 *
 * @example
 * ```ts
 * import type { TextOptions } from "./text.ts";
 * const options: TextOptions = { color: false, quiet: true };
 * ```
 */
export interface TextOptions {
  /** Use ANSI colours. */
  color?: boolean;
  /** Only failing and errored checks, problems and the summary line. */
  quiet?: boolean;
}

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, dim: 2, bold: 1 } as const;

/**
 * Render a report as text.
 *
 * @param report The report.
 * @param options `color`, `quiet`.
 * @returns The text, ending with a newline.
 * @example
 * ```ts ignore
 * import { formatText } from "./text.ts";
 * console.log(formatText(report, { color: false }));
 * ```
 */
export function formatText(report: Report, options: TextOptions = {}): string {
  const paint = (code: keyof typeof CODES, text: string) =>
    options.color ? `\x1b[${CODES[code]}m${text}\x1b[0m` : text;
  const out: string[] = [];
  out.push(
    paint("bold", `tollgate ${report.project}`) +
      paint(
        "dim",
        ` · policy ${report.policy} · fails on ${report.failOn}` +
          `${report.strict ? " · strict (waivers ignored)" : ""} · ${report.evaluatedAt}`,
      ),
    "",
  );
  for (const result of report.results) {
    if (options.quiet && (result.status === "pass" || result.status === "skipped")) continue;
    out.push(...renderResult(result, paint));
  }

  const waived = report.results.flatMap((r) => r.waived);
  if (waived.length > 0 && !options.quiet) {
    out.push("", paint("bold", `Waived (${waived.length}) — accepted risks, still listed:`));
    for (const finding of waived) {
      out.push(
        `  ${finding.check}  ${where(finding)}${finding.subject}`,
        paint(
          "dim",
          `      ${finding.waiver.reason}` +
            `${
              finding.waiver.owner ? ` — ${finding.waiver.owner}` : ""
            }, until ${finding.waiver.expires}`,
        ),
      );
    }
  }

  if (report.baseline) out.push(...renderBaseline(report, paint, options.quiet === true));

  const { inputs, problems } = report.coverage;
  out.push("", paint("bold", "Coverage:") + ` ${inputs.length} file(s) read`);
  if (!options.quiet) {
    for (const input of inputs) out.push(paint("dim", `  ${input.file} (${input.format})`));
  }
  if (problems.length > 0) {
    out.push(
      paint("yellow", `  ${problems.length} input problem(s) — these files were not fully read:`),
    );
    for (const p of problems) {
      out.push(`  ${p.line ? `${p.file}:${p.line}` : p.file}  ${stripPrefix(p.message, p.file)}`);
    }
  }

  for (const m of report.coverage.missing) {
    out.push(paint("yellow", `  ${m.section} is missing: ${m.reason}`));
  }

  if (report.data.length > 0) {
    out.push("", paint("bold", "Registry data:"));
    for (const d of report.data) out.push(`  ${describeSource(d)}`);
  }

  const s = report.summary;
  const verdict = report.verdict === "pass"
    ? paint("green", "PASS")
    : report.verdict === "fail"
    ? paint("red", "FAIL")
    : paint("yellow", "INCOMPLETE");
  out.push(
    "",
    `${verdict}  ${s.fail} failed, ${s.warn} warned, ${s.pass} passed, ${s.error} errored, ` +
      `${s.skipped} skipped` +
      ` · findings: ${s.findings.error} error, ${s.findings.warning} warning, ${s.findings.info} info` +
      ` · ${s.waived} waived` +
      (report.baseline
        ? ` · ${report.baseline.known} known (baseline), ${report.baseline.fixed.length} fixed`
        : ""),
  );
  return out.join("\n") + "\n";
}

type Paint = (code: keyof typeof CODES, text: string) => string;

/** Known findings are counted, not listed (the baseline file lists them); fixed ones are listed. */
function renderBaseline(report: Report, paint: Paint, quiet: boolean): string[] {
  const baseline = report.baseline!;
  const lines = [
    "",
    paint("bold", "Baseline") +
    ` (recorded ${baseline.createdAt}): ${baseline.known} known finding(s) no longer fail` +
    (baseline.unchecked
      ? `; ${baseline.unchecked} recorded finding(s) of checks that did not run this time`
      : ""),
  ];
  if (baseline.fixed.length > 0) {
    lines.push(paint("green", `  Fixed since the baseline (${baseline.fixed.length}):`));
    for (const entry of quiet ? baseline.fixed.slice(0, 20) : baseline.fixed) {
      lines.push(`  ${entry.check}  ${entry.file ? `${entry.file}  ` : ""}${entry.subject}`);
    }
    if (quiet && baseline.fixed.length > 20) {
      lines.push(paint("dim", `  … and ${baseline.fixed.length - 20} more`));
    }
  }
  return lines;
}

function renderResult(result: CheckResult, paint: Paint): string[] {
  const lines: string[] = [];
  const head = `${result.check} — ${result.title}`;
  switch (result.status) {
    case "pass":
      lines.push(
        `${paint("green", "✓ pass ")} ${head}` +
          (result.findings.length ? paint("dim", ` (${result.findings.length} note(s))`) : ""),
      );
      break;
    case "warn":
      lines.push(`${paint("yellow", "▲ warn ")} ${head}`);
      break;
    case "fail":
      lines.push(`${paint("red", "✗ fail ")} ${paint("bold", head)}`);
      break;
    case "error":
      lines.push(`${paint("yellow", "! error")} ${head}`, `         ${result.reason ?? ""}`);
      break;
    case "skipped":
      lines.push(
        `${paint("dim", "- skip ")} ${head}`,
        paint("dim", `         ${result.reason ?? ""}`),
      );
      break;
  }
  const fixes = new Set(result.findings.map((f) => f.fix));
  const sharedFix = fixes.size === 1 && result.findings.length > 1
    ? result.findings[0].fix
    : undefined;
  for (const finding of result.findings) {
    const color = finding.severity === "error"
      ? "red"
      : finding.severity === "warning"
      ? "yellow"
      : "blue";
    lines.push(
      `         ${paint(color, finding.severity.padEnd(7))} ${where(finding)}` +
        (finding.subject === finding.location?.file ? "" : finding.subject),
      `                 ${finding.message}`,
    );
    if (finding.fix && !sharedFix) lines.push(paint("dim", `                 fix: ${finding.fix}`));
  }
  if (sharedFix) lines.push(paint("dim", `         fix (all of the above): ${sharedFix}`));
  return lines;
}

function where(finding: Finding): string {
  const loc = finding.location;
  if (!loc) return "";
  return `${loc.file}${loc.line ? `:${loc.line}` : ""}${loc.column ? `:${loc.column}` : ""}  `;
}

function stripPrefix(message: string, file: string): string {
  return message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message;
}

/** One line per data source: where from, how much came from the network or the cache, as of when. */
function describeSource(d: Report["data"][number]): string {
  const parts = [
    d.requests === undefined ? undefined : `${d.requests} request(s)`,
    d.fromCache ? `${d.fromCache} from cache` : undefined,
    d.stale ? `${d.stale} STALE (server unreachable)` : undefined,
    d.version,
    d.oldestRetrievedAt && d.retrievedAt
      ? `fetched ${d.oldestRetrievedAt} … ${d.retrievedAt}`
      : d.retrievedAt && d.version === undefined
      ? `fetched ${d.retrievedAt}`
      : undefined,
  ].filter((p): p is string => p !== undefined);
  return `${d.name} ${d.url ?? ""}${parts.length ? ` · ${parts.join(" · ")}` : ""}`;
}
