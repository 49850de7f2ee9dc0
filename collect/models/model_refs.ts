/**
 * Finds the models a Python source file loads from a hub (Hugging Face, PyTorch Hub) by reading
 * its tokens: calls are matched on code only, never inside comments or strings, with arguments
 * read across lines. Model ids are taken from string literals, implicit concatenations of
 * literals and module-level constants assigned once; anything computed at run time is skipped.
 *
 * @module
 */
import { type FileReader, textReader } from "../_reader.ts";
import type { LoaderCall, ModelReference, Problem } from "../../core/snapshot.ts";
import { isOp } from "../_python_constants.ts";
import { type PythonToken, PythonTokenLimitError, tokenizePython } from "../_python_tokens.ts";
import {
  type CallArguments,
  callArguments,
  evaluatePython,
  expressionText,
  importAliases,
  pythonNames,
  type PythonValue,
} from "../_python_values.ts";
import type { TokenSpan as Span } from "../_python_constants.ts";

/** What {@linkcode findModelReferences} found in one file. */
export interface ModelReferenceScan {
  /** References in source order. */
  models: ModelReference[];
  /** Calls that deserialise files (torch.load, pickle.load…), in source order. */
  loaderCalls: LoaderCall[];
  /** Parts of the file that could not be read. */
  problems: Problem[];
}

/** Options for {@linkcode findModelReferences}. */
export interface FindModelReferencesOptions {
  /** Path of the file relative to the project root, recorded in every location. */
  file: string;
  /** Token budget passed to the tokenizer (default: the tokenizer's). */
  maxTokens?: number;
}

/** What an argument evaluates to without running anything; absent arguments are `none`. */
type ArgumentValue = PythonValue;

/** A reference before the call's name and place are added. */
type Facts = Omit<ModelReference, "loader" | "location">;

interface Loader {
  kind: "transformers" | "download" | "timm" | "torch-hub";
  idKeywords: string[];
  idPosition: number;
}

/** Bare names that name a local output directory far more often than a legacy hub model. */
const LOCAL_DIRECTORY_NAMES = new Set(
  "model models output outputs checkpoint checkpoints save saved saved_model tmp".split(" "),
);
// Hub ids: an optional namespace and a name, each at most 96 characters (the Hub's own limit).
const HUB_ID = /^[A-Za-z0-9][\w.-]{0,95}(?:\/[A-Za-z0-9_.-]{1,96})?$/;
const FILE_EXTENSION =
  /\.(?:bin|pt|pth|ckpt|safetensors|json|gguf|ggml|onnx|h5|keras|pkl|pb|msgpack|npz|npy|zip|tar|gz)$/i;
const TORCH_HUB_ID = /^([A-Za-z0-9][\w.-]*)\/([\w.-]+)(?::([^\s:]+))?$/;

/**
 * Find the hub models a Python source file loads (`from_pretrained`, `pipeline(model=…)`,
 * `hf_hub_download`, `snapshot_download`, `SentenceTransformer`, `timm.create_model("hf-hub:…")`,
 * `torch.hub.load`), without executing anything.
 *
 * @param text The file's text.
 * @param options `file` (relative path recorded in locations and problems), `maxTokens`.
 * @returns The references in source order and any problems reading the file.
 * @example
 * ```ts
 * import { findModelReferences } from "./model_refs.ts";
 * const { models } = findModelReferences(
 *   'tok = AutoTokenizer.from_pretrained(\n    "meta-llama/Llama-3-8B",  # base\n    revision="main",\n)\n',
 *   { file: "train.py" },
 * );
 * models[0].repoId; // "meta-llama/Llama-3-8B"
 * models[0].location; // { file: "train.py", line: 1, column: 7 }
 * ```
 */
