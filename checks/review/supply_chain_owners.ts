/**
 * `review.supply-chain-owners`: CODEOWNERS covers what decides what gets installed and loaded.
 *
 * @module
 */
import { z } from "zod";
import { defineCheck, type FindingDraft } from "../../core/check.ts";
import type { OwnerRule, Snapshot } from "../../core/snapshot.ts";
import { OWASP_ML06 } from "../_shared.ts";
import { compileRules, type Ownership, ownershipOf } from "./_ownership.ts";

const MAX_RULES = 5_000;
const MAX_PATHS = 5_000;
const SHOWN_FILES = 5;

/** The input formats that decide what gets installed, with what they are for a message. */
const SUPPLY_CHAIN_FORMATS: Readonly<Record<string, string>> = {
  "requirements": "a requirements file",
  "pyproject": "the project manifest",
  "Pipfile": "the project manifest",
  "environment.yml": "a conda environment",
  "environment": "a conda environment",
  "Pipfile.lock": "a lock file",
  "uv.lock": "a lock file",
  "poetry.lock": "a lock file",
  "pdm.lock": "a lock file",
  "pixi.lock": "a lock file",
  "pylock.toml": "a lock file",
  "conda-lock.yml": "a lock file",
  "conda-explicit.lock": "a lock file",
  "pip.conf": "index configuration",
  "uv.toml": "index configuration",
};

const Params = z.object({
  requiredOwners: z.array(z.string()).default([]).describe(
    "Owners (`@org/team`, `@user`, an e-mail) at least one of whom must own each path; empty: " +
      "any owner will do",
  ),
  policyPaths: z.array(z.string()).default([
    "tollgate.yaml",
    "tollgate.yml",
    "tollgate.toml",
    "tollgate.policy.ts",
  ]).describe(
    "Where Tollgate reads a policy from in the project: owned whether the file exists or not, " +
      "since a pull request adding one would change the checks",
  ),
  extraPaths: z.array(z.string()).default([]).describe(
    "More paths that must be owned, relative to the project (a trailing `/` for a whole " +
      "directory): a Dockerfile, `.github/workflows/`",
  ),
  requireCodeowners: z.boolean().default(true).describe(
    "Report a project with no CODEOWNERS at all (as a warning); false when the repository's " +
      "CODEOWNERS is above the directory Tollgate checks",
  ),
}).strict();

type Params = z.output<typeof Params>;

/** One thing that must be owned. */
interface Owned {
  /** The path judged. */
  path: string;
  /** What it is, for a message. */
  label: string;
  /** Judge the directory as a whole. */
  directory?: boolean;
}

/** Project-relative paths only: machine configuration (`~/…`, `env:…`, `/etc/…`) has no owner here. */
function inProject(file: string): boolean {
  return !/^(?:~|\/|env:|[A-Za-z]:[\\/])/.test(file) && !file.split("/").includes("..");
}

/** Everything the check requires an owner for, except model files (grouped by directory). */
function requiredPaths(snapshot: Snapshot, params: Params, codeowners?: string): Owned[] {
  const paths: Owned[] = [];
  for (const input of snapshot.inputs) {
    const label = SUPPLY_CHAIN_FORMATS[input.format];
    if (label !== undefined && inProject(input.file)) paths.push({ path: input.file, label });
  }
  if (codeowners !== undefined) paths.push({ path: codeowners, label: "the CODEOWNERS file" });
  for (const extra of params.extraPaths) {
    const path = extra.replace(/^\/+/, "");
    paths.push(
      path.endsWith("/")
        ? { path: path.replace(/\/+$/, ""), label: "a directory the policy names", directory: true }
        : { path, label: "a path the policy names" },
    );
  }
  return paths;
}

/**
 * `review.supply-chain-owners`: every dependency manifest, lock file, index configuration file,
 * model directory, the Tollgate policy and CODEOWNERS itself are owned by a CODEOWNERS rule (by
 * one of `requiredOwners`, when given), resolved as GitHub and GitLab resolve them.
 *
 * @example
 * ```ts
 * import { supplyChainOwners } from "./supply_chain_owners.ts";
 * supplyChainOwners({ requiredOwners: ["@acme/ml-platform"] });
 * ```
 */
