import assert from "node:assert/strict";
import fc from "fast-check";
import {
  parseUvPyprojectTool,
  parseUvToml,
  uvTomlReader,
} from "../../../collect/config/uv_config.ts";
import { redactUrl } from "../../../packaging/mod.ts";
import type { ReaderResult } from "../../../collect/_reader.ts";
import {
  assertWithinFile,
  corpus,
  corpusFiles,
  corpusPath,
  mutatedTexts,
  pythonJson,
} from "../../_property.ts";

const fixtures = new URL("../../fixtures/uv_config/", import.meta.url);

/** uv's index keys read by python3's tomllib, independently of smol-toml. */
const TOMLLIB_READING = `
import json, sys, tomllib
def read(table, pip):
    indexes, settings = [], []
    if not pip:
        for entry in table.get("index", []):
            role = ("explicit" if entry.get("explicit") is True else
                    "find-links" if entry.get("format") == "flat" else
                    "primary" if entry.get("default") is True else "extra")
            indexes.append([role, entry["url"], entry.get("name", "")])
    if "index-url" in table: indexes.append(["primary", table["index-url"], ""])
    indexes += [["extra", url, ""] for url in table.get("extra-index-url", [])]
    indexes += [["find-links", url, ""] for url in table.get("find-links", [])]
    settings += [["trusted-host", host] for host in table.get("allow-insecure-host", [])]
    for flag in (["no-index", "require-hashes"] if pip else ["no-index", "native-tls"]):
        if table.get(flag) is True: settings.append([flag, ""])
    if "index-strategy" in table: settings.append(["index-strategy", table["index-strategy"]])
    if not pip and "pip" in table:
        more = read(table["pip"], True)
        indexes += more[0]; settings += more[1]
    return indexes, settings
out = {}
for path in sys.argv[2:]:
    with open(path, "rb") as f: document = tomllib.load(f)
    table = document.get("tool", {}).get("uv", {}) if sys.argv[1] == "pyproject" else document
    indexes, settings = read(table, False)
    out[path] = {"indexes": sorted(indexes), "settings": sorted(settings)}
print(json.dumps(out))
`;

function tomllibReading(
  kind: "uv.toml" | "pyproject",
  paths: string[],
): Record<string, { indexes: string[][]; settings: string[][] }> {
  return pythonJson(TOMLLIB_READING, [kind, ...paths]);
}

function summary(result: ReaderResult) {
  return {
    indexes: result.indexes!.map((i) => [i.role, i.url, i.name ?? ""]).sort(),
    settings: result.settings!.map((s) => [s.name, s.value ?? ""]).sort(),
  };
}

function redacted(expected: { indexes: string[][]; settings: string[][] }) {
  return {
    indexes: expected.indexes.map(([role, url, name]) => [role, redactUrl(url), name]).sort(),
    settings: expected.settings.map(([name, value]) => [name, redactUrl(value)]).sort(),
  };
}

Deno.test("uv.toml: [[index]] roles, legacy keys, [pip] table, each with its line", () => {
  const file = "uv.toml";
  const text = Deno.readTextFileSync(new URL("uv.toml", fixtures));
  const result = parseUvToml(text, { file });
  assert.deepEqual(result, {
    indexes: [
      {
        url: "https://***@packages.internal.example/simple",
        role: "primary",
        name: "internal",
        location: { file, line: 11 },
      },
      {
        url: "https://download.pytorch.org/whl/cu121",
        role: "explicit",
        name: "pytorch-cu121",
        location: { file, line: 16 },
      },
      { url: "./wheels", role: "find-links", name: "local-wheels", location: { file, line: 21 } },
      { url: "https://pypi.nvidia.com", role: "extra", location: { file, line: 26 } },
      { url: "https://download.pytorch.org/whl/cpu", role: "extra", location: { file, line: 5 } },
      {
        url: "https://data.pyg.org/whl/torch-2.3.0+cpu.html",
        role: "find-links",
        location: { file, line: 7 },
      },
      { url: "./wheelhouse", role: "find-links", location: { file, line: 8 } },
      { url: "https://mirror.example/simple", role: "primary", location: { file, line: 30 } },
      { url: "https://pypi.nvidia.com", role: "extra", location: { file, line: 31 } },
      { url: "https://download.pytorch.org/whl/cpu", role: "extra", location: { file, line: 31 } },
    ],
    settings: [
      { name: "trusted-host", value: "localhost:8080", location: { file, line: 3 } },
      {
        name: "trusted-host",
        value: "https://packages.internal.example",
        location: { file, line: 3 },
      },
      { name: "native-tls", location: { file, line: 4 } },
      { name: "index-strategy", value: "unsafe-best-match", location: { file, line: 2 } },
      { name: "trusted-host", value: "mirror.example", location: { file, line: 34 } },
      { name: "require-hashes", location: { file, line: 33 } },
    ],
    problems: [],
  });
  assert.ok(!JSON.stringify(result).includes("hunter2"));
});

