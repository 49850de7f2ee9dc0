/**
 * The Dockerfile's syntax, as BuildKit's parser reads it (`frontend/dockerfile/parser`): parser
 * directives at the top (`# escape=`, `# syntax=`, `# check=`), line continuations with the escape
 * character (`\` or `` ` ``, trailing blanks allowed, an escaped escape character not one), comment
 * and blank lines inside a continued instruction skipped, leading builder flags (`--mount=…`),
 * here-documents after `RUN`/`COPY`/`ADD` (`<<EOF`, `<<-EOF`, `<<"EOF"`, several per line), and the
 * argument forms: a JSON string array (exec form) or text (shell form), `ENV`/`LABEL` name=value
 * words (or the legacy `ENV name value`), `ARG name[=value]` words. What the instructions mean is
 * collect/infra/dockerfile.ts's business.
 *
 * @module
 */

/** One here-document of an instruction. */
export interface Heredoc {
  /** The delimiter, quotes removed. */
  name: string;
  /** `<<-`: leading tabs are stripped from the body and the delimiter line. */
  chomp: boolean;
  /** The body, each line with its newline. */
  content: string;
  /** 1-based line of the body's first line. */
  line: number;
}

/** One instruction, its continuation lines joined. */
export interface Instruction {
  /** The instruction word, upper case (`RUN`, `FROM`…). */
  keyword: string;
  /** Leading builder flags as written, quotes removed (`--mount=type=cache,target=/root/.cache`). */
  flags: string[];
  /** The arguments after the flags, continuations joined as BuildKit joins them. */
  rest: string;
  /** The whole joined line, keyword included (here-documents are looked for in it). */
  original: string;
  /** 1-based line where it starts. */
  line: number;
  /** Here-documents, in order (`RUN`, `COPY` and `ADD` in shell form only). */
  heredocs: Heredoc[];
}