export const supplyChainOwners = defineCheck({
  id: "review.supply-chain-owners",
  title: "Code owners review every change to the supply chain",
  description: "A pull request that adds an extra index, loosens a pin, swaps a lock entry or " +
    "replaces a model file changes what runs in production. CODEOWNERS makes a named team " +
    "review such changes (with branch protection requiring their approval). Every dependency " +
    "manifest, lock file and index configuration Tollgate read, every directory holding model " +
    "files, the paths a Tollgate policy is read from and CODEOWNERS itself must be owned: the " +
    "last matching rule wins, in each GitLab section apart; a rule without owners leaves paths " +
    "unowned; an optional GitLab section requires no approval.",
  family: "review",
  severity: "error",
  references: [
    OWASP_ML06,
    {
      title: "GitHub: About code owners (file location, syntax, last matching pattern wins)",
      url: "https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-" +
        "features/customizing-your-repository/about-code-owners",
    },
    {
      title: "GitLab: Syntax of the CODEOWNERS file (sections, optional sections, exclusions)",
      url: "https://docs.gitlab.com/user/project/codeowners/reference/",
    },
  ],
  params: Params,
  needs: ["codeowners"],
  remedy: "Add CODEOWNERS rules for the dependency files, index configuration, model " +
    "directories and policy, after the broader rules (the last matching rule wins), naming the " +
    "team that reviews the supply chain, and require code owner review in branch protection.",
  run(snapshot, params) {
    const rules = snapshot.codeowners.slice(0, MAX_RULES);
    const file = rules[0]?.location.file;
    const models = snapshot.collected.includes("artifacts")
      ? snapshot.artifacts.map((a) => a.path).filter(inProject)
      : [];
    const paths = requiredPaths(snapshot, params, file);
    if (rules.length === 0) {
      if (!params.requireCodeowners) return [];
      const named = [...paths.map((p) => p.path), ...models];
      return [{
        subject: `project:${snapshot.root}`,
        severity: "warning",
        message: "No CODEOWNERS file (in .github/, the root, docs/ or .gitlab/): nobody is " +
          "required to review changes to " +
          (named.length ? `${listed(named)} and the Tollgate policy.` : "the Tollgate policy."),
        fix:
          `Add .github/CODEOWNERS, e.g. \`/requirements*.txt ${example(params)}\`, and require ` +
          "code owner review in branch protection; or set requireCodeowners: false when the " +
          "repository's CODEOWNERS is above this directory (better: check from the root).",
      }];
    }
    const compiled = compileRules(rules);
    const findings: FindingDraft[] = [];
    const judge = (path: string, directory = false) =>
      gap(ownershipOf(path, compiled, { directory }), params);
    for (const item of paths.slice(0, MAX_PATHS)) {
      const problem = judge(item.path, item.directory);
      if (problem === undefined) continue;
      findings.push({
        subject: `${item.directory ? "dir" : "file"}:${item.path}`,
        location: item.directory ? { file: file! } : { file: item.path },
        message: `${item.path} (${item.label}) ${problem.text(file!)}.`,
        evidence: problem.evidence,
        fix: fixFor(
          item.directory ? `/${item.path}/` : `/${item.path}`,
          problem.state,
          file!,
          params,
        ),
      });
    }
    const unownedPolicy = params.policyPaths.filter((p) => judge(p.replace(/^\/+/, "")));
    if (unownedPolicy.length > 0) {
      findings.push({
        subject: "policy:tollgate",
        location: { file: file! },
        message: `Where Tollgate reads its policy from (${listed(unownedPolicy)}) has no code ` +
          `owner in ${file}: a pull request adding or editing it could switch checks off ` +
          "unreviewed.",
        fix: fixFor("/tollgate.*", "unmatched", file!, params),
      });
    }
    findings.push(...modelDirectoryFindings(models.slice(0, MAX_PATHS), judge, file!, params));
    return findings;
  },
});

