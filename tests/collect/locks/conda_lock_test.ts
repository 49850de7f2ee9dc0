import assert from "node:assert/strict";
import {
  condaEnvironmentReader,
  condaLockReader,
  isCondaEnvironmentFile,
  parseCondaLock,
} from "../../../collect/locks/conda.ts";
import { assertWithinFile, corpus, corpusFiles, corpusPath, pythonJson } from "../../_property.ts";

Deno.test("conda-lock.yml: entries merged per manager, name and version across platforms", () => {
  const md5 = (c: string) => c.repeat(32);
  const sha = (c: string) => c.repeat(64);
  const text = [
    "version: 1",
    "metadata:",
    "  channels:",
    "  - url: conda-forge",
    "    used_env_vars: []",
    "  - https://tok@conda.example.com/private",
    "  platforms: [linux-64, osx-arm64]",
    "package:",
    "- name: numpy", // 9
    "  version: 1.26.4",
    "  manager: conda",
    "  platform: linux-64",
    "  url: https://conda.anaconda.org/conda-forge/linux-64/numpy-1.26.4-py311_0.conda",
    `  hash: {md5: ${md5("a")}, sha256: ${sha("b")}}`,
    "  category: main",
    "  optional: false",
    "- name: numpy", // 17
    "  version: 1.26.4",
    "  manager: conda",
    "  platform: osx-arm64",
    "  url: https://conda.anaconda.org/conda-forge/osx-arm64/numpy-1.26.4-py311_0.conda",
    `  hash: {md5: ${md5("c")}}`,
    "  category: main",
    "- name: secret-tool", // 24
    "  version: '2.10'",
    "  manager: conda",
    "  platform: linux-64",
    "  url: https://tok@conda.example.com/private/noarch/secret-tool-2.10-0.tar.bz2",
    `  hash: {md5: ${md5("d")}}`,
    "  category: dev",
    "- name: Flash_Attn", // 31
    "  version: 2.3.6",
    "  manager: pip",
    "  platform: linux-64",
    "  url: https://files.pythonhosted.org/packages/flash_attn-2.3.6.tar.gz",
    `  hash: {sha256: ${sha("e")}}`,
    "  category: main",
    "- name: lib", // 38
    "  version: 0.1.0",
    "  manager: pip",
    "  platform: linux-64",
    "  url: https://example.com/lib.whl",
    `  hash: {sha256: ${sha("f")}}`,
    "  source: {type: url, url: 'git+https://github.com/org/lib.git@v1'}",
    "  category: docs",
  ].join("\n");
  const result = parseCondaLock(text, { file: "conda-lock.yml" });
  assert.deepEqual(result.problems, []);
  assert.deepEqual(result.indexes, [
    { url: "conda-forge", role: "conda-channel", location: { file: "conda-lock.yml", line: 4 } },
    {
      url: "https://***@conda.example.com/private",
      role: "conda-channel",
      location: { file: "conda-lock.yml", line: 6 },
    },
  ]);
  assert.deepEqual(result.packages[0], {
    ecosystem: "conda",
    name: "numpy",
    version: "1.26.4",
    specifier: "==1.26.4",
    extras: [],
    hashes: [`md5:${md5("a")}`, `sha256:${sha("b")}`, `md5:${md5("c")}`],
    source: { kind: "index", url: "https://conda.anaconda.org/conda-forge", name: "conda-forge" },
    layer: "lock",
    direct: false,
    editable: false,
    groups: [],
    platforms: ["linux-64", "osx-arm64"],
    locations: [{ file: "conda-lock.yml", line: 9 }, { file: "conda-lock.yml", line: 17 }],
  });
  assert.deepEqual(
    result.packages.slice(1).map((p) => [
      p.ecosystem,
      p.name,
      p.displayName,
      p.version,
      p.source,
      p.groups,
      p.locations[0].line,
    ]),
    [
      [
        "conda",
        "secret-tool",
        undefined,
        "2.10",
        // A channel written as a URL names nothing more (and its credentials stay out).
        { kind: "index", url: "https://***@conda.example.com/private" },
        ["dev"],
        24,
      ],
      ["pypi", "flash-attn", "Flash_Attn", "2.3.6", { kind: "index" }, [], 31],
      [
        "pypi",
        "lib",
        undefined,
        "0.1.0",
        {
          kind: "vcs",
          vcs: "git",
          url: "https://github.com/org/lib.git",
          ref: "v1",
        },
        ["docs"],
        38,
      ],
    ],
  );
  assertWithinFile(result, text);
});

