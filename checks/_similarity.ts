/**
 * Name similarity for `source.lookalike-packages`: a bounded Damerau–Levenshtein distance, a
 * confusable skeleton, and a matcher that finds the popular name a candidate imitates. Pure
 * functions, no I/O.
 *
 * @module
 */
import { normaliseName } from "../packaging/mod.ts";

/**
 * Damerau–Levenshtein distance in its optimal-string-alignment form (insertions, deletions,
 * substitutions and transpositions of adjacent characters, no substring edited twice), counted in
 * code points. With `bound`, only a band of width `2 × bound + 1` is computed and the answer is
 * `bound + 1` as soon as the distance is known to exceed `bound`.
 *
 * @param a One string.
 * @param b The other.
 * @param bound Stop early once the distance is certain to be above this; default unbounded.
 * @returns The distance, or `bound + 1` when it is larger than `bound`.
 * @example
 * ```ts
 * import { osaDistance } from "./_similarity.ts";
 * osaDistance("troch", "torch"); // 1
 * osaDistance("tensorflow", "pytorch", 2); // 3
 * ```
 */
export function osaDistance(a: string, b: string, bound = Number.POSITIVE_INFINITY): number {
  return boundedOsa(Array.from(a), Array.from(b), bound);
}

/** `osaDistance` over code-point arrays, so that a matcher splits each name only once. */
function boundedOsa(s: readonly string[], t: readonly string[], bound: number): number {
  const n = s.length;
  const m = t.length;
  const over = Number.isFinite(bound) ? bound + 1 : Number.POSITIVE_INFINITY;
  if (Math.abs(n - m) > bound) return over;
  if (n === 0 || m === 0) return Math.max(n, m);
  const band = Number.isFinite(bound) ? bound : Math.max(n, m);
  const big = n + m + 1;
  let before = new Array<number>(m + 1).fill(big);
  let previous = new Array<number>(m + 1);
  let current = new Array<number>(m + 1);
  for (let j = 0; j <= m; j++) previous[j] = j <= band ? j : big;
  for (let i = 1; i <= n; i++) {
    const from = Math.max(1, i - band);
    const to = Math.min(m, i + band);
    current.fill(big);
    current[0] = i <= band ? i : big;
    let rowMinimum = current[0];
    for (let j = from; j <= to; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) {
        value = Math.min(value, before[j - 2] + 1);
      }
      current[j] = value;
      if (value < rowMinimum) rowMinimum = value;
    }
    // Every later row is at least this row's minimum: the distance already exceeds the bound.
    if (rowMinimum > bound) return over;
    [before, previous, current] = [previous, current, before];
  }
  return previous[m] > bound ? over : previous[m];
}

// Characters that render like a Latin letter in common fonts, mapped to that letter.
const LOOKALIKES: Record<string, string> = {
  // Cyrillic
  "а": "a",
  "в": "b",
  "е": "e",
  "ё": "e",
  "к": "k",
  "м": "m",
  "н": "h",
  "о": "o",
  "р": "p",
  "с": "c",
  "т": "t",
  "у": "y",
  "х": "x",
  "і": "i",
  "ї": "i",
  "ј": "j",
  "ѕ": "s",
  "һ": "h",
  "ԁ": "d",
  "ԛ": "q",
  "ԝ": "w",
  "ӏ": "l",
  // Greek
  "α": "a",
  "β": "b",
  "ε": "e",
  "η": "n",
  "ι": "i",
  "κ": "k",
  "μ": "u",
  "ν": "v",
  "ο": "o",
  "ρ": "p",
  "τ": "t",
  "υ": "u",
  "χ": "x",
  // Latin letters outside ASCII
  "ı": "i",
  "ɑ": "a",
  "ɡ": "g",
  "ɩ": "i",
  "ʟ": "l",
};

// Single characters folded after the look-alikes: digits read as letters, and i/l/1 as one stroke.
const STROKES: Record<string, string> = { "0": "o", "1": "l", "i": "l", "|": "l" };
// Letter pairs that read as one letter at a glance; folded last so `c1` → `cl` → `d` as well.
const PAIRS: Record<string, string> = { rn: "m", vv: "w", cl: "d" };

/**
 * The confusable skeleton of a name: two names with the same skeleton look alike to a reader.
 * NFKC-folded, lower case, separators (`-`, `_`, `.`) and their absence treated alike, Cyrillic,
 * Greek and other look-alike letters mapped to Latin, `0`→`o`, `1`/`i`→`l`, then `rn`→`m`,
 * `vv`→`w`, `cl`→`d`.
 *
 * @param name A project name.
 * @returns Its skeleton (not a valid name; only for comparison).
 * @example
 * ```ts
 * import { confusableSkeleton } from "./_similarity.ts";
 * confusableSkeleton("sc1kit-learn") === confusableSkeleton("scikitlearn"); // true
 * confusableSkeleton("t\u03BFrch") === confusableSkeleton("torch"); // true (Greek omicron)
 * ```
 */
