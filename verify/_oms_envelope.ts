/**
 * Reading the outer layers of an OpenSSF Model Signing signature: the Sigstore bundle (media
 * type, verification material) and its DSSE envelope, plus the DSSE pre-authentication encoding
 * the signature covers. Bounded and defensive: every field is checked before use. Pure: no I/O.
 *
 * @module
 */
import { isRecord } from "../packaging/mod.ts";
import { Buffer } from "node:buffer";

/** The Sigstore bundle media types an OMS signature may carry (v0.1 to v0.3). */
export const SIGSTORE_BUNDLE_MEDIA_TYPES: readonly string[] = [
  "application/vnd.dev.sigstore.bundle+json;version=0.1",
  "application/vnd.dev.sigstore.bundle+json;version=0.2",
  "application/vnd.dev.sigstore.bundle+json;version=0.3",
  "application/vnd.dev.sigstore.bundle.v0.3+json",
];
/** The only DSSE payload type OMS uses. */
export const IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";
/** Largest decoded DSSE payload accepted (16 MiB). */
export const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;
/** Most DSSE signatures, certificates or log entries read from one bundle. */
export const MAX_BUNDLE_ITEMS = 16;
const MAX_CERTIFICATE_BYTES = 64 * 1024;
const MAX_KEY_BYTES = 64 * 1024;
const MAX_SIGNATURE_BYTES = 16 * 1024;

/** The verification material of a bundle, by kind. */
export type OmsMaterial =
  | { kind: "public-key"; hint?: string; rawBytes?: Uint8Array }
  | { kind: "certificate-chain"; certificates: Uint8Array[] }
  | { kind: "certificate"; certificates: Uint8Array[] };

/** The parts of a bundle the verifier needs, decoded and bounded. */
export interface OmsBundleParts {
  mediaType: string;
  payloadType: string;
  payload: Uint8Array;
  signatures: Uint8Array[];
  material: OmsMaterial;
  /** Number of transparency-log entries: keyless Sigstore signatures have at least one. */
  tlogEntries: number;
}

type Json = Record<string, unknown>;

