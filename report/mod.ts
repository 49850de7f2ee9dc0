/**
 * Report formatters by name.
 *
 * @module
 */
import type { Report } from "../core/report.ts";
import { formatJson } from "./json.ts";
import { formatText } from "./text.ts";

export { formatJson } from "./json.ts";
export { formatText, type TextOptions } from "./text.ts";

/** Options every formatter accepts (each uses what applies to it). */
export interface FormatOptions {
  /** ANSI colour (text only). */
  color?: boolean;
  /** Less detail (text only). */
  quiet?: boolean;
}

/** A formatter: renders a report, never changes a verdict. */
export type Formatter = (report: Report, options: FormatOptions) => string;

/**
 * Formatters keyed by `--format` name.
 *
 * @example
 * ```ts
 * import { formatters } from "./mod.ts";
 * Object.keys(formatters); // ["text", "json"]
 * ```
 */
export const formatters: Readonly<Record<string, Formatter>> = {
  text: formatText,
  json: (report) => formatJson(report),
};
