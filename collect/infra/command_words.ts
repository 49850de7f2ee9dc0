/**
 * From what a deployment file writes to the commands that run: the substitutions a tool makes
 * before any shell sees the text (compose's `${VAR}` interpolation, the kubelet's `$(VAR)`, GitHub's
 * `${{ … }}`), and the shell wrappers (`sh -c "…"`) whose script holds the real command.
 *
 * Unwrapping `sh -c`: a command whose program is a shell (`sh`, `bash`, `dash`, `ash`, `zsh`,
 * `ksh`, `mksh`, by base name, optionally after `env`) invoked with `-c` (alone or in a cluster:
 * `-c`, `-ec`, `-lc`, `-euxc`; `-o name` skipped) runs its first operand as a script: that script
 * is split as `sh` splits it, and each of its simple commands becomes a command of its own, with
 * leading `NAME=value` assignments taken as that command's environment and a leading `exec` or
 * `nohup` dropped (they run the rest). Shell syntax that runs nothing itself is taken off: reserved
 * words opening a compound command's part (`if`, `then`, `else`, `elif`, `do`, `while`, `until`,
 * `!`, `{`, `time`) are dropped from the front, and heads and closers (`for … in …`, `case … in`,
 * `select`, `function`, a lone `fi`, `done`, `esac`, `}`) are no commands. Wrappers nest (`bash -c "exec sh -c '…'"`) up to four deep.
 * Any other command, a shell running a script file included (`sh start.sh`), stays as it is.
 *
 * @module
 */
import type { CommandWord } from "../../core/snapshot.ts";
import { splitShell } from "./shell_words.ts";

/**
 * A substitution a tool makes in a string before running it: at `text[at]`, the length consumed
 * and what it stands for (its resolved text, or the expression kept as written when it is only
 * known at run time); undefined when nothing starts there.
 */
export type Substitution = (
  text: string,
  at: number,
) => { length: number; text: string; unresolved: boolean } | undefined;

/**
 * Docker Compose interpolation: `${VAR}`, `${VAR:-default}` (nested), `$VAR` are unresolved;
 * `$$` is a literal `$`.
 *
 * @example
 * ```ts
 * import { composeInterpolation, expandWord } from "./command_words.ts";
 * expandWord("--port=${PORT:-5000}", composeInterpolation).unresolved; // ["${PORT:-5000}"]
 * expandWord("$$HOME", composeInterpolation); // { text: "$HOME" }
 * ```
 */
export const composeInterpolation: Substitution = (text, at) => {
  if (text[at] !== "$") return undefined;
  const next = text[at + 1];
  if (next === "$") return { length: 2, text: "$", unresolved: false };
  if (next === "{") {
    const end = closeBrace(text, at + 1);
    if (end < 0) return undefined;
    return { length: end - at, text: text.slice(at, end), unresolved: true };
  }
  const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(at + 1, at + 257));
  return name ? { length: 1 + name[0].length, text: `$${name[0]}`, unresolved: true } : undefined;
};

/**
 * The kubelet's expansion of a container's `command` and `args`: `$(VAR)` becomes the value of
 * `VAR` when the container sets it to a literal (as the kubelet does), and stays unresolved
 * otherwise (set from a Secret or ConfigMap, or not set at all); `$$` is a literal `$`.
 *
 * @param env The container's variables with literal values.
 * @returns The substitution.
 * @example
 * ```ts
 * import { expandWord, kubernetesExpansion } from "./command_words.ts";
 * const expand = kubernetesExpansion(new Map([["HOST", "0.0.0.0"]]));
 * expandWord("--host=$(HOST)", expand); // { text: "--host=0.0.0.0" }
 * expandWord("$(TOKEN)", expand).unresolved; // ["$(TOKEN)"]
 * ```
 */
export function kubernetesExpansion(env: ReadonlyMap<string, string>): Substitution {
  return (text, at) => {
    if (text[at] !== "$") return undefined;
    if (text[at + 1] === "$") return { length: 2, text: "$", unresolved: false };
    if (text[at + 1] !== "(") return undefined;
    const close = text.indexOf(")", at + 2);
    if (close < 0) return undefined;
    const name = text.slice(at + 2, close);
    const value = env.get(name);
    return value === undefined
      ? { length: close + 1 - at, text: text.slice(at, close + 1), unresolved: true }
      : { length: close + 1 - at, text: value, unresolved: false };
  };
}

/**
 * GitHub Actions expressions, `${{ … }}`, substituted into a step's script before the shell runs
 * it: unresolved, in quotes or not.
 *
 * @example
 * ```ts
 * import { expandWord, githubExpression } from "./command_words.ts";
 * expandWord("'${{ inputs.host }}'", githubExpression).unresolved; // ["${{ inputs.host }}"]
 * ```
 */
