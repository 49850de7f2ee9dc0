import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import { type OmsEnvelopeResult, verifyOmsBundle } from "../../verify/_oms_verify.ts";
import {
  readCertificateDer,
  readPemCertificates,
  verifyCertificatePath,
} from "../../verify/_oms_x509.ts";
import { der } from "../_der_testing.ts";
import {
  CA_EXTENSIONS,
  chainBundle,
  type MintedCertificate,
  OpensslPki,
} from "../_x509_testing.ts";

// Freshly minted certificates are valid from the real current time: judge them a day later.
const TOMORROW = new Date(Date.now() + 86_400_000);
const SIGNER = ["basicConstraints=CA:FALSE", "keyUsage=critical,digitalSignature"];
const CODE_SIGNER = [...SIGNER, "extendedKeyUsage=codeSigning"];
const CA_PATHLEN_0 = [
  "basicConstraints=critical,CA:TRUE,pathlen:0",
  "keyUsage=critical,keyCertSign",
];
const CA_PATHLEN_1 = [
  "basicConstraints=critical,CA:TRUE,pathlen:1",
  "keyUsage=critical,keyCertSign",
];

function verifyChain(
  leaf: MintedCertificate,
  rest: readonly MintedCertificate[],
  roots: readonly string[],
): Promise<OmsEnvelopeResult> {
  return verifyOmsBundle(chainBundle(leaf.key, [leaf.pem, ...rest.map((c) => c.pem)]), {
    trust: { certificateAuthorities: [roots.join("")] },
    now: TOMORROW,
  });
}

async function assertAccepted(result: Promise<OmsEnvelopeResult>, what: string) {
  const outcome = await result;
  assert.ok(outcome.ok, `${what}: ${outcome.ok || outcome.message}`);
}

async function assertRefused(result: Promise<OmsEnvelopeResult>, message: RegExp) {
  const outcome = await result;
  assert.ok(!outcome.ok, `expected a refusal matching ${message}`);
  assert.equal(outcome.verdict, "untrusted-signer");
  assert.match(outcome.message, message);
}

/** Run `body` with a fresh PKI folder, removed afterwards. */
async function withPki(body: (pki: OpensslPki) => Promise<void>) {
  const pki = new OpensslPki();
  try {
    await body(pki);
  } finally {
    pki.dispose();
  }
}

Deno.test("path length: a rogue sub-CA under a pathlen:0 intermediate is refused, as openssl refuses it", async () => {
  await withPki(async (pki) => {
    const root = await pki.root("root", CA_EXTENSIONS);
    const issue = (name: string, issuer: string, extensions: readonly string[]) =>
      pki.issue({ name, issuer, extensions });
    const limited = await issue("limited", "root", CA_PATHLEN_0);
    const rogue = await issue("rogue", "limited", CA_EXTENSIONS);
    // The reported attack: a leaf for TLS servers only, under the rogue sub-CA.
    const server = await issue("server", "rogue", [...SIGNER, "extendedKeyUsage=serverAuth"]);
    await assertRefused(verifyChain(server, [rogue, limited], [root]), /may not sign code/);
    const signer = await issue("signer", "rogue", CODE_SIGNER);
    await assertRefused(
      verifyChain(signer, [rogue, limited], [root]),
      /"CN=limited" allows 0 CA certificate\(s\) below it \(pathLenConstraint\), but the path has 1: path length constraint exceeded/,
    );
    const openssl = await pki.opensslVerifies({
      root: "root",
      intermediates: ["limited", "rogue"],
      leaf: "signer",
    });
    assert.ok(!openssl.ok);
    assert.match(openssl.output, /path length constraint exceeded/);

    // pathlen:0 still allows a leaf right below it; pathlen:1 allows one sub-CA.
    const direct = await issue("direct", "limited", CODE_SIGNER);
    await assertAccepted(verifyChain(direct, [limited], [root]), "leaf under pathlen:0");
    assert.ok(
      (await pki.opensslVerifies({ root: "root", intermediates: ["limited"], leaf: "direct" })).ok,
    );
    const roomy = await issue("roomy", "root", CA_PATHLEN_1);
    const sub = await issue("sub", "roomy", CA_EXTENSIONS);
    const deep = await issue("deep", "sub", CODE_SIGNER);
    await assertAccepted(verifyChain(deep, [sub, roomy], [root]), "one sub-CA under pathlen:1");
    const deeper = await issue("deeper-ca", "sub", CA_EXTENSIONS);
    const tooDeep = await issue("too-deep", "deeper-ca", CODE_SIGNER);
    await assertRefused(
      verifyChain(tooDeep, [deeper, sub, roomy], [root]),
      /"CN=roomy" allows 1 CA certificate\(s\) below it .* has 2/,
    );
  });
});

