/**
 * Where a fact was found, and input that could not be read: shared by every snapshot section.
 *
 * @module
 */
import { z } from "zod";

/**
 * A place: `file` relative to the project root with `/` separators, 1-based `line` and `column`.
 * Configuration outside the project is named by absolute path with the home directory written as
 * `~` (`~/.config/pip/pip.conf`, `/etc/pip.conf`); an environment variable as `env:NAME`.
 *
 * @example
 * ```ts
 * import { Location } from "./snapshot.ts";
 * Location.parse({ file: "requirements.txt", line: 3 });
 * ```
 */
export const Location = z.object({
  file: z.string().min(1).describe(
    "Path relative to the project root, '/'-separated; '~/…' or '/…' for configuration outside " +
      "the project; 'env:NAME' for an environment variable",
  ),
  line: z.number().int().min(1).optional(),
  column: z.number().int().min(1).optional(),
});
/** A place in the project. */
export type Location = z.infer<typeof Location>;

/**
 * Input that could not be read or understood. Problems are never dropped: they appear in the
 * report's coverage section and make `tollgate check` exit 3 unless `--allow-incomplete`.
 *
 * @example
 * ```ts
 * import { Problem } from "./snapshot.ts";
 * Problem.parse({ file: "requirements.txt", line: 4, message: "expected a version after '=='" });
 * ```
 */
export const Problem = z.object({
  file: z.string().min(1),
  line: z.number().int().min(1).optional(),
  message: z.string().min(1),
});
/** Input that could not be read or understood. */
export type Problem = z.infer<typeof Problem>;
