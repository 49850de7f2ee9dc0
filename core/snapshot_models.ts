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
  issues: z.array(z.string()).describe("Structural problems found while reading the file"),
});
/** A model file on disk. */
export type Artifact = z.infer<typeof Artifact>;

/**
 * A model signature bundle (OpenSSF Model Signing) and the digests of the files it covers,
 * computed at collect time. Cryptographic verification happens in the check, from `bundle`.
 *
 * @example
 * ```ts
 * import { Signature } from "./snapshot_models.ts";
 * Signature.parse({ path: "model.sig", format: "oms/sigstore-bundle-v0.3", modelPath: ".", bundle: {}, files: [] });
 * ```
 */
export const Signature = z.object({
  path: z.string().min(1),
  format: z.string().describe("e.g. 'oms/sigstore-bundle-v0.3'"),
  modelPath: z.string().describe("Directory or file the signature covers"),
  bundle: z.unknown().describe("The bundle as parsed JSON"),
  files: z.array(
    z.object({
      path: z.string(),
      signedDigest: z.string().optional(),
      actualDigest: z.string().optional(),
    }),
  ),
});
/** A model signature bundle. */
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
