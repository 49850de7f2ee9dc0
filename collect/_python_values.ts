/**
 * What a Python expression in a call argument evaluates to, without running anything: string
 * literals and their concatenations (`"a" "b"`, `"a" + B`), f-strings whose fields name
 * constants, `True`/`False`/`None`, names bound by plain assignments (reassigned names give every
 * value they may hold), dict literals and `dict(…)` with their `["key"]` / `.get("key")`, and
 * `os.environ.get` / `os.getenv` defaults (the variable can replace them at run time). Also the
 * import aliases a file sets up, so `from transformers import pipeline as make` is followed.
 *
 * @module
 */
import {
  functionScopes,
  isOp,
  literalValue,
  moduleBindings,
  type Scope,
  type ScopeBindings,
  type TokenSpan,
} from "./_python_constants.ts";
import type { PythonToken } from "./_python_tokens.ts";

/** An evaluated expression. */
export type PythonValue =
  | { kind: "literal"; value: string; overridable?: string }
  | { kind: "choices"; values: string[] }
  | { kind: "partial"; prefix: string }
  | { kind: "boolean"; value: boolean }
  | { kind: "dict"; entries: Map<string, PythonValue> }
  | { kind: "none" }
  | { kind: "dynamic" };

/** Names, scopes and brackets of one file, for {@linkcode evaluatePython}. */
export interface PythonNames {
  /** The file's tokens, comments removed. */
  tokens: PythonToken[];
  /** What the module binds. */
  module: ScopeBindings;
  /** Each function body. */
  scopes: Scope[];
  /** For each opening bracket, its closing bracket and top-level commas. */
  brackets: Brackets;
}

/**
 * What a file's names are bound to, from its tokens (comments are dropped here).
 *
 * @example
 * ```ts ignore
 * const names = pythonNames(tokenizePython("MODEL = 'gpt2'\n"));
 * ```
 */
export function pythonNames(all: readonly PythonToken[]): PythonNames {
  const tokens = all.filter((t) => t.kind !== "comment");
  return {
    tokens,
    module: moduleBindings(tokens),
    scopes: functionScopes(tokens),
    brackets: matchBrackets(tokens),
  };
}

/** For every opening bracket, the index of its closing bracket and of its top-level commas. */
export interface Brackets {
  /** Opening index → closing index. */
  close: Map<number, number>;
  /** Opening index → indexes of its top-level commas. */
  commas: Map<number, number[]>;
}

const DYNAMIC: PythonValue = { kind: "dynamic" };
const MAX_DEPTH = 8;
const MAX_CHOICES = 16;

/**
 * Match brackets in one linear pass, with the top-level commas of every bracket.
 *
 * @example
 * ```ts
 * import { matchBrackets } from "./_python_values.ts";
 * import { tokenizePython } from "./_python_tokens.ts";
 * matchBrackets(tokenizePython("f(a, b)\n")).commas.get(1); // [3]
 * ```
 */
export function matchBrackets(tokens: PythonToken[]): Brackets {
  const close = new Map<number, number>();
  const commas = new Map<number, number[]>();
  const open: number[] = [];
  tokens.forEach((t, i) => {
    if (t.kind !== "op") return;
    if (t.text === "(" || t.text === "[" || t.text === "{") {
      open.push(i);
      commas.set(i, []);
    } else if (t.text === ")" || t.text === "]" || t.text === "}") {
      const opener = open.pop();
      if (opener !== undefined) close.set(opener, i);
    } else if (t.text === "," && open.length > 0) commas.get(open[open.length - 1])?.push(i);
  });
  return { close, commas };
}

/**
 * The dotted path each imported alias stands for: `from transformers import pipeline as make`
 * gives `make` → `transformers.pipeline`; `import torch.hub as th` gives `th` → `torch.hub`.
 *
 * @example
 * ```ts
 * import { importAliases } from "./_python_values.ts";
 * import { tokenizePython } from "./_python_tokens.ts";
 * importAliases(tokenizePython("from torch.hub import load\n")).get("load"); // ["torch", "hub", "load"]
 * ```
 */
