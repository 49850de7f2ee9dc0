// `${VAR}` in requirements files (issue 15, item 9). pip expands only `${NAME}` with NAME of
// [A-Z0-9_]+, from the environment, and keeps unset or empty ones as written; Tollgate expands
// only with --expand-env. A package whose version (or source) still holds a variable keeps its
// name, records no version (versionFrom "unresolved", the text stays in `specifier`), and the
// line gets exactly one problem naming the variable.
import assert from "node:assert/strict";
import fc from "fast-check";
import { Package } from "../../../core/snapshot.ts";
import { parseRequirements } from "../../../collect/requirements/requirements.ts";

const file = "requirements.txt";
const NOT_EXPANDED = "is not expanded (Tollgate expands ${VAR} only with --expand-env)";
const UNSET = "is unset or empty in the environment, so pip keeps it as written";

function read(lines: string[], env: Record<string, string> = {}) {
  return parseRequirements(lines.join("\n") + "\n", { file, env });
}

Deno.test("without --expand-env: the name stays, the version is unresolved, one problem per line", () => {
  const { packages, problems, includes, indexes } = read([
    "torch==${TORCH_VERSION}",
    "vision @ https://download.pytorch.org/whl/cu121/vision-${VISION_VERSION}%2Bcu121-cp311-cp311-linux_x86_64.whl",
    "https://download.pytorch.org/whl/audio-${AUDIO_VERSION}-cp311-cp311-linux_x86_64.whl",
    "numpy>=${MIN_NUMPY},<3",
    "${PKG}==1.0",
    "lib @ git+https://github.com/org/lib@${LIB_REF}",
    "-e git+https://github.com/org/tool@${TOOL_REF}#egg=tool",
    "pkg @ https://${USER}:${TOKEN}@h.example/pkg-1.0.tar.gz",
    "--index-url https://${PYPI_HOST}/simple",
    "-r ${MORE_REQUIREMENTS}",
    "plain==$NOT_A_VARIABLE",
  ]);
  assert.deepEqual(
    packages.map((p) => [p.name, p.version, p.versionFrom, p.specifier]),
    [
      ["torch", undefined, "unresolved", "==${TORCH_VERSION}"],
      ["vision", undefined, "unresolved", ""],
      // The wheel's version is kept as written in the specifier pip would build, not mangled.
      ["audio", undefined, "unresolved", "==${AUDIO_VERSION}"],
      ["numpy", undefined, undefined, ">=${MIN_NUMPY},<3"],
      ["lib", undefined, undefined, ""],
      ["tool", undefined, undefined, ""],
      ["pkg", "1.0", "filename", ""],
    ],
  );
  for (const pkg of packages) Package.parse(pkg);
  assert.deepEqual(packages[4].source, {
    kind: "vcs",
    vcs: "git",
    url: "https://github.com/org/lib",
    ref: "${LIB_REF}",
  });
  assert.deepEqual(problems, [
    {
      file,
      line: 1,
      message: `\${TORCH_VERSION} ${NOT_EXPANDED}: the version of torch is unresolved`,
    },
    {
      file,
      line: 2,
      message:
        `\${VISION_VERSION} ${NOT_EXPANDED}: the version and source of vision are unresolved`,
    },
    {
      file,
      line: 3,
      message: `\${AUDIO_VERSION} ${NOT_EXPANDED}: the version and source of audio are unresolved`,
    },
    {
      file,
      line: 4,
      message: `\${MIN_NUMPY} ${NOT_EXPANDED}: the version specifier of numpy is unresolved`,
    },
    {
      file,
      line: 5,
      message: `\${PKG} ${NOT_EXPANDED}: the requirement cannot be read ` +
        "(expected a project name at column 1, found '$')",
    },
    { file, line: 6, message: `\${LIB_REF} ${NOT_EXPANDED}: the source of lib is unresolved` },
    { file, line: 7, message: `\${TOOL_REF} ${NOT_EXPANDED}: the source of tool is unresolved` },
    {
      file,
      line: 9,
      message: `\${PYPI_HOST} ${NOT_EXPANDED}: the value of --index-url is unresolved`,
    },
    {
      file,
      line: 10,
      message: `\${MORE_REQUIREMENTS} ${NOT_EXPANDED}: the included file is not read`,
    },
    // `$NAME` without braces is literal text to pip: an ordinary bad version, as before.
    { file, line: 11, message: "expected a version after '==' at column 8, found '$'" },
  ]);
  assert.deepEqual(includes, []);
  assert.deepEqual(indexes.map((i) => i.url), ["https://${PYPI_HOST}/simple"]);
});

Deno.test("with --expand-env: set variables expand; an unset or empty one is named as such", () => {
  const { packages, problems } = read([
    "torch==${TORCH_VERSION}",
    "numpy==${NUMPY_VERSION}",
    "scipy==${EMPTY}",
    "pandas==${lower_case}",
  ], { TORCH_VERSION: "2.3.1", EMPTY: "", HOME: "/root" });
  assert.deepEqual(packages.map((p) => [p.name, p.version, p.versionFrom]), [
    ["torch", "2.3.1", undefined],
    ["numpy", undefined, "unresolved"],
    ["scipy", undefined, "unresolved"],
  ]);
  assert.deepEqual(problems, [
    { file, line: 2, message: `\${NUMPY_VERSION} ${UNSET}: the version of numpy is unresolved` },
    { file, line: 3, message: `\${EMPTY} ${UNSET}: the version of scipy is unresolved` },
    // Lower case is never a variable to pip: the text is simply not a version.
    { file, line: 4, message: "expected a version after '==' at column 9, found '$'" },
  ]);
});

Deno.test("several variables on one line are one problem naming them all", () => {
  const { packages, problems } = read([
    "torch @ https://h.example/${CUDA}/torch-${TORCH_VERSION}%2B${CUDA}-cp311-cp311-linux_x86_64.whl",
  ]);
  assert.equal(packages.length, 1);
  assert.deepEqual(problems.map((p) => p.message), [
    `\${CUDA} and \${TORCH_VERSION} are not expanded (Tollgate expands \${VAR} only with ` +
    "--expand-env): the version and source of torch are unresolved",
  ]);
});

Deno.test("property: a variable in a pin, a file name or a ref keeps the package and is one problem", () => {
  const variable = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,12}$/).map((name) => `\${${name}}`);
  const name = fc.stringMatching(/^[a-z][a-z0-9]{0,8}(?:-[a-z0-9]{1,4})?$/);
  const template = fc.constantFrom(
    (n: string, v: string) => `${n}==${v}`,
    (n: string, v: string) => `${n}==1.${v}`,
    (n: string, v: string) => `${n} @ https://h.example/${n.replaceAll("-", "_")}-${v}.tar.gz`,
    (n: string, v: string) => `https://h.example/${n.replaceAll("-", "_")}-${v}-py3-none-any.whl`,
    (n: string, v: string) => `${n} @ git+https://github.com/o/${n}@${v}`,
    (n: string, v: string) => `-e git+https://github.com/o/${n}@${v}#egg=${n}`,
  );
  fc.assert(fc.property(name, variable, template, fc.nat(3), (n, v, make, before) => {
    const lines = [...Array(before).fill("ok==1.0"), make(n, v)];
    const { packages, problems } = read(lines);
    const pkg = packages.at(-1)!;
    assert.equal(pkg.name, n);
    assert.equal(pkg.version, undefined);
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.equal(problems[0].line, before + 1);
    assert.ok(problems[0].message.startsWith(`${v} ${NOT_EXPANDED}: `), problems[0].message);
    Package.parse(pkg);
  }));
});