Deno.test("path length: a trust anchor's constraint counts, a self-issued rollover certificate does not", async () => {
  await withPki(async (pki) => {
    const root = await pki.root("tight-root", CA_PATHLEN_0);
    const middle = await pki.issue({
      name: "middle",
      issuer: "tight-root",
      extensions: CA_EXTENSIONS,
    });
    const leaf = await pki.issue({ name: "leaf", issuer: "middle", extensions: CODE_SIGNER });
    await assertRefused(
      verifyChain(leaf, [middle], [root]),
      /"CN=tight-root" allows 0 CA certificate\(s\) below it/,
    );
    assert.ok(
      !(await pki.opensslVerifies({ root: "tight-root", intermediates: ["middle"], leaf: "leaf" }))
        .ok,
    );
    // A new key for the same CA name (self-issued: subject = issuer) is not a CA step of its own.
    const rollover = await pki.issue({
      name: "rollover",
      issuer: "tight-root",
      subject: "tight-root",
      extensions: CA_EXTENSIONS,
    });
    const underRollover = await pki.issue({
      name: "under-rollover",
      issuer: "rollover",
      extensions: CODE_SIGNER,
    });
    await assertAccepted(verifyChain(underRollover, [rollover], [root]), "self-issued rollover");
    assert.ok(
      (await pki.opensslVerifies({
        root: "tight-root",
        intermediates: ["rollover"],
        leaf: "under-rollover",
      })).ok,
    );
  });
});

Deno.test("extended key usage: the signing certificate needs codeSigning or anyExtendedKeyUsage", async () => {
  await withPki(async (pki) => {
    const root = await pki.root("eku-root", CA_EXTENSIONS);
    const cases: Array<[string, boolean]> = [
      ["codeSigning", true],
      ["anyExtendedKeyUsage", true],
      ["serverAuth,codeSigning", true],
      ["serverAuth", false],
      ["clientAuth,emailProtection", false],
    ];
    for (const [usage, accepted] of cases) {
      const name = `eku-${usage.replace(/,/g, "-")}`;
      const leaf = await pki.issue({
        name,
        issuer: "eku-root",
        extensions: [...SIGNER, `extendedKeyUsage=${usage}`],
      });
      if (accepted) await assertAccepted(verifyChain(leaf, [], [root]), usage);
      else {
        await assertRefused(
          verifyChain(leaf, [], [root]),
          new RegExp(
            `the signing certificate "CN=${name}" .* may not sign code \\(extended key usage ` +
              `${usage.replace(",", ", ")} has neither codeSigning nor anyExtendedKeyUsage\\)`,
          ),
        );
      }
    }
  });
  // The conformance leaf (Extended Key Usage: Code Signing) reads as code signing.
  const conformance = Deno.readTextFileSync(
    new URL("../../../shared/conformance/oms/keys/signing-key-cert.pem", import.meta.url),
  );
  const [leaf] = readPemCertificates([conformance]).certificates;
  assert.deepEqual(leaf.profile, {
    ca: true,
    keyUsage: { digitalSignature: true, keyCertSign: false },
    extendedKeyUsage: ["1.3.6.1.5.5.7.3.3"],
  });
});

Deno.test("critical extensions we do not process, and name constraints, refuse the certificate", async () => {
  await withPki(async (pki) => {
    const root = await pki.root("ext-root", CA_EXTENSIONS);
    const issue = (name: string, issuer: string, extensions: readonly string[]) =>
      pki.issue({ name, issuer, extensions });
    const unknownCritical = "1.3.6.1.4.1.99999.1=critical,ASN1:UTF8String:must-understand";
    const unknownPlain = "1.3.6.1.4.1.99999.1=ASN1:UTF8String:may-ignore";

    const criticalLeaf = await issue("critical-leaf", "ext-root", [
      ...CODE_SIGNER,
      unknownCritical,
    ]);
    await assertRefused(
      verifyChain(criticalLeaf, [], [root]),
      /the signing certificate "CN=critical-leaf" .* has a critical extension 1\.3\.6\.1\.4\.1\.99999\.1 that Tollgate does not process/,
    );
    const plainLeaf = await issue("plain-leaf", "ext-root", [...CODE_SIGNER, unknownPlain]);
    await assertAccepted(verifyChain(plainLeaf, [], [root]), "non-critical unknown extension");

    const criticalCa = await issue("critical-ca", "ext-root", [...CA_EXTENSIONS, unknownCritical]);
    const underCriticalCa = await issue("under-critical-ca", "critical-ca", CODE_SIGNER);
    await assertRefused(
      verifyChain(underCriticalCa, [criticalCa], [root]),
      /\("CN=critical-ca" has a critical extension 1\.3\.6\.1\.4\.1\.99999\.1 that Tollgate does not process\)/,
    );
    const policyCa = await issue("policy-ca", "ext-root", [
      ...CA_EXTENSIONS,
      "certificatePolicies=critical,1.2.3.4",
    ]);
    const underPolicyCa = await issue("under-policy-ca", "policy-ca", CODE_SIGNER);
    await assertRefused(
      verifyChain(underPolicyCa, [policyCa], [root]),
      /"CN=policy-ca" has a critical extension 2\.5\.29\.32/,
    );

    const constrained = await issue("constrained-ca", "ext-root", [
      ...CA_EXTENSIONS,
      "nameConstraints=critical,permitted;DNS:example.com",
    ]);
    const underConstrained = await issue("under-constrained", "constrained-ca", CODE_SIGNER);
    await assertRefused(
      verifyChain(underConstrained, [constrained], [root]),
      /"CN=constrained-ca" carries name constraints \(2\.5\.29\.30\), which Tollgate does not enforce/,
    );

    // The trust anchor itself is held to the same rule.
    const strangeRoot = await pki.root("strange-root", [...CA_EXTENSIONS, unknownCritical]);
    const underStrangeRoot = await issue("under-strange-root", "strange-root", CODE_SIGNER);
    await assertRefused(
      verifyChain(underStrangeRoot, [], [strangeRoot]),
      /"CN=strange-root" has a critical extension/,
    );
  });
});

