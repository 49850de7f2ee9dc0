/**
 * Markdown for a pull-request comment or `$GITHUB_STEP_SUMMARY`: the verdict, a table of checks,
 * each check's findings in a collapsed `<details>` block, and what was not read. Text from the
 * project is escaped so it renders as text: no HTML, no links, no mentions, no broken tables.
 *
 * @module
 */
import type { Finding } from "../core/check.ts";
import type { CheckResult, CheckStatus, Report, WaivedFinding } from "../core/report.ts";
import { clip, locationText, withoutControls } from "./_shared.ts";

/**
 * Options for the Markdown formatter.
 *
 * @example
 * ```ts
 * import type { MarkdownOptions } from "./markdown.ts";
 * const options: MarkdownOptions = { limit: 20_000 };
 * ```
 */
export interface MarkdownOptions {
  /**
   * The most characters (UTF-16 units) to write; findings that do not fit are counted in a note.
   * Default {@linkcode MARKDOWN_LIMIT}; at least 2,000.
   */
  limit?: number;
}

/**
 * The default size limit: GitHub refuses comments over 65,536 characters.
 *
 * @example
 * ```ts
 * import { MARKDOWN_LIMIT } from "./markdown.ts";
 * MARKDOWN_LIMIT; // 65000
 * ```
 */
export const MARKDOWN_LIMIT = 65_000;

const ICON: Record<CheckStatus, string> = {
  pass: "✅",
  warn: "⚠️",
  fail: "❌",
  error: "❗",
  skipped: "⏭️",
};
const VERDICT = { pass: "✅ PASS", fail: "❌ FAIL", incomplete: "❗ INCOMPLETE" } as const;
const MAX_FIELD = 500;

/**
 * Render a report as GitHub-flavoured Markdown of at most `limit` characters.
 *
 * @param report The report.
 * @param options `limit`.
 * @returns The Markdown, ending with a newline.
 * @example
 * ```ts
 * import { formatMarkdown } from "./markdown.ts";
 * import { pkg, runPolicy, snapshotOf } from "../testing.ts";
 * import { recommended } from "../policies/mod.ts";
 *
 * const report = await runPolicy(recommended, snapshotOf({ packages: [pkg("torch==2.3.1")] }));
 * formatMarkdown(report).startsWith("## ❌ FAIL"); // true
 * ```
 */
export function formatMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const limit = options.limit ?? MARKDOWN_LIMIT;
  if (!Number.isInteger(limit) || limit < 2_000) {
    throw new RangeError(`limit must be a whole number of at least 2000 characters, got ${limit}`);
  }
  const s = report.summary;
  const head = [
    `## ${VERDICT[report.verdict]} · Tollgate · ${markdownText(clip(report.project, 100))}`,
    "",
    `Policy ${markdownText(clip(report.policy, 100))} · fails on ${report.failOn}` +
    `${report.strict ? " · strict (waivers ignored)" : ""} · ${markdownText(report.evaluatedAt)}`,
    "",
    `**${s.fail} failed**, ${s.warn} warned, ${s.pass} passed, ${s.error} errored, ` +
    `${s.skipped} skipped · findings: ${s.findings.error} error, ${s.findings.warning} warning, ` +
    `${s.findings.info} info · ${s.waived} waived` +
    (report.baseline
      ? ` · ${report.baseline.known} known (baseline), ${report.baseline.fixed.length} fixed since`
      : ""),
    "",
  ].join("\n") + "\n";
  // Room for the truncation note, whatever its numbers; then coverage, the table, the details.
  const out = new Budget(limit - head.length - 400);
  const coverage = coverageSection(report, out);
  const table = new Budget(out.left);

  table.push("| | Check | Status | Findings | Waived |\n| --- | --- | --- | ---: | ---: |\n");
  let rowsLeft = 0;
  for (const result of report.results) {
    const row = `| ${ICON[result.status]} | ${markdownText(result.check)} — ` +
      `${markdownText(clip(result.title, 200))} | ${result.status} | ${result.findings.length} | ` +
      `${result.waived.length} |\n`;
    if (!table.push(row)) rowsLeft++;
  }
  table.push("\n");

  let findingsLeft = 0;
  const total = report.results.reduce((n, r) => n + r.findings.length + r.waived.length, 0);
  for (const result of report.results) findingsLeft += detailsBlock(result, table);

  const notes: string[] = [];
  if (rowsLeft > 0) notes.push(`${rowsLeft} check(s) left out of the table`);
  if (findingsLeft > 0) notes.push(`${findingsLeft} of ${total} finding(s) left out`);
  if (coverage.left > 0) notes.push(`${coverage.left} input problem(s) left out`);
  const note = notes.length === 0 ? "" : `> [!NOTE]\n> Truncated to ${limit} characters: ` +
    `${notes.join("; ")}. The JSON, SARIF and JUnit outputs have them all.\n\n`;
  return head + table.text() + note + coverage.text;
}