export function findModelReferences(
  text: string,
  options: FindModelReferencesOptions,
): ModelReferenceScan {
  const { file } = options;
  const problems: Problem[] = [];
  let all: PythonToken[];
  try {
    all = tokenizePython(text, { maxTokens: options.maxTokens });
  } catch (error) {
    if (!(error instanceof PythonTokenLimitError)) throw error;
    all = error.tokens;
    problems.push({
      file,
      line: error.line,
      message:
        `stopped reading after ${error.maxTokens} tokens at line ${error.line}; model references later in the file were not collected`,
    });
  }
  const broken = all.find((t) => t.unterminated);
  if (broken) {
    problems.push({
      file,
      line: broken.line,
      message: "string literal is not closed; model references after it may be missed or misread",
    });
  }
  const names = pythonNames(all);
  const { tokens, brackets } = names;
  const aliases = importAliases(tokens);
  const models: ModelReference[] = [];
  const loaderCalls: LoaderCall[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].kind !== "name" || !isOp(tokens[i + 1], "(")) continue;
    let start = i;
    while (isOp(tokens[start - 1], ".") && tokens[start - 2]?.kind === "name") start -= 2;
    const written: string[] = [];
    for (let k = start; k <= i; k += 2) written.push(tokens[k].text);
    // `from transformers import pipeline as make`: make(…) is transformers.pipeline(…).
    const parts = aliases.has(written[0])
      ? [...aliases.get(written[0])!, ...written.slice(1)]
      : written;
    const loader = loaderFor(parts);
    const unpickler = UNPICKLERS.find((u) => u.matches(parts));
    const before = tokens[start - 1];
    if (!loader && !unpickler) continue;
    if (before?.kind === "name" && /^(?:def|class)$/.test(before.text)) continue;
    const args = callArguments(tokens, i + 1, brackets);
    const value = (span: Span | undefined) => evaluatePython(names, span);
    const keyword = (name: string) => keywordValue(args, name, value);
    if (unpickler) {
      const options: Record<string, boolean | "dynamic"> = {};
      for (const option of unpickler.options) {
        const found = keyword(option);
        if (found.kind === "boolean") options[option] = found.value;
        else if (found.kind !== "none") options[option] = "dynamic";
      }
      const callee = tokens[start];
      const shown = written.join(".");
      loaderCalls.push({
        call: unpickler.call(parts),
        ...(shown !== unpickler.call(parts) ? { written: shown } : {}),
        options,
        location: { file, line: callee.line, column: callee.column },
      });
      continue;
    }
    if (!loader) continue;
    const text = (span: Span) => expressionText(tokens, span);
    const callee = tokens[start];
    for (const reference of describe(loader, args, value, keyword, text)) {
      models.push({
        ...reference,
        loader: written.join("."),
        location: { file, line: callee.line, column: callee.column },
      });
    }
  }
  return { models, loaderCalls, problems };
}

/**
 * A keyword argument's value: given explicitly, or carried by a `**mapping` that evaluates to a
 * dict; `dynamic` when a `**` spread could carry it but cannot be read.
 */
function keywordValue(
  args: CallArguments,
  name: string,
  value: (span: Span | undefined) => ArgumentValue,
): ArgumentValue {
  const explicit = args.keywords.get(name);
  if (explicit) return value(explicit);
  let unknown = false;
  for (const spread of args.spreads) {
    const mapping = value(spread);
    if (mapping.kind !== "dict") unknown = true;
    else if (mapping.entries.has(name)) return mapping.entries.get(name)!;
  }
  return unknown ? { kind: "dynamic" } : { kind: "none" };
}

/** Calls that deserialise with pickle (or can), and the keyword options that decide it. */
const UNPICKLERS: Array<{
  matches: (parts: string[]) => boolean;
  call: (parts: string[]) => string;
  options: string[];
}> = [
  { matches: (p) => tail(p, "torch", "load"), call: () => "torch.load", options: ["weights_only"] },
  {
    matches: (p) =>
      /^(?:pickle|cPickle|_pickle|dill|cloudpickle)$/.test(p.at(-2) ?? "") &&
      /^loads?$/.test(p.at(-1) ?? ""),
    call: (p) =>
      `${p.at(-2) === "cPickle" || p.at(-2) === "_pickle" ? "pickle" : p.at(-2)}.${p.at(-1)}`,
    options: [],
  },
  { matches: (p) => tail(p, "joblib", "load"), call: () => "joblib.load", options: [] },
  {
    matches: (p) => /^(?:np|numpy)$/.test(p.at(-2) ?? "") && p.at(-1) === "load",
    call: () => "numpy.load",
    options: ["allow_pickle"],
  },
  {
    matches: (p) => /^(?:pd|pandas)$/.test(p.at(-2) ?? "") && p.at(-1) === "read_pickle",
    call: () => "pandas.read_pickle",
    options: [],
  },
  {
    matches: (p) => p.at(-1) === "load_model" && /^(?:keras|models|saving)$/.test(p.at(-2) ?? ""),
    call: () => "keras.models.load_model",
    options: ["safe_mode"],
  },
];

