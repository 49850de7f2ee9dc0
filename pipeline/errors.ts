/**
 * Errors the pipeline raises for what its caller asked.
 *
 * @module
 */

/**
 * An option given to the pipeline is invalid (the CLI exits 2 and names its flag).
 *
 * @example
 * ```ts
 * import { OptionError } from "./errors.ts";
 * new OptionError("pypiUrl", 'expected an http(s) URL, got "ftp://x"').option; // "pypiUrl"
 * ```
 */
export class OptionError extends Error {
  /** The option's name, as the library spells it (`pypiUrl`). */
  readonly option: string;
  /**
   * Name the option and say what was wrong with its value.
   *
   * @param option The option's name.
   * @param message What was wrong, and what was expected.
   */
  constructor(option: string, message: string) {
    super(`${option}: ${message}`);
    this.name = "OptionError";
    this.option = option;
  }
}