export function importAliases(tokens: PythonToken[]): Map<string, string[]> {
  const aliases = new Map<string, string[]>();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (
      t.kind !== "name" || (i > 0 && tokens[i - 1].kind !== "newline" && !isOp(tokens[i - 1], ";"))
    ) continue;
    if (t.text === "from") {
      const [module, next] = dotted(tokens, i + 1);
      if (!isName(tokens[next], "import")) continue;
      let k = next + 1;
      if (isOp(tokens[k], "(")) k++;
      while (tokens[k]?.kind === "name") {
        const name = tokens[k].text;
        let alias = name;
        k++;
        if (isName(tokens[k], "as") && tokens[k + 1]?.kind === "name") {
          alias = tokens[k + 1].text;
          k += 2;
        }
        if (name !== "*") aliases.set(alias, [...module, name]);
        if (!isOp(tokens[k], ",")) break;
        k++;
      }
    } else if (t.text === "import") {
      let k = i + 1;
      while (tokens[k]?.kind === "name") {
        const [module, next] = dotted(tokens, k);
        k = next;
        if (isName(tokens[k], "as") && tokens[k + 1]?.kind === "name") {
          aliases.set(tokens[k + 1].text, module);
          k += 2;
        }
        if (!isOp(tokens[k], ",")) break;
        k++;
      }
    }
  }
  return aliases;
}

function isName(token: PythonToken | undefined, text: string): boolean {
  return token?.kind === "name" && token.text === text;
}

/** A dotted name from `at` (relative imports keep their dots out): parts and the next index. */
function dotted(tokens: PythonToken[], at: number): [string[], number] {
  const parts: string[] = [];
  let k = at;
  while (isOp(tokens[k], ".") || isOp(tokens[k], "...")) k++;
  while (tokens[k]?.kind === "name") {
    parts.push(tokens[k].text);
    if (!isOp(tokens[k + 1], ".")) return [parts, k + 1];
    k += 2;
  }
  return [parts, k];
}

/**
 * Evaluate the expression in `span` (see the module documentation for what is understood).
 *
 * @example
 * ```ts
 * import { evaluatePython, matchBrackets } from "./_python_values.ts";
 * import { functionScopes, moduleBindings } from "./_python_constants.ts";
 * import { tokenizePython } from "./_python_tokens.ts";
 * const tokens = tokenizePython('ORG = "meta-llama"\nx = f"{ORG}/Llama-3-8B"\n');
 * const names = { tokens, module: moduleBindings(tokens), scopes: functionScopes(tokens), brackets: matchBrackets(tokens) };
 * evaluatePython(names, names.module.definitions.get("x")![0]); // { kind: "literal", value: "meta-llama/Llama-3-8B" }
 * ```
 */
export function evaluatePython(
  names: PythonNames,
  span: TokenSpan | undefined,
  depth = 0,
): PythonValue {
  if (!span || span.from >= span.to) return { kind: "none" };
  if (depth > MAX_DEPTH) return DYNAMIC;
  const { tokens, brackets } = names;
  let { from, to } = span;
  while (to - from >= 2 && isOp(tokens[from], "(") && brackets.close.get(from) === to - 1) {
    from++;
    to--;
  }
  const literal = literalValue(tokens, from, to);
  if (literal !== undefined) return { kind: "literal", value: literal };
  if (tokens.slice(from, to).every((t) => t.kind === "string")) {
    return strings(names, from, to, depth);
  }
  const plus = topLevel(tokens, brackets, from, to, "+");
  if (plus.length > 0) {
    return concatenate(
      names,
      [from, ...plus.map((p) => p + 1)],
      [...plus, to],
      depth,
    );
  }
  const first = tokens[from];
  if (to - from === 1 && first.kind === "name") return name(names, first.text, from, depth);
  if (isOp(first, "{") && brackets.close.get(from) === to - 1) {
    return dictLiteral(names, from, depth);
  }
  // A call or subscript: the callee or subscripted name is the dotted path before it.
  let end = from;
  while (tokens[end]?.kind === "name" && isOp(tokens[end + 1], ".") && end + 2 < to) end += 2;
  if (tokens[end]?.kind !== "name") return DYNAMIC;
  const path = tokens.slice(from, end + 1).filter((t) => t.kind === "name").map((t) => t.text);
  const open = end + 1;
  if (brackets.close.get(open) !== to - 1) return DYNAMIC;
  const args = splitArguments(names, open);
  if (isOp(tokens[open], "[")) {
    const base = evaluatePython(names, { from, to: open }, depth + 1);
    const key = evaluatePython(names, args[0], depth + 1);
    return base.kind === "dict" && key.kind === "literal"
      ? base.entries.get(key.value) ?? DYNAMIC
      : DYNAMIC;
  }
  if (!isOp(tokens[open], "(")) return DYNAMIC;
  const callee = path.join(".");
  if (/^(?:os\.)?(?:environ\.get|getenv)$/.test(callee)) {
    const variable = evaluatePython(names, args[0], depth + 1);
    const fallback = evaluatePython(names, args[1], depth + 1);
    if (variable.kind === "literal" && fallback.kind === "literal") {
      return { kind: "literal", value: fallback.value, overridable: variable.value };
    }
    return DYNAMIC;
  }
  if (callee === "dict") return dictCall(names, open, depth);
  if (path.at(-1) === "get" && path.length >= 2) {
    const base = evaluatePython(names, { from, to: end - 1 }, depth + 1);
    const key = evaluatePython(names, args[0], depth + 1);
    if (base.kind !== "dict" || key.kind !== "literal") return DYNAMIC;
    return base.entries.get(key.value) ?? evaluatePython(names, args[1], depth + 1);
  }
  return DYNAMIC;
}

