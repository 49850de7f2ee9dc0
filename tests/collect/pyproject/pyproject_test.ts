import assert from "node:assert/strict";
import fc from "fast-check";
import { Package } from "../../../core/snapshot.ts";
import { parsePyproject } from "../../../collect/pyproject/pyproject.ts";
import { checkRandomTexts } from "../../_property.ts";
import { pkg } from "../../_pyproject.ts";

const file = "pyproject.toml";

Deno.test("PEP 621 dependencies and optional-dependencies with their lines", () => {
  const text = [
    "[project]",
    'name = "app"',
    "dependencies = [",
    '  "numpy>=1.26",',
    `  'Torch[cuda]==2.3.1 ; sys_platform == "linux"',`,
    '  "lib @ git+https://github.com/org/lib@v2",',
    "]",
    "",
    "[project.optional-dependencies]",
    'gpu = ["cupy-cuda12x", "numpy>=1.26"]',
  ].join("\n");
  const { packages, problems } = parsePyproject(text, { file });
  assert.deepEqual(problems, []);
  assert.deepEqual(packages[1], {
    ecosystem: "pypi",
    name: "torch",
    displayName: "Torch",
    version: "2.3.1",
    specifier: "==2.3.1",
    extras: ["cuda"],
    markers: 'sys_platform == "linux"',
    hashes: [],
    source: { kind: "index" },
    layer: "manifest",
    direct: true,
    editable: false,
    groups: [],
    locations: [{ file, line: 5 }],
  });
  assert.deepEqual(
    packages.map((p) => [p.name, p.specifier, p.groups, p.locations[0].line, p.source.kind]),
    [
      ["numpy", ">=1.26", [], 4, "index"],
      ["torch", "==2.3.1", [], 5, "index"],
      ["lib", "", [], 6, "vcs"],
      ["cupy-cuda12x", "", ["gpu"], 10, "index"],
      ["numpy", ">=1.26", ["gpu"], 10, "index"],
    ],
  );
  for (const pkg of packages) Package.parse(pkg);
});

Deno.test("inline optional-dependencies fall back to the [project] table", () => {
  const text = '[project]\nname = "x"\noptional-dependencies = { dev = ["pytest"] }\n';
  assert.deepEqual(
    parsePyproject(text, { file }).packages.map((p) => [p.name, p.groups, p.locations]),
    [["pytest", ["dev"], [{ file, line: 3 }]]],
  );
});

Deno.test("PEP 735 dependency groups with include-group and cycles", () => {
  const text = [
    "[dependency-groups]",
    'test = ["pytest>=8", { include-group = "Lint" }]',
    'lint = ["ruff==0.5.0"]',
    'a = [{include-group = "b"}]',
    'b = [{include-group = "a"}, "x"]',
    'c = [{include-group = "nope"}, 3]',
  ].join("\n");
  const { packages, problems } = parsePyproject(text, { file });
  assert.deepEqual(packages.map((p) => [p.name, p.version, p.groups, p.locations[0].line]), [
    ["pytest", undefined, ["test"], 2],
    ["ruff", "0.5.0", ["test"], 3],
    ["ruff", "0.5.0", ["lint"], 3],
    ["x", undefined, ["a"], 5],
    ["x", undefined, ["b"], 5],
  ]);
  assert.deepEqual(problems, [
    { file, line: 5, message: "dependency-groups.b[0]: include-group cycle a -> b -> a" },
    { file, line: 6, message: "dependency-groups.c[0]: include-group 'nope' is not a group" },
    {
      file,
      line: 1,
      message: 'dependency-groups.c[1]: expected a string or {include-group = "name"}',
    },
  ]);
});

Deno.test("wrong types and bad requirements name the key path", () => {
  const text = [
    "[project]",
    'dependencies = ["ok", 3, "numpy=="]',
    'optional-dependencies = "nope"',
    "[dependency-groups]",
    'dev = "pytest"',
  ].join("\n");
  assert.deepEqual(parsePyproject(text, { file }), {
    indexes: [],
    settings: [],
    packages: [pkg({ name: "ok", line: 2 })],
    problems: [
      { file, line: 2, message: "project.dependencies[1]: expected a string" },
      {
        file,
        line: 2,
        message:
          "project.dependencies[2]: expected a version after '==' at column 8, found end of text",
      },
      { file, line: 1, message: "project.optional-dependencies: expected a table" },
      { file, line: 4, message: "dependency-groups.dev: expected an array" },
    ],
  });
  assert.deepEqual(parsePyproject("project = 3\n", { file }).problems, [
    { file, message: "project: expected a table" },
  ]);
});

