import assert from "node:assert/strict";
import {
  parsePipfile,
  parsePipfileLock,
  pipfileLockReader,
  pipfileReader,
} from "../../../collect/locks/pipfile.ts";
import {
  assertWithinFile,
  checkMutatedFiles,
  checkRandomTexts,
  corpus,
  corpusFiles,
  corpusPath,
  corpusSamples,
  pythonJson,
} from "../../_property.ts";

Deno.test("Pipfile: sources, categories, tables, VCS, paths and markers with their lines", () => {
  const text = [
    "[[source]]", // 1
    'url = "https://pypi.org/simple"',
    "verify_ssl = true",
    'name = "pypi"',
    "",
    "[[source]]", // 6
    'url = "http://user:secret@pypi.internal:8080/simple"',
    "verify_ssl = false",
    'name = "internal"',
    "",
    "[packages]", // 11
    'requests = "*"',
    'Django = "2.2"',
    'torch = {version = "==2.3.1", index = "internal", extras = ["cuda"]}',
    'pywinusb = {version = "*", sys_platform = "== \'win32\'"}',
    'lib = {git = "https://github.com/org/lib.git", ref = "v2", editable = true}',
    'local = {path = ".", editable = true}',
    'wheel-pkg = {file = "https://example.com/pkg-1.0-py3-none-any.whl"}',
    "",
    "[dev-packages]", // 20
    'pytest = ">=8"',
    "",
    "[docs]", // 23
    'sphinx = {version = "~=7.0", markers = "python_version >= \'3.9\'"}',
    "",
    "[packages.numpy]", // 26
    'version = "==1.26.4"',
    "",
    "[requires]",
    'python_version = "3.11"',
  ].join("\n");
  const result = parsePipfile(text, { file: "Pipfile" });
  assert.deepEqual(result.problems, []);
  assert.deepEqual(result.indexes, [
    {
      url: "https://pypi.org/simple",
      role: "primary",
      name: "pypi",
      location: { file: "Pipfile", line: 1 },
    },
    {
      url: "http://***@pypi.internal:8080/simple",
      role: "explicit",
      name: "internal",
      location: { file: "Pipfile", line: 6 },
    },
  ]);
  assert.deepEqual(result.settings, [
    { name: "trusted-host", value: "pypi.internal:8080", location: { file: "Pipfile", line: 6 } },
  ]);
  assert.deepEqual(result.packages.find((p) => p.name === "torch"), {
    ecosystem: "pypi",
    name: "torch",
    version: "2.3.1",
    specifier: "==2.3.1",
    extras: ["cuda"],
    hashes: [],
    source: { kind: "index", url: "http://***@pypi.internal:8080/simple", name: "internal" },
    layer: "manifest",
    direct: true,
    editable: false,
    groups: [],
    locations: [{ file: "Pipfile", line: 14 }],
  });
  assert.deepEqual(
    result.packages.map((p) => [
      p.name,
      p.displayName,
      p.version,
      p.specifier,
      p.markers,
      p.source,
      p.editable,
      p.groups,
      p.locations[0].line,
    ]),
    [
      ["requests", undefined, undefined, "", undefined, { kind: "index" }, false, [], 12],
      ["django", "Django", "2.2", "==2.2", undefined, { kind: "index" }, false, [], 13],
      ["torch", undefined, "2.3.1", "==2.3.1", undefined, result.packages[2].source, false, [], 14],
      [
        "pywinusb",
        undefined,
        undefined,
        "",
        'sys_platform == "win32"',
        { kind: "index" },
        false,
        [],
        15,
      ],
      [
        "lib",
        undefined,
        undefined,
        "",
        undefined,
        {
          kind: "vcs",
          vcs: "git",
          url: "https://github.com/org/lib.git",
          ref: "v2",
        },
        true,
        [],
        16,
      ],
      ["local", undefined, undefined, "", undefined, { kind: "path", path: "." }, true, [], 17],
      [
        "wheel-pkg",
        undefined,
        undefined,
        "",
        undefined,
        {
          kind: "url",
          url: "https://example.com/pkg-1.0-py3-none-any.whl",
        },
        false,
        [],
        18,
      ],
      ["numpy", undefined, "1.26.4", "==1.26.4", undefined, { kind: "index" }, false, [], 26],
      ["pytest", undefined, undefined, ">=8", undefined, { kind: "index" }, false, ["dev"], 21],
      [
        "sphinx",
        undefined,
        undefined,
        "~=7.0",
        'python_version >= "3.9"',
        {
          kind: "index",
        },
        false,
        ["docs"],
        24,
      ],
    ],
  );
  assertWithinFile(result, text);
});

Deno.test("Pipfile: install_search_all_sources makes later sources extra", () => {
  const text = [
    "[[source]]",
    'url = "https://pypi.org/simple"',
    'name = "pypi"',
    "[[source]]",
    'url = "https://mirror.example/simple"',
    'name = "mirror"',
    "[pipenv]",
    "install_search_all_sources = true",
  ].join("\n");
  assert.deepEqual(parsePipfile(text, { file: "Pipfile" }).indexes.map((i) => i.role), [
    "primary",
    "extra",
  ]);
});

