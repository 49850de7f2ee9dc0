/**
 * PEP 508 environment markers: parsed for validity and written back in one canonical spelling
 * (double-quoted values, single spaces, legacy dotted names replaced), the spelling pip prints.
 *
 * @module
 */

/** Marker variables, longest first so that prefixes do not win. */
/** How deeply marker parentheses may nest; real markers use two or three levels. */
const MAX_MARKER_DEPTH = 32;
const VARIABLES = [
  "platform.python_implementation",
  "platform_python_implementation",
  "implementation_version",
  "python_implementation",
  "implementation_name",
  "python_full_version",
  "platform_release",
  "platform_version",
  "platform_machine",
  "platform.version",
  "platform.machine",
  "platform_system",
  "python_version",
  "sys_platform",
  "sys.platform",
  "os_name",
  "os.name",
  "extra",
];

/** Legacy names that mean the same as a PEP 508 variable. */
const ALIASES: Record<string, string> = {
  "os.name": "os_name",
  "sys.platform": "sys_platform",
  "platform.version": "platform_version",
  "platform.machine": "platform_machine",
  "platform.python_implementation": "platform_python_implementation",
  "python_implementation": "platform_python_implementation",
};

const OPERATORS = /===|==|!=|~=|<=|>=|<|>|not[ \t]+in|in/y;

type Comparison = { left: string; operator: string; right: string };
type MarkerList = Array<Comparison | MarkerList | "and" | "or">;

/**
 * Parse the marker in `text` from `start` to the end and return its canonical form, or call
 * `fail` with a message and 1-based column.
 *
 * @example
 * ```ts
 * import { parseMarker } from "./_pep508_marker.ts";
 * parseMarker("python_version<'3.9'", 0, (m) => { throw new Error(m); }); // 'python_version < "3.9"'
 * ```
 */
export function parseMarker(
  text: string,
  start: number,
  fail: (message: string, column: number) => never,
): string {
  let position = start;
  const skipSpace = () => {
    while (text[position] === " " || text[position] === "\t") position++;
  };
  const expected: (what: string) => never = (what) => {
    const found = position >= text.length ? "end of text" : `'${text[position]}'`;
    return fail(`expected ${what} at column ${position + 1}, found ${found}`, position + 1);
  };
  const sticky = (pattern: RegExp): string | undefined => {
    pattern.lastIndex = position;
    const found = pattern.exec(text);
    if (!found) return undefined;
    position += found[0].length;
    return found[0];
  };

  const value = (): string => {
    skipSpace();
    const quote = text[position];
    if (quote === "'" || quote === '"') {
      const end = text.indexOf(quote, position + 1);
      if (end < 0) expected(`a closing ${quote} for the string`);
      const literal = text.slice(position + 1, end);
      position = end + 1;
      return `"${literal}"`;
    }
    const variable = VARIABLES.find((name) => text.startsWith(name, position));
    if (variable === undefined) return expected("a marker variable or a quoted string");
    position += variable.length;
    return ALIASES[variable] ?? variable;
  };

  let depth = 0;
  const atom = (): Comparison | MarkerList => {
    skipSpace();
    if (text[position] === "(") {
      // Bounded: hostile input must not exhaust the stack.
      if (++depth > MAX_MARKER_DEPTH) {
        return fail(`markers nest deeper than ${MAX_MARKER_DEPTH} parentheses`, position + 1);
      }
      position++;
      const group = expression();
      depth--;
      skipSpace();
      if (text[position] !== ")") expected("')' to close the marker group");
      position++;
      return group;
    }
    const left = value();
    skipSpace();
    const operator = sticky(OPERATORS);
    if (operator === undefined) expected("a marker operator such as '==' or 'in'");
    const right = value();
    return { left, operator: operator.startsWith("not") ? "not in" : operator, right };
  };

  const expression = (): MarkerList => {
    const items: MarkerList = [atom()];
    for (;;) {
      const before = position;
      skipSpace();
      const joiner = sticky(/and|or/y);
      if (joiner === undefined) {
        position = before;
        return items;
      }
      items.push(joiner as "and" | "or", atom());
    }
  };

  const markers = expression();
  skipSpace();
  if (position < text.length) expected("'and', 'or' or end of the marker");
  return formatMarker(markers, true);
}

/** Write a parsed marker back the way `packaging` does, so that equal markers compare equal. */
function formatMarker(marker: MarkerList | Comparison | string, first: boolean): string {
  if (typeof marker === "string") return marker;
  if (!Array.isArray(marker)) return `${marker.left} ${marker.operator} ${marker.right}`;
  if (marker.length === 1 && typeof marker[0] !== "string") return formatMarker(marker[0], true);
  const inner = marker.map((item) => formatMarker(item, false)).join(" ");
  return first ? inner : `(${inner})`;
}
