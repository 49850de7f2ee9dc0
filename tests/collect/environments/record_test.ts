import assert from "node:assert/strict";
import fc from "fast-check";
import {
  compareWithRecord,
  isExpectedUnhashed,
  parseRecord,
  planRecordChecks,
  recordTopLevelDirectories,
  resolveInEnvironment,
  splitCsvRows,
} from "../../../collect/environments/record.ts";

const EMPTY = "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"; // sha256 of zero bytes
const SP = "lib/python3.11/site-packages";

Deno.test("CSV rows: quoted commas, doubled quotes, newlines inside quotes, CRLF", () => {
  const { rows, errors } = splitCsvRows(
    '"a,b.py",sha256=x,1\r\n"say ""hi"".py",,\n"two\nlines.py",,\nlast,,',
  );
  assert.deepEqual(errors, []);
  assert.deepEqual(rows, [
    { fields: ["a,b.py", "sha256=x", "1"], line: 1 },
    { fields: ['say "hi".py', "", ""], line: 2 },
    { fields: ["two\nlines.py", "", ""], line: 3 },
    { fields: ["last", "", ""], line: 5 },
  ]);
});

Deno.test("RECORD rows: entries, blank lines skipped, malformed rows with their line", () => {
  const { entries, malformed, rows } = parseRecord(
    `demo/__init__.py,sha256=${EMPTY},0\n\ndemo/x.py\n"demo/y.py"junk,,\n,sha256=${EMPTY},0\n` +
      `demo/z.py,sha256,1\ndemo/RECORD,,\n`,
  );
  assert.equal(rows, 6);
  assert.deepEqual(entries, [
    { path: "demo/__init__.py", line: 1, algorithm: "sha256", digest: EMPTY, size: 0 },
    { path: "demo/RECORD", line: 7 },
  ]);
  assert.deepEqual(malformed.map((m) => [m.line, m.path, m.actual]), [
    [3, "demo/x.py", "expected 3 fields (path,hash,size), found 1"],
    [4, "line 4", 'unexpected "j" after a quoted field'],
    [5, "line 5", "empty path"],
    [6, "demo/z.py", 'hash "sha256" is not algorithm=digest'],
  ]);
});

Deno.test("planning: escapes, absolute, unknown algorithms, unhashed and expected-unhashed", () => {
  const { entries } = parseRecord([
    `../../../bin/tool,sha256=${EMPTY},0`,
    `../../../../etc/passwd,sha256=${EMPTY},0`,
    `/etc/passwd,sha256=${EMPTY},0`,
    `C:\\Windows\\x.dll,sha256=${EMPTY},0`,
    "demo/a.py,md5=1B2M2Y8AsgTpgAmY7PhCfg,0",
    "demo/b.py,sha1=2jmj7l5rSw0yVb_vlWAYkK_YBwk,0",
    `demo/c.py,SHA512=${EMPTY},0`,
    "demo/d.py,,",
    "demo/__pycache__/d.cpython-311.pyc,,",
    "demo-1.0.dist-info/RECORD,,",
    "demo-1.0.dist-info/RECORD.jws,,",
  ].join("\n"));
  const { checks, discrepancies } = planRecordChecks(entries, {
    sitePackages: SP,
    distInfo: "demo-1.0.dist-info",
  });
  assert.deepEqual(checks.map((c) => [c.file, c.algorithm]), [
    ["bin/tool", "sha256"],
    [`${SP}/demo/c.py`, "sha512"],
  ]);
  assert.deepEqual(discrepancies.map((d) => [d.line, d.kind, d.expected]), [
    [2, "escapes-environment", undefined],
    [3, "escapes-environment", undefined],
    [4, "escapes-environment", undefined],
    [5, "unknown-algorithm", "md5"],
    [6, "unknown-algorithm", "sha1"],
    [8, "unhashed", undefined],
  ]);
  assert.equal(resolveInEnvironment("a/../../../b", "sp"), undefined);
  assert.equal(resolveInEnvironment("a\\..\\b.py", SP), `${SP}/b.py`);
  assert.equal(isExpectedUnhashed("x/__pycache__/y.pyc", "x-1.dist-info"), true);
  assert.equal(isExpectedUnhashed("x/__pycache__/y.py", "x-1.dist-info"), false);
});

Deno.test("comparing: match, hash mismatch, size mismatch, missing, padding tolerated", () => {
  const check = (digest: string, size?: number) => ({
    entry: { path: "a.py", line: 3, algorithm: "sha256", digest, size },
    file: "a.py",
    algorithm: "sha256" as const,
  });
  const empty = {
    ok: true as const,
    digest: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    size: 0,
  };
  assert.equal(compareWithRecord(check(EMPTY, 0), empty), undefined);
  assert.equal(compareWithRecord(check(`${EMPTY}=`), empty), undefined);
  assert.deepEqual(compareWithRecord(check("AAAA", 0), empty), {
    path: "a.py",
    line: 3,
    kind: "hash-mismatch",
    expected: "sha256=AAAA",
    actual: `sha256=${EMPTY}`,
  });
  assert.equal(compareWithRecord(check(EMPTY, 9), empty)?.kind, "size-mismatch");
  assert.equal(
    compareWithRecord(check(EMPTY), { ok: false, reason: "missing", message: "file not found" })
      ?.kind,
    "missing",
  );
});

Deno.test("top-level directories exclude metadata, caches, top-level files and ../", () => {
  const { entries } = parseRecord(
    "demo/a.py,,\ndemo/sub/b.py,,\n__pycache__/six.pyc,,\nsix.py,,\ndemo-1.0.dist-info/METADATA,,\n" +
      "../../../bin/x,,\nother-1.0.data/x,,\nnspkg/inner/c.py,,\n",
  );
  assert.deepEqual(recordTopLevelDirectories(entries, "demo-1.0.dist-info"), ["demo", "nspkg"]);
});

Deno.test("property: any text parses without throwing, and every line is inside the file", () => {
  const pieces = fc.constantFrom('"', ",", "\n", "\r", "\r\n", "sha256=", "a", "../", "=", " ", "");
  const text = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.array(pieces, { maxLength: 60 }).map((p) => p.join("")),
  );
  fc.assert(
    fc.property(text, (input) => {
      const lines = input.split(/\r\n|\r|\n/).length;
      const { entries, malformed, rows } = parseRecord(input);
      for (const item of [...entries, ...malformed]) {
        assert.ok(item.line !== undefined && item.line >= 1 && item.line <= lines, input);
      }
      assert.ok(rows >= entries.length);
      planRecordChecks(entries, { sitePackages: SP, distInfo: "x-1.dist-info" });
    }),
    { numRuns: 2000 },
  );
});
