/**
 * Model signatures (OpenSSF Model Signing, `model.sig`): each bundle as parsed, and the files on
 * disk under the model path it covers with their digests, computed now so that checks can verify
 * without touching the disk. Facts only: the bundle's claims are neither trusted nor verified
 * here; the unverified statement is looked at only to tell a single-file model from a directory
 * and to know the shard size of a sharded signature.
 *
 * What is recorded, for each signature:
 * - the model path: the directory holding the signature, or the file it names when the statement
 *   signs one file (resources `[{ name: "." }]` and a first subject naming a regular file next to
 *   the signature), or the `model` given by the caller;
 * - every entry under it, sorted, with POSIX paths: regular files with size and sha256 (and shard
 *   digests for a sharded signature), symlinks (their target hashed only when it is a regular file
 *   inside the project root), FIFOs, devices and sockets (never opened). Directory symlinks are not
 *   followed; the `.git` directory at the top of the model path is skipped, as `model_signing`
 *   leaves it out by default (one deeper down is recorded: the verifier decides what it ignores).
 *   The signature file itself is listed when it is under the model path; checks ignore it.
 *
 * @module
 */
import { lstat, realpath, stat } from "node:fs/promises";
import * as path from "node:path";
import type { Problem, Signature, SignedFile } from "../../core/snapshot.ts";
import { normaliseRelative } from "../fs.ts";
import { peekSignatureLayout, readSignatureBundle, type SignatureLayout } from "./_payload.ts";
import { type ModelWalkLimits, walkModelDirectory } from "./_walk.ts";
import { hashSignedFiles, planShards, type SignedFileJob } from "./_hash.ts";

/** The model walk and hashing `tollgate sign-model` shares with signature collection. */
export {
  type ModelEntry,
  type ModelWalk,
  type ModelWalkLimits,
  walkModelDirectory,
} from "./_walk.ts";
export { hashSignedFiles, type SignedFileJob } from "./_hash.ts";

/** The file name `model_signing` writes by default, found anywhere in the project tree. */
export const SIGNATURE_FILE_NAME = "model.sig";

/**
 * A signature to collect beside those found by name. Paths are relative to the project root.
 *
 * @example
 * ```ts
 * import type { SignatureSpec } from "./signatures.ts";
 * const spec: SignatureSpec = { signature: "release/bert.sig", model: "models/bert" };
 * ```
 */
export interface SignatureSpec {
  /** The signature bundle. */
  signature: string;
  /** The model directory or file it covers (default: found from the signature, see the module). */
  model?: string;
}

/** Limits of signature collection; the defaults suit real models. */
export interface SignatureLimits extends ModelWalkLimits {
  /** Largest bundle read, in bytes. Default 16 MiB. */
  maxBundleBytes?: number;
  /** Bytes read over all bundles of one collection, at most. Default 64 MiB. */
  maxTotalBundleBytes?: number;
  /** Nesting of arrays and objects in a bundle, at most. Default 64. */
  maxBundleDepth?: number;
  /** JSON values (arrays, objects, items) in a bundle, at most. Default 100,000. */
  maxBundleValues?: number;
  /** Signatures collected, at most; the rest are left out with a problem each. Default 1,000. */
  maxSignatures?: number;
  /** Shard digests recorded per signature, at most. Default 100,000. */
  maxShards?: number;
  /** Entries walked over all signatures of one collection, at most. Default 1,000,000. */
  maxTotalEntries?: number;
}

/** What {@linkcode collectSignatures} takes. */
export interface CollectSignaturesOptions {
  /** Absolute project root. */
  root: string;
  /** Project files from the tree walk (relative, `/`-separated): `model.sig` files are taken. */
  files: readonly string[];
  /** Signatures named by the caller (a spec for a found file replaces it). */
  specs?: readonly SignatureSpec[];
  /** Hashing workers (default: the pool's default; 0 hashes on this thread). */
  hashWorkers?: number;
  /** Progress of the hashing (files hashed, of total). */
  onProgress?: (done: number, total: number) => void;
  /** Lower limits, for tests. */
  limits?: SignatureLimits;
}

/** What {@linkcode collectSignatures} found. */
export interface SignaturesResult {
  /** One per signature, sorted by path. */
  signatures: Signature[];
  /** Unreadable bundles, model paths and incomplete walks, for the report's coverage. */
  problems: Problem[];
  /** The signature files read, with their format (`model signature` or `unreadable`). */
  inputs: Array<{ file: string; format: string }>;
}

/**
 * Collect every signature under `root`: `model.sig` files among `files` plus `specs`, each with
 * the files under its model path hashed (one hashing pool for all). Never writes, never opens
 * anything outside the root, never throws for what the project holds.
 *
 * @param options See {@linkcode CollectSignaturesOptions}.
 * @returns Signatures, problems and inputs.
 * @example
 * ```ts ignore
 * import { collectSignatures } from "./signatures.ts";
 * const { signatures } = await collectSignatures({
 *   root: "/srv/app",
 *   files: ["models/bert/model.sig"],
 * });
 * signatures[0].files.map((f) => `${f.path} ${f.sha256}`);
 * ```
 */
