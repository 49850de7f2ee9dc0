import assert from "node:assert/strict";
import { project } from "../../_cli.ts";
import fc from "fast-check";
import { Index, InstallerSetting, Package, Problem } from "../../../core/snapshot.ts";
import {
  parseRequirements,
  readRequirementsFile,
  type RequirementsParse,
} from "../../../collect/requirements/requirements.ts";

const H1 = "sha256:" + "a".repeat(64);
const H2 = "sha256:" + "b".repeat(64);

function parse(text: string, env: Record<string, string> = {}): RequirementsParse {
  return parseRequirements(text, { file: "requirements.txt", env });
}

Deno.test("a pinned requirement with hashes on continuation lines", () => {
  const text =
    `\ufeff# pinned\r\ntorch==2.3.1+cpu \\\r\n    --hash=${H1} \\\r\n    --hash ${H2}\r\n`;
  assert.deepEqual(parse(text).packages, [{
    ecosystem: "pypi",
    name: "torch",
    version: "2.3.1+cpu",
    specifier: "==2.3.1+cpu",
    extras: [],
    hashes: [H1, H2],
    source: { kind: "index" },
    layer: "requirements",
    direct: true,
    editable: false,
    groups: [],
    locations: [{ file: "requirements.txt", line: 2 }],
  }]);
});