// Certificates built byte by byte, for extension encodings openssl will not write.

const { certificate, tbsCertificate, extension, name, seq, bool, integer, oid, bits, tlv } = der;
const testKey = generateKeyPairSync("ec", { namedCurve: "P-256" });
const testSpki = new Uint8Array(testKey.publicKey.export({ type: "spki", format: "der" }));

function certificateWith(extensions: readonly Uint8Array[]): Uint8Array {
  const tbs = tbsCertificate({
    serial: 7n,
    issuer: name("tollgate.test", "built"),
    subject: name("tollgate.test", "built"),
    notBefore: new Date("2025-01-01T00:00:00Z"),
    notAfter: new Date("2035-01-01T00:00:00Z"),
    spki: testSpki,
    extensions,
  });
  return certificate(tbs, testKey.privateKey);
}

Deno.test("extension encodings: duplicates, malformed and negative values are problems", () => {
  const basic = (...items: Uint8Array[]) => extension("2.5.29.19", seq(...items), true);
  const problemOf = (extensions: Uint8Array[]) =>
    readCertificateDer(certificateWith(extensions))?.profile.problem;
  assert.equal(problemOf([basic(bool(true), integer(2n))]), undefined);
  assert.deepEqual(
    readCertificateDer(certificateWith([basic(bool(true), integer(2n))]))?.profile,
    { ca: true, maxPathLength: 2 },
  );
  assert.equal(problemOf([basic(bool(true)), basic(bool(true))]), "has extension 2.5.29.19 twice");
  assert.equal(
    problemOf([basic(bool(true), integer(1n), integer(1n))]),
    "has a malformed basicConstraints",
  );
  assert.equal(problemOf([basic(bool(true), oid("1.2.3"))]), "has a malformed extension");
  assert.equal(
    problemOf([basic(bool(true), tlv(0x02, new Uint8Array([0xff])))]),
    "has a negative pathLenConstraint",
  );
  assert.equal(
    problemOf([extension("2.5.29.37", seq(), false)]),
    "has a malformed extendedKeyUsage",
  );
  assert.equal(problemOf([extension("2.5.29.15", seq(), true)]), "has a malformed extension");
  // Known non-critical extensions still need a readable value; unknown non-critical ones do not.
  assert.equal(problemOf([extension("1.2.3.4", new Uint8Array([0xff, 0xff]))]), undefined);
  assert.equal(
    problemOf([extension("2.5.29.15", bits(new Uint8Array([0x80]), 7), true)]),
    undefined,
  );
});

Deno.test("property: any extension list is read without throwing, and never hides a must-understand extension", () => {
  const understood = ["2.5.29.19", "2.5.29.15", "2.5.29.37", "2.5.29.17", "2.5.29.14", "2.5.29.35"];
  const anOid = fc.oneof(
    fc.constantFrom(...understood, "2.5.29.30", "2.5.29.32", "1.3.6.1.4.1.57264.1.1"),
    fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 39 }), fc.nat(100000))
      .map(([a, b, c]) => `${a}.${b}.${c}`),
  );
  const anExtension = fc.record({
    id: anOid,
    critical: fc.boolean(),
    value: fc.oneof(
      fc.uint8Array({ maxLength: 12 }),
      fc.constant(seq(bool(true), integer(0n))),
      fc.constant(seq(oid("1.3.6.1.5.5.7.3.3"))),
      fc.constant(bits(new Uint8Array([0x84]), 2)),
    ),
  });
  fc.assert(
    fc.property(fc.array(anExtension, { maxLength: 6 }), (extensions) => {
      const parsed = readCertificateDer(
        certificateWith(extensions.map((e) => extension(e.id, e.value, e.critical))),
      );
      assert.ok(parsed !== undefined);
      const ids = extensions.map((e) => e.id);
      const mustRefuse = ids.length !== new Set(ids).size ||
        ids.includes("2.5.29.30") ||
        extensions.some((e) => e.critical && !understood.includes(e.id));
      if (mustRefuse) assert.ok(parsed.profile.problem !== undefined, JSON.stringify(ids));
      // A certificate with a problem never ends up on an accepted path, even as its own anchor.
      const result = verifyCertificatePath({
        leaf: parsed,
        intermediates: [],
        anchors: [parsed],
        now: new Date("2030-01-01T00:00:00Z"),
      });
      if (parsed.profile.problem !== undefined) assert.equal(result.ok, false);
    }),
    { numRuns: 200 },
  );
});
