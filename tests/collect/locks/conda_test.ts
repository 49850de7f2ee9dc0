import assert from "node:assert/strict";
import * as path from "node:path";
import {
  condaEnvironmentReader,
  parseCondaEnvironment,
  parseCondaLock,
} from "../../../collect/locks/conda.ts";
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

const file = "environment.yml";

Deno.test("environment.yml: channels, match specs and the pip list with their lines", () => {
  const text = [
    "name: ml",
    "channels:",
    "  - conda-forge",
    "  - https://user:pw@conda.example.com/private",
    "  - nodefaults",
    "dependencies:",
    "  - python>=3.10", // 7
    "  - NumPy==1.26.4",
    "  - numpy 1.26.*",
    "  - conda-forge::pytorch",
    "  - pytorch::pytorch=2.1=py3.10_cuda*",
    "  - scipy=1.11",
    "  - https://conda.example.com/c::tool 2.0 h1_0",
    "  - pip", // 14
    "  - pip:",
    "    - --extra-index-url https://download.pytorch.org/whl/cu121",
    "    - --trusted-host pypi.internal",
    "    - Torch==2.4.0+cu121 --hash=sha256:" + "a".repeat(64),
    "    - -e git+https://github.com/org/lib.git@v1#egg=lib",
    "    - -r requirements-extra.txt",
  ].join("\n");
  const result = parseCondaEnvironment(text, { file });
  assert.deepEqual(result.problems, []);
  assert.deepEqual(result.indexes, [
    { url: "conda-forge", role: "conda-channel", location: { file, line: 3 } },
    {
      url: "https://***@conda.example.com/private",
      role: "conda-channel",
      location: { file, line: 4 },
    },
    { url: "https://download.pytorch.org/whl/cu121", role: "extra", location: { file, line: 16 } },
  ]);
  assert.deepEqual(result.settings, [
    { name: "trusted-host", value: "pypi.internal", location: { file, line: 17 } },
  ]);
  assert.deepEqual(result.includes, [
    { kind: "requirement", path: "requirements-extra.txt", location: { file, line: 20 } },
  ]);
  assert.deepEqual(result.packages[1], {
    ecosystem: "conda",
    name: "numpy",
    displayName: "NumPy",
    version: "1.26.4",
    specifier: "==1.26.4",
    extras: [],
    hashes: [],
    source: { kind: "index" },
    layer: "manifest",
    direct: true,
    editable: false,
    groups: [],
    locations: [{ file, line: 8 }],
  });
  assert.deepEqual(
    result.packages.map((p) => [
      p.ecosystem,
      p.name,
      p.specifier,
      p.version,
      p.source,
      p.layer,
      p.locations[0].line,
    ]),
    [
      ["conda", "python", ">=3.10", undefined, { kind: "index" }, "manifest", 7],
      ["conda", "numpy", "==1.26.4", "1.26.4", { kind: "index" }, "manifest", 8],
      ["conda", "numpy", "1.26.*", undefined, { kind: "index" }, "manifest", 9],
      ["conda", "pytorch", "", undefined, { kind: "index", name: "conda-forge" }, "manifest", 10],
      [
        "conda",
        "pytorch",
        "=2.1=py3.10_cuda*",
        "2.1",
        {
          kind: "index",
          name: "pytorch",
        },
        "manifest",
        11,
      ],
      ["conda", "scipy", "=1.11", undefined, { kind: "index" }, "manifest", 12],
      [
        "conda",
        "tool",
        "2.0 h1_0",
        "2.0",
        {
          kind: "index",
          url: "https://conda.example.com/c",
        },
        "manifest",
        13,
      ],
      ["conda", "pip", "", undefined, { kind: "index" }, "manifest", 14],
      ["pypi", "torch", "==2.4.0+cu121", "2.4.0+cu121", { kind: "index" }, "requirements", 18],
      [
        "pypi",
        "lib",
        "",
        undefined,
        {
          kind: "vcs",
          vcs: "git",
          url: "https://github.com/org/lib.git",
          ref: "v1",
        },
        "requirements",
        19,
      ],
    ],
  );
  assert.deepEqual(result.packages[8].hashes, ["sha256:" + "a".repeat(64)]);
  assert.equal(result.packages[9].editable, true);
  assertWithinFile(result, text);
});

