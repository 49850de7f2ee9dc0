// Requirements that name no project (issue 15, item 6): the reader's guess at a name is marked as
// a guess, so that checks can tell it from a name someone wrote.
import assert from "node:assert/strict";
import { parseRequirements } from "../../../collect/requirements/requirements.ts";

function read(text: string) {
  return parseRequirements(text, { file: "requirements.txt", env: {} });
}

Deno.test("unnamed paths, archives and VCS URLs get a name marked as guessed", () => {
  const { packages, problems } = read([
    "-e .",
    "./packages/feature-store",
    "git+https://github.com/huggingface/transformers",
    "https://h.example/dl/nameless-1.5.tar.gz",
    "file:///opt/src/tool/",
  ].join("\n"));
  assert.deepEqual(problems, []);
  assert.deepEqual(packages.map((p) => [p.name, p.nameFrom, p.version]), [
    ["unnamed", "guessed", undefined],
    ["feature-store", "guessed", undefined],
    ["transformers", "guessed", undefined],
    ["nameless", "guessed", undefined],
    ["tool", "guessed", undefined],
  ]);
  // The key sits beside the name, in the snapshot's order.
  assert.deepEqual(Object.keys(packages[0]).slice(0, 3), ["ecosystem", "name", "nameFrom"]);
});

Deno.test("written names are not marked: PEP 508 names, #egg= and wheel file names", () => {
  const { packages, problems } = read([
    "numpy==1.26.4",
    "lib @ git+https://github.com/org/lib@v1",
    "git+https://github.com/org/repo.git@v1.0#egg=My_Pkg",
    "-e git+https://github.com/org/tool.git@0123abc#egg=tool",
    "./wheels/wheel_pkg-2.0-py3-none-any.whl",
  ].join("\n"));
  assert.deepEqual(problems, []);
  assert.deepEqual(packages.map((p) => p.nameFrom), [
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
  ]);
});