Deno.test("conda-lock.yml: missing fields and wrong versions are problems", () => {
  const text = [
    "version: 2",
    "package:",
    "- name: a",
    "  manager: conda",
    "  platform: linux-64",
    "- name: b",
    "  version: 1",
    "  manager: npm",
    "  platform: linux-64",
    "- just-a-string",
  ].join("\n");
  assert.deepEqual(parseCondaLock(text, { file: "l.yml" }), {
    packages: [],
    indexes: [],
    problems: [
      { file: "l.yml", line: 1, message: "expected conda-lock file version 1, found 2" },
      {
        file: "l.yml",
        line: 3,
        message: "expected a string for package[0].version, found nothing",
      },
      {
        file: "l.yml",
        line: 6,
        message: "expected manager conda or pip for package[1], found 'npm'",
      },
      {
        file: "l.yml",
        line: 10,
        message: 'expected a mapping for package[2], found "just-a-string"',
      },
    ],
  });
});

Deno.test("file names: environment files, and conda-lock files kept apart", () => {
  assert.ok(isCondaEnvironmentFile("environment.yml"));
  assert.ok(isCondaEnvironmentFile("a/environment.yaml"));
  assert.ok(isCondaEnvironmentFile("a/environment.py-3.12.yml"));
  assert.ok(isCondaEnvironmentFile("gpu-environment.yml"));
  assert.ok(!isCondaEnvironmentFile("conda-lock.yml"));
  assert.ok(!isCondaEnvironmentFile("environment.conda-lock.yml"));
  assert.ok(!isCondaEnvironmentFile("environment.txt"));
  assert.ok(condaLockReader.matches("conda-lock.yml"));
  assert.ok(condaLockReader.matches("ci/environment.conda-lock.yml"));
  // conda-lock --lockfile takes any name; these carry conda-lock as a part of theirs.
  assert.ok(condaLockReader.matches("conda-lock-cuda.yml"));
  assert.ok(condaLockReader.matches("ci/conda-lock.gpu.yaml"));
  assert.ok(!condaLockReader.matches("conda-lockfile.yml"));
  assert.ok(!isCondaEnvironmentFile("conda-lock-cuda.yml"));
  assert.equal(condaEnvironmentReader.format, "environment.yml");
  assert.equal(condaLockReader.format, "conda-lock.yml");
});

