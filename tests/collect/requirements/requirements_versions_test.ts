// Versions that a wheel or sdist file name fixes (issue 15, item 2): recorded, and marked as found
// in the file name rather than written as a pin.
import assert from "node:assert/strict";
import { parseRequirements } from "../../../collect/requirements/requirements.ts";

const SHA = "e".repeat(64);

function read(text: string) {
  return parseRequirements(text, { file: "requirements.txt", env: {} });
}

Deno.test("a wheel or sdist URL after 'name @' fixes the version, marked as from the file name", () => {
  const { packages, problems } = read([
    "torch @ https://download.pytorch.org/whl/cu121/torch-2.3.1%2Bcu121-cp311-cp311-linux_x86_64.whl",
    `Foo_Bar @ https://h.example/p/foo_bar-1.0-py3-none-any.whl?download=1#sha256=${SHA}`,
    "pkg @ https://h.example/pkg-1.0.tar.gz",
    "pkg-two @ file:///opt/dist/pkg_two-2.0.zip",
    "mismatch @ https://h.example/other-1.0-py3-none-any.whl",
    "archive @ https://github.com/o/archive/archive/408a0f48f988b6c5b180e07f0cb1d05997bf0dcc.zip",
    "pinned==3.0 ; python_version >= '3'",
    "vcs @ git+https://github.com/o/vcs-1.0.zip@v1",
  ].join("\n"));
  assert.deepEqual(problems, []);
  assert.deepEqual(packages.map((p) => [p.name, p.version, p.versionFrom, p.specifier]), [
    ["torch", "2.3.1+cu121", "filename", ""],
    ["foo-bar", "1.0", "filename", ""],
    ["pkg", "1.0", "filename", ""],
    ["pkg-two", "2.0", "filename", ""],
    ["mismatch", undefined, undefined, ""],
    ["archive", undefined, undefined, ""],
    ["pinned", "3.0", undefined, "==3.0"],
    ["vcs", undefined, undefined, ""],
  ]);
  assert.deepEqual(packages[1].hashes, [`sha256:${SHA}`]);
});

Deno.test("bare wheel lines, #egg= lines and local paths: the version is the file name's", () => {
  const { packages, problems } = read([
    "https://example.com/g/gradio-4.37.2+custom.20-py3-none-any.whl; sys_platform == 'win32'",
    "./wheels/wheel_pkg-2.0-py3-none-any.whl",
    "https://h.example/dl/egg_pkg-1.5.tar.gz#egg=egg-pkg",
    "https://h.example/dl/egg_pkg-1.5.tar.gz#egg=someone-else",
    "https://h.example/dl/nameless-1.5.tar.gz",
  ].join("\n"));
  assert.deepEqual(problems, []);
  assert.deepEqual(packages.map((p) => [p.name, p.version, p.versionFrom]), [
    ["gradio", "4.37.2+custom.20", "filename"],
    ["wheel-pkg", "2.0", "filename"],
    ["egg-pkg", "1.5", "filename"],
    ["someone-else", undefined, undefined],
    // No name was written, so the file name's version has nothing to belong to.
    ["nameless", undefined, undefined],
  ]);
  // pip reads a bare wheel as name==version; that is the specifier it installs with.
  assert.equal(packages[0].specifier, "==4.37.2+custom.20");
});

Deno.test("a bare wheel whose version is not PEP 440 is a problem, not a made-up version", () => {
  const { packages, problems } = read("https://h.example/x-notaversion-py3-none-any.whl\n");
  assert.deepEqual(packages, []);
  assert.deepEqual(problems, [{
    file: "requirements.txt",
    line: 1,
    message: "expected a PEP 440 version in the wheel file name " +
      "'x-notaversion-py3-none-any.whl', found 'notaversion'",
  }]);
});
