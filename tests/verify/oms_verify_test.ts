import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import { buildOmsStatement, signOmsBundle } from "../../verify/_oms_sign.ts";
import { checkOmsTrust, type OmsEnvelopeResult, type OmsTrust } from "../../verify/_oms_verify.ts";
import {
  assertVerdict,
  bundleOf,
  CA,
  Doc,
  FULL_TRUST,
  IBM,
  KEY,
  trustedRoot,
  verify,
} from "./_oms_verify.ts";

const VERSIONS = ["v0.3.1", "v1.0.0", "v1.0.1", "v1.1.0"];

const KEY_FINGERPRINT = "sha256:c1e49d63327f85c7e2971aefd30b5a0d1c6b9b5e1a892e7f5fba995adace816d";

const LEAF = 'certificate "CN=intermediate-ca" issued by "CN=intermediate-ca" ' +
  "(sha256:da3662b630eb0f585c33f114a076b8da2ceda0f275cb578e6d1d9cab84c04d3b)";

function pem(key: { export(o: object): string | Buffer }, type: "spki" | "pkcs8"): string {
  return String(key.export({ type, format: "pem" }));
}

/** Flip one bit of a base64 field's decoded bytes, in the middle. */
function flipped(base64: string): string {
  const bytes = Buffer.from(base64, "base64");
  bytes[Math.floor(bytes.length / 2)] ^= 0x01;
  return bytes.toString("base64");
}

function withPayloadFlipped(bundle: Doc) {
  const copy = structuredClone(bundle);
  copy.dsseEnvelope.payload = flipped(copy.dsseEnvelope.payload);
  return copy;
}

function withSignatureFlipped(bundle: Doc) {
  const copy = structuredClone(bundle);
  copy.dsseEnvelope.signatures[0].sig = flipped(copy.dsseEnvelope.signatures[0].sig);
  return copy;
}

Deno.test("every conformance bundle verifies with the trust its README names", async () => {
  for (const version of ["v0.2.0", ...VERSIONS]) {
    const cert = await verify(bundleOf(`${version}-certificate`), { certificateAuthorities: [CA] });
    assert.ok(cert.ok, `${version}-certificate: ${cert.ok || cert.message}`);
    assert.equal(cert.method, "certificate");
    assert.equal(cert.signer, `${LEAF}, chaining to trusted "CN=root-ca"`);
    if (version === "v0.2.0") continue;
    const key = await verify(bundleOf(`${version}-elliptic-key`), { publicKeys: [KEY] });
    assert.ok(key.ok, `${version}-elliptic-key: ${key.ok || key.message}`);
    assert.equal(key.method, "key");
    assert.equal(key.signer, `public key ${KEY_FINGERPRINT}`);
    const keyless = await verify(bundleOf(`${version}-sigstore`), {
      identities: [IBM],
      trustedRoot,
    });
    assert.ok(keyless.ok, `${version}-sigstore: ${keyless.ok || keyless.message}`);
    assert.equal(keyless.method, "sigstore");
    assert.equal(keyless.signer, `${IBM.identity} (issuer ${IBM.issuer})`);
    assert.equal(keyless.manifest.modelName, `${version}-sigstore`);
  }
});

Deno.test("another key: untrusted-signer, whether the bundle embeds its key or names it by hint", async () => {
  const other = generateKeyPairSync("ec", { namedCurve: "P-384" });
  const otherTrust = { publicKeys: [pem(other.publicKey, "spki")] };
  await assertVerdict(
    bundleOf("v1.1.0-elliptic-key"),
    otherTrust,
    "untrusted-signer",
    /hint e8450dec.* matches none of the 1 trusted keys/,
  );
  await assertVerdict(
    bundleOf("v1.0.0-elliptic-key"),
    otherTrust,
    "untrusted-signer",
    new RegExp(`ECDSA secp384r1 public key ${KEY_FINGERPRINT}, which is not one of the 1 trusted`),
  );
  const signedByOther = signOmsBundle({
    statement: buildOmsStatement({ modelName: "m", method: "files", resources: [] }),
    privateKeyPem: pem(other.privateKey, "pkcs8"),
  });
  await assertVerdict(signedByOther, { publicKeys: [KEY] }, "untrusted-signer", /matches none/);
});

