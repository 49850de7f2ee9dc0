/**
 * Shell words, split as a POSIX shell splits them, without running anything: the command lines of
 * Dockerfiles, compose files, Kubernetes manifests, Procfiles, Makefiles, CI steps and scripts all
 * pass through here before a check reads `mlflow server --host 0.0.0.0` out of them.
 *
 * Redirections (`2>&1`, `> log`, `<<EOF` with its here-document) are dropped: they are not words
 * of the command. What a shell would do at run time is not done: `$VAR`, `${VAR}`, `$(…)` and backquotes are kept
 * as written and named in the word's `unresolved` list, so a check can tell `--host $HOST` (unknown)
 * from `--host 0.0.0.0` (known). No globbing, no tilde or brace expansion, no aliases.
 *
 * @module
 */

/** One word of a command. */
export interface ShellWord {
  /** The word after quote removal, with expansions left as written (`$HOST`, `${PORT:-80}`). */
  text: string;
  /** Expansions the word contains, as written (`$HOST`, `${PORT:-80}`, `$(hostname)`). */
  unresolved: string[];
  /** 1-based line (within the text given) where the word starts. */
  line: number;
}

/** A simple command: the words between operators (`;`, `&&`, `||`, `|`, `&`, newline). */
export interface ShellCommand {
  /** Its words, in order. */
  words: ShellWord[];
  /** 1-based line where it starts. */
  line: number;
}

/** What {@linkcode splitShell} returns. */
export interface ShellSplit {
  /** The commands, in order. */
  commands: ShellCommand[];
  /** What could not be split (an unterminated quote, a limit), with its line. */
  problems: { line: number; message: string }[];
}

/** Limits on hostile input. */
const MAX_CHARS = 1 << 20;
const MAX_WORDS = 100_000;
const MAX_NESTING = 64;

const OPERATOR_START = new Set([";", "&", "|"]);
const BLANK = new Set([" ", "\t"]);

/**
 * Split shell text into commands and words, as `sh` would before expansion.
 *
 * @param text The shell text: one command line or a whole script.
 * @returns The commands, and problems (an unterminated quote is one, with its line; the words
 *   read until then are kept).
 * @example
 * ```ts
 * import { splitShell } from "./shell_words.ts";
 * const { commands } = splitShell(`mlflow server --host "0.0.0.0" \\\n  --port $PORT && echo ok`);
 * commands[0].words.map((w) => w.text); // ["mlflow", "server", "--host", "0.0.0.0", "--port", "$PORT"]
 * commands[0].words[5].unresolved; // ["$PORT"]
 * commands[1].words.map((w) => w.text); // ["echo", "ok"]
 * ```
 */
