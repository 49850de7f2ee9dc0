/**
 * Who owns a path under a CODEOWNERS file, resolved as the forge resolves it: the last matching
 * rule wins; on GitLab, in each section apart, and the owners of every required section apply.
 *
 * @module
 */
import type { OwnerRule } from "../../core/snapshot.ts";
import { compileOwnerPattern, type Forge, type OwnerPattern } from "./_codeowners_pattern.ts";

/** A rule with its compiled pattern. */
export interface CompiledRule {
  /** The rule. */
  rule: OwnerRule;
  /** Its pattern. */
  pattern: OwnerPattern;
  /** The section it is judged in (GitLab section names ignore case); `""` outside sections. */
  section: string;
}

/** Who owns a path. */
export interface Ownership {
  /**
   * `owned`: a required section's last matching rule names owners; `optional`: only optional
   * sections' rules do; `unowned`: the last matching rule names none (or excludes the path);
   * `unmatched`: no rule matches it.
   */
  state: "owned" | "optional" | "unowned" | "unmatched";
  /** The owners that apply (of required sections, or of optional ones for `optional`). */
  owners: string[];
  /** The deciding rules. */
  rules: OwnerRule[];
}

/** Whether a CODEOWNERS file is GitLab's: sections, exclusions, or the `.gitlab/` location. */
export function forgeOf(rules: readonly OwnerRule[]): Forge {
  return rules.some((r) =>
      r.section !== undefined || r.exclusion || r.location.file.startsWith(".gitlab/")
    )
    ? "gitlab"
    : "github";
}

/**
 * Compile every rule once.
 *
 * @param rules The rules, in file order.
 * @returns The compiled rules, in the same order.
 */
export function compileRules(rules: readonly OwnerRule[]): CompiledRule[] {
  const forge = forgeOf(rules);
  return rules.map((rule) => ({
    rule,
    pattern: compileOwnerPattern(rule.pattern, forge),
    section: rule.section?.toLowerCase() ?? "",
  }));
}

/**
 * Resolve who owns a file (or, with `directory`, a whole directory).
 *
 * @param path The path, relative to the root.
 * @param rules The compiled rules, in file order.
 * @param options `directory`: judge the directory itself (a rule must own all of it).
 * @returns The ownership and the rules that decide it.
 */
export function ownershipOf(
  path: string,
  rules: readonly CompiledRule[],
  options: { directory?: boolean } = {},
): Ownership {
  const last = new Map<string, CompiledRule>();
  for (const compiled of rules) {
    const hit = options.directory
      ? compiled.pattern.matchesDirectory(path)
      : compiled.pattern.matches(path);
    if (hit) last.set(compiled.section, compiled);
  }
  if (last.size === 0) return { state: "unmatched", owners: [], rules: [] };
  const deciding = [...last.values()].map((c) => c.rule);
  const owning = (optional: boolean) =>
    deciding.filter((r) => (r.optional ?? false) === optional && !r.exclusion && r.owners.length);
  const required = owning(false);
  if (required.length > 0) {
    return {
      state: "owned",
      owners: [...new Set(required.flatMap((r) => r.owners))],
      rules: required,
    };
  }
  const optional = owning(true);
  if (optional.length > 0) {
    return {
      state: "optional",
      owners: [...new Set(optional.flatMap((r) => r.owners))],
      rules: optional,
    };
  }
  return { state: "unowned", owners: [], rules: deciding };
}