Deno.test("TOML syntax errors are one problem at the line smol-toml reports", () => {
  assert.deepEqual(
    parsePyproject('[project]\nname = "x"\ndependencies = [\n  "a",\n  b\n]\n', { file }),
    {
      packages: [],
      indexes: [],
      settings: [],
      problems: [{ file, line: 5, message: "invalid TOML: invalid value" }],
    },
  );
});

Deno.test("property: arbitrary text never throws and problems stay within the file", () => {
  checkRandomTexts([(text) => parsePyproject(text, { file })], {
    pieces: [
      "[project]\n",
      "[dependency-groups]\n",
      "[project.optional-dependencies]\n",
      "[tool.poetry.dependencies]\n",
      "[[tool.poetry.source]]\n",
      "[tool.uv.sources]\n",
      "[[tool.uv.index]]\n",
      "[[tool.pdm.source]]\n",
      "[tool.pdm.dev-dependencies]\n",
      'numpy = { index = "a", git = "g" }\n',
      'url = "https://u:p@h/s"\n',
      'name = "a"\n',
      "verify_ssl = false\n",
      'include_packages = ["n*", "["]\n',
      "dependencies = [",
      "dev = [",
      '"numpy>=1"',
      '"bad=="',
      '{ include-group = "dev" }',
      ", ",
      "]\n",
      "3",
      "\n",
      "=",
      '"',
    ],
    maxLength: 60,
    maxPieces: 25,
    numRuns: 500,
  });
});

Deno.test("property: each generated dependency is found on its own line", () => {
  const nameArb = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[a-z0-9]$/);
  fc.assert(fc.property(
    fc.array(nameArb, { minLength: 1, maxLength: 8 }),
    fc.array(nameArb, { maxLength: 4 }),
    (dependencies, dev) => {
      const text = [
        "[project]",
        'name = "gen"',
        "dependencies = [",
        ...dependencies.map((d, i) => `  ${i % 2 ? `'${d}'` : `"${d}"`},`),
        "]",
        "[dependency-groups]",
        "dev = [",
        ...dev.map((d) => `  "${d}>=1",`),
        "]",
      ].join("\n");
      const { packages, problems } = parsePyproject(text, { file });
      assert.deepEqual(problems, []);
      assert.deepEqual(
        packages.map((p) => p.locations[0].line),
        [...dependencies.map((_, i) => 4 + i), ...dev.map((_, i) => 7 + dependencies.length + i)],
      );
    },
  ));
});

Deno.test("wrong types in Poetry, uv and PDM tables are problems with key paths", () => {
  const text = [
    "[tool.poetry]",
    'dependencies = { x = { version = 3, extras = "a", markers = "os_name ==", develop = 1 } }',
    'source = [{ name = "s", url = "https://s/simple", priority = "first" }, { url = "u" }, 5]',
    "[tool.uv]",
    'index = [{ name = "i" }, { url = "https://i", default = "yes", format = "html" }]',
    "dev-dependencies = [3]",
    "[tool.pdm]",
    'source = [{ name = "p", url = "https://p", type = "links", verify_ssl = "no" }]',
    'dev-dependencies = { t = ["ok", "bad=="] }',
  ].join("\n");
  const found = parsePyproject(text, { file });
  assert.deepEqual(found.problems.map((p) => [p.line, p.message]), [
    [6, "tool.uv.dev-dependencies[0]: expected a string"],
    [5, "tool.uv.index[0].url: expected a string, found undefined"],
    [5, 'tool.uv.index[1].default: expected true or false, found "yes"'],
    [5, 'tool.uv.index[1].format: expected "simple" or "flat", found "html"'],
    [
      3,
      'tool.poetry.source[0].priority: expected primary, supplemental, explicit, default or secondary, found "first"',
    ],
    [3, "tool.poetry.source[1].name: expected a string, found undefined"],
    [3, "tool.poetry.source[2]: expected a table, found 5"],
    [2, "tool.poetry.dependencies.x.version: expected a string, found 3"],
    [2, "tool.poetry.dependencies.x.extras: expected an array of strings"],
    [
      2,
      "tool.poetry.dependencies.x.markers: expected a marker variable or a quoted string at column 11, found end of text",
    ],
    [2, "tool.poetry.dependencies.x.develop: expected true or false, found 1"],
    [
      9,
      "tool.pdm.dev-dependencies.t[1]: expected a version after '==' at column 6, found end of text",
    ],
    [8, 'tool.pdm.source[0].type: expected "index" or "find_links", found "links"'],
    [8, 'tool.pdm.source[0].verify_ssl: expected true or false, found "no"'],
  ]);
  assert.deepEqual(found.indexes.map((i) => [i.name, i.role]), [
    [undefined, "extra"],
    ["s", "primary"],
    ["p", "extra"],
  ]);
});
