// A BOM is input from another tool, possibly hostile: the import stays bounded, and whatever the
// text, it returns a valid snapshot or refuses it with a ConfigError, never anything else.
import assert from "node:assert/strict";
import * as path from "node:path";
import fc from "fast-check";
import {
  MAX_BOM_BYTES,
  MAX_BOM_COMPONENTS,
  MAX_BOM_NESTING,
  readCyclonedxBom,
  snapshotFromCyclonedx,
} from "../../../collect/mod.ts";
import { ConfigError } from "../../../core/config.ts";
import { Snapshot } from "../../../core/snapshot.ts";
import { mutatedTexts } from "../../_property.ts";

const file = "bom.json";
const collectedAt = "2026-01-01T00:00:00.000Z";
const FIXTURES = new URL("../../fixtures/sbom/", import.meta.url);

const bom = (parts: Record<string, unknown>) =>
  JSON.stringify({ bomFormat: "CycloneDX", specVersion: "1.6", ...parts });
const read = (text: string) => snapshotFromCyclonedx({ text, file, collectedAt });

/**
 * Read `text`: a snapshot valid by the schema whose problems name the BOM (true), or a
 * ConfigError naming it (false).
 */
function readOrRefuse(text: string): boolean {
  let snapshot: Snapshot;
  try {
    snapshot = read(text);
  } catch (error) {
    if (error instanceof ConfigError && error.file === file) return false;
    throw error;
  }
  Snapshot.parse(snapshot);
  for (const problem of snapshot.problems) assert.equal(problem.file, file);
  for (const pkg of snapshot.packages) assert.deepEqual(pkg.locations, [{ file }]);
  return true;
}

Deno.test("components nested deeper than the bound are reported, not read", () => {
  let nested: Record<string, unknown> | undefined;
  for (let depth = 40; depth >= 1; depth--) {
    nested = {
      type: "library",
      name: `p${depth}`,
      purl: `pkg:pypi/p${depth}@1`,
      ...(nested ? { components: [nested] } : {}),
    };
  }
  const snapshot = read(bom({ components: [nested] }));
  assert.equal(snapshot.packages.length, MAX_BOM_NESTING);
  assert.deepEqual(snapshot.problems.map((p) => p.message), [
    `${"components[0]".repeat(MAX_BOM_NESTING + 1).replace(/\]c/g, "].c")}: components nested ` +
    `more than ${MAX_BOM_NESTING} deep are not read`,
  ]);
});

Deno.test("a BOM with more components than the bound is read up to it", () => {
  const components = Array.from(
    { length: MAX_BOM_COMPONENTS + 5 },
    (_, i) => ({ type: "library", name: `p${i}`, purl: `pkg:pypi/p${i}@1` }),
  );
  const snapshot = read(bom({ components }));
  assert.equal(snapshot.packages.length, MAX_BOM_COMPONENTS);
  assert.deepEqual(snapshot.problems.map((p) => p.message), [
    `components[${MAX_BOM_COMPONENTS}]: more than ${MAX_BOM_COMPONENTS} components; this one ` +
    "and the rest are not read",
  ]);
});

Deno.test("problems are listed up to a hundred, then counted", () => {
  const components = Array.from({ length: 150 }, (_, i) => ({ type: "library", name: `n${i}` }));
  const problems = read(bom({ components })).problems.map((p) => p.message);
  assert.equal(problems.length, 101);
  assert.equal(
    problems[99],
    'components[99]: library "n99" has no package URL: its ecosystem is unknown',
  );
  assert.equal(problems[100], "50 more problems in this BOM are not listed");
});

Deno.test("deep nesting in fields the import does not read costs nothing", () => {
  const deep = "[".repeat(100_000) + "]".repeat(100_000);
  const text = bom({ components: [{ type: "library", name: "six", purl: "pkg:pypi/six@1" }] })
    .replace(/}$/, `, "vendorExtension": ${deep}}`);
  assert.deepEqual(read(text).packages.map((p) => p.name), ["six"]);
});

Deno.test("a text over the size bound is refused before parsing", () => {
  assert.throws(
    () => read(" ".repeat(MAX_BOM_BYTES + 1)),
    (error) =>
      error instanceof ConfigError &&
      error.message ===
        `bom.json: is ${
          MAX_BOM_BYTES + 1
        } characters long, over the ${MAX_BOM_BYTES}-character limit`,
  );
});

Deno.test("property: any JSON text is a snapshot or a ConfigError", () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      readOrRefuse(JSON.stringify(value));
    }),
    {
      numRuns: 300,
    },
  );
  fc.assert(
    fc.property(fc.string(), (text) => {
      readOrRefuse(text);
    }),
    { numRuns: 200 },
  );
});

