import assert from "node:assert/strict";
import {
  type OmsEnvelopeResult,
  type OmsTrust,
  verifyOmsBundle,
} from "../../verify/_oms_verify.ts";

/** A JSON document the tests edit in place; the code under test checks its shape. */
// deno-lint-ignore no-explicit-any
export type Doc = any;

export const conformance = new URL("../../../shared/conformance/oms/", import.meta.url);

export const read = (path: string) => Deno.readTextFileSync(new URL(path, conformance));

export const bundleOf = (folder: string) => JSON.parse(read(`${folder}/model.sig`));

export const trustedRoot = JSON.parse(
  Deno.readTextFileSync(new URL("../../data/sigstore_trusted_root.json", import.meta.url)),
);

export const KEY = read("keys/signing-key-pub.pem");

export const CA = read("keys/ca-cert.pem");

export const IBM = {
  identity: "stefanb@us.ibm.com",
  issuer: "https://sigstore.verify.ibm.com/oauth2",
};

export const NOW = new Date("2026-01-01T00:00:00Z");

export const FULL_TRUST: OmsTrust = {
  publicKeys: [KEY],
  certificateAuthorities: [CA],
  identities: [IBM],
  trustedRoot,
};

export function verify(bundle: unknown, trust: OmsTrust, now = NOW): Promise<OmsEnvelopeResult> {
  return verifyOmsBundle(bundle, { trust, now });
}

export async function assertVerdict(
  bundle: unknown,
  trust: OmsTrust,
  verdict: string,
  message: RegExp,
  now = NOW,
) {
  const result = await verify(bundle, trust, now);
  assert.ok(!result.ok, `expected ${verdict}, got ok (${result.ok && result.signer})`);
  assert.equal(result.verdict, verdict, result.message);
  assert.match(result.message, message);
  assert.ok(!result.message.includes("\n    at "), "no stack trace in messages");
}
