/**
 * Reads virtualenv descriptions (`pyvenv.cfg`).
 *
 * @module
 */
import type { Environment, Problem } from "../core/snapshot.ts";

/**
 * Parse a `pyvenv.cfg` (PEP 405): `key = value` lines. Keys are case-insensitive; unknown keys
 * are ignored; a line without `=` is a problem.
 *
 * @param text The file's contents.
 * @param options `file` (relative path of the pyvenv.cfg) and `envPath` (its directory).
 * @returns The environment and any problems.
 * @example
 * ```ts
 * import { parsePyvenvCfg } from "./venv.ts";
 * const { environment } = parsePyvenvCfg(
 *   "home = /usr/bin\ninclude-system-site-packages = true\nversion = 3.11.7\n",
 *   { file: ".venv/pyvenv.cfg", envPath: ".venv" },
 * );
 * environment.includeSystemSitePackages; // true
 * ```
 */
export function parsePyvenvCfg(
  text: string,
  options: { file: string; envPath: string },
): { environment: Environment; problems: Problem[] } {
  const { file, envPath } = options;
  const problems: Problem[] = [];
  const values = new Map<string, { value: string; line: number }>();
  const lines = text.split(/\r\n|\r|\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq < 0) {
      problems.push({ file, line: i + 1, message: `expected "key = value", found "${line}"` });
      continue;
    }
    values.set(line.slice(0, eq).trim().toLowerCase(), {
      value: line.slice(eq + 1).trim(),
      line: i + 1,
    });
  }
  const system = values.get("include-system-site-packages");
  if (system && !["true", "false"].includes(system.value.toLowerCase())) {
    problems.push({
      file,
      line: system.line,
      message: `include-system-site-packages: expected true or false, found "${system.value}"`,
    });
  }
  const version = values.get("version") ?? values.get("version_info");
  const home = values.get("home");
  const environment: Environment = {
    path: envPath,
    kind: values.has("conda") ? "conda" : "venv",
    // Python treats anything but "true" (case-insensitive) as false; so do we.
    includeSystemSitePackages: system?.value.toLowerCase() === "true",
    ...(version ? { pythonVersion: version.value } : {}),
    ...(home ? { home: home.value } : {}),
    distributions: [],
    location: system ? { file, line: system.line } : { file },
  };
  return { environment, problems };
}
