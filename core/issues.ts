/**
 * Validation issues as people read them: a dotted key path (`checks["source.https-only"].hosts[0]`)
 * and what was expected there, without zod's generic lead-ins.
 *
 * @module
 */

/**
 * Flatten a zod error into `{ path, message }` pairs with dotted key paths (`a.b[2]`).
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { zodIssues } from "./issues.ts";
 * const r = z.object({ a: z.number() }).safeParse({ a: "x" });
 * if (!r.success) zodIssues(r.error); // [{ path: "a", message: "expected number, received string" }]
 * ```
 */
export function zodIssues(
  error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> },
): Array<{ path: string; message: string }> {
  return error.issues.map((issue) => ({
    path: formatKeyPath(issue.path),
    message: cleanZodMessage(issue.message),
  }));
}

/**
 * Strip zod's generic lead-ins ("Invalid input: ", "Invalid option: ") so that messages read as
 * what was expected.
 *
 * @example
 * ```ts
 * import { cleanZodMessage } from "./issues.ts";
 * cleanZodMessage("Invalid input: expected string, received number"); // "expected string, received number"
 * ```
 */
export function cleanZodMessage(message: string): string {
  return message.replace(/^Invalid (?:input|option|value): /, "");
}

/**
 * Format a key path as `a.b[2].c`; keys that are not identifiers are quoted (`checks["x.y"]`).
 *
 * @example
 * ```ts
 * import { formatKeyPath } from "./issues.ts";
 * formatKeyPath(["checks", "source.https-only", "hosts", 0]); // 'checks["source.https-only"].hosts[0]'
 * ```
 */
export function formatKeyPath(keys: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const key of keys) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      out += out ? `.${key}` : key;
    } else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}
