/**
 * Baseline files: read one (bounded, validated, every error naming the file and where), and render
 * one for writing.
 *
 * @module
 */
import { readFile, stat } from "node:fs/promises";
import { Baseline, BASELINE_SCHEMA } from "../core/baseline.ts";
import { ConfigError } from "../core/config.ts";
import { cleanZodMessage, formatKeyPath } from "../core/issues.ts";

const MAX_BASELINE_BYTES = 64 * 1024 * 1024;

/**
 * Read and validate a baseline file written by `tollgate check --write-baseline`.
 *
 * @param options `file`: the path.
 * @returns The baseline.
 * @throws {ConfigError} naming the file and, where known, the line or key path.
 * @example
 * ```ts ignore
 * import { checkProject, readBaseline } from "./mod.ts";
 * const baseline = await readBaseline({ file: ".tollgate-baseline.json" });
 * const { report } = await checkProject({ root: ".", baseline });
 * report.baseline?.fixed; // what was fixed since
 * ```
 */
export async function readBaseline(options: { file: string }): Promise<Baseline> {
  const { file } = options;
  let text: string;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error("not a regular file");
    if (info.size > MAX_BASELINE_BYTES) {
      throw new Error(`larger than ${MAX_BASELINE_BYTES / 1024 / 1024} MiB`);
    }
    text = await readFile(file, "utf8");
  } catch (error) {
    const why = (error as { code?: string }).code === "ENOENT"
      ? "no such file"
      : error instanceof Error
      ? error.message
      : String(error);
    throw new ConfigError({ file, message: `cannot read the baseline: ${why}` });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    const line = position ? text.slice(0, Number(position[1])).split("\n").length : undefined;
    throw new ConfigError({ file, line, message: "not JSON: expected a baseline file" });
  }
  const parsed = Baseline.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError({
      file,
      keyPath: formatKeyPath(issue.path as PropertyKey[]) || undefined,
      message: `not a ${BASELINE_SCHEMA} file: ${cleanZodMessage(issue.message)}`,
    });
  }
  return parsed.data;
}

/**
 * A baseline as the file `--write-baseline` writes: JSON, two-space indented, one finding per
 * entry, ending with a newline, so it diffs well in review.
 *
 * @param baseline The baseline (see `baselineOf`).
 * @returns The file's text.
 * @example
 * ```ts
 * import { formatBaseline } from "./baseline_file.ts";
 * formatBaseline({
 *   schema: "tollgate.baseline/v1", createdAt: "2026-01-01T00:00:00.000Z", project: "p",
 *   policy: "recommended", findings: [],
 * }).endsWith("\n"); // true
 * ```
 */
export function formatBaseline(baseline: Baseline): string {
  return JSON.stringify(baseline, null, 2) + "\n";
}
