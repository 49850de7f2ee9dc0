import assert from "node:assert/strict";
import { Package } from "../../../core/snapshot.ts";
import { isPylockName, parsePylock, pylockReader } from "../../../collect/locks/pylock.ts";

import { assertCorpusCounts, SHA, testLockProperties } from "../../_lock.ts";
import { corpus } from "../../_property.ts";

const file = "pylock.toml";

Deno.test("PEP 751 sources: index files, vcs, directory, archive; all hash algorithms", () => {
  const text = [
    'lock-version = "1.0"', //                                                     1
    'extras = ["gpu"]',
    'dependency-groups = ["dev", "default"]',
    'default-groups = ["default"]',
    'created-by = "example"', //                                                   5
    "",
    "[[packages]]",
    'name = "Torch"',
    'version = "2.3.1"',
    'index = "https://user:pw@pypi.internal/simple"', //                           10
    "marker = \"'gpu' in extras and sys_platform == 'linux'\"",
    `sdist = { url = "https://files.example/torch.tar.gz", hashes = { sha256 = "${
      "a".repeat(64)
    }" } }`,
    "wheels = [",
    `  { url = "https://files.example/torch.whl", hashes = { SHA256 = "${
      "b".repeat(64)
    }", blake2b = "00ff" } },`,
    "]", //                                                                        15
    "",
    "[[packages]]",
    'name = "lib"',
    "marker = \"'dev' in dependency_groups\"",
    'vcs = { type = "git", url = "https://github.com/org/lib.git", requested-revision = "v2", commit-id = "abc123" }', // 20
    "",
    "[[packages]]",
    'name = "app"',
    'directory = { path = ".", editable = true }',
    "", //                                                                         25
    "[[packages]]",
    'name = "blob"',
    'version = "1.0"',
    "marker = \"'dev' in dependency_groups or 'default' in dependency_groups\"",
    `archive = { url = "https://example.com/blob-1.0.tar.gz", hashes = { md5 = "ABCD" } }`, // 30
    "",
    "[[packages]]",
    'name = "local"',
    'version = "2.0"',
    "[packages.sdist]", //                                                          35
    'name = "local-2.0.tar.gz"',
    'path = "../dist/local-2.0.tar.gz"',
    "[packages.sdist.hashes]",
    `sha256 = "${"c".repeat(64)}"`,
  ].join("\n");
  const { packages = [], problems } = parsePylock(text, { file });
  assert.deepEqual(problems, []);
  for (const pkg of packages) Package.parse(pkg);
  assert.deepEqual(packages[0], {
    ecosystem: "pypi",
    name: "torch",
    displayName: "Torch",
    version: "2.3.1",
    specifier: "==2.3.1",
    extras: [],
    markers: "'gpu' in extras and sys_platform == 'linux'",
    hashes: [SHA("a"), SHA("b"), "blake2b:00ff"],
    source: { kind: "index", url: "https://***@pypi.internal/simple" },
    layer: "lock",
    direct: false,
    editable: false,
    groups: ["gpu"],
    locations: [{ file, line: 7 }],
  });
  assert.deepEqual(
    packages.slice(1).map((p) => [
      p.name,
      p.version ?? null,
      p.specifier,
      p.source,
      p.editable,
      p.hashes,
      p.groups,
      p.locations[0].line,
    ]),
    [
      [
        "lib",
        null,
        "",
        {
          kind: "vcs",
          vcs: "git",
          url: "https://github.com/org/lib.git",
          ref: "v2",
          commit: "abc123",
        },
        false,
        [],
        ["dev"],
        17,
      ],
      ["app", null, "", { kind: "path", path: "." }, true, [], [], 22],
      [
        "blob",
        "1.0",
        "==1.0",
        { kind: "url", url: "https://example.com/blob-1.0.tar.gz" },
        false,
        ["md5:ABCD"],
        [],
        26,
      ],
      [
        "local",
        "2.0",
        "==2.0",
        { kind: "path", path: "../dist/local-2.0.tar.gz" },
        false,
        [SHA("c")],
        [],
        32,
      ],
    ],
  );
});

Deno.test("an inline packages array gets the lines of its names", () => {
  const text = [
    'lock-version = "1.0"',
    "packages = [",
    '  { name = "a", directory = { path = "../a", editable = true } },',
    '  { name = "b", directory = { path = "../b" } },',
    "]",
  ].join("\n");
  const { packages = [] } = parsePylock(text, { file });
  assert.deepEqual(packages.map((p) => [p.name, p.editable, p.locations[0].line]), [
    ["a", true, 3],
    ["b", false, 4],
  ]);
});

