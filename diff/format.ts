/**
 * A diff as text (for a terminal or CI log), JSON (for machines) or Markdown (for a pull-request
 * comment: a summary table, the new findings, and each kind of change collapsed). Formatters
 * describe the verdict; they do not decide it.
 *
 * @module
 */
import { atLeast, type Finding } from "../core/check.ts";
import { htmlText, MARKDOWN_LIMIT, markdownText } from "../report/mod.ts";
import type {
  ArtifactChange,
  EnvironmentChange,
  ModelChange,
  PackageChange,
  SignatureChange,
  SnapshotChanges,
  SourceChange,
} from "./changes.ts";
import type { DiffSideInfo, ProjectDiff } from "./project.ts";

/**
 * Options of the diff formatters.
 *
 * @example
 * ```ts
 * import type { DiffFormatOptions } from "./format.ts";
 * const options: DiffFormatOptions = { color: false, limit: 30_000 };
 * ```
 */
export interface DiffFormatOptions {
  /** ANSI colour (text only). */
  color?: boolean;
  /** Most characters (Markdown only; default 65,000, at least 2,000). */
  limit?: number;
}

/** One line of a change list: a sign, the subject, details, and whether it deserves attention. */
interface Line {
  sign: string;
  subject: string;
  details: string;
  where?: string;
  alarm: boolean;
}

const SIGN = {
  added: "+",
  removed: "-",
  upgraded: "↑",
  downgraded: "↓",
  changed: "~",
  publisher: "!",
  signer: "!",
} as const;

// deno-lint-ignore no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/** One line of project text, control characters replaced: it must not repaint a terminal. */
const plain = (text: string) => text.replace(CONTROLS, "\uFFFD");

const where = (location: { file: string; line?: number }) =>
  location.line === undefined ? location.file : `${location.file}:${location.line}`;

function packageLine(change: PackageChange): Line {
  const was = change.base;
  const is = change.head;
  const version = (state: typeof was) => state?.version ?? (state?.specifier || "(any)");
  let details = "";
  if (change.change === "added") details = version(is);
  else if (change.change === "removed") details = version(was);
  else {
    const parts: string[] = [];
    if (change.aspects.includes("version") || change.aspects.includes("specifier")) {
      parts.push(`${version(was)} → ${version(is)}`);
    }
    if (change.aspects.includes("source")) parts.push(`source ${was!.source} → ${is!.source}`);
    if (change.hashesReplaced) {
      parts.push(
        `same version, hashes replaced (${change.hashesReplaced.removed.length} removed, ` +
          `${change.hashesReplaced.added.length} added): a re-uploaded or swapped file`,
      );
    } else if (change.aspects.includes("hashes") && !change.aspects.includes("version")) {
      parts.push("hashes changed");
    }
    if (change.aspects.includes("editable")) parts.push("editable changed");
    if (change.aspects.includes("direct")) parts.push("direct/transitive changed");
    details = parts.filter(Boolean).join("; ");
  }
  const state = is ?? was!;
  return {
    sign: SIGN[change.change],
    subject: `${change.name}${change.ecosystem === "pypi" ? "" : ` (${change.ecosystem})`}`,
    details: `${details} [${change.layer}]`,
    where: where(state),
    alarm: change.change === "downgraded" || change.hashesReplaced !== undefined ||
      change.aspects.includes("source"),
  };
}

function sourceLine(change: SourceChange): Line {
  return {
    sign: SIGN[change.change],
    subject: change.kind === "index" ? "index" : "setting",
    details: change.what,
    where: where(change.location),
    alarm: change.change === "added",
  };
}

function environmentLine(change: EnvironmentChange): Line {
  return {
    sign: SIGN[change.change],
    subject: change.path,
    details: change.details.join("; "),
    alarm: change.details.some((d) => d.startsWith("new startup") || d.startsWith("now includes")),
  };
}

function modelLine(change: ModelChange): Line {
  return {
    sign: SIGN[change.change],
    subject: `${change.hub === "huggingface" ? "" : `${change.hub}:`}${change.repoId}`,
    details: change.details.join("; "),
    where: where(change.location),
    alarm: change.change === "publisher" ||
      change.details.some((d) => d.startsWith("loads remote")),
  };
}

function artifactLine(change: ArtifactChange): Line {
  return {
    sign: SIGN[change.change],
    subject: change.path,
    details: change.details.join("; "),
    alarm: change.newImports.length > 0,
  };
}

function signatureLine(change: SignatureChange): Line {
  return {
    sign: SIGN[change.change],
    subject: change.path,
    details: [`covers ${change.modelPath}`, ...change.details].join("; "),
    alarm: change.change === "removed" || change.change === "signer",
  };
}

