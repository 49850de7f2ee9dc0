/**
 * Module-level string constants and literal evaluation for the Python model-reference reader:
 * implicit concatenations of string literals, and names bound exactly once, at module level, to
 * such a literal. Nothing is executed.
 *
 * @module
 */
import type { PythonToken } from "./_python_tokens.ts";

const AUGMENTED = new Set(
  "+= -= *= /= //= %= **= @= &= |= ^= >>= <<= :=".split(" "),
);
const COMPOUND = new Set(
  "if elif else while for try except finally with def class async match case".split(" "),
);

/**
 * Whether a token is the operator with the given text.
 *
 * @param token A token, or `undefined` past either end of the token list.
 * @param text The operator, such as `"("` or `"="`.
 * @returns `true` only for an `op` token with exactly that text.
 * @example
 * ```ts
 * import { isOp } from "./_python_constants.ts";
 * import { tokenizePython } from "./_python_tokens.ts";
 * const [name, paren] = tokenizePython("f(x)\n");
 * isOp(paren, "("); // true
 * isOp(name, "("); // false
 * ```
 */
export function isOp(token: PythonToken | undefined, text: string): boolean {
  return token !== undefined && token.kind === "op" && token.text === text;
}

/**
 * The value of `"a" "b"` or `("a"\n "b")`: text strings only (no bytes, no f-strings).
 *
 * @param tokens The file's tokens, comments removed.
 * @param from Index of the first token of the expression.
 * @param to Index just past its last token.
 * @returns The concatenated text, or `undefined` when the tokens are not only text literals.
 * @example
 * ```ts
 * import { literalValue } from "./_python_constants.ts";
 * import { tokenizePython } from "./_python_tokens.ts";
 * const tokens = tokenizePython('("org/" "model")\n');
 * literalValue(tokens, 0, 4); // "org/model"
 * ```
 */
export function literalValue(tokens: PythonToken[], from: number, to: number): string | undefined {
  while (to - from >= 2 && isOp(tokens[from], "(") && isOp(tokens[to - 1], ")")) {
    from++;
    to--;
  }
  if (from >= to) return undefined;
  let value = "";
  for (let k = from; k < to; k++) {
    const t = tokens[k];
    if (t.kind !== "string" || t.value === undefined || /^[a-z]*b/i.test(t.text)) return undefined;
    value += t.value;
  }
  return value;
}

/**
 * Names bound exactly once in the whole file, by a module-level `NAME = "literal"` (optionally
 * annotated). Any other binding anywhere — reassignment, `for`, `import`, `as`, parameters,
 * `global`, walrus — disqualifies the name, so a local that shadows it is never resolved wrongly.
 *
 * @param tokens The file's tokens, comments removed.
 * @returns Each resolvable constant's name and value.
 * @example
 * ```ts
 * import { moduleConstants } from "./_python_constants.ts";
 * import { tokenizePython } from "./_python_tokens.ts";
 * const constants = moduleConstants(tokenizePython('BASE = "org/model"\nOUT = "a"\nOUT = "b"\n'));
 * constants.get("BASE"); // "org/model"
 * constants.has("OUT"); // false
 * ```
 */
export function moduleConstants(tokens: PythonToken[]): Map<string, string> {
  return scopeConstants(tokens, { from: 0, to: tokens.length, column: 1 }).constants;
}

/**
 * The same rule inside each function: a name bound exactly once in the function (parameters
 * count as bindings), by `NAME = "literal"` at the function body's own level. `bound` lists every
 * name the function binds, so a caller knows when a module constant is shadowed.
 *
 * @param tokens The file's tokens, comments removed.
 * @returns One scope per `def`: the token range of its body, its constants and bound names.
 * @example
 * ```ts
 * import { functionScopes } from "./_python_constants.ts";
 * import { tokenizePython } from "./_python_tokens.ts";
 * const [scope] = functionScopes(tokenizePython('def f():\n    name = "org/m"\n    g(name)\n'));
 * scope.constants.get("name"); // "org/m"
 * ```
 */
