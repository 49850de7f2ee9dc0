/**
 * Tollgate's judgement on each CycloneDX component: the report's findings matched to the
 * components they name, as properties.
 *
 * @module
 */
import { atLeast, type Finding } from "../core/check.ts";
import type { Report } from "../core/report.ts";
import type { CyclonedxProperty } from "./_cyclonedx_types.ts";
import { type Entry, shortened } from "./_cyclonedx_components.ts";

type Kind = "finding" | "waived" | "baselined";

/**
 * The components a finding is about. A finding names its subject the way checks write it
 * (`pkg:pypi/torch@2.3.1`, `hf:org/model`, a model file's path, `model:<dir>` for a folder of
 * model files); the components with that subject are the candidates. When several are (one
 * version locked from two indexes), the finding's location picks those declared there, if any
 * is; otherwise it stays with all of them. A `model:<dir>` finding is about every model file
 * under that folder.
 */
function componentsOf(finding: Finding, entries: readonly Entry[]): Entry[] {
  const { subject } = finding;
  const candidates = entries.filter((entry) => entry.subjects.has(subject));
  if (candidates.length === 0 && subject.startsWith("model:")) {
    // A folder of model files: the finding is about every file in it.
    const folder = subject.slice("model:".length).replace(/\/+$/, "") || ".";
    return entries.filter((entry) => entry.folders?.includes(folder));
  }
  if (candidates.length < 2 || finding.location === undefined) return candidates;
  const { file, line } = finding.location;
  const sameLine = candidates.filter((entry) =>
    entry.locations.some((at) => at.file === file && (line === undefined || at.line === line))
  );
  if (sameLine.length > 0) return sameLine;
  const sameFile = candidates.filter((entry) => entry.locations.some((at) => at.file === file));
  return sameFile.length > 0 ? sameFile : candidates;
}

const PROPERTY: Readonly<Record<Kind, string>> = {
  finding: "tollgate:finding",
  waived: "tollgate:waived",
  baselined: "tollgate:baselined",
};

/** `check severity: message`, the waiver's reason after a waived one. */
function describe(check: string, finding: Finding & { waiver?: { reason: string } }): string {
  const waiver = finding.waiver ? ` (waived: ${finding.waiver.reason})` : "";
  return shortened(`${check} ${finding.severity}: ${finding.message}${waiver}`);
}

/**
 * Add the report's judgement to each entry's component, and the project's: `tollgate:verdict`
 * (`fail` when a finding about it is at or above the report's `failOn`, `warn` when it has
 * findings below that, `pass` when no finding of the checks that ran names it: not a proof, only
 * what these checks saw), then one `tollgate:finding` per finding (`tollgate:waived`,
 * `tollgate:baselined` for the ones set aside). Findings about no component (an index, a
 * virtualenv, a setting) go on the project, whose verdict is the report's.
 */
export function addVerdicts(report: Report, entries: readonly Entry[], project: Entry): void {
  const found = new Map<Entry, Array<[Kind, string, Finding]>>();
  const note = (entry: Entry, item: [Kind, string, Finding]) =>
    found.set(entry, [...found.get(entry) ?? [], item]);
  for (const result of report.results) {
    const lists: Array<[Kind, Finding[]]> = [
      ["finding", result.findings],
      ["waived", result.waived],
      ["baselined", result.baselined ?? []],
    ];
    for (const [kind, findings] of lists) {
      for (const finding of findings) {
        const targets = componentsOf(finding, entries);
        for (const entry of targets.length > 0 ? targets : [project]) {
          note(entry, [kind, result.check, finding]);
        }
      }
    }
  }
  for (const entry of [project, ...entries]) {
    const items = found.get(entry) ?? [];
    const active = items.filter(([kind]) => kind === "finding").map(([, , finding]) => finding);
    const verdict = entry === project
      ? report.verdict
      : active.some((finding) => atLeast(finding.severity, report.failOn))
      ? "fail"
      : active.length > 0
      ? "warn"
      : "pass";
    const properties: CyclonedxProperty[] = [{ name: "tollgate:verdict", value: verdict }];
    for (const [kind, check, finding] of items) {
      properties.push({ name: PROPERTY[kind], value: describe(check, finding) });
    }
    entry.component.properties = [...entry.component.properties ?? [], ...properties];
  }
}
