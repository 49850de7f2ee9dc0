import assert from "node:assert/strict";
import { snapshotFromCyclonedx } from "../../../collect/mod.ts";
import { ConfigError } from "../../../core/config.ts";
import { Snapshot, TOOL } from "../../../core/snapshot.ts";

const file = "sbom/app.cdx.json";
const collectedAt = "2026-01-01T00:00:00.000Z";
const at = [{ file }];
const sha256 = "AB".repeat(32);

/** A BOM with the given parts, as its JSON text. */
function bom(parts: Record<string, unknown>, specVersion = "1.6"): string {
  return JSON.stringify({ bomFormat: "CycloneDX", specVersion, version: 1, ...parts });
}

const read = (text: string) => snapshotFromCyclonedx({ text, file, collectedAt });

/** The message of the ConfigError reading `text` throws. */
function refusal(text: string): string {
  try {
    read(text);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `not a ConfigError: ${error}`);
    return error.message;
  }
  assert.fail("no ConfigError");
}

/** A package as the import writes it, with the fields a test does not name at their default. */
function lockPackage(fields: Record<string, unknown>) {
  return {
    ecosystem: "pypi",
    extras: [],
    hashes: [],
    source: { kind: "index" },
    layer: "lock",
    direct: false,
    editable: false,
    groups: [],
    locations: at,
    ...fields,
  };
}

Deno.test("a BOM's Python and conda components become lock packages, its Hugging Face model a reference", () => {
  const snapshot = read(bom({
    metadata: { component: { type: "application", name: "ml-app", "bom-ref": "app" } },
    components: [
      {
        type: "library",
        name: "PyYAML",
        version: "6.0.2",
        purl: "pkg:pypi/pyyaml@6.0.2",
        "bom-ref": "yaml",
        hashes: [
          { alg: "SHA-256", content: sha256 },
          { alg: "SHA-512", content: "0".repeat(128) },
          { alg: "BLAKE3", content: "1".repeat(64) },
        ],
        externalReferences: [
          { type: "distribution", url: "https://pypi.internal.example/simple" },
          { type: "vcs", url: "https://github.com/yaml/pyyaml" },
        ],
      },
      {
        type: "library",
        name: "requests",
        purl: "pkg:pypi/requests@2.32.3?repository_url=https://user:tok@pypi.corp.example/simple",
        "bom-ref": "requests",
      },
      {
        type: "library",
        name: "mylib",
        purl: "pkg:pypi/mylib@1.0?vcs_url=git%2Bhttps://github.com/org/mylib@v1.0",
        "bom-ref": "mylib",
      },
      {
        type: "library",
        name: "torch",
        version: "2.0",
        purl: "pkg:pypi/torch@2.0",
        properties: [{ name: "cdx:pypi:versionSpecifiers", value: ">=2.0" }],
      },
      {
        type: "framework",
        name: "numpy",
        version: "2.1.1",
        purl: "pkg:pypi/numpy@2.1.1",
        externalReferences: [{
          type: "distribution",
          url: "https://files.pythonhosted.org/packages/ab/numpy-2.1.1.tar.gz",
          comment: "sdist",
        }],
        components: [
          {
            type: "file",
            name: "numpy-2.1.1.tar.gz",
            hashes: [{ alg: "SHA-256", content: sha256 }],
          },
        ],
      },
      {
        type: "library",
        name: "zlib",
        purl: "pkg:conda/zlib@1.3.1?build=h4ab18f5_1&channel=conda-forge&subdir=linux-64",
        hashes: [{ alg: "MD5", content: "c".repeat(32) }],
      },
      { type: "library", name: "left-pad", purl: "pkg:npm/left-pad@1.3.0", "bom-ref": "npm" },
      {
        type: "machine-learning-model",
        name: "bert-base-uncased",
        purl:
          "pkg:huggingface/google-bert/bert-base-uncased@86B5E0934494BD15C9632B12F734A8A67F723594",
      },
    ],
    dependencies: [
      { ref: "app", dependsOn: ["yaml", "requests", "mylib"] },
      { ref: "requests", dependsOn: ["yaml", "npm", "nowhere"] },
      { ref: "yaml", dependsOn: [] },
    ],
  }));
  assert.deepEqual(snapshot.packages, [
    lockPackage({
      name: "pyyaml",
      displayName: "PyYAML",
      version: "6.0.2",
      specifier: "==6.0.2",
      hashes: [`sha256:${sha256.toLowerCase()}`, `sha512:${"0".repeat(128)}`],
      // The distribution reference names an index; the vcs one is the project's repository.
      source: { kind: "index", url: "https://pypi.internal.example/simple" },
      direct: true,
      dependsOn: [],
    }),
    lockPackage({
      name: "requests",
      version: "2.32.3",
      specifier: "==2.32.3",
      source: { kind: "index", url: "https://***@pypi.corp.example/simple" },
      direct: true,
      dependsOn: ["pyyaml"],
    }),
    lockPackage({
      name: "mylib",
      version: "1.0",
      specifier: "==1.0",
      source: { kind: "vcs", vcs: "git", url: "https://github.com/org/mylib", ref: "v1.0" },
      direct: true,
    }),
    // cdxgen writes `torch>=2.0` as version 2.0: the range is kept, and no version is claimed.
    lockPackage({ name: "torch", specifier: ">=2.0" }),
    // A wheel or sdist URL is not an index; the nested file components hold the package's hashes.
    lockPackage({
      name: "numpy",
      version: "2.1.1",
      specifier: "==2.1.1",
      hashes: [`sha256:${sha256.toLowerCase()}`],
    }),
    lockPackage({
      ecosystem: "conda",
      name: "zlib",
      version: "1.3.1",
      specifier: "==1.3.1",
      hashes: [`md5:${"c".repeat(32)}`],
      source: { kind: "index", name: "conda-forge" },
      platforms: ["linux-64"],
    }),
  ]);
  assert.deepEqual(snapshot.models, [{
    hub: "huggingface",
    repoId: "google-bert/bert-base-uncased",
    publisher: "google-bert",
    revision: "86b5e0934494bd15c9632b12f734a8a67f723594",
    loader: "sbom",
    location: { file },
  }]);
  // npm is not Python supply chain: left out as a package.json is, not a problem.
  assert.deepEqual(snapshot.problems, []);
  assert.equal(snapshot.root, "ml-app");
  assert.deepEqual(snapshot.tool, { ...TOOL });
  assert.equal(snapshot.collectedAt, collectedAt);
  assert.deepEqual(snapshot.inputs, [{ file, format: "cyclonedx" }]);
  Snapshot.parse(snapshot);
});