/** What is wrong with an ownership, or undefined when it is fine. */
function gap(
  ownership: Ownership,
  params: Params,
):
  | {
    state: Ownership["state"] | "other";
    text: (file: string, many?: boolean) => string;
    evidence: Record<string, unknown>;
  }
  | undefined {
  const rule = ownership.rules.at(-1);
  const at = (r: OwnerRule) => `${r.location.file}:${r.location.line ?? 0}`;
  const evidence = {
    state: ownership.state,
    owners: ownership.owners,
    rules: ownership.rules.map((r) => ({ pattern: r.pattern, ...r.location })),
  };
  const required = params.requiredOwners.map((o) => o.toLowerCase());
  switch (ownership.state) {
    case "owned":
      if (
        required.length === 0 || ownership.owners.some((o) => required.includes(o.toLowerCase()))
      ) {
        return undefined;
      }
      return {
        state: "other",
        text: (_, many) =>
          `${many ? "are" : "is"} owned by ${ownership.owners.slice(0, 5).join(", ")} ` +
          `(${at(rule!)}), none of the required owners (${params.requiredOwners.join(", ")})`,
        evidence,
      };
    case "optional":
      return {
        state: "optional",
        text: (_, many) =>
          `${many ? "are" : "is"} owned only in the optional section [${rule!.section}] ` +
          `(${at(rule!)}), whose approval is not required`,
        evidence,
      };
    case "unowned":
      return {
        state: "unowned",
        text: (_, many) =>
          `${many ? "have" : "has"} no code owner: the last matching rule, ` +
          `\`${rule!.pattern}\` (${at(rule!)}), ` +
          (rule!.exclusion ? `excludes ${many ? "them" : "it"}` : "names no owners"),
        evidence,
      };
    case "unmatched":
      return {
        state: "unmatched",
        text: (file, many) =>
          `${many ? "have" : "has"} no code owner: no rule in ${file} matches ` +
          (many ? "them" : "it"),
        evidence,
      };
  }
}

/** One finding per directory of model files some of which are not owned. */
function modelDirectoryFindings(
  models: string[],
  judge: (path: string) => ReturnType<typeof gap>,
  file: string,
  params: Params,
): FindingDraft[] {
  const byDirectory = new Map<string, string[]>();
  for (const model of models) {
    if (judge(model) === undefined) continue;
    const dir = model.includes("/") ? model.slice(0, model.lastIndexOf("/")) : ".";
    byDirectory.set(dir, [...byDirectory.get(dir) ?? [], model]);
  }
  return [...byDirectory].map(([dir, files]) => ({
    subject: `models:${dir}`,
    location: { file: files[0] },
    message: `The model file${files.length === 1 ? "" : "s"} in ` +
      `${dir === "." ? "the project root" : dir} (${listed(files)}) ` +
      `${judge(files[0])!.text(file, files.length > 1)}.`,
    evidence: { files },
    fix: fixFor(dir === "." ? `/${files[0]}` : `/${dir}/`, "unmatched", file, params),
  }));
}

/** How to fix a gap: the rule to add, where. */
function fixFor(pattern: string, state: string, file: string, params: Params): string {
  const rule = `\`${pattern} ${example(params)}\``;
  if (state === "optional") {
    return `Move the rule into a required section of ${file} (no ^ before its name), or add ` +
      `${rule} to one.`;
  }
  return `Add ${rule} at the end of ${file} (the last matching rule wins), and require code ` +
    "owner review in branch protection.";
}

function example(params: Params): string {
  return params.requiredOwners[0] ?? "@your-org/ml-platform";
}

function listed(items: string[]): string {
  const shown = items.slice(0, SHOWN_FILES).join(", ");
  return items.length > SHOWN_FILES ? `${shown} and ${items.length - SHOWN_FILES} more` : shown;
}
