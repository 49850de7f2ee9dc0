/**
 * Reading the private key `tollgate sign-model --key` signs with: a bounded read of one PEM file,
 * the PKCS#8 or SEC1 block taken out of it, and its type checked against what OpenSSF Model
 * Signing keys may be. Messages name the file and never quote key material.
 *
 * @module
 */
import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { describeFsError } from "../collect/node_fs.ts";
import { describeKeyType, signatureDigest } from "../verify/mod.ts";
import { UsageError } from "./_errors.ts";

/** A private key ready to sign with. */
export interface SigningKey {
  /** The PEM block of the private key alone (other blocks of the file left out). */
  privateKeyPem: string;
  /** Its public key, for the fingerprint and the bundle's key hint. */
  publicKey: KeyObject;
}

/** Key files are a few hundred bytes; anything far larger is not one. */
const MAX_KEY_FILE = 64 * 1024;
const PRIVATE_KEY_BLOCK =
  /-----BEGIN (EC )?PRIVATE KEY-----[A-Za-z0-9+/=\s]{1,16384}?-----END \1PRIVATE KEY-----/;

/**
 * Parse a PEM text holding an unencrypted ECDSA (P-256, P-384, P-521) or Ed25519 private key,
 * PKCS#8 (`PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`, possibly after `EC PARAMETERS`).
 *
 * @param options `text` of the file, and `file` to name in messages.
 * @returns The key's PEM block and public key.
 * @throws {UsageError} saying what the file holds instead, naming it.
 * @example
 * ```ts
 * import { generateKeyPairSync } from "node:crypto";
 * import { parseSigningKey } from "./_signing_key.ts";
 * const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
 * const text = String(privateKey.export({ type: "sec1", format: "pem" }));
 * parseSigningKey({ text, file: "key.pem" }).publicKey.asymmetricKeyType; // "ec"
 * ```
 */
export function parseSigningKey(options: { text: string; file: string }): SigningKey {
  const { text, file } = options;
  const fail = (why: string) => new UsageError(`sign-model: --key ${file}: ${why}`);
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,ENCRYPTED/.test(text)) {
    throw fail(
      "the private key is encrypted; sign-model reads unencrypted PEM keys only " +
        `(decrypt with: openssl pkey -in ${file})`,
    );
  }
  const block = text.match(PRIVATE_KEY_BLOCK)?.[0];
  if (block === undefined) {
    if (text.includes("-----BEGIN RSA PRIVATE KEY-----")) {
      throw fail("an RSA key; OMS key signing takes ECDSA P-256, P-384, P-521 or Ed25519 keys");
    }
    if (/-----BEGIN (PUBLIC KEY|CERTIFICATE)-----/.test(text)) {
      throw fail("holds a public key or certificate, not the private key to sign with");
    }
    throw fail('holds no PEM private key ("PRIVATE KEY" PKCS#8 or "EC PRIVATE KEY" SEC1)');
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(block);
  } catch {
    throw fail("its PEM private key block does not decode to a private key");
  }
  const publicKey = createPublicKey(privateKey);
  if (signatureDigest(publicKey) === undefined) {
    throw fail(
      `a ${describeKeyType(publicKey)} key; OMS key signing takes ECDSA P-256, P-384, P-521 ` +
        "or Ed25519 keys",
    );
  }
  return { privateKeyPem: block, publicKey };
}

/**
 * Read and parse the `--key` file (a regular file of at most 64 KiB).
 *
 * @param file Path of the PEM file.
 * @returns The key.
 * @throws {UsageError} when the file is missing, unreadable, too large or not a usable key.
 * @example
 * ```ts ignore
 * import { readSigningKey } from "./_signing_key.ts";
 * const key = await readSigningKey("keys/release.pem");
 * ```
 */
export async function readSigningKey(file: string): Promise<SigningKey> {
  const fail = (why: string) => new UsageError(`sign-model: --key ${file}: ${why}`);
  const info = await stat(file).catch(() => undefined);
  if (!info) throw fail("no such file");
  if (!info.isFile()) throw fail("not a regular file");
  if (info.size > MAX_KEY_FILE) throw fail(`larger than ${MAX_KEY_FILE} bytes: not a key file`);
  let text: string;
  try {
    const bytes = await readFile(file);
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, MAX_KEY_FILE));
  } catch (error) {
    throw fail(
      error instanceof TypeError
        ? "not PEM text (not UTF-8)"
        : `cannot read: ${describeFsError(error)}`,
    );
  }
  return parseSigningKey({ text, file });
}
