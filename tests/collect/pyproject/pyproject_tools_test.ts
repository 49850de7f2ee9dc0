// Poetry, uv and PDM tables in pyproject.toml.
import assert from "node:assert/strict";
import { Index, InstallerSetting } from "../../../core/snapshot.ts";
import { parsePyproject } from "../../../collect/pyproject/pyproject.ts";
import { pkg } from "../../_pyproject.ts";

const file = "pyproject.toml";

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

Deno.test("uv sources route [project], extras, groups and dev-dependencies; indexes by role", () => {
  const text = [
    "[project]",
    'name = "app"',
    "dependencies = [",
    '  "torch>=2",',
    '  "mylib",',
    '  "tools",',
    '  "member",',
    '  "archive",',
    '  "plain",',
    '  "direct @ https://example.com/direct-1.0.tar.gz",',
    "]",
    "",
    "[project.optional-dependencies]",
    'cpu = ["torch>=2"]',
    'gpu = ["torch>=2"]',
    "",
    "[dependency-groups]",
    'lint = ["ruff"]',
    "",
    "[tool.uv]",
    'dev-dependencies = ["pytest>=8", "direct"]',
    "",
    "[tool.uv.sources]",
    "torch = [",
    '  { index = "pytorch-cpu", extra = "cpu" },',
    '  { index = "pytorch-gpu", extra = "gpu", marker = "sys_platform == \'linux\'" },',
    "]",
    'mylib = { git = "https://github.com/org/mylib", tag = "v1.2" }',
    'tools = { path = "./tools", editable = true }',
    "member = { workspace = true }",
    'archive = { url = "https://example.com/archive-1.0.tar.gz" }',
    'ruff = { index = "internal" }',
    'pytest = { index = "undeclared" }',
    'direct = { index = "internal" }',
    "broken = 3",
    'odd = { something = "x" }',
    "",
    "[[tool.uv.index]]",
    'name = "pytorch-cpu"',
    'url = "https://download.pytorch.org/whl/cpu"',
    "explicit = true",
    "",
    "[[tool.uv.index]]",
    'name = "pytorch-gpu"',
    'url = "https://download.pytorch.org/whl/cu128"',
    "explicit = true",
    "",
    "[[tool.uv.index]]",
    'name = "internal"',
    'url = "https://user:pw@pypi.internal/simple"',
    "default = true",
    "",
    "[[tool.uv.index]]",
    'name = "extra"',
    'url = "https://extra.example/simple"',
    "",
    "[[tool.uv.index]]",
    'url = "https://flat.example/wheels/"',
    'format = "flat"',
  ].join("\n");
  const found = parsePyproject(text, { file });
  const internal = {
    kind: "index" as const,
    url: "https://***@pypi.internal/simple",
    name: "internal",
  };
  const cpu = {
    kind: "index" as const,
    url: "https://download.pytorch.org/whl/cpu",
    name: "pytorch-cpu",
  };
  assert.deepEqual(found.packages, [
    pkg({ name: "torch", specifier: ">=2", source: cpu, line: 4 }),
    pkg({
      name: "mylib",
      source: { kind: "vcs", vcs: "git", url: "https://github.com/org/mylib", ref: "v1.2" },
      line: 5,
    }),
    pkg({ name: "tools", source: { kind: "path", path: "./tools" }, editable: true, line: 6 }),
    pkg({ name: "member", source: { kind: "path", path: "." }, editable: true, line: 7 }),
    pkg({
      name: "archive",
      source: { kind: "url", url: "https://example.com/archive-1.0.tar.gz" },
      line: 8,
    }),
    pkg({ name: "plain", line: 9 }),
    pkg({
      name: "direct",
      source: { kind: "url", url: "https://example.com/direct-1.0.tar.gz" },
      line: 10,
    }),
    pkg({ name: "torch", specifier: ">=2", source: cpu, groups: ["cpu"], line: 14 }),
    pkg({
      name: "torch",
      specifier: ">=2",
      source: {
        kind: "index",
        url: "https://download.pytorch.org/whl/cu128",
        name: "pytorch-gpu",
      },
      groups: ["gpu"],
      // The source's marker narrows when the entry applies.
      markers: "sys_platform == 'linux'",
      line: 15,
    }),
    pkg({ name: "ruff", source: internal, groups: ["lint"], line: 18 }),
    pkg({
      name: "pytest",
      specifier: ">=8",
      source: { kind: "index", name: "undeclared" },
      groups: ["dev"],
      line: 21,
    }),
    pkg({ name: "direct", source: internal, groups: ["dev"], line: 21 }),
  ]);
  const at = (line: number) => ({ file, line });
  assert.deepEqual(found.indexes.map(withoutTool("uv")), [
    { url: cpu.url, role: "explicit", name: "pytorch-cpu", location: at(38) },
    {
      url: "https://download.pytorch.org/whl/cu128",
      role: "explicit",
      name: "pytorch-gpu",
      location: at(43),
    },
    { url: internal.url, role: "primary", name: "internal", location: at(48) },
    { url: "https://extra.example/simple", role: "extra", name: "extra", location: at(53) },
    { url: "https://flat.example/wheels/", role: "find-links", location: at(57) },
  ]);
  assert.deepEqual(found.problems, [
    { file, line: 35, message: "tool.uv.sources.broken: expected a table, found 3" },
    {
      file,
      line: 36,
      message: "tool.uv.sources.odd: expected one of index, git, url, path or workspace = true",
    },
  ]);
});