function tail(parts: string[], qualifier: string, name: string): boolean {
  return parts.at(-2) === qualifier && parts.at(-1) === name;
}

const loader = (kind: Loader["kind"], idPosition: number, ...idKeywords: string[]): Loader => ({
  kind,
  idPosition,
  idKeywords,
});
const LOADERS = new Map<string, Loader>([
  ["from_pretrained", loader("transformers", 0, "pretrained_model_name_or_path")],
  ["pipeline", loader("transformers", 1, "model")],
  ["SentenceTransformer", loader("transformers", 0, "model_name_or_path", "model_name")],
  ["CrossEncoder", loader("transformers", 0, "model_name_or_path", "model_name")],
  ["hf_hub_download", loader("download", 0, "repo_id")],
  ["snapshot_download", loader("download", 0, "repo_id")],
  ["create_model", loader("timm", 0, "model_name")],
  // open_clip: create_model_and_transforms("hf-hub:org/name"), create_model_from_pretrained(…)
  ["create_model_and_transforms", loader("timm", 0, "model_name")],
  ["create_model_from_pretrained", loader("timm", 0, "model_name")],
  // vLLM: LLM(model="org/name", revision=…, trust_remote_code=…)
  ["LLM", loader("transformers", 0, "model")],
  ["load", loader("torch-hub", 0, "repo_or_dir")],
]);

function loaderFor(parts: string[]): Loader | undefined {
  const last = parts[parts.length - 1];
  const qualifier = parts[parts.length - 2];
  // PeftModel.from_pretrained(base_model, "org/adapter"): the id comes second.
  if (last === "from_pretrained" && qualifier?.startsWith("PeftModel")) {
    return loader("transformers", 1, "model_id");
  }
  if (last === "load" && qualifier !== "hub") return undefined;
  if (last === "create_model" && qualifier !== undefined && qualifier !== "timm") return undefined;
  if (last.startsWith("create_model_") && qualifier !== undefined && qualifier !== "open_clip") {
    return undefined;
  }
  return LOADERS.get(last);
}

/**
 * Builds the references for one matched call: one, or one per value a reassigned name may hold,
 * or none when its model is not a hub id.
 */
function describe(
  loader: Loader,
  args: CallArguments,
  value: (span: Span | undefined) => ArgumentValue,
  keyword: (name: string) => ArgumentValue,
  text: (span: Span) => string,
): Facts[] {
  const idSpan = loader.idKeywords.map((k) => args.keywords.get(k)).find((s) => s) ??
    (loader.idPosition < args.positionalKnown ? args.positional[loader.idPosition] : undefined);
  const id = value(idSpan);
  const hubLoader = loader.kind === "transformers" || loader.kind === "download";
  if ((id.kind === "dynamic" || id.kind === "partial") && idSpan && hubLoader) {
    // Computed at run time: recorded, not dropped, so revision and remote-code rules still apply,
    // with the publisher when the text before the run-time part names it.
    const reference: Facts = { hub: "huggingface", repoId: "?", unresolved: text(idSpan) };
    const publisher = id.kind === "partial"
      ? /^([A-Za-z0-9][\w.-]*)\//.exec(id.prefix)?.[1]
      : undefined;
    if (publisher !== undefined) reference.publisher = publisher;
    return [withLoadOptions(reference, loader, keyword)];
  }
  const ids = id.kind === "literal" ? [id.value] : id.kind === "choices" ? id.values : [];
  return ids.flatMap((one) => {
    const reference = referenceFor(loader, one, keyword);
    if (reference && id.kind === "literal" && id.overridable !== undefined) {
      reference.overridable = id.overridable;
    }
    return reference ? [reference] : [];
  });
}

