/**
 * uv's index settings, shared by uv.toml (top level) and pyproject.toml (`[tool.uv]`): `index`,
 * `index-url`, `extra-index-url`, `find-links`, `no-index`, `index-strategy`,
 * `allow-insecure-host`, `native-tls`, and the `pip` sub-table that `uv pip` commands read.
 *
 * @module
 */
import type { Index, IndexRole, InstallerSetting, Problem } from "../../core/snapshot.ts";
import { headerPattern, keyPattern, type LineLocator } from "../_toml_lines.ts";
import { UV_INDEX_STRATEGIES } from "./env_config.ts";
import { redactValue } from "./_pip.ts";

type Table = Record<string, unknown>;

/** Cap on the entries of one list setting (real files have a handful; it bounds line search). */
const MAX_ENTRIES = 1_000;

/** Where {@linkcode readUvSettings} puts what it finds, and how it locates lines. */
export interface UvSettingsContext {
  /** File named in locations and problems. */
  file: string;
  /** Table path of the settings (`[]` for uv.toml, `["tool", "uv"]` for pyproject.toml). */
  tablePath: string[];
  /** Whether to read `index` (array of tables) too. */
  indexTables: boolean;
  /** The file's text. */
  text: string;
  /** Line finder over the file's text. */
  locate: LineLocator;
  /** Findings. */
  indexes: Index[];
  /** Findings. */
  settings: InstallerSetting[];
  /** Findings. */
  problems: Problem[];
}

/**
 * Whether a parsed TOML value is a table.
 *
 * @example
 * ```ts
 * import { isTomlTable } from "./_uv.ts";
 * isTomlTable({ a: 1 }); // true
 * isTomlTable([1]); // false
 * ```
 */
export function isTomlTable(value: unknown): value is Table {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    !(value instanceof Date);
}

/**
 * A short description of a parsed TOML value for problem messages.
 *
 * @example
 * ```ts
 * import { describeTomlValue } from "./_uv.ts";
 * describeTomlValue(3); // "3"
 * describeTomlValue(["a"]); // "an array"
 * ```
 */
export function describeTomlValue(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (isTomlTable(value)) return "a table";
  if (typeof value === "string") return JSON.stringify(redactValue(value).slice(0, 60));
  return String(value);
}

/**
 * Read uv's index settings from `table` (the uv.toml document or `[tool.uv]`) into `context`.
 *
 * @example
 * ```ts
 * import { readUvSettings, type UvSettingsContext } from "./_uv.ts";
 * import { lineLocator } from "../_toml_lines.ts";
 * const text = 'index-url = "https://x/simple"\n';
 * const context: UvSettingsContext = {
 *   file: "uv.toml", tablePath: [], indexTables: true, text, locate: lineLocator(text),
 *   indexes: [], settings: [], problems: [],
 * };
 * readUvSettings({ "index-url": "https://x/simple" }, context);
 * context.indexes[0].location; // { file: "uv.toml", line: 1 }
 * ```
 */
export function readUvSettings(table: Table, context: UvSettingsContext): void {
  const anchors = context.tablePath.length > 0 ? [headerPattern(context.tablePath)] : [];
  const prefix = context.tablePath.length > 0 ? context.tablePath.join(".") + "." : "";
  if (context.indexTables) readIndexTables(table.index, context, anchors, prefix);
  readCommon(table, context, anchors, prefix, false);
  const pip = table.pip;
  if (pip === undefined) return;
  if (!isTomlTable(pip)) {
    problem(context, `${prefix}pip: expected a table, found ${describeTomlValue(pip)}`, [
      ...anchors,
      keyPattern("pip"),
    ]);
    return;
  }
  const pipPath = [...context.tablePath, "pip"];
  const pipAnchors = context.locate([headerPattern(pipPath)]) !== undefined
    ? [headerPattern(pipPath)]
    : [...anchors, keyPattern("pip")];
  readCommon(pip, context, pipAnchors, `${prefix}pip.`, true);
}

function problem(context: UvSettingsContext, message: string, anchors: RegExp[]): void {
  const line = context.locate(anchors);
  context.problems.push(
    line === undefined ? { file: context.file, message } : {
      file: context.file,
      line,
      message,
    },
  );
}

function at(context: UvSettingsContext, anchors: RegExp[], value?: string) {
  const line = context.locate(anchors, value) ??
    (value === undefined ? undefined : context.locate([], value));
  return line === undefined ? { file: context.file } : { file: context.file, line };
}