Deno.test("only packages are collected; every other section is missing with the reason", () => {
  const snapshot = read(bom({ components: [] }));
  assert.deepEqual(snapshot.collected, ["packages"]);
  assert.deepEqual(snapshot.missing.map((m) => m.section), [
    "indexes",
    "settings",
    "installers",
    "environments",
    "records",
    "models",
    "artifacts",
    "signatures",
    "services",
    "secrets",
    "codeowners",
  ]);
  const reason = (section: string) => snapshot.missing.find((m) => m.section === section)?.reason;
  assert.match(reason("indexes")!, /^a CycloneDX BOM does not record the indexes, find-links/);
  assert.match(reason("models")!, /^this BOM lists no Hugging Face model \(which does not mean/);
  assert.match(reason("artifacts")!, /^model files on disk are not read when .* CycloneDX BOM/);
  // Without metadata.component the project is named after the file.
  assert.equal(snapshot.root, "app.cdx.json");

  // Models a BOM lists are read, yet `models` stays missing: no BOM says how code loads them.
  const withModel = read(bom({
    components: [{ type: "machine-learning-model", name: "gpt2", purl: "pkg:huggingface/gpt2" }],
  }));
  assert.deepEqual(withModel.models.map((m) => [m.repoId, m.publisher, m.revision]), [
    ["gpt2", undefined, undefined],
  ]);
  assert.deepEqual(withModel.collected, ["packages"]);
  assert.match(
    withModel.missing.find((m) => m.section === "models")!.reason,
    /^the 1 Hugging Face model\(s\) this BOM lists are read, but a CycloneDX BOM does not record how code loads models \(trust_remote_code/,
  );
});

Deno.test("without an edge from the BOM's own component, no package is direct", () => {
  // cdxgen's Python BOMs record the graph among packages but never the project's own edges.
  const snapshot = read(bom({
    metadata: { component: { type: "application", name: "app", "bom-ref": "app" } },
    components: [
      { type: "library", name: "a", purl: "pkg:pypi/a@1", "bom-ref": "a" },
      { type: "library", name: "b", purl: "pkg:pypi/b@2", "bom-ref": "b" },
    ],
    dependencies: [{ ref: "a", dependsOn: ["b", "a"] }],
  }));
  assert.deepEqual(
    snapshot.packages.map((p) => [p.name, p.direct, p.dependsOn]),
    [["a", false, ["b"]], ["b", false, undefined]],
  );
});

Deno.test("a bom-ref used twice links only its first component", () => {
  const snapshot = read(bom({
    components: [
      { type: "library", name: "a", purl: "pkg:pypi/a@1", "bom-ref": "x" },
      { type: "library", name: "b", purl: "pkg:pypi/b@1", "bom-ref": "x" },
      { type: "library", name: "c", purl: "pkg:pypi/c@1", "bom-ref": "c" },
    ],
    dependencies: [{ ref: "x", dependsOn: ["c"] }, { ref: "c", dependsOn: ["x"] }],
  }));
  assert.deepEqual(
    snapshot.packages.map((p) => [p.name, p.dependsOn]),
    [["a", ["c"]], ["b", undefined], ["c", ["a"]]],
  );
  assert.deepEqual(snapshot.problems.map((p) => p.message), [
    'components[1]["bom-ref"]: "x" is used twice; not linked',
  ]);
});

Deno.test("components Tollgate cannot place are problems at their key path", () => {
  const snapshot = read(bom({
    components: [
      { type: "library", name: "mystery" },
      { type: "machine-learning-model", name: "local-model" },
      { type: "machine-learning-model", name: "other-hub", purl: "pkg:generic/other-hub@1" },
      { type: "library", name: "broken", purl: "pypi/broken" },
      {
        type: "library",
        name: "short",
        purl: "pkg:pypi/short@1",
        hashes: [{ alg: "SHA-256", content: "abcd" }, { alg: "SHA-999", content: "abcd" }],
      },
      // An application without a package URL is no package: not a problem.
      { type: "application", name: "tooling" },
    ],
  }));
  assert.deepEqual(snapshot.problems.map((p) => [p.file, p.message]), [
    [file, 'components[0]: library "mystery" has no package URL: its ecosystem is unknown'],
    [
      file,
      'components[1]: model "local-model" has no package URL: where it is loaded from is unknown',
    ],
    [
      file,
      'components[2].purl: model "other-hub" is not on the Hugging Face hub (generic); not read',
    ],
    [file, 'components[3].purl: "pypi/broken" is not a package URL; not read'],
    [file, "components[4].hashes[0].content: expected 64 hex digits for SHA-256, found 4"],
    [file, 'components[4].hashes[1].alg: expected a CycloneDX hash algorithm, found "SHA-999"'],
  ]);
  assert.deepEqual(snapshot.packages.map((p) => [p.name, p.hashes]), [["short", []]]);
});

Deno.test("a BOM that is not one Tollgate reads is refused, naming the file and key path", () => {
  const component = { type: "library", name: "six", purl: "pkg:pypi/six@1.16.0" };
  const cases: Array<[string, string]> = [
    ["{", `${file}:1: not valid JSON: Expected property name`],
    [
      "[]",
      `${file}: expected a CycloneDX BOM (a JSON object with bomFormat "CycloneDX"), found an array`,
    ],
    ['{"spdxVersion": "SPDX-2.3"}', `${file}: bomFormat: expected "CycloneDX", found nothing`],
    [
      bom({}, "1.1"),
      `${file}: specVersion: expected a CycloneDX specification version from 1.2 to 1.7, found "1.1"`,
    ],
    [
      JSON.stringify({ bomFormat: "CycloneDX", specVersion: 1.6 }),
      `${file}: specVersion: expected a string, found 1.6`,
    ],
    [bom({ metadata: [] }), `${file}: metadata: expected an object, found an array`],
    [
      bom({ metadata: { component: { type: "application" } } }),
      `${file}: metadata.component.name: expected the component's name, found nothing`,
    ],
    [bom({ components: {} }), `${file}: components: expected an array, found an object`],
    [
      bom({ components: [component, "six"] }),
      `${file}: components[1]: expected an object, found "six"`,
    ],
    [
      bom({ components: [{ type: "library", name: "" }] }),
      `${file}: components[0].name: expected the component's name, found ""`,
    ],
    [
      bom({ components: [{ type: "library", name: 7 }] }),
      `${file}: components[0].name: expected a string, found 7`,
    ],
    [
      bom({ components: [{ name: "six" }] }),
      `${file}: components[0].type: expected the component's type (library, framework, …), found nothing`,
    ],
    [
      bom({
        components: [{ ...component, components: [{ type: "library", purl: "pkg:pypi/x@1" }] }],
      }),
      `${file}: components[0].components[0].name: expected the component's name, found nothing`,
    ],
    [
      bom({ components: [{ ...component, hashes: [{ alg: "SHA-256", content: "not hex" }] }] }),
      `${file}: components[0].hashes[0].content: expected hex digits, found "not hex"`,
    ],
    [
      bom({ components: [{ ...component, properties: [null] }] }),
      `${file}: components[0].properties[0]: expected an object, found null`,
    ],
    [
      bom({ components: [{ ...component, name: "x".repeat(8193) }] }),
      `${file}: components[0].name: is 8193 characters long, over the 8192-character limit`,
    ],
    [
      bom({ dependencies: [{ dependsOn: [] }] }),
      `${file}: dependencies[0].ref: expected the dependent's bom-ref, found nothing`,
    ],
    [
      bom({ dependencies: [{ ref: "a", dependsOn: [1] }] }),
      `${file}: dependencies[0].dependsOn[0]: expected a string, found 1`,
    ],
  ];
  for (const [text, message] of cases) {
    const got = refusal(text);
    assert.ok(
      got.startsWith(message),
      `${text.slice(0, 80)}\n  got: ${got}\n  expected: ${message}`,
    );
  }
  // A JSON syntax error names its line.
  assert.match(
    refusal('{\n"bomFormat": "CycloneDX",\n}'),
    /^sbom\/app\.cdx\.json:3: not valid JSON: /,
  );
});

Deno.test("specification versions 1.2 to 1.7 are read; unknown fields are ignored", () => {
  for (const version of ["1.2", "1.3", "1.4", "1.5", "1.6", "1.7"]) {
    const snapshot = read(bom({
      components: [{
        type: "library",
        name: "six",
        purl: "pkg:pypi/six@1.16.0",
        futureField: [{}],
      }],
      futureSection: { anything: true },
    }, version));
    assert.deepEqual(snapshot.packages.map((p) => p.version), ["1.16.0"], version);
  }
});
