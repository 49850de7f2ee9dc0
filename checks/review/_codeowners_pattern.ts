/**
 * CODEOWNERS path patterns, matched as GitHub matches them: the gitignore rules, without `!`,
 * `[ ]` or `\` escapes. A leading `/` anchors a pattern at the root, and so does a `/` inside it;
 * a trailing `/` matches directories only; `*` and `?` stay within one path segment; `**` crosses
 * them (`docs/**`; `**` as a whole segment before a `/` stands for any number of directories); a
 * pattern that matches a directory owns everything in it, unless it ends in a single `*`
 * (`docs/*` owns the files in docs/, not those in its subdirectories, as GitHub's own example
 * says). GitLab differs in one rule: a pattern not starting with `/` matches at any depth, even
 * with a `/` inside (there, `docs/*` also matches `a/docs/x`).
 *
 * @module
 */

/** Which forge's reading of a pattern without a leading `/` applies. */
export type Forge = "github" | "gitlab";

/** A compiled pattern. */
export interface OwnerPattern {
  /** Whether it matches a file at `path` (relative, `/`-separated, no leading `/`). */
  matches(path: string): boolean;
  /** Whether it matches the directory at `path` itself (so everything in it). */
  matchesDirectory(path: string): boolean;
}

const MAX_PATTERN = 4_096;
const MAX_SEGMENTS = 256;

/**
 * Whether one path segment matches one pattern segment (`*` any run, `?` one character): the
 * classic two-pointer wildcard match, returning to the last `*` on a mismatch, so the work stays
 * within the product of the two lengths whatever the pattern (no regular expression to blow up).
 */
function segmentMatches(glob: string, text: string): boolean {
  let g = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    if (g < glob.length && (glob[g] === "?" || glob[g] === text[t])) {
      g++;
      t++;
    } else if (g < glob.length && glob[g] === "*") {
      star = g++;
      resume = t;
    } else if (star >= 0) {
      g = star + 1;
      t = ++resume;
    } else return false;
  }
  while (g < glob.length && glob[g] === "*") g++;
  return g === glob.length;
}

/**
 * Whether a whole path (its segments) matches the pattern's segments, where a `**` segment is any
 * number of segments (at least one when it ends the pattern: `a/**` is what is inside `a`).
 * Memoised over (pattern position, path position), so `**` runs cost no more than a table.
 */
function segmentsMatch(glob: readonly string[], path: readonly string[]): boolean {
  const memo = new Map<number, boolean>();
  const match = (g: number, p: number): boolean => {
    const key = g * (path.length + 1) + p;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (g === glob.length) result = p === path.length;
    else if (glob[g] === "**") {
      const atEnd = g === glob.length - 1;
      result = false;
      for (let skip = atEnd ? 1 : 0; p + skip <= path.length && !result; skip++) {
        result = match(g + 1, p + skip);
      }
    } else result = p < path.length && segmentMatches(glob[g], path[p]) && match(g + 1, p + 1);
    memo.set(key, result);
    return result;
  };
  return match(0, 0);
}

/**
 * Compile a CODEOWNERS pattern.
 *
 * @param pattern The pattern as written (`/docs/`, `*.js`, `/build/logs/`).
 * @param forge `github` (the default) or `gitlab`, for patterns without a leading `/`.
 * @returns The compiled pattern.
 * @example
 * ```ts
 * import { compileOwnerPattern } from "./_codeowners_pattern.ts";
 * compileOwnerPattern("docs/*").matches("docs/getting-started.md"); // true
 * compileOwnerPattern("docs/*").matches("docs/build-app/troubleshooting.md"); // false
 * compileOwnerPattern("apps/").matches("src/apps/main.py"); // true
 * ```
 */
export function compileOwnerPattern(pattern: string, forge: Forge = "github"): OwnerPattern {
  let body = pattern.slice(0, MAX_PATTERN);
  const rooted = body.startsWith("/");
  if (rooted) body = body.replace(/^\/+/, "");
  const directoryOnly = body.endsWith("/");
  body = body.replace(/\/+$/, "");
  if (body === "" || (!directoryOnly && (body === "**" || (body === "*" && !rooted)))) {
    // Everything (`/`, `/**`, `*`), at every depth.
    return { matches: () => true, matchesDirectory: () => true };
  }
  const anchored = rooted || (forge === "github" && body.includes("/"));
  // Runs of `**` segments are one; any other run of stars is one star.
  const glob = body.split("/").map((s) => s === "**" ? s : s.replace(/\*+/g, "*"))
    .filter((s, i, all) => !(s === "**" && all[i - 1] === "**"));
  if (!anchored && glob[0] !== "**") glob.unshift("**");
  const leading = glob[0] === "**" && glob.length > 1;
  const matchesPath = (segments: readonly string[]) =>
    // A leading `**` may match no directory at all: only a final `**` needs one segment.
    segmentsMatch(glob, segments) || (leading && segmentsMatch(glob.slice(1), segments));
  // A pattern owns what is inside the directories it names, unless it ends in a single `*`:
  // `docs/*` owns docs/getting-started.md, not docs/build-app/troubleshooting.md.
  const coversContents = directoryOnly || !/(?:^|[^*])\*$/.test(body);
  const inside = (segments: readonly string[]) => {
    if (!coversContents) return false;
    for (let n = 1; n < segments.length; n++) if (matchesPath(segments.slice(0, n))) return true;
    return false;
  };
  const split = (path: string) => path.split("/").slice(0, MAX_SEGMENTS);
  return {
    matches: (path) => {
      const segments = split(path);
      return (!directoryOnly && matchesPath(segments)) || inside(segments);
    },
    matchesDirectory: (path) => {
      const segments = split(path);
      return (coversContents && matchesPath(segments)) || inside(segments);
    },
  };
}
