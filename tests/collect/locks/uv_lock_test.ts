import assert from "node:assert/strict";
import { Package } from "../../../core/snapshot.ts";
import { parseUvLock, uvLockReader } from "../../../collect/locks/uv_lock.ts";

import { assertCorpusCounts, assertCorpusDependsOn, SHA, testLockProperties } from "../../_lock.ts";
import { corpus, corpusPath } from "../../_property.ts";
import { MAX_DEPENDS_ON } from "../../../collect/_lock_values.ts";

const file = "uv.lock";

Deno.test("sources, hashes, roots and direct references of a hand-written uv.lock", () => {
  const text = [
    "version = 1", //                                                         1
    "revision = 3",
    "",
    "[manifest]",
    'members = ["app", "Lib_Two"]', //                                         5
    "",
    "[[package]]",
    'name = "app"',
    'version = "0.1.0"',
    'source = { editable = "." }', //                                         10
    "dependencies = [",
    '  { name = "requests", extra = ["socks"] },',
    '  { name = "torch", version = "2.3.1+cpu", source = { registry = "https://download.pytorch.org/whl/cpu" } },',
    '  { name = "lib-two", editable = "libs/two" },',
    "]", //                                                                     15
    "[package.optional-dependencies]",
    'viz = [{ name = "Matplotlib" }, { name = "requests" }]',
    "[package.dev-dependencies]",
    'dev = [{ name = "pytest" }]',
    "", //                                                                      20
    "[[package]]",
    'name = "lib-two"',
    'source = { editable = "libs/two" }',
    "",
    "[[package]]", //                                                          25
    'name = "Matplotlib"',
    'version = "3.9.0"',
    'source = { git = "https://user:tok@github.com/mpl/mpl.git?tag=v3.9.0#0123abc" }',
    "",
    "[[package]]", //                                                          30
    'name = "pytest"',
    'version = "8.2.0"',
    'source = { url = "https://files.example/pytest-8.2.0.tar.gz" }',
    `sdist = { hash = "SHA256:${"c".repeat(64)}" }`,
    "", //                                                                      35
    "[[package]]",
    'name = "requests"',
    'version = "2.32.3"',
    'source = { registry = "https://pypi.org/simple" }',
    `sdist = { url = "https://files.example/r.tar.gz", hash = "${SHA("a")}", size = 1 }`, // 40
    "wheels = [",
    `  { url = "https://files.example/r.whl", hash = "${SHA("b")}", size = 2 },`,
    `  { url = "https://files.example/r2.whl", hash = "${SHA("b")}", size = 2 },`,
    "]",
    "", //                                                                      45
    "[[package]]",
    'name = "torch"',
    'version = "2.3.1"',
    'source = { registry = "https://pypi.org/simple" }',
    "", //                                                                      50
    "[[package]]",
    'name = "torch"',
    'version = "2.3.1+cpu"',
    'source = { registry = "https://download.pytorch.org/whl/cpu" }',
    "", //                                                                      55
    "[[package]]",
    'name = "vendored"',
    'version = "1.0"',
    'source = { path = "wheels/vendored-1.0-py3-none-any.whl" }',
    "", //                                                                      60
    "[[package]]",
    'name = "tool"',
    'version = "0.1"',
    'source = { directory = "../tool" }',
  ].join("\n");
  const { packages = [], problems } = parseUvLock(text, { file });
  assert.deepEqual(problems, []);
  for (const pkg of packages) Package.parse(pkg);
  assert.deepEqual(packages[0], {
    ecosystem: "pypi",
    name: "matplotlib",
    displayName: "Matplotlib",
    version: "3.9.0",
    specifier: "==3.9.0",
    extras: [],
    hashes: [],
    source: {
      kind: "vcs",
      vcs: "git",
      url: "https://***@github.com/mpl/mpl.git",
      ref: "v3.9.0",
      commit: "0123abc",
    },
    layer: "lock",
    direct: true,
    editable: false,
    groups: ["viz"],
    dependsOn: [],
    locations: [{ file, line: 25 }],
  });
  assert.deepEqual(
    packages.slice(1).map((p) => [
      p.name,
      p.version,
      p.source,
      p.hashes,
      p.direct,
      p.groups,
      p.extras,
      p.locations[0].line,
    ]),
    [
      [
        "pytest",
        "8.2.0",
        { kind: "url", url: "https://files.example/pytest-8.2.0.tar.gz" },
        [SHA("c")],
        true,
        ["dev"],
        [],
        30,
      ],
      [
        "requests",
        "2.32.3",
        { kind: "index", url: "https://pypi.org/simple" },
        [SHA("a"), SHA("b")],
        true,
        [],
        ["socks"],
        36,
      ],
      ["torch", "2.3.1", { kind: "index", url: "https://pypi.org/simple" }, [], false, [], [], 46],
      [
        "torch",
        "2.3.1+cpu",
        { kind: "index", url: "https://download.pytorch.org/whl/cpu" },
        [],
        true,
        [],
        [],
        51,
      ],
      [
        "vendored",
        "1.0",
        { kind: "path", path: "wheels/vendored-1.0-py3-none-any.whl" },
        [],
        false,
        [],
        [],
        56,
      ],
      ["tool", "0.1", { kind: "path", path: "../tool" }, [], false, [], [], 61],
    ],
  );
});

