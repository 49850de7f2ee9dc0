/**
 * The YAML side of the infrastructure readers: every document of a file parsed with line numbers,
 * syntax errors as problems with their line, and a bounded view of the node tree. Aliases are
 * resolved one step at a time and never expanded, merge keys (`<<: *defaults`, which compose files
 * use for shared settings) are followed as YAML 1.1 defines them, and every node visited counts
 * against a budget, so an alias bomb, a file of a million documents or a deep nesting costs no
 * more than a bounded amount of work: what lies beyond the budget is a problem, not a hang.
 *
 * @module
 */
import {
  Composer,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  Parser,
  type YAMLMap,
  type YAMLSeq,
} from "yaml";
import type { Location, Problem } from "../../core/snapshot.ts";

/** Limits on hostile input. */
export const YAML_LIMITS = {
  /** Documents read from one file. */
  documents: 5_000,
  /** Nodes visited in one file, aliases counted each time they are followed. */
  visits: 250_000,
  /** Alias hops and merge levels followed for one lookup. */
  hops: 32,
};

/** A key and its value in a mapping, merge keys applied. */
export interface YamlEntry {
  /** The key, as text. */
  key: string;
  /** The key node (for its line). */
  keyNode: unknown;
  /** The value node, aliases resolved. */
  value: unknown;
}

/**
 * A parsed YAML file: its documents and a bounded way to read them.
 *
 * @example
 * ```ts
 * import { readYaml } from "./_yaml.ts";
 * const yaml = readYaml("a: &x {b: 1}\nc:\n  <<: *x\n", "f.yml");
 * yaml.text(yaml.get(yaml.get(yaml.documents[0], "c"), "b")); // "1"
 * ```
 */
export interface YamlFile {
  /** Each document's top node (aliases resolved); empty documents are left out. */
  documents: unknown[];
  /** Syntax errors and limits reached, with lines. */
  problems: Problem[];
  /** 1-based line where a node starts. */
  line(node: unknown): number | undefined;
  /** Where a node is: the file, and its line when known. */
  at(node: unknown): Location;
  /** The value under a key of a mapping (merge keys applied), aliases resolved. */
  get(map: unknown, key: string): unknown;
  /** The key node for a key of a mapping (merge keys applied). */
  keyNode(map: unknown, key: string): unknown;
  /** A mapping's entries with string keys, merge keys applied (own keys first). */
  entries(map: unknown): YamlEntry[];
  /** A sequence's items, aliases resolved; anything else gives none. */
  items(seq: unknown): unknown[];
  /** A scalar's text: strings as they are, numbers and booleans as written; else undefined. */
  text(node: unknown): string | undefined;
  /** Whether a node is a mapping. */
  isMap(node: unknown): node is YAMLMap;
  /** Whether a node is a sequence. */
  isSeq(node: unknown): node is YAMLSeq;
  /** Whether a scalar is a block literal (`|`): its lines are the file's lines, from the next. */
  isBlockLiteral(node: unknown): boolean;
  /** Whether the visit budget ran out (the file is only partly read). */
  exhausted(): boolean;
}

/**
 * Parse YAML text into documents, turning syntax errors into problems with their line; the
 * documents are read as far as the parser could recover.
 *
 * @param text The file's text.
 * @param file Its path relative to the project root, for problems.
 * @returns The documents and a bounded reader over them.
 * @example
 * ```ts
 * import { readYaml } from "./_yaml.ts";
 * const yaml = readYaml("kind: Pod\n---\nkind: [\n", "k8s.yaml");
 * yaml.documents.length; // 2
 * yaml.problems[0].line; // 4
 * ```
 */
