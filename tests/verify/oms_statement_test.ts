import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fc from "fast-check";
import {
  OMS_PREDICATE_DIGESTS_V01,
  OMS_PREDICATE_V1,
  type OmsManifest,
  omsSubjectDigest,
  parseOmsStatement,
} from "../../verify/_oms_statement.ts";
import { buildOmsStatement } from "../../verify/_oms_sign.ts";

const conformance = new URL("../../../shared/conformance/oms/", import.meta.url);
const folders = [...Deno.readDirSync(conformance)].map((entry) => entry.name)
  .filter((name) => name.startsWith("v")).sort();

function payloadOf(folder: string): Uint8Array {
  const bundle = JSON.parse(Deno.readTextFileSync(new URL(`${folder}/model.sig`, conformance)));
  return Uint8Array.from(atob(bundle.dsseEnvelope.payload), (c) => c.charCodeAt(0));
}

function parse(value: unknown) {
  return parseOmsStatement(new TextEncoder().encode(JSON.stringify(value)));
}

function manifestOf(folder: string): OmsManifest {
  const result = parseOmsStatement(payloadOf(folder));
  assert.ok(result.ok, `${folder}: ${result.ok ? "" : result.message}`);
  return result.manifest;
}

function sha256File(url: URL): string {
  return createHash("sha256").update(Deno.readFileSync(url)).digest("hex");
}

Deno.test("every conformance payload parses, and its digests are those of the files on disk", () => {
  assert.equal(folders.length, 13);
  for (const folder of folders) {
    const manifest = manifestOf(folder);
    assert.equal(manifest.method, "files");
    assert.equal(manifest.hashType, "sha256");
    assert.equal(manifest.allowSymlinks, false);
    for (const resource of manifest.resources) {
      // "." means the model path was the single file the subject names.
      const file = resource.name === "." ? manifest.modelName : resource.name;
      assert.equal(resource.digest, sha256File(new URL(`${folder}/${file}`, conformance)), folder);
    }
  }
});

Deno.test("v0.2.0: the Digests/v0.1 form, one subject per file, no model name", () => {
  assert.deepEqual(manifestOf("v0.2.0-certificate"), {
    predicateType: OMS_PREDICATE_DIGESTS_V01,
    modelName: "",
    method: "files",
    hashType: "sha256",
    allowSymlinks: false,
    ignorePaths: [],
    resources: [
      {
        name: "signme-1",
        digest: "f6310066c7320497ea554260c32c43660bff648cb2a61194832cc086077085e1",
      },
      {
        name: "signme-2",
        digest: "32dcb1f8e1ae52d5963e56a6ba06ab58b424c15ed2a6b70d2feca1d089370028",
      },
    ],
  });
});

Deno.test("v0.3.1 key: a single-file model is one resource named '.', named by the subject", () => {
  const manifest = manifestOf("v0.3.1-elliptic-key");
  assert.equal(manifest.predicateType, OMS_PREDICATE_V1);
  assert.equal(manifest.modelName, "signme-1");
  assert.deepEqual(manifest.resources, [
    { name: ".", digest: "bc9a717db6064a32cbe9eae6fc40651dd6d36ef1757183f590eff2b1765d7ebc" },
  ]);
});

Deno.test("v1.1.0: ignore_paths come from the predicate; v1.0.x has none", () => {
  assert.deepEqual(manifestOf("v1.1.0-elliptic-key").ignorePaths, [
    ".git",
    "model.sig",
    "ignore-me",
    ".gitattributes",
    ".gitignore",
    ".github",
  ]);
  assert.deepEqual(manifestOf("v1.0.1-certificate").ignorePaths, []);
  assert.equal(manifestOf("v1.0.1-sigstore").modelName, "v1.0.1-sigstore");
});

Deno.test("shards: resources named path:start:end become offsets, with the shard size", () => {
  const statement = buildOmsStatement({
    modelName: "m",
    method: "shards",
    shardSize: 4,
    resources: [
      { name: "w.bin", start: 4, end: 6, digest: "22".repeat(32) },
      { name: "w.bin", start: 0, end: 4, digest: "11".repeat(32) },
    ],
  });
  assert.deepEqual(statement.predicate.resources.map((r) => r.name), ["w.bin:0:4", "w.bin:4:6"]);
  const result = parse(statement);
  assert.ok(result.ok);
  assert.equal(result.manifest.shardSize, 4);
  assert.deepEqual(result.manifest.resources, [
    { name: "w.bin", start: 0, end: 4, digest: "11".repeat(32) },
    { name: "w.bin", start: 4, end: 6, digest: "22".repeat(32) },
  ]);
});

function v1(resources: unknown[], overrides: Record<string, unknown> = {}) {
  const digests = resources as { digest: string }[];
  let subjectDigest = "00".repeat(32);
  try {
    subjectDigest = omsSubjectDigest(digests);
  } catch { /* invalid digests: the parser reports them first */ }
  return {
    _type: "https://in-toto.io/Statement/v1",
    subject: [{ name: "model", digest: { sha256: subjectDigest } }],
    predicateType: OMS_PREDICATE_V1,
    predicate: {
      serialization: { method: "files", hash_type: "sha256", allow_symlinks: false },
      resources,
    },
    ...overrides,
  };
}

const A = { name: "a", algorithm: "sha256", digest: "aa".repeat(32) };

