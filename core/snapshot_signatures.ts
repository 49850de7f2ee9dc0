/**
 * Snapshot facts about model signatures: the signature files found, and the files on disk under
 * the model path each one covers, hashed at collect time.
 *
 * @module
 */
import { z } from "zod";
import type { Assert, Same } from "./_same_type.ts";

/**
 * One file found under a signed model path, with the digests the signature's serialization needs,
 * computed at collect time. Nothing here is taken from the (unverified) signature itself.
 *
 * @example
 * ```ts
 * import { SignedFile } from "./snapshot.ts";
 * const file: SignedFile = SignedFile.parse({
 *   path: "weights/model.safetensors",
 *   kind: "file",
 *   size: 4,
 *   sha256: "ab",
 * });
 * ```
 */
export interface SignedFile {
  /** POSIX path relative to the model path ('.' when the model is one file). Never empty. */
  path: string;
  /**
   * 'symlink': a symbolic link (its target's content is hashed when it is a regular file inside
   * the project root); 'other': a FIFO, device or socket, never opened.
   */
  kind: "file" | "symlink" | "other";
  /** Size in bytes. */
  size?: number;
  /** Hex digest of the whole content. */
  sha256?: string;
  /** Digests of [start, end) ranges, for the 'shards' serialization. */
  shards?: {
    /** First byte of the range. */
    start: number;
    /** One past its last byte. */
    end: number;
    /** Hex digest of the range. */
    sha256: string;
  }[];
  /** Why the file could not be hashed. */
  error?: string;
}

/** @ignore The zod schema of {@linkcode SignedFile}. */
export const SignedFile = z.object({
  path: z.string().min(1).describe(
    "POSIX path relative to the model path ('.' when the model is one file)",
  ),
  kind: z.enum(["file", "symlink", "other"]).describe(
    "'symlink': a symbolic link (its target's content is hashed when it is a regular file " +
      "inside the project root); 'other': a FIFO, device or socket, never opened",
  ),
  size: z.number().int().min(0).optional(),
  sha256: z.string().optional().describe("Hex digest of the whole content"),
  shards: z.array(z.object({
    start: z.number().int().min(0),
    end: z.number().int().min(0),
    sha256: z.string(),
  })).optional().describe("Digests of [start, end) ranges, for the 'shards' serialization"),
  error: z.string().optional().describe("Why the file could not be hashed"),
});
type _SignedFile = Assert<Same<z.output<typeof SignedFile>, SignedFile>>;

/**
 * A model signature (OpenSSF Model Signing `model.sig`, a Sigstore bundle) and the files on disk
 * under the model path it covers, hashed at collect time. The bundle is recorded as parsed and is
 * not trusted: checks verify it cryptographically (pure computation) before reading its claims.
 *
 * @example
 * ```ts
 * import { Signature } from "./snapshot.ts";
 * const signature: Signature = Signature.parse({
 *   path: "models/bert/model.sig",
 *   format: "application/vnd.dev.sigstore.bundle.v0.3+json",
 *   modelPath: "models/bert",
 *   bundle: {},
 *   files: [],
 * });
 * ```
 */
export interface Signature {
  /** The signature file, relative to the project root. Never empty. */
  path: string;
  /** The bundle's mediaType, or 'unknown' when the file is not a Sigstore bundle. */
  format: string;
  /** Directory or file the signature covers, relative to the project root ('.' for the root). */
  modelPath: string;
  /** Whether `modelPath` is a directory or one file (default directory). */
  modelKind: "directory" | "file";
  /** The bundle as parsed JSON (undefined when unreadable). */
  bundle: unknown;
  /** Every entry under modelPath, sorted by path. */
  files: SignedFile[];
  /** True when the file walk stopped at a limit, so `files` is incomplete (default false). */
  truncated: boolean;
  /** Why the signature or the model path could not be read completely (default empty). */
  issues: string[];
}

/** @ignore The zod schema of {@linkcode Signature}. */
export const Signature = z.object({
  path: z.string().min(1).describe("The signature file, relative to the project root"),
  format: z.string().describe(
    "The bundle's mediaType, or 'unknown' when the file is not a Sigstore bundle",
  ),
  modelPath: z.string().describe(
    "Directory or file the signature covers, relative to the project root ('.' for the root)",
  ),
  modelKind: z.enum(["directory", "file"]).default("directory"),
  bundle: z.unknown().describe("The bundle as parsed JSON (undefined when unreadable)"),
  files: z.array(SignedFile).describe("Every entry under modelPath, sorted by path"),
  truncated: z.boolean().default(false).describe(
    "True when the file walk stopped at a limit, so `files` is incomplete",
  ),
  issues: z.array(z.string()).default([]).describe(
    "Why the signature or the model path could not be read completely",
  ),
});
type _Signature = Assert<Same<z.output<typeof Signature>, Signature>>;
