/**
 * A look at the unverified statement inside an OpenSSF Model Signing bundle, for layout only:
 * whether the signature covers one file rather than a directory, and whether its files were
 * digested in shards (and how big). Nothing here is trusted or judged: the collector uses it to
 * decide what to hash; checks verify the bundle before believing any of it.
 *
 * @module
 */

/** What the unverified payload says about how the model was laid out when signed. */
export interface SignatureLayout {
  /**
   * The predicate's resources are a single entry named `.`: `model_signing` signed one file, whose
   * name is the statement's first subject name (when that is a plain file name).
   */
  singleFile?: string;
  /** Shard size when the files were digested in shards. */
  shardSize?: number;
  /**
   * The shard layout of `model_signing` before 1.0 (`DigestOfShardDigests`/`ShardDigests`
   * predicates): an empty file has one empty shard [0, 0). From 1.0 on it has none.
   */
  legacyShards?: boolean;
  /** Why a layout hint was present but not usable (kept for the signature's issues). */
  problem?: string;
}

const PREDICATE_V1 = "https://model_signing/signature/v1.0";
const LEGACY_SHARD_PREDICATES: ReadonlySet<string> = new Set([
  "https://model_signing/DigestOfShardDigests/v0.1",
  "https://model_signing/ShardDigests/v0.1",
]);
/** Legacy shard digests name their algorithm `file-sha256-<shard size>`. */
const LEGACY_SHARD_ALGORITHM = /^file-[a-z0-9]+-([0-9]{1,16})$/;

/**
 * Decode the DSSE payload of a Sigstore bundle (`dsseEnvelope.payload`, base64 of JSON) without
 * verifying anything. Never throws.
 *
 * @param bundle A parsed bundle (any JSON value).
 * @returns The parsed statement, or `undefined` when there is none or it is not base64 JSON.
 * @example
 * ```ts
 * import { decodeDssePayload } from "./_signatures_payload.ts";
 * const payload = btoa(JSON.stringify({ subject: [{ name: "m" }] }));
 * decodeDssePayload({ dsseEnvelope: { payload } }); // { subject: [{ name: "m" }] }
 * ```
 */
export function decodeDssePayload(bundle: unknown): unknown {
  const envelope = field(bundle, "dsseEnvelope");
  const payload = field(envelope, "payload");
  if (typeof payload !== "string") return undefined;
  try {
    const binary = atob(payload.replace(/\s+/g, "").replaceAll("-", "+").replaceAll("_", "/"));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
}

/**
 * Read the layout hints of an OMS bundle's unverified statement. Never throws, whatever the
 * bundle holds.
 *
 * @param bundle A parsed bundle (any JSON value).
 * @returns The layout; empty when the bundle says nothing usable.
 * @example
 * ```ts
 * import { peekSignatureLayout } from "./_signatures_payload.ts";
 * const statement = {
 *   subject: [{ name: "weights.bin" }],
 *   predicateType: "https://model_signing/signature/v1.0",
 *   predicate: {
 *     serialization: { method: "shards", shard_size: 1000000000 },
 *     resources: [{ name: "." }],
 *   },
 * };
 * peekSignatureLayout({ dsseEnvelope: { payload: btoa(JSON.stringify(statement)) } });
 * // { singleFile: "weights.bin", shardSize: 1000000000 }
 * ```
 */
export function peekSignatureLayout(bundle: unknown): SignatureLayout {
  const statement = decodeDssePayload(bundle);
  const predicateType = field(statement, "predicateType");
  const predicate = field(statement, "predicate");
  const subjects = field(statement, "subject");
  const layout: SignatureLayout = {};
  if (predicateType === PREDICATE_V1) {
    const resources = field(predicate, "resources");
    const firstSubject = Array.isArray(subjects) ? field(subjects[0], "name") : undefined;
    if (
      Array.isArray(resources) && resources.length === 1 && field(resources[0], "name") === "." &&
      typeof firstSubject === "string" && isPlainFileName(firstSubject)
    ) {
      layout.singleFile = firstSubject;
    }
    const serialization = field(predicate, "serialization");
    if (field(serialization, "method") === "shards") {
      const size = field(serialization, "shard_size");
      if (isShardSize(size)) layout.shardSize = size;
      else layout.problem = `the payload's shard_size is not a positive integer: ${show(size)}`;
    }
  } else if (typeof predicateType === "string" && LEGACY_SHARD_PREDICATES.has(predicateType)) {
    const entries = predicateType.endsWith("/ShardDigests/v0.1")
      ? (Array.isArray(subjects) ? subjects : []).map((s) =>
        field(field(s, "annotations"), "actual_hash_algorithm")
      )
      : (Array.isArray(field(predicate, "shards")) ? field(predicate, "shards") as unknown[] : [])
        .map((s) => field(s, "algorithm"));
    const sizes = new Set(
      entries.map((algorithm) =>
        typeof algorithm === "string" ? LEGACY_SHARD_ALGORITHM.exec(algorithm)?.[1] : undefined
      ),
    );
    const [only] = sizes;
    if (sizes.size === 1 && only !== undefined && isShardSize(Number(only))) {
      layout.shardSize = Number(only);
      layout.legacyShards = true;
    } else if (entries.length > 0) {
      layout.problem = "the payload's shard digests do not name one shard size";
    }
  }
  return layout;
}

/** A name `model_signing` would give a file next to the signature: one path segment. */
function isPlainFileName(name: string): boolean {
  return name.length > 0 && name.length <= 255 && name !== "." && name !== ".." &&
    !/[/\\\0]/.test(name);
}

function isShardSize(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0;
}

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
      Object.hasOwn(value, key)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