Deno.test("paths are normalised like PurePosixPath; absolute, '..' and repeated names refused", () => {
  const ok = parse(v1([{ ...A, name: "./d//e/" }]));
  assert.ok(ok.ok);
  assert.equal(ok.manifest.resources[0].name, "d/e");
  const cases: [unknown[], RegExp][] = [
    [[{ ...A, name: "/etc/passwd" }], /absolute path/],
    [[{ ...A, name: "a/../../x" }], /outside the model/],
    [[A, { ...A, digest: "bb".repeat(32) }], /repeats "a"/],
    [[{ ...A, name: "" }], /has no name/],
    [[{ ...A, algorithm: "blake2" }], /digest algorithm "blake2"/],
    [[{ ...A, digest: "xyz" }], /hex sha256 digest/],
  ];
  for (const [resources, message] of cases) {
    const result = parse(v1(resources));
    assert.ok(!result.ok);
    assert.match(result.message, message);
  }
});

Deno.test("statements that are not OMS v1.0 or v0.2 come back with the reason", () => {
  const cases: [unknown, RegExp][] = [
    [{ ...v1([A]), _type: "https://in-toto.io/Statement/v0.1" }, /not an in-toto statement v1/],
    [
      { ...v1([A]), predicateType: "https://slsa.dev/provenance/v1" },
      /not an OpenSSF Model Signing/,
    ],
    [{ ...v1([A]), subject: [] }, /exactly one subject/],
    [
      { ...v1([A]), subject: [{ name: "model", digest: { sha256: "cd".repeat(32) } }] },
      /subject digest c+d+.* does not match the resources/,
    ],
    [
      v1([A], {
        predicate: { serialization: { method: "files", hash_type: "blake3" }, resources: [A] },
      }),
      /hash_type "blake3" is not supported/,
    ],
    [
      v1([A], { predicate: { serialization: { method: "tar", hash_type: "sha256" } } }),
      /method "tar"/,
    ],
    [
      v1([{ ...A, name: "a:1" }], {
        predicate: {
          serialization: { method: "shards", hash_type: "sha256", shard_size: 10 },
          resources: [{ ...A, name: "a:1" }],
        },
      }),
      /path:start:end/,
    ],
    [
      v1([A], {
        predicate: { serialization: { method: "shards", hash_type: "sha256" }, resources: [A] },
      }),
      /shard_size/,
    ],
    [[], /not an object/],
  ];
  for (const [statement, message] of cases) {
    const result = parse(statement);
    assert.ok(!result.ok, JSON.stringify(statement));
    assert.match(result.message, message);
  }
  const notJson = parseOmsStatement(new Uint8Array([0xff, 0xfe, 0x7b]));
  assert.deepEqual(notJson, { ok: false, message: "the signed payload is not UTF-8 JSON" });
});

Deno.test("the subject digest hashes resources in the listed order, as the reference verifier does", () => {
  const b = { ...A, name: "b", digest: "bb".repeat(32) };
  const listed = v1([b, A]);
  assert.ok(parse(listed).ok);
  const swapped = { ...listed, predicate: { ...listed.predicate, resources: [A, b] } };
  assert.ok(!parse(swapped).ok);
});

Deno.test("property: arbitrary bytes and JSON never throw", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      assert.equal(typeof parseOmsStatement(bytes).ok, "boolean");
    }),
  );
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      const result = parse(value);
      assert.equal(result.ok, false);
      assert.ok(!result.ok && result.message.length > 0);
    }),
  );
});

Deno.test("property: mutated conformance statements never throw and keep their invariants", () => {
  const base = JSON.parse(new TextDecoder().decode(payloadOf("v1.1.0-sigstore")));
  const paths = [
    ["subject"],
    ["subject", 0, "name"],
    ["subject", 0, "digest", "sha256"],
    ["predicate"],
    ["predicate", "serialization"],
    ["predicate", "serialization", "ignore_paths"],
    ["predicate", "serialization", "allow_symlinks"],
    ["predicate", "resources"],
    ["predicate", "resources", 0],
    ["predicate", "resources", 1, "name"],
    ["predicate", "resources", 1, "digest"],
  ];
  fc.assert(
    fc.property(fc.constantFrom(...paths), fc.jsonValue(), (path, value) => {
      const copy = structuredClone(base);
      let at = copy;
      for (const key of path.slice(0, -1)) at = at[key];
      at[path[path.length - 1]] = value;
      const result = parse(copy);
      if (result.ok) {
        // Accepted only when the resources still hash to the subject digest.
        assert.equal(omsSubjectDigest(result.manifest.resources), copy.subject[0].digest.sha256);
      } else assert.ok(result.message.length > 0);
    }),
  );
});

Deno.test("property: built statements parse back to the same sorted resources", () => {
  const resource = fc.record({
    name: fc.stringMatching(/^[a-z0-9_-]{1,8}(\/[a-z0-9_.-]{1,8}){0,2}$/)
      .filter((name) => !name.split("/").some((part) => part === "." || part === "..")),
    digest: fc.uint8Array({ minLength: 32, maxLength: 32 })
      .map((bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")),
  });
  fc.assert(
    fc.property(
      fc.uniqueArray(resource, { selector: (r) => r.name, maxLength: 10 }),
      (resources) => {
        const statement = buildOmsStatement({ modelName: "m", method: "files", resources });
        const result = parse(statement);
        assert.ok(result.ok);
        assert.deepEqual(
          new Set(result.manifest.resources.map((r) => `${r.name}=${r.digest}`)),
          new Set(resources.map((r) => `${r.name}=${r.digest}`)),
        );
      },
    ),
  );
});
