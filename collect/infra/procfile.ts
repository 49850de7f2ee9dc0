/**
 * Procfiles (`Procfile`, `Procfile.dev`…), as Heroku, Dokku, foreman and honcho read them: each
 * `type: command` line (the type letters, digits, `_` and `-`, as foreman's and honcho's pattern
 * has it) is a process whose command a shell runs. Each command of it is a launch whose unit is the
 * process type. Blank lines and `#` comments are skipped; any other line is a problem, since the
 * tools skip it too and a process would silently not start.
 *
 * @module
 */
import { baseName, type FileReader, textReader } from "../_reader.ts";
import { type LaunchFacts, scriptLaunches } from "./_shell_launches.ts";

const PROCESS_LINE = /^([A-Za-z0-9_-]+):[ \t]*(.+)$/;
const MAX_BYTES = 256 * 1024;

/**
 * Whether a path is named like a Procfile.
 *
 * @example
 * ```ts
 * import { isProcfile } from "./procfile.ts";
 * isProcfile("Procfile.dev"); // true
 * isProcfile("docs/Procfile.md"); // false
 * ```
 */
export function isProcfile(file: string): boolean {
  return /^Procfile(?:\.[A-Za-z0-9_-]+)?$/.test(baseName(file)) && !/\.md$/i.test(file);
}

/**
 * Read a Procfile.
 *
 * @param text The file's text.
 * @param options `file`: the project-relative path recorded in locations.
 * @returns A launch per command of each process line; problems for lines that are none.
 * @example
 * ```ts
 * import { readProcfile } from "./procfile.ts";
 * const facts = readProcfile("web: streamlit run app.py --server.address 0.0.0.0\n", {
 *   file: "Procfile",
 * });
 * [facts.launches[0].unit, facts.launches[0].argv.map((w) => w.text).join(" ")];
 * // ["web", "streamlit run app.py --server.address 0.0.0.0"]
 * ```
 */
export function readProcfile(text: string, options: { file: string }): LaunchFacts {
  const { file } = options;
  const facts: LaunchFacts = { launches: [], secrets: [], problems: [] };
  for (const [index, raw] of text.split("\n").entries()) {
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
    const match = PROCESS_LINE.exec(line);
    if (!match) {
      facts.problems.push({
        file,
        line: index + 1,
        message: "not a 'type: command' line; Procfile tools skip it, so nothing runs from it",
      });
      continue;
    }
    scriptLaunches(match[2], {
      unit: { origin: "procfile", unit: match[1], file, env: [] },
      line: index + 1,
      facts,
    });
  }
  return facts;
}

/**
 * The Procfile reader.
 *
 * @example
 * ```ts
 * import { procfileReader } from "./procfile.ts";
 * procfileReader.matches("Procfile"); // true
 * ```
 */
export const procfileReader: FileReader = textReader({
  format: "Procfile",
  matches: isProcfile,
  parse: (text, { file }) => readProcfile(text, { file }),
  maxBytes: MAX_BYTES,
});
