/**
 * A Sigstore of our own for tests: a Fulcio-like CA that issues GitHub Actions workflow
 * certificates (with the Fulcio extensions and a real SCT from a test CT log), a Rekor-like log
 * that signs entries (signed entry timestamp and a one-leaf inclusion proof with a signed
 * checkpoint), and the `trusted_root.json` that lists them. With it a test signs PEP 740
 * attestations that @sigstore/verify accepts exactly as it accepts PyPI's, offline.
 *
 * Certificates are built with a small DER encoder; keys and signatures are node:crypto ECDSA
 * P-256 with SHA-256, like Fulcio's and Rekor's.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { createHash, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { json } from "@sigstore/core";
import { der } from "./_der_testing.ts";

const {
  bits,
  bool,
  certificate,
  concat,
  extension,
  name,
  octets,
  oid,
  seq,
  tbsCertificate,
  text,
  tlv,
  utf8,
} = der;

// ---- keys and signatures ----

interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SubjectPublicKeyInfo, DER. */
  spki: Uint8Array;
}

function keyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const spki = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
  return { privateKey, publicKey, spki };
}

const sha256 = (...data: Uint8Array[]) => {
  const hash = createHash("sha256");
  for (const d of data) hash.update(d);
  return new Uint8Array(hash.digest());
};
const ecdsa = (key: KeyObject, data: Uint8Array) => new Uint8Array(sign("sha256", data, key));
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

// ---- the test Sigstore ----

/** The default signing time: every certificate, SCT and log entry is made "then". */
export const SIGNED_AT = new Date("2025-06-01T12:00:00Z");

/** GitHub Actions' OIDC issuer, as Fulcio records it. */
export const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";

/** What the workflow certificate says about its signer. */
export interface WorkflowIdentity {
  /** `owner/repo` on github.com (default `acme/widgets`). */
  repository?: string;
  /** Workflow file name (default `release.yml`). */
  workflow?: string;
  /** Git ref (default `refs/tags/v1.0.0`). */
  ref?: string;
  /** OIDC issuer (default GitHub Actions'). */
  issuer?: string;
  /** Leave out the Source Repository URI extension (1.3.6.1.4.1.57264.1.12). */
  omitSourceRepository?: boolean;
  /**
   * `owner/repo` of a reusable workflow that signed (default: `repository`): the SAN and the
   * Build Signer URI name it, while the Source Repository URI still names `repository`.
   */
  workflowRepository?: string;
}

/** What an attestation states and how it is (mis)made. */
export interface AttestOptions extends WorkflowIdentity {
  /** The distribution file name the statement names. */
  filename: string;
  /** Hex sha256 the statement gives for it. */
  sha256: string;
  /** Default `https://docs.pypi.org/attestations/publish/v1`. */
  predicateType?: string;
  /** Replace the whole statement (any JSON value, or raw text). */
  statement?: unknown;
  /** Sign these statement bytes but ship `statement` (a tampered statement). */
  signedStatement?: unknown;
  /** Leave the SCT out of the certificate. */
  withoutSct?: boolean;
  /** Log entries: `both` (default, like PyPI), `promise` (SET only) or `proof` (proof only). */
  inclusion?: "both" | "promise" | "proof";
}

/** A PEP 740 attestation object, as the Integrity API serves it. */
export interface Pep740Attestation {
  version: 1;
  verification_material: { certificate: string; transparency_entries: unknown[] };
  envelope: { statement: string; signature: string };
}

/**
 * A complete test Sigstore: CA, CT log and transparency log keys, and the trusted root that names
 * them. Two instances share nothing, so one's attestations do not verify against the other's root.
 *
 * @example
 * ```ts
 * import { TestSigstore } from "./_sigstore_testing.ts";
 * const sigstore = new TestSigstore();
 * const attestation = sigstore.attest({ filename: "demo-1.0-py3-none-any.whl", sha256: "ab".repeat(32) });
 * attestation.verification_material.transparency_entries.length; // 1
 * ```
 */
export class TestSigstore {
  readonly #ca = keyPair();
  readonly #ctlog = keyPair();
  readonly #rekor = keyPair();
  readonly #caName = name("sigstore.test", "test-fulcio-root");
  readonly #caSki = sha256(this.#ca.spki).slice(0, 20);
  readonly #caCert: Uint8Array;
  #serial = 1000n;
  #logIndex = 4_000;

  /** The log's base URL; its host names the checkpoint signer. */
  readonly rekorUrl = "https://rekor.sigstore.test";