/** A check's findings in a collapsed block; returns how many did not fit. */
function detailsBlock(result: CheckResult, out: Budget): number {
  const total = result.findings.length + result.waived.length;
  if (total === 0 && !result.reason) return 0;
  const sharedFix = new Set(result.findings.map((f) => f.fix)).size === 1 &&
      result.findings.length > 1
    ? result.findings[0].fix
    : undefined;
  // Rendered one at a time, so that a report far over the limit costs only what is shown.
  const entry = (i: number) =>
    i < result.findings.length
      ? findingItem(result.findings[i], sharedFix)
      : waivedItem(result.waived[i - result.findings.length]);

  const count = result.findings.length === 0 ? "" : ` (${result.findings.length})`;
  const open = `<details>\n<summary>${ICON[result.status]} ${htmlText(result.check)} — ` +
    `${htmlText(clip(result.title, 200))}${count}</summary>\n\n` +
    (result.reason ? `*Reason:* ${markdownText(result.reason)}\n\n` : "") +
    (result.rationale ? `*Why:* ${markdownText(result.rationale)}\n\n` : "");
  const close = (sharedFix ? `\n**Fix (all of the above):** ${markdownText(sharedFix)}\n` : "") +
    (total > 0 ? "\n" : "") + "</details>\n\n";
  if (!out.fits(open + (total > 0 ? entry(0) : "") + close)) return total;
  out.push(open);
  let shown = 0;
  while (shown < total) {
    const next = entry(shown);
    if (!out.fits(next + close)) break;
    out.push(next);
    shown++;
  }
  out.push(close);
  return total - shown;
}

function findingItem(finding: Finding, sharedFix: string | undefined): string {
  const where = locationText(finding.location);
  const subject = finding.subject === finding.location?.file ? "" : finding.subject;
  const fix = finding.fix && !sharedFix ? ` *Fix:* ${markdownText(finding.fix)}` : "";
  return `- **${finding.severity}**${where ? ` ${markdownText(where)}` : ""}` +
    `${subject ? ` ${markdownText(subject)}` : ""} — ${markdownText(finding.message)}${fix}\n`;
}

function waivedItem(finding: WaivedFinding): string {
  const where = locationText(finding.location);
  const owner = finding.waiver.owner ? `, ${markdownText(finding.waiver.owner)}` : "";
  return `- *waived* ${finding.severity}${where ? ` ${markdownText(where)}` : ""} ` +
    `${markdownText(finding.subject)} — ${markdownText(finding.message)} ` +
    `(accepted until ${markdownText(finding.waiver.expires)}${owner}: ` +
    `${markdownText(finding.waiver.reason)})\n`;
}

/** The coverage section, as much as fits (the file count always), and how many problems did not. */
function coverageSection(report: Report, out: Budget): { text: string; left: number } {
  const { inputs, problems, missing } = report.coverage;
  const lines = [
    ...problems.map((p) =>
      `- ⚠️ ${markdownText(clip(locationText(p), 200))} — ${markdownText(clip(p.message, 300))}\n`
    ),
    ...missing.map((m) =>
      `- ⚠️ ${markdownText(m.section)} is missing — ${markdownText(clip(m.reason, 300))}\n`
    ),
  ];
  const section = new Budget(out.left);
  section.push(`### Coverage\n\n${inputs.length} file(s) read.\n\n`);
  let left = 0;
  for (const line of lines) if (!section.push(line)) left++;
  if (lines.length > 0) section.push("\n");
  const text = section.text();
  out.push(text);
  return { text, left };
}

/** Appends text while it stays within a character budget. */
class Budget {
  #parts: string[] = [];
  #left: number;
  constructor(size: number) {
    this.#left = size;
  }
  get left(): number {
    return this.#left;
  }
  fits(text: string): boolean {
    return text.length <= this.#left;
  }
  push(text: string): boolean {
    if (!this.fits(text)) return false;
    this.#parts.push(text);
    this.#left -= text.length;
    return true;
  }
  text(): string {
    return this.#parts.join("");
  }
}

/** Line breaks of any kind. */
const BREAKS = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/g;
const WORD_JOINER = "\u2060";

/**
 * Keep GitHub from turning text into a mention (`@user`), an issue reference (`#12`) or an
 * autolink (`https://…`, `www.…`, `a@b.example`): an invisible word joiner breaks each trigger.
 */
function defuse(text: string): string {
  return text
    .replace(/([@#])(?=[\p{L}\p{N}_])/gu, `$1${WORD_JOINER}`)
    .replace(/:\/\//g, `:${WORD_JOINER}//`)
    .replace(/\b(www)\./gi, `$1${WORD_JOINER}.`);
}

/** One line of well-formed text, at most `max` long, without controls. */
function oneLine(text: string, max: number): string {
  return withoutControls(clip(text, max).replace(BREAKS, " ").replace(/\t/g, " "));
}

/**
 * Escape text for the middle of a Markdown line or a table cell: one line, the characters that
 * make emphasis, links, images, HTML, entities, code, math or cell breaks backslash-escaped,
 * mentions and autolinks defused, at most 500 characters. (Callers never start a block with it,
 * so `-`, `+`, `.` and `=` need no escape.)
 *
 * @param text Any string.
 * @returns Markdown that renders as the text.
 * @example
 * ```ts
 * import { markdownText } from "./markdown.ts";
 * markdownText("a|b </details>"); // "a\\|b \\</details\\>"
 * ```
 */
export function markdownText(text: string): string {
  return defuse(oneLine(text, MAX_FIELD)).replace(/[\\`*_[\]()#!|~<>&@$]/g, "\\$&");
}

/**
 * Escape text for HTML (the `<summary>` line, inside which Markdown is not parsed): one line,
 * `& < > " '` as entities, mentions and autolinks defused, at most 500 characters.
 *
 * @param text Any string.
 * @returns HTML text that renders as the text.
 * @example
 * ```ts
 * import { htmlText } from "./markdown.ts";
 * htmlText("</summary><b>x</b>"); // "&lt;/summary&gt;&lt;b&gt;x&lt;/b&gt;"
 * ```
 */
export function htmlText(text: string): string {
  return defuse(oneLine(text, MAX_FIELD)).replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!,
  );
}
