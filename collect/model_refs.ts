/**
 * Finds the models a Python source file loads from a hub (Hugging Face, PyTorch Hub) by reading
 * its tokens: calls are matched on code only, never inside comments or strings, with arguments
 * read across lines. Model ids are taken from string literals, implicit concatenations of
 * literals and module-level constants assigned once; anything computed at run time is skipped.
 *
 * @module
 */
import type { LoaderCall, ModelReference, Problem } from "../core/snapshot.ts";
import { functionScopes, isOp, literalValue, moduleConstants } from "./_python_constants.ts";
import { type PythonToken, PythonTokenLimitError, tokenizePython } from "./_python_tokens.ts";

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

/** A half-open range of token indexes: one call argument. */
interface Span {
  from: number;
  to: number;
}

interface CallArguments {
  positional: Span[];
  /** Positional arguments from this index on are unknown (a `*args` came first). */
  positionalKnown: number;
  keywords: Map<string, Span>;
  /** A `**kwargs` may carry any keyword. */
  spread: boolean;
}

/** What an argument evaluates to without running anything; absent arguments are `none`. */
type ArgumentValue =
  | { kind: "literal"; value: string }
  | { kind: "boolean"; value: boolean }
  | { kind: "none" }
  | { kind: "dynamic" };

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
  const tokens = all.filter((t) => t.kind !== "comment");
  const brackets = matchBrackets(tokens);
  const constants = moduleConstants(tokens);
  const scopes = functionScopes(tokens);
  const models: ModelReference[] = [];
  const loaderCalls: LoaderCall[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].kind !== "name" || !isOp(tokens[i + 1], "(")) continue;
    let start = i;
    while (isOp(tokens[start - 1], ".") && tokens[start - 2]?.kind === "name") start -= 2;
    const parts: string[] = [];
    for (let k = start; k <= i; k += 2) parts.push(tokens[k].text);
    const loader = loaderFor(parts);
    const unpickler = UNPICKLERS.find((u) => u.matches(parts));
    const before = tokens[start - 1];
    if (!loader && !unpickler) continue;
    if (before?.kind === "name" && /^(?:def|class)$/.test(before.text)) continue;
    const args = callArguments(tokens, i + 1, brackets);
    const value = (span: Span | undefined) => evaluate(tokens, span, { constants, scopes });
    if (unpickler) {
      const options: Record<string, boolean | "dynamic"> = {};
      for (const option of unpickler.options) {
        const found = value(args.keywords.get(option));
        if (found.kind === "boolean") options[option] = found.value;
        else if (found.kind !== "none" || args.spread) options[option] = "dynamic";
      }
      const callee = tokens[start];
      const written = parts.join(".");
      loaderCalls.push({
        call: unpickler.call(parts),
        ...(written !== unpickler.call(parts) ? { written } : {}),
        options,
        location: { file, line: callee.line, column: callee.column },
      });
      continue;
    }
    if (!loader) continue;
    const text = (span: Span) => expressionText(tokens, span);
    const reference = describe(loader, args, value, text);
    if (!reference) continue;
    const callee = tokens[start];
    models.push({
      ...reference,
      loader: parts.join("."),
      location: { file, line: callee.line, column: callee.column },
    });
  }
  return { models, loaderCalls, problems };
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

/** Builds the reference for one matched call, or `undefined` when its model is not a hub id. */
function describe(
  loader: Loader,
  args: CallArguments,
  value: (span: Span | undefined) => ArgumentValue,
  text: (span: Span) => string,
): Facts | undefined {
  const keyword = loader.idKeywords.map((k) => args.keywords.get(k)).find((s) => s);
  const position = loader.idPosition < args.positionalKnown
    ? args.positional[loader.idPosition]
    : undefined;
  const idSpan = keyword ?? position;
  const id = value(idSpan);
  if (
    id.kind === "dynamic" && idSpan &&
    (loader.kind === "transformers" || loader.kind === "download")
  ) {
    // Computed at run time: recorded, not dropped, so revision and remote-code rules still apply.
    return withLoadOptions(
      { hub: "huggingface", repoId: "?", unresolved: text(idSpan) },
      loader,
      args,
      value,
    );
  }
  if (id.kind !== "literal") return undefined;
  const literal = (name: string) => {
    const v = value(args.keywords.get(name));
    return v.kind === "literal" ? v.value : undefined;
  };

  if (loader.kind === "torch-hub") {
    const match = TORCH_HUB_ID.exec(id.value);
    if (!match || id.value.includes("..") || literal("source") === "local") return undefined;
    const reference: Facts = {
      hub: "torch-hub",
      repoId: `${match[1]}/${match[2]}`,
      publisher: match[1],
    };
    if (match[3] !== undefined) reference.revision = match[3];
    return reference;
  }

  let repo = id.value;
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
  return withLoadOptions(reference, loader, args, value);
}

