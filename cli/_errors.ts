/**
 * CLI error kinds and the exit codes they map to.
 *
 * @module
 */

/** Exit codes: 0 passed · 1 policy failed · 2 usage or configuration error · 3 could not complete. */
export const EXIT = { pass: 0, fail: 1, usage: 2, incomplete: 3 } as const;

/** A mistake in how the command was called (exit 2). */
export class UsageError extends Error {
  /** @param message What was wrong, and what was expected. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