Deno.test("property: BOM-shaped JSON with any values in its fields is a snapshot or a ConfigError", () => {
  // Each field is mostly of the right shape and sometimes any JSON, so that many documents reach
  // the mapping and some fail anywhere in it.
  const anyValue = fc.jsonValue({ maxDepth: 2 });
  const mostly = <T>(valid: fc.Arbitrary<T>) =>
    fc.oneof({ arbitrary: valid, weight: 49 }, { arbitrary: anyValue, weight: 1 });
  const text = (values: string[]) => mostly(fc.constantFrom(...values));
  const list = <T>(item: fc.Arbitrary<T>, maxLength = 3) => mostly(fc.array(item, { maxLength }));
  const { component } = fc.letrec((tie) => ({
    component: fc.record({
      type: text(["library", "framework", "file", "machine-learning-model", "data", "application"]),
      name: text(["numpy", "Py_YAML", "gpt2", "zlib"]),
      version: text(["1.0", ""]),
      purl: text([
        "pkg:pypi/numpy@1.26.4",
        "pkg:pypi/x@1?vcs_url=git%2Bhttps://h/r@abc&download_url=https://h/x.whl",
        "pkg:pypi/y?repository_url=https://u:p@h/simple",
        "pkg:conda/zlib@1.3?channel=https://conda.example/c&subdir=linux-64",
        "pkg:huggingface/org/model@main",
        "pkg:huggingface/a/b/c@1",
        "pkg:npm/left-pad@1",
        "pkg:",
      ]),
      "bom-ref": text(["a", "b", "root"]),
      hashes: list(fc.record({
        alg: text(["SHA-256", "MD5", "BLAKE3", "SHA-1024"]),
        content: text(["ab", "A".repeat(64), "0".repeat(32)]),
      })),
      externalReferences: list(fc.record({
        type: text(["distribution", "vcs"]),
        url: text(["https://i/simple", "https://f/x.whl"]),
      })),
      properties: list(fc.record({
        name: text([
          "cdx:pypi:versionSpecifiers",
          "cdx:pypi:registry",
          "cdx:pypi:manifestSourceType",
          "cdx:pypi:manifestSource",
        ]),
        value: text([">=1", "==2", "git", "url", "path", "https://h/r"]),
      })),
      components: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        fc.constant([]),
        list(tie("component")),
      ),
    }, { requiredKeys: ["type", "name"] }),
  }));
  const document = fc.record({
    bomFormat: fc.constant("CycloneDX"),
    specVersion: text(["1.2", "1.6", "1.7"]),
    metadata: mostly(fc.record({ component })),
    components: list(component, 6),
    dependencies: list(
      fc.record({ ref: text(["a", "b", "root"]), dependsOn: list(text(["a", "b"])) }),
    ),
  }, { requiredKeys: ["bomFormat", "specVersion"] });
  let readCount = 0;
  fc.assert(
    fc.property(document, (value) => {
      if (readOrRefuse(JSON.stringify(value))) readCount++;
    }),
    { numRuns: 500 },
  );
  // The generator reaches the mapping, not only the refusals.
  assert.ok(readCount >= 50, `${readCount} of 500 read`);
});

Deno.test("property: mutated cdxgen BOMs are a snapshot or a ConfigError", () => {
  const texts = ["poetry-old-lock", "poetry-load-tests", "pipfile-lock"].map((name) =>
    JSON.stringify(
      JSON.parse(Deno.readTextFileSync(new URL(`${name}.cdx.json`, FIXTURES))),
      null,
      1,
    )
  );
  let readCount = 0;
  fc.assert(
    fc.property(mutatedTexts(texts, { maxEdits: 6 }), (text) => {
      if (readOrRefuse(text)) readCount++;
    }),
    { numRuns: 300 },
  );
  assert.ok(readCount >= 30, `${readCount} of 300 read`);
});

Deno.test("readCyclonedxBom reads a BOM file and refuses what is not one", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tollgate-sbom-" });
  try {
    const fixture = path.join(FIXTURES.pathname, "poetry-old-lock.cdx.json");
    const snapshot = await readCyclonedxBom({ file: fixture, now: new Date(collectedAt) });
    assert.equal(snapshot.collectedAt, collectedAt);
    assert.deepEqual(snapshot.inputs, [{ file: fixture, format: "cyclonedx" }]);
    assert.deepEqual(snapshot.packages.map((p) => p.locations), [[{ file: fixture }]]);

    // A UTF-8 byte-order mark is not part of the JSON.
    const marked = path.join(dir, "marked.json");
    await Deno.writeTextFile(marked, "\ufeff" + bom({}));
    assert.equal((await readCyclonedxBom({ file: marked })).root, "marked.json");

    const refusal = async (options: { file: string; maxBytes?: number }) => {
      const error = await readCyclonedxBom(options).then(() => undefined, (e) => e);
      assert.ok(error instanceof ConfigError, `${options.file}: ${error}`);
      return error.message;
    };
    const missing = path.join(dir, "missing.json");
    assert.equal(await refusal({ file: missing }), `${missing}: file not found`);
    assert.equal(await refusal({ file: dir }), `${dir}: not a regular file`);
    const large = path.join(dir, "large.json");
    await Deno.writeTextFile(large, bom({}));
    const size = (await Deno.stat(large)).size;
    assert.equal(
      await refusal({ file: large, maxBytes: 10 }),
      `${large}: is ${size} bytes, over the 10-byte limit`,
    );
    const latin1 = path.join(dir, "latin1.json");
    await Deno.writeFile(latin1, new Uint8Array([0x7b, 0xe9, 0x7d]));
    assert.equal(await refusal({ file: latin1 }), `${latin1}: not valid UTF-8 text`);
    // A FIFO would block an open() until a writer comes: refused before it is opened.
    const fifo = path.join(dir, "fifo.json");
    const made = await new Deno.Command("mkfifo", { args: [fifo] }).output();
    assert.equal(made.code, 0);
    assert.equal(await refusal({ file: fifo }), `${fifo}: not a regular file`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