function readCommon(
  table: Table,
  context: UvSettingsContext,
  anchors: RegExp[],
  prefix: string,
  pip: boolean,
): void {
  const keyAnchors = (key: string) => [...anchors, keyPattern(key)];
  const indexUrl = table["index-url"];
  if (indexUrl !== undefined) {
    if (typeof indexUrl === "string") {
      context.indexes.push({
        url: redactValue(indexUrl),
        role: "primary",
        location: at(context, keyAnchors("index-url"), indexUrl),
      });
    } else {
      problem(
        context,
        `${prefix}index-url: expected a string, found ${describeTomlValue(indexUrl)}`,
        keyAnchors("index-url"),
      );
    }
  }
  const lists: Array<[string, (item: string) => void]> = [
    ["extra-index-url", (url) => pushIndex(context, url, "extra", keyAnchors("extra-index-url"))],
    ["find-links", (url) => pushIndex(context, url, "find-links", keyAnchors("find-links"))],
    ["allow-insecure-host", (host) =>
      context.settings.push({
        name: "trusted-host",
        value: redactValue(host),
        location: at(context, keyAnchors("allow-insecure-host"), host),
      })],
  ];
  for (const [key, add] of lists) {
    for (const item of stringList(table[key], `${prefix}${key}`, context, keyAnchors(key))) {
      add(item);
    }
  }
  const flags = pip ? ["no-index", "require-hashes"] : ["no-index", "native-tls"];
  for (const key of flags) {
    const value = table[key];
    if (value === undefined) continue;
    if (typeof value !== "boolean") {
      problem(
        context,
        `${prefix}${key}: expected true or false, found ${describeTomlValue(value)}`,
        keyAnchors(key),
      );
    } else if (value) context.settings.push({ name: key, location: at(context, keyAnchors(key)) });
  }
  const strategy = table["index-strategy"];
  if (strategy !== undefined) {
    if (typeof strategy === "string" && UV_INDEX_STRATEGIES.includes(strategy)) {
      context.settings.push({
        name: "index-strategy",
        value: strategy,
        location: at(context, keyAnchors("index-strategy")),
      });
    } else {
      problem(
        context,
        `${prefix}index-strategy: expected one of ${UV_INDEX_STRATEGIES.join(", ")}, found ` +
          describeTomlValue(strategy),
        keyAnchors("index-strategy"),
      );
    }
  }
}

function pushIndex(context: UvSettingsContext, url: string, role: IndexRole, anchors: RegExp[]) {
  context.indexes.push({ url: redactValue(url), role, location: at(context, anchors, url) });
}

function stringList(
  value: unknown,
  keyPath: string,
  context: UvSettingsContext,
  anchors: RegExp[],
): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problem(
      context,
      `${keyPath}: expected an array of strings, found ${describeTomlValue(value)}`,
      anchors,
    );
    return [];
  }
  if (value.length > MAX_ENTRIES) {
    problem(context, `${keyPath}: more than ${MAX_ENTRIES} entries; the rest is not read`, anchors);
  }
  const items: string[] = [];
  value.slice(0, MAX_ENTRIES).forEach((item, index) => {
    if (typeof item === "string") items.push(item);
    else {
      problem(
        context,
        `${keyPath}[${index}]: expected a string, found ${describeTomlValue(item)}`,
        anchors,
      );
    }
  });
  return items;
}

/**
 * `index` entries: `explicit = true` → explicit (used only by packages routed to it),
 * `format = "flat"` → find-links, `default = true` → primary (replaces PyPI), otherwise extra.
 */
function readIndexTables(
  value: unknown,
  context: UvSettingsContext,
  anchors: RegExp[],
  prefix: string,
): void {
  if (value === undefined) return;
  const header = headerPattern([...context.tablePath, "index"], { array: true });
  const keyPath = `${prefix}index`;
  if (!Array.isArray(value)) {
    problem(context, `${keyPath}: expected an array of tables, found ${describeTomlValue(value)}`, [
      ...anchors,
      keyPattern("index"),
    ]);
    return;
  }
  if (value.length > MAX_ENTRIES) {
    problem(context, `${keyPath}: more than ${MAX_ENTRIES} entries; the rest is not read`, [
      header,
    ]);
  }
  const headerLines = matchLines(context.text, header);
  const inline = [...anchors, keyPattern("index")];
  value.slice(0, MAX_ENTRIES).forEach((entry, position) => {
    const entryPath = `${keyPath}[${position}]`;
    // One [[index]] header per entry, unless the array is written inline (`index = [{ … }]`).
    const headerLine = headerLines.length === value.length ? headerLines[position] : undefined;
    const complain = (message: string) => {
      if (headerLine === undefined) problem(context, `${entryPath}${message}`, inline);
      else {context.problems.push({
          file: context.file,
          line: headerLine,
          message: entryPath + message,
        });}
    };
    if (!isTomlTable(entry)) {
      complain(`: expected a table, found ${describeTomlValue(entry)}`);
      return;
    }
    if (typeof entry.url !== "string" || entry.url === "") {
      complain(`.url: expected a string, found ${describeTomlValue(entry.url)}`);
      return;
    }
    if (entry.name !== undefined && typeof entry.name !== "string") {
      complain(`.name: expected a string, found ${describeTomlValue(entry.name)}`);
    }
    for (const flag of ["default", "explicit"]) {
      if (entry[flag] !== undefined && typeof entry[flag] !== "boolean") {
        complain(`.${flag}: expected true or false, found ${describeTomlValue(entry[flag])}`);
      }
    }
    if (entry.format !== undefined && entry.format !== "simple" && entry.format !== "flat") {
      complain(`.format: expected "simple" or "flat", found ${describeTomlValue(entry.format)}`);
    }
    const role: IndexRole = entry.explicit === true
      ? "explicit"
      : entry.format === "flat"
      ? "find-links"
      : entry.default === true
      ? "primary"
      : "extra";
    const location = headerLine === undefined
      ? at(context, inline, entry.url)
      : { file: context.file, line: headerLine };
    context.indexes.push({
      url: redactValue(entry.url),
      role,
      ...(typeof entry.name === "string" ? { name: entry.name } : {}),
      location,
    });
  });
}

/** The 1-based lines where `pattern` matches in `text`. */
function matchLines(text: string, pattern: RegExp): number[] {
  const global = new RegExp(pattern.source, "gm");
  const lines: number[] = [];
  let line = 1, counted = 0;
  for (const match of text.matchAll(global)) {
    for (; counted < match.index; counted++) if (text.charCodeAt(counted) === 10) line++;
    lines.push(line);
  }
  return lines;
}