/** The reference for one literal id, or `undefined` when it is not a hub id. */
function referenceFor(
  loader: Loader,
  id: string,
  keyword: (name: string) => ArgumentValue,
): Facts | undefined {
  const literal = (name: string) => {
    const v = keyword(name);
    return v.kind === "literal" ? v.value : undefined;
  };
  if (loader.kind === "torch-hub") {
    const match = TORCH_HUB_ID.exec(id);
    if (!match || id.includes("..") || literal("source") === "local") return undefined;
    const reference: Facts = {
      hub: "torch-hub",
      repoId: `${match[1]}/${match[2]}`,
      publisher: match[1],
    };
    if (match[3] !== undefined) reference.revision = match[3];
    return reference;
  }
  let repo = id;
  let revision: string | undefined;
  if (loader.kind === "timm") {
    const hubPrefix = /^hf[-_]hub:/.exec(repo);
    if (!hubPrefix) return undefined;
    [repo, revision] = repo.slice(hubPrefix[0].length).split("@", 2);
  }
  if (!isHubId(repo)) return undefined;
  if (loader.kind === "download") {
    const repoType = literal("repo_type");
    if (repoType !== undefined && repoType !== "model") return undefined;
  }
  const slash = repo.indexOf("/");
  const reference: Facts = { hub: "huggingface", repoId: repo };
  if (slash > 0) reference.publisher = repo.slice(0, slash);
  if (revision !== undefined) reference.revision = revision;
  if (loader.kind === "timm") return reference;
  return withLoadOptions(reference, loader, keyword);
}

/** Adds what the call says about revision and remote code. */
function withLoadOptions(
  reference: Facts,
  loader: Loader,
  keyword: (name: string) => ArgumentValue,
): Facts {
  const revision = keyword("revision");
  if (revision.kind === "literal") reference.revision = revision.value;
  else if (revision.kind !== "none") reference.revisionDynamic = true;
  if (loader.kind === "transformers") {
    const trust = keyword("trust_remote_code");
    if (trust.kind === "boolean") reference.trustRemoteCode = trust.value;
    else if (trust.kind !== "none") reference.trustRemoteCode = "dynamic";
    // diffusers: custom_pipeline= runs pipeline code from the Hub (or diffusers' GitHub).
    const custom = keyword("custom_pipeline");
    if (custom.kind === "literal" && !/^(?:\.|\/|~)|\.py$/.test(custom.value)) {
      reference.trustRemoteCode = true;
      reference.customPipeline = custom.value;
    } else if (custom.kind !== "none" && custom.kind !== "literal") {
      reference.trustRemoteCode = reference.trustRemoteCode === true ? true : "dynamic";
    }
    const safetensors = keyword("use_safetensors");
    if (safetensors.kind === "boolean") reference.useSafetensors = safetensors.value;
    else if (safetensors.kind !== "none") reference.useSafetensors = "dynamic";
  }
  return reference;
}

/**
 * Whether a literal names a hub repository rather than a local path, URL or file.
 *
 * @example
 * ```ts
 * import { isHubId } from "./model_refs.ts";
 * isHubId("meta-llama/Llama-3-8B"); // true
 * isHubId("./checkpoints/best"); // false
 * ```
 */
export function isHubId(id: string): boolean {
  if (!HUB_ID.test(id) || id.includes("..") || FILE_EXTENSION.test(id)) return false;
  return id.includes("/") || !LOCAL_DIRECTORY_NAMES.has(id.toLowerCase());
}

/**
 * The reader of Python sources: hub model references and deserialising calls. Listed in coverage
 * only when it finds something.
 *
 * @example
 * ```ts
 * import { pythonReader } from "./model_refs.ts";
 * pythonReader.matches("src/train.py"); // true
 * ```
 */
export const pythonReader: FileReader = textReader({
  format: "python",
  matches: (file) => file.endsWith(".py"),
  parse: (text, { file }) => findModelReferences(text, { file }),
  maxBytes: 2 * 1024 * 1024,
});