/** Adds what the call says about revision and remote code. */
function withLoadOptions(
  reference: Facts,
  loader: Loader,
  args: CallArguments,
  value: (span: Span | undefined) => ArgumentValue,
): Facts {
  const rev = args.keywords.get("revision");
  const revisionValue = value(rev);
  if (revisionValue.kind === "literal") reference.revision = revisionValue.value;
  else if (rev ? revisionValue.kind !== "none" : args.spread) reference.revisionDynamic = true;
  if (loader.kind === "transformers") {
    const trust = value(args.keywords.get("trust_remote_code"));
    if (trust.kind === "boolean") reference.trustRemoteCode = trust.value;
    else if (trust.kind !== "none" || args.spread) reference.trustRemoteCode = "dynamic";
    const safetensors = value(args.keywords.get("use_safetensors"));
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

/** For every opening bracket, the index of its closing bracket and of its top-level commas. */
interface Brackets {
  close: Map<number, number>;
  commas: Map<number, number[]>;
}

/** One linear pass, so that reading the arguments of nested calls never rescans them. */
function matchBrackets(tokens: PythonToken[]): Brackets {
  const close = new Map<number, number>();
  const commas = new Map<number, number[]>();
  const open: number[] = [];
  tokens.forEach((t, i) => {
    if (t.kind !== "op") return;
    if (t.text === "(" || t.text === "[" || t.text === "{") {
      open.push(i);
      if (t.text === "(") commas.set(i, []);
    } else if (t.text === ")" || t.text === "]" || t.text === "}") {
      const opener = open.pop();
      if (opener !== undefined) close.set(opener, i);
    } else if (t.text === "," && open.length > 0) commas.get(open[open.length - 1])?.push(i);
  });
  return { close, commas };
}

function callArguments(tokens: PythonToken[], open: number, brackets: Brackets): CallArguments {
  const end = brackets.close.get(open) ?? tokens.length;
  const args: CallArguments = {
    positional: [],
    positionalKnown: Infinity,
    keywords: new Map(),
    spread: false,
  };
  const bounds = [open, ...(brackets.commas.get(open) ?? []), end];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const span = { from: bounds[k] + 1, to: bounds[k + 1] };
    if (span.from >= span.to) continue;
    const first = tokens[span.from];
    if (first.kind === "name" && isOp(tokens[span.from + 1], "=")) {
      args.keywords.set(first.text, { from: span.from + 2, to: span.to });
    } else if (isOp(first, "**")) {
      args.spread = true;
    } else {
      if (isOp(first, "*")) {
        args.positionalKnown = Math.min(args.positionalKnown, args.positional.length);
      }
      args.positional.push(span);
    }
  }
  return args;
}

/** Evaluates literals, implicit concatenations, `True`/`False`/`None` and resolved constants. */
function evaluate(
  tokens: PythonToken[],
  span: Span | undefined,
  names: { constants: Map<string, string>; scopes: ReturnType<typeof functionScopes> },
): ArgumentValue {
  if (!span) return { kind: "none" };
  const literal = literalValue(tokens, span.from, span.to);
  if (literal !== undefined) return { kind: "literal", value: literal };
  if (span.to - span.from !== 1 || tokens[span.from].kind !== "name") return { kind: "dynamic" };
  const name = tokens[span.from].text;
  if (name === "True" || name === "False") return { kind: "boolean", value: name === "True" };
  if (name === "None") return { kind: "none" };
  // The innermost enclosing function that binds the name decides; else the module's constants.
  const enclosing = names.scopes.filter((s) => s.from <= span.from && span.from < s.to)
    .sort((a, b) => (a.to - a.from) - (b.to - b.from));
  const owner = enclosing.find((s) => s.bound.has(name));
  const constant = owner ? owner.constants.get(name) : names.constants.get(name);
  return constant === undefined ? { kind: "dynamic" } : { kind: "literal", value: constant };
}

/** The source text of an argument, shortened: what a person recognises in a report. */
function expressionText(tokens: PythonToken[], span: Span): string {
  const text = tokens.slice(span.from, Math.min(span.to, span.from + 40)).map((t) => t.text).join(
    "",
  );
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
