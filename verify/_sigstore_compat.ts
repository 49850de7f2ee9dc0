/**
 * A compatibility shim so that @sigstore/verify works on Deno's node:crypto.
 *
 * Node's `crypto.verify(null | undefined, data, key, signature)` picks SHA-256 for an EC key;
 * Deno's throws "no default digest" instead. @sigstore/core calls `crypto.verify` without an
 * algorithm for Rekor signed entry timestamps, checkpoints and ECDSA signatures, and swallows the
 * error as "invalid", so every keyless bundle would fail. The shim wraps the `verify` function of
 * node:crypto's default export (the object CommonJS `require("crypto")` shares) and supplies
 * "sha256" only when no algorithm is given and the key is an EC KeyObject — exactly Node's
 * behaviour. Everything else passes through unchanged. Installing it twice does nothing.
 *
 * @module
 */
import nodeCrypto, { KeyObject } from "node:crypto";

const INSTALLED = Symbol.for("tollgate.sigstoreCompat.verify");

type VerifyFunction = (...args: unknown[]) => unknown;

/**
 * Install the shim (idempotent). Call before using @sigstore/verify.
 *
 * @returns true when the shim is active (now or already), false when node:crypto could not be
 * patched (for example a frozen module object).
 * @example
 * ```ts
 * import { installSigstoreCompat } from "./_sigstore_compat.ts";
 * installSigstoreCompat(); // true
 * ```
 */
export function installSigstoreCompat(): boolean {
  const target = nodeCrypto as unknown as Record<PropertyKey, unknown>;
  if (target[INSTALLED] === true) return true;
  const original = target.verify as VerifyFunction;
  const patched: VerifyFunction = function (this: unknown, ...args: unknown[]) {
    const [algorithm, , key] = args;
    if (
      (algorithm === null || algorithm === undefined) && key instanceof KeyObject &&
      key.asymmetricKeyType === "ec"
    ) {
      args[0] = "sha256";
    }
    return original.apply(this, args);
  };
  try {
    target.verify = patched;
    target[INSTALLED] = true;
  } catch {
    return false;
  }
  return target.verify === patched;
}
