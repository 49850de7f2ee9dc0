// pixi.lock on the corpus's real file (against PyYAML's reading) and on random and mutated text.
import assert from "node:assert/strict";
import { parsePixiLock } from "../../../collect/locks/pixi_lock.ts";
import {
  assertWithinFile,
  checkMutatedFiles,
  checkRandomTexts,
  corpusFiles,
  corpusPath,
  corpusSamples,
  pythonJson,
} from "../../_property.ts";

const file = "pixi.lock";
const MD5 = (c: string) => c.repeat(32);

Deno.test("corpus: every pixi.lock parses with no problem; counts match PyYAML's reading", () => {
  const files = corpusFiles("pixi.lock");
  assert.ok(files.length > 0, "no pixi.lock in the corpus");
  // PyYAML reads the file; conda names and versions come from the archive name when absent, and
  // builds of one name, version and channel merge as the reader merges them.
  const counts = pythonJson<Record<string, Record<string, number>>>(
    `
import json, re, sys, yaml
out = {}
for path in sys.argv[1:]:
    doc = yaml.safe_load(open(path))
    channels, platforms_of, envs_of = [], {}, {}
    for env_name, env in doc.get("environments", {}).items():
        for c in env.get("channels", []):
            url = c["url"] if isinstance(c, dict) else c
            if url not in channels:
                channels.append(url)
        for platform, selectors in env.get("packages", {}).items():
            for s in selectors:
                key = ("conda", s["conda"]) if "conda" in s else ("pypi", s["pypi"])
                platforms_of.setdefault(key, set()).add(platform)
                envs_of.setdefault(key, set()).add(env_name)
    merged = {}
    for p in doc["packages"]:
        kind = "conda" if "conda" in p else "pypi" if "pypi" in p else p["kind"]
        location = p.get(kind) or p.get("url") or p.get("path")
        if kind == "conda":
            m = re.match(r"^(.+)/([^/]+)/(.+)-([^-]+)-([^-]+)\\.(conda|tar\\.bz2)$", location)
            name = str(p.get("name", m.group(3))).lower()
            version = str(p.get("version", m.group(4)))
            key = ("conda", name, version, m.group(1))
        else:
            key = ("pypi", re.sub(r"[-_.]+", "-", p["name"]).lower(), str(p.get("version")), location)
        entry = merged.setdefault(key, {"hashes": set(), "platforms": set(), "lines": 0, "main": False})
        entry["hashes"].update(f"{a}:{p[a]}" for a in ("sha256", "md5") if a in p)
        entry["platforms"].update(platforms_of.get((kind, location), set()))
        entry["main"] = entry["main"] or "default" in envs_of.get((kind, location), set())
        entry["lines"] += 1
    out[path] = {
        "entries": sum(e["lines"] for e in merged.values()),
        "packages": len(merged),
        "hashes": sum(len(e["hashes"]) for e in merged.values()),
        "platforms": sum(len(e["platforms"]) for e in merged.values()),
        "main": sum(1 for e in merged.values() if e["main"]),
        "channels": len(channels),
    }
print(json.dumps(out))
`,
    files.map(corpusPath),
  );
  for (const name of files) {
    const text = Deno.readTextFileSync(corpusPath(name));
    const result = parsePixiLock(text, { file: name });
    assert.deepEqual(result.problems, [], name);
    assertWithinFile(result, text);
    const lines = text.split("\n");
    for (const pkg of result.packages) {
      for (const { line } of pkg.locations) {
        assert.match(lines[line! - 1], /^- (?:kind|conda|pypi):/);
      }
    }
    assert.deepEqual(
      {
        entries: result.packages.reduce((sum, p) => sum + p.locations.length, 0),
        packages: result.packages.length,
        hashes: result.packages.reduce((sum, p) => sum + p.hashes.length, 0),
        platforms: result.packages.reduce((sum, p) => sum + (p.platforms?.length ?? 0), 0),
        main: result.packages.filter((p) => p.groups.length === 0).length,
        channels: result.indexes.length,
      },
      counts[corpusPath(name)],
      name,
    );
  }
});