export function readYaml(text: string, file: string): YamlFile {
  const lineCounter = new LineCounter();
  // A final newline ends the last line; it does not start another.
  const lastLine = Math.max(1, text.split("\n").length - (text.endsWith("\n") ? 1 : 0));
  const problems: Problem[] = [];
  const lineAt = (offset: number) => Math.min(lineCounter.linePos(offset).line, lastLine);
  const documents: unknown[] = [];
  const targets = new Map<unknown, unknown>();
  const composer = new Composer({ merge: true, uniqueKeys: true });
  const parser = new Parser(lineCounter.addNewLine);
  let count = 0;
  for (const doc of composer.compose(parser.parse(text))) {
    if (++count > YAML_LIMITS.documents) {
      problems.push({
        file,
        line: lineAt(doc.range[0]),
        message: `more than ${YAML_LIMITS.documents} YAML documents; the rest is not read`,
      });
      break;
    }
    for (const error of doc.errors) {
      const message = error.message.split("\n")[0].replace(/ at line \d+.*$/, "");
      problems.push({ file, line: lineAt(error.pos[0]), message: `invalid YAML: ${message}` });
    }
    if (doc.contents !== null && doc.contents !== undefined) {
      documents.push(doc.contents);
      anchorTargets(doc.contents, targets);
    }
  }

  let visits = 0;
  let reported = false;
  const spend = (node: unknown): boolean => {
    if (++visits <= YAML_LIMITS.visits) return true;
    if (!reported) {
      reported = true;
      problems.push({
        file,
        line: line(node),
        message: `more than ${YAML_LIMITS.visits} YAML nodes to read (aliases are counted ` +
          "each time they are used); the rest is not read",
      });
    }
    return false;
  };
  const resolve = (node: unknown): unknown => {
    let current = node;
    for (let hops = 0; isAlias(current); hops++) {
      if (hops >= YAML_LIMITS.hops || !spend(current)) return undefined;
      const next = targets.get(current);
      if (next === undefined) return undefined;
      current = next;
    }
    return current;
  };
  const line = (node: unknown): number | undefined => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? lineAt(range[0]) : undefined;
  };
  const entries = (map: unknown, depth = 0): YamlEntry[] => {
    const target = resolve(map);
    if (!isMap(target) || depth > YAML_LIMITS.hops || !spend(target)) return [];
    const own: YamlEntry[] = [];
    const merged: YamlEntry[] = [];
    for (const pair of target.items) {
      if (!spend(pair.key)) break;
      if (isScalar(pair.key) && typeof pair.key.value === "symbol") {
        // `<<: *a` or `<<: [*a, *b]`: earlier sources win over later ones.
        const sources = isSeq(resolve(pair.value))
          ? (resolve(pair.value) as YAMLSeq).items
          : [pair.value];
        for (const source of sources) merged.push(...entries(source, depth + 1));
        continue;
      }
      const key = scalarText(pair.key);
      if (key !== undefined) own.push({ key, keyNode: pair.key, value: resolve(pair.value) });
    }
    const seen = new Set(own.map((e) => e.key));
    for (const entry of merged) {
      if (!seen.has(entry.key)) {
        seen.add(entry.key);
        own.push(entry);
      }
    }
    return own;
  };
  const find = (map: unknown, key: string) => entries(map).find((e) => e.key === key);
  return {
    documents: documents.map(resolve).filter((d) => d !== undefined),
    problems,
    line,
    at: (node) => {
      const at = line(node);
      return at === undefined ? { file } : { file, line: at };
    },
    get: (map, key) => find(map, key)?.value,
    keyNode: (map, key) => find(map, key)?.keyNode,
    entries: (map) => entries(map),
    items: (seq) => {
      const target = resolve(seq);
      if (!isSeq(target) || !spend(target)) return [];
      const items: unknown[] = [];
      for (const item of target.items) {
        if (!spend(item)) break;
        items.push(resolve(item));
      }
      return items;
    },
    text: (node) => scalarText(resolve(node)),
    isMap: (node): node is YAMLMap => isMap(node),
    isSeq: (node): node is YAMLSeq => isSeq(node),
    isBlockLiteral: (node) => isScalar(node) && node.type === "BLOCK_LITERAL",
    exhausted: () => reported,
  };
}

/**
 * Which node each alias names: the last node anchored with its name before it, in document order
 * (as YAML defines it). One pass over the document, iterative (no recursion to overflow); the
 * library's own `Alias.resolve` walks the whole document for every alias.
 */
function anchorTargets(root: unknown, targets: Map<unknown, unknown>): void {
  const anchors = new Map<string, unknown>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target !== undefined) targets.set(node, target);
      continue;
    }
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (anchor) anchors.set(anchor, node);
    // Children pushed last first, so they come off the stack in document order (no spread: a
    // sequence may hold more items than a call may take arguments).
    if (isMap(node)) {
      for (let k = node.items.length - 1; k >= 0; k--) {
        stack.push(node.items[k].value, node.items[k].key);
      }
    } else if (isSeq(node)) {
      for (let k = node.items.length - 1; k >= 0; k--) stack.push(node.items[k]);
    }
  }
}

function scalarText(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  if (typeof node.value === "string") return node.value;
  if (typeof node.value === "number" || typeof node.value === "boolean") {
    return node.source ?? String(node.value);
  }
  return undefined;
}
