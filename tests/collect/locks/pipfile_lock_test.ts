import assert from "node:assert/strict";
import { parsePipfileLock } from "../../../collect/locks/pipfile.ts";
import { assertWithinFile, corpus, corpusFiles, corpusPath, pythonJson } from "../../_property.ts";

Deno.test("Pipfile.lock: categories, hashes, VCS commits, paths and index URLs", () => {
  const lock = {
    _meta: {
      hash: { sha256: "0".repeat(64) },
      "pipfile-spec": 6,
      sources: [
        { name: "pypi", url: "https://pypi.org/simple", verify_ssl: true },
        { name: "torch", url: "https://tok:en@download.pytorch.org/whl/cu121", verify_ssl: true },
      ],
    },
    default: {
      "Torch": {
        hashes: ["SHA256:" + "AB".repeat(32)],
        index: "torch",
        markers: "python_version >= '3.8'",
        version: "==2.3.1",
      },
      lib: { editable: true, git: "git+https://github.com/org/lib.git", ref: "a".repeat(40) },
      local: { editable: true, path: "." },
      extra: { extras: ["socks"], hashes: [], version: "==1.0" },
    },
    develop: { pytest: { hashes: ["sha256:" + "c".repeat(64)], version: "==8.2.0" } },
    docs: { sphinx: { version: "==7.3.7" } },
  };
  const text = JSON.stringify(lock, null, 4);
  const line = (key: string) => text.split("\n").findIndex((l) => l.includes(`"${key}": {`)) + 1;
  const result = parsePipfileLock(text, { file: "Pipfile.lock" });
  assert.deepEqual(result.problems, []);
  assert.deepEqual(result.indexes, []);
  assert.deepEqual(result.packages[0], {
    ecosystem: "pypi",
    name: "torch",
    displayName: "Torch",
    version: "2.3.1",
    specifier: "==2.3.1",
    extras: [],
    markers: 'python_version >= "3.8"',
    hashes: ["sha256:" + "ab".repeat(32)],
    source: { kind: "index", url: "https://***@download.pytorch.org/whl/cu121", name: "torch" },
    layer: "lock",
    direct: false,
    editable: false,
    groups: [],
    locations: [{ file: "Pipfile.lock", line: line("Torch") }],
  });
  assert.deepEqual(
    result.packages.map((p) => [p.name, p.version, p.source, p.editable, p.groups, p.locations]),
    [
      ["torch", "2.3.1", result.packages[0].source, false, [], result.packages[0].locations],
      [
        "lib",
        undefined,
        {
          kind: "vcs",
          vcs: "git",
          url: "https://github.com/org/lib.git",
          ref: "a".repeat(40),
          commit: "a".repeat(40),
        },
        true,
        [],
        [{ file: "Pipfile.lock", line: line("lib") }],
      ],
      ["local", undefined, { kind: "path", path: "." }, true, [], [{
        file: "Pipfile.lock",
        line: line("local"),
      }]],
      ["extra", "1.0", { kind: "index" }, false, [], [{
        file: "Pipfile.lock",
        line: line("extra"),
      }]],
      ["pytest", "8.2.0", { kind: "index" }, false, ["dev"], [{
        file: "Pipfile.lock",
        line: line("pytest"),
      }]],
      ["sphinx", "7.3.7", { kind: "index" }, false, ["docs"], [{
        file: "Pipfile.lock",
        line: line("sphinx"),
      }]],
    ],
  );
  assertWithinFile(result, text);
});

Deno.test("Pipfile.lock: the line of a key that repeats in another section is its own", () => {
  const text = '{\n"default": {\n  "six": {"version": "==1"}\n},\n"develop": {\n  "six": {}\n}\n}';
  assert.deepEqual(
    parsePipfileLock(text, { file: "Pipfile.lock" }).packages.map((p) => p.locations[0].line),
    [3, 6],
  );
});

Deno.test("Pipfile.lock: malformed JSON and wrong shapes are problems with lines", () => {
  assert.deepEqual(parsePipfileLock('{\n  "default": {\n    "six" 1\n}', { file: "L" }).problems, [{
    file: "L",
    line: 3,
    message:
      "invalid JSON: Expected ':' after property name in JSON at position 27 (line 3 column 11)",
  }]);
  assert.deepEqual(parsePipfileLock("[]", { file: "L" }).problems, [
    { file: "L", message: "expected a JSON object at the top level, found an array" },
  ]);
  const shapes = parsePipfileLock(
    '{\n"_meta": {"sources": 1},\n"default": [],\n"develop": {\n"x": {"hashes": ["nope"], "version": "==1"}\n}\n}',
    { file: "L" },
  );
  assert.deepEqual(shapes.packages.map((p) => [p.name, p.hashes]), [["x", []]]);
  assert.deepEqual(shapes.problems, [
    { file: "L", line: 2, message: "expected an array for _meta.sources, found 1" },
    { file: "L", message: "expected an object of packages for default, found an array" },
    {
      file: "L",
      line: 5,
      message: "expected algorithm:hexdigest in develop.x.hashes, found 'nope'",
    },
  ]);
});

Deno.test("corpus: every Pipfile.lock parses with no problem and matches python's json count", () => {
  const files = corpusFiles("Pipfile.lock");
  assert.ok(files.length > 0, "no Pipfile.lock in the corpus");
  const counts = pythonJson<Record<string, Record<string, number>>>(
    `
import json, sys
out = {}
for path in sys.argv[1:]:
    data = json.load(open(path))
    entries = [(k, e) for k, v in data.items() if k != "_meta" for e in v.values()]
    out[path] = {
        "packages": len(entries),
        "dev": len(data.get("develop", {})),
        "hashes": sum(len(e.get("hashes", [])) for _, e in entries),
        "pinned": sum(1 for _, e in entries if e.get("version", "").startswith("==")),
        "routed": sum(1 for _, e in entries if "index" in e),
    }
print(json.dumps(out))
`,
    files.map(corpusPath),
  );
  for (const name of files) {
    const text = Deno.readTextFileSync(new URL(name, corpus));
    const result = parsePipfileLock(text, { file: name });
    assert.deepEqual(result.problems, [], name);
    assertWithinFile(result, text);
    const expected = counts[corpusPath(name)];
    assert.deepEqual(
      {
        packages: result.packages.length,
        dev: result.packages.filter((p) => p.groups.includes("dev")).length,
        hashes: result.packages.reduce((sum, p) => sum + p.hashes.length, 0),
        pinned: result.packages.filter((p) => p.version !== undefined).length,
        routed: result.packages.filter((p) => p.source.kind === "index" && p.source.url).length,
      },
      expected,
      name,
    );
    // Each entry's line holds its own key.
    const lines = text.split("\n");
    for (const pkg of result.packages) {
      const key = pkg.displayName ?? pkg.name;
      assert.ok(lines[pkg.locations[0].line! - 1].includes(`"${key}"`), `${name}: ${key}`);
    }
  }
});
