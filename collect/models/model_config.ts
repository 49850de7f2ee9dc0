/**
 * Model references in configuration files: YAML, JSON and TOML keys such as
 * `model_name_or_path: meta-llama/Llama-3-8B` (training configs, serving configs, Hydra).
 *
 * @module
 */
import { LineCounter, parseDocument } from "yaml";
import { parse as parseToml } from "smol-toml";
import type { ModelReference, Problem } from "../../core/snapshot.ts";
import type { FileReader } from "../_reader.ts";
import { ReadError, readTextInRoot } from "../fs.ts";
import { isHubId } from "./model_refs.ts";

/** Keys whose string value names a model to load. */
export const MODEL_KEYS: ReadonlySet<string> = new Set([
  "model_name_or_path",
  "pretrained_model_name_or_path",
  "model_id",
  "base_model",
  "base_model_name_or_path",
  "tokenizer_name_or_path",
]);

const REVISION_KEYS = ["revision", "model_revision"];
const MAX_DEPTH = 64;
const MAX_NODES = 200_000;

/**
 * Find model references in a parsed configuration value; `lineOf` locates a key's value.
 *
 * @example
 * ```ts
 * import { modelsInConfig } from "./model_config.ts";
 * modelsInConfig({ model: { model_name_or_path: "org/m", revision: "main" } }, {
 *   file: "train.yaml",
 *   lineOf: () => 3,
 * })[0].revision; // "main"
 * ```
 */
export function modelsInConfig(
  value: unknown,
  options: { file: string; lineOf: (path: string[], key: string) => number | undefined },
): ModelReference[] {
  const found: ModelReference[] = [];
  let nodes = 0;
  const visit = (node: unknown, path: string[]) => {
    if (path.length > MAX_DEPTH || ++nodes > MAX_NODES) return;
    if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, [...path, String(i)]));
      return;
    }
    if (node === null || typeof node !== "object") return;
    const table = node as Record<string, unknown>;
    for (const [key, child] of Object.entries(table)) {
      if (MODEL_KEYS.has(key) && typeof child === "string" && isHubId(child)) {
        const line = options.lineOf(path, key);
        const slash = child.indexOf("/");
        const revision = REVISION_KEYS.map((k) => table[k]).find((v) => typeof v === "string");
        const trust = table.trust_remote_code;
        found.push({
          hub: "huggingface",
          repoId: child,
          ...(slash > 0 ? { publisher: child.slice(0, slash) } : {}),
          ...(typeof revision === "string" ? { revision } : {}),
          ...(typeof trust === "boolean" ? { trustRemoteCode: trust } : {}),
          loader: `config:${key}`,
          location: { file: options.file, ...(line ? { line } : {}) },
        });
      } else visit(child, [...path, key]);
    }
  };
  visit(value, []);
  return found;
}

/**
 * Read model references from a YAML, JSON or TOML text.
 *
 * @example
 * ```ts
 * import { parseModelConfig } from "./model_config.ts";
 * const { models } = parseModelConfig("model:\n  model_name_or_path: org/m\n", { file: "c.yaml" });
 * models[0].location; // { file: "c.yaml", line: 2 }
 * ```
 */
export function parseModelConfig(
  text: string,
  options: { file: string },
): { models: ModelReference[]; problems: Problem[] } {
  const { file } = options;
  // Cheap test first: most configuration files name no model.
  if (![...MODEL_KEYS].some((k) => text.includes(k))) return { models: [], problems: [] };
  if (/\.ya?ml$/i.test(file)) {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
    if (doc.errors.length > 0) return { models: [], problems: [] }; // not ours to judge
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch {
      return { models: [], problems: [] };
    }
    const lineOf = (path: string[], key: string) => {
      const node = doc.getIn([...path.map((p) => (/^\d+$/.test(p) ? Number(p) : p)), key], true) as
        | { range?: [number, number, number] }
        | undefined;
      return node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
    };
    return { models: modelsInConfig(value, { file, lineOf }), problems: [] };
  }
  let value: unknown;
  try {
    value = file.endsWith(".toml") ? parseToml(text) : JSON.parse(text);
  } catch {
    return { models: [], problems: [] };
  }
  const lines = text.split("\n");
  const lineOf = (_path: string[], key: string) => {
    const quoted = file.endsWith(".toml")
      ? new RegExp(`^\\s*"?${key}"?\\s*=`)
      : new RegExp(`"${key}"\\s*:`);
    const index = lines.findIndex((line) => quoted.test(line));
    return index >= 0 ? index + 1 : undefined;
  };
  return { models: modelsInConfig(value, { file, lineOf }), problems: [] };
}

const NOT_CONFIG = new Set([
  "pyproject.toml",
  "uv.toml",
  "Pipfile",
  "Pipfile.lock",
  "poetry.lock",
  "uv.lock",
  "package.json",
  "package-lock.json",
  "conda-lock.yml",
]);

/**
 * The reader for configuration files (≤ 1 MiB). Files that do not parse are left alone: they
 * are not dependency inputs, so their syntax is not this tool's to report.
 *
 * @example
 * ```ts
 * import { modelConfigReader } from "./model_config.ts";
 * modelConfigReader.matches("configs/train.yaml"); // true
 * ```
 */
export const modelConfigReader: FileReader = {
  format: "model config",
  matches: (file) =>
    /\.(?:ya?ml|json|toml)$/i.test(file) && !NOT_CONFIG.has(file.slice(file.lastIndexOf("/") + 1)),
  read: async (file, context) => {
    let text: string;
    try {
      text = await readTextInRoot({ root: context.root, file, maxBytes: 1024 * 1024 });
    } catch (error) {
      // Data files (large or binary JSON) are not configuration: skipped, not a problem.
      if (error instanceof ReadError) return { files: [] };
      throw error;
    }
    return parseModelConfig(text, { file });
  },
};
