/**
 * Shell scripts: `*.sh` and `*.bash` files, and files without an extension whose first line is a
 * shell's `#!` (`#!/bin/sh`, `#!/bin/bash`, `#!/usr/bin/env bash`, dash, ash, ksh, zsh), which is
 * how `bin/` and `scripts/` entry points are usually written; collect/mod.ts finds those by their
 * first bytes. A script whose `#!` names another interpreter (`#!/usr/bin/env python3`) is not a
 * shell script, whatever its name.
 *
 * Each command of the script is a launch whose unit is the script's path (see
 * `_shell_launches.ts`: compound syntax taken off, assignments as environment, `sh -c` unwrapped,
 * `activate` followed to the end of the script). Text after a NUL byte (a self-extracting
 * installer's payload) is not read; a script over 512 KiB is not read at all.
 *
 * @module
 */
import { type FileReader, textReader } from "../_reader.ts";
import { type LaunchFacts, scriptLaunches } from "./_shell_launches.ts";

const SHEBANG = /^#![ \t]*(\S+)(?:[ \t]+(\S+))?(?:[ \t]+(\S+))?/;
const SHELLS = new Set(["sh", "bash", "dash", "ash", "ksh", "mksh", "zsh", "busybox"]);
const MAX_BYTES = 512 * 1024;

/**
 * Whether a script's first line is a shell's `#!` (`env` and its `-S` flag followed); `undefined`
 * when it has no `#!` line.
 *
 * @param head The file's first bytes, as text.
 * @returns true for a shell, false for another interpreter, undefined without `#!`.
 * @example
 * ```ts
 * import { shellShebang } from "./shell.ts";
 * shellShebang("#!/usr/bin/env -S bash -eu\n"); // true
 * shellShebang("#!/usr/bin/env python3\n"); // false
 * shellShebang("echo hi\n"); // undefined
 * ```
 */
export function shellShebang(head: string): boolean | undefined {
  const match = SHEBANG.exec(head);
  if (!match) return undefined;
  const words = match.slice(1).filter((w): w is string => w !== undefined);
  const base = (word: string | undefined) => word?.slice(word.lastIndexOf("/") + 1);
  let program = base(words[0]);
  if (program === "env") {
    program = base(words.slice(1).find((w) => !w.startsWith("-")));
  }
  return program !== undefined && SHELLS.has(program);
}

/**
 * Whether a path is named like a shell script (by its extension; files without one are found by
 * their `#!` line).
 *
 * @example
 * ```ts
 * import { isShellScript } from "./shell.ts";
 * isShellScript("scripts/serve.sh"); // true
 * isShellScript("bin/serve"); // false
 * ```
 */
export function isShellScript(file: string): boolean {
  return /\.(?:sh|bash)$/.test(file);
}

/**
 * Read a shell script (see the module documentation).
 *
 * @param text The file's text.
 * @param options `file`: the project-relative path, recorded as the unit and in locations.
 * @returns A launch per command.
 * @example
 * ```ts
 * import { readShellScript } from "./shell.ts";
 * const facts = readShellScript(
 *   "#!/bin/sh\nset -e\nexec mlflow server --host 0.0.0.0 --port \"${PORT:-5000}\"\n",
 *   { file: "bin/start" },
 * );
 * facts.launches[1].argv.map((w) => w.text); // ["mlflow", "server", "--host", "0.0.0.0", "--port", "${PORT:-5000}"]
 * ```
 */
export function readShellScript(text: string, options: { file: string }): LaunchFacts {
  const { file } = options;
  const facts: LaunchFacts = { launches: [], secrets: [], problems: [] };
  if (shellShebang(text.slice(0, 256)) === false) return facts;
  const nul = text.indexOf("\0");
  scriptLaunches(nul < 0 ? text : text.slice(0, nul), {
    unit: { origin: "shell", unit: file, file, env: [] },
    line: 1,
    facts,
  });
  return facts;
}

/**
 * The shell script reader (by extension; collect/mod.ts also hands it extensionless files whose
 * first line is a shell's `#!`).
 *
 * @example
 * ```ts
 * import { shellScriptReader } from "./shell.ts";
 * shellScriptReader.matches("deploy/entrypoint.sh"); // true
 * ```
 */
export const shellScriptReader: FileReader = textReader({
  format: "shell script",
  matches: isShellScript,
  parse: (text, { file }) => readShellScript(text, { file }),
  maxBytes: MAX_BYTES,
});
