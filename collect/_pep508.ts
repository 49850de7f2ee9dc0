/**
 * PEP 508 dependency specifiers: `name[extras] (specifier) ; markers` and `name @ url ; markers`.
 * Names are normalised per PEP 503, versions are checked with a PEP 440 implementation and markers
 * come back in one canonical spelling so that readers can compare them.
 *
 * @module
 */
import { normaliseName } from "../packaging/mod.ts";
import { valid as validVersion } from "@renovatebot/pep440";
import { parseMarker } from "./_pep508_marker.ts";

/**
 * Raised when a requirement string is not valid PEP 508; the message names what and where.
 *
 * @example
 * ```ts
 * import { parsePep508, Pep508Error } from "./_pep508.ts";
 * try {
 *   parsePep508("numpy==");
 * } catch (error) {
 *   if (error instanceof Pep508Error) error.column; // 8
 * }
 * ```
 */
export class Pep508Error extends Error {
  /** 1-based column in the requirement text where the problem starts. */
  readonly column: number;
  /**
   * @param message What was expected, ending with "at column N".
   * @param column 1-based column.
   */
  constructor(message: string, column: number) {
    super(message);
    this.name = "Pep508Error";
    this.column = column;
  }
}

/**
 * One parsed PEP 508 requirement.
 *
 * @example
 * ```ts
 * import type { Pep508Requirement } from "./_pep508.ts";
 * const req: Pep508Requirement = { name: "A", normalisedName: "a", extras: [], specifier: "" };
 * ```
 */
export interface Pep508Requirement {
  /** The project name as written. */
  name: string;
  /** The PEP 503-normalised name. */
  normalisedName: string;
  /** Extras as written, in order. */
  extras: string[];
  /** Version clauses without whitespace, comma-separated, in written order; "" when none. */
  specifier: string;
  /** The direct URL after `@`, as written. */
  url?: string;
  /** The environment marker in canonical form (double quotes, single spaces). */
  markers?: string;
}

const NAME = /[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/y;
const OPERATOR = /===|==|!=|~=|<=|>=|<|>/y;
const VERSION_CHARS = /[A-Za-z0-9_.*+!-]+/y;
/** A version that may hold pip's `${NAME}` placeholders (NAME of `[A-Z0-9_]`), left unexpanded. */
const VERSION_WITH_VARIABLES = /(?:[A-Za-z0-9_.*+!-]|\$\{[A-Z0-9_]+\})+/y;
const VARIABLE = /\$\{[A-Z0-9_]+\}/;
const ARBITRARY = /[^\s,;)]+/y;

/**
 * The exact version a specifier pins: `==X` without a wildcard, or `===X`; otherwise undefined.
 *
 * @param specifier A specifier as returned by {@linkcode parsePep508}.
 * @returns The pinned version, or undefined when the specifier allows more than one.
 * @example
 * ```ts
 * import { exactVersion } from "./_pep508.ts";
 * exactVersion("==2.3.1"); // "2.3.1"
 * exactVersion("==2.*"); // undefined
 * ```
 */
export function exactVersion(specifier: string): string | undefined {
  const clause = specifier.trim();
  if (clause === "" || clause.includes(",")) return undefined;
  if (clause.startsWith("===")) return clause.slice(3) || undefined;
  if (clause.startsWith("==") && !clause.includes("*")) return clause.slice(2) || undefined;
  return undefined;
}

/** A cursor over the requirement text with 1-based column reporting. */
class Cursor {
  position = 0;
  constructor(readonly text: string) {}
  get column(): number {
    return this.position + 1;
  }
  get atEnd(): boolean {
    return this.position >= this.text.length;
  }
  peek(): string {
    return this.text[this.position] ?? "";
  }
  skipSpace(): boolean {
    const start = this.position;
    while (/[ \t]/.test(this.peek()) && !this.atEnd) this.position++;
    return this.position > start;
  }
  match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.position;
    const found = pattern.exec(this.text);
    if (!found) return undefined;
    this.position += found[0].length;
    return found[0];
  }
  accept(literal: string): boolean {
    if (!this.text.startsWith(literal, this.position)) return false;
    this.position += literal.length;
    return true;
  }
  fail(expected: string): never {
    const found = this.atEnd ? "end of text" : `'${this.peek()}'`;
    throw new Pep508Error(
      `expected ${expected} at column ${this.column}, found ${found}`,
      this.column,
    );
  }
}

/**
 * Parse one PEP 508 requirement string.
 *
 * @param text The requirement, e.g. `torch[cuda] >=2.1,<3 ; python_version >= "3.9"`.
 * @param options `variables`: accept versions holding unexpanded `${NAME}` references (as a pip
 *   requirements file may), unchecked and kept as written.
 * @returns Its name, extras, specifier, URL and markers.
 * @throws {Pep508Error} saying what was expected at which column.
 * @example
 * ```ts
 * import { parsePep508 } from "./_pep508.ts";
 * const req = parsePep508("Requests[socks] (>= 2.0, <3)");
 * req.normalisedName; // "requests"
 * req.specifier; // ">=2.0,<3"
 * ```
 */