Deno.test("no trust of the bundle's kind: untrusted-signer saying what to pass", async () => {
  const onlyIdentities = { identities: [IBM], trustedRoot };
  await assertVerdict(
    bundleOf("v1.1.0-elliptic-key"),
    onlyIdentities,
    "untrusted-signer",
    /give the trusted public key \(--key \/ publicKeys\)/,
  );
  await assertVerdict(
    bundleOf("v1.0.0-elliptic-key"),
    onlyIdentities,
    "untrusted-signer",
    /signed with the ECDSA secp384r1 public key sha256:c1e49d63.*: give the trusted public key/,
  );
  await assertVerdict(
    bundleOf("v1.0.0-certificate"),
    { publicKeys: [KEY] },
    "untrusted-signer",
    /give a trusted CA \(--cert-chain \/ certificateAuthorities\)/,
  );
  await assertVerdict(
    bundleOf("v1.0.0-sigstore"),
    { trustedRoot },
    "untrusted-signer",
    /by stefanb@us\.ibm\.com \(issuer https:\/\/sigstore\.verify\.ibm\.com\/oauth2\): give the expected identity and issuer/,
  );
});

Deno.test("a flipped payload or signature byte is a bad signature, for every method", async () => {
  const cases: [string, OmsTrust][] = [
    ["v1.1.0-elliptic-key", { publicKeys: [KEY] }],
    ["v1.0.0-elliptic-key", { publicKeys: [KEY] }],
    ["v1.0.0-elliptic-key", {}],
    ["v0.2.0-certificate", { certificateAuthorities: [CA] }],
    ["v1.1.0-certificate", {}],
    ["v1.0.1-sigstore", FULL_TRUST],
    ["v1.1.0-sigstore", {}],
  ];
  for (const [folder, trust] of cases) {
    for (const tamper of [withPayloadFlipped, withSignatureFlipped]) {
      await assertVerdict(tamper(bundleOf(folder)), trust, "bad-signature", /does not verify/);
    }
  }
});

Deno.test("unreadable trust material is incomplete, and checkOmsTrust lists it", async () => {
  await assertVerdict(
    bundleOf("v1.1.0-elliptic-key"),
    { publicKeys: ["-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"] },
    "incomplete",
    /public key 1 is not a valid SubjectPublicKeyInfo PEM/,
  );
  await assertVerdict(
    bundleOf("v1.1.0-certificate"),
    { certificateAuthorities: ["nothing here"] },
    "incomplete",
    /CA text 1 holds no PEM "CERTIFICATE" block/,
  );
  assert.deepEqual(checkOmsTrust(FULL_TRUST), []);
  assert.deepEqual(
    checkOmsTrust({ publicKeys: ["x"], identities: [{ identity: "a", issuer: "" }] }),
    [
      'public key 1 holds no PEM "PUBLIC KEY" block',
      "identity 1 needs both an identity (SAN) and an OIDC issuer",
    ],
  );
});

function malformedCases(): [unknown, RegExp][] {
  const good = bundleOf("v1.1.0-elliptic-key");
  const edit = (change: (b: Doc) => void) => {
    const copy = structuredClone(good);
    change(copy);
    return copy;
  };
  return [
    [null, /not a JSON object/],
    [[good], /not a JSON object/],
    ["model.sig", /not a JSON object/],
    [edit((b) => b.mediaType = "application/json"), /not a Sigstore bundle v0\.1-v0\.3/],
    [edit((b) => b.messageSignature = {}), /signs a message digest/],
    [edit((b) => delete b.dsseEnvelope), /no DSSE envelope/],
    [edit((b) => b.dsseEnvelope.payloadType = "text/plain"), /payloadType is "text\/plain"/],
    [edit((b) => b.dsseEnvelope.payload = "not base64!"), /DSSE payload is not base64/],
    [edit((b) => b.dsseEnvelope.signatures = []), /no signatures/],
    [
      edit((b) => b.dsseEnvelope.signatures = Array(17).fill(b.dsseEnvelope.signatures[0])),
      /more than 16 signatures/,
    ],
    [edit((b) => b.dsseEnvelope.signatures[0].sig = ""), /DSSE signature 1 is empty/],
    [edit((b) => delete b.verificationMaterial), /no verificationMaterial/],
    [
      edit((b) => b.verificationMaterial.certificate = { rawBytes: "AAAA" }),
      /exactly one of publicKey, x509CertificateChain, certificate/,
    ],
    [
      edit((b) =>
        b.verificationMaterial = { x509CertificateChain: { certificates: [{ rawBytes: "AAAA" }] } }
      ),
      /certificate 1 of the bundle's chain cannot be parsed/,
    ],
    [
      edit((b) =>
        b.verificationMaterial = {
          x509CertificateChain: { certificates: Array(17).fill({ rawBytes: "AAAA" }) },
        }
      ),
      /more than 16 certificates/,
    ],
    [
      edit((b) => b.verificationMaterial = { publicKey: { rawBytes: "AAAA" } }),
      /embedded public key cannot be read/,
    ],
  ];
}

