/**
 * Python code that starts a server, found with the Python tokenizer (never in comments or strings)
 * and resolved through the file's imports and bindings:
 *
 * - `gradio.launch`: `.launch(…)` on a Gradio app — an object built by `gr.Blocks()`,
 *   `gr.Interface(…)`, `gr.ChatInterface(…)`, `gr.TabbedInterface(…)` or `gr.load(…)` (directly,
 *   `demo = …`, `self.demo = …`, `with gr.Blocks() as demo:`; chained as `demo.queue().launch()`),
 *   or, in a file that imports gradio, on an object the file does not show being built
 *   (`demo = build_ui()`);
 * - `flask.run`: `.run(…)` on `Flask(__name__)`, or, in a file that imports flask, on an `app`-like
 *   name the file does not show being built as something else (`app = create_app()`);
 * - `uvicorn.run`, `uvicorn.Config`, `ray.init`, `ray.serve.start`, `ray.serve.run`,
 *   `werkzeug.run_simple`, by their imported names and aliases.
 *
 * Arguments are recorded as written (`args`: keywords by name, positional ones by index, `*` and
 * `**` for what `*args` and `**kwargs` carry, so a check can tell unknown from absent), and what
 * they evaluate to when the file fixes it (`values`, see `_python_values.ts`). Streamlit is a
 * command, read from launches. The file's unreadable parts are the Python model reader's problems.
 *
 * @module
 */
import type { Problem, ServerCall } from "../../core/snapshot.ts";
import { type FileReader, textReader } from "../_reader.ts";
import { isOp } from "../_python_constants.ts";
import { type PythonToken, PythonTokenLimitError, tokenizePython } from "../_python_tokens.ts";
import {
  callArguments,
  evaluatePython,
  expressionText,
  importAliases,
  type PythonNames,
  pythonNames,
  type PythonValue,
} from "../_python_values.ts";

const MENTIONS = /\b(?:gradio|uvicorn|flask|ray|werkzeug)\b/;
const GRADIO_APPS = new Set(["Blocks", "Interface", "ChatInterface", "TabbedInterface", "load"]);
/** Calls known by their full imported name. */
const BY_NAME = new Map([
  ["uvicorn.run", "uvicorn.run"],
  ["uvicorn.main.run", "uvicorn.run"],
  ["uvicorn.Config", "uvicorn.Config"],
  ["uvicorn.config.Config", "uvicorn.Config"],
  ["ray.init", "ray.init"],
  ["ray.serve.start", "ray.serve.start"],
  ["ray.serve.run", "ray.serve.run"],
  ["werkzeug.serving.run_simple", "werkzeug.run_simple"],
  ["werkzeug.run_simple", "werkzeug.run_simple"],
]);
const MAX_CALLS = 1_000;

/** A call's receiver, read backwards from `.method(`. */
interface Receiver {
  /** The dotted names it starts with (`demo`, `self.demo`, `gr.Blocks`). */
  path: string[];
  /** Whether that path is called right away (`gr.Blocks(…)…`). */
  called: boolean;
}

/**
 * Find the server calls of a Python source file (see the module documentation).
 *
 * @param text The file's text.
 * @param options `file`: the project-relative path recorded in locations.
 * @returns The calls in source order (and a problem when the file is too long to read whole).
 * @example
 * ```ts
 * import { findServerCalls } from "./server_calls.ts";
 * const { serverCalls } = findServerCalls(
 *   'import gradio as gr\nwith gr.Blocks() as demo:\n    pass\ndemo.queue().launch(share=True)\n',
 *   { file: "app.py" },
 * );
 * serverCalls[0].call; // "gradio.launch"
 * serverCalls[0].args; // { share: "True" }
 * ```
 */
