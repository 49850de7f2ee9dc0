/**
 * Line numbers for JSON object keys. `JSON.parse` reports no positions, so a second, bounded pass
 * over the text finds the line of every key in the top two levels of nested objects (enough for
 * Pipfile.lock's `section → package` layout), and parse errors are turned into a line.
 *
 * @module
 */

/**
 * Lines of the keys of the top-level object and of the objects directly inside it, keyed by
 * {@linkcode keyPath}. Keys inside arrays are not recorded. For a duplicated key the last one
 * wins, as with `JSON.parse`. Meant for text `JSON.parse` accepted; on other text it returns
 * whatever it found before getting lost, never throws, and stops after `maxKeys` keys.
 *
 * @param text JSON text.
 * @param maxKeys Upper bound on the keys recorded (default 1,000,000).
 * @returns A map from key path to 1-based line.
 * @example
 * ```ts
 * import { jsonKeyLines, keyPath } from "./_pipfile_json.ts";
 * const lines = jsonKeyLines('{\n  "default": {\n    "six": {}\n  }\n}');
 * lines.get(keyPath("default", "six")); // 3
 * ```
 */
export function jsonKeyLines(text: string, maxKeys = 1_000_000): Map<string, number> {
  const lines = new Map<string, number>();
  // One frame per open container: whether it is an object, the key being read, and whether the
  // next string in it is a key. `recorded` is false once any ancestor is an array.
  const stack: Array<{ object: boolean; key: string; expectKey: boolean; recorded: boolean }> = [];
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "\n") line++;
    else if (char === "{" || char === "[") {
      const parent = stack[stack.length - 1];
      const recorded = parent === undefined || (parent.object && parent.recorded);
      stack.push({ object: char === "{", key: "", expectKey: char === "{", recorded });
    } else if (char === "}" || char === "]") stack.pop();
    else if (char === ",") {
      const top = stack[stack.length - 1];
      if (top?.object) top.expectKey = true;
    } else if (char === '"') {
      const start = i;
      const startLine = line;
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === "\\") i++;
        else if (text[i] === "\n") line++;
      }
      const top = stack[stack.length - 1];
      if (top?.object && top.expectKey) {
        top.expectKey = false;
        if (top.recorded && stack.length <= 2 && lines.size < maxKeys) {
          top.key = decodeKey(text.slice(start, i + 1));
          lines.set(keyPath(...stack.map((frame) => frame.key)), startLine);
        }
      }
    }
  }
  return lines;
}

/**
 * The map key {@linkcode jsonKeyLines} uses for a path of object keys.
 *
 * @example
 * ```ts
 * import { keyPath } from "./_pipfile_json.ts";
 * keyPath("develop", "pytest").split("\u0000"); // ["develop", "pytest"]
 * ```
 */
export function keyPath(...keys: string[]): string {
  return keys.join("\u0000");
}

function decodeKey(quoted: string): string {
  try {
    return JSON.parse(quoted);
  } catch {
    return quoted.slice(1, -1);
  }
}

/**
 * The 1-based line a `JSON.parse` error points at, when its message gives a line or a position.
 *
 * @param text The text that failed to parse.
 * @param error What `JSON.parse` threw.
 * @returns The line, or undefined when the message names no place.
 * @example
 * ```ts
 * import { jsonErrorLine } from "./_pipfile_json.ts";
 * try {
 *   JSON.parse('{\n"a" 1}');
 * } catch (error) {
 *   jsonErrorLine('{\n"a" 1}', error); // 2
 * }
 * ```
 */
export function jsonErrorLine(text: string, error: unknown): number | undefined {
  const message = error instanceof Error ? error.message : String(error);
  const explicit = /\(line (\d+) column \d+\)/.exec(message);
  if (explicit) return Number(explicit[1]);
  const position = /at position (\d+)/.exec(message);
  if (position) {
    const offset = Math.min(Number(position[1]), text.length);
    let line = 1;
    for (let i = 0; i < offset; i++) if (text[i] === "\n") line++;
    return line;
  }
  if (/end of JSON input/.test(message)) return text.trimEnd().split("\n").length;
  return undefined;
}
