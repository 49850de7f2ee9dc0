/**
 * Starter policies written by `tollgate init`.
 *
 * @module
 */
import type { z } from "zod";
import type { CheckFactory } from "../core/check.ts";

/**
 * A starter YAML policy listing every check with its default params.
 *
 * @example
 * ```ts ignore
 * starterYaml(catalogue);
 * ```
 */
export function starterYaml(catalogue: ReadonlyMap<string, CheckFactory<z.ZodType>>): string {
  const lines = [
    "# Tollgate policy — https://owasp.org/www-project-machine-learning-security-top-10/ (ML06)",
    "# Every check of 'recommended' is on; tune params here, or set a check to false to turn it off.",
    "extends: [recommended]",
    "failOn: error",
    "checks:",
  ];
  for (const [id, factory] of catalogue) {
    const params = factory().params as Record<string, unknown>;
    const entries = Object.entries(params);
    if (entries.length === 0) {
      lines.push(`  ${id}: true`);
      continue;
    }
    lines.push(`  ${id}:`);
    for (const [key, value] of entries) lines.push(`    ${key}: ${JSON.stringify(value)}`);
  }
  lines.push(
    "# waivers:",
    "#   - check: signature.hash-pinned",
    '#     subject: "pkg:pypi/internal-*"',
    "#     reason: built in-house and verified by the release pipeline",
    '#     owner: "@ml-platform"',
    "#     expires: 2026-12-31",
    "",
  );
  return lines.join("\n");
}

/**
 * A starter TypeScript policy. `importFrom` is the specifier of the Tollgate library.
 *
 * @example
 * ```ts ignore
 * starterTs("npm:tollgate");
 * ```
 */
export function starterTs(importFrom: string): string {
  return `import { checks, definePolicy, policies } from "${importFrom}";

export default definePolicy({
  name: "my-project",
  extends: [policies.recommended],
  checks: [
    checks.source.allowedIndexes({ indexes: ["https://pypi.org/simple"] }),
  ],
  waivers: [],
  failOn: "error",
});
`;
}