Deno.test("environment.yml: broken entries are problems with lines and the rest is read", () => {
  const text = [
    "channels: conda-forge",
    "dependencies:",
    "  - numpy",
    "  - 3",
    "  - '>=1.0'",
    "  - {pip: [six], other: 1}",
    "  - pip:",
    "    - six==",
    "    - [nested]",
    "  - scipy[version='>=1.11']",
  ].join("\n");
  const result = parseCondaEnvironment(text, { file });
  assert.deepEqual(result.packages.map((p) => [p.name, p.specifier, p.locations[0].line]), [
    ["numpy", "", 3],
    ["scipy", "[version='>=1.11']", 10],
  ]);
  assert.deepEqual(result.problems, [
    { file, line: 1, message: 'expected a list for channels, found "conda-forge"' },
    {
      file,
      line: 4,
      message: "expected a conda package spec or a 'pip:' list in dependencies, found 3",
    },
    { file, line: 5, message: "expected a conda package name at the start of '>=1.0'" },
    {
      file,
      line: 6,
      message: "expected a conda package spec or a 'pip:' list in dependencies, found a mapping",
    },
    // The pip line's own problem, worded by the requirements reader, at the line it is on.
    { file, line: 8, message: result.problems[4]?.message },
    { file, line: 9, message: "expected a requirement line under pip, found a list" },
  ]);
  assert.match(result.problems[4].message, /expected a version/);
});

Deno.test("environment.yml: YAML errors are problems with lines; aliases are not expanded", () => {
  const broken = parseCondaEnvironment("dependencies:\n  - numpy\n  - [scipy\n", { file });
  assert.ok(broken.problems.length > 0);
  assert.ok(broken.problems.every((p) => p.line !== undefined && p.line <= 4));
  const aliases = parseCondaEnvironment(
    "x: &a numpy\ndependencies:\n  - *a\n  - *a\n  - *missing\n",
    { file },
  );
  assert.deepEqual(aliases.packages.map((p) => [p.name, p.locations[0].line]), [
    ["numpy", 3],
    ["numpy", 4],
  ]);
  assert.deepEqual(aliases.problems, [{
    file,
    line: 5,
    message:
      "expected a conda package spec or a 'pip:' list in dependencies, found an alias to an unknown anchor *missing",
  }]);
  assert.deepEqual(parseCondaEnvironment("", { file }), {
    packages: [],
    indexes: [],
    settings: [],
    includes: [],
    problems: [],
  });
  assert.deepEqual(parseCondaEnvironment("- a\n", { file }).problems, [
    { file, line: 1, message: "expected a mapping with channels and dependencies, found a list" },
  ]);
});