Deno.test("a non-member editable path dependency is a package, and virtual roots are not", () => {
  const text = [
    "[[package]]",
    'name = "root"',
    'source = { virtual = "." }',
    'dependencies = [{ name = "helper" }]',
    "[[package]]",
    'name = "helper"',
    'version = "0.2"',
    'source = { editable = "../helper" }',
  ].join("\n");
  const { packages = [] } = parseUvLock(text, { file });
  assert.deepEqual(packages.map((p) => [p.name, p.editable, p.direct, p.source]), [
    ["helper", true, true, { kind: "path", path: "../helper" }],
  ]);
});

Deno.test("wrong types become problems on the entry's line and the rest is still read", () => {
  const text = [
    "[[package]]",
    'name = "a"',
    "version = 3",
    'source = { registry = "https://pypi.org/simple" }',
    'sdist = { hash = "not a hash" }',
    "[[package]]",
    "version = '1'",
    "[[package]]",
    'name = "b"',
    'version = "1"',
    'source = { svn = "x" }',
    'wheels = "none"',
    "[[package]]",
    'name = "c"',
    'version = "1"',
  ].join("\n");
  const { packages = [], problems } = parseUvLock(text, { file });
  assert.deepEqual(problems, [
    { file, line: 1, message: "expected a string for package.version, found 3" },
    {
      file,
      line: 1,
      message: `expected 'algorithm:hexdigest' for package.sdist.hash, found "not a hash"`,
    },
    { file, line: 6, message: "expected a string for package.name, found nothing" },
    {
      file,
      line: 8,
      message:
        "expected one of registry, git, url, path, directory, editable, virtual in package.source, found svn",
    },
    { file, line: 8, message: 'expected an array for package.wheels, found "none"' },
    { file, line: 13, message: "expected a table for package.source, found nothing" },
  ]);
  assert.deepEqual(packages.map((p) => [p.name, p.version ?? null, p.locations[0].line]), [
    ["a", null, 1],
    ["b", "1", 8],
    ["c", "1", 13],
  ]);
});

Deno.test("a merge conflict costs only the entries it touches", () => {
  const text = [
    "version = 1",
    "[[package]]",
    'name = "a"',
    'version = "1"',
    'source = { registry = "https://pypi.org/simple" }',
    "[[package]]",
    'name = "b"',
    "<<<<<<< HEAD",
    'version = "1"',
    "=======",
    'version = "2"',
    ">>>>>>> main",
    'source = { registry = "https://pypi.org/simple" }',
    "[[package]]",
    'name = "c"',
    'version = "1"',
    'source = { registry = "https://pypi.org/simple" }',
  ].join("\n");
  const { packages = [], problems = [] } = parseUvLock(text, { file });
  assert.deepEqual(packages.map((p) => [p.name, p.locations[0].line]), [["a", 2], ["c", 14]]);
  assert.equal(problems.length, 1);
  assert.equal(problems[0].line, 8);
  assert.match(problems[0].message, /^invalid TOML: /);
});

Deno.test("a __proto__ table in a broken file stays a plain key", () => {
  const text = '[__proto__]\npolluted = true\n[[package]]\nname = "a"\nversion =\n';
  const { problems = [] } = parseUvLock(text, { file });
  assert.deepEqual(problems.map((p) => p.line), [5]);
  assert.equal((({}) as Record<string, unknown>).polluted, undefined);
});

Deno.test("too many packages is a problem, not a hang", () => {
  const entry = '[[package]]\nname = "x"\nversion = "1"\nsource = { registry = "r" }\n';
  const { packages = [], problems } = parseUvLock(entry.repeat(100_001), { file });
  assert.equal(packages.length, 100_000);
  assert.deepEqual(problems, [{
    file,
    line: 400_001,
    message: "expected at most 100000 package entries, found 100001; the rest were not read",
  }]);
});

