/**
 * Writing OpenSSF Model Signing (OMS) signatures: the in-toto statement model_signing v1.x
 * writes (predicate `https://model_signing/signature/v1.0`), and a Sigstore bundle v0.3 signing
 * it with a private key (ECDSA P-256/P-384/P-521 or Ed25519), with the public key named by its
 * hint as model_signing v1.1 does. Pure: the caller hashes the files and writes the bundle.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { createPrivateKey, createPublicKey, sign } from "node:crypto";
import { dssePae, IN_TOTO_PAYLOAD_TYPE } from "./_oms_envelope.ts";
import { omsKeyHint, signatureDigest } from "./_oms_keys.ts";
import { IN_TOTO_STATEMENT_V1, OMS_PREDICATE_V1, omsSubjectDigest } from "./_oms_statement.ts";

/** The in-toto statement of an OMS v1.0 signature, as JSON. */
export interface OmsStatement {
  _type: typeof IN_TOTO_STATEMENT_V1;
  subject: { name: string; digest: { sha256: string } }[];
  predicateType: typeof OMS_PREDICATE_V1;
  predicate: {
    serialization: {
      method: "files" | "shards";
      hash_type: "sha256";
      allow_symlinks: boolean;
      shard_size?: number;
      ignore_paths: string[];
    };
    resources: { name: string; algorithm: "sha256"; digest: string }[];
  };
}

/** A file (or, for "shards", a byte range of one) and its hex sha256 digest. */
export interface OmsSignedResource {
  /** POSIX path relative to the model path; "." when the model is one file. */
  name: string;
  digest: string;
  start?: number;
  end?: number;
}

/** Options of {@link buildOmsStatement}. */
export interface BuildOmsStatementOptions {
  /** Informative model name: the last component of the model path. */
  modelName: string;
  method: "files" | "shards";
  resources: readonly OmsSignedResource[];
  /** Paths excluded from signing, recorded in the predicate. */
  ignorePaths?: readonly string[];
  allowSymlinks?: boolean;
  /** Shard size in bytes; required for "shards". */
  shardSize?: number;
}

/** Compare as Python compares (path components, code points), then shard offsets. */
function compareResources(a: OmsSignedResource, b: OmsSignedResource): number {
  const left = a.name.split("/");
  const right = b.name.split("/");
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    if (left[i] !== right[i]) {
      const x = [...left[i]].map((c) => c.codePointAt(0)!);
      const y = [...right[i]].map((c) => c.codePointAt(0)!);
      for (let j = 0; j < Math.min(x.length, y.length); j++) {
        if (x[j] !== y[j]) return x[j] - y[j];
      }
      return x.length - y.length;
    }
  }
  return left.length - right.length || (a.start ?? 0) - (b.start ?? 0) ||
    (a.end ?? 0) - (b.end ?? 0);
}

/**
 * Build the in-toto statement model_signing v1.x writes: resources sorted by path (then shard
 * start), one subject naming the model with the sha256 over the resource digests in that order.
 * Throws on a digest that is not 64 hex digits or a "shards" resource without offsets.
 *
 * @example
 * ```ts
 * import { buildOmsStatement } from "./_oms_sign.ts";
 * const statement = buildOmsStatement({
 *   modelName: "bert",
 *   method: "files",
 *   resources: [{ name: "b.bin", digest: "00".repeat(32) }, { name: "a.bin", digest: "11".repeat(32) }],
 * });
 * statement.predicate.resources[0].name; // "a.bin"
 * ```
 */
export function buildOmsStatement(options: BuildOmsStatementOptions): OmsStatement {
  const sorted = [...options.resources].sort(compareResources);
  for (const resource of sorted) {
    if (!/^[0-9a-fA-F]{64}$/.test(resource.digest)) {
      throw new Error(`resource ${resource.name} has no 64-digit hex sha256 digest`);
    }
    if (
      options.method === "shards" && (resource.start === undefined || resource.end === undefined)
    ) {
      throw new Error(`resource ${resource.name} has no shard start and end`);
    }
  }
  if (
    options.method === "shards" &&
    !(Number.isSafeInteger(options.shardSize) && options.shardSize! > 0)
  ) {
    throw new Error("the shards serialization needs a positive shardSize");
  }
  const resources = sorted.map((resource) => ({
    name: options.method === "shards"
      ? `${resource.name}:${resource.start}:${resource.end}`
      : resource.name,
    algorithm: "sha256" as const,
    digest: resource.digest.toLowerCase(),
  }));
  return {
    _type: IN_TOTO_STATEMENT_V1,
    subject: [{ name: options.modelName, digest: { sha256: omsSubjectDigest(resources) } }],
    predicateType: OMS_PREDICATE_V1,
    predicate: {
      serialization: {
        method: options.method,
        hash_type: "sha256",
        allow_symlinks: options.allowSymlinks ?? false,
        ...(options.method === "shards" ? { shard_size: options.shardSize } : {}),
        ignore_paths: [...new Set(options.ignorePaths ?? [])],
      },
      resources,
    },
  };
}

/** A Sigstore bundle v0.3 JSON object as {@link signOmsBundle} writes it. */
export interface OmsSignedBundle {
  mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json";
  verificationMaterial: { publicKey: { hint: string }; tlogEntries: never[] };
  dsseEnvelope: {
    payload: string;
    payloadType: typeof IN_TOTO_PAYLOAD_TYPE;
    signatures: { sig: string; keyid: string }[];
  };
}

/**
 * Sign a statement into a Sigstore bundle v0.3 (the layout model_signing v1.1 writes for key
 * signing): DSSE envelope over the statement's JSON, ECDSA (DER, digest by curve) or Ed25519
 * signature over the PAE, and `verificationMaterial.publicKey.hint` naming the public key.
 * Throws when the key is not a PEM private key of a supported type.
 *
 * @example
 * ```ts
 * import { generateKeyPairSync } from "node:crypto";
 * import { buildOmsStatement, signOmsBundle } from "./_oms_sign.ts";
 * const { privateKey } = generateKeyPairSync("ed25519");
 * const bundle = signOmsBundle({
 *   statement: buildOmsStatement({ modelName: "m", method: "files", resources: [] }),
 *   privateKeyPem: String(privateKey.export({ type: "pkcs8", format: "pem" })),
 * });
 * bundle.dsseEnvelope.payloadType; // "application/vnd.in-toto+json"
 * ```
 */
export function signOmsBundle(options: {
  statement: OmsStatement | Record<string, unknown>;
  privateKeyPem: string;
}): OmsSignedBundle {
  let privateKey;
  try {
    privateKey = createPrivateKey(options.privateKeyPem);
  } catch {
    throw new Error("the signing key is not a PEM private key (PKCS#8 or SEC1, unencrypted)");
  }
  const publicKey = createPublicKey(privateKey);
  const digest = signatureDigest(publicKey);
  if (digest === undefined) {
    throw new Error(
      `signing key type ${publicKey.asymmetricKeyType} is not supported (ECDSA P-256, P-384, P-521 or Ed25519)`,
    );
  }
  const payload = new TextEncoder().encode(JSON.stringify(options.statement, null, 2));
  const signature = sign(digest, dssePae(IN_TOTO_PAYLOAD_TYPE, payload), privateKey);
  return {
    mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json",
    verificationMaterial: { publicKey: { hint: omsKeyHint(publicKey) }, tlogEntries: [] },
    dsseEnvelope: {
      payload: Buffer.from(payload).toString("base64"),
      payloadType: IN_TOTO_PAYLOAD_TYPE,
      signatures: [{ sig: Buffer.from(signature).toString("base64"), keyid: "" }],
    },
  };
}
