/**
 * Byte builders shared by tests that write binary formats by hand.
 *
 * @module
 */

/**
 * The parts one after another in one buffer.
 *
 * @example
 * ```ts
 * import { concat } from "./_bytes.ts";
 * concat(new Uint8Array([1]), new Uint8Array([2, 3])); // Uint8Array [1, 2, 3]
 * ```
 */
export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
