// Markdown: rendered with markdown-it (HTML allowed, links recognised as GitHub does: scheme://,
// www. and e-mail addresses), so the tests see what a reader of the comment would see.
import assert from "node:assert/strict";
import fc from "fast-check";
import MarkdownIt from "markdown-it";
import type { Report } from "../../core/report.ts";
import { formatMarkdown, htmlText, MARKDOWN_LIMIT, markdownText } from "../../report/mod.ts";
import { HOSTILE, hostileReport, mlAppReport } from "./_reports.ts";

const md = new MarkdownIt({ html: true, linkify: true });
// GitHub links scheme:// URLs, www. names and e-mail addresses, not bare domains.
md.linkify.set({ fuzzyLink: false });

/** The text a reader sees: tags dropped, markdown-it's entities decoded, word joiners removed. */
function visible(html: string): string {
  return html.replace(/<[^>]*>/g, "").replace(
    /&(lt|gt|quot|amp);/g,
    (_, name) => ({ lt: "<", gt: ">", quot: '"', amp: "&" })[name as "lt"],
  ).replaceAll("\u2060", "");
}

/** A string as one line of text: breaks as spaces, controls as U+FFFD (what the formatter shows). */
function oneLine(text: string): string {
  return text.toWellFormed().replace(/\r\n|[\n\r\v\f\u0085\u2028\u2029]/g, " ")
    // deno-lint-ignore no-control-regex
    .replace(/\t/g, " ").replace(/[\u0000-\u0008\u000e-\u001f\u007f-\u009f]/g, "\uFFFD");
}

function tags(html: string, name: string): number {
  return html.match(new RegExp(`<${name}[\\s>]`, "g"))?.length ?? 0;
}

function blocksExpected(report: Report): number {
  return report.results.filter((r) => r.findings.length + r.waived.length > 0 || r.reason).length;
}

Deno.test("markdown: examples/ml-app gives the verdict, a table row per check and a block per check with findings", async () => {
  const { report } = await mlAppReport();
  const text = formatMarkdown(report);
  assert.ok(text.startsWith("## ❌ FAIL · Tollgate · ml-app\n"));
  const html = md.render(text);
  assert.equal(tags(html, "table"), 1);
  const rows = html.split("<tr>").slice(2);
  assert.equal(rows.length, report.results.length);
  for (const [i, row] of rows.entries()) {
    assert.equal(tags(row, "td"), 5);
    assert.ok(visible(row).includes(`${report.results[i].check} — ${report.results[i].title}`));
  }
  assert.equal(tags(html, "details"), blocksExpected(report));
  assert.equal(html.match(/<\/details>/g)?.length, blocksExpected(report));
  const seen = visible(html);
  for (const finding of report.results.flatMap((r) => [...r.findings, ...r.waived])) {
    assert.ok(seen.includes(finding.message), finding.message);
  }
  assert.match(seen, /waived error requirements\.txt:9 pkg:pypi\/numpy/);
  assert.match(seen, /accepted until 2099-12-31, @ml-platform: numpy is vendored/);
  assert.match(seen, /\d+ file\(s\) read\./);
  assert.equal(tags(html, "a"), 0);
});

Deno.test("markdown: hostile text renders as text: no HTML, links, mentions, broken tables or escaped blocks", async () => {
  const report = await hostileReport();
  const text = formatMarkdown(report);
  const html = md.render(text);
  for (const tag of ["a", "script", "img", "b", "code", "h1", "h4", "ol", "hr", "blockquote"]) {
    assert.equal(tags(html, tag), 0, `<${tag}> in the rendered comment`);
  }
  assert.equal(tags(html, "h2"), 1);
  assert.equal(tags(html, "h3"), 1);
  assert.equal(tags(html, "table"), 1);
  assert.equal(tags(html, "tr"), 1 + report.results.length);
  assert.equal(tags(html, "details"), blocksExpected(report));
  assert.equal(html.match(/<\/details>/g)?.length, blocksExpected(report));
  assert.equal(html.match(/<\/summary>/g)?.length, blocksExpected(report));
  // Each hostile string is seen whole, as one line (findings, fixes, problems, the reason).
  const seen = visible(html);
  for (const hostile of HOSTILE) assert.ok(seen.includes(oneLine(hostile)), hostile);
  // No mention, issue reference or autolink survives in what GitHub would post-process.
  const raw = visible(html.replace(/<[^>]*>/g, " "));
  assert.ok(raw.includes("@octocat"));
  assert.doesNotMatch(html, /@[A-Za-z0-9]|#\d|:\/\/|www\./);
  // The check's title in <summary> is HTML-escaped, not markdown-escaped.
  assert.ok(
    text.includes("custom.hostile — Hostile &lt;/summary&gt; title | with @\u2060mention (16)"),
  );
});

Deno.test("markdown: past the limit findings are left out, counted in a note, and every block is closed", async () => {
  const big = structuredClone(await hostileReport());
  const hostile = big.results.find((r) => r.check === "custom.hostile")!;
  hostile.findings = Array.from(
    { length: 10_000 },
    (_, i) => ({ ...hostile.findings[i % hostile.findings.length], subject: `pkg:pypi/p${i}` }),
  );
  const total = 10_000 + hostile.waived.length;
  for (const limit of [MARKDOWN_LIMIT, 20_000, 2_000]) {
    const text = formatMarkdown(big, { limit });
    assert.ok(text.length <= limit, `${text.length} > ${limit}`);
    const html = md.render(text);
    assert.equal(tags(html, "details"), html.match(/<\/details>/g)?.length ?? 0);
    const shown = text.match(/^- \*\*(error|warning|info)\*\*|^- \*waived\*/gm)?.length ?? 0;
    const note = text.match(
      /Truncated to (\d+) characters: .*?(\d+) of (\d+) finding\(s\) left out/,
    );
    assert.ok(note, `no truncation note at ${limit}`);
    assert.equal(Number(note[1]), limit);
    assert.equal(Number(note[2]), total - shown);
    assert.equal(Number(note[3]), total);
  }
  assert.throws(() => formatMarkdown(big, { limit: 100 }), /at least 2000 characters, got 100/);
});

Deno.test("markdown: any string stays inside its table cell and reads back as one line", () => {
  const anyChar = fc.oneof(
    fc.constantFrom("|", "\\", "`", "*", "_", "<", ">", "&", "[", "]", "(", ")", "!", "~", "$"),
    fc.constantFrom("\n", "\r", "\u2028", "#", "@a", "#1", "://", "www.", "- ", "1. ", "> "),
    fc.constantFrom("</details>", "<b>", "&lt;", "&#60;", "http://x.com", "a@b.com", "🧨"),
    fc.string({ unit: "binary", maxLength: 3 }),
  );
  fc.assert(
    fc.property(fc.array(anyChar, { maxLength: 25 }).map((p) => p.join("")), (text) => {
      const html = md.render(`| a | b |\n| --- | --- |\n| x | ${markdownText(text)} |\n`);
      assert.equal(tags(html, "tr"), 2);
      const cell = html.match(/<td>x<\/td>\n<td>([\s\S]*?)<\/td>/);
      assert.ok(cell, html);
      assert.doesNotMatch(cell[1], /</);
      assert.equal(visible(cell[1]), oneLine(text).trim());
      const summary = htmlText(text);
      assert.doesNotMatch(summary, /[<>"'\n\r]/);
      for (const escaped of [summary, markdownText(text)]) {
        assert.doesNotMatch(escaped, /@[\p{L}\p{N}_]|#[\p{L}\p{N}_]|:\/\//u);
      }
    }),
    { numRuns: 500 },
  );
});
