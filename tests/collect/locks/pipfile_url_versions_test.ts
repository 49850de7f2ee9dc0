// Pipfile and Pipfile.lock entries installed from a wheel or sdist file take its version
// (issue 15, item 2).
import assert from "node:assert/strict";
import { parsePipfile, parsePipfileLock } from "../../../collect/locks/pipfile.ts";

Deno.test("Pipfile: file and path entries take the version of their distribution file", () => {
  const text = [
    "[packages]",
    'torch = {file = "https://download.pytorch.org/whl/cpu/torch-2.3.1%2Bcpu-cp311-cp311-linux_x86_64.whl"}',
    'local = {path = "./dist/local-0.2.tar.gz"}',
    'wheel-pkg = {file = "https://example.com/pkg-1.0-py3-none-any.whl"}',
    'project = {path = ".", editable = true}',
    'pinned = {version = "==1.0", file = "https://h.example/pinned-9.0.tar.gz"}',
  ].join("\n");
  const { packages, problems } = parsePipfile(text, { file: "Pipfile" });
  assert.deepEqual(problems, []);
  assert.deepEqual(packages.map((p) => [p.name, p.version, p.versionFrom]), [
    ["torch", "2.3.1+cpu", "filename"],
    ["local", "0.2", "filename"],
    ["wheel-pkg", undefined, undefined],
    ["project", undefined, undefined],
    ["pinned", "1.0", undefined],
  ]);
});

Deno.test("Pipfile.lock: a file entry without a version takes the file name's", () => {
  const text = JSON.stringify(
    {
      _meta: { sources: [{ name: "pypi", url: "https://pypi.org/simple", verify_ssl: true }] },
      default: {
        torch: {
          file:
            "https://download.pytorch.org/whl/cpu/torch-2.3.1%2Bcpu-cp311-cp311-linux_x86_64.whl",
          hashes: ["sha256:" + "b".repeat(64)],
        },
        six: { version: "==1.16.0", hashes: ["sha256:" + "c".repeat(64)], index: "pypi" },
      },
      develop: {},
    },
    null,
    2,
  );
  const { packages, problems } = parsePipfileLock(text, { file: "Pipfile.lock" });
  assert.deepEqual(problems, []);
  assert.deepEqual(packages.map((p) => [p.name, p.version, p.versionFrom]), [
    ["torch", "2.3.1+cpu", "filename"],
    ["six", "1.16.0", undefined],
  ]);
});