/** Each kind of change: its heading and lines. */
function sections(changes: SnapshotChanges): Array<{ title: string; lines: Line[] }> {
  return [
    { title: "Packages", lines: changes.packages.map(packageLine) },
    { title: "Indexes, channels and installer settings", lines: changes.sources.map(sourceLine) },
    { title: "Environments", lines: changes.environments.map(environmentLine) },
    { title: "Hub models", lines: changes.models.map(modelLine) },
    { title: "Model files", lines: changes.artifacts.map(artifactLine) },
    { title: "Model signatures", lines: changes.signatures.map(signatureLine) },
  ];
}

const sideText = (side: DiffSideInfo) =>
  side.commit ? `${side.label} (${side.commit.slice(0, 12)})` : side.label;

function verdictText(diff: ProjectDiff): string {
  const count = diff.findings.new.length;
  if (diff.verdict === "fail") return `FAIL: the change adds finding(s) at or above ${diff.failOn}`;
  if (diff.verdict === "incomplete") {
    return "INCOMPLETE: HEAD could not be fully evaluated (see coverage)";
  }
  return count > 0 ? `PASS: the new findings are below ${diff.failOn}` : "PASS: no new findings";
}

function countBySeverity(findings: readonly Finding[]): string {
  const counts = { error: 0, warning: 0, info: 0 };
  for (const finding of findings) counts[finding.severity] += 1;
  return Object.entries(counts).filter(([, n]) => n > 0).map(([s, n]) => `${n} ${s}`).join(", ");
}

/**
 * Render a diff for a terminal or a CI log.
 *
 * @param diff The diff.
 * @param options `color`.
 * @returns The text, ending with a newline.
 * @example
 * ```ts ignore
 * import { formatDiffText } from "./format.ts";
 * console.log(formatDiffText(diff, { color: false }));
 * ```
 */
export function formatDiffText(diff: ProjectDiff, options: DiffFormatOptions = {}): string {
  const paint = (code: number, text: string) =>
    options.color ? `\x1b[${code}m${text}\x1b[0m` : text;
  const out: string[] = [
    paint(1, `tollgate diff ${plain(sideText(diff.base))} → ${plain(sideText(diff.head))}`) +
    paint(2, ` · policy ${plain(diff.policy)} · fails on ${diff.failOn}`),
  ];
  for (const section of sections(diff.changes)) {
    if (section.lines.length === 0) continue;
    out.push("", paint(1, `${section.title} (${section.lines.length})`));
    for (const line of section.lines) {
      const text = `  ${line.sign} ${plain(line.subject)}  ${plain(line.details)}` +
        (line.where ? paint(2, `  ${plain(line.where)}`) : "");
      out.push(line.alarm ? paint(33, text) : text);
    }
  }
  for (const skipped of diff.changes.notCompared) {
    out.push("", paint(2, `not compared: ${skipped.kind}: ${skipped.reason}`));
  }
  const { findings } = diff;
  out.push(
    "",
    paint(
      1,
      `Findings: ${findings.new.length} new` +
        (findings.new.length > 0 ? ` (${countBySeverity(findings.new)})` : "") +
        `, ${findings.fixed.length} fixed, ${findings.unchanged} unchanged` +
        (findings.unchecked > 0 ? `, ${findings.unchecked} not rechecked` : ""),
    ),
  );
  for (const finding of findings.new) {
    const color = finding.severity === "error" ? 31 : finding.severity === "warning" ? 33 : 34;
    out.push(
      `  ${paint(color, `new ${finding.severity}`)} ${finding.check}` +
        (finding.location ? `  ${plain(where(finding.location))}` : ""),
      `      ${plain(finding.message)}`,
    );
  }
  for (const fixed of findings.fixed) {
    out.push(
      `  ${paint(32, "fixed")} ${fixed.check}` + (fixed.file ? `  ${plain(fixed.file)}` : "") +
        `  ${plain(fixed.message)}`,
    );
  }
  for (const unrun of diff.unrun.filter((u) => u.status === "error")) {
    out.push(`  ${paint(31, "error")} ${unrun.check}: ${plain(unrun.reason)}`);
  }
  const skipped = diff.unrun.filter((u) => u.status === "skipped").map((u) => u.check);
  if (skipped.length > 0) {
    out.push(`  ${paint(2, `skipped (no registry data): ${skipped.join(", ")}`)}`);
  }
  for (const problem of diff.coverage.problems.slice(0, 10)) {
    out.push(`  problem ${plain(where(problem))}: ${plain(problem.message)}`);
  }
  const color = diff.verdict === "pass" ? 32 : 31;
  out.push("", paint(color, verdictText(diff)));
  return out.join("\n") + "\n";
}

/**
 * Render a diff as JSON (the {@linkcode ProjectDiff} itself, schema `tollgate.diff/v1`).
 *
 * @param diff The diff.
 * @returns Indented JSON, ending with a newline.
 * @example
 * ```ts ignore
 * import { formatDiffJson } from "./format.ts";
 * JSON.parse(formatDiffJson(diff)).schema; // "tollgate.diff/v1"
 * ```
 */
export function formatDiffJson(diff: ProjectDiff): string {
  return JSON.stringify(diff, null, 2) + "\n";
}

