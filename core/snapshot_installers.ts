/**
 * Snapshot facts about how a project is installed: which installers its files are written for.
 *
 * @module
 */
import { z } from "zod";
import type { Assert, Same } from "./_same_type.ts";
import { Location } from "./location.ts";
import { InstallerTool } from "./snapshot_packages.ts";

/**
 * An installer the project's own files are written for, with the files that say so: a lock
 * file (`uv.lock` → uv, `poetry.lock` → Poetry), a tool table (`[tool.uv]`), a requirements file
 * or project pip.conf (pip), a Pipfile (pipenv), a conda environment or lock file (conda; its
 * `pip:` section is pip's). Machine configuration is never evidence: it says what this machine
 * would do, not how the project installs.
 *
 * @example
 * ```ts
 * import { Installer } from "./snapshot.ts";
 * const uv: Installer = Installer.parse({
 *   tool: "uv",
 *   evidence: [{ file: "uv.lock" }, { file: "pyproject.toml", line: 12 }],
 * });
 * ```
 */
export interface Installer {
  /** The installer. */
  tool: InstallerTool;
  /** The project files that show it is used (a file, or the line of its tool table). */
  evidence: Location[];
}

/** @ignore The zod schema of {@linkcode Installer}. */
export const Installer = z.object({
  tool: InstallerTool,
  evidence: z.array(Location).min(1).describe(
    "The project files that show it is used (a file, or the line of its tool table)",
  ),
});
type _Installer = Assert<Same<z.output<typeof Installer>, Installer>>;