export function findServerCalls(
  text: string,
  options: { file: string },
): { serverCalls: ServerCall[]; problems: Problem[] } {
  const { file } = options;
  const found = { serverCalls: [] as ServerCall[], problems: [] as Problem[] };
  if (!MENTIONS.test(text)) return found;
  let all: PythonToken[];
  try {
    all = tokenizePython(text);
  } catch (error) {
    if (!(error instanceof PythonTokenLimitError)) throw error;
    all = error.tokens; // the Python model reader reports the file as not read whole
  }
  const names = pythonNames(all);
  const { tokens, brackets } = names;
  const aliases = importAliases(tokens);
  const resolve = (path: string[]) =>
    aliases.has(path[0]) ? [...aliases.get(path[0])!, ...path.slice(1)] : path;
  const opener = new Map([...brackets.close].map(([open, close]) => [close, open]));
  const imported = importedModules(tokens);
  const built = constructions(tokens, opener, resolve);

  for (let i = 0; i < tokens.length && found.serverCalls.length < MAX_CALLS; i++) {
    const method = tokens[i];
    if (method.kind !== "name" || !isOp(tokens[i + 1], "(")) continue;
    if (tokens[i - 1]?.kind === "name" && /^(?:def|class)$/.test(tokens[i - 1].text)) continue;
    const receiver = isOp(tokens[i - 1], ".") ? receiverBefore(tokens, i - 2, opener) : undefined;
    let call: string | undefined;
    if (!isOp(tokens[i - 1], ".") || (receiver && !receiver.called)) {
      const path = resolve([...receiver?.path ?? [], method.text]).join(".");
      call = BY_NAME.get(path);
    }
    if (call === undefined && receiver && receiver.path.length > 0) {
      const made = madeBy(receiver, built, { resolve, imported });
      if (method.text === "launch") {
        if (made ? isGradioApp(made) : imported.has("gradio")) call = "gradio.launch";
      } else if (method.text === "run") {
        const head = receiver.path[0];
        const module = !receiver.called && (aliases.has(head) || imported.has(head));
        if (
          made
            ? isFlaskApp(made)
            : !module && imported.has("flask") && /app/i.test(receiver.path.at(-1)!)
        ) {
          call = "flask.run";
        }
      }
    }
    if (call === undefined) continue;
    found.serverCalls.push({
      call,
      ...argumentFacts(names, i + 1),
      location: { file, line: method.line, column: method.column },
    });
  }
  return found;
}

/** `args` as written and the `values` the file fixes, for the call opened at `open`. */
function argumentFacts(
  names: PythonNames,
  open: number,
): Pick<ServerCall, "args" | "values"> {
  const { tokens } = names;
  const args = callArguments(tokens, open, names.brackets);
  const written: Record<string, string> = {};
  const values: NonNullable<ServerCall["values"]> = {};
  // Numbers are literals too (`port=7860`), as written.
  const evaluate = (span: { from: number; to: number }): PythonValue =>
    span.to - span.from === 1 && tokens[span.from].kind === "number"
      ? { kind: "literal", value: tokens[span.from].text }
      : evaluatePython(names, span);
  const record = (key: string, value: PythonValue) => {
    if (value.kind === "literal") {
      values[key] = value.overridable === undefined
        ? { value: value.value }
        : { value: value.value, overridable: value.overridable };
    } else if (value.kind === "boolean") values[key] = { value: value.value ? "True" : "False" };
    else if (value.kind === "none") values[key] = { value: "None" };
    else if (value.kind === "dict") {
      for (const [entry, inner] of value.entries) {
        if (inner.kind === "literal" || inner.kind === "boolean" || inner.kind === "none") {
          record(`${key}.${entry}`, inner);
        }
      }
    }
  };
  args.positional.forEach((span, index) => {
    if (isOp(tokens[span.from], "*")) {
      written["*"] = expressionText(tokens, { from: span.from + 1, to: span.to });
    } else {
      written[String(index)] = expressionText(tokens, span);
      record(String(index), evaluate(span));
    }
  });
  for (const [name, span] of args.keywords) {
    written[name] = expressionText(tokens, span);
    record(name, evaluate(span));
  }
  if (args.spreads.length > 0) {
    written["**"] = args.spreads.map((span) => expressionText(tokens, span)).join(", ");
    for (const span of args.spreads) {
      const mapping = evaluatePython(names, span);
      if (mapping.kind !== "dict") continue;
      for (const [name, value] of mapping.entries) {
        if (!args.keywords.has(name) && !(name in values)) record(name, value);
      }
    }
  }
  return Object.keys(values).length > 0 ? { args: written, values } : { args: written };
}

/** The receiver of `.method(`, read back from `end` (the token before the `.`). */
function receiverBefore(
  tokens: PythonToken[],
  end: number,
  opener: Map<number, number>,
): Receiver | undefined {
  let k = end;
  let start = -1;
  for (let guard = 0; guard < 64 && k >= 0; guard++) {
    const token = tokens[k];
    if (isOp(token, ")") || isOp(token, "]")) {
      const open = opener.get(k);
      if (open === undefined) return undefined;
      k = open - 1;
    } else if (token.kind === "name") {
      start = k;
      if (!isOp(tokens[k - 1], ".")) break;
      k -= 2;
    } else return undefined;
  }
  if (start < 0) return undefined;
  const path: string[] = [];
  let at = start;
  while (tokens[at]?.kind === "name" && at <= end) {
    path.push(tokens[at].text);
    if (!isOp(tokens[at + 1], ".") || at + 2 > end) break;
    at += 2;
  }
  return { path, called: isOp(tokens[at + 1], "(") && at < end };
}

/**
 * What the file builds its names from: `NAME = path(…)`, `self.name = path(…)` (annotated too) and
 * `with path(…) as NAME`, each name to the resolved paths of the calls that build it (`?` for a
 * value that is no call on a dotted name).
 */
