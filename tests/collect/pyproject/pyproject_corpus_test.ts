// Real pyproject.toml files from public ML projects, against an independent tomllib count.
import assert from "node:assert/strict";
import { Index, Package } from "../../../core/snapshot.ts";
import { parsePyproject } from "../../../collect/pyproject/pyproject.ts";
import { checkMutatedFiles, corpus, corpusPath, pythonJson } from "../../_property.ts";
import { pkg } from "../../_pyproject.ts";

const file = "pyproject.toml";

/** The corpus pyproject.toml files, by name. */
const corpusFiles = [...Deno.readDirSync(corpus)]
  .filter((entry) => entry.isFile && entry.name.endsWith("pyproject.toml"))
  .map((entry) => entry.name)
  .sort();

/** The same counting rules, written independently in Python over tomllib. */
const PYTHON_COUNT = `
import json, re, sys, tomllib
def norm(n): return re.sub(r"[-_.]+", "-", n).lower()
out = {}
for path in sys.argv[1:]:
    with open(path, "rb") as f: doc = tomllib.load(f)
    proj = doc.get("project", {}); deps = proj.get("dependencies")
    n = len(deps or []) + sum(len(v) for v in proj.get("optional-dependencies", {}).values())
    groups = doc.get("dependency-groups", {}); names = {norm(k): k for k in groups}
    def expand(g):
        return sum(1 if isinstance(i, str) else expand(names[norm(i["include-group"])]) for i in groups[g])
    n += sum(expand(g) for g in groups)
    tool = doc.get("tool", {}); poetry = tool.get("poetry", {}); uv = tool.get("uv", {}); pdm = tool.get("pdm", {})
    static = isinstance(deps, list) and "dependencies" not in proj.get("dynamic", [])
    declared = {norm(re.match(r"\\s*([A-Za-z0-9][A-Za-z0-9._-]*)", d).group(1)) for d in deps} if static else set()
    tables = [(poetry.get("dependencies", {}), True), (poetry.get("dev-dependencies", {}), False)]
    tables += [(g.get("dependencies", {}), False) for g in poetry.get("group", {}).values()]
    for table, main in tables:
        for name, value in table.items():
            if name.lower() == "python" or (main and norm(name) in declared): continue
            n += len(value) if isinstance(value, list) else 1
    n += len(uv.get("dev-dependencies", [])) + sum(len(v) for v in pdm.get("dev-dependencies", {}).values())
    indexes = len(poetry.get("source", [])) + len(uv.get("index", [])) + len(pdm.get("source", []))
    out[path.rsplit("/", 1)[-1]] = [n, indexes]
print(json.dumps(out))
`;

Deno.test("corpus: every pyproject.toml parses without problems; counts match Python's tomllib", () => {
  assert.ok(corpusFiles.length >= 20, `expected the pyproject.toml corpus in ${corpus}`);
  const expected = pythonJson<Record<string, [number, number]>>(
    PYTHON_COUNT,
    corpusFiles.map(corpusPath),
  );
  for (const name of corpusFiles) {
    const text = Deno.readTextFileSync(new URL(name, corpus));
    const found = parsePyproject(text, { file: name });
    const messages = found.problems.map((p) => p.message);
    assert.deepEqual(messages, [], name);
    assert.deepEqual(
      [found.packages.length, found.indexes.length],
      expected[name],
      `${name}: [packages, indexes] differ from the tomllib count`,
    );
    for (const item of found.packages) Package.parse(item);
    for (const item of found.indexes) Index.parse(item);
    const lines = text.split("\n").length;
    for (const item of found.packages) {
      const line = item.locations[0].line;
      assert.ok(line !== undefined && line >= 1 && line <= lines, `${name}: ${item.name} line`);
    }
  }
});

Deno.test("corpus: Poetry and uv routing in real files", () => {
  const read = (name: string) =>
    parsePyproject(Deno.readTextFileSync(new URL(name, corpus)), { file: name });
  const yi = read("01-ai__Yi__pyproject.toml");
  assert.deepEqual(
    yi.packages.filter((p) => p.name === "flash-attn").map((p) => [p.version, p.source]),
    [["2.3.6", { kind: "index", url: "https://pypi.org/simple/", name: "pypi" }]],
  );
  const nanochat = read("karpathy__nanochat__pyproject.toml");
  assert.deepEqual(
    nanochat.packages.filter((p) => p.name === "torch").map((p) => [
      p.groups,
      p.source.kind === "index" ? p.source.name : p.source.kind,
      p.locations[0].line,
    ]),
    [[[], "pytorch-cpu", 15], [["cpu"], "pytorch-cpu", 56], [["gpu"], "pytorch-cu128", 59]],
  );
  assert.deepEqual(nanochat.indexes.map((i) => [i.name, i.role, i.location.line]), [
    ["pytorch-cpu", "explicit", 43],
    ["pytorch-cu128", "explicit", 48],
  ]);
  const supplemental = read(
    "python-poetry__poetry__tests__fixtures__with_multiple_supplemental_sources__pyproject.toml",
  );
  assert.deepEqual(supplemental.indexes.map((i) => [i.name, i.url, i.role, i.location.line]), [
    ["foo", "https://foo.bar/simple/", "supplemental", 16],
    ["bar", "https://bar.baz/simple/", "supplemental", 21],
  ]);
  const openhands = read("All-Hands-AI__OpenHands__pyproject.toml");
  assert.deepEqual(
    openhands.packages.filter((p) => ["modal", "swebench", "openai"].includes(p.name)),
    [
      pkg({ name: "openai", version: "1.99.9", specifier: "1.99.9", line: 30 }),
      pkg({
        name: "modal",
        specifier: ">=0.66.26,<1.2.0",
        groups: ["third_party_runtimes"],
        line: 108,
      }),
      pkg({
        name: "swebench",
        source: {
          kind: "vcs",
          vcs: "git",
          url: "https://github.com/ryanhoangt/SWE-bench.git",
          ref: "fix-modal-patch-eval",
        },
        groups: ["evaluation"],
        line: 192,
      }),
    ].map((p) => ({
      ...p,
      locations: [{ file: "All-Hands-AI__OpenHands__pyproject.toml", line: p.locations[0].line! }],
    })),
  );
});

Deno.test("property: mutated corpus files never throw and problems stay within the file", () => {
  const samples = corpusFiles.map((name) => ({
    text: Deno.readTextFileSync(new URL(name, corpus)),
    parse: (text: string) => parsePyproject(text, { file }),
  }));
  checkMutatedFiles(samples, { minEdits: 1, maxEdits: 6, numRuns: 300 });
});

Deno.test("bounds: deep nesting and exponential include-group are problems, not hangs", () => {
  const deep = `[project]\ndependencies = ${"[".repeat(200)}${"]".repeat(200)}\n`;
  const nested = parsePyproject(deep, { file });
  assert.equal(nested.problems.length, 1);
  assert.match(nested.problems[0].message, /^invalid TOML: /);
  const groups = ["[dependency-groups]", 'g0 = ["a", "b"]'];
  for (let i = 1; i < 40; i++) {
    groups.push(`g${i} = [{include-group = "g${i - 1}"}, {include-group = "g${i - 1}"}]`);
  }
  const exploded = parsePyproject(groups.join("\n"), { file });
  assert.ok(exploded.packages.length <= 100_000);
  assert.ok(exploded.problems.some((p) => p.message.includes("expand to at most 100000")));
});