Deno.test("names, extras, markers and specifiers as pip reads them", () => {
  const { packages, problems } = parse(
    "Zope.Interface[Docs , test] >= 5 , <7 ; python_version<'3.12'  # why\n" +
      "foo\t==\t1.0\nbar (>=1.0)\n",
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(packages.map((p) => [p.name, p.displayName, p.specifier, p.extras, p.markers]), [
    ["zope-interface", "Zope.Interface", ">=5,<7", ["Docs", "test"], 'python_version < "3.12"'],
    ["foo", undefined, "==1.0", [], undefined],
    ["bar", undefined, ">=1.0", [], undefined],
  ]);
});

Deno.test("index options, settings and includes", () => {
  const result = parse([
    "-i https://user:pw@pypi.internal/simple",
    "--extra-index-url=https://download.pytorch.org/whl/cpu",
    "-f ./wheels",
    "--no-index",
    "--trusted-host pypi.internal --pre --require-hashes",
    "--only-binary :all: --no-binary torch --prefer-binary --use-feature truststore",
    "-rbase.txt",
    "--constraint constraints.txt",
    "--requirement=dev.txt",
  ].join("\n"));
  const at = (line: number) => ({ file: "requirements.txt", line });
  assert.deepEqual(result.indexes, [
    { url: "https://***@pypi.internal/simple", role: "primary", location: at(1) },
    { url: "https://download.pytorch.org/whl/cpu", role: "extra", location: at(2) },
    { url: "./wheels", role: "find-links", location: at(3) },
  ]);
  assert.deepEqual(result.settings, [
    { name: "no-index", location: at(4) },
    { name: "trusted-host", value: "pypi.internal", location: at(5) },
    { name: "pre", location: at(5) },
    { name: "require-hashes", location: at(5) },
    { name: "only-binary", value: ":all:", location: at(6) },
    { name: "no-binary", value: "torch", location: at(6) },
    { name: "prefer-binary", location: at(6) },
    { name: "use-feature", value: "truststore", location: at(6) },
  ]);
  assert.deepEqual(result.includes, [
    { kind: "requirement", path: "base.txt", location: at(7) },
    { kind: "constraint", path: "constraints.txt", location: at(8) },
    { kind: "requirement", path: "dev.txt", location: at(9) },
  ]);
  assert.deepEqual(result.problems, []);
});

Deno.test("direct URLs, VCS, editables, paths and wheels", () => {
  const { packages, problems } = parse([
    `pkg @ https://tok@example.com/pkg-1.0.tar.gz#sha256=${"d".repeat(64)}`,
    "git+https://github.com/org/repo.git@v1.0#egg=My_Pkg[extra]",
    "-e git+ssh://git@github.com/org/tool.git@0123abc#egg=tool",
    "-e .[dev]",
    "hg+https://hg.example/proj#egg=proj",
    "svn+https://svn.example/trunk@42#egg=trunk",
    "bzr+lp:thing#egg=thing",
    "../dist/foo_bar-1.0-py3-none-any.whl",
    "file:///opt/wheels/baz-2.0-py3-none-any.whl",
    "https://example.com/g/gradio-4.37.2+custom.20-py3-none-any.whl; sys_platform == 'win32'",
    "git+https://github.com/huggingface/transformers",
  ].join("\n"));
  assert.deepEqual(problems, []);
  assert.deepEqual(
    packages.map((p) => [p.name, p.version, p.editable, p.extras, p.hashes, p.source]),
    [
      ["pkg", "1.0", false, [], ["sha256:" + "d".repeat(64)], {
        kind: "url",
        url: `https://***@example.com/pkg-1.0.tar.gz#sha256=${"d".repeat(64)}`,
      }],
      ["my-pkg", undefined, false, ["extra"], [], {
        kind: "vcs",
        vcs: "git",
        url: "https://github.com/org/repo.git",
        ref: "v1.0",
      }],
      ["tool", undefined, true, [], [], {
        kind: "vcs",
        vcs: "git",
        url: "ssh://git@github.com/org/tool.git",
        ref: "0123abc",
      }],
      ["unnamed", undefined, true, ["dev"], [], { kind: "path", path: "." }],
      ["proj", undefined, false, [], [], {
        kind: "vcs",
        vcs: "hg",
        url: "https://hg.example/proj",
      }],
      ["trunk", undefined, false, [], [], {
        kind: "vcs",
        vcs: "svn",
        url: "https://svn.example/trunk",
        ref: "42",
      }],
      ["thing", undefined, false, [], [], { kind: "vcs", vcs: "bzr", url: "lp:thing" }],
      ["foo-bar", "1.0", false, [], [], {
        kind: "path",
        path: "../dist/foo_bar-1.0-py3-none-any.whl",
      }],
      ["baz", "2.0", false, [], [], { kind: "path", path: "/opt/wheels/baz-2.0-py3-none-any.whl" }],
      ["gradio", "4.37.2+custom.20", false, [], [], {
        kind: "url",
        url: "https://example.com/g/gradio-4.37.2+custom.20-py3-none-any.whl",
      }],
      ["transformers", undefined, false, [], [], {
        kind: "vcs",
        vcs: "git",
        url: "https://github.com/huggingface/transformers",
      }],
    ],
  );
  assert.equal(packages[9].markers, 'sys_platform == "win32"');
});

Deno.test("${VAR} expansion follows pip: only ${UPPER_CASE}, unset and empty left as written", () => {
  const { indexes } = parse(
    "-i https://${USER}:${TOKEN}@${HOST}/simple\n--extra-index-url https://$HOST/${lower}/${EMPTY}\n",
    { TOKEN: "s3cret", HOST: "pypi.internal", lower: "x", EMPTY: "" },
  );
  assert.deepEqual(indexes.map((i) => i.url), [
    "https://***@pypi.internal/simple",
    "https://$HOST/${lower}/${EMPTY}",
  ]);
});

Deno.test("comments: '#' at line start or after whitespace; URL fragments are not comments", () => {
  const { packages } = parse(
    "# a \\\nskipped==1\nx @ https://h/x.tar.gz#sha256=ab # note\n  # indented\n",
  );
  assert.deepEqual(packages.map((p) => [p.name, p.hashes, p.locations[0].line]), [
    ["skipped", [], 2],
    ["x", ["sha256:ab"], 3],
  ]);
});

Deno.test("bad lines become problems with file and line; parsing continues", () => {
  const result = parse([
    "numpy==",
    "--foo",
    "ok==1",
    "torch --hash=md5:abc",
    "--hash=sha256:ab",
    "-e https://example.com/x.zip",
    "-i",
    "--trusted-host 'unclosed",
    "pandas --index-url https://x/simple",
    "-e git+https://github.com/org/noegg.git",
    "./x/bad.whl",
  ].join("\n"));
  assert.deepEqual(result.packages.map((p) => p.name), ["ok", "torch", "pandas"]);
  const file = "requirements.txt";
  assert.deepEqual(result.problems, [
    { file, line: 1, message: "expected a version after '==' at column 8, found end of text" },
    { file, line: 2, message: "unknown option --foo" },
    { file, line: 4, message: "expected a hash algorithm of sha256, sha384, sha512, found 'md5'" },
    { file, line: 5, message: "pip ignores --hash on a line without a requirement" },
    {
      file,
      line: 6,
      message:
        "expected a local directory or a VCS URL (git+, hg+, svn+, bzr+) after -e, found 'https://example.com/x.zip'",
    },
    { file, line: 7, message: "option -i needs a value" },
    { file, line: 8, message: "no closing single quotation mark in the options" },
    { file, line: 9, message: "pip ignores --index-url on a requirement line" },
    {
      file,
      line: 10,
      message:
        "expected '#egg=name' on the editable VCS URL 'git+https://github.com/org/noegg.git'",
    },
    {
      file,
      line: 11,
      message: "expected a wheel filename like name-1.0-py3-none-any.whl, found 'bad.whl'",
    },
  ]);
});

Deno.test("constraint files give constraint-layer packages, and their indexes count", () => {
  const result = parseRequirements("numpy<2\n--extra-index-url https://c.example/simple\n", {
    file: "c.txt",
    constraint: true,
  });
  assert.deepEqual(
    result.packages.map((p) => [p.name, p.specifier, p.layer, p.direct]),
    [["numpy", "<2", "constraint", false]],
  );
  assert.deepEqual(result.indexes.map((i) => i.url), ["https://c.example/simple"]);
});

Deno.test("readRequirementsFile follows includes relative to the including file", async () => {
  const root = await project({
    "requirements.txt": "a==1\n-r reqs/base.txt\n-c constraints.txt\nz==9\n",
    "reqs/base.txt": "b==2\n-r ../reqs/more.txt\n",
    "reqs/more.txt": "c==3\n-r base.txt\n",
    "constraints.txt": "a<2\n--extra-index-url https://c.example/simple\n-r reqs/more.txt\n",
  });
  try {
    const result = await readRequirementsFile({ root, file: "requirements.txt" });
    assert.deepEqual(result.files, [
      "requirements.txt",
      "reqs/base.txt",
      "reqs/more.txt",
      "constraints.txt",
    ]);
    const line = (p: Package) => `${p.name}${p.specifier}@${p.locations[0].file}:${p.layer}`;
    assert.deepEqual(result.packages.map(line), [
      "a==1@requirements.txt:requirements",
      "b==2@reqs/base.txt:requirements",
      "c==3@reqs/more.txt:requirements",
      "a<2@constraints.txt:constraint",
      "z==9@requirements.txt:requirements",
    ]);
    assert.deepEqual(result.indexes.map((i) => i.url), ["https://c.example/simple"]);
    assert.deepEqual(result.problems, [{
      file: "reqs/more.txt",
      line: 2,
      message: "include cycle: requirements.txt -> reqs/base.txt -> reqs/more.txt -> reqs/base.txt",
    }]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("readRequirementsFile refuses URL, absolute, escaping, missing and too-deep includes", async () => {
  const root = await project({
    "requirements.txt": [
      "-r https://example.com/r.txt",
      "-r /etc/passwd",
      "-r ../outside.txt",
      "-r missing.txt",
      "-r d1.txt",
    ].join("\n"),
    "d1.txt": "-r d2.txt\n",
    "d2.txt": "-r d3.txt\n",
    "d3.txt": "deep==1\n",
  });
  try {
    const result = await readRequirementsFile({
      root,
      file: "requirements.txt",
      maxIncludeDepth: 2,
    });
    assert.deepEqual(result.packages, []);
    assert.deepEqual(result.problems, [
      {
        file: "requirements.txt",
        line: 1,
        message: "include https://example.com/r.txt is a URL; Tollgate does not fetch it",
      },
      {
        file: "requirements.txt",
        line: 2,
        message: "include /etc/passwd is an absolute path; only files in the project are read",
      },
      {
        file: "requirements.txt",
        line: 3,
        message: "include ../outside.txt leaves the project root; not read",
      },
      {
        file: "requirements.txt",
        line: 4,
        message: "cannot read included file missing.txt: file not found",
      },
      { file: "d2.txt", line: 1, message: "includes nest deeper than 2 files at d3.txt; not read" },
    ]);
    const limited = await readRequirementsFile({ root, file: "d1.txt", maxFiles: 2 });
    assert.deepEqual(limited.problems, [{
      file: "d2.txt",
      line: 1,
      message: "more than 2 requirements files are included; d3.txt not read",
    }]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("property: arbitrary text never throws and problems stay within the file", () => {
  const pieces = fc.constantFrom(
    "numpy",
    "==",
    "1.0",
    " ",
    "\t",
    "\n",
    "\r\n",
    "\\",
    "#",
    "-r",
    "-e",
    "--hash=",
    "sha256:ab",
    "@",
    "https://h/x.whl",
    "git+",
    ";",
    "'",
    '"',
    "[",
    "]",
    "(",
    ")",
    "${X}",
    "--index-url",
    "--",
    ",",
    "\ufeff",
  );
  const textArb = fc.oneof(
    fc.string({ maxLength: 80 }),
    fc.array(pieces, { maxLength: 30 }).map((parts) => parts.join("")),
  );
  fc.assert(
    fc.property(textArb, (text) => {
      const result = parse(text, { X: "y" });
      // Python's splitlines() boundaries, as pip numbers lines.
      // deno-lint-ignore no-control-regex
      const lines = text.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/).length;
      for (const problem of result.problems) {
        Problem.parse(problem);
        assert.ok(problem.line! >= 1 && problem.line! <= lines, JSON.stringify(problem));
      }
      for (const pkg of result.packages) Package.parse(pkg);
      for (const index of result.indexes) Index.parse(index);
      for (const setting of result.settings) InstallerSetting.parse(setting);
    }),
    { numRuns: 500 },
  );
});

Deno.test("property: every --hash on continuation lines is collected", () => {
  const hex = fc.stringMatching(/^[0-9a-f]{64}$/);
  fc.assert(fc.property(
    fc.array(hex, { minLength: 1, maxLength: 6 }),
    fc.constantFrom("=", " "),
    fc.constantFrom("\n", "\r\n"),
    (digests, joiner, newline) => {
      const lines = ["pkg==1.0 \\", ...digests.map((d) => `    --hash${joiner}sha256:${d} \\`)];
      lines[lines.length - 1] = lines[lines.length - 1].replace(/ \\$/, "");
      const { packages, problems } = parse(lines.join(newline) + newline + "next==2" + newline);
      assert.deepEqual(problems, []);
      assert.deepEqual(packages[0].hashes, [...new Set(digests)].map((d) => "sha256:" + d));
      assert.equal(packages[1].locations[0].line, digests.length + 2);
    },
  ));
});

// ---------------------------------------------------------------------------------------------
// Differential test against pip's own parser (/work/shared/tools/pip_oracle.py).
