/**
 * An OpenSSF Model Signing bundle as the collector takes it: read within bounds (its size, its
 * share of all signatures' bytes, and a scan of the JSON text for nesting and size before it is
 * parsed, so a hostile `model.sig` cannot exhaust the stack or the heap later on), then a look at
 * the unverified statement inside, for layout only: whether the signature covers one file rather
 * than a directory, and whether its files were digested in shards (and how big). Nothing here is
 * trusted or judged: the collector uses it to decide what to hash; checks verify the bundle
 * before believing any of it.
 *
 * @module
 */
import { readBytesInRoot, ReadError, resolveInRoot } from "../fs.ts";

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

/** Bounds on reading one bundle; the defaults are far above what a Sigstore bundle holds. */
export interface BundleReadLimits {
  /** Largest bundle read, in bytes. Default 16 MiB. */
  maxBytes?: number;
  /** Nesting of arrays and objects, at most. Default 64 (a Sigstore bundle nests about 6). */
  maxDepth?: number;
  /** JSON values (arrays, objects and list or member items), at most. Default 100,000. */
  maxValues?: number;
}

/** A bundle read by {@linkcode readSignatureBundle}. */
export interface BundleRead {
  /** The parsed bundle; undefined when it could not be read or was refused. */
  bundle?: unknown;
  /** The bundle's `mediaType`, or `unknown`. */
  format: string;
  /** Why the bundle is missing or refused, for people. */
  issue?: string;
  /** Bytes read from disk (0 when nothing was read). */
  bytes: number;
}

const BUNDLE_DEFAULTS: Required<BundleReadLimits> = {
  maxBytes: 16 * 1024 * 1024,
  maxDepth: 64,
  maxValues: 100_000,
};

/**
 * Why a JSON text is too deeply nested or holds too many values to be parsed and kept, found by
 * one scan of the text: `[` and `{` outside strings open a level, `,` adds an item. Nothing is
 * parsed, so the scan costs no more memory than the text itself. The text need not be valid
 * JSON: whatever JSON.parse would reject stays its to reject.
 *
 * @param text The JSON text.
 * @param limits `maxDepth` (default 64) and `maxValues` (default 100,000).
 * @returns The reason, or undefined when the text is within the limits.
 * @example
 * ```ts
 * import { jsonShapeProblem } from "./_payload.ts";
 * jsonShapeProblem('{"a": [1, "[[["]}'); // undefined
 * jsonShapeProblem("[".repeat(65) + "]".repeat(65)); // "arrays and objects nested deeper than 64 levels"
 * ```
 */
export function jsonShapeProblem(
  text: string,
  limits: Pick<BundleReadLimits, "maxDepth" | "maxValues"> = {},
): string | undefined {
  const maxDepth = limits.maxDepth ?? BUNDLE_DEFAULTS.maxDepth;
  const maxValues = limits.maxValues ?? BUNDLE_DEFAULTS.maxValues;
  let depth = 0;
  let values = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character (\" included)
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return `arrays and objects nested deeper than ${maxDepth} levels`;
      if (++values > maxValues) return `more than ${maxValues} JSON values`;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) {
      depth--;
    } else if (c === 0x2c && ++values > maxValues) {
      return `more than ${maxValues} JSON values`;
    }
  }
  return undefined;
}

/**
 * Read and parse a signature bundle inside the project root. Failures and refusals come back as
 * an `issue` with no bundle and format `unknown`, never thrown: an unreadable file, one over
 * `maxBytes` or over what `totalBytes` leaves of the budget for all signatures, text that is not
 * UTF-8 or not JSON, and JSON nested or sized beyond {@linkcode jsonShapeProblem}'s limits.
 *
 * @param options `root` (absolute), `file` (relative), the {@linkcode BundleReadLimits}, and
 *   `totalBytes`: bytes of earlier bundles already `used` of the `max` for all of them.
 * @returns The bundle, its format, why it is missing, and the bytes read.
 * @example
 * ```ts ignore
 * import { readSignatureBundle } from "./_payload.ts";
 * const read = await readSignatureBundle({ root: "/srv/app", file: "models/bert/model.sig" });
 * read.format; // "application/vnd.dev.sigstore.bundle.v0.3+json"
 * ```
 */
export async function readSignatureBundle(
  options:
    & { root: string; file: string; totalBytes?: { used: number; max: number } }
    & BundleReadLimits,
): Promise<BundleRead> {
  const { root, file, totalBytes } = options;
  const maxBytes = options.maxBytes ?? BUNDLE_DEFAULTS.maxBytes;
  const refused = (issue: string, bytes = 0): BundleRead => ({ format: "unknown", issue, bytes });
  let text: string;
  let bytes: Uint8Array;
  try {
    const { size } = await resolveInRoot({ root, file });
    if (totalBytes !== undefined && size <= maxBytes && totalBytes.used + size > totalBytes.max) {
      return refused(
        `signature not read: its ${size} bytes would take the signatures read past the ` +
          `${totalBytes.max}-byte limit for all of them (${totalBytes.used} bytes read before it)`,
      );
    }
    bytes = await readBytesInRoot({ root, file, maxBytes });
  } catch (error) {
    const message = error instanceof ReadError
      ? error.message.replace(`${error.file}: `, "")
      : String(error);
    return refused(`signature unreadable: ${message}`);
  }
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return refused("signature unreadable: not valid UTF-8 text", bytes.length);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const shape = jsonShapeProblem(text, options);
  if (shape !== undefined) {
    return refused(
      `signature not parsed: ${shape} (a Sigstore bundle nests about 6 levels and holds a ` +
        "few dozen values)",
      bytes.length,
    );
  }
  let bundle: unknown;
  try {
    bundle = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return refused(`signature is not JSON (a Sigstore bundle is): ${reason}`, bytes.length);
  }
  const mediaType = field(bundle, "mediaType");
  return {
    bundle,
    format: typeof mediaType === "string" ? mediaType : "unknown",
    bytes: bytes.length,
  };
}

/**
 * Decode the DSSE payload of a Sigstore bundle (`dsseEnvelope.payload`, base64 of JSON) without
 * verifying anything. Never throws.
 *
 * @param bundle A parsed bundle (any JSON value).
 * @returns The parsed statement, or `undefined` when there is none or it is not base64 JSON.
 * @example
 * ```ts
 * import { decodeDssePayload } from "./_payload.ts";
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
 * import { peekSignatureLayout } from "./_payload.ts";
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