export function splitShell(text: string): ShellSplit {
  const problems: ShellSplit["problems"] = [];
  if (text.length > MAX_CHARS) {
    problems.push({ line: 1, message: `longer than ${MAX_CHARS} characters; not split` });
    return { commands: [], problems };
  }
  const commands: ShellCommand[] = [];
  let words: ShellWord[] = [];
  let commandLine = 1;
  let line = 1;
  let count = 0;
  // The word being built: undefined between words.
  let word: ShellWord | undefined;
  // The next word is a redirection's target, not a word of the command.
  let target = false;
  // Here-document delimiters waiting for the end of the line: [delimiter, strip tabs].
  const heredocs: [string, boolean][] = [];
  let heredocPending = false;
  const start = () => word ??= { text: "", unresolved: [], line };
  const endWord = () => {
    if (word === undefined) return;
    if (target) {
      if (heredocPending) heredocs.push([word.text, heredocStrip]);
      target = heredocPending = false;
    } else {
      if (words.length === 0) commandLine = word.line;
      words.push(word);
    }
    word = undefined;
    count++;
  };
  let heredocStrip = false;
  const endCommand = () => {
    endWord();
    if (words.length > 0) commands.push({ words, line: commandLine });
    words = [];
  };

  let i = 0;
  while (i < text.length) {
    if (count > MAX_WORDS) {
      problems.push({ line, message: `more than ${MAX_WORDS} words; the rest is not split` });
      break;
    }
    const c = text[i];
    if (c === "\\") {
      const next = text[i + 1];
      if (next === "\n") { // line continuation: removed, the word goes on
        i += 2;
        line++;
        continue;
      }
      if (next === undefined) { // a trailing backslash is literal
        start().text += "\\";
        i++;
        continue;
      }
      start().text += next;
      i += 2;
      continue;
    }
    if (c === "'") {
      const close = text.indexOf("'", i + 1);
      const w = start();
      if (close < 0) {
        problems.push({ line: w.line, message: "unterminated single quote" });
        w.text += text.slice(i + 1);
        break;
      }
      const inner = text.slice(i + 1, close);
      w.text += inner;
      line += countNewlines(inner);
      i = close + 1;
      continue;
    }
    if (c === '"') {
      const w = start();
      const end = readDoubleQuoted(text, i + 1, w);
      line += countNewlines(text.slice(i, end.index));
      if (end.unterminated) {
        problems.push({ line: w.line, message: "unterminated double quote" });
        break;
      }
      i = end.index;
      continue;
    }
    if (c === "$" || c === "`") {
      const w = start();
      const end = readExpansion(text, i);
      if (end < 0) {
        problems.push({ line: w.line, message: `unterminated ${c === "`" ? "`…`" : "$(…)"}` });
        w.text += text.slice(i);
        w.unresolved.push(text.slice(i));
        break;
      }
      const expansion = text.slice(i, end);
      w.text += expansion;
      if (expansion !== "$") w.unresolved.push(expansion);
      line += countNewlines(expansion);
      i = end;
      continue;
    }
    if (c === "#" && word === undefined) { // a comment runs to the end of the line
      const newline = text.indexOf("\n", i);
      i = newline < 0 ? text.length : newline;
      continue;
    }
    if (c === "\n") {
      endCommand();
      line++;
      i++;
      // Here-documents begin on the next line and end at their delimiter, alone on a line.
      for (const [delimiter, strip] of heredocs.splice(0)) {
        while (i < text.length) {
          const newline = text.indexOf("\n", i);
          const end = newline < 0 ? text.length : newline;
          const body = text.slice(i, end);
          i = newline < 0 ? text.length : newline + 1;
          line++;
          if ((strip ? body.replace(/^\t+/, "") : body) === delimiter) break;
        }
      }
      continue;
    }
    if (c === ">" || c === "<") {
      // An all-digit word touching the operator is its file descriptor (`2>`), not a word.
      if (word !== undefined && /^[0-9]+$/.test(word.text) && word.unresolved.length === 0) {
        word = undefined;
      } else endWord();
      let op = c;
      while (
        op.length < 3 && /^(?:>[>&|]?|<[<&>]?|<<[-<])$/.test(op + (text[i + op.length] ?? ""))
      ) {
        op += text[i + op.length];
      }
      i += op.length;
      if (op === "<<" || op === "<<-") {
        heredocPending = true;
        heredocStrip = op === "<<-";
      }
      target = true;
      continue;
    }
    if (BLANK.has(c) || c === "\r") {
      endWord();
      i++;
      continue;
    }
    if (OPERATOR_START.has(c)) {
      endCommand();
      // `;;`, `&&`, `||`, `|&`: one operator.
      i += text[i + 1] === c || (c === "|" && text[i + 1] === "&") ? 2 : 1;
      continue;
    }
    if (c === "(" || c === ")") { // subshells and groups separate commands
      endCommand();
      i++;
      continue;
    }
    start().text += c;
    i++;
  }
  endCommand();
  return { commands, problems };
}

function countNewlines(text: string): number {
  let n = 0;
  for (let at = text.indexOf("\n"); at >= 0; at = text.indexOf("\n", at + 1)) n++;
  return n;
}

/** Inside double quotes: `\` escapes only `$ \` " \\` and newline; expansions are kept as written. */
function readDoubleQuoted(
  text: string,
  from: number,
  word: ShellWord,
): { index: number; unterminated: boolean } {
  let i = from;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') return { index: i + 1, unterminated: false };
    if (c === "\\") {
      const next = text[i + 1];
      if (next === "\n") {
        i += 2;
        continue;
      }
      if (next === "$" || next === "`" || next === '"' || next === "\\") {
        word.text += next;
        i += 2;
        continue;
      }
      word.text += "\\";
      i++;
      continue;
    }
    if (c === "$" || c === "`") {
      const end = readExpansion(text, i);
      if (end < 0) return { index: text.length, unterminated: true };
      const expansion = text.slice(i, end);
      word.text += expansion;
      if (expansion !== "$") word.unresolved.push(expansion);
      i = end;
      continue;
    }
    word.text += c;
    i++;
  }
  return { index: text.length, unterminated: true };
}

/**
 * The end (exclusive) of the expansion starting at `from` (`$NAME`, `$1`, `$?`, `${…}`, `$(…)`,
 * `$((…))`, `` `…` ``), or -1 when it never closes. A `$` followed by nothing it can expand is a
 * literal `$` (end = from + 1).
 */
function readExpansion(text: string, from: number): number {
  if (text[from] === "`") {
    for (let i = from + 1; i < text.length; i++) {
      if (text[i] === "\\") i++;
      else if (text[i] === "`") return i + 1;
    }
    return -1;
  }
  const next = text[from + 1];
  if (next === "{") return closeBracket(text, from + 1, "{", "}");
  if (next === "(") return closeBracket(text, from + 1, "(", ")");
  if (next !== undefined && /[A-Za-z_]/.test(next)) {
    let i = from + 2;
    while (i < text.length && /[A-Za-z0-9_]/.test(text[i])) i++;
    return i;
  }
  if (next !== undefined && /[0-9@*#?$!-]/.test(next)) return from + 2;
  return from + 1;
}

/** Past the bracket matching `text[open]`, skipping quoted text; -1 when unbalanced or too deep. */
function closeBracket(text: string, open: number, left: string, right: string): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "\\") {
      i++;
    } else if (c === "'" && left === "(") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) return -1;
      i = close;
    } else if (c === left) {
      if (++depth > MAX_NESTING) return -1;
    } else if (c === right && --depth === 0) {
      return i + 1;
    }
  }
  return -1;
}

/**
 * Whether a word is fully known: nothing in it waits for run time.
 *
 * @example
 * ```ts
 * import { isLiteral, splitShell } from "./shell_words.ts";
 * const [cmd] = splitShell("jupyter lab --ip=$IP --no-browser").commands;
 * cmd.words.map(isLiteral); // [true, true, false, true]
 * ```
 */
export function isLiteral(word: ShellWord): boolean {
  return word.unresolved.length === 0;
}