/** The arguments of one call, as token spans. */
export interface CallArguments {
  /** Positional arguments, in order. */
  positional: TokenSpan[];
  /** Positional arguments from this index on are unknown (a `*args` came first). */
  positionalKnown: number;
  /** Keyword arguments by name (the value's span). */
  keywords: Map<string, TokenSpan>;
  /** A `**kwargs` may carry any keyword. */
  spread: boolean;
  /** The expressions after each `**`. */
  spreads: TokenSpan[];
}

/**
 * The arguments of the call whose `(` is at `open`.
 *
 * @example
 * ```ts
 * import { callArguments, matchBrackets } from "./_python_values.ts";
 * import { tokenizePython } from "./_python_tokens.ts";
 * const tokens = tokenizePython("f(a, share=True, **rest)\n");
 * const args = callArguments(tokens, 1, matchBrackets(tokens));
 * [args.positional.length, [...args.keywords.keys()], args.spread]; // [1, ["share"], true]
 * ```
 */
export function callArguments(
  tokens: PythonToken[],
  open: number,
  brackets: Brackets,
): CallArguments {
  const end = brackets.close.get(open) ?? tokens.length;
  const args: CallArguments = {
    positional: [],
    positionalKnown: Infinity,
    keywords: new Map(),
    spread: false,
    spreads: [],
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
      args.spreads.push({ from: span.from + 1, to: span.to });
    } else {
      if (isOp(first, "*")) {
        args.positionalKnown = Math.min(args.positionalKnown, args.positional.length);
      }
      args.positional.push(span);
    }
  }
  return args;
}

/**
 * The source text of an argument, shortened: what a person recognises in a report.
 *
 * @example
 * ```ts
 * import { expressionText } from "./_python_values.ts";
 * import { tokenizePython } from "./_python_tokens.ts";
 * expressionText(tokenizePython('os.getenv("HOST", "0.0.0.0")\n'), { from: 0, to: 8 });
 * // 'os.getenv("HOST","0.0.0.0")'
 * ```
 */