export function functionScopes(tokens: PythonToken[]): Scope[] {
  const scopes = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].kind !== "name" || tokens[i].text !== "def") continue;
    const head = tokens[i - 1]?.text === "async" ? i - 1 : i;
    if (head > 0 && tokens[head - 1].kind !== "newline") continue;
    const defColumn = tokens[head].column;
    let bodyStart = i;
    while (bodyStart < tokens.length && tokens[bodyStart].kind !== "newline") bodyStart++;
    bodyStart++;
    let end = bodyStart;
    while (end < tokens.length) {
      const startsLine = tokens[end - 1]?.kind === "newline";
      if (startsLine && tokens[end].kind !== "newline" && tokens[end].column <= defColumn) break;
      end++;
    }
    if (bodyStart >= end || tokens[bodyStart].column <= defColumn) continue;
    const scope = scopeConstants(tokens, { from: head, to: end, column: tokens[bodyStart].column });
    scopes.push({ from: bodyStart, to: end, ...scope });
  }
  return scopes;
}

/** A half-open range of token indexes: one expression. */
export interface TokenSpan {
  /** First token. */
  from: number;
  /** Just past the last token. */
  to: number;
}

/** What one scope (the module, or a function body) binds. */
export interface ScopeBindings {
  /** Names bound exactly once, to a string literal, and their values. */
  constants: Map<string, string>;
  /**
   * Names bound only by plain `NAME = expression` statements at the scope's own level, with the
   * expression of each (several when the name is reassigned); any other binding (a loop, an
   * import, a parameter, `+=`) leaves the name out.
   */
  definitions: Map<string, TokenSpan[]>;
  /** Every name the scope binds. */
  bound: Set<string>;
}

/** One function body: its token range and what it binds. */
export interface Scope extends ScopeBindings {
  /** First token of the body. */
  from: number;
  /** Just past the body. */
  to: number;
}

/**
 * What the module binds at its own level (see {@linkcode ScopeBindings}).
 *
 * @example
 * ```ts
 * import { moduleBindings } from "./_python_constants.ts";
 * import { tokenizePython } from "./_python_tokens.ts";
 * const module = moduleBindings(tokenizePython('M = "a/b"\nM = "c/d"\n'));
 * module.definitions.get("M")?.length; // 2
 * ```
 */
export function moduleBindings(tokens: PythonToken[]): ScopeBindings {
  return scopeConstants(tokens, { from: 0, to: tokens.length, column: 1 });
}

/** Constants of one scope: statements starting at `column` inside tokens [from, to). */
function scopeConstants(
  tokens: PythonToken[],
  scope: { from: number; to: number; column: number },
): ScopeBindings {
  const candidates = new Map<string, string>();
  const spans = new Map<string, TokenSpan[]>();
  const bindings = new Map<string, number>();
  const bind = (name: string) => bindings.set(name, (bindings.get(name) ?? 0) + 1);
  let start = scope.from;
  let depth = 0;
  let atLevel = tokens[scope.from]?.column === scope.column;
  for (let i = scope.from; i <= scope.to; i++) {
    const t = tokens[i];
    if (i === scope.to || t.kind === "newline" || (depth === 0 && isOp(t, ";"))) {
      if (i > start) {
        const assigns = topLevelAssignments(tokens, start, i);
        markBindings(tokens, start, i, assigns[assigns.length - 1] ?? -1, bind);
        const constant = atLevel ? constantDefinition(tokens, start, i, assigns) : undefined;
        if (constant) candidates.set(constant.name, constant.value);
        const plain = atLevel ? plainAssignment(tokens, start, i, assigns) : undefined;
        // Appended in place: a name reassigned thousands of times must not be copied each time.
        if (plain) {
          const list = spans.get(plain.name);
          if (list) list.push(plain.span);
          else spans.set(plain.name, [plain.span]);
        }
        // `if x: A = "a"; B = "b"` — B belongs to the if-suite.
        if (COMPOUND.has(tokens[start].text)) atLevel = false;
      }
      if (t?.kind === "newline") atLevel = tokens[i + 1]?.column === scope.column;
      start = i + 1;
      depth = 0;
    } else if (t.kind === "op" && "([{".includes(t.text)) depth++;
    else if (t.kind === "op" && ")]}".includes(t.text)) depth = Math.max(0, depth - 1);
  }
  const constants = new Map<string, string>();
  for (const [name, value] of candidates) {
    if (bindings.get(name) === 1) constants.set(name, value);
  }
  const definitions = new Map<string, TokenSpan[]>();
  for (const [name, list] of spans) {
    if (bindings.get(name) === list.length) definitions.set(name, list);
  }
  return { constants, definitions, bound: new Set(bindings.keys()) };
}