export const githubExpression: Substitution = (text, at) => {
  if (!text.startsWith("${{", at)) return undefined;
  const close = text.indexOf("}}", at + 3);
  if (close < 0) return undefined;
  return { length: close + 2 - at, text: text.slice(at, close + 2), unresolved: true };
};

/**
 * One word as a tool passes it on after its substitutions (a list-form `command` item).
 *
 * @param text The word as written.
 * @param substitution The tool's substitution, if any.
 * @returns The word, with the expressions left for run time in `unresolved`.
 * @example
 * ```ts
 * import { composeInterpolation, expandWord } from "./command_words.ts";
 * expandWord("${HOST}", composeInterpolation); // { text: "${HOST}", unresolved: ["${HOST}"] }
 * ```
 */
export function expandWord(text: string, substitution?: Substitution): CommandWord {
  if (!substitution) return { text };
  let out = "";
  const unresolved: string[] = [];
  for (let i = 0; i < text.length;) {
    const found = substitution(text, i);
    if (found === undefined) {
      out += text[i++];
      continue;
    }
    out += found.text;
    if (found.unresolved) unresolved.push(found.text);
    i += found.length;
  }
  return unresolved.length > 0 ? { text: out, unresolved } : { text: out };
}

/** A simple command of a script, as split by {@linkcode splitScript}. */
export interface ScriptCommand {
  /** Its words. */
  words: CommandWord[];
  /** 1-based line within the script where it starts. */
  line: number;
}

/**
 * Split shell text into commands and words after a tool's substitutions: the substituted
 * expressions are masked while splitting, so `'${{ inputs.host }}'` stays unresolved inside single
 * quotes, as the tool substitutes it there too.
 *
 * @param text The script or command line.
 * @param substitution The tool's substitution, if any.
 * @returns Commands and the splitter's problems (with lines within the text).
 * @example
 * ```ts
 * import { githubExpression, splitScript } from "./command_words.ts";
 * const { commands } = splitScript("tensorboard --logdir '${{ env.LOGS }}' --bind_all", githubExpression);
 * commands[0].words[2]; // { text: "${{ env.LOGS }}", unresolved: ["${{ env.LOGS }}"] }
 * ```
 */
export function splitScript(
  text: string,
  substitution?: Substitution,
): { commands: ScriptCommand[]; problems: { line: number; message: string }[] } {
  const parts: { text: string; unresolved: boolean }[] = [];
  let masked = "";
  if (substitution) {
    for (let i = 0; i < text.length;) {
      const found = substitution(text, i);
      if (found === undefined) {
        // Private-use characters never appear in the masks' way: escape any already there.
        masked += text[i] === MASK_OPEN || text[i] === MASK_CLOSE ? "?" : text[i];
        i++;
        continue;
      }
      masked += `${MASK_OPEN}${parts.length}${MASK_CLOSE}`;
      parts.push({ text: found.text, unresolved: found.unresolved });
      i += found.length;
    }
  } else masked = text;
  const split = splitShell(masked);
  const restore = (value: string, unresolved: string[]) =>
    value.replace(MASK, (_, n: string) => {
      const part = parts[Number(n)];
      if (part === undefined) return "";
      if (part.unresolved) unresolved.push(part.text);
      return part.text;
    });
  const commands = split.commands.map((command) => ({
    line: command.line,
    words: command.words.map((word): CommandWord => {
      const unresolved: string[] = [];
      const restored = restore(word.text, unresolved);
      // Expansions the shell found may hold masked parts: restore them, without counting twice.
      const shell = word.unresolved.map((u) => restore(u, []));
      const all = [...new Set([...shell, ...unresolved])];
      return all.length > 0 ? { text: restored, unresolved: all } : { text: restored };
    }),
  }));
  return { commands, problems: split.problems };
}

const MASK_OPEN = "\uE000";
const MASK_CLOSE = "\uE001";
const MASK = /\uE000(\d+)\uE001/g;

/** A command that runs, after unwrapping shell wrappers. */
export interface UnwrappedCommand {
  /** The program and its arguments. */
  argv: CommandWord[];
  /** `NAME=value` assignments written before it in a wrapper's script (its environment). */
  assignments: { name: string; value: CommandWord }[];
  /** When it comes from a wrapper's script: which word of the original held it, and the line. */
  script?: { index: number; line: number };
}

const SHELLS = new Set(["sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"]);
const MAX_WRAPPERS = 4;
/** Reserved words that open a compound command's part: dropped from the front of a command. */
const OPENERS = new Set(["if", "then", "else", "elif", "do", "while", "until", "!", "{", "time"]);
/** Heads of compound commands (`for x in …`, `case … in`): no command runs there. */
const HEADS = new Set(["for", "case", "select", "function"]);
/** Closers, alone: no command. */
const CLOSERS = new Set(["fi", "done", "esac", "}"]);