Deno.test("wrong types are problems on the entry's line; other entries are still read", () => {
  const text = [
    'lock-version = "1.0"',
    "extras = 3",
    "[[packages]]",
    'name = "a"',
    "version = 1",
    'vcs = { type = "cvs", url = "x" }',
    "[[packages]]",
    'name = "b"',
    'wheels = [{ hashes = { sha256 = 5 } }, "w"]',
    "[[packages]]",
    "marker = 1",
  ].join("\n");
  const { packages = [], problems } = parsePylock(text, { file });
  assert.deepEqual(problems, [
    { file, message: "expected an array for extras, found 3" },
    { file, line: 3, message: "expected a string for packages.version, found 1" },
    {
      file,
      line: 3,
      message: 'expected one of git, hg, svn, bzr for packages.vcs.type, found "cvs"',
    },
    { file, line: 7, message: 'expected a table for packages.wheels[1], found "w"' },
    {
      file,
      line: 7,
      message: "expected 'algorithm:hexdigest' for packages.wheels[0].hashes.sha256, found 5",
    },
    { file, line: 10, message: "expected a string for packages.name, found nothing" },
  ]);
  assert.deepEqual(packages.map((p) => [p.name, p.source]), [
    ["a", { kind: "index" }],
    ["b", { kind: "index" }],
  ]);
});

Deno.test("file names: pylock.toml and pylock.<name>.toml only", () => {
  assert.deepEqual(
    ["pylock.toml", "a/pylock.dev.toml", "pylock.a.b.toml", "pylock..toml", "Pylock.toml"].map(
      isPylockName,
    ),
    [true, true, false, false, false],
  );
  assert.equal(pylockReader.format, "pylock.toml");
});

Deno.test("a file over the size bound is one problem", () => {
  const { packages, problems } = parsePylock("#".repeat(32 * 1024 * 1024 + 1), { file });
  assert.deepEqual([packages, problems], [[], [{
    file,
    message: `expected at most ${32 * 1024 * 1024} characters, found ${32 * 1024 * 1024 + 1}`,
  }]]);
});

const COUNT_SCRIPT = `
import json, sys, tomllib
out = {}
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        doc = tomllib.load(f)
    packages = doc.get("packages", [])
    hashes = 0
    for p in packages:
        holders = [p.get("archive", {}), p.get("sdist", {})] + p.get("wheels", [])
        hashes += len({k.lower() + ":" + v for h in holders for k, v in h.get("hashes", {}).items()})
    out[path] = [len(packages), hashes]
print(json.dumps(out))
`;

Deno.test("every corpus pylock.toml parses cleanly and matches python3 tomllib counts", () => {
  assertCorpusCounts({
    format: "pylock.toml",
    minFiles: 4,
    script: COUNT_SCRIPT,
    parse: parsePylock,
    assertEntry: (pkg, _lines, name) =>
      assert.ok(pkg.locations[0].line !== undefined, `${name}: ${pkg.name} has a line`),
  });
});

Deno.test("real files: pdm's extras and groups, uv's export with the project itself", async () => {
  const read = (name: string) => Deno.readTextFileSync(new URL(name, corpus));
  const pdm = parsePylock(
    read("pdm-project__pdm__tests__fixtures__projects__demo__pylock.toml"),
    { file },
  ).packages ?? [];
  assert.deepEqual(pdm.map((p) => [p.name, p.groups, p.locations[0].line]), [
    ["certifi", ["security"], 10],
    ["chardet", [], 23],
    ["charset-normalizer", ["security"], 35],
    ["colorama", ["tests"], 48],
    ["idna", [], 60],
    ["py", ["tests"], 72],
    ["pytest", ["tests"], 84],
    ["requests", ["security"], 102],
    ["setuptools", ["tests"], 122],
    ["urllib3", ["security"], 135],
  ]);
  const root = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${root}/pylock.ci.toml`,
      read("AlonKellner-RedHat__Oyez-SA-ASR__pylock.toml"),
    );
    const result = await pylockReader.read("pylock.ci.toml", { root, env: {} });
    const own = result.packages?.find((p) => p.name === "oyez-sa-asr");
    assert.deepEqual([own?.source, own?.editable, own?.locations], [
      { kind: "path", path: "." },
      true,
      [{ file: "pylock.ci.toml", line: 1208 }],
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

const FRAGMENTS = [
  "[[packages]]\n",
  'name = "a"\n',
  "name = []\n",
  'version = "1"\n',
  "marker = \"'x' in extras\"\n",
  'extras = ["x", 1]\n',
  'default-groups = "d"\n',
  'index = "https://u:p@h/simple"\n',
  'vcs = { type = "git", path = "../r", commit-id = 1 }\n',
  "directory = { editable = 1 }\n",
  "archive = { hashes = [] }\n",
  "[packages.sdist]\n",
  "[[packages.wheels]]\n",
  'hashes = { sha256 = "00", md5 = {} }\n',
  'packages = [{ name = "a" }, 2]\n',
  "<<<<<<< HEAD\n",
];

testLockProperties({
  format: "pylock.toml",
  parse: parsePylock,
  fragments: FRAGMENTS,
  mutatedRuns: 150,
});
