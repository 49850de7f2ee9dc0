/**
 * Snapshot facts about models: references in code and config, deserialising calls, and model
 * files on disk.
 *
 * @module
 */
import { z } from "zod";
import type { Assert, Same } from "./_same_type.ts";
import { Location } from "./location.ts";

/**
 * A model the project's code or config loads from a hub.
 *
 * @example
 * ```ts
 * import { ModelReference } from "./snapshot.ts";
 * const bert: ModelReference = ModelReference.parse({
 *   hub: "huggingface", repoId: "bert-base-uncased", loader: "from_pretrained",
 *   location: { file: "train.py", line: 3 },
 * });
 * ```
 */
export interface ModelReference {
  /** The hub it is loaded from. */
  hub: "huggingface" | "torch-hub";
  /** 'publisher/name', or 'name' for legacy canonical models. Never empty. */
  repoId: string;
  /** The publisher part of `repoId`. */
  publisher?: string;
  /** revision= as written, absent when not given. */
  revision?: string;
  /** revision= given but not a literal. */
  revisionDynamic?: boolean;
  /** trust_remote_code= as written: a literal boolean, or 'dynamic' when computed. */
  trustRemoteCode?: boolean | "dynamic";
  /** use_safetensors= as written: a literal boolean, or 'dynamic' when computed. */
  useSafetensors?: boolean | "dynamic";
  /** When the model id is computed at run time: the expression as written (repoId is then '?'). */
  unresolved?: string;
  /** An environment variable that replaces this id at run time (the id is its default). */
  overridable?: string;
  /** diffusers custom_pipeline= : pipeline code fetched from the Hub or GitHub and run. */
  customPipeline?: string;
  /** The call, e.g. 'AutoModel.from_pretrained', or 'config:<key>'. */
  loader: string;
  /** Where it is loaded. */
  location: Location;
}

/** @ignore The zod schema of {@linkcode ModelReference}. */
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
type _ModelReference = Assert<Same<z.output<typeof ModelReference>, ModelReference>>;

/**
 * A call in the project's code that deserialises a model or data file, with the options that
 * decide whether it can run code (`weights_only`, `allow_pickle`, `safe_mode`).
 *
 * @example
 * ```ts
 * import { LoaderCall } from "./snapshot_models.ts";
 * const call: LoaderCall = LoaderCall.parse({
 *   call: "torch.load",
 *   options: { weights_only: true },
 *   location: { file: "serve.py", line: 4 },
 * });
 * ```
 */
export interface LoaderCall {
  /** Canonical name: torch.load, pickle.load, numpy.load, joblib.load… */
  call: string;
  /** The callee as written, when it differs (np.load). */
  written?: string;
  /** Keyword options that matter, as literal booleans or 'dynamic'; absent = not given. */
  options: Record<string, boolean | "dynamic">;
  /** Where the call is. */
  location: Location;
}

/** @ignore The zod schema of {@linkcode LoaderCall}. */
export const LoaderCall = z.object({
  call: z.string().describe("Canonical name: torch.load, pickle.load, numpy.load, joblib.load…"),
  written: z.string().optional().describe("The callee as written, when it differs (np.load)"),
  options: z.record(z.string(), z.union([z.boolean(), z.literal("dynamic")]))
    .describe("Keyword options that matter, as literal booleans or 'dynamic'; absent = not given"),
  location: Location,
});
type _LoaderCall = Assert<Same<z.output<typeof LoaderCall>, LoaderCall>>;

/**
 * A Python global a pickle imports (module + qualified name).
 *
 * @example
 * ```ts
 * import { PickleGlobal } from "./snapshot_models.ts";
 * const imported: PickleGlobal = PickleGlobal.parse({ module: "builtins", name: "eval" });
 * ```
 */
export interface PickleGlobal {
  /** The module, e.g. `builtins`. */
  module: string;
  /** The qualified name inside it, e.g. `eval`. */
  name: string;
}

/** @ignore The zod schema of {@linkcode PickleGlobal}. */
export const PickleGlobal = z.object({ module: z.string(), name: z.string() });
type _PickleGlobal = Assert<Same<z.output<typeof PickleGlobal>, PickleGlobal>>;

/**
 * Something inside a model file that the loading stack follows besides pickle imports: a Keras
 * `Lambda` layer (Python bytecode) or module reference, a GGUF chat template (Jinja the serving
 * stack renders), an ONNX tensor's external-data path. Recorded as found; checks judge it.
 *
 * @example
 * ```ts
 * import { EmbeddedItem } from "./snapshot_models.ts";
 * const item: EmbeddedItem = EmbeddedItem.parse({
 *   kind: "external-data",
 *   value: "../../etc/passwd",
 *   where: "weight",
 * });
 * ```
 */
export interface EmbeddedItem {
  /** What it is. */
  kind: "keras-lambda" | "keras-module" | "chat-template" | "external-data";
  /** Layer name (lambda), module.class (module), template text, or the external path. */
  value: string;
  /** Member, metadata key or tensor it was found in. */
  where?: string;
}

/** @ignore The zod schema of {@linkcode EmbeddedItem}. */
export const EmbeddedItem = z.object({
  kind: z.enum(["keras-lambda", "keras-module", "chat-template", "external-data"]),
  value: z.string().describe(
    "Layer name (lambda), module.class (module), template text, or the external path",
  ),
  where: z.string().optional().describe("Member, metadata key or tensor it was found in"),
});
type _EmbeddedItem = Assert<Same<z.output<typeof EmbeddedItem>, EmbeddedItem>>;

/**
 * A model file on disk, identified by content.
 *
 * @example
 * ```ts
 * import { Artifact } from "./snapshot.ts";
 * const file: Artifact = Artifact.parse({
 *   path: "models/clf.pkl",
 *   format: "pickle",
 *   size: 120,
 *   globals: [],
 *   issues: [],
 * });
 * ```
 */
export interface Artifact {
  /** Path relative to the project root. Never empty. */
  path: string;
  /** The format its content was recognised as. */
  format:
    | "pickle"
    | "pytorch-zip"
    | "pytorch-legacy"
    | "joblib"
    | "npy"
    | "npy-pickle"
    | "npz"
    | "safetensors"
    | "onnx"
    | "gguf"
    | "keras"
    | "unknown";
  /** Size in bytes. */
  size: number;
  /** Hex sha256 of the content, when hashed. */
  sha256?: string;
  /** Globals imported by embedded pickles. */
  globals: PickleGlobal[];
  /** Code and references the loader follows besides pickle imports (default empty). */
  embedded: EmbeddedItem[];
  /**
   * Why the file could not be read completely (damage, limits, unsupported encodings); a
   * non-empty list means the file was not fully scanned.
   */
  issues: string[];
  /** 'content' when the project walk recognised the file by sniffing its first bytes. */
  foundBy?: "name" | "content";
}

/** @ignore The zod schema of {@linkcode Artifact}. */
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
type _Artifact = Assert<Same<z.output<typeof Artifact>, Artifact>>;
