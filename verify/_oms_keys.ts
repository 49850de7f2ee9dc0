/**
 * Public keys for OpenSSF Model Signing: reading PEM keys, the key hint model_signing writes,
 * fingerprints, and checking DSSE signatures with the hash each key type implies (ECDSA P-256 →
 * SHA-256, P-384 → SHA-384, P-521 → SHA-512, Ed25519 → none). Pure: no I/O.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { createHash, createPublicKey, type KeyObject, verify } from "node:crypto";
import { dssePae, dssePaeLegacy } from "./_oms_envelope.ts";

const PEM_PUBLIC_KEY =
  /-----BEGIN PUBLIC KEY-----[A-Za-z0-9+/=\s]{1,16384}?-----END PUBLIC KEY-----/g;
const MAX_KEYS = 16;

const CURVE_HASH: Record<string, string> = {
  "prime256v1": "sha256",
  "P-256": "sha256",
  "secp384r1": "sha384",
  "P-384": "sha384",
  "secp521r1": "sha512",
  "P-521": "sha512",
};

/**
 * The digest a signature with this key uses: "sha256"/"sha384"/"sha512" for ECDSA by curve,
 * `null` for Ed25519 (no pre-hash), `undefined` when the key type is not supported.
 *
 * @example
 * ```ts
 * import { generateKeyPairSync } from "node:crypto";
 * import { signatureDigest } from "./_oms_keys.ts";
 * signatureDigest(generateKeyPairSync("ec", { namedCurve: "P-384" }).publicKey); // "sha384"
 * ```
 */
export function signatureDigest(key: KeyObject): string | null | undefined {
  if (key.asymmetricKeyType === "ed25519") return null;
  if (key.asymmetricKeyType !== "ec") return undefined;
  return CURVE_HASH[key.asymmetricKeyDetails?.namedCurve ?? ""];
}

/**
 * A short name of the key's type for messages ("ECDSA secp384r1", "Ed25519", "rsa").
 *
 * @example
 * ```ts
 * import { generateKeyPairSync } from "node:crypto";
 * import { describeKeyType } from "./_oms_keys.ts";
 * describeKeyType(generateKeyPairSync("ed25519").publicKey); // "Ed25519"
 * ```
 */
export function describeKeyType(key: KeyObject): string {
  if (key.asymmetricKeyType === "ed25519") return "Ed25519";
  if (key.asymmetricKeyType === "ec") {
    return `ECDSA ${key.asymmetricKeyDetails?.namedCurve ?? "unknown curve"}`;
  }
  return key.asymmetricKeyType ?? "unknown";
}

/**
 * Read every `PUBLIC KEY` PEM block in each text (text around the blocks is ignored, as in key
 * files that carry a human-readable dump first). At most 16 keys in all.
 *
 * @param texts PEM texts.
 * @returns The keys, and one message per block or text that holds no usable key.
 * @example
 * ```ts
 * import { generateKeyPairSync } from "node:crypto";
 * import { readPublicKeys } from "./_oms_keys.ts";
 * const pem = generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" });
 * readPublicKeys([String(pem)]).keys.length; // 1
 * ```
 */
export function readPublicKeys(
  texts: readonly string[],
): { keys: KeyObject[]; problems: string[] } {
  const keys: KeyObject[] = [];
  const problems: string[] = [];
  texts.forEach((text, index) => {
    const blocks = typeof text === "string" ? text.match(PEM_PUBLIC_KEY) ?? [] : [];
    if (blocks.length === 0) {
      problems.push(`public key ${index + 1} holds no PEM "PUBLIC KEY" block`);
    }
    for (const block of blocks) {
      if (keys.length >= MAX_KEYS) {
        problems.push(`more than ${MAX_KEYS} public keys were given; the rest are ignored`);
        return;
      }
      try {
        keys.push(createPublicKey(block));
      } catch {
        problems.push(`public key ${index + 1} is not a valid SubjectPublicKeyInfo PEM`);
      }
    }
  });
  return { keys, problems };
}

/**
 * Read a key embedded in a bundle (`publicKey.rawBytes`: a PEM text, or SPKI DER). Only used
 * to tell "signed by another key" apart from "tampered": an embedded key is never trusted.
 *
 * @example
 * ```ts
 * import { readEmbeddedKey } from "./_oms_keys.ts";
 * readEmbeddedKey(new Uint8Array([1, 2, 3])); // undefined
 * ```
 */
