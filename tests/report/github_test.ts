// GitHub workflow commands, read back the way GitHub's runner reads them.
import assert from "node:assert/strict";
import fc from "fast-check";
import { escapeData, escapeProperty, formatGithub } from "../../report/mod.ts";
import {
  HOSTILE,
  hostileReport,
  mlAppReport,
  parseCommand,
  unescapeData,
  unescapeProperty,
} from "./_reports.ts";

/** Controls other than \t, \r and \n: replaced in commands so they cannot repaint the log. */
// deno-lint-ignore no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/** What survives of a string in a command: well-formed, controls as U+FFFD. */
function printable(text: string): string {
  return text.toWellFormed().replace(CONTROLS, "\uFFFD");
}

Deno.test("github: examples/ml-app gives an annotation per finding, at its file and line, and a summary", async () => {
  const { report } = await mlAppReport();
  const lines = formatGithub(report).trimEnd().split("\n");
  const commands = lines.map((line) => parseCommand(line)!);
  assert.ok(commands.every(Boolean));
  const findings = report.results.flatMap((r) => r.findings.map((f) => ({ f, title: r.title })));
  // Offline skips are not annotated; nothing errored and every input was read.
  assert.equal(commands.length, findings.length + 1);
  for (const [i, { f, title }] of findings.entries()) {
    const command = commands[i];
    assert.equal(command.name, { error: "error", warning: "warning", info: "notice" }[f.severity]);
    assert.equal(command.properties.title, `${f.check}: ${title}`);
    const inside = f.location && !/^(~\/|\/|env:)/.test(f.location.file);
    assert.equal(command.properties.file, inside ? f.location!.file : undefined);
    assert.equal(command.properties.line, inside ? f.location?.line?.toString() : undefined);
    assert.ok(command.message.startsWith(`${f.subject}`));
    assert.ok(command.message.includes(f.message));
  }
  const train = commands.find((c) => c.properties.file === "src/sentiment/train.py")!;
  assert.deepEqual(
    [train.properties.line, train.properties.col],
    ["26", "12"],
  );
  const env = commands.find((c) => c.message.includes("(env:PIP_EXTRA_INDEX_URL)"));
  assert.ok(env && env.properties.file === undefined);
  assert.equal(
    lines.at(-1),
    `::error title=Tollgate%3A fail::Tollgate FAIL (policy recommended+waivers): ` +
      `${report.summary.fail} failed, ${report.summary.warn} warned, ${report.summary.pass} passed, ` +
      "0 errored, " +
      `${report.summary.skipped} skipped · findings: ${report.summary.findings.error} error, ` +
      `${report.summary.findings.warning} warning, 0 info · 1 waived`,
  );
});

Deno.test("github: hostile text stays inside its command and reads back as itself", async () => {
  const report = await hostileReport();
  const text = formatGithub(report);
  const lines = text.trimEnd().split("\n");
  const hostile = report.results.find((r) => r.check === "custom.hostile")!;
  // One line per finding, errored check, input problem and missing section, and the summary.
  assert.equal(
    lines.length,
    hostile.findings.length + 1 + report.coverage.problems.length + 1 + 1,
  );
  const commands = lines.map((line) => parseCommand(line));
  for (const [i, command] of commands.entries()) {
    assert.ok(command, lines[i]);
    assert.ok(["error", "warning", "notice"].includes(command.name), lines[i]);
    assert.ok(
      Object.keys(command.properties).every((k) => ["file", "line", "col", "title"].includes(k)),
      lines[i],
    );
  }
  // deno-lint-ignore no-control-regex
  assert.doesNotMatch(text, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  for (const [i, text] of HOSTILE.entries()) {
    const command = commands.find((c) => c!.message.startsWith(`pkg:pypi/${printable(text)}: `))!;
    assert.ok(command, `no command for ${JSON.stringify(text)}`);
    assert.equal(
      command.message,
      printable(`pkg:pypi/${text}: ${text}\nFix: fix ${text}`),
    );
    assert.equal(command.properties.file, `dir with space/${i}#%é.txt`);
    assert.equal(
      command.properties.title,
      "custom.hostile: Hostile </summary> title | with @mention",
    );
  }
  // Outside the project: no file property, the place is in the message.
  for (const subject of ["outside-home", "outside-abs", "outside-env", "climbs-out"]) {
    const command = commands.find((c) => c!.message.startsWith(subject))!;
    assert.equal(command.properties.file, undefined);
  }
  assert.equal(
    commands.find((c) => c!.message.startsWith("outside-home"))!.message,
    "outside-home (~/.config/pip/pip.conf:2): m",
  );
  const broken = commands.find((c) => c!.properties.title === "custom.broken could not run")!;
  assert.equal(broken.name, "warning");
  assert.equal(broken.message, report.results.find((r) => r.check === "custom.broken")!.reason);
});

Deno.test("github: any string round-trips through the runner's unescaping and stays on one line", () => {
  const anyText = fc.array(
    fc.oneof(
      fc.constantFrom("%", "%25", "%0A", "%0D", "%3A", "%2C", "\r", "\n", ":", ",", "::", "="),
      fc.string({ unit: "binary", maxLength: 4 }),
    ),
    { maxLength: 20 },
  ).map((parts) => parts.join(""));
  fc.assert(
    fc.property(anyText, (text) => {
      const data = escapeData(text);
      assert.doesNotMatch(data, /[\r\n]/);
      assert.equal(unescapeData(data), text);
      const property = escapeProperty(text);
      assert.doesNotMatch(property, /[\r\n:,]/);
      assert.equal(unescapeProperty(property), text);
      const parsed = parseCommand(`::error file=${property},title=${property}::${data}`);
      assert.deepEqual(parsed, {
        name: "error",
        properties: { file: text, title: text },
        message: text,
      });
    }),
    { numRuns: 1_000 },
  );
  // The escapes @actions/core documents, exactly.
  assert.equal(escapeData("100%\r\n"), "100%25%0D%0A");
  assert.equal(escapeProperty("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
});