export function confusableSkeleton(name: string): string {
  let folded = "";
  for (const char of name.normalize("NFKC").toLowerCase()) {
    if (char === "-" || char === "_" || char === "." || /\s/.test(char)) continue;
    const latin = LOOKALIKES[char] ?? char;
    folded += STROKES[latin] ?? latin;
  }
  return folded.replace(/rn|vv|cl/g, (pair) => PAIRS[pair]);
}

/** Why a candidate was matched to a popular name. */
export type MatchReason = "confusable" | "edit-distance" | "affix";

/** The popular name a candidate imitates, and how. */
export interface NameMatch {
  /** The popular name. */
  nearest: string;
  /** Damerau–Levenshtein (OSA) distance between the two names. */
  distance: number;
  /** `confusable`: same skeleton; `edit-distance`: few edits; `affix`: a squatting prefix or suffix. */
  reason: MatchReason;
  /** For `affix`, the part added to the popular name (`python-`, `-python`, `py-`, `2`). */
  affix?: string;
}

/** Finds the popular name a candidate imitates. */
export interface NameMatcher {
  /** Whether `name` (normalised) is itself one of the popular names. */
  has(name: string): boolean;
  /**
   * The popular name `candidate` imitates, or undefined. Checked in order: same confusable
   * skeleton; one edit (for names of 4+ characters); a squatting affix (`py-`, `python-`,
   * `-python`, `2`); two edits (8+ characters). The length that counts is the shorter of the two
   * names; `maxDistance` caps the edits allowed.
   */
  match(candidate: string, maxDistance?: number): NameMatch | undefined;
}

/**
 * Edits allowed between two names: none below 4 characters, 1 up to 7, 2 from 8, judged on the
 * shorter name so that a short popular name does not pull in every longer name near it.
 *
 * @param shorterLength Length of the shorter name, in code points.
 * @returns The largest distance that counts as a look-alike.
 * @example
 * ```ts
 * import { editsAllowed } from "./_similarity.ts";
 * editsAllowed(3); // 0
 * editsAllowed(5); // 1
 * editsAllowed(10); // 2
 * ```
 */
export function editsAllowed(shorterLength: number): number {
  if (shorterLength < 4) return 0;
  return shorterLength < 8 ? 1 : 2;
}

/**
 * Whether an edit names a different word rather than a slip: a multi-digit number changed in
 * part (`nvidia-nccl-cu12` → `-cu13`, a numbered variant; `boto3` → `boto4` still counts), or two
 * edits inside one short dash-separated word, which replace the word (`pytest-cov` →
 * `pytest-env`, `nvidia-cuda-nvrtc-cu12` → `nvidia-cuda-nvcc-cu12`).
 */
function isDifferentWord(candidate: string, popular: string, distance: number): boolean {
  const { candidateCore, popularCore, before, after } = differingStretches(candidate, popular);
  const digits = /^[0-9]+$/;
  if (digits.test(candidateCore) && digits.test(popularCore)) {
    if (digits.test(before) || digits.test(after)) return true;
  }
  return distance === 2 && replacesShortWord(candidate, popular);
}

/** Whether the names differ in exactly one of their dash-separated words, of at most 4 letters. */
function replacesShortWord(candidate: string, popular: string): boolean {
  const ours = candidate.split("-");
  const theirs = popular.split("-");
  if (ours.length < 2 || ours.length !== theirs.length) return false;
  const differing = ours.flatMap((word, i) => (word === theirs[i] ? [] : [i]));
  if (differing.length !== 1) return false;
  const [i] = differing;
  return Math.min(Array.from(ours[i]).length, Array.from(theirs[i]).length) <= 4;
}

/**
 * What is left of each name once the prefix and suffix they share are taken off, with the
 * characters just before and after that stretch ("" at either end).
 */
function differingStretches(
  candidate: string,
  popular: string,
): { candidateCore: string; popularCore: string; before: string; after: string } {
  const s = Array.from(candidate);
  const t = Array.from(popular);
  let start = 0;
  while (start < s.length && start < t.length && s[start] === t[start]) start++;
  let end = 0;
  while (
    end < s.length - start && end < t.length - start &&
    s[s.length - 1 - end] === t[t.length - 1 - end]
  ) end++;
  return {
    candidateCore: s.slice(start, s.length - end).join(""),
    popularCore: t.slice(start, t.length - end).join(""),
    before: start > 0 ? t[start - 1] : "",
    after: end > 0 ? t[t.length - end] : "",
  };
}

