import assert from "node:assert/strict";
import { parsePyproject } from "../../../collect/pyproject/pyproject.ts";
import { pkg } from "../../_pyproject.ts";
import { file, withoutTool } from "./_pyproject_tools.ts";

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
      version: "1.0",
      versionFrom: "filename",
      source: { kind: "url", url: "https://example.com/archive-1.0.tar.gz" },
      line: 8,
    }),
    pkg({ name: "plain", line: 9 }),
    pkg({
      name: "direct",
      version: "1.0",
      versionFrom: "filename",
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
