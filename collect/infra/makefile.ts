/**
 * Makefiles (`Makefile`, `makefile`, `GNUmakefile`, `*.mk`): the commands each target's recipe
 * runs, read as GNU make reads them, without running make.
 *
 * - A rule line (`serve: deps`, `a b:: deps`, `x: ; inline recipe`) starts a target's recipe; the
 *   unit is the targets as written. A variable assignment, a target-specific variable or any other
 *   directive ends it; blank lines, comment lines and conditionals (`ifeq`… `endif`) do not.
 *   `define … endef` bodies are skipped.
 * - Recipe lines start with a tab (or `.RECIPEPREFIX`); `@`, `-` and `+` prefixes are taken off;
 *   a `\` at the end of a recipe line continues it, and the shell receives both (as make passes
 *   them), minus the next line's recipe prefix. Each logical line runs in a shell of its own, so
 *   each is read as one script (commands split by `_shell_launches.ts`); with `.ONESHELL:`, the
 *   whole recipe is one script.
 * - Make's own references are make's, not the shell's: `$(VAR)`, `${VAR}` and `$X` are left as
 *   written and marked unresolved (a single-character name other than `@`, `*`, `?` braced, as
 *   `${<}`, so the shell split keeps it whole), and `$$` is the literal `$` the shell sees. Variables
 *   the Makefile assigns are not substituted.
 *
 * Not read: included makefiles (`include`), pattern expansion, functions (`$(shell …)` stays as
 * written), other `SHELL`s.
 *
 * @module
 */
import type { CommandWord } from "../../core/snapshot.ts";
import { baseName, type FileReader, textReader } from "../_reader.ts";
import { type LaunchFacts, scriptLaunches } from "./_shell_launches.ts";

const MAX_BYTES = 1 << 20;
const MAX_LINES = 100_000;
const CONDITIONAL = /^(?:ifeq|ifneq|ifdef|ifndef|else|endif)(?:\s|$)/;
const DIRECTIVE = /^(?:-?include|sinclude|export|unexport|override|vpath|undefine|private)(?:\s|$)/;

/** One recipe line of a rule, its continuation lines joined as make passes them to the shell. */
interface RecipeLine {
  /** The text for the shell, make references converted (see the module documentation). */
  text: string;
  /** 1-based line where it starts. */
  line: number;
  /** Make references left as written, to mark unresolved wherever they end up. */
  references: string[];
}

/**
 * Whether a path is named like a Makefile.
 *
 * @example
 * ```ts
 * import { isMakefile } from "./makefile.ts";
 * isMakefile("GNUmakefile"); // true
 * isMakefile("build/rules.mk"); // true
 * isMakefile("Makefile.am"); // false
 * ```
 */
export function isMakefile(file: string): boolean {
  const name = baseName(file);
  return name === "Makefile" || name === "makefile" || name === "GNUmakefile" ||
    /.\.mk$/.test(name);
}

/**
 * Read a Makefile (see the module documentation).
 *
 * @param text The file's text.
 * @param options `file`: the project-relative path recorded in locations.
 * @returns A launch per command of each recipe line, with the target as unit.
 * @example
 * ```ts
 * import { readMakefile } from "./makefile.ts";
 * const facts = readMakefile("serve:\n\t@mlflow server --host $(HOST) --port 5000\n", {
 *   file: "Makefile",
 * });
 * facts.launches[0].unit; // "serve"
 * facts.launches[0].argv[3]; // { text: "$(HOST)", unresolved: ["$(HOST)"] }
 * ```
 */
export function readMakefile(text: string, options: { file: string }): LaunchFacts {
  const { file } = options;
  const facts: LaunchFacts = { launches: [], secrets: [], problems: [] };
  const lines = text.split("\n").map((line) => line.replace(/\r$/, ""));
  if (lines.length > MAX_LINES) {
    facts.problems.push({
      file,
      line: MAX_LINES,
      message: `more than ${MAX_LINES} lines; the rest is not read`,
    });
    lines.length = MAX_LINES;
  }
  const oneShell = lines.some((line) => /^\.ONESHELL\s*:/.test(line));
  let prefix = "\t";
  let rule: { unit: string; recipe: RecipeLine[] } | undefined;
  const rules: { unit: string; recipe: RecipeLine[] }[] = [];
  let defines = 0;

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (defines > 0) {
      if (/^\s*endef(?:\s|$)/.test(line)) defines--;
      else if (/^\s*(?:(?:override|export|private)\s+)*define\s/.test(line)) defines++;
      continue;
    }
    if (rule && line.startsWith(prefix)) {
      const start = i;
      const body = [line.slice(prefix.length)];
      while (endsWithContinuation(lines[i]) && i + 1 < lines.length) {
        const next = lines[++i];
        body.push(next.startsWith(prefix) ? next.slice(prefix.length) : next);
      }
      rule.recipe.push(recipeLine(body.join("\n").replace(/^[\s@+-]+/, ""), start + 1));
      continue;
    }
    // A make line: continuations joined with one blank, a comment taken off.
    const start = i;
    const parts = [line];
    while (endsWithContinuation(lines[i]) && i + 1 < lines.length) {
      parts[parts.length - 1] = parts[parts.length - 1].slice(0, -1).replace(/\s+$/, "");
      parts.push(lines[++i].replace(/^\s+/, ""));
    }
    const code = withoutComment(parts.join(" ")).trim();
    if (code === "" || CONDITIONAL.test(code)) continue;
    if (/^(?:(?:override|export|private)\s+)*define(?:\s|$)/.test(code)) {
      defines = 1;
      rule = undefined;
      continue;
    }
    const recipePrefix = /^\.RECIPEPREFIX\s*(?::{0,3}|\+|\?)=\s*(.*)$/.exec(code);
    if (recipePrefix) prefix = recipePrefix[1] === "" ? "\t" : recipePrefix[1][0];
    const parsed = DIRECTIVE.test(code) ? undefined : ruleLine(code);
    rule = parsed && { unit: parsed.targets, recipe: [] };
    if (!rule) continue;
    rules.push(rule);
    if (parsed!.inline !== undefined) {
      rule.recipe.push(recipeLine(parsed!.inline.replace(/^[\s@+-]+/, ""), start + 1));
    }
  }

  for (const { unit, recipe } of rules) {
    const launchUnit = { origin: "makefile" as const, unit, file, env: [] };
    const scripts = oneShell && recipe.length > 0 ? [oneScript(recipe)] : recipe;
    for (const script of scripts) {
      const from = facts.launches.length;
      scriptLaunches(script.text, { unit: launchUnit, line: script.line, facts });
      for (const launch of facts.launches.slice(from)) {
        markReferences(launch.argv, script.references);
      }
    }
  }
  return facts;
}

