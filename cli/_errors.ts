/**
 * CLI error kinds and the exit codes they map to.
 *
 * @module
 */

/**
 * Exit codes: 0 passed · 1 policy failed · 2 usage or configuration error · 3 could not complete.
 *
 * @example
 * ```ts
 * import { EXIT } from "./_errors.ts";
 * EXIT.fail; // 1
 * ```
 */
export const EXIT = { pass: 0, fail: 1, usage: 2, incomplete: 3 } as const;

/**
 * A mistake in how the command was called (exit 2).
 *
 * @example
 * ```ts
 * import { UsageError } from "./_errors.ts";
 * new UsageError("--now: expected a date").message;
 * ```
 */
export class UsageError extends Error {
  /** @param message What was wrong, and what was expected. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * Output could not be written (exit 3).
 *
 * @example
 * ```ts
 * import { OutputError } from "./_errors.ts";
 * new OutputError("cannot write out.json: its directory does not exist");
 * ```
 */
export class OutputError extends Error {
  /** @param message What could not be written, and why. */
  constructor(message: string) {
    super(message);
    this.name = "OutputError";
  }
}