function constructions(
  tokens: PythonToken[],
  opener: Map<number, number>,
  resolve: (path: string[]) => string[],
): Map<string, Set<string>> {
  const built = new Map<string, Set<string>>();
  const add = (name: string, made: string) =>
    built.set(name, (built.get(name) ?? new Set()).add(made));
  const callPath = (from: number): string => {
    let k = from;
    while (isOp(tokens[k], "(")) k++;
    const path: string[] = [];
    while (tokens[k]?.kind === "name") {
      path.push(tokens[k].text);
      if (!isOp(tokens[k + 1], ".")) break;
      k += 2;
    }
    return path.length > 0 && isOp(tokens[k + 1], "(") ? resolve(path).join(".") : "?";
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.kind === "name" && token.text === "as" && tokens[i + 1]?.kind === "name") {
      const open = isOp(tokens[i - 1], ")") ? opener.get(i - 1) : undefined;
      if (open === undefined) continue;
      let k = open - 1;
      while (tokens[k]?.kind === "name" && isOp(tokens[k - 1], ".")) k -= 2;
      add(dottedName(tokens, i + 1).join("."), callPath(k));
      continue;
    }
    const statementStart = i === 0 || tokens[i - 1].kind === "newline" || isOp(tokens[i - 1], ";");
    if (!statementStart || token.kind !== "name") continue;
    const target = dottedName(tokens, i);
    let k = i + 2 * target.length - 1;
    if (isOp(tokens[k], ":")) { // an annotation: up to its `=`
      while (k < tokens.length && tokens[k].kind !== "newline" && !isOp(tokens[k], "=")) k++;
    }
    if (isOp(tokens[k], "=")) add(target.join("."), callPath(k + 1));
  }
  return built;
}

/** `name.name…` from `at`. */
function dottedName(tokens: PythonToken[], at: number): string[] {
  const names = [tokens[at].text];
  for (let k = at + 1; isOp(tokens[k], ".") && tokens[k + 1]?.kind === "name"; k += 2) {
    names.push(tokens[k + 1].text);
  }
  return names;
}

/**
 * What built the receiver, as far as the file shows it with imported names: its name's
 * constructions (`self.demo` in `self.demo.queue()`, the longest bound prefix), or the call it
 * starts with; undefined when unknown (a local factory, a parameter).
 */
function madeBy(
  receiver: Receiver,
  built: Map<string, Set<string>>,
  options: { resolve: (path: string[]) => string[]; imported: Set<string> },
): Set<string> | undefined {
  const path = receiver.path;
  let made: Set<string> | undefined;
  for (let n = path.length; n > 0 && made === undefined; n--) {
    if (n < path.length || !receiver.called) made = built.get(path.slice(0, n).join("."));
  }
  made ??= receiver.called ? new Set([options.resolve(path).join(".")]) : undefined;
  const known = [...made ?? []].filter((p) => options.imported.has(p.split(".")[0]));
  return known.length > 0 ? new Set(known) : undefined;
}

function isGradioApp(made: Set<string>): boolean {
  return [...made].some((path) => {
    const parts = path.split(".");
    return parts[0] === "gradio" && GRADIO_APPS.has(parts.at(-1)!);
  });
}

function isFlaskApp(made: Set<string>): boolean {
  return [...made].some((path) => /^flask\.(?:app\.)?Flask$/.test(path));
}

/** Top-level modules the file imports (`import gradio as gr`, `from flask import Flask`). */
function importedModules(tokens: PythonToken[]): Set<string> {
  const modules = new Set<string>();
  for (let i = 0; i + 1 < tokens.length; i++) {
    const token = tokens[i];
    if (token.kind !== "name" || (token.text !== "import" && token.text !== "from")) continue;
    if (i > 0 && tokens[i - 1].kind !== "newline" && !isOp(tokens[i - 1], ";")) continue;
    for (let k = i + 1; k < tokens.length && tokens[k].kind !== "newline"; k++) {
      const first = tokens[k].kind === "name" &&
        (isOp(tokens[k - 1], ",") || k === i + 1 || isOp(tokens[k - 1], "("));
      if (first) modules.add(tokens[k].text);
      if (token.text === "from") break;
    }
  }
  return modules;
}

/**
 * The reader of Python server calls: every `*.py` file that mentions a known server library.
 * Listed in coverage only when it finds something.
 *
 * @example
 * ```ts
 * import { serverCallReader } from "./server_calls.ts";
 * serverCallReader.matches("app.py"); // true
 * ```
 */
export const serverCallReader: FileReader = textReader({
  format: "python server calls",
  matches: (file) => file.endsWith(".py"),
  parse: (text, { file }) => findServerCalls(text, { file }),
  maxBytes: 2 * 1024 * 1024,
});