const AFFIXES: Array<{ affix: string; stem: (name: string) => string | undefined }> = [
  { affix: "python-", stem: (n) => (n.startsWith("python-") ? n.slice(7) : undefined) },
  { affix: "py-", stem: (n) => (n.startsWith("py-") ? n.slice(3) : undefined) },
  { affix: "-python", stem: (n) => (n.endsWith("-python") ? n.slice(0, -7) : undefined) },
  { affix: "2", stem: (n) => (n.endsWith("2") ? n.slice(0, -1) : undefined) },
];

/**
 * Build a matcher over a list of popular names. Names are indexed by skeleton and by length, so
 * a candidate is compared only with names whose length is within two of its own, with a banded
 * distance that stops early: fast enough for tens of thousands of candidates.
 *
 * @param popular The popular names (normalised here).
 * @returns A matcher.
 * @example
 * ```ts
 * import { buildNameMatcher } from "./_similarity.ts";
 * const matcher = buildNameMatcher(["torch", "numpy", "scikit-learn"]);
 * matcher.match("troch"); // { nearest: "torch", distance: 1, reason: "edit-distance" }
 * matcher.match("scikitlearn")?.reason; // "confusable"
 * matcher.match("python-numpy")?.affix; // "python-"
 * matcher.match("torch"); // undefined
 * ```
 */
export function buildNameMatcher(popular: Iterable<string>): NameMatcher {
  const names = [...new Set([...popular].map(normaliseName))].sort();
  const known = new Set(names);
  const bySkeleton = new Map<string, string>();
  const byLength = new Map<
    number,
    Array<{ name: string; points: string[]; counts: Int16Array }>
  >();
  for (const name of names) {
    const skeleton = confusableSkeleton(name);
    if (!bySkeleton.has(skeleton)) bySkeleton.set(skeleton, name);
    const points = Array.from(name);
    const entry = { name, points, counts: characterCounts(points) };
    byLength.set(points.length, [...(byLength.get(points.length) ?? []), entry]);
  }

  const nearestByEdits = (candidate: string, limit: number): NameMatch | undefined => {
    const candidatePoints = Array.from(candidate);
    const candidateCounts = characterCounts(candidatePoints);
    const length = candidatePoints.length;
    let best: NameMatch | undefined;
    for (let other = length - limit; other <= length + limit; other++) {
      const allowed = Math.min(limit, editsAllowed(Math.min(length, other)));
      if (Math.abs(length - other) > allowed) continue;
      for (const { name, points, counts } of byLength.get(other) ?? []) {
        const bound = best ? Math.min(allowed, best.distance) : allowed;
        // Each edit changes the character counts by at most 2: a cheap test before the real one.
        if (countsDiffer(candidateCounts, counts, 2 * bound)) continue;
        const distance = boundedOsa(candidatePoints, points, bound);
        if (distance > bound || distance === 0 || isDifferentWord(candidate, name, distance)) {
          continue;
        }
        if (
          !best || distance < best.distance || (distance === best.distance && name < best.nearest)
        ) {
          best = { nearest: name, distance, reason: "edit-distance" };
        }
      }
    }
    return best;
  };

  return {
    has: (name) => known.has(normaliseName(name)),
    match(raw, maxDistance = 2) {
      const candidate = normaliseName(raw);
      if (known.has(candidate)) return undefined;
      const twin = bySkeleton.get(confusableSkeleton(candidate));
      if (twin !== undefined) {
        return { nearest: twin, distance: osaDistance(candidate, twin), reason: "confusable" };
      }
      const close = nearestByEdits(candidate, Math.min(maxDistance, 2));
      if (close?.distance === 1) return close;
      for (const { affix, stem } of AFFIXES) {
        const base = stem(candidate);
        const popularBase = base &&
          (known.has(base) ? base : bySkeleton.get(confusableSkeleton(base)));
        if (popularBase) {
          return {
            nearest: popularBase,
            distance: osaDistance(candidate, popularBase),
            reason: "affix",
            affix,
          };
        }
      }
      return close;
    },
  };
}

/** Slots: a–z, 0–9, "-", and one for anything else. */
function characterCounts(points: readonly string[]): Int16Array {
  const counts = new Int16Array(38);
  for (const point of points) {
    const code = point.charCodeAt(0);
    const slot = code >= 97 && code <= 122
      ? code - 97
      : code >= 48 && code <= 57
      ? 26 + code - 48
      : point === "-"
      ? 36
      : 37;
    counts[slot]++;
  }
  return counts;
}

function countsDiffer(a: Int16Array, b: Int16Array, limit: number): boolean {
  let total = 0;
  for (let i = 0; i < a.length; i++) {
    total += Math.abs(a[i] - b[i]);
    if (total > limit) return true;
  }
  return false;
}
