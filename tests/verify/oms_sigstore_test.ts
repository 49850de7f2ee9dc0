import assert from "node:assert/strict";
import {
  assertVerdict,
  bundleOf,
  Doc,
  FULL_TRUST,
  IBM,
  trustedRoot,
  verify,
} from "./_oms_verify.ts";

Deno.test("sigstore: wrong identity or issuer is untrusted-signer", async () => {
  await assertVerdict(
    bundleOf("v1.0.0-sigstore"),
    { trustedRoot, identities: [{ identity: "mallory@example.com", issuer: IBM.issuer }] },
    "untrusted-signer",
    /signed by stefanb@us\.ibm\.com .* which is not a trusted identity \(trusted: mallory@example\.com/,
  );
  await assertVerdict(
    bundleOf("v1.0.0-sigstore"),
    {
      trustedRoot,
      identities: [{ identity: IBM.identity, issuer: "https://accounts.google.com" }],
    },
    "untrusted-signer",
    /through OIDC issuer https:\/\/sigstore\.verify\.ibm\.com\/oauth2, but that identity is trusted only from issuer https:\/\/accounts\.google\.com/,
  );
});

Deno.test("sigstore: no trusted root, or one lacking what the bundle needs, is incomplete", async () => {
  const bundle = bundleOf("v1.1.0-sigstore");
  await assertVerdict(
    bundle,
    { identities: [IBM] },
    "incomplete",
    /no trusted root was given \(--trusted-root/,
  );
  const without = (change: (root: Doc) => void) => {
    const root = structuredClone(trustedRoot);
    change(root);
    return { identities: [IBM], trustedRoot: root };
  };
  await assertVerdict(
    bundle,
    without((root) => root.tlogs = []),
    "incomplete",
    /no transparency log with id wNI9atQGlz\+VWfO6LRygH4QUfY\/8W4RFwiT5i5WRgB0= \(hex c0d23d6a.*log index \d+/,
  );
  await assertVerdict(
    bundle,
    without((root) => root.tlogs[0].publicKey.validFor.end = "2022-01-01T00:00:00Z"),
    "incomplete",
    /transparency log https:\/\/rekor\.sigstore\.dev .* has no key valid on 2025-/,
  );
  await assertVerdict(
    bundle,
    without((root) => root.certificateAuthorities = []),
    "incomplete",
    /no certificate authority that issued the signing certificate \(issuer "O=sigstore\.dev, CN=sigstore-intermediate"\)/,
  );
  await assertVerdict(
    bundle,
    without((root) => root.ctlogs = []),
    "incomplete",
    /no certificate-transparency log with id /,
  );
  await assertVerdict(
    bundle,
    without((root) => root.timestampAuthorities = []),
    "incomplete",
    /RFC 3161 timestamp but the trusted root has no timestamp authority/,
  );
  await assertVerdict(
    bundle,
    { identities: [IBM], trustedRoot: { tlogs: 5 } },
    "incomplete",
    /not a readable Sigstore trusted_root\.json/,
  );
});

Deno.test("sigstore: forged log evidence is a bad signature, missing evidence untrusted", async () => {
  const bundle = bundleOf("v1.0.0-sigstore");
  const moved = structuredClone(bundle);
  moved.verificationMaterial.tlogEntries[0].integratedTime = "1746236087";
  await assertVerdict(moved, FULL_TRUST, "bad-signature", /TLOG_INCLUSION_PROMISE_ERROR/);
  const unlogged = structuredClone(bundle);
  unlogged.verificationMaterial.tlogEntries = [];
  await assertVerdict(unlogged, FULL_TRUST, "untrusted-signer", /lacks the transparency-log entry/);
});

Deno.test("key and certificate bundles ignore the Sigstore trust, and vice versa", async () => {
  const result = await verify(bundleOf("v1.0.1-elliptic-key"), FULL_TRUST);
  assert.ok(result.ok && result.method === "key");
  assert.deepEqual(result.manifest.resources.map((r) => r.name), ["signme-1", "signme-2"]);
});
