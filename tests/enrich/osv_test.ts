import assert from "node:assert/strict";
import fc from "fast-check";
import {
  advisoriesFor,
  affectedVersions,
  findAdvisories,
  loadOsvDatabase,
  readOsvRecord,
} from "../../enrich/osv.ts";
import type { Problem } from "../../core/snapshot.ts";
import { eco, matches, pypi, record } from "./_osv.ts";

Deno.test("withdrawn records affect nothing", () => {
  const r = record("PYSEC-8", [pypi("demo", [eco({ introduced: "0" })], ["1.0"])], {
    withdrawn: "2024-02-01T00:00:00Z",
  });
  assert.equal(matches(r, "1.0").affected, false);
  assert.deepEqual(advisoriesFor([r], { name: "demo", version: "1.0" }), []);
});

Deno.test("aliases: records of one vulnerability become one advisory under a stable primary", () => {
  const affected = [pypi("demo", [eco({ introduced: "0" }, { fixed: "2.0" })])];
  const ghsa = record("GHSA-aaaa-bbbb-cccc", affected, {
    aliases: ["CVE-2024-1"],
    summary: "Remote code execution in demo",
    severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" }],
    references: [{ type: "ADVISORY", url: "https://example.invalid/ghsa" }],
  });
  const pysec = record("PYSEC-2024-1", [
    pypi("demo", [eco({ introduced: "0" }, { fixed: "1.9.1" })]),
  ], {
    aliases: ["CVE-2024-1"],
    details: "\nDemo before 1.9.1 runs code.\nMore text.",
    modified: "2024-03-01T00:00:00Z",
  });
  // Transitive: OSV-1 names only the GHSA id; still the same vulnerability.
  const osv = record("OSV-2024-7", affected, { aliases: ["GHSA-aaaa-bbbb-cccc"] });
  const unrelated = record("PYSEC-2024-2", affected, { related: ["PYSEC-2024-1"] });
  const expected = {
    id: "PYSEC-2024-1",
    aliases: ["CVE-2024-1", "GHSA-aaaa-bbbb-cccc", "OSV-2024-7"],
    package: "Demo",
    version: "1.0",
    severity: "critical",
    fixed: ["1.9.1", "2.0"],
    summary: "Demo before 1.9.1 runs code.",
    score: 9.8,
    vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    severitySource: "cvss_v3",
    modified: "2024-03-01T00:00:00Z",
    references: ["https://example.invalid/ghsa"],
    database: "test",
  };
  for (const order of [[ghsa, pysec, osv, unrelated], [unrelated, osv, pysec, ghsa]]) {
    const found = advisoriesFor(order, { name: "Demo", version: "1.0" }, { database: "test" });
    assert.equal(found.length, 2);
    assert.deepEqual(found[0], expected);
    assert.equal(found[1].id, "PYSEC-2024-2");
    assert.equal(found[1].severity, "unknown");
    assert.equal(found[1].severityReason, "no CVSS v3/v4 vector and no database severity");
  }
  // Only the records that match count: at 1.9.5 the PYSEC record is fixed, GHSA still applies.
  const later = advisoriesFor([ghsa, pysec], { name: "demo", version: "1.9.5" });
  assert.deepEqual(later.map((a) => [a.id, a.aliases, a.fixed]), [
    ["GHSA-aaaa-bbbb-cccc", ["CVE-2024-1"], ["2.0"]],
  ]);
});

Deno.test("severity: affected-level vectors and database_specific count too", () => {
  const r = record("GHSA-1111-2222-3333", [{
    ...pypi("demo", [eco({ introduced: "0" })]),
    severity: [{
      type: "CVSS_V4",
      score: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
    }],
  }]);
  assert.deepEqual(
    advisoriesFor([r], { name: "demo", version: "1" }).map((
      a,
    ) => [a.severity, a.score, a.severitySource]),
    [["critical", 9.3, "cvss_v4"]],
  );
  const ghsaStyle = record("GHSA-4444-5555-6666", [pypi("demo", [eco({ introduced: "0" })])], {
    database_specific: { severity: "MODERATE", cwe_ids: ["CWE-79"] },
    severity: [{ type: "CVSS_V3", score: "CVSS:3.1/broken" }],
  });
  const [advisory] = advisoriesFor([ghsaStyle], { name: "demo", version: "1" });
  assert.equal(advisory.severity, "moderate");
  assert.equal(advisory.severitySource, "database_specific");
});