export function parsePep508(
  text: string,
  options: { variables?: boolean } = {},
): Pep508Requirement {
  const variables = options.variables === true;
  const cursor: Cursor = new Cursor(text);
  cursor.skipSpace();
  const name = cursor.match(NAME);
  if (name === undefined) cursor.fail("a project name");
  cursor.skipSpace();
  const extras = cursor.peek() === "[" ? parseExtras(cursor) : [];
  cursor.skipSpace();
  let specifier = "";
  let url: string | undefined;
  if (cursor.accept("@")) {
    cursor.skipSpace();
    url = cursor.match(/\S+/y);
    if (url === undefined) cursor.fail("a URL after '@'");
    const spaced = cursor.skipSpace();
    if (!cursor.atEnd && !spaced) cursor.fail("whitespace after the URL");
  } else if (cursor.accept("(")) {
    cursor.skipSpace();
    specifier = parseSpecifierList(cursor, true, variables);
    cursor.skipSpace();
    if (!cursor.accept(")")) cursor.fail("')' to close the version specifier");
    cursor.skipSpace();
  } else if (/[<>=!~]/.test(cursor.peek())) {
    specifier = parseSpecifierList(cursor, false, variables);
    cursor.skipSpace();
  }
  let markers: string | undefined;
  if (cursor.accept(";")) {
    markers = parseMarker(text, cursor.position, (message, column) => {
      throw new Pep508Error(message, column);
    });
    cursor.position = text.length;
  }
  if (!cursor.atEnd) {
    const expected = url !== undefined || markers !== undefined
      ? "';' or end of text"
      : specifier !== ""
      ? "',', ';' or end of text"
      : "'[', '(', '@', a version specifier, ';' or end of text";
    cursor.fail(expected);
  }
  const requirement: Pep508Requirement = {
    name,
    normalisedName: normaliseName(name),
    extras,
    specifier,
  };
  if (url !== undefined) requirement.url = url;
  if (markers !== undefined) requirement.markers = markers;
  return requirement;
}

function parseExtras(cursor: Cursor): string[] {
  cursor.accept("[");
  const extras: string[] = [];
  cursor.skipSpace();
  if (cursor.accept("]")) return extras;
  for (;;) {
    cursor.skipSpace();
    const extra = cursor.match(NAME);
    if (extra === undefined) cursor.fail("an extra name");
    extras.push(extra);
    cursor.skipSpace();
    if (cursor.accept("]")) return extras;
    if (!cursor.accept(",")) cursor.fail("',' or ']' in the extras");
  }
}

function parseSpecifierList(cursor: Cursor, parenthesised: boolean, variables: boolean): string {
  const clauses: string[] = [];
  for (;;) {
    cursor.skipSpace();
    const operator = cursor.match(OPERATOR);
    if (operator === undefined) {
      cursor.fail(parenthesised && clauses.length === 0 ? "a version specifier" : "an operator");
    }
    cursor.skipSpace();
    clauses.push(operator + parseVersion(cursor, operator, variables));
    const before = cursor.position;
    cursor.skipSpace();
    if (!cursor.accept(",")) {
      cursor.position = before;
      return clauses.join(",");
    }
  }
}

function parseVersion(cursor: Cursor, operator: string, variables: boolean): string {
  const column = cursor.column;
  const pattern = operator === "==="
    ? ARBITRARY
    : variables
    ? VERSION_WITH_VARIABLES
    : VERSION_CHARS;
  const version = cursor.match(pattern);
  if (version === undefined) cursor.fail(`a version after '${operator}'`);
  // An unexpanded variable is no version yet: nothing to check until it is expanded.
  if (operator === "===" || (variables && VARIABLE.test(version))) return version;
  const invalid: (problem: string) => never = (problem) => {
    throw new Pep508Error(`${problem} at column ${column}`, column);
  };
  let release = version;
  if (version.endsWith(".*")) {
    if (operator !== "==" && operator !== "!=") {
      invalid(`expected a version without a wildcard after '${operator}', found '${version}'`);
    }
    release = version.slice(0, -2);
  }
  if (release.includes("*") || validVersion(release) === null) {
    invalid(`expected a PEP 440 version after '${operator}', found '${version}'`);
  }
  if (release.includes("+") && (release !== version || (operator !== "==" && operator !== "!="))) {
    invalid(`expected a version without a local part after '${operator}', found '${version}'`);
  }
  if (operator === "~=" && !/^(?:\d+!)?\d+(?:\.\d+)+/.test(release)) {
    invalid(`expected a version with at least two release segments after '~=', found '${version}'`);
  }
  return version;
}
