import assert from "node:assert/strict";
import fc from "fast-check";
import { Package, Problem } from "../core/snapshot.ts";
import { parsePyproject } from "../collect/pyproject.ts";

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
    packages: [{
      ecosystem: "pypi",
      name: "ok",
      specifier: "",
      extras: [],
      hashes: [],
      source: { kind: "index" },
      layer: "manifest",
      direct: true,
      editable: false,
      groups: [],
      locations: [{ file, line: 2 }],
    }],
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
      problems: [{ file, line: 5, message: "invalid TOML: invalid value" }],
    },
  );
});

Deno.test("property: arbitrary text never throws and problems stay within the file", () => {
  const pieces = fc.constantFrom(
    "[project]\n",
    "[dependency-groups]\n",
    "[project.optional-dependencies]\n",
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
  );
  const textArb = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.array(pieces, { maxLength: 25 }).map((parts) => parts.join("")),
  );
  fc.assert(
    fc.property(textArb, (text) => {
      const { packages, problems } = parsePyproject(text, { file });
      const lines = text.split("\n").length;
      for (const problem of problems) {
        Problem.parse(problem);
        if (problem.line !== undefined) assert.ok(problem.line >= 1 && problem.line <= lines);
      }
      for (const pkg of packages) {
        Package.parse(pkg);
        const line = pkg.locations[0].line;
        if (line !== undefined) assert.ok(line >= 1 && line <= lines);
      }
    }),
    { numRuns: 500 },
  );
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
