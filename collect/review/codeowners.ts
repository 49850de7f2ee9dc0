/**
 * CODEOWNERS: the rules of the one file the forge reads. GitHub reads the first of
 * `.github/CODEOWNERS`, `CODEOWNERS` and `docs/CODEOWNERS`; GitLab the first of `CODEOWNERS`,
 * `docs/CODEOWNERS` and `.gitlab/CODEOWNERS`. Tollgate takes the first of `.github/`, the root,
 * `docs/` and `.gitlab/` (the two orders agree unless `.github/CODEOWNERS` and another exist
 * together, and then the repository is GitHub's); the others are read for nothing.
 *
 * A line is a pattern and its owners (`@user`, `@org/team`, an e-mail; GitLab's `@@role`), a
 * comment (`#`; on GitHub also after the owners), or, on GitLab, a section heading
 * (`[Section]`, `^[Optional]`, `[Section][2]`, with default owners after it) or an exclusion
 * (`!pattern`). GitLab's escapes (`\#`, `\ `) are removed from patterns. A line the forge would
 * reject (negation on GitHub, an owner that is none of those) is a problem, and skipped as the
 * forge skips it. A file of 3 MB or more is not loaded by GitHub: a problem, and no rules.
 *
 * @module
 */
import type { OwnerRule, Problem } from "../../core/snapshot.ts";
import type { FileReader, ReaderResult } from "../_reader.ts";
import { readTextInRoot, resolveInRoot } from "../fs.ts";

/** Where forges look for CODEOWNERS, in the order Tollgate takes the first found. */
export const CODEOWNERS_FILES: readonly string[] = [
  ".github/CODEOWNERS",
  "CODEOWNERS",
  "docs/CODEOWNERS",
  ".gitlab/CODEOWNERS",
];

/** GitHub ignores a CODEOWNERS of this size or more. */
const MAX_BYTES = 3 * 1024 * 1024;
const MAX_RULES = 50_000;
const MAX_OWNERS = 200;

const OWNER = /^(?:@@?[\w.-]+(?:\/[\w.-]+)*|[^@\s]+@[^@\s]+\.[^@\s]+)$/;
const SECTION = /^(\^)?\[([^\]]+)\](?:\[(\d+)\])?(?:\s+(.*))?$/;

/** The rules of a CODEOWNERS file, with what is wrong in it. */
export interface CodeownersResult extends ReaderResult {
  /** The rules, in file order. */
  codeowners: OwnerRule[];
  /** Lines the forge would skip. */
  problems: Problem[];
}

/** Split a line into words on unescaped blanks, keeping the escapes for the caller. */
function words(line: string): string[] {
  return line.match(/(?:\\.|[^\s\\])+/g) ?? [];
}

/**
 * Parse a CODEOWNERS file.
 *
 * @param text The file's text.
 * @param options `file`: where it is, for locations; GitLab syntax applies to `.gitlab/CODEOWNERS`
 *   and to any file with a section heading.
 * @returns The rules and problems.
 * @example
 * ```ts
 * import { parseCodeowners } from "./codeowners.ts";
 * const { codeowners } = parseCodeowners(
 *   "* @acme/all\n/requirements*.txt @acme/ml # pins\n",
 *   { file: ".github/CODEOWNERS" },
 * );
 * codeowners.map((r) => [r.pattern, r.owners]); // [["*", ["@acme/all"]], ["/requirements*.txt", ["@acme/ml"]]]
 * ```
 */
export function parseCodeowners(text: string, options: { file: string }): CodeownersResult {
  const { file } = options;
  const lines = text.split(/\r?\n/);
  const gitlab = file.startsWith(".gitlab/") ||
    lines.some((line) => SECTION.test(line.trim()) && !line.trim().startsWith("#"));
  const codeowners: OwnerRule[] = [];
  const problems: Problem[] = [];
  let section: { name: string; optional: boolean; owners: string[] } | undefined;
  for (const [index, raw] of lines.entries()) {
    if (codeowners.length >= MAX_RULES) {
      problems.push({
        file,
        line: index + 1,
        message: `more than ${MAX_RULES} rules; the rest is not read`,
      });
      break;
    }
    const line = raw.trim();
    const at = { file, line: index + 1 };
    if (line === "" || line.startsWith("#")) continue;
    const heading = gitlab ? SECTION.exec(line) : null;
    if (heading) {
      const owners = words(heading[4] ?? "").filter((w) => !w.startsWith("#"));
      section = { name: heading[2].trim(), optional: heading[1] === "^", owners };
      continue;
    }
    let [pattern, ...rest] = words(line);
    if (!gitlab) {
      // GitHub: a word starting with `#` starts a comment.
      const comment = rest.findIndex((w) => w.startsWith("#"));
      if (comment >= 0) rest = rest.slice(0, comment);
    }
    const exclusion = pattern.startsWith("!");
    if (exclusion && !gitlab) {
      problems.push({
        ...at,
        message: `${file}:${at.line}: GitHub does not support ! negation; the line is skipped`,
      });
      continue;
    }
    if (exclusion) pattern = pattern.slice(1);
    if (gitlab) pattern = pattern.replace(/\\(.)/g, "$1");
    const invalid = rest.find((owner) => !OWNER.test(owner));
    if (invalid !== undefined) {
      problems.push({
        ...at,
        message: `${file}:${at.line}: "${invalid.slice(0, 60)}" is not a user, team or e-mail ` +
          "address; the line is skipped",
      });
      continue;
    }
    const owners = rest.length === 0 && section && !exclusion ? section.owners : rest;
    codeowners.push({
      pattern,
      owners: owners.slice(0, MAX_OWNERS),
      ...(section
        ? { section: section.name, ...(section.optional ? { optional: true } : {}) }
        : {}),
      ...(exclusion ? { exclusion: true } : {}),
      location: at,
    });
  }
  return { codeowners, problems };
}

/** Whether a file exists in the project (a regular file, inside the root). */
async function exists(root: string, file: string): Promise<boolean> {
  return await resolveInRoot({ root, file }).then(() => true, () => false);
}

/**
 * The CODEOWNERS reader: the rules of the file in force; none from a file another one shadows.
 *
 * @example
 * ```ts
 * import { codeownersReader } from "./codeowners.ts";
 * codeownersReader.matches(".github/CODEOWNERS"); // true
 * codeownersReader.matches("src/CODEOWNERS"); // false
 * ```
 */
export const codeownersReader: FileReader = {
  format: "CODEOWNERS",
  matches: (file) => CODEOWNERS_FILES.includes(file),
  read: async (file, context): Promise<ReaderResult> => {
    const rank = CODEOWNERS_FILES.indexOf(file);
    for (const earlier of CODEOWNERS_FILES.slice(0, rank)) {
      if (await exists(context.root, earlier)) return {};
    }
    const size = (await resolveInRoot({ root: context.root, file })).size;
    if (size >= MAX_BYTES) {
      return {
        problems: [{
          file,
          message: `${file}: 3 MB or more, which GitHub does not load; no rules read`,
        }],
      };
    }
    const text = await readTextInRoot({ root: context.root, file, maxBytes: MAX_BYTES });
    return parseCodeowners(text, { file });
  },
};