/** A Dockerfile split into instructions. */
export interface DockerfileSyntax {
  /** The instructions, in order. */
  instructions: Instruction[];
  /** The escape character in force (`\` unless `# escape=`). */
  escape: string;
  /** What BuildKit would refuse, with the line. */
  problems: { line: number; message: string }[];
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const DIRECTIVES = new Set(["escape", "syntax", "check"]);
const HEREDOC_WORD = /^(\d*)<<(-?)([^<]*)$/;
const HEREDOC_INSTRUCTIONS = new Set(["RUN", "COPY", "ADD"]);
/** Lines past this are not read (a Dockerfile of a million lines is not one). */
const MAX_LINES = 100_000;

/**
 * Split a Dockerfile into instructions as BuildKit's parser does, without judging them.
 *
 * @param text The file's text.
 * @returns The instructions, the escape character, and problems (an unterminated here-document, a
 *   repeated or invalid directive), each with its line.
 * @example
 * ```ts
 * import { parseDockerfileSyntax } from "./_dockerfile_syntax.ts";
 * const { instructions } = parseDockerfileSyntax(
 *   "FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache \\\n    pip install mlflow\n",
 * );
 * instructions[1].flags; // ["--mount=type=cache,target=/root/.cache"]
 * instructions[1].rest; // "pip install mlflow"
 * ```
 */
export function parseDockerfileSyntax(text: string): DockerfileSyntax {
  const lines = splitLines(text.startsWith("\uFEFF") ? text.slice(1) : text);
  const problems: DockerfileSyntax["problems"] = [];
  if (lines.length > MAX_LINES) {
    problems.push({
      line: MAX_LINES,
      message: `more than ${MAX_LINES} lines; the rest is not read`,
    });
    lines.length = MAX_LINES;
  }
  let escape = "\\";
  let directivesDone = false;
  const seen = new Set<string>();
  const directive = (raw: string, line: number) => {
    if (directivesDone) return;
    const match = DIRECTIVE.exec(raw);
    const name = match?.[1].toLowerCase();
    if (!match || !DIRECTIVES.has(name!)) {
      directivesDone = true;
      return;
    }
    if (seen.has(name!)) {
      problems.push({ line, message: `only one ${name} parser directive can be used` });
      return;
    }
    seen.add(name!);
    if (name !== "escape") return;
    if (match[2] === "\\" || match[2] === "`") escape = match[2];
    else {problems.push({
        line,
        message: `invalid escape token '${match[2]}' does not match \` or \\`,
      });}
  };

  const instructions: Instruction[] = [];
  let i = 0;
  while (i < lines.length) {
    const start = i + 1;
    const first = lines[i++].trimStart();
    directive(first, start);
    if (first.startsWith("#")) continue;
    let [joined, more] = trimContinuation(first, escape);
    if (!more && joined === "") continue;
    while (more && i < lines.length) {
      const raw = lines[i++];
      directive(raw, i);
      if (raw.trimStart().startsWith("#") || raw.trim() === "") continue;
      const [part, again] = trimContinuation(raw, escape);
      joined += part;
      more = again;
    }
    const instruction = splitInstruction(joined, start);
    if (HEREDOC_INSTRUCTIONS.has(instruction.keyword) && !isJsonForm(instruction.rest)) {
      for (const { name, chomp } of heredocsIn(joined)) {
        const bodyLine = i + 1;
        let content = "";
        let terminated = false;
        while (i < lines.length) {
          const body = lines[i++];
          if ((chomp ? body.replace(/^\t+/, "") : body) === name) {
            terminated = true;
            break;
          }
          content += body + "\n";
        }
        if (!terminated) {
          problems.push({ line: start, message: `unterminated here-document (no ${name} line)` });
        }
        instruction.heredocs.push({ name, chomp, content, line: bodyLine });
      }
    }
    instructions.push(instruction);
  }
  return { instructions, escape, problems };
}

/** Lines without their line ends (`\n`, `\r\n`). */
function splitLines(text: string): string[] {
  const lines = text.split("\n").map((line) => line.replace(/\r+$/, ""));
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

/**
 * The line without its continuation character, and whether one was there: the escape character
 * last on the line (blanks after it allowed), unless the escape character itself is escaped.
 */
function trimContinuation(line: string, escape: string): [string, boolean] {
  const trimmed = line.replace(/[ \t]+$/, "");
  if (!trimmed.endsWith(escape)) return [line, false];
  const before = trimmed.slice(0, -1);
  if (before.endsWith(escape)) return [line, false];
  return [before, true];
}

function splitInstruction(line: string, start: number): Instruction {
  const trimmed = line.trim();
  const space = /[\t\v\f\r ]+/.exec(trimmed);
  const keyword = (space ? trimmed.slice(0, space.index) : trimmed).toUpperCase();
  const args = space ? trimmed.slice(space.index + space[0].length) : "";
  const { flags, rest } = builderFlags(args);
  return { keyword, flags, rest, original: line, line: start, heredocs: [] };
}

/**
 * Leading `--name[=value]` words (quotes and `\` escapes removed), and what follows them; a `--`
 * word alone ends the flags.
 */
function builderFlags(args: string): { flags: string[]; rest: string } {
  const flags: string[] = [];
  let at = 0;
  for (;;) {
    while (at < args.length && /\s/.test(args[at])) at++;
    if (!args.startsWith("--", at)) break;
    let word = "";
    let quote = "";
    let i = at;
    for (; i < args.length; i++) {
      const c = args[i];
      if (quote) {
        if (c === quote) quote = "";
        else if (c === "\\" && i + 1 < args.length) word += args[++i];
        else word += c;
      } else if (/\s/.test(c)) break;
      else if (c === "'" || c === '"') quote = c;
      else if (c === "\\" && i + 1 < args.length) word += args[++i];
      else word += c;
    }
    at = i;
    if (word === "--") break;
    flags.push(word);
  }
  return { flags, rest: args.slice(at) };
}

/** Whether the arguments are a JSON array (the exec form), whatever its elements. */
function isJsonForm(rest: string): boolean {
  return parseJsonForm(rest).kind !== "shell";
}

/**
 * The form of `CMD`, `ENTRYPOINT`, `RUN` or `SHELL` arguments: a JSON array of strings (exec
 * form), a JSON array holding something else (BuildKit refuses it), or anything else (shell form,
 * the text as written, so `['python', 'app.py']` with single quotes is shell form).
 *
 * @param rest The arguments.
 * @returns The form, with the words of the exec form.
 * @example
 * ```ts
 * import { parseJsonForm } from "./_dockerfile_syntax.ts";
 * parseJsonForm(' ["mlflow", "server"]'); // { kind: "exec", words: ["mlflow", "server"] }
 * parseJsonForm("['python', 'app.py']").kind; // "shell"
 * ```
 */
export function parseJsonForm(
  rest: string,
): { kind: "exec"; words: string[] } | { kind: "not-strings" } | { kind: "shell" } {
  const trimmed = rest.trimStart();
  if (!trimmed.startsWith("[")) return { kind: "shell" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return { kind: "shell" };
  }
  if (!Array.isArray(parsed)) return { kind: "shell" };
  if (!parsed.every((item) => typeof item === "string")) return { kind: "not-strings" };
  return { kind: "exec", words: parsed };
}

/**
 * Here-documents named on an instruction line: words (split on blanks, quotes kept) of the shape
 * `<<NAME`, `<<-NAME`, `2<<NAME`, whose name is one word once its quotes are removed.
 */
function heredocsIn(line: string): { name: string; chomp: boolean }[] {
  const found: { name: string; chomp: boolean }[] = [];
  for (const word of splitWords(line, "\\")) {
    const match = HEREDOC_WORD.exec(word);
    if (!match || match[3] === "") continue;
    const names = splitWords(match[3], "\\").map((w) => unquote(w, "\\"));
    if (names.length !== 1) continue;
    found.push({ name: names[0], chomp: match[2] === "-" });
  }
  return found;
}

/**
 * Words split on blanks with quotes and escapes kept as written (BuildKit's `parseWords`): the
 * shape `ENV`, `LABEL` and `ARG` arguments are read in.
 *
 * @param rest The arguments.
 * @param escape The escape character.
 * @returns The words.
 * @example
 * ```ts
 * import { splitWords } from "./_dockerfile_syntax.ts";
 * splitWords('A="x y" B=z\\ w', "\\"); // ['A="x y"', "B=z\\ w"]
 * ```
 */
export function splitWords(rest: string, escape: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let blankOk = false;
  let quote = "";
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (quote) {
      if (c === quote) quote = "";
      else if (c === escape && quote !== "'") {
        if (i + 1 === rest.length) continue;
        word += c;
        word += rest[++i];
        continue;
      }
      word += c;
      continue;
    }
    if (/\s/.test(c)) {
      if (inWord && (blankOk || word.length > 0)) words.push(word);
      word = "";
      inWord = blankOk = false;
      continue;
    }
    inWord = true;
    if (c === "'" || c === '"') {
      quote = c;
      blankOk = true;
    } else if (c === escape) {
      if (i + 1 === rest.length) continue;
      word += c + rest[++i];
      continue;
    }
    word += c;
  }
  if (inWord && (blankOk || word.length > 0)) words.push(word);
  return words;
}

/**
 * A word with its quotes removed as BuildKit's shell lexer removes them: `'…'` literal, `"…"`
 * where the escape character escapes only `"`, `$` and itself, and the escape character outside
 * quotes taking the next character literally. `$VAR` stays as written.
 *
 * @param word The word.
 * @param escape The escape character.
 * @returns The value.
 * @example
 * ```ts
 * import { unquote } from "./_dockerfile_syntax.ts";
 * unquote('"/opt/venv/bin:$PATH"', "\\"); // "/opt/venv/bin:$PATH"
 * unquote("a\\ b", "\\"); // "a b"
 * ```
 */
export function unquote(word: string, escape: string): string {
  let out = "";
  for (let i = 0; i < word.length; i++) {
    const c = word[i];
    if (c === "'") {
      const close = word.indexOf("'", i + 1);
      if (close < 0) return out + word.slice(i + 1);
      out += word.slice(i + 1, close);
      i = close;
    } else if (c === '"') {
      for (i++; i < word.length && word[i] !== '"'; i++) {
        const next = word[i + 1];
        if (word[i] === escape && (next === '"' || next === "$" || next === escape)) {
          out += next;
          i++;
        } else out += word[i];
      }
    } else if (c === escape && i + 1 < word.length) {
      out += word[++i];
    } else out += c;
  }
  return out;
}

/**
 * The `name=value` pairs of `ENV` or `LABEL` (BuildKit's `parseNameVal`): words with `=`, values
 * unquoted; or the legacy `ENV name value` (the first word has no `=`), whose value is the rest of
 * the line.
 *
 * @param rest The arguments.
 * @param escape The escape character.
 * @returns The pairs, or what BuildKit would say is wrong.
 * @example
 * ```ts
 * import { nameValues } from "./_dockerfile_syntax.ts";
 * nameValues('PATH="/opt/venv/bin:$PATH" PYTHONUNBUFFERED=1', "\\");
 * // { pairs: [{ name: "PATH", value: "/opt/venv/bin:$PATH" }, { name: "PYTHONUNBUFFERED", value: "1" }] }
 * nameValues("MLFLOW_HOST 0.0.0.0", "\\"); // { pairs: [{ name: "MLFLOW_HOST", value: "0.0.0.0" }] }
 * ```
 */
export function nameValues(
  rest: string,
  escape: string,
): { pairs: { name: string; value: string }[] } | { error: string } {
  const words = splitWords(rest, escape);
  if (words.length === 0) return { pairs: [] };
  if (!words[0].includes("=")) {
    const parts = rest.trim().split(/[\t\v\f\r ]+/);
    if (parts.length < 2) return { error: "must have two arguments (name value) or name=value" };
    const name = parts[0];
    const value = rest.trim().slice(name.length).replace(/^[\t\v\f\r ]+/, "");
    return { pairs: [{ name, value: unquote(value, escape) }] };
  }
  const pairs: { name: string; value: string }[] = [];
  for (const word of words) {
    const eq = word.indexOf("=");
    if (eq < 0) return { error: `can't find = in "${word}"; must be of the form name=value` };
    pairs.push({ name: word.slice(0, eq), value: unquote(word.slice(eq + 1), escape) });
  }
  return { pairs };
}

/**
 * The variables of `ARG` (BuildKit's `parseNameOrNameVal`): `name` or `name=default` words.
 *
 * @example
 * ```ts
 * import { argNames } from "./_dockerfile_syntax.ts";
 * argNames('PYTHON=3.12 HF_TOKEN', "\\"); // [{ name: "PYTHON", value: "3.12" }, { name: "HF_TOKEN" }]
 * ```
 */
export function argNames(rest: string, escape: string): { name: string; value?: string }[] {
  return splitWords(rest, escape).map((word) => {
    const eq = word.indexOf("=");
    return eq < 0
      ? { name: unquote(word, escape) }
      : { name: word.slice(0, eq), value: unquote(word.slice(eq + 1), escape) };
  });
}