/** `NAME = expression` (optionally annotated) with one top-level `=`: the name and expression. */
function plainAssignment(
  tokens: PythonToken[],
  from: number,
  to: number,
  assigns: number[],
): { name: string; span: TokenSpan } | undefined {
  const [assign] = assigns;
  if (tokens[from].kind !== "name" || assigns.length !== 1 || assign + 1 >= to) return undefined;
  if (assign !== from + 1 && !(assign > from + 2 && isOp(tokens[from + 1], ":"))) return undefined;
  return { name: tokens[from].text, span: { from: assign + 1, to } };
}

/** Indexes of the `=` tokens outside brackets in one statement. */
function topLevelAssignments(tokens: PythonToken[], from: number, to: number): number[] {
  const found = [];
  let depth = 0;
  for (let k = from; k < to; k++) {
    const t = tokens[k];
    if (t.kind !== "op") continue;
    if ("([{".includes(t.text)) depth++;
    else if (")]}".includes(t.text)) depth = Math.max(0, depth - 1);
    else if (t.text === "=" && depth === 0) found.push(k);
  }
  return found;
}

/** `NAME = literal` or `NAME: annotation = literal`, with exactly one top-level `=`. */
function constantDefinition(
  tokens: PythonToken[],
  from: number,
  to: number,
  assigns: number[],
): { name: string; value: string } | undefined {
  const [assign] = assigns;
  if (tokens[from].kind !== "name" || assigns.length !== 1) return undefined;
  if (assign !== from + 1 && !(assign > from + 2 && isOp(tokens[from + 1], ":"))) return undefined;
  const value = literalValue(tokens, assign + 1, to);
  return value === undefined ? undefined : { name: tokens[from].text, value };
}

/** Reports every name one statement binds (over-reporting is safe: it only blocks resolution). */
function markBindings(
  tokens: PythonToken[],
  from: number,
  to: number,
  lastAssign: number,
  bind: (name: string) => void,
): void {
  let depth = 0;
  // A region binds every name in it: `for … in`, `lambda … :`, `import …`, `global …`, `del …`.
  let region: { ends: string; depth: number } | undefined;
  let parameters = -1;
  for (let k = from; k < to; k++) {
    const t = tokens[k];
    const previous = k > from ? tokens[k - 1] : undefined;
    if (t.kind === "op") {
      if ("([{".includes(t.text)) {
        depth++;
        if (t.text === "(" && tokens[k - 2]?.text === "def" && k - 2 >= from) parameters = depth;
      } else if (")]}".includes(t.text)) {
        if (depth === parameters) parameters = -1;
        depth = Math.max(0, depth - 1);
      } else if (region && t.text === region.ends && depth === region.depth) region = undefined;
      continue;
    }
    if (t.kind !== "name" || isOp(previous, ".")) continue;
    if (t.text === "for") region = { ends: "in", depth };
    else if (t.text === "lambda") region = { ends: ":", depth };
    else if (["import", "global", "nonlocal", "del"].includes(t.text)) region = { ends: "", depth };
    else if (region && t.text === region.ends && depth === region.depth) region = undefined;
    const next = k + 1 < to ? tokens[k + 1] : undefined;
    const binds = k < lastAssign || region !== undefined ||
      (next?.kind === "op" && AUGMENTED.has(next.text)) ||
      (k === from && isOp(next, ":")) ||
      (previous?.kind === "name" && ["as", "def", "class"].includes(previous.text)) ||
      (depth === parameters && previous !== undefined &&
        ["(", ",", "*", "**"].includes(previous.text) && previous.kind === "op");
    if (binds) bind(t.text);
  }
}
