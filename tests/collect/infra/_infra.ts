// Helpers for the infrastructure readers' tests: facts shown as short lines to compare whole, and
// the property that whatever a reader finds lies within the file it read.
import assert from "node:assert/strict";
import type { ReaderResult } from "../../../collect/mod.ts";
import { Exposure, Launch, Problem, SecretFact, type Snapshot } from "../../../core/snapshot.ts";

type Facts = Pick<ReaderResult, "launches" | "exposures" | "secrets" | "problems">;

/** `unit line: argv` with unresolved words marked `⟨…⟩`, then `[env]` when any. */
export function launchLines(found: Facts | Snapshot): string[] {
  return (found.launches ?? []).map((l) => {
    const argv = l.argv.map((w) => (w.unresolved ? `⟨${w.text}⟩` : w.text)).join(" ");
    const env = l.env.map((e) => (e.value === undefined ? e.name : `${e.name}=${e.value}`));
    const parts = [`${l.unit} ${l.location.file}:${l.location.line}:`, argv];
    if (env.length > 0) parts.push(`[${env.join(", ")}]`);
    return parts.filter((p) => p !== "").join(" ");
  });
}

/** `unit via hostIp:hostPort->port hosts auth @file:line`. */
export function exposureLines(found: Facts | Snapshot): string[] {
  return (found.exposures ?? []).map((e) => {
    const bind = e.hostPort === undefined && e.hostIp === undefined
      ? ""
      : `${e.hostIp === undefined ? "*" : e.hostIp}:${e.hostPort ?? "?"}->`;
    const hosts = e.hosts ? ` ${e.hosts.join(",")}` : "";
    const auth = e.authenticated === undefined ? "" : e.authenticated ? " auth" : " no-auth";
    const what = `${bind}${e.port ?? ""}${hosts}${auth}`.trim();
    const parts = [e.unit, e.via, what, `@${e.location.file}:${e.location.line}`];
    return parts.filter((p) => p !== "").join(" ");
  });
}

/** `kind name @file:line`. */
export function secretLines(found: Facts | Snapshot): string[] {
  return (found.secrets ?? []).map((s) =>
    `${s.kind} ${s.name ?? "-"} @${s.location.file}:${s.location.line}`
  );
}

/** Everything found validates, lies within `text` (when in `file`) and never throws. */
export function assertInfraWithinFile(found: Facts, text: string, file: string): void {
  const lines = text.split("\n").length;
  const within = (location: { file: string; line?: number }, what: unknown) => {
    if (location.file !== file) return;
    assert.ok(
      location.line === undefined || (location.line >= 1 && location.line <= lines),
      `line ${location.line} of ${lines}: ${JSON.stringify(what)}`,
    );
  };
  for (const p of found.problems ?? []) within(Problem.parse(p), p);
  for (const l of found.launches ?? []) {
    within(Launch.parse(l).location, l);
    for (const e of l.env) within(e.location, e);
  }
  for (const e of found.exposures ?? []) within(Exposure.parse(e).location, e);
  for (const s of found.secrets ?? []) within(SecretFact.parse(s).location, s);
}

/** A YAML alias bomb: each level names the previous one nine times (9^levels leaves). */
export function aliasBomb(levels: number, prefix = ""): string {
  let text = `${prefix}a0: &a0 [x, x, x, x, x, x, x, x, x]\n`;
  for (let i = 1; i <= levels; i++) {
    text += `a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(", ")}]\n`;
  }
  return text;
}

/** A merge-key bomb: each mapping merges the previous one nine times (9^levels lookups). */
export function mergeBomb(levels: number, prefix = ""): string {
  let text = `${prefix}m0: &m0 {k: v}\n`;
  for (let i = 1; i <= levels; i++) {
    text += `m${i}: &m${i} {<<: [${Array(9).fill(`*m${i - 1}`).join(", ")}], k${i}: v}\n`;
  }
  return text;
}
