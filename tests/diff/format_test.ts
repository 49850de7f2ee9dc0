// The diff formatters: hostile project text stays text (terminal, Markdown rendered as GitHub
// renders it), and the Markdown comment stays within its limit however large the change.
import assert from "node:assert/strict";
import MarkdownIt from "markdown-it";
import { baselineOf } from "../../core/baseline.ts";
import { evaluate } from "../../core/evaluate.ts";
import type { Snapshot } from "../../core/snapshot.ts";
import {
  diffProjects,
  formatDiffJson,
  formatDiffMarkdown,
  formatDiffText,
  type ProjectDiff,
} from "../../diff/mod.ts";
import { recommended } from "../../policies/mod.ts";
import { index, model, pkg, snapshotOf, TEST_NOW } from "../../testing.ts";
import { HOSTILE, hostilePolicy } from "../report/_reports.ts";

async function diffOf(base: Snapshot, head: Snapshot, policy = recommended): Promise<ProjectDiff> {
  const before = await evaluate({ snapshot: base, policy, now: TEST_NOW, offline: true });
  const after = await evaluate({ snapshot: head, policy, now: TEST_NOW, offline: true });
  const judged = await evaluate({
    snapshot: head,
    policy,
    now: TEST_NOW,
    offline: true,
    baseline: baselineOf(before),
  });
  return diffProjects({
    base: { kind: "snapshot", label: "base.json", snapshot: base, report: before },
    head: { kind: "snapshot", label: "head.json", snapshot: head, report: after },
    judged,
  });
}

const md = new MarkdownIt({ html: true, linkify: true });
md.linkify.set({ fuzzyLink: false });

/** A change whose every name, URL and path is hostile text. */
async function hostileDiff(): Promise<ProjectDiff> {
  const head = snapshotOf({
    packages: HOSTILE.map((text, i) =>
      pkg(`p${i}==1.0`, { displayName: text, locations: [{ file: text, line: i + 1 }] })
    ),
    indexes: HOSTILE.map((text) => index(`https://x.example/${text}`, { role: "extra" })),
    models: HOSTILE.map((text, i) => model(`org${i}/${text}`)),
  });
  return await diffOf(snapshotOf({}), head, hostilePolicy);
}

Deno.test("diff text: no control character of the project reaches the terminal", async () => {
  const text = formatDiffText(await hostileDiff(), { color: false });
  // deno-lint-ignore no-control-regex
  assert.doesNotMatch(text, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  assert.match(text, /ctl \uFFFD/);
  const colored = formatDiffText(await hostileDiff(), { color: true });
  // Colour codes are ours only: each ESC starts one of the SGR sequences the formatter writes.
  // deno-lint-ignore no-control-regex
  assert.deepEqual(colored.match(/\u001b(?!\[(?:0|1|2|31|32|33|34)m)/g), null);
});

Deno.test("diff markdown: hostile text renders as text: no HTML, links, mentions or tables", async () => {
  const markdown = formatDiffMarkdown(await hostileDiff());
  const html = md.render(markdown);
  assert.doesNotMatch(html, /<script|<b>bold|<a |<img/);
  assert.equal(html.match(/<details/g)?.length, html.match(/<\/details>/g)?.length);
  // One summary table: hostile cells did not start another.
  assert.equal(html.match(/<table>/g)?.length, 1);
  assert.doesNotMatch(markdown, /(^|[^\\`])@octocat/);
});

Deno.test("diff markdown: a 5,000-package change fits the limit, saying what was cut", async () => {
  const base = snapshotOf({
    packages: Array.from({ length: 5_000 }, (_, i) => pkg(`package-${i}==1.0.${i}`)),
  });
  const head = snapshotOf({
    packages: Array.from({ length: 5_000 }, (_, i) => pkg(`package-${i}==2.0.${i}`)),
  });
  const diff = await diffOf(base, head);
  assert.equal(diff.changes.packages.length, 5_000);
  for (const limit of [2_000, 10_000, 65_000]) {
    const markdown = formatDiffMarkdown(diff, { limit });
    assert.ok(markdown.length <= limit, `${markdown.length} > ${limit}`);
    assert.match(
      markdown,
      /_\d+ more line\(s\) did not fit; see the JSON output for all of them\._/,
    );
    const html = md.render(markdown);
    assert.equal(html.match(/<details/g)?.length, html.match(/<\/details>/g)?.length);
  }
  assert.throws(() => formatDiffMarkdown(diff, { limit: 100 }), RangeError);
});

Deno.test("diff json: the whole diff, parseable, schema tollgate.diff/v1", async () => {
  const diff = await diffOf(snapshotOf({}), snapshotOf({ packages: [pkg("torch==2.3.1")] }));
  const json = JSON.parse(formatDiffJson(diff));
  assert.equal(json.schema, "tollgate.diff/v1");
  assert.deepEqual(json.changes.packages[0].name, "torch");
  assert.deepEqual(json, JSON.parse(JSON.stringify(diff)));
});

Deno.test("diff text: the verdict line says why", async () => {
  const quiet = await diffOf(snapshotOf({}), snapshotOf({}));
  assert.match(formatDiffText(quiet), /\nPASS: no new findings\n$/);
  const pinned = await diffOf(
    snapshotOf({}),
    snapshotOf({ models: [model("meta-llama/m", { revision: "main" })] }),
  );
  assert.deepEqual(pinned.findings.new.map((f) => [f.check, f.severity]), [
    ["hub.revision-pinned", "error"],
  ]);
  assert.match(formatDiffText(pinned), /\nFAIL: the change adds finding\(s\) at or above error\n$/);
});

Deno.test("diff markdown: new findings at or above failOn are the ones needing attention", async () => {
  const policy = { ...recommended, failOn: "warning" as const };
  const diff = await diffOf(
    snapshotOf({}),
    snapshotOf({ models: [model("meta-llama/m", { revision: "main" })] }),
    policy,
  );
  const severities = diff.findings.new.map((f) => f.severity).sort();
  assert.deepEqual(severities, ["error"]);
  const flagged = {
    ...diff,
    findings: {
      ...diff.findings,
      new: [
        ...diff.findings.new,
        { ...diff.findings.new[0], severity: "warning" as const },
        { ...diff.findings.new[0], severity: "info" as const },
      ],
    },
  };
  assert.match(
    formatDiffMarkdown(flagged),
    /\| \*\*Findings\*\* \| 3 new \| 0 fixed \| \d+ unchanged \| 2 \|/,
  );
});