function field(object: Json, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

class BundleError extends Error {}

function fail(message: string): never {
  throw new BundleError(message);
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * Decode standard or URL-safe base64 (padding optional), refusing any other character and any
 * result longer than `maxBytes`.
 *
 * @example
 * ```ts
 * import { decodeBase64 } from "./_oms_envelope.ts";
 * decodeBase64("aGk=", 10); // Uint8Array [104, 105]
 * decodeBase64("not base64!", 10); // undefined
 * ```
 */
export function decodeBase64(text: unknown, maxBytes: number): Uint8Array | undefined {
  if (typeof text !== "string") return undefined;
  if (text.length > Math.ceil(maxBytes / 3) * 4 || text.length % 4 === 1) return undefined;
  if (!BASE64.test(text)) return undefined;
  return new Uint8Array(Buffer.from(text, "base64"));
}

function requireBase64(text: unknown, maxBytes: number, where: string): Uint8Array {
  const bytes = decodeBase64(text, maxBytes);
  if (bytes === undefined) fail(`${where} is not base64 of at most ${maxBytes} bytes`);
  return bytes;
}

function concat(head: string, body: Uint8Array): Uint8Array {
  const prefix = new TextEncoder().encode(head);
  const out = new Uint8Array(prefix.length + body.length);
  out.set(prefix);
  out.set(body, prefix.length);
  return out;
}

/**
 * The DSSE v1 pre-authentication encoding a signature covers:
 * `"DSSEv1" SP len(type) SP type SP len(body) SP body`, lengths as decimal byte counts.
 *
 * @example
 * ```ts
 * import { dssePae } from "./_oms_envelope.ts";
 * new TextDecoder().decode(dssePae("t", new TextEncoder().encode("hi"))); // "DSSEv1 1 t 2 hi"
 * ```
 */
export function dssePae(payloadType: string, payload: Uint8Array): Uint8Array {
  const typeLength = new TextEncoder().encode(payloadType).length;
  return concat(`DSSEv1 ${typeLength} ${payloadType} ${payload.length} `, payload);
}

/**
 * The encoding model_signing v0.2 signed by mistake instead of the DSSE PAE: "DSSEV1", and the
 * payload written as a Python bytes literal (`b'...'` with escapes). Its verifiers still accept
 * it, so signatures made with v0.2 verify.
 *
 * @example
 * ```ts
 * import { dssePaeLegacy } from "./_oms_envelope.ts";
 * new TextDecoder().decode(dssePaeLegacy("t", new TextEncoder().encode("a\n"))); // "DSSEV1 1 t 2 b'a\\n'"
 * ```
 */
export function dssePaeLegacy(payloadType: string, payload: Uint8Array): Uint8Array {
  const quote = payload.includes(0x27) && !payload.includes(0x22) ? 0x22 : 0x27;
  const parts: string[] = [];
  for (const byte of payload) {
    if (byte === 0x5c) parts.push("\\\\");
    else if (byte === quote) parts.push(`\\${String.fromCharCode(quote)}`);
    else if (byte === 0x09) parts.push("\\t");
    else if (byte === 0x0a) parts.push("\\n");
    else if (byte === 0x0d) parts.push("\\r");
    else if (byte < 0x20 || byte >= 0x7f) parts.push(`\\x${byte.toString(16).padStart(2, "0")}`);
    else parts.push(String.fromCharCode(byte));
  }
  const q = String.fromCharCode(quote);
  return new TextEncoder().encode(
    `DSSEV1 ${payloadType.length} ${payloadType} ${payload.length} b${q}${parts.join("")}${q}`,
  );
}

function readCertificates(list: unknown, where: string): Uint8Array[] {
  if (!Array.isArray(list) || list.length === 0) fail(`${where} holds no certificates`);
  if (list.length > MAX_BUNDLE_ITEMS) {
    fail(`${where} holds more than ${MAX_BUNDLE_ITEMS} certificates`);
  }
  return list.map((entry, index) => {
    if (!isRecord(entry)) fail(`${where}[${index}] is not an object`);
    return requireBase64(field(entry, "rawBytes"), MAX_CERTIFICATE_BYTES, `${where}[${index}]`);
  });
}

function readMaterial(material: Json): OmsMaterial {
  const publicKey = field(material, "publicKey");
  const chain = field(material, "x509CertificateChain");
  const certificate = field(material, "certificate");
  const present = [publicKey, chain, certificate].filter((value) => value !== undefined);
  if (present.length !== 1) {
    fail(
      "verificationMaterial must hold exactly one of publicKey, x509CertificateChain, certificate",
    );
  }
  if (publicKey !== undefined) {
    if (!isRecord(publicKey)) fail("verificationMaterial.publicKey is not an object");
    const hint = field(publicKey, "hint");
    const raw = field(publicKey, "rawBytes");
    if (hint !== undefined && hint !== null && (typeof hint !== "string" || hint.length > 256)) {
      fail("verificationMaterial.publicKey.hint is not a short string");
    }
    return {
      kind: "public-key",
      ...(typeof hint === "string" && hint !== "" ? { hint } : {}),
      ...(raw === undefined || raw === null || raw === "" ? {} : {
        rawBytes: requireBase64(raw, MAX_KEY_BYTES, "verificationMaterial.publicKey.rawBytes"),
      }),
    };
  }
  if (chain !== undefined) {
    if (!isRecord(chain)) fail("verificationMaterial.x509CertificateChain is not an object");
    return {
      kind: "certificate-chain",
      certificates: readCertificates(
        field(chain, "certificates"),
        "verificationMaterial.x509CertificateChain.certificates",
      ),
    };
  }
  if (!isRecord(certificate)) fail("verificationMaterial.certificate is not an object");
  return {
    kind: "certificate",
    certificates: [
      requireBase64(
        field(certificate, "rawBytes"),
        MAX_CERTIFICATE_BYTES,
        "verificationMaterial.certificate",
      ),
    ],
  };
}

function readEnvelope(envelope: unknown) {
  if (!isRecord(envelope)) fail("the bundle has no DSSE envelope (OMS signs an in-toto statement)");
  const payloadType = field(envelope, "payloadType");
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    fail(
      `the DSSE payloadType is ${
        JSON.stringify(payloadType)?.slice(0, 100)
      }, expected ${IN_TOTO_PAYLOAD_TYPE}`,
    );
  }
  const payload = requireBase64(field(envelope, "payload"), MAX_PAYLOAD_BYTES, "the DSSE payload");
  const list = field(envelope, "signatures");
  if (!Array.isArray(list) || list.length === 0) fail("the DSSE envelope has no signatures");
  if (list.length > MAX_BUNDLE_ITEMS) {
    fail(`the DSSE envelope has more than ${MAX_BUNDLE_ITEMS} signatures`);
  }
  const signatures = list.map((entry, index) => {
    if (!isRecord(entry)) fail(`DSSE signature ${index + 1} is not an object`);
    const keyid = field(entry, "keyid");
    if (keyid !== undefined && keyid !== null && typeof keyid !== "string") {
      fail(`DSSE signature ${index + 1} has a keyid that is not a string`);
    }
    const sig = requireBase64(
      field(entry, "sig"),
      MAX_SIGNATURE_BYTES,
      `DSSE signature ${index + 1}`,
    );
    if (sig.length === 0) fail(`DSSE signature ${index + 1} is empty`);
    return sig;
  });
  return { payloadType: IN_TOTO_PAYLOAD_TYPE, payload, signatures };
}

/**
 * Read a parsed Sigstore bundle into the parts OMS verification needs: media type, DSSE
 * envelope (decoded payload and signatures) and verification material. Never throws.
 *
 * @param bundle The bundle as parsed JSON (untrusted).
 * @returns The parts, or one sentence saying why the bundle is malformed.
 * @example
 * ```ts
 * import { readOmsBundle } from "./_oms_envelope.ts";
 * readOmsBundle({ mediaType: "text/plain" }).ok; // false
 * ```
 */
export function readOmsBundle(
  bundle: unknown,
): { ok: true; parts: OmsBundleParts } | { ok: false; message: string } {
  try {
    if (!isRecord(bundle)) return { ok: false, message: "the signature is not a JSON object" };
    const mediaType = field(bundle, "mediaType");
    if (typeof mediaType !== "string" || !SIGSTORE_BUNDLE_MEDIA_TYPES.includes(mediaType)) {
      return {
        ok: false,
        message: `the signature is not a Sigstore bundle v0.1-v0.3 (mediaType ${
          JSON.stringify(mediaType)?.slice(0, 100)
        })`,
      };
    }
    if (field(bundle, "messageSignature") !== undefined) {
      fail("the bundle signs a message digest, not a DSSE envelope with an OMS statement");
    }
    const envelope = readEnvelope(field(bundle, "dsseEnvelope"));
    const material = field(bundle, "verificationMaterial");
    if (!isRecord(material)) fail("the bundle has no verificationMaterial");
    const tlog = field(material, "tlogEntries");
    if (tlog !== undefined && tlog !== null && !Array.isArray(tlog)) {
      fail("verificationMaterial.tlogEntries is not a list");
    }
    const tlogEntries = Array.isArray(tlog) ? tlog.length : 0;
    if (tlogEntries > MAX_BUNDLE_ITEMS) {
      fail(`the bundle has more than ${MAX_BUNDLE_ITEMS} transparency-log entries`);
    }
    return {
      ok: true,
      parts: { mediaType, ...envelope, material: readMaterial(material), tlogEntries },
    };
  } catch (error) {
    if (error instanceof BundleError) return { ok: false, message: error.message };
    return { ok: false, message: "the signature could not be read as a Sigstore bundle" };
  }
}