/**
 * Render a diff as GitHub-flavoured Markdown for a pull-request comment: verdict, a summary table,
 * the new findings, then each kind of change in a collapsed block. Project text is escaped; the
 * result stays under `limit` characters, with a note of what did not fit.
 *
 * @param diff The diff.
 * @param options `limit`.
 * @returns The Markdown, ending with a newline.
 * @example
 * ```ts ignore
 * import { formatDiffMarkdown } from "./format.ts";
 * formatDiffMarkdown(diff).startsWith("## "); // true
 * ```
 */
export function formatDiffMarkdown(diff: ProjectDiff, options: DiffFormatOptions = {}): string {
  const limit = options.limit ?? MARKDOWN_LIMIT;
  if (!Number.isInteger(limit) || limit < 2_000) {
    throw new RangeError(`limit must be a whole number of at least 2000 characters, got ${limit}`);
  }
  const icon = diff.verdict === "pass" ? "✅" : diff.verdict === "fail" ? "❌" : "❗";
  const head: string[] = [
    `## ${icon} ${markdownText(verdictText(diff))}`,
    "",
    `\`tollgate diff\` ${markdownText(sideText(diff.base))} → ${
      markdownText(sideText(diff.head))
    } · policy ${markdownText(diff.policy)} · fails on ${diff.failOn}`,
    "",
    "| | added | removed | changed | needs attention |",
    "|---|---:|---:|---:|---:|",
  ];
  const all = sections(diff.changes);
  for (const section of all) {
    const count = (signs: string[]) => section.lines.filter((l) => signs.includes(l.sign)).length;
    head.push(
      `| ${section.title} | ${count(["+"])} | ${count(["-"])} | ${count(["↑", "↓", "~", "!"])} | ${
        section.lines.filter((l) => l.alarm).length
      } |`,
    );
  }
  const { findings } = diff;
  head.push(
    `| **Findings** | ${findings.new.length} new | ${findings.fixed.length} fixed | ` +
      `${findings.unchanged} unchanged | ${
        findings.new.filter((f) => atLeast(f.severity, diff.failOn)).length
      } |`,
    "",
  );
  const body: string[] = [];
  if (findings.new.length > 0) {
    body.push(`### New findings (${findings.new.length})`, "");
    for (const finding of findings.new) {
      body.push(
        `- **${finding.severity}** \`${finding.check}\`` +
          (finding.location ? ` ${markdownText(where(finding.location))}` : "") +
          `: ${markdownText(finding.message)}`,
      );
    }
    body.push("");
  }
  if (findings.fixed.length > 0) {
    body.push(
      `<details><summary>Fixed findings (${findings.fixed.length})</summary>`,
      "",
      ...findings.fixed.map((f) =>
        `- \`${f.check}\`${f.file ? ` ${markdownText(f.file)}` : ""}: ${markdownText(f.message)}`
      ),
      "",
      "</details>",
      "",
    );
  }
  for (const section of all) {
    if (section.lines.length === 0) continue;
    body.push(
      `<details${section.lines.some((l) => l.alarm) ? " open" : ""}><summary>${
        htmlText(section.title)
      } (${section.lines.length})</summary>`,
      "",
      ...section.lines.map((line) =>
        `- ${line.alarm ? "⚠️ " : ""}\`${line.sign}\` ${markdownText(line.subject)} ` +
        `${markdownText(line.details)}${line.where ? ` — ${markdownText(line.where)}` : ""}`
      ),
      "",
      "</details>",
      "",
    );
  }
  const tail: string[] = [];
  for (const skipped of diff.changes.notCompared) {
    tail.push(`- not compared: ${markdownText(`${skipped.kind}: ${skipped.reason}`)}`);
  }
  for (const unrun of diff.unrun) {
    tail.push(`- ${unrun.status}: \`${unrun.check}\` ${markdownText(unrun.reason)}`);
  }
  return fit([...head, ...body], tail, limit);
}

/** Head and body lines, then the tail, cut at whole lines to stay within `limit`. */
function fit(lines: string[], tail: string[], limit: number): string {
  const reserve = 200;
  const out: string[] = [];
  let size = 0;
  let cut = 0;
  for (const [i, line] of lines.entries()) {
    if (size + line.length + 1 > limit - reserve) {
      cut = lines.slice(i).filter((l) => l.startsWith("- ")).length;
      break;
    }
    out.push(line);
    size += line.length + 1;
  }
  if (cut > 0) {
    // A cut inside a <details> block leaves it open: close it so the comment still renders.
    const opened = out.filter((l) => l.startsWith("<details")).length;
    const closed = out.filter((l) => l === "</details>").length;
    if (opened > closed) out.push("", "</details>");
    out.push("", `_${cut} more line(s) did not fit; see the JSON output for all of them._`);
  }
  for (const line of tail) {
    if (size + line.length + 1 > limit - 100) break;
    out.push(line);
    size += line.length + 1;
  }
  return out.join("\n") + "\n";
}