export function expressionText(tokens: PythonToken[], span: TokenSpan): string {
  const text = tokens.slice(span.from, Math.min(span.to, span.from + 40)).map((t) => t.text).join(
    "",
  );
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The argument spans of the bracket opened at `open` (keyword arguments included as written). */
function splitArguments(names: PythonNames, open: number): TokenSpan[] {
  const close = names.brackets.close.get(open)!;
  const bounds = [open, ...(names.brackets.commas.get(open) ?? []), close];
  const spans: TokenSpan[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    if (bounds[k] + 1 < bounds[k + 1]) spans.push({ from: bounds[k] + 1, to: bounds[k + 1] });
  }
  return spans;
}

/** Indexes of an operator outside brackets within [from, to). */
function topLevel(
  tokens: PythonToken[],
  brackets: Brackets,
  from: number,
  to: number,
  op: string,
): number[] {
  const found: number[] = [];
  for (let k = from; k < to; k++) {
    const closing = brackets.close.get(k);
    if (closing !== undefined) k = closing;
    else if (isOp(tokens[k], op)) found.push(k);
  }
  return found;
}

function name(names: PythonNames, text: string, at: number, depth: number): PythonValue {
  if (text === "True" || text === "False") return { kind: "boolean", value: text === "True" };
  if (text === "None") return { kind: "none" };
  // The innermost enclosing function that binds the name decides; else the module.
  const owner = names.scopes.filter((s) => s.from <= at && at < s.to && s.bound.has(text))
    .sort((a, b) => (a.to - a.from) - (b.to - b.from))[0];
  const definitions = (owner ?? names.module).definitions.get(text);
  if (!definitions) return DYNAMIC;
  const values = definitions.map((span) => evaluatePython(names, span, depth + 1));
  if (values.length === 1) return values[0];
  // Reassigned: every value it may hold, when each is a literal (a choice the code makes).
  if (!values.every((v) => v.kind === "literal" || v.kind === "choices")) return DYNAMIC;
  const literals = values.flatMap((v) =>
    v.kind === "literal" ? [v.value] : v.kind === "choices" ? v.values : []
  );
  return { kind: "choices", values: [...new Set(literals)].slice(0, MAX_CHOICES) };
}

function concatenate(
  names: PythonNames,
  starts: number[],
  ends: number[],
  depth: number,
): PythonValue {
  let text = "";
  for (let k = 0; k < starts.length; k++) {
    const part = evaluatePython(names, { from: starts[k], to: ends[k] }, depth + 1);
    if (part.kind === "literal") text += part.value;
    else if (part.kind === "partial") return { kind: "partial", prefix: text + part.prefix };
    else return text === "" ? DYNAMIC : { kind: "partial", prefix: text };
  }
  return { kind: "literal", value: text };
}

/** Adjacent string tokens, some of them f-strings. */
function strings(names: PythonNames, from: number, to: number, depth: number): PythonValue {
  let text = "";
  for (let k = from; k < to; k++) {
    const token = names.tokens[k];
    if (token.value !== undefined && !/^[a-z]*b/i.test(token.text)) {
      text += token.value;
      continue;
    }
    const parts = fstringParts(token.text);
    if (!parts) return text === "" ? DYNAMIC : { kind: "partial", prefix: text };
    for (const part of parts) {
      if (typeof part === "string") {
        text += part;
        continue;
      }
      const value = /^[A-Za-z_]\w*$/.test(part.field)
        ? name(names, part.field, k, depth + 1)
        : DYNAMIC;
      if (value.kind !== "literal") {
        return text === "" ? DYNAMIC : { kind: "partial", prefix: text };
      }
      text += value.value;
    }
  }
  return { kind: "literal", value: text };
}

/** An f-string's literal text and `{field}`s (no conversion or format spec), or `undefined`. */
function fstringParts(raw: string): (string | { field: string })[] | undefined {
  const prefix = /^[A-Za-z]*/.exec(raw)![0].toLowerCase();
  if (!prefix.includes("f") || prefix.includes("b")) return undefined;
  const quote = raw.startsWith('"""', prefix.length) || raw.startsWith("'''", prefix.length)
    ? raw.slice(prefix.length, prefix.length + 3)
    : raw[prefix.length];
  if (!raw.endsWith(quote) || raw.length < prefix.length + 2 * quote.length) return undefined;
  const body = raw.slice(prefix.length + quote.length, raw.length - quote.length);
  if (!prefix.includes("r") && body.includes("\\")) return undefined;
  const parts: (string | { field: string })[] = [];
  let text = "";
  for (let i = 0; i < body.length; i++) {
    const char = body[i];
    if ((char === "{" || char === "}") && body[i + 1] === char) {
      text += char;
      i++;
    } else if (char === "{") {
      const end = body.indexOf("}", i);
      if (end < 0) return undefined;
      const field = body.slice(i + 1, end).trim();
      if (/[!:{]/.test(field)) parts.push(text, { field: "" });
      else parts.push(text, { field });
      text = "";
      i = end;
    } else if (char === "}") return undefined;
    else text += char;
  }
  parts.push(text);
  return parts;
}

function dictLiteral(names: PythonNames, from: number, depth: number): PythonValue {
  const entries = new Map<string, PythonValue>();
  for (const item of splitArguments(names, from)) {
    const colon = topLevel(names.tokens, names.brackets, item.from, item.to, ":")[0];
    if (colon === undefined) return DYNAMIC;
    const key = evaluatePython(names, { from: item.from, to: colon }, depth + 1);
    if (key.kind !== "literal") return DYNAMIC;
    entries.set(key.value, evaluatePython(names, { from: colon + 1, to: item.to }, depth + 1));
  }
  return { kind: "dict", entries };
}

function dictCall(names: PythonNames, open: number, depth: number): PythonValue {
  const entries = new Map<string, PythonValue>();
  for (const item of splitArguments(names, open)) {
    const key = names.tokens[item.from];
    if (key.kind !== "name" || !isOp(names.tokens[item.from + 1], "=")) return DYNAMIC;
    entries.set(key.text, evaluatePython(names, { from: item.from + 2, to: item.to }, depth + 1));
  }
  return { kind: "dict", entries };
}
