/**
 * Where a fact was found, and input that could not be read: shared by every snapshot section.
 *
 * @module
 */
import { z } from "zod";
import type { Assert, Same } from "./_same_type.ts";

/**
 * A place: `file` relative to the project root with `/` separators, 1-based `line` and `column`.
 * Configuration outside the project is named by absolute path with the home directory written as
 * `~` (`~/.config/pip/pip.conf`, `/etc/pip.conf`); an environment variable as `env:NAME`.
 *
 * @example
 * ```ts
 * import { Location } from "./snapshot.ts";
 * const at: Location = Location.parse({ file: "requirements.txt", line: 3 });
 * ```
 */
export interface Location {
  /**
   * Path relative to the project root, '/'-separated; '~/…' or '/…' for configuration outside
   * the project; 'env:NAME' for an environment variable. Never empty.
   */
  file: string;
  /** 1-based line. */
  line?: number;
  /** 1-based column. */
  column?: number;
}

/** @ignore The zod schema of {@linkcode Location}. */
export const Location = z.object({
  file: z.string().min(1).describe(
    "Path relative to the project root, '/'-separated; '~/…' or '/…' for configuration outside " +
      "the project; 'env:NAME' for an environment variable",
  ),
  line: z.number().int().min(1).optional(),
  column: z.number().int().min(1).optional(),
});
type _Location = Assert<Same<z.output<typeof Location>, Location>>;

/**
 * Input that could not be read or understood. Problems are never dropped: they appear in the
 * report's coverage section and make `tollgate check` exit 3 unless `--allow-incomplete`.
 *
 * @example
 * ```ts
 * import { Problem } from "./snapshot.ts";
 * const problem: Problem = Problem.parse({
 *   file: "requirements.txt",
 *   line: 4,
 *   message: "expected a version after '=='",
 * });
 * ```
 */
export interface Problem {
  /** The file, as in {@linkcode Location}. Never empty. */
  file: string;
  /** 1-based line, when known. */
  line?: number;
  /** What was wrong, and what was expected. Never empty. */
  message: string;
}

/** @ignore The zod schema of {@linkcode Problem}. */
export const Problem = z.object({
  file: z.string().min(1),
  line: z.number().int().min(1).optional(),
  message: z.string().min(1),
});
type _Problem = Assert<Same<z.output<typeof Problem>, Problem>>;
