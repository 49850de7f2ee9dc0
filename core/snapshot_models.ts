/**
 * Snapshot facts about models (references in code, files on disk, signatures) and MLOps services.
 *
 * @module
 */
import { z } from "zod";
import { Location } from "./location.ts";

/**
 * A model the project's code or config loads from a hub.
 *
 * @example
 * ```ts
 * import { ModelReference } from "./snapshot.ts";
 * ModelReference.parse({
 *   hub: "huggingface", repoId: "bert-base-uncased", loader: "from_pretrained",
 *   location: { file: "train.py", line: 3 },
 * });
 * ```
 */
export const ModelReference = z.object({
  hub: z.enum(["huggingface", "torch-hub"]),
  repoId: z.string().min(1).describe("'publisher/name', or 'name' for legacy canonical models"),
  publisher: z.string().optional(),
  revision: z.string().optional().describe("revision= as written, absent when not given"),
  revisionDynamic: z.boolean().optional().describe("revision= given but not a literal"),
  trustRemoteCode: z.union([z.boolean(), z.literal("dynamic")]).optional(),
  useSafetensors: z.union([z.boolean(), z.literal("dynamic")]).optional(),
  unresolved: z.string().optional().describe(
    "When the model id is computed at run time: the expression as written (repoId is then '?')",
  ),
  overridable: z.string().optional().describe(
    "An environment variable that replaces this id at run time (the id is its default)",
  ),
  customPipeline: z.string().optional().describe(
    "diffusers custom_pipeline= : pipeline code fetched from the Hub or GitHub and run",
  ),
  loader: z.string().describe("The call, e.g. 'AutoModel.from_pretrained', or 'config:<key>'"),
  location: Location,
});
/** A model the project loads from a hub. */
export type ModelReference = z.infer<typeof ModelReference>;

/**
 * A call in the project's code that deserialises a model or data file, with the options that
 * decide whether it can run code (`weights_only`, `allow_pickle`, `safe_mode`).
 *
 * @example
 * ```ts
 * import { LoaderCall } from "./snapshot_models.ts";
 * LoaderCall.parse({ call: "torch.load", options: {}, location: { file: "serve.py", line: 4 } });
 * ```
 */
export const LoaderCall = z.object({
  call: z.string().describe("Canonical name: torch.load, pickle.load, numpy.load, joblib.load…"),
  written: z.string().optional().describe("The callee as written, when it differs (np.load)"),
  options: z.record(z.string(), z.union([z.boolean(), z.literal("dynamic")]))
    .describe("Keyword options that matter, as literal booleans or 'dynamic'; absent = not given"),
  location: Location,
});
/** A call that deserialises a file. */
export type LoaderCall = z.infer<typeof LoaderCall>;

/**
 * A Python global a pickle imports (module + qualified name).
 *
 * @example
 * ```ts
 * import { PickleGlobal } from "./snapshot_models.ts";
 * PickleGlobal.parse({ module: "builtins", name: "eval" });
 * ```
 */
export const PickleGlobal = z.object({ module: z.string(), name: z.string() });
/** A Python global a pickle imports. */
export type PickleGlobal = z.infer<typeof PickleGlobal>;

/**
 * Something inside a model file that the loading stack follows besides pickle imports: a Keras
 * `Lambda` layer (Python bytecode) or module reference, a GGUF chat template (Jinja the serving
 * stack renders), an ONNX tensor's external-data path. Recorded as found; checks judge it.
 *
 * @example
 * ```ts
 * import { EmbeddedItem } from "./snapshot_models.ts";
 * EmbeddedItem.parse({ kind: "external-data", value: "../../etc/passwd", where: "weight" });
 * ```
 */
export const EmbeddedItem = z.object({
  kind: z.enum(["keras-lambda", "keras-module", "chat-template", "external-data"]),
  value: z.string().describe(
    "Layer name (lambda), module.class (module), template text, or the external path",
  ),
  where: z.string().optional().describe("Member, metadata key or tensor it was found in"),
});
/** Something a model file's loader follows besides pickle imports. */
export type EmbeddedItem = z.infer<typeof EmbeddedItem>;