export async function collectSignatures(
  options: CollectSignaturesOptions,
): Promise<SignaturesResult> {
  const limits = options.limits ?? {};
  const rootReal = await realpath(options.root);
  const result: SignaturesResult = { signatures: [], problems: [], inputs: [] };
  const targets = new Map<string, SignatureSpec>();
  for (const file of options.files) {
    if (file === SIGNATURE_FILE_NAME || file.endsWith(`/${SIGNATURE_FILE_NAME}`)) {
      targets.set(file, { signature: file });
    }
  }
  for (const spec of options.specs ?? []) {
    const signature = normaliseRelative(spec.signature);
    if (signature === undefined || signature === ".") {
      result.problems.push({
        file: spec.signature || "(empty)",
        message: `${spec.signature}: signature path must name a file inside the project root`,
      });
      continue;
    }
    targets.set(signature, { signature, model: spec.model });
  }

  const jobs: SignedFileJob[] = [];
  let budget = limits.maxTotalEntries ?? 1_000_000;
  const maxSignatures = limits.maxSignatures ?? 1_000;
  const totalBytes = { used: 0, max: limits.maxTotalBundleBytes ?? 64 * 1024 * 1024 };
  const sorted = [...targets.values()].sort((a, b) => compare(a.signature, b.signature));
  for (const spec of sorted.slice(maxSignatures)) {
    result.problems.push({
      file: spec.signature,
      message: `${spec.signature}: more than ${maxSignatures} signatures in the project; ` +
        "this one was not read",
    });
    result.inputs.push({ file: spec.signature, format: "unreadable" });
  }
  for (const spec of sorted.slice(0, maxSignatures)) {
    const read = await readSignatureBundle({
      root: options.root,
      file: spec.signature,
      maxBytes: limits.maxBundleBytes,
      maxDepth: limits.maxBundleDepth,
      maxValues: limits.maxBundleValues,
      totalBytes,
    });
    totalBytes.used += read.bytes;
    const signature: Signature = {
      path: spec.signature,
      format: read.format,
      modelPath: dirOf(spec.signature),
      modelKind: "directory",
      bundle: read.bundle,
      files: [],
      truncated: false,
      issues: [],
    };
    result.signatures.push(signature);
    const problem = (message: string) => {
      signature.issues.push(message);
      result.problems.push({ file: spec.signature, message: `${spec.signature}: ${message}` });
    };
    result.inputs.push({
      file: spec.signature,
      format: read.issue ? "unreadable" : "model signature",
    });
    if (read.issue) problem(read.issue);
    const layout: SignatureLayout = read.bundle === undefined
      ? {}
      : peekSignatureLayout(read.bundle);
    if (layout.problem) signature.issues.push(layout.problem);

    const model = await resolveModel({ root: options.root, rootReal, spec, layout });
    signature.modelPath = model.path;
    signature.modelKind = model.kind;
    if (model.issue !== undefined || model.real === undefined) {
      problem(model.issue ?? "model path could not be resolved");
      continue;
    }
    const own: SignedFileJob[] = [];
    const addEntry = (entry: { path: string; kind: SignedFile["kind"]; absolute: string }) => {
      const record: SignedFile = { path: entry.path, kind: entry.kind };
      signature.files.push(record);
      if (entry.kind !== "other") {
        own.push({ record, kind: entry.kind, absolute: entry.absolute, issues: signature.issues });
      }
    };
    if (model.kind === "file") addEntry({ path: ".", kind: "file", absolute: model.real });
    else {
      const walk = await walkModelDirectory({
        directory: model.real,
        maxDepth: limits.maxDepth,
        maxEntries: Math.min(limits.maxEntries ?? 100_000, budget),
      });
      budget = Math.max(0, budget - walk.entries.length);
      for (const entry of walk.entries) addEntry(entry);
      signature.truncated = walk.truncated;
      for (const issue of walk.issues) problem(`under ${model.path}: ${issue}`);
    }
    if (layout.shardSize !== undefined) {
      const issue = await planShards(own, {
        rootReal,
        shardSize: layout.shardSize,
        legacy: layout.legacyShards ?? false,
        maxShards: limits.maxShards ?? 100_000,
      });
      if (issue) signature.issues.push(issue);
    }
    jobs.push(...own);
  }
  await hashSignedFiles(jobs, {
    rootReal,
    hashWorkers: options.hashWorkers,
    onProgress: options.onProgress,
  });
  return result;
}

/** Where the model is: its relative path, kind, and real path when it exists inside the root. */
async function resolveModel(options: {
  root: string;
  rootReal: string;
  spec: SignatureSpec;
  layout: SignatureLayout;
}): Promise<{ path: string; kind: Signature["modelKind"]; real?: string; issue?: string }> {
  const { root, rootReal, spec, layout } = options;
  const beside = dirOf(spec.signature);
  let relative = beside;
  if (spec.model !== undefined) {
    const given = normaliseRelative(spec.model);
    if (given === undefined) {
      return {
        path: spec.model,
        kind: "directory",
        issue: `model path ${spec.model} refers outside the project root; not read`,
      };
    }
    relative = given;
  } else if (layout.singleFile !== undefined) {
    const candidate = beside === "." ? layout.singleFile : `${beside}/${layout.singleFile}`;
    const info = await lstat(path.join(root, candidate)).catch(() => undefined);
    if (info?.isFile()) relative = candidate;
  }
  const kind = spec.model === undefined && relative !== beside ? "file" : "directory";
  let real: string;
  try {
    real = await realpath(path.join(root, relative));
  } catch {
    return { path: relative, kind, issue: `model path ${relative} does not exist` };
  }
  if (real !== rootReal && !real.startsWith(rootReal + path.sep)) {
    return {
      path: relative,
      kind,
      issue: `model path ${relative} resolves outside the project root; not read`,
    };
  }
  const info = await stat(real).catch(() => undefined);
  if (info?.isFile()) return { path: relative, kind: "file", real };
  if (info?.isDirectory()) return { path: relative, kind: "directory", real };
  return { path: relative, kind, issue: `model path ${relative} is not a file or a directory` };
}

function dirOf(file: string): string {
  return file.includes("/") ? file.slice(0, file.lastIndexOf("/")) : ".";
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
