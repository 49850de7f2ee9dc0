import assert from "node:assert/strict";
import { Index } from "../../../core/snapshot.ts";
import { parsePyproject } from "../../../collect/pyproject/pyproject.ts";
import { pkg } from "../../_pyproject.ts";
import { file, withoutTool } from "./_pyproject_tools.ts";

Deno.test("Poetry dependencies, groups, constraints, sources and priorities", () => {
  const text = [
    "[tool.poetry]", //                                                                          1
    'name = "app"',
    "",
    "[tool.poetry.dependencies]",
    'python = "^3.10"', //                                                                        5
    'numpy = "^1.26"',
    'scipy = "~1.11"',
    'requests = "*"',
    'pandas = ">=2,<3"',
    'torch = "2.3.1"', //                                                                        10
    'rich = "==13.7.0"',
    `Flask_Login = { version = "0.6.*", extras = ["async"], markers = "sys_platform == 'linux'" }`,
    'private = { version = "^1.0", source = "Internal" }',
    'lib = { git = "https://user:tok@github.com/org/lib.git", tag = "v2" }',
    'wheel = { url = "https://files.example/w-1.0.tar.gz#sha256=abcdef" }', //                   15
    'local = { path = "../local", develop = true }',
    'gpu = { version = "^2", optional = true }',
    "foo = [",
    '  { version = "<=1.9", python = ">=3.6,<3.8" },',
    '  { version = "^2.0", python = ">=3.8" },', //                                              20
    "]",
    "bad = 3",
    "",
    "[tool.poetry.extras]",
    'cuda = ["gpu"]', //                                                                         25
    "",
    "[tool.poetry.dev-dependencies]",
    'black = "^24"',
    "",
    "[tool.poetry.group.test.dependencies]", //                                                  30
    'pytest = { version = "^8", source = "nowhere" }',
    "",
    "[[tool.poetry.source]]",
    'name = "Internal"',
    'url = "https://user:secret@pypi.internal/simple/"', //                                      35
    'priority = "explicit"',
    "",
    "[[tool.poetry.source]]",
    'name = "legacy-default"',
    'url = "https://mirror.example/simple/"', //                                                 40
    "default = true",
    "",
    "[[tool.poetry.source]]",
    'name = "legacy-secondary"',
    'url = "https://second.example/simple/"', //                                                 45
    "secondary = true",
    "",
    "[[tool.poetry.source]]",
    'name = "plain"',
    'url = "https://plain.example/simple/"', //                                                  50
    "",
    "[[tool.poetry.source]]",
    'name = "PyPI"',
    'priority = "supplemental"',
  ].join("\n");
  const found = parsePyproject(text, { file });
  const internal = "https://***@pypi.internal/simple/";
  assert.deepEqual(found.packages, [
    pkg({ name: "numpy", specifier: "^1.26", line: 6 }),
    pkg({ name: "scipy", specifier: "~1.11", line: 7 }),
    pkg({ name: "requests", line: 8 }),
    pkg({ name: "pandas", specifier: ">=2,<3", line: 9 }),
    pkg({ name: "torch", version: "2.3.1", specifier: "2.3.1", line: 10 }),
    pkg({ name: "rich", version: "13.7.0", specifier: "==13.7.0", line: 11 }),
    pkg({
      name: "flask-login",
      displayName: "Flask_Login",
      specifier: "0.6.*",
      extras: ["async"],
      markers: 'sys_platform == "linux"',
      line: 12,
    }),
    pkg({
      name: "private",
      specifier: "^1.0",
      source: { kind: "index", url: internal, name: "Internal" },
      line: 13,
    }),
    pkg({
      name: "lib",
      source: { kind: "vcs", vcs: "git", url: "https://***@github.com/org/lib.git", ref: "v2" },
      line: 14,
    }),
    pkg({
      name: "wheel",
      hashes: ["sha256:abcdef"],
      source: { kind: "url", url: "https://files.example/w-1.0.tar.gz#sha256=abcdef" },
      line: 15,
    }),
    pkg({ name: "local", source: { kind: "path", path: "../local" }, editable: true, line: 16 }),
    pkg({ name: "gpu", specifier: "^2", groups: ["cuda"], line: 17 }),
    pkg({ name: "foo", specifier: "<=1.9", line: 19 }),
    pkg({ name: "foo", specifier: "^2.0", line: 20 }),
    pkg({ name: "black", specifier: "^24", groups: ["dev"], line: 28 }),
    pkg({
      name: "pytest",
      specifier: "^8",
      source: { kind: "index", name: "nowhere" },
      groups: ["test"],
      line: 31,
    }),
  ]);
  const at = (line: number) => ({ file, line });
  assert.deepEqual(found.indexes.map(withoutTool("poetry")), [
    { url: internal, role: "explicit", name: "Internal", location: at(33) },
    {
      url: "https://mirror.example/simple/",
      role: "primary",
      name: "legacy-default",
      location: at(38),
    },
    {
      url: "https://second.example/simple/",
      role: "supplemental",
      name: "legacy-secondary",
      location: at(43),
    },
    { url: "https://plain.example/simple/", role: "primary", name: "plain", location: at(48) },
    { url: "https://pypi.org/simple/", role: "supplemental", name: "PyPI", location: at(52) },
  ]);
  assert.deepEqual(found.problems, [
    {
      file,
      line: 22,
      message: "tool.poetry.dependencies.bad: expected a version string or a table, found 3",
    },
    {
      file,
      line: 31,
      message:
        "tool.poetry.group.test.dependencies.pytest.source: no [[tool.poetry.source]] is named 'nowhere'",
    },
  ]);
  for (const index of found.indexes) Index.parse(index);
});

Deno.test("Poetry 2: tool.poetry.dependencies enriches a static [project] dependency", () => {
  const text = [
    "[project]",
    'name = "app"',
    'dependencies = ["requests>=2.13", "mylib"]',
    "[tool.poetry.dependencies]",
    'requests = { source = "private" }',
    'mylib = { path = "../mylib", develop = true }',
    'extra-only = "^1"',
    "[[tool.poetry.source]]",
    'name = "private"',
    'url = "https://private.example/simple/"',
  ].join("\n");
  const found = parsePyproject(text, { file });
  assert.deepEqual(found.packages, [
    pkg({
      name: "requests",
      specifier: ">=2.13",
      source: { kind: "index", url: "https://private.example/simple/", name: "private" },
      line: 3,
    }),
    pkg({ name: "mylib", source: { kind: "path", path: "../mylib" }, editable: true, line: 3 }),
    pkg({ name: "extra-only", specifier: "^1", line: 7 }),
  ]);
  assert.deepEqual(found.problems, []);
  // With dependencies dynamic, tool.poetry.dependencies are the declarations themselves.
  const dynamic = parsePyproject(
    '[project]\nname = "a"\ndynamic = ["dependencies"]\n[tool.poetry.dependencies]\nx = "1.0"\n',
    { file },
  );
  assert.deepEqual(dynamic.packages, [
    pkg({ name: "x", specifier: "1.0", version: "1.0", line: 5 }),
  ]);
});
