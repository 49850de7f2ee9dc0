import { normaliseName } from "../../packaging/mod.ts";
import assert from "node:assert/strict";
import { affectedVersions, findAdvisories, loadOsvDatabase } from "../../enrich/osv.ts";
import { CORPUS, corpusDatabase } from "./_osv_database.ts";

async function run(command: string, args: string[], input?: string): Promise<string> {
  const child = new Deno.Command(command, {
    args,
    stdin: input === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (input !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(input));
    await writer.close();
  }
  const { code, stdout, stderr } = await child.output();
  const text = new TextDecoder().decode(stdout);
  assert.equal(code, 0, `${command} ${args.join(" ")}: ${new TextDecoder().decode(stderr)}`);
  return text;
}

/** Zip the corpus as it is (YAML) and as JSON, with Python's zipfile (deflate). */
const ZIP_CORPUS = `
import json, os, sys, zipfile, yaml
root, yaml_zip, json_zip = sys.argv[1:4]
with zipfile.ZipFile(yaml_zip, "w", zipfile.ZIP_DEFLATED) as y, zipfile.ZipFile(json_zip, "w", zipfile.ZIP_DEFLATED) as j:
    for folder, dirs, files in sorted(os.walk(root)):
        dirs.sort()
        for name in sorted(files):
            full = os.path.join(folder, name)
            rel = os.path.relpath(full, root)
            y.write(full, rel)
            if name.endswith(".yaml"):
                with open(full, encoding="utf-8") as f:
                    # Every scalar a string, as written (no timestamps or floats made up).
                    record = yaml.load(f, Loader=getattr(yaml, "CBaseLoader", yaml.BaseLoader))
                j.writestr(rel[:-5] + ".json", json.dumps(record))
`;

Deno.test("the PyPA corpus loads: every record valid, two unevaluable ranges reported", async () => {
  const db = await corpusDatabase();
  assert.equal(db.version.format, "directory");
  assert.equal(db.version.files, 2661);
  assert.equal(db.version.records, 2661);
  assert.equal(db.version.pypiRecords, 2661);
  assert.equal(db.version.newestModified, "2024-10-10T17:22:00.587279Z");
  assert.match(db.version.digest, /^sha256:[0-9a-f]{64}$/);
  assert.deepEqual(db.problems.map((p) => [p.file.slice(CORPUS.length + 1), p.message]), [
    [
      "vulns/binderhub/PYSEC-2021-371.yaml",
      'PYSEC-2021-371: affected[0].ranges[1] not evaluated: fixed "0.2.0-n653" is not a PEP 440 version',
    ],
    [
      "vulns/steam/PYSEC-2019-125.yaml",
      'PYSEC-2019-125: affected[0].ranges[0] not evaluated: fixed "2019-09-12" is not a PEP 440 version',
    ],
  ]);
});

Deno.test("real advisories: fixed versions, last_affected, withdrawn, CVSS severity", async () => {
  const db = await corpusDatabase();
  const look = (name: string, version: string) =>
    findAdvisories(db, [{ name, version }]).advisories.map((a) => [a.id, a.fixed, a.severity]);
  const aiohttp = look("aiohttp", "3.7.3");
  assert.deepEqual(aiohttp[0], ["PYSEC-2021-76", ["3.7.4"], "unknown"]);
  assert.equal(aiohttp.length, 8);
  assert.ok(!look("aiohttp", "3.7.4").some(([id]) => id === "PYSEC-2021-76"));
  assert.deepEqual(look("Jinja2", "2.10"), [
    ["PYSEC-2019-217", ["2.10.1"], "unknown"],
    ["PYSEC-2021-66", ["2.11.3"], "unknown"],
  ]);
  // Werkzeug: two intervals, each with its fix, and a CVSS v3.1 vector (7.5, high).
  const werkzeug = (version: string) =>
    findAdvisories(db, [{ name: "werkzeug", version }]).advisories
      .filter((a) => a.id === "PYSEC-2023-221");
  assert.deepEqual(werkzeug("2.2.0").map((a) => a.fixed), [["2.3.8"]]);
  assert.deepEqual(werkzeug("3.0.0").map((a) => [a.fixed, a.severity, a.score, a.vector]), [[
    ["3.0.1"],
    "high",
    7.5,
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
  ]]);
  assert.deepEqual(werkzeug("2.3.8"), []);
  assert.deepEqual(werkzeug("3.0.1"), []);
  // py: last_affected 1.11.0 — affected up to and including it, no fix known.
  const py = db.recordsFor("py").find((r) => r.id === "PYSEC-2022-42969");
  assert.ok(py !== undefined);
  assert.deepEqual(affectedVersions(py, "py", "1.11.0"), {
    affected: true,
    fixed: [],
    lastAffected: ["1.11.0"],
  });
  assert.equal(affectedVersions(py, "py", "1.11.1").affected, false);
  // redis: PYSEC-2023-73 lists redis 3.0.0 but is withdrawn.
  assert.ok(db.recordsFor("redis").some((r) => r.id === "PYSEC-2023-73"));
  assert.ok(!look("redis", "3.0.0").some(([id]) => id === "PYSEC-2023-73"));
});

Deno.test("the corpus as a zip of YAML and as a zip of JSON gives the same advisories", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tollgate-osv-zip-" });
  try {
    await run("python3", ["-c", ZIP_CORPUS, CORPUS, `${dir}/yaml.zip`, `${dir}/json.zip`]);
    const db = await corpusDatabase();
    const [yamlZip, jsonZip] = await Promise.all([
      loadOsvDatabase(`${dir}/yaml.zip`),
      loadOsvDatabase(`${dir}/json.zip`),
    ]);
    assert.equal(yamlZip.version.format, "zip");
    assert.equal(yamlZip.version.digest, db.version.digest, "same files, same digest");
    for (const other of [yamlZip, jsonZip]) {
      assert.equal(other.version.records, 2661);
      assert.equal(other.version.newestModified, db.version.newestModified);
      assert.equal(other.problems.length, 2);
    }
    // Every package of the corpus at 0.0.1, and at the first version each of its records lists.
    const queries = [];
    for await (const entry of Deno.readDir(`${CORPUS}/vulns`)) {
      if (!entry.isDirectory) continue;
      const listed = db.recordsFor(entry.name).flatMap((r) => r.affected[0]?.versions[0] ?? []);
      for (const version of new Set(["0.0.1", ...listed])) {
        queries.push({ name: entry.name, version });
      }
    }
    assert.ok(queries.length > 1000, `${queries.length} queries`);
    const strip = (advisories: { database?: string }[]) =>
      advisories.map(({ database: _, ...rest }) => rest);
    const expected = strip(findAdvisories(db, queries).advisories);
    assert.ok(expected.length > 1000, `${expected.length} advisories`);
    assert.deepEqual(strip(findAdvisories(yamlZip, queries).advisories), expected);
    assert.deepEqual(strip(findAdvisories(jsonZip, queries).advisories), expected);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * An independent reading of the corpus in Python: PyYAML for the records, `packaging` for PEP 440,
 * and the OSV schema's evaluation algorithm written again. For each package it asks many versions
 * (those the records list, every event version, and pre-, post-, dev- and local-release
 * neighbours of each) and prints, per query, the affected record ids with their fixed and
 * last-affected versions.
 */
const PYTHON_MODEL = `
import functools, json, os, re, sys, yaml
try:
    from packaging.version import Version, InvalidVersion
except ImportError:
    from pip._vendor.packaging.version import Version, InvalidVersion

root = sys.argv[1]
norm = lambda name: re.sub(r"[-_.]+", "-", name).lower()
cache = {}
def V(text):
    if text not in cache:
        try:
            cache[text] = Version(text)
        except InvalidVersion:
            cache[text] = None
    return cache[text]

records = []
for folder, _, files in os.walk(root):
    for name in files:
        if name.endswith(".yaml"):
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                records.append(yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))

def evaluable(kind, value):
    return (kind == "introduced" and value == "0") or (kind == "limit" and value == "*") or V(value) is not None

def evaluate(events, v):
    pairs = [next(iter(e.items())) for e in events]
    limits = [x for k, x in pairs if k == "limit"]
    if limits and not any(x == "*" or v < V(x) for x in limits):
        return None
    def order(a, b):
        if a[0] == "introduced" and a[1] == "0":
            return 0 if (b[0] == "introduced" and b[1] == "0") else -1
        if b[0] == "introduced" and b[1] == "0":
            return 1
        return (V(a[1]) > V(b[1])) - (V(a[1]) < V(b[1]))
    ordered = sorted([p for p in pairs if p[0] != "limit"], key=functools.cmp_to_key(order))
    vulnerable, last = False, -1
    for i, (kind, x) in enumerate(ordered):
        if kind == "introduced" and (x == "0" or v >= V(x)):
            vulnerable, last = True, i
        elif kind == "fixed" and v >= V(x):
            vulnerable, last = False, i
        elif kind == "last_affected" and (v if V(x).local else V(v.public)) > V(x):
            vulnerable, last = False, i
    if not vulnerable:
        return None
    for kind, x in ordered[last + 1:]:
        if kind != "introduced":
            return (kind, x)
    return ("open", None)

listed_sets = {}
def match(record, name, version):
    if record.get("withdrawn"):
        return None
    v = V(version)
    hit, fixed, last = False, set(), set()
    for entry in record.get("affected") or []:
        package = entry.get("package") or {}
        if package.get("ecosystem") != "PyPI" or norm(package.get("name", "")) != norm(name):
            continue
        ranges = []
        if v is not None:
            for r in entry.get("ranges") or []:
                pairs = [next(iter(e.items())) for e in r["events"]]
                if r["type"] == "ECOSYSTEM" and all(evaluable(k, x) for k, x in pairs) and any(k == "introduced" for k, _ in pairs):
                    ranges.append(r)
        in_range = False
        for r in ranges:
            found = evaluate(r["events"], v)
            if found is None:
                continue
            in_range = True
            if found[0] == "fixed": fixed.add(found[1])
            if found[0] == "last_affected": last.add(found[1])
        listed = entry.get("versions") or []
        key = id(entry)
        if key not in listed_sets:
            listed_sets[key] = (set(listed), {V(x) for x in listed if V(x) is not None})
        exact, equal = listed_sets[key]
        # PEP 440's ==: a listed version without a local label matches the candidate's local builds.
        if not in_range and (version in exact or (v is not None and (v in equal or V(v.public) in equal))):
            in_range = True
            above = sorted({x for r in ranges for e in r["events"] for k, x in e.items() if k == "fixed" and V(x) > v}, key=V)
            if above: fixed.add(above[0])
        hit = hit or in_range
    if not hit:
        return None
    return [record["id"], sorted(fixed, key=V), sorted(last, key=V)]

by_package = {}
for record in records:
    for entry in record.get("affected") or []:
        package = entry.get("package") or {}
        if package.get("ecosystem") == "PyPI":
            by_package.setdefault(norm(package["name"]), []).append(record)

out = []
for package in sorted(by_package):
    candidates = set()
    for record in by_package[package]:
        for entry in record.get("affected") or []:
            listed = entry.get("versions") or []
            candidates.update(listed[:: max(1, len(listed) // 12)])
            for r in entry.get("ranges") or []:
                if r["type"] != "ECOSYSTEM":
                    continue
                for e in r["events"]:
                    for x in e.values():
                        if x in ("0", "*"):
                            continue
                        candidates.update([x, x + "rc1", x + ".post1", x + ".dev0", x + ".0", x + "+local"])
    # At most 40 per package, spread over the sorted candidates, plus the extremes.
    ordered = sorted(candidates)
    sample = ordered[:: max(1, len(ordered) // 40)] + ["0", "0.0.0.dev0", "99999", "not a version"]
    for version in sample:
        hits = [m for m in (match(r, package, version) for r in by_package[package]) if m]
        out.append([package, version, sorted(hits)])
json.dump(out, sys.stdout)
`;

Deno.test("differential: range evaluation agrees with Python's packaging over the corpus", async () => {
  const db = await corpusDatabase();
  const expected: [string, string, [string, string[], string[]][]][] = JSON.parse(
    await run("python3", ["-c", PYTHON_MODEL, `${CORPUS}/vulns`]),
  );
  assert.ok(expected.length > 10_000, `${expected.length} queries`);
  let affected = 0;
  const mismatches: string[] = [];
  for (const [name, version, hits] of expected) {
    const got = db.recordsFor(name).map((record) => ({
      id: record.id,
      match: affectedVersions(record, normaliseName(name), version),
    })).filter(({ match }) => match.affected)
      .map(({ id, match }) => [id, match.fixed, match.lastAffected])
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    affected += got.length;
    if (JSON.stringify(got) !== JSON.stringify(hits)) {
      mismatches.push(
        `${name} ${version}: got ${JSON.stringify(got)}, python ${JSON.stringify(hits)}`,
      );
    }
  }
  assert.deepEqual(mismatches.slice(0, 10), []);
  assert.ok(affected > 30_000, `${affected} affected pairs`);
});
