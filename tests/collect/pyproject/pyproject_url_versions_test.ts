// A wheel or sdist URL (or local file) fixes the version of a pyproject dependency too: PEP 621,
// Poetry url/path/file constraints and uv sources (issue 15, item 2).
import assert from "node:assert/strict";
import { parsePyproject } from "../../../collect/pyproject/pyproject.ts";

const file = "pyproject.toml";

Deno.test("PEP 621 'name @ url' dependencies take the version of their wheel or sdist", () => {
  const text = [
    "[project]",
    'name = "app"',
    "dependencies = [",
    '  "torch @ https://download.pytorch.org/whl/cpu/torch-2.3.1%2Bcpu-cp311-cp311-linux_x86_64.whl",',
    '  "pkg @ https://h.example/pkg-1.0.tar.gz#sha256=' + "a".repeat(64) + '",',
    '  "other @ https://h.example/not_other-1.0-py3-none-any.whl",',
    '  "lib @ git+https://github.com/org/lib-1.0.zip@v2",',
    "]",
  ].join("\n");
  const { packages, problems } = parsePyproject(text, { file });
  assert.deepEqual(problems, []);
  assert.deepEqual(packages.map((p) => [p.name, p.version, p.versionFrom, p.specifier]), [
    ["torch", "2.3.1+cpu", "filename", ""],
    ["pkg", "1.0", "filename", ""],
    ["other", undefined, undefined, ""],
    ["lib", undefined, undefined, ""],
  ]);
});

Deno.test("Poetry url, path and file constraints take the version of their distribution file", () => {
  const text = [
    "[tool.poetry.dependencies]",
    'python = "^3.11"',
    'torch = { url = "https://download.pytorch.org/whl/cpu/torch-2.3.1%2Bcpu-cp311-cp311-linux_x86_64.whl" }',
    'local-wheel = { path = "dist/local_wheel-0.3.0-py3-none-any.whl" }',
    'local-sdist = { file = "dist/local-sdist-0.4.tar.gz" }',
    'project-dir = { path = "../project-dir", develop = true }',
    'pinned = { version = "1.2", url = "https://h.example/pinned-9.9.tar.gz" }',
  ].join("\n");
  const { packages, problems } = parsePyproject(text, { file });
  assert.deepEqual(problems, []);
  assert.deepEqual(packages.map((p) => [p.name, p.version, p.versionFrom]), [
    ["torch", "2.3.1+cpu", "filename"],
    ["local-wheel", "0.3.0", "filename"],
    ["local-sdist", "0.4", "filename"],
    ["project-dir", undefined, undefined],
    // A written pin wins over the file name.
    ["pinned", "1.2", undefined],
  ]);
});

Deno.test("uv sources that point at a wheel or sdist give the dependency its version", () => {
  const text = [
    "[project]",
    'name = "app"',
    'dependencies = ["torch>=2", "local", "pinned==1.0"]',
    "[tool.uv.sources]",
    'torch = { url = "https://download.pytorch.org/whl/cpu/torch-2.3.1%2Bcpu-cp311-cp311-linux_x86_64.whl" }',
    'local = { path = "wheels/local-0.2-py3-none-any.whl" }',
    'pinned = { url = "https://h.example/pinned-1.0.tar.gz" }',
  ].join("\n");
  const { packages, problems } = parsePyproject(text, { file });
  assert.deepEqual(problems, []);
  assert.deepEqual(packages.map((p) => [p.name, p.version, p.versionFrom, p.specifier]), [
    ["torch", "2.3.1+cpu", "filename", ">=2"],
    ["local", "0.2", "filename", ""],
    ["pinned", "1.0", undefined, "==1.0"],
  ]);
});

Deno.test("PDM editable paths name no project: the guess is marked", () => {
  const text = [
    "[tool.pdm.dev-dependencies]",
    'dev = ["-e file:///${PROJECT_ROOT}/packages/core", "-e git+https://github.com/o/lib@v1#egg=lib"]',
  ].join("\n");
  const { packages, problems } = parsePyproject(text, { file });
  assert.deepEqual(problems, []);
  assert.deepEqual(packages.map((p) => [p.name, p.nameFrom]), [
    ["core", "guessed"],
    ["lib", undefined],
  ]);
});
