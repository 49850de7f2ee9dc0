/**
 * The in-toto statement inside an OpenSSF Model Signing (OMS) signature, parsed into one typed
 * manifest. Two forms exist: the `https://model_signing/signature/v1.0` predicate (model_signing
 * v0.3 and later: one subject naming the model, the files in `predicate.resources`) and the
 * `https://model_signing/Digests/v0.1` predicate of v0.2 (one subject per file). Pure: no I/O.
 *
 * @module
 */
import { isRecord } from "../packaging/mod.ts";
import { createHash } from "node:crypto";

/** The in-toto statement type every OMS payload uses. */
export const IN_TOTO_STATEMENT_V1 = "https://in-toto.io/Statement/v1";
/** The OMS predicate type written by model_signing v0.3 and later. */
export const OMS_PREDICATE_V1 = "https://model_signing/signature/v1.0";
/** The predicate type written by model_signing v0.2 (one subject per file). */
export const OMS_PREDICATE_DIGESTS_V01 = "https://model_signing/Digests/v0.1";

/** One signed object: a whole file ("files") or a byte range of one ("shards"). */
export interface OmsResource {
  /** POSIX path relative to the model path; "." when the model is a single file. */
  name: string;
  /** First byte of the shard (included); only for the "shards" serialization. */
  start?: number;
  /** End of the shard (excluded); only for the "shards" serialization. */
  end?: number;
  /** Lower-case hex sha256 digest. */
  digest: string;
}

/** What an OMS signature claims about a model, whichever predicate form carried it. */
export interface OmsManifest {
  predicateType: string;
  /** Informative name of the model (last path component when signed); "" for v0.2 statements. */
  modelName: string;
  method: "files" | "shards";
  hashType: "sha256";
  shardSize?: number;
  allowSymlinks: boolean;
  /** Paths the signer excluded (from the predicate; [] when absent). */
  ignorePaths: string[];
  resources: OmsResource[];
}

/** The result of {@link parseOmsStatement}. */
export type OmsStatementResult =
  | { ok: true; manifest: OmsManifest }
  | { ok: false; message: string };

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;
const MAX_RESOURCES = 1_000_000;
const MAX_IGNORE_PATHS = 10_000;
const MAX_SUBJECTS = 1_000_000;

type Json = Record<string, unknown>;

class StatementError extends Error {}

/** Own property only: a hostile statement must not reach Object.prototype members. */
function field(object: Json, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

function fail(message: string): never {
  throw new StatementError(message);
}

/**
 * Normalise a resource path the way Python's PurePosixPath does (repeated slashes and "." parts
 * dropped), and refuse paths that could not name a file under the model path.
 */
function normaliseResourcePath(raw: unknown, where: string): string {
  if (typeof raw !== "string" || raw.length === 0) fail(`${where} has no name`);
  if (raw.length > 4096) fail(`${where} has a name longer than 4096 characters`);
  if (raw.includes("\0")) fail(`${where} has a name with a NUL character`);
  if (raw.startsWith("/")) fail(`${where} names an absolute path ${JSON.stringify(raw)}`);
  const parts = raw.split("/").filter((part) => part !== "" && part !== ".");
  if (parts.includes("..")) fail(`${where} names a path outside the model: ${JSON.stringify(raw)}`);
  return parts.length === 0 ? "." : parts.join("/");
}

function hexDigest(raw: unknown, where: string): string {
  if (typeof raw !== "string" || !HEX_SHA256.test(raw)) {
    fail(`${where} has no 64-digit hex sha256 digest`);
  }
  return raw.toLowerCase();
}

function offset(raw: string, what: string, where: string): number {
  if (!/^\d{1,15}$/.test(raw)) fail(`${where} has a ${what} offset that is not a whole number`);
  return Number(raw);
}

function parseResources(predicate: Json, method: "files" | "shards"): OmsResource[] {
  const list = field(predicate, "resources");
  if (!Array.isArray(list)) fail("predicate.resources is not a list");
  if (list.length > MAX_RESOURCES) {
    fail(`predicate.resources has more than ${MAX_RESOURCES} entries`);
  }
  const seen = new Set<string>();
  return list.map((entry, index) => {
    const where = `predicate.resources[${index}]`;
    if (!isRecord(entry)) fail(`${where} is not an object`);
    const algorithm = field(entry, "algorithm");
    if (algorithm !== "sha256") {
      fail(`${where} uses digest algorithm ${JSON.stringify(algorithm)}; only sha256 is supported`);
    }
    const digest = hexDigest(field(entry, "digest"), where);
    const name = field(entry, "name");
    let resource: OmsResource;
    if (method === "shards") {
      const parts = typeof name === "string" ? name.split(":") : [];
      if (parts.length !== 3) fail(`${where} is not named "path:start:end"`);
      const start = offset(parts[1], "start", where);
      const end = offset(parts[2], "end", where);
      if (end < start) fail(`${where} ends before it starts`);
      resource = { name: normaliseResourcePath(parts[0], where), start, end, digest };
    } else {
      resource = { name: normaliseResourcePath(name, where), digest };
    }
    const key = `${resource.name}\0${resource.start ?? ""}\0${resource.end ?? ""}`;
    if (seen.has(key)) fail(`${where} repeats ${JSON.stringify(name)}`);
    seen.add(key);
    return resource;
  });
}

function parseIgnorePaths(serialization: Json): string[] {
  const raw = field(serialization, "ignore_paths");
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw) || raw.length > MAX_IGNORE_PATHS) {
    fail("predicate.serialization.ignore_paths is not a list of paths");
  }
  return raw.map((path, index) => {
    if (typeof path !== "string" || path.length === 0 || path.length > 4096) {
      fail(`predicate.serialization.ignore_paths[${index}] is not a path`);
    }
    return path;
  });
}

