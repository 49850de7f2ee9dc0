// JUnit XML: read back with python3's XML parser (an independent, strict reader), never with ours.
import assert from "node:assert/strict";
import fc from "fast-check";
import { formatJunit, xmlAttribute, xmlText } from "../../report/mod.ts";
import { HOSTILE, hostileReport, mlAppReport, parseXml, type XmlElement } from "./_reports.ts";

/** What XML 1.0 can carry of a string: lone surrogates and forbidden characters as U+FFFD. */
function xmlSafe(text: string): string {
  return text.toWellFormed()
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "\uFFFD");
}

function counts(element: XmlElement, cases: XmlElement[]) {
  const outcome = (kind: string) =>
    cases.filter((c) => c.children.some((child) => child.tag === kind)).length;
  assert.deepEqual(
    {
      tests: element.attributes.tests,
      failures: element.attributes.failures,
      errors: element.attributes.errors,
      skipped: element.attributes.skipped,
    },
    {
      tests: String(cases.length),
      failures: String(outcome("failure")),
      errors: String(outcome("error")),
      skipped: String(outcome("skipped")),
    },
  );
}

Deno.test("junit: examples/ml-app gives a testsuite per family, a testcase per check and per failing subject", async () => {
  const { report } = await mlAppReport();
  const [root] = await parseXml([formatJunit(report)]);
  assert.equal(root.tag, "testsuites");
  const suites = root.children;
  assert.deepEqual(
    suites.map((s) => s.attributes.name),
    [...new Set(report.results.map((r) => r.family))],
  );
  for (const suite of suites) counts(suite, suite.children.filter((c) => c.tag === "testcase"));
  counts(root, suites.flatMap((s) => s.children.filter((c) => c.tag === "testcase")));

  const cases = suites.flatMap((s) => s.children.filter((c) => c.tag === "testcase"));
  for (const result of report.results) {
    const own = cases.filter((c) =>
      c.attributes.classname === result.check &&
      c.attributes.name === `${result.check}: ${result.title}`
    );
    assert.equal(own.length, 1, result.check);
    const outcome = own[0].children.find((c) => c.tag !== "system-out")?.tag;
    assert.equal(
      outcome,
      { fail: "failure", error: "error", skipped: "skipped", pass: undefined, warn: undefined }[
        result.status
      ],
      result.check,
    );
  }

  // signature.hash-pinned: one failing testcase per package, with the message and location.
  const hashPinned = report.results.find((r) => r.check === "signature.hash-pinned")!;
  const subjects = cases.filter((c) =>
    c.attributes.classname === "signature.hash-pinned" && !c.attributes.name.includes(": ")
  );
  assert.deepEqual(
    subjects.map((c) => c.attributes.name),
    hashPinned.findings.map((f) => f.subject),
  );
  const torch = subjects.find((c) => c.attributes.name === "pkg:pypi/torch@2.3.1")!;
  const [failure] = torch.children;
  assert.equal(failure.tag, "failure");
  assert.equal(failure.attributes.type, "error");
  assert.equal(failure.attributes.message, "torch is pinned but has no hash.");
  assert.match(failure.text, /^error requirements\.txt:6 pkg:pypi\/torch@2\.3\.1\n/);
  assert.match(failure.text, /\nfix: Pin the exact version/);

  // The waived numpy finding is reported, not failed: it is in the check's output.
  const own = cases.find((c) => c.attributes.name.startsWith("signature.hash-pinned: "))!;
  const out = own.children.find((c) => c.tag === "system-out")!;
  assert.match(
    out.text,
    /pkg:pypi\/numpy.*\n.*\nfix: .*\nwaived until 2099-12-31: numpy is vendored/,
  );

  // Skipped checks say why.
  const skipped = cases.find((c) => c.attributes.classname === "freshness.not-yanked")!;
  assert.match(skipped.children[0].attributes.message, /needs registry data/);
});

Deno.test("junit: hostile text parses back exactly, and errors and problems are counted", async () => {
  const report = await hostileReport();
  const xml = formatJunit(report);
  const [root] = await parseXml([xml]);
  const cases = root.children.flatMap((s) => s.children.filter((c) => c.tag === "testcase"));
  counts(root, cases);
  for (const hostile of HOSTILE) {
    const testcase = cases.find((c) => c.attributes.name === xmlSafe(`pkg:pypi/${hostile}`));
    assert.ok(testcase, `no testcase for ${JSON.stringify(hostile)}`);
    const [failure] = testcase.children;
    assert.equal(failure.attributes.message, xmlSafe(hostile));
    assert.ok(failure.text.includes(xmlSafe(hostile)));
  }
  // The errored check is an error with its reason; each input problem is an error too.
  const broken = cases.find((c) => c.attributes.classname === "custom.broken")!;
  assert.equal(broken.children[0].tag, "error");
  const reason = report.results.find((r) => r.check === "custom.broken")!.reason!;
  assert.equal(broken.children[0].attributes.message, xmlSafe(reason));
  const coverage = root.children.find((s) => s.attributes.name === "coverage")!;
  const unread = coverage.children.filter((c) => c.tag === "testcase");
  assert.equal(unread.length, report.coverage.problems.length + report.coverage.missing.length);
  assert.ok(unread.every((c) => c.children[0].tag === "error"));
  assert.equal(root.attributes.errors, String(1 + unread.length));
  // Nothing the parser would reject or rewrite was written raw.
  // deno-lint-ignore no-control-regex
  assert.doesNotMatch(xml, /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/);
  assert.ok(!xml.includes("]]> <![CDATA["));
});

Deno.test("junit: any string is well-formed as an attribute and as text, and reads back as itself", async () => {
  const anyChar = fc.oneof(
    fc.constantFrom("&", "<", ">", '"', "'", "]]>", "\r", "\n", "\t", "\r\n", "\u0000", "\ufffe"),
    fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
    fc.string({ unit: "binary", maxLength: 3 }),
  );
  const text = fc.array(anyChar, { maxLength: 30 }).map((parts) => parts.join(""));
  await fc.assert(
    fc.asyncProperty(fc.array(text, { minLength: 1, maxLength: 40 }), async (texts) => {
      const documents = texts.map((t) =>
        `<r a="${xmlAttribute(t)}" b='${xmlAttribute(t)}'>${xmlText(t)}</r>`
      );
      const parsed = await parseXml(documents);
      parsed.forEach((element, i) => {
        const expected = xmlSafe(texts[i]);
        assert.equal(element.attributes.a, expected);
        assert.equal(element.attributes.b, expected);
        assert.equal(element.text, expected);
      });
    }),
    { numRuns: 15 },
  );
});
