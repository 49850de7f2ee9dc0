import assert from "node:assert/strict";
import fc from "fast-check";
import { collect } from "../../../collect/mod.ts";
import { collectSignatures } from "../../../collect/signatures/signatures.ts";
import {
  decodeDssePayload,
  jsonShapeProblem,
  peekSignatureLayout,
} from "../../../collect/signatures/_payload.ts";
import { base64, byPath, tempProject, write } from "./_signatures.ts";

Deno.test("hostile bundles: deep nesting and huge value counts are refused before parsing", async () => {
  const root = await tempProject();
  try {
    // 400 KB of 200,000 nested arrays: parsed, it would overflow any recursive walk later on.
    await write(root, "deep/model.sig", "[".repeat(200_000) + "]".repeat(200_000));
    await write(root, "deep/w.bin", "w");
    // 64 levels is the limit, not an error; brackets inside strings do not count.
    await write(
      root,
      "ok64/model.sig",
      "[".repeat(63) + `{"a":"${"[".repeat(500)}"}` + "]".repeat(63),
    );
    await write(root, "ok65/model.sig", "[".repeat(65) + "]".repeat(65));
    await write(root, "escaped/model.sig", JSON.stringify({ s: '\\"[[[', mediaType: "m" }));
    // 200,001 empty objects: 600 KB on disk, far more as parsed objects.
    await write(root, "wide/model.sig", "[" + "{},".repeat(200_000) + "{}]");
    const snapshot = await collect({ root, env: {} });
    for (
      const [file, reason] of [
        ["deep/model.sig", /nested deeper than 64 levels/],
        ["ok65/model.sig", /nested deeper than 64 levels/],
        ["wide/model.sig", /more than 100000 JSON values/],
      ] as const
    ) {
      const signature = byPath(snapshot.signatures, file);
      assert.equal(signature.bundle, undefined, file);
      assert.equal(signature.format, "unknown");
      assert.match(signature.issues[0], /^signature not parsed: /);
      assert.match(signature.issues[0], reason);
      assert.ok(snapshot.problems.some((p) => p.file === file && reason.test(p.message)));
      assert.ok(snapshot.inputs.some((i) => i.file === file && i.format === "unreadable"));
    }
    // Still a directory model with its files, as for any unreadable bundle.
    assert.deepEqual(byPath(snapshot.signatures, "deep/model.sig").files.map((f) => f.path), [
      "model.sig",
      "w.bin",
    ]);
    const ok64 = byPath(snapshot.signatures, "ok64/model.sig");
    assert.ok(Array.isArray(ok64.bundle));
    assert.deepEqual(ok64.issues, []);
    assert.equal(byPath(snapshot.signatures, "escaped/model.sig").format, "m");
    // The whole snapshot stays serialisable: nothing deep was kept.
    assert.ok(JSON.stringify(snapshot).length > 0);

    const low = await collectSignatures({
      root,
      files: ["ok64/model.sig"],
      limits: { maxBundleDepth: 10, maxBundleValues: 1_000 },
    });
    assert.match(low.signatures[0].issues[0], /nested deeper than 10 levels/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("an unreadable or invalid bundle: no bundle, format unknown, an issue and a problem", async () => {
  const root = await tempProject();
  try {
    await write(root, "bad/model.sig", "{ not json");
    await write(root, "bad/w.bin", "w");
    await write(root, "plain/model.sig", JSON.stringify({ hello: "world" }));
    await write(root, "big/model.sig", " ".repeat(64) + "{}");
    const snapshot = await collect({ root, env: {} });
    const bad = byPath(snapshot.signatures, "bad/model.sig");
    assert.equal(bad.bundle, undefined);
    assert.equal(bad.format, "unknown");
    assert.match(bad.issues[0], /not JSON/);
    assert.ok(
      snapshot.problems.some((p) => p.file === "bad/model.sig" && /not JSON/.test(p.message)),
    );
    assert.ok(snapshot.inputs.some((i) => i.file === "bad/model.sig" && i.format === "unreadable"));
    // Still a directory model with its files: the check reports it malformed, not unsigned.
    assert.deepEqual(bad.files.map((f) => f.path), ["model.sig", "w.bin"]);
    // JSON that is no bundle is kept as parsed, format unknown.
    const plain = byPath(snapshot.signatures, "plain/model.sig");
    assert.deepEqual(plain.bundle, { hello: "world" });
    assert.equal(plain.format, "unknown");
    // A bundle over the size limit is not read.
    const limited = await collectSignatures({
      root,
      files: ["big/model.sig"],
      limits: { maxBundleBytes: 32 },
    });
    assert.equal(limited.signatures[0].bundle, undefined);
    assert.match(limited.signatures[0].issues[0], /over the 32-byte limit/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("property: the payload peek never throws, whatever the bundle or the statement", () => {
  fc.assert(
    fc.property(fc.jsonValue(), (bundle) => {
      const layout = peekSignatureLayout(bundle);
      assert.equal(typeof layout, "object");
    }),
    { numRuns: 500 },
  );
  const statement = fc.record({
    subject: fc.oneof(fc.jsonValue(), fc.array(fc.record({ name: fc.jsonValue() }))),
    predicateType: fc.constantFrom(
      "https://model_signing/signature/v1.0",
      "https://model_signing/DigestOfShardDigests/v0.1",
      "https://model_signing/ShardDigests/v0.1",
      "other",
    ),
    predicate: fc.oneof(
      fc.jsonValue(),
      fc.record({
        serialization: fc.record({
          method: fc.constantFrom("shards", "files"),
          shard_size: fc.jsonValue(),
        }),
        resources: fc.array(fc.record({ name: fc.oneof(fc.constant("."), fc.string()) })),
        shards: fc.array(
          fc.record({ algorithm: fc.oneof(fc.constant("file-sha256-8"), fc.string()) }),
        ),
      }, { requiredKeys: [] }),
    ),
  }, { requiredKeys: [] });
  fc.assert(
    fc.property(statement, fc.string(), (s, junk) => {
      const bundle = { dsseEnvelope: { payload: base64(JSON.stringify(s)) } };
      assert.deepEqual(decodeDssePayload(bundle), JSON.parse(JSON.stringify(s)));
      const layout = peekSignatureLayout(bundle);
      if (layout.shardSize !== undefined) {
        assert.ok(Number.isSafeInteger(layout.shardSize) && layout.shardSize > 0);
      }
      if (layout.singleFile !== undefined) assert.ok(!layout.singleFile.includes("/"));
      peekSignatureLayout({ dsseEnvelope: { payload: junk } });
    }),
    { numRuns: 500 },
  );
});

Deno.test("property: the JSON shape scan measures the nesting of any JSON text", () => {
  const depthOf = (value: unknown): number =>
    typeof value === "object" && value !== null
      ? 1 + Math.max(0, ...Object.values(value).map(depthOf))
      : 0;
  const valuesOf = (value: unknown): number => {
    if (typeof value !== "object" || value === null) return 0;
    const children = Object.values(value);
    return 1 + Math.max(0, children.length - 1) +
      children.reduce((sum: number, child) => sum + valuesOf(child), 0);
  };
  fc.assert(
    fc.property(
      fc.jsonValue({ maxDepth: 8 }),
      fc.integer({ min: 0, max: 10 }),
      fc.boolean(),
      (value, maxDepth, pretty) => {
        const text = JSON.stringify(value, null, pretty ? 2 : undefined);
        const problem = jsonShapeProblem(text, { maxDepth, maxValues: 1_000_000 });
        assert.equal(problem === undefined, depthOf(value) <= maxDepth, text);
        // Values: each array or object, and each item after its first.
        const values = valuesOf(value);
        assert.equal(jsonShapeProblem(text, { maxDepth: 100, maxValues: values }), undefined);
        if (values > 0) {
          assert.equal(
            jsonShapeProblem(text, { maxDepth: 100, maxValues: values - 1 }),
            `more than ${values - 1} JSON values`,
          );
        }
      },
    ),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(fc.string({ unit: "binary" }), (junk) => {
      const problem = jsonShapeProblem(junk, { maxDepth: 3, maxValues: 5 });
      assert.ok(problem === undefined || /deeper than 3|more than 5/.test(problem));
    }),
    { numRuns: 500 },
  );
});