export function readEmbeddedKey(raw: Uint8Array): KeyObject | undefined {
  try {
    const text = new TextDecoder().decode(raw);
    if (text.includes("-----BEGIN PUBLIC KEY-----")) {
      const block = text.match(PEM_PUBLIC_KEY)?.[0];
      return block === undefined ? undefined : createPublicKey(block);
    }
    return createPublicKey({ key: Buffer.from(raw), format: "der", type: "spki" });
  } catch {
    return undefined;
  }
}

function spkiDer(key: KeyObject): Buffer {
  return key.export({ type: "spki", format: "der" }) as Buffer;
}

/**
 * The key's fingerprint as shown to people: `sha256:` and the hex SHA-256 of its DER
 * SubjectPublicKeyInfo (what `openssl pkey -pubin -outform DER | sha256sum` prints).
 *
 * @example
 * ```ts
 * import { generateKeyPairSync } from "node:crypto";
 * import { keyFingerprint } from "./_oms_keys.ts";
 * keyFingerprint(generateKeyPairSync("ed25519").publicKey).startsWith("sha256:"); // true
 * ```
 */
export function keyFingerprint(key: KeyObject): string {
  return `sha256:${createHash("sha256").update(spkiDer(key)).digest("hex")}`;
}

/**
 * The `publicKey.hint` model_signing (v1.1 and later) writes for a key: the hex SHA-256 of the
 * key's SubjectPublicKeyInfo PEM text (64-column base64, LF line ends, final LF).
 *
 * @example
 * ```ts
 * import { generateKeyPairSync } from "node:crypto";
 * import { omsKeyHint } from "./_oms_keys.ts";
 * omsKeyHint(generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey).length; // 64
 * ```
 */
export function omsKeyHint(key: KeyObject): string {
  const pem = String(key.export({ type: "spki", format: "pem" }));
  return createHash("sha256").update(pem).digest("hex");
}

/**
 * Whether a bundle's key hint names this key: the model_signing hint ({@link omsKeyHint}), or the
 * hex SHA-256 of the DER key, compared case-insensitively. A hint only selects; it proves nothing.
 *
 * @example
 * ```ts
 * import { generateKeyPairSync } from "node:crypto";
 * import { hintMatches, omsKeyHint } from "./_oms_keys.ts";
 * const { publicKey } = generateKeyPairSync("ed25519");
 * hintMatches(omsKeyHint(publicKey), publicKey); // true
 * ```
 */
export function hintMatches(hint: string, key: KeyObject): boolean {
  const wanted = hint.toLowerCase();
  return wanted === omsKeyHint(key) || `sha256:${wanted}` === keyFingerprint(key);
}

/**
 * Whether two public keys are the same key (equal DER SubjectPublicKeyInfo).
 *
 * @example
 * ```ts
 * import { generateKeyPairSync } from "node:crypto";
 * import { sameKey } from "./_oms_keys.ts";
 * const { publicKey } = generateKeyPairSync("ed25519");
 * sameKey(publicKey, publicKey); // true
 * ```
 */
export function sameKey(a: KeyObject, b: KeyObject): boolean {
  return spkiDer(a).equals(spkiDer(b));
}

/**
 * Whether any of the DSSE signatures verifies with the key over the envelope's PAE. With
 * `legacy`, the model_signing v0.2 encoding is accepted too (with the key's digest or SHA-256,
 * which v0.2 used for every curve). Unsupported key types verify nothing. Never throws.
 *
 * @example
 * ```ts
 * import { generateKeyPairSync, sign } from "node:crypto";
 * import { dssePae } from "./_oms_envelope.ts";
 * import { verifyDsse } from "./_oms_keys.ts";
 * const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
 * const payload = new TextEncoder().encode("{}");
 * const sig = sign("sha256", dssePae("application/vnd.in-toto+json", payload), privateKey);
 * verifyDsse({
 *   key: publicKey,
 *   payloadType: "application/vnd.in-toto+json",
 *   payload,
 *   signatures: [sig],
 *   legacy: false,
 * }); // true
 * ```
 */
export function verifyDsse(options: {
  key: KeyObject;
  payloadType: string;
  payload: Uint8Array;
  signatures: readonly Uint8Array[];
  legacy: boolean;
}): boolean {
  const digest = signatureDigest(options.key);
  if (digest === undefined) return false;
  const attempts: [string | null, Uint8Array][] = [
    [digest, dssePae(options.payloadType, options.payload)],
  ];
  if (options.legacy) {
    const legacy = dssePaeLegacy(options.payloadType, options.payload);
    attempts.push([digest, legacy]);
    if (digest !== null && digest !== "sha256") attempts.push(["sha256", legacy]);
  }
  return options.signatures.some((signature) =>
    attempts.some(([algorithm, data]) => {
      try {
        return verify(algorithm, data, options.key, signature);
      } catch {
        return false;
      }
    })
  );
}
