/**
 * uv's index configuration: uv.toml files, and the same settings under `[tool.uv]` in
 * pyproject.toml (without `[tool.uv.sources]`, which the pyproject reader applies to packages).
 *
 * @module
 */
import { parse as parseToml, TomlError } from "smol-toml";
import type { Problem } from "../../core/snapshot.ts";
import { lineLocator } from "../_toml_lines.ts";
import { baseName, type FileReader, type ReaderResult, textReader } from "../_reader.ts";
import { isTomlTable, readUvSettings, type UvSettingsContext } from "./_uv.ts";

/**
 * Read a uv.toml: `[[index]]` (`default = true` → primary, `explicit = true` → explicit,
 * `format = "flat"` → find-links, otherwise extra; `name` kept), `index-url` (primary),
 * `extra-index-url` (extra), `find-links`, `no-index`, `index-strategy`, `allow-insecure-host`
 * (one `trusted-host` setting per host), `native-tls`, and the `[pip]` table's `index-url`,
 * `extra-index-url`, `find-links`, `no-index`, `index-strategy`, `allow-insecure-host`,
 * `require-hashes`.
 *
 * @param text The file's text.
 * @param options `file`: its path relative to the project root.
 * @returns Indexes and settings with their lines, and problems.
 * @example
 * ```ts
 * import { parseUvToml } from "./uv_config.ts";
 * const text = '[[index]]\nname = "torch"\nurl = "https://download.pytorch.org/whl/cpu"\nexplicit = true\n';
 * parseUvToml(text, { file: "uv.toml" }).indexes;
 * // [{ url: "https://download.pytorch.org/whl/cpu", role: "explicit", name: "torch",
 * //    location: { file: "uv.toml", line: 1 } }]
 * ```
 */
export function parseUvToml(text: string, options: { file: string }): ReaderResult {
  return parseUvSettings(text, { file: options.file, tablePath: [], indexTables: true });
}

/**
 * Read uv's index settings from `[tool.uv]` in a pyproject.toml: the same keys as
 * {@linkcode parseUvToml} (`[[tool.uv.index]]`, `index-url`, `[tool.uv.pip]`…), never
 * `[tool.uv.sources]`. Set `indexTables: false` when another reader already reports
 * `[[tool.uv.index]]`, so each index is reported once.
 *
 * @param text The pyproject.toml's text.
 * @param options `file`; `indexTables` (default true) to include `[[tool.uv.index]]`.
 * @returns Indexes, settings and problems; nothing when there is no `[tool.uv]`.
 * @example
 * ```ts
 * import { parseUvPyprojectTool } from "./uv_config.ts";
 * const text = '[project]\nname = "app"\n\n[tool.uv]\nindex-strategy = "unsafe-best-match"\n';
 * parseUvPyprojectTool(text, { file: "pyproject.toml" }).settings;
 * // [{ name: "index-strategy", value: "unsafe-best-match", location: { file: "pyproject.toml", line: 5 } }]
 * ```
 */
export function parseUvPyprojectTool(
  text: string,
  options: { file: string; indexTables?: boolean },
): ReaderResult {
  return parseUvSettings(text, {
    file: options.file,
    tablePath: ["tool", "uv"],
    indexTables: options.indexTables ?? true,
  });
}

/**
 * The reader for uv.toml files anywhere in the project tree.
 *
 * @example
 * ```ts
 * import { uvTomlReader } from "./uv_config.ts";
 * uvTomlReader.matches("services/api/uv.toml"); // true
 * uvTomlReader.matches("uv.lock"); // false
 * ```
 */
export const uvTomlReader: FileReader = textReader({
  tool: () => "uv",

  format: "uv.toml",
  matches: (file) => baseName(file) === "uv.toml",
  parse: (text, { file }) => parseUvToml(text, { file }),
  maxBytes: 1024 * 1024,
});

function parseUvSettings(
  text: string,
  options: { file: string; tablePath: string[]; indexTables: boolean },
): ReaderResult {
  const { file } = options;
  const problems: Problem[] = [];
  let document: Record<string, unknown>;
  try {
    document = parseToml(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const message = error.message.split("\n")[0].replace(/^Invalid TOML document: /, "");
    const lines = text.split("\n").length;
    problems.push({
      file,
      line: Math.min(Math.max(1, error.line), lines),
      message: `invalid TOML: ${message}`,
    });
    return { indexes: [], settings: [], problems };
  }
  const context: UvSettingsContext = {
    file,
    tablePath: options.tablePath,
    indexTables: options.indexTables,
    text,
    locate: lineLocator(text),
    indexes: [],
    settings: [],
    problems,
  };
  let table: unknown = document;
  for (const [depth, part] of options.tablePath.entries()) {
    if (!isTomlTable(table)) break;
    table = table[part];
    if (table === undefined) return { indexes: [], settings: [], problems };
    if (!isTomlTable(table)) {
      const path = options.tablePath.slice(0, depth + 1).join(".");
      problems.push({ file, message: `${path}: expected a table` });
      return { indexes: [], settings: [], problems };
    }
  }
  readUvSettings(table as Record<string, unknown>, context);
  return { indexes: context.indexes, settings: context.settings, problems: context.problems };
}
