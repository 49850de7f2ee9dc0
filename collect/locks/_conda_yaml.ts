/**
 * The YAML side of the conda readers: parse with line numbers, report syntax errors as problems,
 * and walk the node tree directly (aliases resolved one step at a time, never expanded), so a
 * broken or hostile file costs no more than its size.
 *
 * @module
 */
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type YAMLMap,
  type YAMLSeq,
} from "yaml";
import type { Problem } from "../../core/snapshot.ts";

/**
 * A parsed YAML file with the helpers the conda readers need.
 *
 * @example
 * ```ts
 * import { parseYamlFile, type YamlFile } from "./_conda_yaml.ts";
 * const yaml: YamlFile = parseYamlFile("a: 1\n", "x.yml");
 * ```
 */
export interface YamlFile {
  /** The top-level node, aliases resolved. */
  root: unknown;
  /** Syntax errors, with lines. */
  problems: Problem[];
  /** 1-based line where a node starts. */
  lineOf(node: unknown): number | undefined;
  /** Resolve an alias to the node it names (other nodes, and broken aliases, come back as they are). */
  resolve(node: unknown): unknown;
}

/** How many alias hops one lookup may take before the chain is treated as broken. */
const MAX_ALIAS_HOPS = 64;

/**
 * Parse YAML text, turning each syntax error into a problem; the document is read as far as the
 * parser could recover.
 *
 * @param text The file's text.
 * @param file Its path relative to the project root, for problems.
 * @returns The root node, problems and helpers.
 * @example
 * ```ts
 * import { parseYamlFile } from "./_conda_yaml.ts";
 * parseYamlFile("a: [1\n", "x.yml").problems[0].line; // 1
 * ```
 */
export function parseYamlFile(text: string, file: string): YamlFile {
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, uniqueKeys: true });
  const lastLine = Math.max(1, text.split("\n").length);
  const problems: Problem[] = doc.errors.map((error) => {
    const line = error.linePos?.[0].line;
    const message = `invalid YAML: ${error.message.split("\n")[0].replace(/ at line \d+.*$/, "")}`;
    return line === undefined
      ? { file, message }
      : { file, line: Math.min(line, lastLine), message };
  });
  // What each alias names, found in one walk on the first lookup: asking the parser per alias
  // walks the whole document each time, quadratic for a file of aliases.
  let targets: Map<unknown, unknown> | undefined;
  const resolve = (node: unknown): unknown => {
    // An alias that names no anchor (or a chain too long) comes back as the alias itself.
    let current = node;
    for (let hops = 0; isAlias(current) && hops < MAX_ALIAS_HOPS; hops++) {
      targets ??= aliasTargets(doc);
      const next = targets.get(current);
      if (next === undefined || next === null) return current;
      current = next;
    }
    return current;
  };
  const lineOf = (node: unknown): number | undefined => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? Math.min(lineCounter.linePos(range[0]).line, lastLine) : undefined;
  };
  return { root: resolve(doc.contents), problems, lineOf, resolve };
}

/**
 * The node each alias names, as the parser's `Alias.resolve` finds it: the last node before the
 * alias, in document order, that carries its anchor.
 */
function aliasTargets(doc: Document): Map<unknown, unknown> {
  const targets = new Map<unknown, unknown>();
  const anchors = new Map<string, unknown>();
  visit(doc, {
    Node: (_key, node) => {
      if (isAlias(node)) targets.set(node, anchors.get(node.source));
      else if (node.anchor) anchors.set(node.anchor, node);
    },
  });
  return targets;
}

/**
 * Whether a node is a mapping.
 *
 * @example
 * ```ts
 * import { isYamlMap, parseYamlFile } from "./_conda_yaml.ts";
 * isYamlMap(parseYamlFile("a: 1\n", "x.yml").root); // true
 * ```
 */
export function isYamlMap(node: unknown): node is YAMLMap {
  return isMap(node);
}

/**
 * Whether a node is a sequence.
 *
 * @example
 * ```ts
 * import { isYamlSeq, parseYamlFile } from "./_conda_yaml.ts";
 * isYamlSeq(parseYamlFile("- a\n", "x.yml").root); // true
 * ```
 */
export function isYamlSeq(node: unknown): node is YAMLSeq {
  return isSeq(node);
}

/**
 * The value node under a string key of a mapping, and the key node (for its line).
 *
 * @example
 * ```ts
 * import { mapEntry, parseYamlFile } from "./_conda_yaml.ts";
 * const { root } = parseYamlFile("a: 1\n", "x.yml");
 * mapEntry(root, "a")?.value !== undefined; // true
 * ```
 */
export function mapEntry(map: unknown, key: string): { key: unknown; value: unknown } | undefined {
  if (!isMap(map)) return undefined;
  for (const pair of map.items) {
    if (isScalar(pair.key) && String(pair.key.value) === key) {
      return { key: pair.key, value: pair.value };
    }
  }
  return undefined;
}

/**
 * A scalar's text: strings as they are, plain numbers and booleans as written (so a version
 * `1.10` stays "1.10"), anything else undefined.
 *
 * @example
 * ```ts
 * import { mapEntry, parseYamlFile, scalarText } from "./_conda_yaml.ts";
 * scalarText(mapEntry(parseYamlFile("v: 1.10\n", "x.yml").root, "v")?.value); // "1.10"
 * ```
 */
export function scalarText(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  if (typeof node.value === "string") return node.value;
  if (typeof node.value === "number" || typeof node.value === "boolean") {
    return node.source ?? String(node.value);
  }
  return undefined;
}

/**
 * A string scalar's value; anything else (numbers included) undefined.
 *
 * @example
 * ```ts
 * import { mapEntry, parseYamlFile, stringValue } from "./_conda_yaml.ts";
 * stringValue(mapEntry(parseYamlFile("v: 3\n", "x.yml").root, "v")?.value); // undefined
 * ```
 */
export function stringValue(node: unknown): string | undefined {
  return isScalar(node) && typeof node.value === "string" ? node.value : undefined;
}

/**
 * Describe a node for a problem message: `a mapping`, `a list`, `3`, `"text"`, `nothing`.
 *
 * @example
 * ```ts
 * import { describeNode, parseYamlFile } from "./_conda_yaml.ts";
 * describeNode(parseYamlFile("- a\n", "x.yml").root); // "a list"
 * ```
 */
export function describeNode(node: unknown): string {
  if (isMap(node)) return "a mapping";
  if (isSeq(node)) return "a list";
  if (isScalar(node)) {
    return node.value === null || node.value === undefined
      ? "nothing"
      : typeof node.value === "string"
      ? JSON.stringify(node.value)
      : String(node.value);
  }
  if (isAlias(node)) return `an alias to an unknown anchor *${node.source}`;
  return node === undefined || node === null ? "nothing" : "an unsupported node";
}