Deno.test("readOsvRecord names what is wrong", () => {
  const cases: [unknown, RegExp][] = [
    [[], /not an OSV record/],
    ["text", /not an OSV record/],
    [{ modified: "x" }, /^id: /],
    [{ id: "X-1" }, /^modified: /],
    [{ id: "X-1", modified: "x", affected: "none" }, /^affected: /],
    [{
      id: "X-1",
      modified: "x",
      affected: [{ ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0", fixed: "1" }] }] }],
    }, /affected\.0\.ranges\.0\.events\.0: an event has exactly one of/],
    [{ id: "X-1", modified: "x", aliases: [1] }, /^aliases\.0: /],
  ];
  for (const [value, problem] of cases) {
    const read = readOsvRecord(value);
    assert.equal(read.record, undefined);
    assert.match(read.problem ?? "", problem, JSON.stringify(value));
  }
  assert.equal(
    readOsvRecord({ id: "X-1", modified: "x", summary: null }).record?.summary,
    undefined,
  );
});

async function withDatabase(
  files: Record<string, string | Uint8Array>,
  run: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tollgate-osv-" });
  try {
    for (const [name, content] of Object.entries(files)) {
      const full = `${dir}/${name}`;
      await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
      if (typeof content === "string") await Deno.writeTextFile(full, content);
      else await Deno.writeFile(full, content);
    }
    await run(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const GOOD_YAML = `id: PYSEC-2020-1
modified: '2020-01-02T00:00:00Z'
affected:
- package: {name: demo, ecosystem: PyPI}
  ranges:
  - type: ECOSYSTEM
    events:
    - introduced: 0
    - fixed: 1.10
`;

Deno.test("malformed records are problems with file and reason; good ones still load", async () => {
  await withDatabase({
    "demo/PYSEC-2020-1.yaml": GOOD_YAML,
    "demo/bad-yaml.yaml": "id: [unclosed\nmodified: x\n",
    "demo/bad.json": '{"id": "X-2", ',
    "demo/list.json": "[1, 2]",
    "demo/no-id.json": '{"modified": "2020-01-01T00:00:00Z"}',
    "demo/two-keys.json": JSON.stringify({
      id: "X-3",
      modified: "2020-01-01T00:00:00Z",
      affected: [pypi("demo", [eco({ introduced: "0", fixed: "1.0" })])],
    }),
    "demo/latin1.json": new Uint8Array([0x7b, 0xe9, 0x7d]),
    "demo/big.json": `{"id": "X-4", "modified": "x", "details": "${"a".repeat(5000)}"}`,
    "demo/unevaluable.json": JSON.stringify({
      id: "X-5",
      modified: "2021-06-01T00:00:00Z",
      affected: [pypi("demo", [eco({ introduced: "0" }, { fixed: "2019-09-12" })], ["0.5"])],
    }),
    "demo/dup.json": JSON.stringify({ id: "PYSEC-2020-1", modified: "2019-01-01T00:00:00Z" }),
    "README.md": "not a record",
  }, async (dir) => {
    const reported: Problem[] = [];
    const db = await loadOsvDatabase(dir, {
      onProblem: (p) => reported.push(p),
      limits: { maxRecordBytes: 4096 },
    });
    const byFile = Object.fromEntries(
      db.problems.map((p) => [p.file.slice(dir.length + 1), `${p.line ?? ""} ${p.message}`]),
    );
    assert.deepEqual(reported, db.problems);
    assert.match(byFile["demo/bad-yaml.yaml"], /^\d+ not YAML: /);
    assert.match(byFile["demo/bad.json"], /^ not JSON: /);
    assert.match(byFile["demo/list.json"], /not a valid OSV record: not an OSV record/);
    assert.match(byFile["demo/no-id.json"], /not a valid OSV record: id: /);
    assert.match(byFile["demo/two-keys.json"], /exactly one of introduced, fixed/);
    assert.match(byFile["demo/latin1.json"], /not UTF-8 text/);
    assert.match(byFile["demo/big.json"], /exceeds the 4096-byte limit/);
    assert.match(
      byFile["demo/unevaluable.json"],
      /X-5: affected\[0\]\.ranges\[0\] not evaluated: fixed "2019-09-12" is not a PEP 440 version/,
    );
    assert.match(
      byFile["demo/dup.json"],
      /PYSEC-2020-1 also in .*PYSEC-2020-1\.yaml; the record modified later is used/,
    );
    assert.equal(Object.keys(byFile).length, 9);
    assert.equal(db.version.files, 10);
    assert.equal(db.version.records, 2);
    assert.equal(db.version.newestModified, "2021-06-01T00:00:00Z");
    // YAML scalars stay strings: "fixed: 1.10" is version 1.10, not the number 1.1.
    const { advisories, problems } = findAdvisories(db, [
      { name: "demo", version: "1.2" },
      { name: "demo", version: "0.5" },
      { name: "demo", version: "main" },
    ]);
    assert.deepEqual(advisories.map((a) => [a.version, a.id, a.fixed]), [
      ["1.2", "PYSEC-2020-1", ["1.10"]],
      ["0.5", "PYSEC-2020-1", ["1.10"]],
      ["0.5", "X-5", []],
    ]);
    assert.deepEqual(problems, [{
      file: dir,
      message: "demo main: not a PEP 440 version, so only the explicit versions lists of 2 " +
        "record(s) were checked, not their ranges",
    }]);
  });
});

Deno.test("bounds: file count, total bytes, nesting; links are not followed", async () => {
  await withDatabase({
    "a/1.yaml": GOOD_YAML,
    "a/2.yaml": GOOD_YAML.replace("PYSEC-2020-1", "PYSEC-2020-2"),
    "a/3.yaml": GOOD_YAML.replace("PYSEC-2020-1", "PYSEC-2020-3"),
    "d1/d2/d3/4.yaml": GOOD_YAML.replace("PYSEC-2020-1", "PYSEC-2020-4"),
  }, async (dir) => {
    await Deno.symlink(`${dir}/a/1.yaml`, `${dir}/a/link.yaml`);
    const few = await loadOsvDatabase(dir, { limits: { maxFiles: 2 } });
    assert.equal(few.version.records, 2);
    assert.ok(few.problems.some((p) => /more than 2 record files/.test(p.message)));
    const small = await loadOsvDatabase(dir, { limits: { maxTotalBytes: GOOD_YAML.length * 2 } });
    assert.equal(small.version.records, 2);
    assert.ok(small.problems.some((p) => /database exceeds/.test(p.message)));
    const shallow = await loadOsvDatabase(dir, { limits: { maxDepth: 2 } });
    assert.equal(shallow.version.records, 3);
    assert.ok(shallow.problems.some((p) => /nested deeper than 2/.test(p.message)));
    assert.ok(
      shallow.problems.some((p) => p.file.endsWith("link.yaml") && /symbolic link/.test(p.message)),
    );
  });
});

Deno.test("a path that is neither a directory nor a zip is an error naming it", async () => {
  await withDatabase({ "x.json": "{}" }, async (dir) => {
    await assert.rejects(loadOsvDatabase(`${dir}/missing`), /OSV database .*missing/);
    await assert.rejects(
      loadOsvDatabase(`${dir}/x.json`),
      /neither a directory nor a usable zip archive: no ZIP end-of-central-directory record/,
    );
  });
});

Deno.test("an empty or wrong database is an error, not a clean bill of health", async () => {
  const npmOnly = JSON.stringify({
    id: "GHSA-aaaa-bbbb-cccc",
    modified: "2024-01-01T00:00:00Z",
    affected: [{
      package: { ecosystem: "npm", name: "left-pad" },
      ranges: [eco({ introduced: "0" })],
    }],
  });
  // The end-of-central-directory record of a zip with no members.
  const emptyZip = new Uint8Array([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]);
  await withDatabase({
    "empty/README.md": "no records here",
    "npm/GHSA-aaaa-bbbb-cccc.json": npmOnly,
    "broken/PYSEC-1.json": "{ not json",
    "empty.zip": emptyZip,
  }, async (dir) => {
    await assert.rejects(
      loadOsvDatabase(`${dir}/empty`),
      new RegExp(
        `^Error: OSV database ${dir}/empty: no PyPI advisories in 0 file\\(s\\) — ` +
          "is this an OSV database for PyPI\\?$",
      ),
    );
    await assert.rejects(
      loadOsvDatabase(`${dir}/npm`),
      /npm: no PyPI advisories in 1 file\(s\) — is this an OSV database for PyPI\?/,
    );
    await assert.rejects(
      loadOsvDatabase(`${dir}/broken`),
      /broken: no PyPI advisories in 1 file\(s\) \(1 problem\(s\), the first: .*PYSEC-1\.json: not JSON/,
    );
    await assert.rejects(loadOsvDatabase(`${dir}/empty.zip`), /no PyPI advisories in 0 file/);
    // One PyPI record among others is enough.
    await Deno.writeTextFile(`${dir}/npm/PYSEC-2020-1.yaml`, GOOD_YAML);
    const db = await loadOsvDatabase(`${dir}/npm`);
    assert.deepEqual([db.version.records, db.version.pypiRecords], [2, 1]);
  });
});

Deno.test("property: hostile records never throw while loading or matching", () => {
  const versionText = fc.oneof(
    fc.constantFrom("0", "*", "1.0", "1.0.0", "2!1.0", "1.0+local", "1.0rc1", "1.0.post1.dev2"),
    fc.string({ maxLength: 8 }),
  );
  const event = fc.tuple(
    fc.constantFrom("introduced", "fixed", "last_affected", "limit"),
    versionText,
  )
    .map(([kind, version]) => ({ [kind]: version }));
  const affected = fc.record({
    package: fc.record({
      ecosystem: fc.constantFrom("PyPI", "npm", ""),
      name: fc.constantFrom("demo", "Demo", "de.mo", "other"),
    }),
    ranges: fc.array(
      fc.record({
        type: fc.constantFrom("ECOSYSTEM", "GIT", "SEMVER", "?"),
        events: fc.array(event, { maxLength: 6 }),
      }),
      { maxLength: 3 },
    ),
    versions: fc.array(versionText, { maxLength: 4 }),
  });
  const loose = fc.dictionary(
    fc.constantFrom("id", "affected", "withdrawn", "aliases", "severity", "summary"),
    fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.constant(null), fc.array(fc.string())),
    { maxKeys: 3 },
  );
  fc.assert(
    fc.property(
      fc.oneof(fc.record({ affected: fc.array(affected, { maxLength: 3 }) }), loose),
      versionText,
      (extra, version) => {
        const read = readOsvRecord({ id: "X-1", modified: "2020-01-01T00:00:00Z", ...extra });
        assert.ok(read.record !== undefined || (read.problem ?? "").length > 0);
        if (read.record === undefined) return;
        for (const name of ["demo", "DE_MO"]) {
          const match = affectedVersions(read.record, name, version);
          assert.ok(
            match.affected || (match.fixed.length === 0 && match.lastAffected.length === 0),
          );
          for (const advisory of advisoriesFor([read.record], { name, version })) {
            assert.equal(advisory.id, "X-1");
          }
        }
      },
    ),
    { numRuns: 2000 },
  );
});