const COUNT_SCRIPT = `
import json, re, sys, tomllib
norm = lambda n: re.sub(r"[-_.]+", "-", n).lower()
out = {}
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        doc = tomllib.load(f)
    members = {norm(m) for m in doc.get("manifest", {}).get("members", [])}
    count = hashes = 0
    for p in doc.get("package", []):
        s = p.get("source", {})
        if norm(p["name"]) in members or s.get("editable") == "." or s.get("virtual") == ".":
            continue
        count += 1
        found = {w["hash"] for w in p.get("wheels", []) if "hash" in w}
        if "hash" in p.get("sdist", {}):
            found.add(p["sdist"]["hash"])
        hashes += len(found)
    out[path] = [count, hashes]
print(json.dumps(out))
`;

Deno.test("every corpus uv.lock parses cleanly and matches python3 tomllib counts", () => {
  assertCorpusCounts({
    format: "uv.lock",
    minFiles: 5,
    script: COUNT_SCRIPT,
    parse: parseUvLock,
    assertEntry: (pkg, lines, name) => {
      const line = pkg.locations[0].line!;
      assert.equal(lines[line - 1], "[[package]]", `${name}:${line}`);
      assert.equal(lines[line], `name = "${pkg.displayName ?? pkg.name}"`, `${name}:${line}`);
    },
  });
});

Deno.test("real files: nanochat's torch variants and pydantic-ai's workspace and git source", () => {
  const read = (name: string) => Deno.readTextFileSync(new URL(name, corpus));
  const nanochat = parseUvLock(read("karpathy__nanochat__uv.lock"), { file }).packages ?? [];
  assert.deepEqual(
    nanochat.filter((p) => p.name === "torch").map((p) => [
      p.version,
      p.source.kind === "index" ? p.source.url : "",
      p.direct,
      p.groups,
    ]),
    [
      ["2.9.1", "https://download.pytorch.org/whl/cpu", true, []],
      ["2.9.1", "https://pypi.org/simple", true, []],
      ["2.9.1+cpu", "https://download.pytorch.org/whl/cpu", true, []],
      ["2.9.1+cu128", "https://download.pytorch.org/whl/cu128", true, []],
    ],
  );
  assert.deepEqual(nanochat.find((p) => p.name === "setuptools")?.groups, ["cpu"]);
  const pydantic = parseUvLock(read("pydantic__pydantic-ai__uv.lock"), { file }).packages ?? [];
  assert.equal(pydantic.some((p) => p.name.startsWith("pydantic-ai")), false);
  const commit = "7fc59da2c4dff919db2095a0f0e47101b657131d";
  assert.deepEqual(pydantic.find((p) => p.name === "strict-no-cover")?.source, {
    kind: "vcs",
    vcs: "git",
    url: "https://github.com/pydantic/strict-no-cover.git",
    ref: commit,
    commit,
  });
});

Deno.test("dependsOn: each locked package's dependencies and requested extras' dependencies", () => {
  const text = [
    "[[package]]",
    'name = "app"',
    'source = { virtual = "." }',
    'dependencies = [{ name = "requests", extra = ["socks"] }]',
    "[[package]]", //                                                           5
    'name = "requests"',
    'version = "2.32.3"',
    'source = { registry = "https://pypi.org/simple" }',
    "dependencies = [",
    '  { name = "Charset_Normalizer" },', //                                    10
    '  { name = "idna" },',
    `  { name = "numpy", version = "1.26.4", marker = "python_full_version < '3.12'" },`,
    `  { name = "numpy", version = "2.1.0", marker = "python_full_version >= '3.12'" },`,
    '  { name = "requests" },',
    "  { version = '1' },", //                                                  15
    "]",
    "[package.optional-dependencies]",
    'socks = [{ name = "pysocks" }]',
    "[[package]]",
    'name = "idna"', //                                                         20
    'version = "3.7"',
    'source = { registry = "https://pypi.org/simple" }',
  ].join("\n");
  const { packages = [], problems } = parseUvLock(text, { file });
  assert.deepEqual(packages.map((p) => [p.name, p.dependsOn]), [
    // Sorted, unique, normalised, without the package itself.
    ["requests", ["charset-normalizer", "idna", "numpy", "pysocks"]],
    // No dependencies key: the lock records that it depends on nothing.
    ["idna", []],
  ]);
  assert.deepEqual(problems, [
    { file, line: 5, message: "expected a string for package.dependencies[5].name, found nothing" },
  ]);
});