Deno.test("malformed bundles: each with its reason", async () => {
  // Without a trusted key, so the embedded key is what the bundle is judged by.
  for (const [bundle, message] of malformedCases()) {
    await assertVerdict(bundle, { identities: [IBM], trustedRoot }, "malformed", message);
  }
});

Deno.test("a validly signed payload that is not an OMS statement is malformed", async () => {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const trust = { publicKeys: [pem(publicKey, "spki")] };
  const sign = (statement: Record<string, unknown>) =>
    signOmsBundle({ statement, privateKeyPem: pem(privateKey, "pkcs8") });
  await assertVerdict(
    sign({
      _type: "https://in-toto.io/Statement/v1",
      predicateType: "https://slsa.dev/provenance/v1",
    }),
    trust,
    "malformed",
    /predicate type "https:\/\/slsa\.dev\/provenance\/v1" is not an OpenSSF Model Signing predicate/,
  );
  const statement = buildOmsStatement({
    modelName: "m",
    method: "files",
    resources: [{ name: "a", digest: "aa".repeat(32) }],
  });
  statement.subject[0].digest.sha256 = "bb".repeat(32);
  await assertVerdict(
    sign({ ...statement }),
    trust,
    "malformed",
    /subject digest b+ does not match/,
  );
});

const VERDICTS = ["malformed", "bad-signature", "untrusted-signer", "incomplete"];

function assertWellFormed(result: OmsEnvelopeResult) {
  if (result.ok) {
    assert.ok(result.signer.length > 0);
    assert.ok(Array.isArray(result.manifest.resources));
  } else {
    assert.ok(VERDICTS.includes(result.verdict));
    assert.ok(result.message.length > 0 && !result.message.includes("\n"));
  }
}

Deno.test("property: arbitrary JSON never throws and is never accepted", async () => {
  await fc.assert(
    fc.asyncProperty(fc.jsonValue(), async (value) => {
      const result = await verify(value, FULL_TRUST);
      assertWellFormed(result);
      assert.ok(!result.ok);
    }),
    { numRuns: 200 },
  );
});

Deno.test("property: mutated bundles never throw, and an accepted one carries the signed manifest", async () => {
  const paths: (string | number)[][] = [
    ["mediaType"],
    ["dsseEnvelope"],
    ["dsseEnvelope", "payload"],
    ["dsseEnvelope", "payloadType"],
    ["dsseEnvelope", "signatures"],
    ["dsseEnvelope", "signatures", 0],
    ["dsseEnvelope", "signatures", 0, "sig"],
    ["dsseEnvelope", "signatures", 0, "keyid"],
    ["verificationMaterial"],
    ["verificationMaterial", "publicKey"],
    ["verificationMaterial", "tlogEntries"],
    ["verificationMaterial", "x509CertificateChain"],
    ["verificationMaterial", "certificate"],
    ["verificationMaterial", "timestampVerificationData"],
  ];
  for (
    const folder of [
      "v1.1.0-elliptic-key",
      "v1.0.0-elliptic-key",
      "v1.0.1-certificate",
      "v1.0.1-sigstore",
    ]
  ) {
    const original = bundleOf(folder);
    const expected = await verify(original, FULL_TRUST);
    assert.ok(expected.ok);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), fc.jsonValue(), async (path, value) => {
        const copy = structuredClone(original);
        let at = copy;
        for (const key of path.slice(0, -1)) {
          if (typeof at[key] !== "object" || at[key] === null) return;
          at = at[key];
        }
        at[path[path.length - 1]] = value;
        const result = await verify(copy, FULL_TRUST);
        assertWellFormed(result);
        if (result.ok) assert.deepEqual(result.manifest, expected.manifest);
      }),
      { numRuns: 40 },
    );
  }
});

Deno.test("property: any flipped payload bit is never accepted", async () => {
  const original = bundleOf("v1.1.0-elliptic-key");
  const length = Buffer.from(original.dsseEnvelope.payload, "base64").length;
  await fc.assert(
    fc.asyncProperty(fc.nat(length - 1), fc.integer({ min: 0, max: 7 }), async (index, bit) => {
      const copy = structuredClone(original);
      const bytes = Buffer.from(copy.dsseEnvelope.payload, "base64");
      bytes[index] ^= 1 << bit;
      copy.dsseEnvelope.payload = bytes.toString("base64");
      const result = await verify(copy, { publicKeys: [KEY] });
      assert.ok(!result.ok && result.verdict === "bad-signature");
    }),
    { numRuns: 50 },
  );
});