/** model_signing v0.2 wrote booleans of the serialization as strings ("false"). */
function parseBoolean(raw: unknown, where: string): boolean {
  if (raw === undefined || raw === false || raw === "false" || raw === "False") return false;
  if (raw === true || raw === "true" || raw === "True") return true;
  fail(`${where} is not a boolean`);
}

/**
 * The sha256 over the raw bytes of the resource digests in the given order: the subject digest
 * model_signing v1.0 writes (the signer lists resources sorted), and the verifier recomputes.
 *
 * @example
 * ```ts
 * import { omsSubjectDigest } from "./_oms_statement.ts";
 * omsSubjectDigest([{ digest: "00".repeat(32) }]).length; // 64
 * ```
 */
export function omsSubjectDigest(resources: readonly { digest: string }[]): string {
  const hash = createHash("sha256");
  for (const resource of resources) hash.update(Uint8Array.from(hexBytes(resource.digest)));
  return hash.digest("hex");
}

function hexBytes(hex: string): number[] {
  const bytes: number[] = [];
  for (let i = 0; i + 1 < hex.length; i += 2) bytes.push(parseInt(hex.slice(i, i + 2), 16));
  return bytes;
}

function parseV1(statement: Json): OmsManifest {
  const subjects = field(statement, "subject");
  if (!Array.isArray(subjects) || subjects.length !== 1) {
    fail("the statement must have exactly one subject (the model)");
  }
  const subject = subjects[0];
  if (!isRecord(subject)) fail("subject[0] is not an object");
  const modelName = field(subject, "name");
  if (typeof modelName !== "string") fail("subject[0].name is not a string");
  const subjectDigests = field(subject, "digest");
  if (!isRecord(subjectDigests)) fail("subject[0].digest is not an object");
  const claimed = hexDigest(field(subjectDigests, "sha256"), "subject[0]");
  const predicate = field(statement, "predicate");
  if (!isRecord(predicate)) fail("the statement has no predicate object");
  const serialization = field(predicate, "serialization");
  if (!isRecord(serialization)) fail("predicate.serialization is not an object");
  const method = field(serialization, "method");
  if (method !== "files" && method !== "shards") {
    fail(`predicate.serialization.method ${JSON.stringify(method)} is not "files" or "shards"`);
  }
  const hashType = field(serialization, "hash_type");
  if (hashType !== "sha256") {
    fail(`predicate.serialization.hash_type ${JSON.stringify(hashType)} is not supported (sha256)`);
  }
  let shardSize: number | undefined;
  if (method === "shards") {
    const raw = field(serialization, "shard_size");
    if (typeof raw !== "number" || !Number.isSafeInteger(raw) || raw <= 0) {
      fail("predicate.serialization.shard_size is not a positive whole number");
    }
    shardSize = raw;
  }
  const resources = parseResources(predicate, method);
  const computed = omsSubjectDigest(resources);
  if (computed !== claimed) {
    fail(`subject digest ${claimed} does not match the resources, which hash to ${computed}`);
  }
  return {
    predicateType: OMS_PREDICATE_V1,
    modelName,
    method,
    hashType: "sha256",
    ...(shardSize === undefined ? {} : { shardSize }),
    allowSymlinks: parseBoolean(
      field(serialization, "allow_symlinks"),
      "predicate.serialization.allow_symlinks",
    ),
    ignorePaths: parseIgnorePaths(serialization),
    resources,
  };
}

