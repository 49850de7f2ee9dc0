import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { createHash, createPublicKey, generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import { buildOmsStatement, signOmsBundle } from "../../verify/_oms_sign.ts";
import { keyFingerprint, omsKeyHint } from "../../verify/_oms_keys.ts";
import { verifyOmsBundle } from "../../verify/_oms_verify.ts";

const conformance = new URL("../../../shared/conformance/oms/", import.meta.url);
const NOW = new Date("2026-01-01T00:00:00Z");

function sha256File(path: string): string {
  return createHash("sha256").update(Deno.readFileSync(new URL(path, conformance))).digest("hex");
}

function pemPair(
  pair: {
    publicKey: { export(o: object): string | Buffer };
    privateKey: { export(o: object): string | Buffer };
  },
) {
  return {
    publicPem: String(pair.publicKey.export({ type: "spki", format: "pem" })),
    privatePem: String(pair.privateKey.export({ type: "pkcs8", format: "pem" })),
  };
}

const KEYS = {
  "ECDSA P-256": () => generateKeyPairSync("ec", { namedCurve: "P-256" }),
  "ECDSA P-384": () => generateKeyPairSync("ec", { namedCurve: "P-384" }),
  "ECDSA P-521": () => generateKeyPairSync("ec", { namedCurve: "P-521" }),
  "Ed25519": () => generateKeyPairSync("ed25519"),
};

Deno.test("sign then verify round-trips with each supported key type", async () => {
  const statement = buildOmsStatement({
    modelName: "bert",
    method: "files",
    resources: [
      { name: "weights/model.safetensors", digest: "AB".repeat(32) },
      { name: "config.json", digest: "01".repeat(32) },
    ],
    ignorePaths: ["model.sig", ".git", "model.sig"],
    allowSymlinks: true,
  });
  for (const [name, generate] of Object.entries(KEYS)) {
    const { publicPem, privatePem } = pemPair(generate());
    const bundle = signOmsBundle({ statement, privateKeyPem: privatePem });
    const result = await verifyOmsBundle(bundle, { trust: { publicKeys: [publicPem] }, now: NOW });
    assert.ok(result.ok, `${name}: ${result.ok ? "" : result.message}`);
    assert.equal(result.method, "key");
    assert.equal(result.signer, `public key ${keyFingerprint(createPublicKey(publicPem))}`);
    assert.deepEqual(result.manifest, {
      predicateType: "https://model_signing/signature/v1.0",
      modelName: "bert",
      method: "files",
      hashType: "sha256",
      allowSymlinks: true,
      ignorePaths: ["model.sig", ".git"],
      resources: [
        { name: "config.json", digest: "01".repeat(32) },
        { name: "weights/model.safetensors", digest: "ab".repeat(32) },
      ],
    });
  }
});

Deno.test("the bundle has the layout model_signing v1.1 writes for key signing", () => {
  const { privatePem, publicPem } = pemPair(KEYS["ECDSA P-256"]());
  const statement = buildOmsStatement({ modelName: "m", method: "files", resources: [] });
  const bundle = signOmsBundle({ statement, privateKeyPem: privatePem });
  assert.equal(bundle.mediaType, "application/vnd.dev.sigstore.bundle.v0.3+json");
  assert.deepEqual(bundle.verificationMaterial, {
    publicKey: { hint: omsKeyHint(createPublicKey(publicPem)) },
    tlogEntries: [],
  });
  assert.equal(bundle.dsseEnvelope.payloadType, "application/vnd.in-toto+json");
  assert.equal(bundle.dsseEnvelope.signatures.length, 1);
  assert.equal(bundle.dsseEnvelope.signatures[0].keyid, "");
  assert.equal(
    Buffer.from(bundle.dsseEnvelope.payload, "base64").toString("utf8"),
    JSON.stringify(statement, null, 2),
  );
});

Deno.test("the key hint is model_signing's: sha256 of the SPKI PEM text (conformance v1.1.0)", () => {
  const keyFile = Deno.readTextFileSync(new URL("keys/signing-key-pub.pem", conformance));
  const block = keyFile.slice(keyFile.indexOf("-----BEGIN PUBLIC KEY-----"));
  const bundle = JSON.parse(
    Deno.readTextFileSync(new URL("v1.1.0-elliptic-key/model.sig", conformance)),
  );
  assert.equal(omsKeyHint(createPublicKey(block)), bundle.verificationMaterial.publicKey.hint);
  assert.equal(
    omsKeyHint(createPublicKey(block)),
    "e8450dec4eb99dae995da9af1bc2cc9f76ed669ee2e744f57abba763df3e3f8e",
  );
});

Deno.test("statements rebuilt from the conformance files carry model_signing's subject digest", () => {
  for (const folder of ["v1.0.1-elliptic-key", "v1.1.0-certificate", "v1.0.0-sigstore"]) {
    const bundle = JSON.parse(Deno.readTextFileSync(new URL(`${folder}/model.sig`, conformance)));
    const signed = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, "base64").toString());
    const rebuilt = buildOmsStatement({
      modelName: folder,
      method: "files",
      // Listed in reverse: the builder sorts as model_signing does.
      resources: ["signme-2", "signme-1"].map((name) => ({
        name,
        digest: sha256File(`${folder}/${name}`),
      })),
    });
    assert.deepEqual(rebuilt.subject, signed.subject, folder);
    assert.deepEqual(rebuilt.predicate.resources.map((r) => r.name), ["signme-1", "signme-2"]);
  }
});