Deno.test("Pipfile: broken entries are problems and the rest is still read", () => {
  const text = [
    "[[source]]",
    "verify_ssl = true",
    "[packages]",
    "good = '*'",
    "bad = 3",
    "worse = {version = '>=', index = 'nowhere'}",
    "routed = {index = 'nowhere'}",
    "typed = {version = 2, extras = 'x'}",
  ].join("\n");
  const result = parsePipfile(text, { file: "Pipfile" });
  assert.deepEqual(result.packages.map((p) => [p.name, p.source]), [
    ["good", { kind: "index" }],
    ["routed", { kind: "index", name: "nowhere" }],
    ["typed", { kind: "index" }],
  ]);
  assert.deepEqual(result.problems, [
    { file: "Pipfile", line: 1, message: "expected a URL string for source[0].url, found nothing" },
    {
      file: "Pipfile",
      line: 5,
      message: "expected a version string or a table for packages.bad, found 3",
    },
    {
      file: "Pipfile",
      line: 6,
      message: "packages.worse: expected a version after '>=', found end of text in 'worse>='",
    },
    {
      file: "Pipfile",
      line: 7,
      message: "packages.routed.index names 'nowhere', which is not a source in [[source]]",
    },
    { file: "Pipfile", line: 8, message: "expected a string for packages.typed.version, found 2" },
    {
      file: "Pipfile",
      line: 8,
      message: 'expected an array of strings for packages.typed.extras, found "x"',
    },
  ]);
});

Deno.test("Pipfile: invalid TOML is one problem with its line", () => {
  const result = parsePipfile('[packages]\nrequests = "*"\nbroken = \n', { file: "Pipfile" });
  assert.equal(result.packages.length, 0);
  assert.equal(result.problems.length, 1);
  assert.equal(result.problems[0].line, 3);
  assert.match(result.problems[0].message, /^invalid TOML: /);
});

Deno.test("readers match the file names pipenv uses", () => {
  assert.equal(pipfileReader.format, "Pipfile");
  assert.equal(pipfileLockReader.format, "Pipfile.lock");
  assert.ok(pipfileReader.matches("a/b/Pipfile"));
  assert.ok(!pipfileReader.matches("a/b/Pipfile.lock"));
  assert.ok(pipfileLockReader.matches("Pipfile.lock"));
  assert.ok(!pipfileLockReader.matches("my-Pipfile.lock"));
});

Deno.test("corpus: every Pipfile parses with no problem and matches python's tomllib count", () => {
  const files = corpusFiles("Pipfile");
  assert.ok(files.length > 0, "no Pipfile in the corpus");
  const counts = pythonJson<Record<string, Record<string, number>>>(
    `
import json, sys, tomllib
skip = {"source", "requires", "pipenv", "scripts", "build-system"}
out = {}
for path in sys.argv[1:]:
    data = tomllib.load(open(path, "rb"))
    sources = data.get("source", [])
    out[path] = {
        "packages": sum(len(v) for k, v in data.items() if k not in skip),
        "dev": len(data.get("dev-packages", {})),
        "indexes": len(sources),
        "insecure": sum(1 for s in sources if s.get("verify_ssl") is False),
        "routed": sum(1 for k, v in data.items() if k not in skip
                      for e in v.values() if isinstance(e, dict) and "index" in e),
    }
print(json.dumps(out))
`,
    files.map(corpusPath),
  );
  for (const name of files) {
    const text = Deno.readTextFileSync(new URL(name, corpus));
    const result = parsePipfile(text, { file: name });
    assert.deepEqual(result.problems, [], name);
    assertWithinFile(result, text);
    const expected = counts[corpusPath(name)];
    assert.deepEqual(
      {
        packages: result.packages.length,
        dev: result.packages.filter((p) => p.groups.includes("dev")).length,
        indexes: result.indexes.length,
        insecure: result.settings.length,
        routed: result.packages.filter((p) => p.source.kind === "index" && p.source.name).length,
      },
      expected,
      name,
    );
  }
});

Deno.test("property: random text never throws and problems lie within the file", () => {
  checkRandomTexts([
    (text) => parsePipfile(text, { file: "Pipfile" }),
    (text) => parsePipfileLock(text, { file: "Pipfile.lock" }),
  ], {
    pieces: [
      "[[source]]\n",
      "[packages]\n",
      "[dev-packages]\n",
      'url = "https://x/simple"\n',
      "verify_ssl = false\n",
      'a = "*"\n',
      'b = {version = "==1", index = "x"}\n',
      '{"default": {"a": {"version": "==1", "hashes": ["sha256:00"]}}}',
      '"_meta": {"sources": []}',
      "{",
      "}",
      "[",
      "\n",
      '"',
      ",",
    ],
    maxLength: 120,
    maxPieces: 30,
    numRuns: 500,
  });
});

Deno.test("property: mutated corpus files never throw and problems lie within the file", () => {
  const samples = corpusSamples({
    Pipfile: (text) => parsePipfile(text, { file: "f" }),
    "Pipfile.lock": (text) => parsePipfileLock(text, { file: "f" }),
  });
  checkMutatedFiles(samples, { minEdits: 1, maxEdits: 6, numRuns: 200 });
});