/**
 * The commands an argv runs: itself, or the commands of the script it hands to `sh -c` (see the
 * module documentation for the rule).
 *
 * @param argv The words, after the tool's substitutions.
 * @param substitution A substitution to apply again inside a script (GitHub's `${{ … }}`).
 * @returns One or more commands; a wrapper with an empty script stays as it is.
 * @example
 * ```ts
 * import { unwrapShell } from "./command_words.ts";
 * const argv = ["sh", "-c", "pip install mlflow && exec mlflow server --host 0.0.0.0"]
 *   .map((text) => ({ text }));
 * unwrapShell(argv).map((c) => c.argv.map((w) => w.text).join(" "));
 * // ["pip install mlflow", "mlflow server --host 0.0.0.0"]
 * ```
 */
export function unwrapShell(argv: CommandWord[], substitution?: Substitution): UnwrappedCommand[] {
  return unwrap(argv, substitution, 0);
}

/**
 * The commands a shell script runs, each with its leading assignments as environment and `exec` or
 * `nohup` dropped, shell wrappers in it unwrapped (a CI step's `run:`, a script line).
 *
 * @param text The script.
 * @param substitution The tool's substitution, if any (`${{ … }}` in a GitHub step).
 * @returns The commands; `script.line` is each one's line within the text (`script.index` 0).
 * @example
 * ```ts
 * import { unwrapScript } from "./command_words.ts";
 * const [serve] = unwrapScript("cd app\nGRADIO_SERVER_NAME=0.0.0.0 python app.py").slice(1);
 * serve.argv.map((w) => w.text); // ["python", "app.py"]
 * serve.assignments[0].name; // "GRADIO_SERVER_NAME"
 * serve.script?.line; // 2
 * ```
 */
export function unwrapScript(text: string, substitution?: Substitution): UnwrappedCommand[] {
  return scriptCommands(text, substitution, 0, 0);
}

function unwrap(
  argv: CommandWord[],
  substitution: Substitution | undefined,
  depth: number,
): UnwrappedCommand[] {
  const index = depth < MAX_WRAPPERS ? shellScriptIndex(argv) : undefined;
  if (index === undefined) return [{ argv, assignments: [] }];
  const found = scriptCommands(argv[index].text, substitution, depth, index);
  return found.length > 0 ? found : [{ argv, assignments: [] }];
}

function scriptCommands(
  text: string,
  substitution: Substitution | undefined,
  depth: number,
  index: number,
): UnwrappedCommand[] {
  const { commands } = splitScript(text, substitution);
  const found: UnwrappedCommand[] = [];
  for (const command of commands) {
    const assignments: UnwrappedCommand["assignments"] = [];
    let words = command.words;
    while (words.length > 0 && !words[0].unresolved && OPENERS.has(words[0].text)) {
      words = words.slice(1);
    }
    const head = words[0]?.unresolved ? undefined : words[0]?.text;
    if (head !== undefined && (HEADS.has(head) || (CLOSERS.has(head) && words.length === 1))) {
      continue;
    }
    for (;;) {
      const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(words[0]?.text ?? "");
      if (assignment) {
        const value = words[0].text.slice(assignment[0].length);
        const unresolved = words[0].unresolved;
        assignments.push({
          name: assignment[1],
          value: unresolved ? { text: value, unresolved } : { text: value },
        });
        words = words.slice(1);
      } else if (words[0] && (words[0].text === "exec" || words[0].text === "nohup")) {
        words = words.slice(1);
      } else break;
    }
    if (words.length === 0) continue; // only assignments: shell variables, nothing runs
    for (const inner of unwrap(words, substitution, depth + 1)) {
      found.push({
        argv: inner.argv,
        assignments: [...assignments, ...inner.assignments],
        script: { index, line: command.line - 1 + (inner.script?.line ?? 1) },
      });
    }
  }
  return found;
}

/** The index of the script word when argv is `[env] SHELL [options] -c SCRIPT …`. */
function shellScriptIndex(argv: CommandWord[]): number | undefined {
  const base = (word: CommandWord | undefined) =>
    word === undefined || word.unresolved ? "" : word.text.slice(word.text.lastIndexOf("/") + 1);
  let i = base(argv[0]) === "env" && SHELLS.has(base(argv[1])) ? 1 : 0;
  if (!SHELLS.has(base(argv[i]))) return undefined;
  let command = false;
  for (i++; i < argv.length; i++) {
    const text = argv[i].text;
    if (text === "--") return command && i + 1 < argv.length ? i + 1 : undefined;
    if (/^--[a-z]/.test(text)) continue; // bash's long options: --login, --norc…
    if (/^[-+][A-Za-z]+$/.test(text)) {
      if (text[0] === "-" && text.includes("c")) command = true;
      if (text.includes("o")) i++; // -o NAME (alone or last in a cluster)
      continue;
    }
    return command ? i : undefined;
  }
  return undefined;
}

/** Past the `}` matching the `{` at `open` (nested braces counted), or -1. */
function closeBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length && i < open + 4096; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return i + 1;
  }
  return -1;
}