Deno.test("resources sort like Python paths: by component, by code point, then shard offsets", () => {
  const digest = "00".repeat(32);
  const names = (statement: ReturnType<typeof buildOmsStatement>) =>
    statement.predicate.resources.map((r) => r.name);
  const files = buildOmsStatement({
    modelName: "m",
    method: "files",
    resources: ["a-c", "a/b", "\u{10000}", "\uffff", "B", "a"].map((name) => ({ name, digest })),
  });
  assert.deepEqual(names(files), ["B", "a", "a/b", "a-c", "\uffff", "\u{10000}"]);
  const shards = buildOmsStatement({
    modelName: "m",
    method: "shards",
    shardSize: 10,
    resources: [
      { name: "w", start: 10, end: 15, digest },
      { name: "w", start: 0, end: 10, digest },
      { name: "v", start: 0, end: 3, digest },
    ],
  });
  assert.deepEqual(names(shards), ["v:0:3", "w:0:10", "w:10:15"]);
  assert.equal(shards.predicate.serialization.shard_size, 10);
});

Deno.test("signing refuses unsupported or unreadable keys and bad resources, saying why", () => {
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const statement = buildOmsStatement({ modelName: "m", method: "files", resources: [] });
  assert.throws(
    () => signOmsBundle({ statement, privateKeyPem: pemPair(rsa).privatePem }),
    /signing key type rsa is not supported \(ECDSA P-256, P-384, P-521 or Ed25519\)/,
  );
  assert.throws(
    () => signOmsBundle({ statement, privateKeyPem: "not a key" }),
    /not a PEM private key/,
  );
  assert.throws(
    () =>
      buildOmsStatement({
        modelName: "m",
        method: "files",
        resources: [{ name: "a", digest: "x" }],
      }),
    /resource a has no 64-digit hex sha256 digest/,
  );
  assert.throws(
    () => buildOmsStatement({ modelName: "m", method: "shards", resources: [] }),
    /needs a positive shardSize/,
  );
});

Deno.test("an OpenSSL SEC1 EC key signs too", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "tollgate-oms-sign-" });
  try {
    const out = await new Deno.Command("openssl", {
      args: ["ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", "key.pem"],
      cwd: dir,
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const privatePem = Deno.readTextFileSync(`${dir}/key.pem`);
    assert.match(privatePem, /BEGIN EC PRIVATE KEY/);
    const publicPem = String(createPublicKey(privatePem).export({ type: "spki", format: "pem" }));
    const bundle = signOmsBundle({
      statement: buildOmsStatement({ modelName: "m", method: "files", resources: [] }),
      privateKeyPem: privatePem,
    });
    const result = await verifyOmsBundle(bundle, { trust: { publicKeys: [publicPem] }, now: NOW });
    assert.ok(result.ok);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("property: any signed set of resources verifies back to the same manifest", async () => {
  const { publicPem, privatePem } = pemPair(KEYS["ECDSA P-256"]());
  const resource = fc.record({
    name: fc.stringMatching(/^[A-Za-z0-9_-]{1,6}(\/[A-Za-z0-9_.-]{1,6}){0,2}$/)
      .filter((name) => !name.split("/").some((part) => part === "." || part === "..")),
    digest: fc.uint8Array({ minLength: 32, maxLength: 32 })
      .map((bytes) => Buffer.from(bytes).toString("hex")),
  });
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(resource, { selector: (r) => r.name, maxLength: 8 }),
      fc.boolean(),
      async (resources, allowSymlinks) => {
        const statement = buildOmsStatement({
          modelName: "m",
          method: "files",
          resources,
          allowSymlinks,
        });
        const bundle = signOmsBundle({ statement, privateKeyPem: privatePem });
        const result = await verifyOmsBundle(bundle, {
          trust: { publicKeys: [publicPem] },
          now: NOW,
        });
        assert.ok(result.ok);
        assert.equal(result.manifest.allowSymlinks, allowSymlinks);
        assert.deepEqual(
          result.manifest.resources.map((r) => r.name),
          statement.predicate.resources.map((r) => r.name),
        );
      },
    ),
    { numRuns: 50 },
  );
});