/** Whether an assignment operator starts at `i`: `=`, `:=`, `::=`, `:::=`, `?=`, `+=`, `!=`. */
function isAssignment(code: string, i: number): boolean {
  const c = code[i];
  if (c === "=") return true;
  if (c === "?" || c === "+" || c === "!") return code[i + 1] === "=";
  if (c !== ":") return false;
  let colons = 1;
  while (colons < 3 && code[i + colons] === ":") colons++;
  return code[i + colons] === "=";
}

/** Whether a line ends with a `\` that is not itself escaped. */
function endsWithContinuation(line: string): boolean {
  const trailing = /\\+$/.exec(line)?.[0].length ?? 0;
  return trailing % 2 === 1;
}

/** A make line without its comment (`#` not escaped as `\#`). */
function withoutComment(line: string): string {
  for (let i = 0; i < line.length; i++) {
    if (line[i] === "\\") i++;
    else if (line[i] === "#") return line.slice(0, i);
  }
  return line;
}

/**
 * The targets and inline recipe of a rule line, or undefined when the line is an assignment, a
 * target-specific variable or no rule.
 */
function ruleLine(code: string): { targets: string; inline?: string } | undefined {
  let depth = 0;
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (c === "$" && (code[i + 1] === "(" || code[i + 1] === "{")) {
      depth++;
      i++;
    } else if (depth > 0 && (c === ")" || c === "}")) depth--;
    else if (depth > 0) continue;
    else if (isAssignment(code, i)) return undefined;
    else if (c === ":") {
      const targets = code.slice(0, i).trim().replace(/\s+/g, " ");
      let rest = code.slice(i + 1);
      if (rest.startsWith(":")) rest = rest.slice(1); // double-colon rule
      const semicolon = rest.indexOf(";");
      const dependencies = semicolon < 0 ? rest : rest.slice(0, semicolon);
      if (targets === "" || /(?::{1,3}|[?+!])?=/.test(dependencies)) return undefined;
      return semicolon < 0 ? { targets } : { targets, inline: rest.slice(semicolon + 1) };
    }
  }
  return undefined;
}

/**
 * A recipe line for the shell: `$$` as `$`, make references kept (a one-character name braced
 * unless the shell reads it the same).
 */
function recipeLine(body: string, line: number): RecipeLine {
  let text = "";
  const references: string[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== "$") {
      text += c;
      continue;
    }
    const next = body[i + 1];
    if (next === "$") {
      text += "$";
      i++;
    } else if (next === "(" || next === "{") {
      const end = closing(body, i + 1);
      const reference = body.slice(i, end);
      references.push(reference);
      text += reference;
      i = end - 1;
    } else if (next !== undefined && /[^\s]/.test(next)) {
      const reference = /[@*?]/.test(next) ? `$${next}` : `\${${next}}`;
      references.push(reference);
      text += reference;
      i++;
    } else text += c;
  }
  return { text, line, references };
}

/** Past the bracket matching `body[open]` (nesting counted), or the end. */
function closing(body: string, open: number): number {
  const left = body[open];
  const right = left === "(" ? ")" : "}";
  let depth = 0;
  for (let i = open; i < body.length; i++) {
    if (body[i] === left) depth++;
    else if (body[i] === right && --depth === 0) return i + 1;
  }
  return body.length;
}

/** `.ONESHELL`: the recipe's lines as one script, each at its own line. */
function oneScript(recipe: RecipeLine[]): RecipeLine {
  const first = recipe[0].line;
  let text = "";
  let at = first;
  for (const line of recipe) {
    text += "\n".repeat(Math.max(0, line.line - at)) + line.text;
    at = line.line + line.text.split("\n").length - 1;
  }
  return { text, line: first, references: recipe.flatMap((r) => r.references) };
}

/** Make references are unresolved wherever the shell put them (in single quotes too). */
function markReferences(argv: CommandWord[], references: string[]): void {
  for (const word of argv) {
    const found = references.filter((r) => word.text.includes(r) && !word.unresolved?.includes(r));
    if (found.length > 0) word.unresolved = [...word.unresolved ?? [], ...new Set(found)];
  }
}

/**
 * The Makefile reader.
 *
 * @example
 * ```ts
 * import { makefileReader } from "./makefile.ts";
 * makefileReader.matches("Makefile"); // true
 * ```
 */
export const makefileReader: FileReader = textReader({
  format: "Makefile",
  matches: isMakefile,
  parse: (text, { file }) => readMakefile(text, { file }),
  maxBytes: MAX_BYTES,
});
