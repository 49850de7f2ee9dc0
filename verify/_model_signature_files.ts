/**
 * Compares what a verified model signature says was signed with the files found on disk at
 * collect time: which signed files changed or disappeared, and which files nobody signed.
 *
 * @module
 */
import type { Signature, SignedFile } from "../core/snapshot.ts";

/** What the comparison needs from a verified OMS manifest. */
export interface SignedManifest {
  /** `files`: one digest per file; `shards`: one digest per byte range of each file. */
  method: "files" | "shards";
  /** Whether symbolic links were followed when signing. */
  allowSymlinks: boolean;
  /** Paths excluded when signing, relative to the model path. */
  ignorePaths: readonly string[];
  /** What was signed: a path (`.` for a single-file model), a range for shards, a hex digest. */
  resources: readonly { name: string; start?: number; end?: number; digest: string }[];
}

/**
 * Files git keeps beside a model, which `model_signing` leaves out of signatures by default (only
 * at the top of the model directory).
 */
export const GIT_PATHS: readonly string[] = [".git", ".gitattributes", ".github", ".gitignore"];

/** The differences between a signature's claims and the disk, each list sorted. */
export interface SignedFilesComparison {
  /** Signed files whose content differs now. */
  changed: string[];
  /** Signed files that are gone. */
  missing: string[];
  /** Files on disk that the signature does not cover and no ignore path excludes. */
  extra: string[];
  /** Symbolic links in a model signed without `allow_symlinks`. */
  symlinks: string[];
  /** Files that could not be hashed, with why. */
  unreadable: string[];
}

/**
 * Normalises an ignore path: POSIX separators, no leading `./`, no trailing `/`.
 *
 * @example
 * ```ts
 * import { normaliseIgnorePath } from "./_model_signature_files.ts";
 * normaliseIgnorePath("./logs/"); // "logs"
 * ```
 */
export function normaliseIgnorePath(path: string): string {
  let out = path.replaceAll("\\", "/");
  while (out.startsWith("./")) out = out.slice(2);
  while (out.endsWith("/") && out.length > 1) out = out.slice(0, -1);
  return out;
}

/** Whether `path` is `ignored` itself or inside it. */
function isUnder(path: string, ignored: string): boolean {
  return ignored === "." || path === ignored || path.startsWith(`${ignored}/`);
}

/**
 * The signature file's path relative to the model directory, when it lies inside it.
 *
 * @example
 * ```ts
 * import { signatureInsideModel } from "./_model_signature_files.ts";
 * signatureInsideModel({ path: "models/bert/model.sig", modelPath: "models/bert" }); // "model.sig"
 * ```
 */
export function signatureInsideModel(
  signature: Pick<Signature, "path" | "modelPath">,
): string | undefined {
  const model = signature.modelPath;
  if (model === ".") return signature.path;
  return signature.path.startsWith(`${model}/`)
    ? signature.path.slice(model.length + 1)
    : undefined;
}

/**
 * Compares a verified manifest with the files recorded under the signature's model path.
 * Ignored: the manifest's own ignore paths, `ignorePaths`, the signature file and git's files.
 *
 * @param options The manifest, the collected signature, extra ignore paths (relative to the model
 *   path).
 * @returns What changed, disappeared, was added, is a forbidden symlink or could not be read.
 * @example
 * ```ts
 * import { compareSignedFiles } from "./_model_signature_files.ts";
 * const result = compareSignedFiles({
 *   manifest: { method: "files", allowSymlinks: false, ignorePaths: [], resources: [{ name: "w.bin", digest: "aa" }] },
 *   signature: { path: "m/model.sig", format: "", modelPath: "m", modelKind: "directory", bundle: {}, truncated: false, issues: [],
 *     files: [{ path: "w.bin", kind: "file", size: 1, sha256: "bb" }, { path: "model.sig", kind: "file", size: 9, sha256: "cc" }] },
 *   ignorePaths: [],
 * });
 * result.changed; // ["w.bin"]
 * ```
 */
export function compareSignedFiles(options: {
  manifest: SignedManifest;
  signature: Signature;
  ignorePaths: readonly string[];
}): SignedFilesComparison {
  const { manifest, signature } = options;
  // model_signing 1.0.1+ records what it left out, git's files included; for older signatures
  // its verifier leaves out git's top-level files by default, so Tollgate does too.
  const defaults = manifest.ignorePaths.length > 0 ? [] : GIT_PATHS;
  const ignored = [...manifest.ignorePaths, ...options.ignorePaths, ...defaults]
    .map(normaliseIgnorePath).filter((p) => p !== "" && !p.startsWith("../"));
  const own = signatureInsideModel(signature);
  if (own !== undefined) ignored.push(own);
  const skip = (path: string) => ignored.some((i) => isUnder(path, i));

  const result: SignedFilesComparison = {
    changed: [],
    missing: [],
    extra: [],
    symlinks: [],
    unreadable: [],
  };
  // Every signed resource must match, ignored or not; ignore paths only excuse unsigned files.
  const onDisk = new Map(signature.files.map((f) => [f.path, f]));
  const signed = new Map<string, Map<string, string>>();
  for (const r of manifest.resources) {
    // Names as signed (the statement parser already refused `..`, absolute and duplicate paths):
    // rewriting them here could merge two signed entries into one.
    const path = r.name;
    const ranges = signed.get(path) ?? new Map<string, string>();
    ranges.set(manifest.method === "shards" ? `${r.start}:${r.end}` : "", r.digest.toLowerCase());
    signed.set(path, ranges);
  }

  for (const [path, ranges] of signed) {
    const file = onDisk.get(path);
    onDisk.delete(path);
    if (file === undefined) result.missing.push(path);
    else if (file.kind === "symlink" && !manifest.allowSymlinks) result.symlinks.push(path);
    else if (file.kind === "other") result.changed.push(`${path} (not a regular file)`);
    else if (file.error !== undefined) result.unreadable.push(`${path} (${file.error})`);
    else if (!sameContent(manifest.method, file, ranges)) result.changed.push(path);
  }
  for (const [path, file] of onDisk) {
    if (skip(path)) continue;
    // model_signing 1.0+ gives an empty file no shard at all: there is nothing to sign.
    if (manifest.method === "shards" && file.kind === "file" && file.shards?.length === 0) continue;
    if (file.kind === "symlink" && !manifest.allowSymlinks) result.symlinks.push(path);
    else result.extra.push(file.kind === "other" ? `${path} (not a regular file)` : path);
  }
  for (const list of Object.values(result)) list.sort();
  return result;
}

/** Whether the file's digests are exactly the signed ones. */
function sameContent(
  method: SignedManifest["method"],
  file: SignedFile,
  signed: Map<string, string>,
): boolean {
  if (method === "files") return file.sha256 !== undefined && file.sha256 === signed.get("");
  const shards = file.shards ?? [];
  if (shards.length !== signed.size) return false;
  return shards.every((s) => signed.get(`${s.start}:${s.end}`) === s.sha256);
}
