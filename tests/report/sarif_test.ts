// SARIF: every log validates against the official 2.1.0 schema; rules come from the catalogue,
// results point into the project (or name what lies outside it), waived findings stay as
// suppressed results, and what kept the run incomplete is a notification.
import assert from "node:assert/strict";
import fc from "fast-check";
import { checks } from "../../checks/mod.ts";
import { definePolicy } from "../../core/policy.ts";
import { WAIVERS_CHECK_ID } from "../../core/report.ts";
import { recommended } from "../../policies/mod.ts";
import { FINGERPRINT_KEY, formatSarif, rulesOf, SARIF_SEVERITY } from "../../report/mod.ts";
import { runPolicy, snapshotOf } from "../../testing.ts";
import {
  assertValidSarif,
  HOSTILE,
  hostilePolicy,
  hostileReport,
  mlAppReport,
} from "./_reports.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

Deno.test("sarif: examples/ml-app gives a valid log with a rule per check and a result per finding", async () => {
  const { report, policy } = await mlAppReport();
  const text = formatSarif(report, { checks: rulesOf(policy) });
  await assertValidSarif(text);
  const log = JSON.parse(text);
  assert.equal(log.version, "2.1.0");
  assert.equal(log.runs.length, 1);
  const run = log.runs[0];
  assert.equal(run.tool.driver.name, "tollgate");
  assert.equal(run.tool.driver.version, report.tool.version);
  assert.match(run.tool.driver.informationUri, /^https:\/\//);
  assert.deepEqual(run.properties.verdict, report.verdict);

  // Rules: every check in the report, with the catalogue's texts.
  const rules: Json[] = run.tool.driver.rules;
  assert.deepEqual(rules.map((r) => r.id), report.results.map((r) => r.check));
  const hashPinned = rules.find((r) => r.id === "signature.hash-pinned");
  const definition = policy.checks.find((c) => c.id === "signature.hash-pinned")!.definition;
  assert.equal(hashPinned.name, "SignatureHashPinned");
  assert.equal(hashPinned.shortDescription.text, definition.title);
  assert.equal(hashPinned.fullDescription.text, definition.description);
  assert.equal(hashPinned.helpUri, definition.references[0].url);
  assert.ok(hashPinned.help.markdown.includes(`**Fix:** ${definition.remedy}`));
  assert.deepEqual(hashPinned.properties.tags, ["security", "signature", "ML06"]);
  assert.equal(hashPinned.properties["security-severity"], "8.0");
  assert.equal(hashPinned.defaultConfiguration.level, "error");
  // policy.waivers is not in the catalogue: its rule is derived from the result.
  const waiversRule = rules.find((r) => r.id === WAIVERS_CHECK_ID);
  assert.equal(waiversRule.shortDescription.text, "Waivers are current and used");
  assert.equal(waiversRule.properties["security-severity"], "5.0");
  for (const rule of rules) {
    assert.ok(rule.properties.tags.includes("ML06"));
    assert.match(rule.properties["security-severity"], /^\d+\.\d$/);
  }

  // Results: one per finding and waived finding, ruleIndex pointing at the rule.
  const findings = report.results.flatMap((r) => [...r.findings, ...r.waived]);
  const results: Json[] = run.results;
  assert.equal(results.length, findings.length);
  for (const [i, result] of results.entries()) {
    assert.equal(rules[result.ruleIndex].id, result.ruleId);
    assert.equal(result.ruleId, findings[i].check);
    assert.equal(result.level, SARIF_SEVERITY[findings[i].severity].level);
    assert.deepEqual(result.partialFingerprints, { [FINGERPRINT_KEY]: findings[i].fingerprint });
    assert.match(findings[i].fingerprint!, /^[0-9a-f]{32}$/);
  }

  // Locations: project files relative to %SRCROOT% with a region; machine config as logical.
  const torch = results.find((r) => r.properties.subject === "pkg:pypi/torch@2.3.1");
  assert.deepEqual(torch.locations, [{
    physicalLocation: {
      artifactLocation: { uri: "requirements.txt", uriBaseId: "%SRCROOT%" },
      region: { startLine: 6 },
    },
  }]);
  const train = results.find((r) => r.ruleId === "hub.no-remote-code");
  assert.deepEqual(train.locations[0].physicalLocation.region, { startLine: 26, startColumn: 12 });
  const https = results.find((r) => r.ruleId === "source.https-only");
  assert.deepEqual(https.locations, [{
    logicalLocations: [{ fullyQualifiedName: "~/.config/pip/pip.conf", kind: "resource" }],
  }]);
  const env = results.find((r) =>
    r.ruleId === "source.allowed-indexes" && r.properties.subject.includes("extra.example.com")
  );
  assert.deepEqual(env.locations, [{
    logicalLocations: [{
      name: "PIP_EXTRA_INDEX_URL",
      fullyQualifiedName: "env:PIP_EXTRA_INDEX_URL",
      kind: "variable",
    }],
  }]);
  assert.ok(run.originalUriBaseIds["%SRCROOT%"]);

  // The waived numpy finding stays, suppressed, with the waiver's reason.
  const numpy = results.find((r) => r.properties.subject.startsWith("pkg:pypi/numpy"));
  assert.deepEqual(numpy.suppressions, [{
    kind: "external",
    status: "accepted",
    justification: "numpy is vendored from the internal build; hashes land with #1234",
    properties: { expires: "2099-12-31", owner: "@ml-platform" },
  }]);
  assert.equal(results.filter((r) => r.suppressions).length, report.summary.waived);

  // Offline skips are notifications tied to their rule; the run still executed successfully.
  const [invocation] = run.invocations;
  assert.equal(invocation.executionSuccessful, true);
  const skipped = report.results.filter((r) => r.status === "skipped");
  const notes: Json[] = invocation.toolExecutionNotifications;
  assert.deepEqual(
    notes.map((n) => [n.level, n.associatedRule.id, rules[n.associatedRule.index].id]),
    skipped.map((r) => ["note", r.check, r.check]),
  );
});

Deno.test("sarif: hostile text is valid JSON in a valid log, URIs are percent-encoded and never climb out", async () => {
  const report = await hostileReport();
  const text = formatSarif(report, { checks: rulesOf(hostilePolicy) });
  await assertValidSarif(text);
  const run = JSON.parse(text).runs[0];
  const results: Json[] = run.results;
  const bySubject = new Map(results.map((r) => [r.properties.subject, r]));

  // Each hostile string survives as data (lone surrogates become U+FFFD), brackets escaped.
  for (const [i, hostile] of HOSTILE.entries()) {
    const result = bySubject.get(`pkg:pypi/${hostile.toWellFormed()}`);
    assert.ok(result, `no result for hostile string ${i}`);
    assert.equal(
      result.message.text,
      `${hostile} Fix: fix ${hostile}`.toWellFormed().replace(/[[\]]/g, "\\$&"),
    );
    assert.deepEqual(result.locations[0].physicalLocation, {
      artifactLocation: {
        uri: `dir%20with%20space/${i}%23%25%C3%A9.txt`,
        uriBaseId: "%SRCROOT%",
      },
      region: { startLine: i + 1, startColumn: 2 },
    });
  }
  const uris = results.flatMap((r) => r.locations ?? [])
    .map((l: Json) => l.physicalLocation?.artifactLocation.uri).filter(Boolean);
  for (const uri of uris) {
    assert.doesNotMatch(uri, /(^|\/)\.\.?(\/|$)|[\s#?]|^\//, uri);
    assert.equal(new URL(uri, "file:///root/").href.startsWith("file:///root/"), true);
  }
  assert.deepEqual(bySubject.get("info-one").locations[0].physicalLocation.artifactLocation, {
    uri: "a/b.txt",
    uriBaseId: "%SRCROOT%",
  });
  assert.equal(bySubject.get("info-one").level, "note");
  assert.equal(bySubject.get("no-location").level, "warning");
  assert.equal(bySubject.get("no-location").locations, undefined);
  for (
    const [subject, name] of [
      ["outside-home", "~/.config/pip/pip.conf"],
      ["outside-abs", "/etc/pip.conf"],
      ["climbs-out", "a/../../etc/passwd"],
    ]
  ) {
    assert.deepEqual(bySubject.get(subject).locations, [{
      logicalLocations: [{ fullyQualifiedName: name, kind: "resource" }],
    }]);
  }
  assert.equal(bySubject.get("outside-env").locations[0].logicalLocations[0].kind, "variable");
  const waived = bySubject.get("waived </details>");
  assert.equal(waived.suppressions[0].justification, `accepted: ${HOSTILE[3]} ${HOSTILE[1]}`);

  // The rule's help link is a valid URI even though the reference has a space.
  const rule = run.tool.driver.rules.find((r: Json) => r.id === "custom.hostile");
  assert.equal(rule.helpUri, "https://example.com/a%20b");
  assert.deepEqual(rule.properties.tags, ["security", "custom", "ML06"]);

  // The errored check, the input problems and the missing section are notifications.
  const [invocation] = run.invocations;
  assert.equal(invocation.executionSuccessful, false);
  const notes: Json[] = invocation.toolExecutionNotifications;
  const broken = notes.find((n) => n.associatedRule?.id === "custom.broken");
  assert.equal(broken.level, "error");
  assert.ok(broken.message.text.includes("]]>"));
  assert.equal(notes.filter((n) => n.locations).length, report.coverage.problems.length);
  assert.deepEqual(notes.find((n) => n.message.text === "unreadable").locations, [{
    logicalLocations: [{
      name: "PIP_INDEX_URL",
      fullyQualifiedName: "env:PIP_INDEX_URL",
      kind: "variable",
    }],
  }]);
  assert.ok(notes.some((n) => n.message.text.startsWith("registry.pypi is missing")));
});

Deno.test("sarif: without a catalogue every rule is derived from the report, and the log is still valid", async () => {
  const report = await runPolicy(recommended, snapshotOf({}));
  const text = formatSarif(report);
  await assertValidSarif(text);
  const run = JSON.parse(text).runs[0];
  assert.equal(run.results.length, report.results.flatMap((r) => r.findings).length);
  assert.deepEqual(
    run.tool.driver.rules.map((r: Json) => [r.id, r.shortDescription.text]),
    report.results.map((r) => [r.check, r.title]),
  );
});

Deno.test("sarif: a policy's severity override sets the rule's level and security-severity", async () => {
  const policy = definePolicy({
    name: "soft",
    extends: [recommended],
    checks: [checks.venv.isolated({}, { severity: "info" })],
  });
  const rule = rulesOf(policy).find((r) => r.id === "venv.isolated")!;
  assert.equal(rule.severity, "info");
  const report = await runPolicy(policy, snapshotOf({}));
  const sarif = JSON.parse(formatSarif(report, { checks: rulesOf(policy) }));
  const sarifRule = sarif.runs[0].tool.driver.rules.find((r: Json) => r.id === "venv.isolated");
  assert.equal(sarifRule.defaultConfiguration.level, "note");
  assert.equal(sarifRule.properties["security-severity"], "2.0");
});

Deno.test("sarif: the schema check bites (a raw space in a URI, a result without a message)", async () => {
  const report = await hostileReport();
  const log = JSON.parse(formatSarif(report));
  const spaced = structuredClone(log);
  const located = spaced.runs[0].results.find((r: Json) => r.locations?.[0].physicalLocation);
  located.locations[0].physicalLocation.artifactLocation.uri = "dir with space";
  await assert.rejects(() => assertValidSarif(JSON.stringify(spaced)), /uri-reference/);
  const silent = structuredClone(log);
  delete silent.runs[0].results[0].message;
  await assert.rejects(() => assertValidSarif(JSON.stringify(silent)), /message/);
});

Deno.test("sarif: past 25,000 results the rest are left out, and a notification counts them", async () => {
  const report = structuredClone(await hostileReport());
  const hostile = report.results.find((r) => r.check === "custom.hostile")!;
  hostile.findings = Array.from({ length: 25_003 }, (_, i) => ({
    ...hostile.findings[i % hostile.findings.length],
    fingerprint: i.toString(16).padStart(32, "0"),
  }));
  const text = formatSarif(report, { checks: rulesOf(hostilePolicy) });
  await assertValidSarif(text);
  const run = JSON.parse(text).runs[0];
  assert.equal(run.results.length, 25_000);
  const total = 25_003 + hostile.waived.length;
  assert.equal(
    run.invocations[0].toolExecutionNotifications[0].message.text,
    `${total - 25_000} of ${total} findings are left out: SARIF consumers accept at most 25000 ` +
      "results per run; the JSON report has them all.",
  );
});

Deno.test("sarif: any file name becomes a valid relative URI that decodes back, or a logical location", async () => {
  const base = await runPolicy(hostilePolicy, snapshotOf({}));
  const segment = fc.oneof(
    fc.constantFrom("..", ".", "", "~", "env:X", "C:", "a b", "#", "%", "?", "é", "🧨", "\ud800"),
    fc.string({ unit: "binary", maxLength: 6 }),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 4 }), async (segments) => {
      const file = segments.join("/");
      fc.pre(file.length > 0);
      const report = structuredClone(base);
      const hostile = report.results.find((r) => r.check === "custom.hostile")!;
      hostile.findings = [{ ...hostile.findings[0], location: { file, line: 1 } }];
      hostile.waived = [];
      const text = formatSarif(report);
      await assertValidSarif(text);
      const [location] = JSON.parse(text).runs[0].results[0].locations;
      if (location.physicalLocation) {
        const uri: string = location.physicalLocation.artifactLocation.uri;
        const decoded = uri.split("/").map(decodeURIComponent);
        assert.deepEqual(
          decoded,
          file.toWellFormed().split("/").filter((s) => s !== "" && s !== "."),
        );
        assert.ok(!decoded.includes(".."));
        assert.doesNotMatch(uri, /[^A-Za-z0-9\-._~!'()*%/]/);
      } else {
        assert.equal(location.logicalLocations[0].fullyQualifiedName, file.toWellFormed());
        assert.ok(
          /^(~(\/|$)|\/|\\|[A-Za-z]:|env:)/.test(file) || file.split("/").includes("..") ||
            file.split("/").every((s) => s === "" || s === "."),
          file,
        );
      }
    }),
    { numRuns: 300 },
  );
});
