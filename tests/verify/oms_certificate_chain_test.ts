import assert from "node:assert/strict";
import { CA_EXTENSIONS, chainBundle, OpensslPki } from "../_x509_testing.ts";
import { assertVerdict, bundleOf, CA, read, verify } from "./_oms_verify.ts";

const INTERMEDIATE = read("keys/int-ca-cert.pem");

// Certificate chains minted with openssl, to test the path rules on chains we control.

Deno.test("certificate chains: anchors, intermediates, CA flags, key usage and validity", async () => {
  // Freshly minted certificates are valid from the real current time: judge them a day later.
  const today = new Date(Date.now() + 86_400_000);
  const pki = new OpensslPki();
  const mint = (name: string, issuer: string, extensions: readonly string[]) =>
    pki.issue({ name, issuer, extensions });
  try {
    const root = await pki.root("test-root", CA_EXTENSIONS);
    const intermediate = await mint("test-intermediate", "test-root", CA_EXTENSIONS);
    const signer = await mint("test-signer", "test-intermediate", [
      "basicConstraints=CA:FALSE",
      "keyUsage=critical,digitalSignature",
    ]);
    const good = chainBundle(signer.key, [signer.pem, intermediate.pem]);
    const accepted = await verify(good, { certificateAuthorities: [root] }, today);
    assert.ok(accepted.ok, accepted.ok ? "" : accepted.message);
    assert.match(
      accepted.signer,
      /^certificate "CN=test-signer" issued by "CN=test-intermediate" \(sha256:[0-9a-f]{64}\), chaining to trusted "CN=test-root"$/,
    );
    // The intermediate may come from the trusted PEM list instead of the bundle.
    const leafOnly = chainBundle(signer.key, [signer.pem]);
    assert.ok(
      (await verify(leafOnly, { certificateAuthorities: [root + intermediate.pem] }, today)).ok,
    );
    await assertVerdict(
      leafOnly,
      { certificateAuthorities: [root] },
      "untrusted-signer",
      /does not chain to any of the 1 trusted CA certificates/,
      today,
    );
    // A trusted intermediate is an anchor by itself.
    assert.ok((await verify(good, { certificateAuthorities: [intermediate.pem] }, today)).ok);

    // Another CA: the conformance chain does not lead to it.
    await assertVerdict(
      bundleOf("v1.1.0-certificate"),
      { certificateAuthorities: [root] },
      "untrusted-signer",
      /signing certificate "CN=intermediate-ca" .* does not chain to any of the 1 trusted CA certificates/,
      today,
    );

    const noSigning = await mint("test-encipher", "test-intermediate", [
      "keyUsage=critical,keyEncipherment",
    ]);
    await assertVerdict(
      chainBundle(noSigning.key, [noSigning.pem, intermediate.pem]),
      { certificateAuthorities: [root] },
      "untrusted-signer",
      /may not sign \(key usage lacks digitalSignature\)/,
      today,
    );

    const notCa = await mint("test-not-ca", "test-root", ["basicConstraints=CA:FALSE"]);
    const underNotCa = await mint("test-under", "test-not-ca", [
      "keyUsage=critical,digitalSignature",
    ]);
    await assertVerdict(
      chainBundle(underNotCa.key, [underNotCa.pem, notCa.pem]),
      { certificateAuthorities: [root] },
      "untrusted-signer",
      /\("CN=test-not-ca" is not a CA certificate\)/,
      today,
    );
    const noCertSign = await mint("test-no-certsign", "test-root", [
      "basicConstraints=critical,CA:TRUE",
      "keyUsage=critical,digitalSignature",
    ]);
    const underNoCertSign = await mint("test-under2", "test-no-certsign", []);
    await assertVerdict(
      chainBundle(underNoCertSign.key, [underNoCertSign.pem, noCertSign.pem]),
      { certificateAuthorities: [root] },
      "untrusted-signer",
      /"CN=test-no-certsign" may not sign certificates \(key usage lacks keyCertSign\)/,
      today,
    );
  } finally {
    pki.dispose();
  }
});

Deno.test("certificate chains: validity is checked at `now`", async () => {
  const bundle = bundleOf("v1.0.1-certificate");
  const trust = { certificateAuthorities: [CA] };
  assert.ok((await verify(bundle, trust, new Date("2035-04-30T00:00:00Z"))).ok);
  await assertVerdict(
    bundle,
    trust,
    "untrusted-signer",
    /certificate "CN=intermediate-ca" on the chain is not valid on 2036-01-01 \(valid from 2025-05-02 to 2035-04-30\)/,
    new Date("2036-01-01T00:00:00Z"),
  );
  await assertVerdict(
    bundle,
    trust,
    "untrusted-signer",
    /not valid on 2025-01-01/,
    new Date("2025-01-01"),
  );
  // The conformance intermediate, given as the only anchor, ends the path (partial chain).
  assert.ok((await verify(bundle, { certificateAuthorities: [INTERMEDIATE] })).ok);
});
