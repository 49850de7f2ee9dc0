// bundleSigner: who a Sigstore bundle names as its signer, read from bundles model_signing wrote,
// and never an exception on anything else.
import assert from "node:assert/strict";
import fc from "fast-check";
import { bundleSigner } from "../../verify/mod.ts";

/** A bundle model_signing 1.0 wrote (../shared/conformance/oms): keyless, certificate or key. */
const bundle = (kind: "sigstore" | "certificate" | "elliptic-key") =>
  JSON.parse(
    Deno.readTextFileSync(
      new URL(`../../../shared/conformance/oms/v1.0.0-${kind}/model.sig`, import.meta.url),
    ),
  );

Deno.test("bundleSigner: the identity of a keyless certificate, a certificate, a key", () => {
  assert.equal(
    bundleSigner(bundle("sigstore")),
    "certificate email:stefanb@us.ibm.com (sha256:a9bc792b58fbb352)",
  );
  assert.equal(bundleSigner(bundle("elliptic-key")), "public key (sha256:e8450dec4eb99dae)");
});

Deno.test("bundleSigner: the signing certificate of a chain; a key hint; junk names none", () => {
  assert.equal(
    bundleSigner(bundle("certificate")),
    "certificate CN=intermediate-ca (sha256:da3662b630eb0f58)",
  );
  assert.equal(
    bundleSigner({ verificationMaterial: { publicKey: { hint: "ab12" } } }),
    "public key ab12",
  );
  const junk = [undefined, null, 3, "x", [], { verificationMaterial: [] }, {
    verificationMaterial: { certificate: { rawBytes: 7 } },
  }];
  for (const value of junk) assert.equal(bundleSigner(value), undefined);
  assert.equal(
    bundleSigner({ verificationMaterial: { certificate: { rawBytes: "AAAA" } } }),
    "an unreadable certificate",
  );
});

Deno.test("bundleSigner (property): any JSON value gives a string or undefined, never throws", () => {
  const material = fc.record({
    certificate: fc.record({ rawBytes: fc.oneof(fc.string(), fc.base64String(), fc.jsonValue()) }),
    publicKey: fc.record({
      hint: fc.jsonValue(),
      rawBytes: fc.oneof(fc.base64String(), fc.jsonValue()),
    }),
    x509CertificateChain: fc.record({ certificates: fc.array(fc.jsonValue(), { maxLength: 3 }) }),
  }, { requiredKeys: [] });
  fc.assert(
    fc.property(
      fc.oneof(fc.jsonValue(), fc.record({ verificationMaterial: material })),
      (value) => {
        const signer = bundleSigner(value);
        assert.ok(signer === undefined || typeof signer === "string");
      },
    ),
    { numRuns: 500, seed: 7 },
  );
});