Deno.test("corpus: pixi.lock dependsOn is what PyYAML reads in each entry's depends", () => {
  const files = corpusFiles("pixi.lock");
  const expected = pythonJson<Record<string, Record<string, string[]>>>(
    `
import json, re, sys, yaml
out = {}
for path in sys.argv[1:]:
    found = {}
    for p in yaml.safe_load(open(path))["packages"]:
        kind = "conda" if "conda" in p else "pypi" if "pypi" in p else p["kind"]
        if kind != "conda":
            continue
        location = p.get("conda") or p.get("url")
        m = re.match(r"^(.+)/([^/]+)/(.+)-([^-]+)-([^-]+)\\.(conda|tar\\.bz2)$", location)
        name = str(p.get("name", m.group(3))).lower()
        deps = {re.match(r"[A-Za-z0-9_.-]+", d).group(0).lower() for d in p.get("depends", [])}
        deps = {d for d in deps if not d.startswith("__")} - {name}
        found.setdefault(name + " " + str(p.get("version", m.group(4))), set()).update(deps)
    out[path] = {key: sorted(deps) for key, deps in found.items()}
print(json.dumps(out))
`,
    files.map(corpusPath),
  );
  let edges = 0;
  for (const name of files) {
    const { packages } = parsePixiLock(Deno.readTextFileSync(corpusPath(name)), { file: name });
    const found: Record<string, string[]> = {};
    for (const pkg of packages.filter((p) => p.ecosystem === "conda")) {
      const key = `${pkg.name} ${pkg.version}`;
      found[key] = [...new Set([...found[key] ?? [], ...pkg.dependsOn!])].sort();
      edges += pkg.dependsOn!.length;
    }
    assert.deepEqual(found, expected[corpusPath(name)], name);
  }
  assert.ok(edges > 50, `${edges} edges`);
});

Deno.test("property: random text never throws and problems lie within the file", () => {
  checkRandomTexts([(text) => parsePixiLock(text, { file })], {
    pieces: [
      "version: 6\n",
      "version: 5\n",
      "environments:\n",
      "  default:\n",
      "    channels:\n",
      "    - url: https://c/\n",
      "    indexes: [https://i/simple]\n",
      "    packages:\n",
      "      linux-64:\n",
      "      - conda: https://c/linux-64/a-1-0.conda\n",
      "      - pypi: ./x\n",
      "packages:\n",
      "- conda: https://c/linux-64/a-1-0.conda\n",
      "- kind: pypi\n",
      "  name: a\n",
      "  version: 1\n",
      "  md5: zz\n",
      "  sha256: ab\n",
      "  url: git+https://u:p@h/r.git\n",
      "- &x {pypi: y}\n",
      "- *x\n",
      "  - [\n",
    ],
    maxLength: 300,
    maxPieces: 30,
    numRuns: 400,
  });
});

Deno.test("property: mutated corpus files never throw and problems lie within the file", () => {
  const samples = corpusSamples({ "pixi.lock": (text) => parsePixiLock(text, { file }) });
  checkMutatedFiles(samples, { minEdits: 1, maxEdits: 6, numRuns: 40 });
});

// Asking the YAML parser to resolve each alias walks the whole document: quadratic, about a
// minute for this file. Resolved in one walk, it takes well under a second.
Deno.test("property: aliases to a large node cost no more than the file's size", () => {
  const anchor = "x: &a {conda: https://c/linux-64/a-1-0.conda, md5: " + MD5("a") + "}";
  const text = ["version: 6", anchor, "packages:", ...Array.from({ length: 20_000 }, () => "- *a")]
    .join("\n");
  const started = performance.now();
  const result = parsePixiLock(text, { file });
  assert.equal(result.packages.length, 1);
  assert.equal(result.packages[0].locations.length, 20_000);
  assert.ok(performance.now() - started < 5000);
});