Deno.test("PDM sources: pypi replaces the default, include/exclude routing, verify_ssl, find_links", () => {
  const text = [
    "[project]",
    'name = "app"',
    'dependencies = ["foo-core>=1", "bar-x", "other"]',
    "",
    "[tool.pdm.dev-dependencies]",
    'lint = ["flake8", "Foo_Utils"]',
    "editable = [",
    '  "-e git+https://github.com/pallets/click.git@main#egg=click",',
    '  "-e ./mypackage/",',
    "]",
    "",
    "[[tool.pdm.source]]",
    'name = "pypi"',
    'url = "https://mirror.example/simple"',
    "",
    "[[tool.pdm.source]]",
    'name = "private"',
    'url = "https://user:pw@private.example:8443/simple"',
    "verify_ssl = false",
    'include_packages = ["foo", "foo-*", "bar-*"]',
    'exclude_packages = ["bar-*"]',
    "",
    "[[tool.pdm.source]]",
    'name = "local"',
    'url = "file:///${PROJECT_ROOT}/packages"',
    'type = "find_links"',
  ].join("\n");
  const found = parsePyproject(text, { file });
  const priv = "https://***@private.example:8443/simple";
  const privateSource = { kind: "index" as const, url: priv, name: "private" };
  assert.deepEqual(found.packages, [
    pkg({ name: "foo-core", specifier: ">=1", source: privateSource, line: 3 }),
    pkg({ name: "bar-x", line: 3 }),
    pkg({ name: "other", line: 3 }),
    pkg({ name: "flake8", groups: ["lint"], line: 6 }),
    pkg({
      name: "foo-utils",
      displayName: "Foo_Utils",
      source: privateSource,
      groups: ["lint"],
      line: 6,
    }),
    pkg({
      name: "click",
      source: { kind: "vcs", vcs: "git", url: "https://github.com/pallets/click.git", ref: "main" },
      editable: true,
      groups: ["editable"],
      line: 8,
    }),
    pkg({
      name: "mypackage",
      source: { kind: "path", path: "./mypackage/" },
      editable: true,
      groups: ["editable"],
      line: 9,
    }),
  ]);
  const at = (line: number) => ({ file, line });
  assert.deepEqual(found.indexes.map(withoutTool("pdm")), [
    { url: "https://mirror.example/simple", role: "primary", name: "pypi", location: at(12) },
    { url: priv, role: "extra", name: "private", location: at(16) },
    {
      url: "file:///${PROJECT_ROOT}/packages",
      role: "find-links",
      name: "local",
      location: at(23),
    },
  ]);
  assert.deepEqual(found.settings, [
    { name: "trusted-host", value: "private.example:8443", location: at(16) },
  ]);
  for (const setting of found.settings) InstallerSetting.parse(setting);
  assert.deepEqual(found.problems, []);
});

/** Every index of one file comes from one tool; strip that tag to compare the rest. */
function withoutTool(tool: string) {
  return (index: Index) => {
    assert.equal(index.tool, tool);
    const { tool: _, ...rest } = index;
    return rest;
  };
}