function parseDigestsV01(statement: Json): OmsManifest {
  const subjects = field(statement, "subject");
  if (!Array.isArray(subjects)) fail("the statement has no subject list");
  if (subjects.length > MAX_SUBJECTS) fail(`the statement has more than ${MAX_SUBJECTS} subjects`);
  const seen = new Set<string>();
  const resources = subjects.map((subject, index) => {
    const where = `subject[${index}]`;
    if (!isRecord(subject)) fail(`${where} is not an object`);
    const digests = field(subject, "digest");
    if (!isRecord(digests)) fail(`${where}.digest is not an object`);
    const resource = {
      name: normaliseResourcePath(field(subject, "name"), where),
      digest: hexDigest(field(digests, "sha256"), where),
    };
    if (seen.has(resource.name)) fail(`${where} repeats ${JSON.stringify(resource.name)}`);
    seen.add(resource.name);
    return resource;
  });
  return {
    predicateType: OMS_PREDICATE_DIGESTS_V01,
    modelName: "",
    method: "files",
    hashType: "sha256",
    allowSymlinks: false,
    ignorePaths: [],
    resources,
  };
}

/**
 * Parse the DSSE payload of an OMS signature (an in-toto statement v1) into a manifest. Checks the
 * statement type, the predicate type, the serialization and every resource, and that the subject
 * digest agrees with the resources. Never throws: a payload that is not a well-formed OMS
 * statement comes back as `{ ok: false, message }`. Call it only on a payload whose signature was
 * verified; it does not look at signatures.
 *
 * @param payload The decoded DSSE payload bytes (UTF-8 JSON).
 * @returns The manifest, or why the payload is not an OMS statement.
 * @example
 * ```ts
 * import { parseOmsStatement } from "./_oms_statement.ts";
 * const statement = {
 *   _type: "https://in-toto.io/Statement/v1",
 *   subject: [{ name: "f", digest: { sha256: "ab".repeat(32) } }],
 *   predicateType: "https://model_signing/Digests/v0.1",
 *   predicate: {},
 * };
 * const result = parseOmsStatement(new TextEncoder().encode(JSON.stringify(statement)));
 * if (result.ok) result.manifest.resources[0].name; // "f"
 * ```
 */
export function parseOmsStatement(payload: Uint8Array): OmsStatementResult {
  try {
    let statement: unknown;
    try {
      statement = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(payload));
    } catch {
      return { ok: false, message: "the signed payload is not UTF-8 JSON" };
    }
    if (!isRecord(statement)) return { ok: false, message: "the signed payload is not an object" };
    const type = field(statement, "_type");
    if (type !== IN_TOTO_STATEMENT_V1) {
      return {
        ok: false,
        message: `the signed payload is not an in-toto statement v1 (_type ${
          JSON.stringify(type)?.slice(0, 100)
        })`,
      };
    }
    const predicateType = field(statement, "predicateType");
    if (predicateType === OMS_PREDICATE_V1) return { ok: true, manifest: parseV1(statement) };
    if (predicateType === OMS_PREDICATE_DIGESTS_V01) {
      return { ok: true, manifest: parseDigestsV01(statement) };
    }
    return {
      ok: false,
      message: `predicate type ${
        JSON.stringify(predicateType)?.slice(0, 100)
      } is not an OpenSSF Model Signing predicate (${OMS_PREDICATE_V1})`,
    };
  } catch (error) {
    if (error instanceof StatementError) return { ok: false, message: error.message };
    return { ok: false, message: "the signed payload could not be read as an OMS statement" };
  }
}