Deno.test("dependsOn stops at MAX_DEPENDS_ON names, and says so", () => {
  const many = Array.from({ length: MAX_DEPENDS_ON + 5 }, (_, i) => `{ name = "d${i}" }`);
  const text = `[[package]]\nname = "big"\nversion = "1"\nsource = { registry = "r" }\n` +
    `dependencies = [${many.join(", ")}]\n`;
  const { packages = [], problems } = parseUvLock(text, { file });
  assert.equal(packages[0].dependsOn?.length, MAX_DEPENDS_ON);
  assert.deepEqual(problems, [{
    file,
    line: 1,
    message: `big names ${MAX_DEPENDS_ON + 5} dependencies; the first ${MAX_DEPENDS_ON} are kept`,
  }]);
});

const DEPENDS_SCRIPT = `
import json, re, sys, tomllib
norm = lambda n: re.sub(r"[-_.]+", "-", n).lower()
out = {}
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        doc = tomllib.load(f)
    members = {norm(m) for m in doc.get("manifest", {}).get("members", [])}
    found = {}
    for p in doc.get("package", []):
        s = p.get("source", {})
        if norm(p["name"]) in members or s.get("editable") == "." or s.get("virtual") == ".":
            continue
        deps = [d["name"] for d in p.get("dependencies", [])]
        for extra in p.get("optional-dependencies", {}).values():
            deps += [d["name"] for d in extra]
        key = norm(p["name"]) + " " + p.get("version", "")
        found.setdefault(key, set()).update(norm(d) for d in deps if norm(d) != norm(p["name"]))
    out[path] = {key: sorted(deps) for key, deps in found.items()}
print(json.dumps(out))
`;

Deno.test("every corpus uv.lock: dependsOn matches python3 tomllib's reading of the graph", () => {
  const edges = assertCorpusDependsOn({
    format: "uv.lock",
    script: DEPENDS_SCRIPT,
    parse: parseUvLock,
  });
  assert.ok(edges > 1000, `${edges} edges`);
  // One edge read by eye: nanochat's uv.lock locks torch 2.9.1 with these among its dependencies.
  const nanochat = parseUvLock(
    Deno.readTextFileSync(corpusPath("karpathy__nanochat__uv.lock")),
    { file },
  ).packages ?? [];
  const torch = nanochat.find((p) => p.name === "torch" && p.version === "2.9.1");
  for (const dependency of ["filelock", "jinja2", "networkx", "sympy", "typing-extensions"]) {
    assert.ok(torch?.dependsOn?.includes(dependency), dependency);
  }
});

Deno.test("the reader matches uv.lock by name and reads it from the project root", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${root}/svc`);
    await Deno.writeTextFile(
      `${root}/svc/uv.lock`,
      '[[package]]\nname = "a"\nversion = "1"\nsource = { registry = "https://pypi.org/simple" }\n',
    );
    assert.equal(uvLockReader.format, "uv.lock");
    assert.equal(uvLockReader.matches("svc/uv.lock"), true);
    assert.equal(uvLockReader.matches("svc/uv.lock.bak"), false);
    const result = await uvLockReader.read("svc/uv.lock", { root, env: {} });
    assert.deepEqual(result.packages?.map((p) => p.locations), [[{
      file: "svc/uv.lock",
      line: 1,
    }]]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

const FRAGMENTS = [
  "[[package]]\n",
  "[manifest]\n",
  'members = ["a", 3]\n',
  'name = "a"\n',
  "name = 1\n",
  'version = "1"\n',
  "version = [1]\n",
  'source = { editable = "." }\n',
  'source = { git = "https://h/r?tag=x#c" }\n',
  'source = { registry = "https://u:p@h/simple" }\n',
  "source = {}\n",
  "source = 7\n",
  'dependencies = [{ name = "a", version = "1" }, 2, {}]\n',
  '[package.optional-dependencies]\nx = [{ name = "a" }]\n',
  "[package.dev-dependencies]\ndev = 3\n",
  'sdist = { hash = "sha256:00" }\n',
  'wheels = [{ hash = "md5" }, "w"]\n',
  "[[package.wheels]]\n",
  "<<<<<<< HEAD\n",
  '"""\n',
];

testLockProperties({
  format: "uv.lock",
  parse: parseUvLock,
  fragments: FRAGMENTS,
  mutatedRuns: 100,
});