Deno.test("pyproject [tool.uv]: settings and [[tool.uv.index]], never [tool.uv.sources]", () => {
  const file = "pyproject.toml";
  const text = Deno.readTextFileSync(new URL("pyproject.toml", fixtures));
  const result = parseUvPyprojectTool(text, { file });
  assert.deepEqual(result, {
    indexes: [
      {
        url: "https://download.pytorch.org/whl/cu121",
        role: "explicit",
        name: "pytorch",
        location: { file, line: 15 },
      },
      { url: "https://pypi.org/simple", role: "primary", location: { file, line: 7 } },
      {
        url: "https://download.pytorch.org/whl/torch_stable.html",
        role: "find-links",
        location: { file, line: 12 },
      },
    ],
    settings: [
      { name: "index-strategy", value: "first-index", location: { file, line: 9 } },
      { name: "no-index", location: { file, line: 13 } },
    ],
    problems: [],
  });
  assert.deepEqual(
    parseUvPyprojectTool(text, { file, indexTables: false }).indexes!.map((i) => i.role),
    ["primary", "find-links"],
  );
  assert.deepEqual(parseUvPyprojectTool('[project]\nname = "x"\n', { file }), {
    indexes: [],
    settings: [],
    problems: [],
  });
});

Deno.test("uv settings: wrong types and values are problems with lines; inline index arrays", () => {
  const file = "uv.toml";
  const text = [
    "index-url = 3",
    'extra-index-url = "https://x.example/simple"',
    'find-links = ["./w", 4]',
    'index-strategy = "fastest"',
    'no-index = "yes"',
    'index = [{ name = "a", url = "https://a.example/simple" }, { name = "b" }]',
    "[pip]",
    "require-hashes = 1",
  ].join("\n");
  const result = parseUvToml(text, { file });
  assert.deepEqual(result.problems, [
    { file, line: 6, message: "index[1].url: expected a string, found undefined" },
    { file, line: 1, message: "index-url: expected a string, found 3" },
    {
      file,
      line: 2,
      message: 'extra-index-url: expected an array of strings, found "https://x.example/simple"',
    },
    { file, line: 3, message: "find-links[1]: expected a string, found 4" },
    { file, line: 5, message: 'no-index: expected true or false, found "yes"' },
    {
      file,
      line: 4,
      message:
        'index-strategy: expected one of first-index, unsafe-first-match, unsafe-best-match, found "fastest"',
    },
    { file, line: 8, message: "pip.require-hashes: expected true or false, found 1" },
  ]);
  assert.deepEqual(result.indexes!.map((i) => [i.role, i.url, i.location.line]), [
    ["extra", "https://a.example/simple", 6],
    ["find-links", "./w", 3],
  ]);
  assert.deepEqual(parseUvToml("index-url = [\n", { file }).problems!.length, 1);
});

Deno.test("uv.toml reader matches uv.toml anywhere", () => {
  assert.equal(uvTomlReader.format, "uv.toml");
  assert.ok(uvTomlReader.matches("uv.toml"));
  assert.ok(uvTomlReader.matches(".uv/uv.toml"));
  assert.ok(!uvTomlReader.matches("uv.lock"));
  assert.ok(!uvTomlReader.matches("myuv.toml"));
});

Deno.test("corpus and fixtures: every uv.toml parses with no problem and matches tomllib", () => {
  const names = corpusFiles("uv.toml");
  assert.ok(names.length > 0, "no uv.toml in the corpus");
  const paths = [
    ...names.map(corpusPath),
    new URL("uv.toml", fixtures).pathname,
  ];
  const expected = tomllibReading("uv.toml", paths);
  for (const file of paths) {
    const text = Deno.readTextFileSync(file);
    const result = parseUvToml(text, { file: "uv.toml" });
    assert.deepEqual(result.problems, [], file);
    assertWithinFile(result, text);
    assert.deepEqual(summary(result), redacted(expected[file]), file);
  }
});

Deno.test("corpus: [tool.uv] of every pyproject.toml matches tomllib", () => {
  const names = corpusFiles("pyproject.toml");
  assert.ok(names.length > 0, "no pyproject.toml in the corpus");
  const paths = [
    ...names.map(corpusPath),
    new URL("pyproject.toml", fixtures).pathname,
  ];
  const expected = tomllibReading("pyproject", paths);
  let withIndexes = 0;
  for (const file of paths) {
    const text = Deno.readTextFileSync(file);
    const result = parseUvPyprojectTool(text, { file: "pyproject.toml" });
    assert.deepEqual(result.problems, [], file);
    assertWithinFile(result, text);
    assert.deepEqual(summary(result), redacted(expected[file]), file);
    if (result.indexes!.length > 0) withIndexes++;
  }
  assert.ok(withIndexes >= 3);
});

Deno.test("property: random text and mutated files never throw; problem lines lie in the file", () => {
  const samples = [
    Deno.readTextFileSync(new URL("uv.toml", fixtures)),
    Deno.readTextFileSync(new URL("pyproject.toml", fixtures)),
    ...corpusFiles("uv.toml").map((name) => Deno.readTextFileSync(new URL(name, corpus))),
  ];
  const chars = fc.string({ minLength: 1, maxLength: 1, unit: "binary" });
  const mutated = mutatedTexts(samples, { chars, maxEdits: 8 });
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 300 }), mutated), (text) => {
      assertWithinFile(parseUvToml(text, { file: "uv.toml" }), text);
      assertWithinFile(parseUvPyprojectTool(text, { file: "pyproject.toml" }), text);
    }),
    { numRuns: 500 },
  );
});