/**
 * A model file on disk, identified by content.
 *
 * @example
 * ```ts
 * import { Artifact } from "./snapshot.ts";
 * Artifact.parse({ path: "models/clf.pkl", format: "pickle", size: 120, globals: [], issues: [] });
 * ```
 */
export const Artifact = z.object({
  path: z.string().min(1),
  format: z.enum([
    "pickle",
    "pytorch-zip",
    "pytorch-legacy",
    "joblib",
    "npy",
    "npy-pickle",
    "npz",
    "safetensors",
    "onnx",
    "gguf",
    "keras",
    "unknown",
  ]),
  size: z.number().int().min(0),
  sha256: z.string().optional(),
  globals: z.array(PickleGlobal).describe("Globals imported by embedded pickles"),
  embedded: z.array(EmbeddedItem).default([]).describe(
    "Code and references the loader follows besides pickle imports",
  ),
  issues: z.array(z.string()).describe(
    "Why the file could not be read completely (damage, limits, unsupported encodings); " +
      "a non-empty list means the file was not fully scanned",
  ),
  foundBy: z.enum(["name", "content"]).optional().describe(
    "'content' when the project walk recognised the file by sniffing its first bytes",
  ),
});
/** A model file on disk. */
export type Artifact = z.infer<typeof Artifact>;

/**
 * One file found under a signed model path, with the digests the signature's serialization needs,
 * computed at collect time. Nothing here is taken from the (unverified) signature itself.
 *
 * @example
 * ```ts
 * import { SignedFile } from "./snapshot_models.ts";
 * SignedFile.parse({ path: "weights/model.safetensors", kind: "file", size: 4, sha256: "ab" });
 * ```
 */
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
/** One file under a signed model path. */
export type SignedFile = z.infer<typeof SignedFile>;

/**
 * A model signature (OpenSSF Model Signing `model.sig`, a Sigstore bundle) and the files on disk
 * under the model path it covers, hashed at collect time. The bundle is recorded as parsed and is
 * not trusted: checks verify it cryptographically (pure computation) before reading its claims.
 *
 * @example
 * ```ts
 * import { Signature } from "./snapshot_models.ts";
 * Signature.parse({
 *   path: "models/bert/model.sig",
 *   format: "application/vnd.dev.sigstore.bundle.v0.3+json",
 *   modelPath: "models/bert",
 *   bundle: {},
 *   files: [],
 * });
 * ```
 */
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
/** A model signature bundle and the files it may cover. */
export type Signature = z.infer<typeof Signature>;

/**
 * An MLOps service definition (compose service, Kubernetes container, Dockerfile CMD…).
 *
 * @example
 * ```ts
 * import { Service } from "./snapshot_models.ts";
 * Service.parse({ kind: "mlflow", bind: "0.0.0.0:5000", secrets: [], location: { file: "compose.yaml", line: 4 } });
 * ```
 */
export const Service = z.object({
  kind: z.string().describe("e.g. 'mlflow', 'jupyter', 'tensorboard'"),
  bind: z.string().optional(),
  authentication: z.boolean().optional(),
  secrets: z.array(z.object({ name: z.string(), location: Location })),
  location: Location,
});
/** An MLOps service definition. */
export type Service = z.infer<typeof Service>;

/**
 * One CODEOWNERS rule.
 *
 * @example
 * ```ts
 * import { OwnerRule } from "./snapshot_models.ts";
 * OwnerRule.parse({ pattern: "requirements*.txt", owners: ["@ml-platform"], location: { file: "CODEOWNERS", line: 1 } });
 * ```
 */
export const OwnerRule = z.object({
  pattern: z.string(),
  owners: z.array(z.string()),
  location: Location,
});
/** One CODEOWNERS rule. */
export type OwnerRule = z.infer<typeof OwnerRule>;
