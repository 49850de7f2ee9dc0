/**
 * `tollgate diff` of two 5,000-package uv.lock snapshots, against reading the two locks, in the
 * same run (the reference: a diff should cost less than parsing what it compares). HEAD is
 * BASE after an upgrade: one package in ten at a new version with new files and hashes, one in a
 * hundred removed, fifty added, and one in two hundred kept at its version with a wheel's hash
 * replaced.
 *
 * Run with `deno task bench`; Deno prints each case's time relative to the baseline. On the 2-core
 * machine, busy with other work: reading both locks 285 ms, diffing their snapshots 30 ms, so a
 * diff costs about 0.11× the parse.
 *
 * @module
 */
import { emptySnapshot, type Snapshot } from "../core/snapshot.ts";
import { parseUvLock } from "../collect/locks/uv_lock.ts";
import { diffSnapshots } from "../diff/mod.ts";
import { syntheticUvLock } from "./generate.ts";

const PACKAGES = 5_000;
const base = syntheticUvLock(PACKAGES);

/** BASE edited as an upgrade edits a lock. */
function upgraded(text: string): string {
  const blocks = text.split("\n[[package]]\n");
  const edited = blocks.flatMap((block, i) => {
    if (i === 0) return [block];
    if (i % 100 === 0) return [];
    if (i % 10 === 0) {
      const old = block.match(/^version = "([^"]+)"$/m)![1];
      return [
        block.replaceAll(old, `${old}.post1`).replace(/sha256:[0-9a-f]{8}/g, "sha256:00000000"),
      ];
    }
    if (i % 200 === 5) {
      return [block.replace(/(wheels = \[\n {4}\{[^\n]*sha256:)[0-9a-f]{8}/, "$1ffffffff")];
    }
    return [block];
  });
  for (let i = 0; i < 50; i++) {
    edited.push(
      `name = "added-${i}"\nversion = "1.0.${i}"\nsource = { registry = "https://pypi.org/simple" }\n`,
    );
  }
  return edited.join("\n[[package]]\n");
}
const head = upgraded(base);

function snapshotOf(text: string): Snapshot {
  const read = parseUvLock(text, { file: "uv.lock" });
  const snapshot = emptySnapshot({ root: "app", collectedAt: "2026-01-15T00:00:00.000Z" });
  return { ...snapshot, collected: ["packages"], packages: read.packages ?? [] };
}

const before = snapshotOf(base);
const after = snapshotOf(head);
const check = diffSnapshots({ base: before, head: after }).packages;
const counts = Object.groupBy(check, (c) => c.hashesReplaced ? "rehashed" : c.change);
if (
  before.packages.length < PACKAGES || counts.upgraded?.length !== 450 ||
  counts.added?.length !== 50 || counts.removed?.length !== 50 || !counts.rehashed?.length
) {
  const summary = Object.entries(counts).map(([k, v]) => `${k} ${v?.length}`).join(", ");
  throw new Error(`the synthetic upgrade is not what the benchmark says: ${summary}`);
}

Deno.bench({
  name: "reference: parseUvLock of BASE and HEAD",
  group: "diff, 5k-package uv.lock",
  baseline: true,
  fn: () => {
    parseUvLock(base, { file: "uv.lock" });
    parseUvLock(head, { file: "uv.lock" });
  },
});

Deno.bench({
  name: "diffSnapshots of their snapshots",
  group: "diff, 5k-package uv.lock",
  fn: () => {
    diffSnapshots({ base: before, head: after });
  },
});