Deno.test("corpus: every conda-lock.yml parses with no problem; counts match a python line count", () => {
  const files = corpusFiles("conda-lock.yml");
  assert.ok(files.length > 0, "no conda-lock.yml in the corpus");
  // conda-lock writes one "- name:" line per entry, its fields indented by two spaces.
  const counts = pythonJson<Record<string, Record<string, number>>>(
    `
import json, re, sys
out = {}
for path in sys.argv[1:]:
    entries, channels, section, subsection, current = [], 0, None, None, None
    for raw in open(path):
        line = raw.rstrip("\\n")
        if re.match(r"^[a-z]", line):
            section = line.split(":")[0]
            continue
        sub = re.match(r"^  ([a-z_]+):", line)
        if sub:
            subsection = sub.group(1)
        if section == "metadata" and subsection == "channels" and re.match(r"^  - (url: )?\\S", line):
            channels += 1
        if section != "package":
            continue
        m = re.match(r"^- name: (.*)$", line)
        if m:
            current = {"name": m.group(1).strip("'\\"")}
            entries.append(current)
            continue
        m = re.match(r"^  (version|manager|platform|category): (.*)$", line)
        if m and current is not None:
            current[m.group(1)] = m.group(2).strip("'\\"")
    def key(e):
        name = e["name"].lower()
        if e["manager"] == "pip":
            name = re.sub(r"[-_.]+", "-", name)
        return (e["manager"], name, e["version"])
    out[path] = {
        "entries": len(entries),
        "packages": len({key(e) for e in entries}),
        "pip": len({key(e) for e in entries if e["manager"] == "pip"}),
        "platforms": len({(key(e), e["platform"]) for e in entries}),
        "channels": channels,
    }
print(json.dumps(out))
`,
    files.map(corpusPath),
  );
  for (const name of files) {
    const text = Deno.readTextFileSync(new URL(name, corpus));
    const result = parseCondaLock(text, { file: name });
    assert.deepEqual(result.problems, [], name);
    assertWithinFile(result, text);
    assert.deepEqual(
      {
        entries: result.packages.reduce((sum, p) => sum + p.locations.length, 0),
        packages: result.packages.length,
        pip: result.packages.filter((p) => p.ecosystem === "pypi").length,
        platforms: result.packages.reduce((sum, p) => sum + p.platforms!.length, 0),
        channels: result.indexes.length,
      },
      counts[corpusPath(name)],
      name,
    );
  }
});

Deno.test("corpus: conda-lock.yml dependsOn is the union of each entry's dependencies keys", () => {
  const files = corpusFiles("conda-lock.yml");
  // conda-lock writes `  dependencies:` then one `    name: constraint` line per dependency.
  const expected = pythonJson<Record<string, Record<string, string[]>>>(
    `
import json, re, sys
out = {}
for path in sys.argv[1:]:
    found, current, in_deps = {}, None, False
    for raw in open(path):
        line = raw.rstrip("\\n")
        m = re.match(r"^- name: (.*)$", line)
        if m:
            current = {"name": m.group(1).strip("'\\""), "deps": set()}
            continue
        if current is None:
            continue
        m = re.match(r"^  (version|manager): (.*)$", line)
        if m:
            current[m.group(1)] = m.group(2).strip("'\\"")
        if re.match(r"^  dependencies:", line):
            in_deps = True
            continue
        m = re.match(r"^    ([^ :]+):", line)
        if in_deps and m:
            current["deps"].add(m.group(1).strip("'\\""))
            continue
        in_deps = False
        if line.startswith("  optional:"):
            norm = (lambda n: n.lower()) if current["manager"] == "conda" else (
                lambda n: re.sub(r"[-_.]+", "-", n).lower())
            key = " ".join([current["manager"], norm(current["name"]), current["version"]])
            deps = {norm(d) for d in current["deps"]} - {norm(current["name"])}
            found.setdefault(key, set()).update(deps)
    out[path] = {key: sorted(deps) for key, deps in found.items()}
print(json.dumps(out))
`,
    files.map(corpusPath),
  );
  let edges = 0;
  for (const name of files) {
    const { packages } = parseCondaLock(Deno.readTextFileSync(corpusPath(name)), { file: name });
    const found = Object.fromEntries(packages.map((p) => {
      edges += p.dependsOn?.length ?? 0;
      const manager = p.ecosystem === "conda" ? "conda" : "pip";
      return [`${manager} ${p.name} ${p.version}`, p.dependsOn];
    }));
    assert.deepEqual(found, expected[corpusPath(name)], name);
  }
  assert.ok(edges > 500, `${edges} edges`);
  const yi = parseCondaLock(
    Deno.readTextFileSync(corpusPath("01-ai__Yi__conda-lock.yml")),
    { file: "conda-lock.yml" },
  ).packages;
  assert.deepEqual(yi.find((p) => p.name === "_openmp_mutex")?.dependsOn, [
    "_libgcc_mutex",
    "llvm-openmp",
  ]);
});
