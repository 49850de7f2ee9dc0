/**
 * A small DER encoder for the test Sigstore: enough ASN.1 to build X.509 certificates (TLV with
 * definite lengths, OIDs, integers, UTCTime, names, extensions). Test-only.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { type KeyObject, sign } from "node:crypto";
import { concat } from "./_bytes.ts";

function tlv(tag: number, ...contents: Uint8Array[]): Uint8Array {
  const body = concat(...contents);
  const n = body.length;
  const length = n < 0x80
    ? [n]
    : n < 0x100
    ? [0x81, n]
    : n < 0x10000
    ? [0x82, n >> 8, n & 0xff]
    : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return concat(new Uint8Array([tag, ...length]), body);
}

const text = (s: string) => new TextEncoder().encode(s);
const seq = (...items: Uint8Array[]) => tlv(0x30, ...items);
const set = (...items: Uint8Array[]) => tlv(0x31, ...items);
const octets = (bytes: Uint8Array) => tlv(0x04, bytes);
const utf8 = (s: string) => tlv(0x0c, text(s));
const bool = (value: boolean) => tlv(0x01, new Uint8Array([value ? 0xff : 0]));
const bits = (bytes: Uint8Array, unused = 0) => tlv(0x03, new Uint8Array([unused]), bytes);
const explicit = (n: number, content: Uint8Array) => tlv(0xa0 | n, content);

function oid(dotted: string): Uint8Array {
  const arcs = dotted.split(".").map(Number);
  const out = [40 * arcs[0] + arcs[1]];
  for (const arc of arcs.slice(2)) {
    const chunk = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) {
      chunk.unshift(0x80 | (v & 0x7f));
    }
    out.push(...chunk);
  }
  return tlv(0x06, new Uint8Array(out));
}

function integer(value: bigint): Uint8Array {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const bytes = Buffer.from(hex, "hex");
  return tlv(0x02, bytes[0] & 0x80 ? concat(new Uint8Array([0]), bytes) : bytes);
}

function utcTime(date: Date): Uint8Array {
  const iso = date.toISOString(); // 2025-06-01T00:00:00.000Z
  const digits = iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) +
    iso.slice(14, 16) + iso.slice(17, 19);
  return tlv(0x17, text(`${digits}Z`));
}

function name(organization: string, commonName: string): Uint8Array {
  return seq(
    set(seq(oid("2.5.4.10"), utf8(organization))),
    set(seq(oid("2.5.4.3"), utf8(commonName))),
  );
}

function extension(id: string, value: Uint8Array, critical = false): Uint8Array {
  return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
}

const ECDSA_SHA256 = seq(oid("1.2.840.10045.4.3.2"));

/** A v3 TBSCertificate whose signature algorithm is ecdsa-with-SHA256. */
function tbsCertificate(options: {
  serial: bigint;
  issuer: Uint8Array;
  subject: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  /** SubjectPublicKeyInfo, DER. */
  spki: Uint8Array;
  extensions: readonly Uint8Array[];
}): Uint8Array {
  return seq(
    explicit(0, integer(2n)),
    integer(options.serial),
    ECDSA_SHA256,
    options.issuer,
    seq(utcTime(options.notBefore), utcTime(options.notAfter)),
    options.subject,
    options.spki,
    explicit(3, seq(...options.extensions)),
  );
}

/** A certificate: `tbs` signed with ECDSA (SHA-256) by the issuer's private key. */
function certificate(tbs: Uint8Array, issuerKey: KeyObject): Uint8Array {
  return seq(tbs, ECDSA_SHA256, bits(new Uint8Array(sign("sha256", tbs, issuerKey))));
}

/**
 * The encoder's parts: `tlv`, `seq`, `set`, `octets`, `utf8`, `bool`, `bits`, `explicit`, `oid`,
 * `integer`, `utcTime`, `name`, `extension`, `concat`, `text`, the ecdsa-with-SHA256
 * algorithm identifier, and `tbsCertificate` / `certificate` to build and sign (ECDSA P-256,
 * SHA-256) v3 certificates.
 *
 * @example
 * ```ts
 * import { der } from "./_der_testing.ts";
 * der.oid("2.5.29.15"); // Uint8Array [6, 3, 85, 29, 15]
 * ```
 */
export const der = {
  concat: (parts: readonly Uint8Array[]): Uint8Array => concat(...parts),
  tlv,
  text,
  seq,
  set,
  octets,
  utf8,
  bool,
  bits,
  explicit,
  oid,
  integer,
  utcTime,
  name,
  extension,
  ECDSA_SHA256,
  tbsCertificate,
  certificate,
} as const;
