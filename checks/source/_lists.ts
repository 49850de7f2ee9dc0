/**
 * How the source checks list package names in a message: bounded, so a finding about a lock of
 * 400 packages stays readable (the full list goes in its evidence).
 *
 * @module
 */

/** How many names a message shows before "and N more". */
export const NAMES_IN_MESSAGE = 5;

/** `a, b, c and 4 more`: the first `max` names, then how many are left out. */
export function boundedList(names: readonly string[], max = NAMES_IN_MESSAGE): string {
  if (names.length <= max) return names.join(", ");
  return `${names.slice(0, max).join(", ")} and ${names.length - max} more`;
}

/** `1 package comes` / `3 packages come`. */
export function countPackages(count: number, verb: [string, string]): string {
  return count === 1 ? `1 package ${verb[0]}` : `${count} packages ${verb[1]}`;
}
