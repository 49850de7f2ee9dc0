/**
 * The JSON report: the Report type, two-space indented, keys in schema order.
 *
 * @module
 */
import type { Report } from "../core/report.ts";

/**
 * Render a report as JSON text (ending with a newline).
 *
 * @example
 * ```ts ignore
 * import { writeFile } from "node:fs/promises";
 * import { formatJson } from "./json.ts";
 * await writeFile("report.json", formatJson(report));
 * ```
 */
export function formatJson(report: Report): string {
  return JSON.stringify(report, null, 2) + "\n";
}