  constructor() {
    const from = new Date(Date.UTC(2020, 0, 1));
    const to = new Date(Date.UTC(2040, 0, 1));
    this.#caCert = certificate(
      tbsCertificate({
        serial: 1n,
        issuer: this.#caName,
        subject: this.#caName,
        notBefore: from,
        notAfter: to,
        spki: this.#ca.spki,
        extensions: [
          extension("2.5.29.15", bits(new Uint8Array([0x06]), 1), true),
          extension("2.5.29.19", seq(bool(true)), true),
          extension("2.5.29.14", octets(this.#caSki)),
        ],
      }),
      this.#ca.privateKey,
    );
  }

  /**
   * The `trusted_root.json` (parsed) listing this CA, CT log and transparency log.
   *
   * @returns A Sigstore trusted root, media type v0.1.
   */
  trustedRoot(): Record<string, unknown> {
    const start = "2020-01-01T00:00:00Z";
    const key = (pair: KeyPair) => ({
      rawBytes: b64(pair.spki),
      keyDetails: "PKIX_ECDSA_P256_SHA_256",
      validFor: { start },
    });
    return {
      mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
      tlogs: [{
        baseUrl: this.rekorUrl,
        hashAlgorithm: "SHA2_256",
        publicKey: key(this.#rekor),
        logId: { keyId: b64(sha256(this.#rekor.spki)) },
      }],
      certificateAuthorities: [{
        subject: { organization: "sigstore.test", commonName: "test-fulcio-root" },
        uri: "https://fulcio.sigstore.test",
        certChain: { certificates: [{ rawBytes: b64(this.#caCert) }] },
        validFor: { start },
      }],
      ctlogs: [{
        baseUrl: "https://ctfe.sigstore.test",
        hashAlgorithm: "SHA2_256",
        publicKey: key(this.#ctlog),
        logId: { keyId: b64(sha256(this.#ctlog.spki)) },
      }],
      timestampAuthorities: [],
    };
  }

  /**
   * Sign a PEP 740 attestation for one distribution file from a GitHub Actions workflow.
   *
   * @param options The file and digest stated, the workflow identity, and deliberate defects.
   * @returns The attestation object.
   */
  attest(options: AttestOptions): Pep740Attestation {
    const statementOf = (value: unknown) =>
      typeof value === "string" ? text(value) : text(JSON.stringify(value));
    const statement = statementOf(
      options.statement ?? {
        _type: "https://in-toto.io/Statement/v1",
        subject: [{ name: options.filename, digest: { sha256: options.sha256 } }],
        predicateType: options.predicateType ?? "https://docs.pypi.org/attestations/publish/v1",
        predicate: null,
      },
    );
    const signed = options.signedStatement === undefined
      ? statement
      : statementOf(options.signedStatement);
    const leafKey = keyPair();
    const leaf = this.#workflowCertificate(leafKey, options);
    const signature = ecdsa(leafKey.privateKey, preAuthEncoding(signed));
    return {
      version: 1,
      verification_material: {
        certificate: b64(leaf),
        transparency_entries: [
          this.#logEntry(signed, signature, leaf, options.inclusion ?? "both"),
        ],
      },
      envelope: { statement: b64(statement), signature: b64(signature) },
    };
  }

  #workflowCertificate(key: KeyPair, options: AttestOptions): Uint8Array {
    const repository = options.repository ?? "acme/widgets";
    const workflow = options.workflow ?? "release.yml";
    const ref = options.ref ?? "refs/tags/v1.0.0";
    const issuer = options.issuer ?? GITHUB_ISSUER;
    const workflowAt = (owner: string) =>
      `https://github.com/${owner}/.github/workflows/${workflow}@${ref}`;
    const workflowUri = workflowAt(options.workflowRepository ?? repository);
    const fulcio = (n: number) => `1.3.6.1.4.1.57264.1.${n}`;
    const extensions = [
      extension("2.5.29.15", bits(new Uint8Array([0x80]), 7), true),
      extension("2.5.29.37", seq(oid("1.3.6.1.5.5.7.3.3"))),
      extension("2.5.29.14", octets(sha256(key.spki).slice(0, 20))),
      extension("2.5.29.35", seq(tlv(0x80, this.#caSki))),
      extension("2.5.29.17", seq(tlv(0x86, text(workflowUri))), true),
      extension(fulcio(1), text(issuer)),
      extension(fulcio(8), utf8(issuer)),
      extension(fulcio(9), utf8(workflowUri)),
      ...(options.omitSourceRepository
        ? []
        : [extension(fulcio(12), utf8(`https://github.com/${repository}`))]),
      extension(fulcio(14), utf8(ref)),
      extension(fulcio(18), utf8(workflowAt(repository))),
    ];
    const base = {
      serial: this.#serial++,
      issuer: this.#caName,
      subject: seq(),
      notBefore: new Date(SIGNED_AT.getTime() - 60_000),
      notAfter: new Date(SIGNED_AT.getTime() + 600_000),
      spki: key.spki,
    };
    if (options.withoutSct) {
      return certificate(tbsCertificate({ ...base, extensions }), this.#ca.privateKey);
    }
    // RFC 6962 3.2: the SCT signs the certificate's TBS without the SCT extension.
    const precert = tbsCertificate({ ...base, extensions });
    const sct = this.#sct(precert);
    const sctList = concat([uint16(sct.length + 2), uint16(sct.length), sct]);
    const withSct = [...extensions, extension("1.3.6.1.4.1.11129.2.4.2", octets(sctList))];
    return certificate(tbsCertificate({ ...base, extensions: withSct }), this.#ca.privateKey);
  }

  #sct(precertTbs: Uint8Array): Uint8Array {
    const timestamp = new Uint8Array(8);
    new DataView(timestamp.buffer).setBigUint64(0, BigInt(SIGNED_AT.getTime()));
    const signed = concat([
      new Uint8Array([0, 0]), // v1, certificate_timestamp
      timestamp,
      uint16(1), // precert_entry
      sha256(this.#ca.spki),
      uint24(precertTbs.length),
      precertTbs,
      uint16(0), // no extensions
    ]);
    const signature = ecdsa(this.#ctlog.privateKey, signed);
    return concat([
      new Uint8Array([0]),
      sha256(this.#ctlog.spki),
      timestamp,
      uint16(0),
      new Uint8Array([4, 3]), // sha256, ecdsa
      uint16(signature.length),
      signature,
    ]);
  }

  #logEntry(
    payload: Uint8Array,
    signature: Uint8Array,
    leaf: Uint8Array,
    inclusion: "both" | "promise" | "proof",
  ): Record<string, unknown> {
    const pem = `-----BEGIN CERTIFICATE-----\n${b64(leaf)}\n-----END CERTIFICATE-----\n`;
    const body = text(JSON.stringify({
      apiVersion: "0.0.1",
      kind: "dsse",
      spec: {
        payloadHash: { algorithm: "sha256", value: hex(sha256(payload)) },
        signatures: [{ signature: b64(signature), verifier: b64(text(pem)) }],
      },
    }));
    const logId = sha256(this.#rekor.spki);
    const logIndex = this.#logIndex++;
    const integratedTime = Math.floor(SIGNED_AT.getTime() / 1000);
    const entry: Record<string, unknown> = {
      logIndex: String(logIndex),
      logId: { keyId: b64(logId) },
      kindVersion: { kind: "dsse", version: "0.0.1" },
      integratedTime: String(integratedTime),
      canonicalizedBody: b64(body),
    };
    if (inclusion !== "proof") {
      const promise = json.canonicalize({
        body: b64(body),
        integratedTime,
        logIndex,
        logID: hex(logId),
      });
      entry.inclusionPromise = {
        signedEntryTimestamp: b64(ecdsa(this.#rekor.privateKey, text(promise))),
      };
    }
    if (inclusion !== "promise") {
      // A log of one leaf: the root is the leaf hash and the proof has no hashes.
      const root = sha256(new Uint8Array([0]), body);
      const host = new URL(this.rekorUrl).host;
      const note = `${host} - 42\n1\n${b64(root)}\n`;
      const noteSignature = concat([logId.slice(0, 4), ecdsa(this.#rekor.privateKey, text(note))]);
      entry.inclusionProof = {
        logIndex: "0",
        rootHash: b64(root),
        treeSize: "1",
        hashes: [],
        checkpoint: { envelope: `${note}\n\u2014 ${host} ${b64(noteSignature)}\n` },
      };
    }
    return entry;
  }
}

/**
 * A PEP 740 provenance object holding `attestations` from one GitHub trusted publisher.
 *
 * @example
 * ```ts
 * import { provenanceOf } from "./_sigstore_testing.ts";
 * provenanceOf([]).version; // 1
 * ```
 */
export function provenanceOf(
  attestations: readonly Pep740Attestation[],
  publisher: Record<string, unknown> = {
    kind: "GitHub",
    repository: "acme/widgets",
    workflow: "release.yml",
    environment: null,
  },
): { version: 1; attestation_bundles: unknown[] } {
  return { version: 1, attestation_bundles: [{ publisher, attestations: [...attestations] }] };
}

/**
 * Hex sha256 of some bytes (for file digests in tests).
 *
 * @example
 * ```ts
 * import { sha256Hex } from "./_sigstore_testing.ts";
 * sha256Hex(new Uint8Array()).length; // 64
 * ```
 */
export function sha256Hex(bytes: Uint8Array): string {
  return hex(sha256(bytes));
}

function preAuthEncoding(payload: Uint8Array): Uint8Array {
  const type = "application/vnd.in-toto+json";
  return concat([text(`DSSEv1 ${type.length} ${type} ${payload.length} `), payload]);
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

function uint16(n: number): Uint8Array {
  return new Uint8Array([n >> 8, n & 0xff]);
}

function uint24(n: number): Uint8Array {
  return new Uint8Array([n >> 16, (n >> 8) & 0xff, n & 0xff]);
}