Deno.test("reader: follows pip -r includes and leaves other *environment*.yml files alone", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.mkdir(path.join(root, "env"));
    await Deno.writeTextFile(
      path.join(root, "env/environment.yml"),
      "dependencies:\n  - pip:\n    - -r reqs.txt\n    - -c ../constraints.txt\n    - -r missing.txt\n",
    );
    await Deno.writeTextFile(path.join(root, "env/reqs.txt"), "six==1.16.0\n");
    await Deno.writeTextFile(path.join(root, "constraints.txt"), "idna==3.7\n");
    await Deno.writeTextFile(path.join(root, "deploy-environment.yaml"), "kind: Deployment\n");
    const context = { root, env: {} };
    const read = await condaEnvironmentReader.read("env/environment.yml", context);
    assert.deepEqual(read.packages?.map((p) => [p.name, p.locations[0]]), [
      ["six", { file: "env/reqs.txt", line: 1 }],
    ]);
    assert.deepEqual(read.files, ["env/environment.yml", "env/reqs.txt", "constraints.txt"]);
    assert.deepEqual(read.problems, [
      { file: "env/missing.txt", message: "env/missing.txt: file not found" },
    ]);
    assert.deepEqual(await condaEnvironmentReader.read("deploy-environment.yaml", context), {
      files: [],
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("corpus: every environment.yml parses with no problem; counts match a python line count", () => {
  const files = corpusFiles("environment.yml");
  assert.ok(files.length > 0, "no environment.yml in the corpus");
  // Independent of any YAML library: these files are block lists, so a line scan can count them.
  const counts = pythonJson<Record<string, Record<string, number>>>(
    `
import json, re, sys
out = {}
for path in sys.argv[1:]:
    section, pip_indent, dep_indent = None, None, None
    c = {"conda": 0, "pip": 0, "channels": 0, "pip_indexes": 0}
    for raw in open(path):
        line = re.sub(r"\\s+#.*$", "", raw.rstrip("\\n"))
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace() and not line.startswith("-"):
            section = line.split(":")[0].strip()
            pip_indent = None
            continue
        item = re.match(r"^(\\s*)- (.*)$", line)
        if not item:
            continue
        indent, value = len(item.group(1)), item.group(2).strip()
        if section == "channels" and value != "nodefaults":
            c["channels"] += 1
        if section != "dependencies":
            continue
        if dep_indent is None:
            dep_indent = indent
        if indent == dep_indent:
            pip_indent = None
            if value == "pip:":
                pip_indent = indent
            else:
                c["conda"] += 1
        elif pip_indent is not None and indent > pip_indent:
            if re.match(r"^--(extra-)?index-url|^-i |^-f |^--find-links", value):
                c["pip_indexes"] += 1
            elif not value.startswith("-") or value.startswith(("-e ", "--editable")):
                c["pip"] += 1
    out[path] = c
print(json.dumps(out))
`,
    files.map(corpusPath),
  );
  for (const name of files) {
    const text = Deno.readTextFileSync(new URL(name, corpus));
    const result = parseCondaEnvironment(text, { file: name });
    assert.deepEqual(result.problems, [], name);
    assertWithinFile(result, text);
    assert.deepEqual(
      {
        conda: result.packages.filter((p) => p.ecosystem === "conda").length,
        pip: result.packages.filter((p) => p.ecosystem === "pypi").length,
        channels: result.indexes.filter((i) => i.role === "conda-channel").length,
        pip_indexes: result.indexes.filter((i) => i.role !== "conda-channel").length,
      },
      counts[corpusPath(name)],
      name,
    );
    const lines = text.split("\n");
    for (const pkg of result.packages) {
      const normalise = (text: string) => text.toLowerCase().replace(/[-_.]+/g, "-");
      const line = normalise(lines[pkg.locations[0].line! - 1]);
      assert.ok(
        line.includes(normalise(pkg.name)) || pkg.name === "unnamed",
        `${name}: ${pkg.name}`,
      );
    }
  }
});

Deno.test("property: random text never throws and problems lie within the file", () => {
  checkRandomTexts([
    (text) => parseCondaEnvironment(text, { file }),
    (text) => parseCondaLock(text, { file: "conda-lock.yml" }),
  ], {
    pieces: [
      "channels:\n",
      "dependencies:\n",
      "package:\n",
      "metadata:\n",
      "  - conda-forge\n",
      "  - numpy=1.26\n",
      "  - pip:\n",
      "    - six==1\n",
      "    - --index-url https://x\n",
      "- name: a\n  version: 1\n  manager: conda\n  platform: linux-64\n",
      "  hash: {md5: ab}\n",
      "&a ",
      "*a",
      "[",
      "{",
      ":",
      "\n",
      "  ",
    ],
    maxLength: 120,
    maxPieces: 30,
    numRuns: 500,
  });
});

Deno.test("property: mutated corpus files never throw and problems lie within the file", () => {
  const samples = corpusSamples({
    "environment.yml": (text) => parseCondaEnvironment(text, { file }),
    "conda-lock.yml": (text) => parseCondaLock(text, { file: "l.yml" }),
  });
  checkMutatedFiles(samples, { minEdits: 1, maxEdits: 6, numRuns: 100 });
});

Deno.test("property: many aliases to a large node cost no more than the file's size", () => {
  const anchors = ["a: &a [" + Array.from({ length: 50 }, (_, i) => `p${i}`).join(", ") + "]"];
  const text = [...anchors, "dependencies:", ...Array.from({ length: 2000 }, () => "  - *a")]
    .join("\n");
  const started = performance.now();
  const result = parseCondaEnvironment(text, { file });
  assert.equal(result.packages.length, 0);
  assert.equal(result.problems.length, 2000);
  assert.ok(performance.now() - started < 5000);
});
