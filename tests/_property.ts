/**
 * Shared by the reader tests: the corpus and its manifest, python3 as an independent reader,
 * the "problems lie within the file" assertion, and property tests over random and mutated texts.
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { Index, InstallerSetting, Package, Problem } from "../core/snapshot.ts";

/** The shared corpus of real files, listed in its MANIFEST.tsv. */
export const corpus: URL = new URL("../../shared/corpus/", import.meta.url);

/** What a reader found: the facts whose lines must lie within the file. */
export interface Found {
  packages?: Package[];
  indexes?: Index[];
  settings?: InstallerSetting[];
  problems?: Problem[];
}

/**
 * The corpus files of one format, by the names MANIFEST.tsv gives them.
 *
 * @example
 * ```ts ignore
 * const names = corpusFiles("uv.lock");
 * ```
 */
export function corpusFiles(format: string): string[] {
  const manifest = Deno.readTextFileSync(new URL("MANIFEST.tsv", corpus));
  return manifest.split("\n").slice(1).map((row) => row.split("\t"))
    .filter((columns) => columns[1] === format).map((columns) => columns[0]);
}

/**
 * The corpus files of each format, read, each with the parser for its format.
 *
 * @example
 * ```ts ignore
 * const samples = corpusSamples({ "uv.lock": (text) => parseUvLock(text, { file: "uv.lock" }) });
 * ```
 */
export function corpusSamples(
  parsers: Record<string, (text: string) => Found>,
): Array<{ text: string; parse: (text: string) => Found }> {
  return Object.entries(parsers).flatMap(([format, parse]) =>
    corpusFiles(format).map((name) => ({
      text: Deno.readTextFileSync(new URL(name, corpus)),
      parse,
    }))
  );
}

/**
 * The absolute path of a corpus file.
 *
 * @example
 * ```ts
 * import { corpusPath } from "./_property.ts";
 * corpusPath("a__b__uv.lock").endsWith("/corpus/a__b__uv.lock"); // true
 * ```
 */
export function corpusPath(name: string): string {
  return new URL(name, corpus).pathname;
}

/**
 * Run a python3 script with arguments and return the JSON it prints; fails with a clear message
 * when python3 is missing or the script fails.
 *
 * @example
 * ```ts ignore
 * const counts = pythonJson<Record<string, number>>("import json, sys; print(json.dumps({}))", []);
 * ```
 */
export function pythonJson<T>(script: string, args: string[]): T {
  let output: Deno.CommandOutput;
  try {
    output = new Deno.Command("python3", { args: ["-c", script, ...args] }).outputSync();
  } catch (error) {
    throw new Error(`python3 is needed for the independent check: ${error}`);
  }
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  return JSON.parse(new TextDecoder().decode(output.stdout));
}

/**
 * Assert that every fact is valid by the snapshot schema and every line it names lies within
 * `text` (split at `lineBreak`, "\n" unless told).
 *
 * @example
 * ```ts
 * import { assertWithinFile } from "./_property.ts";
 * assertWithinFile({ problems: [{ file: "f", line: 2, message: "m" }] }, "a\nb");
 * ```
 */
export function assertWithinFile(found: Found, text: string, lineBreak: string | RegExp = "\n") {
  const lines = text.split(lineBreak).length;
  const within = (line: number | undefined, what: unknown) =>
    assert.ok(
      line === undefined || (line >= 1 && line <= lines),
      `line ${line} of ${lines}: ${JSON.stringify(what)}`,
    );
  for (const problem of found.problems ?? []) within(Problem.parse(problem).line, problem);
  for (const pkg of found.packages ?? []) {
    for (const location of Package.parse(pkg).locations) within(location.line, pkg);
  }
  for (const index of found.indexes ?? []) within(Index.parse(index).location.line, index);
  for (const setting of found.settings ?? []) {
    within(InstallerSetting.parse(setting).location.line, setting);
  }
}

/** How texts are mutated: the characters flipped in, and how many edits a text gets. */
export interface MutationOptions {
  /** One-character strings to write over a character (any character unless told). */
  chars?: fc.Arbitrary<string>;
  /** Fewest edits (0 unless told). */
  minEdits?: number;
  /** Most edits. */
  maxEdits: number;
}

type Edit = [kind: "delete" | "duplicate" | "flip", at: number, column: number, char: string];

/**
 * Apply edits to a text: delete or duplicate a line, or write a character over (or after) one.
 *
 * @example
 * ```ts
 * import { mutate } from "./_property.ts";
 * mutate("a\nb", [["delete", 0, 0, ""], ["flip", 0, 1, "c"]]); // "bc"
 * ```
 */
export function mutate(text: string, edits: Edit[]): string {
  let lines = text.split("\n");
  for (const [kind, at, column, char] of edits) {
    const index = at % lines.length;
    if (kind === "delete") lines.splice(index, 1);
    else if (kind === "duplicate") lines.splice(index, 0, lines[index]);
    else {
      const line = lines[index];
      const position = column % (line.length + 1);
      lines[index] = line.slice(0, position) + char + line.slice(position + 1);
    }
    if (lines.length === 0) lines = [""];
  }
  return lines.join("\n");
}

/**
 * Texts made by mutating one of `texts` (see {@linkcode mutate}).
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { mutatedTexts } from "./_property.ts";
 * fc.sample(mutatedTexts(["a = 1\nb = 2"], { maxEdits: 3 }), 5).length; // 5
 * ```
 */
export function mutatedTexts(texts: string[], options: MutationOptions): fc.Arbitrary<string> {
  return fc.tuple(fc.nat(texts.length - 1), edits(options)).map(([pick, list]) =>
    mutate(texts[pick], list)
  );
}

function edits(options: MutationOptions): fc.Arbitrary<Edit[]> {
  const edit = fc.tuple(
    fc.constantFrom("delete" as const, "duplicate" as const, "flip" as const),
    fc.nat(),
    fc.nat(),
    options.chars ?? fc.string({ minLength: 1, maxLength: 1 }),
  );
  return fc.array(edit, { minLength: options.minEdits ?? 0, maxLength: options.maxEdits });
}

/**
 * Property: mutated sample files never make their parser throw, and what it finds lies within
 * the mutated file.
 *
 * @example
 * ```ts ignore
 * checkMutatedFiles([{ text, parse: (t) => parseUvLock(t, { file }) }], { maxEdits: 8, numRuns: 100 });
 * ```
 */
export function checkMutatedFiles(
  samples: Array<{ text: string; parse: (text: string) => Found }>,
  options: MutationOptions & { numRuns: number },
): void {
  fc.assert(
    fc.property(fc.nat(samples.length - 1), edits(options), (pick, list) => {
      const text = mutate(samples[pick].text, list);
      assertWithinFile(samples[pick].parse(text), text);
    }),
    { numRuns: options.numRuns },
  );
}

/**
 * Property: random text, and texts joined from `pieces` of the format, never make any of the
 * parsers throw, and what they find lies within the text.
 *
 * @example
 * ```ts ignore
 * checkRandomTexts([(t) => parseUvLock(t, { file })], {
 *   pieces: ["[[package]]\n", 'name = "a"\n'],
 *   maxLength: 300,
 *   maxPieces: 30,
 *   numRuns: 500,
 * });
 * ```
 */
export function checkRandomTexts(
  parsers: Array<(text: string) => Found>,
  options: {
    pieces: string[];
    maxLength: number;
    maxPieces: number;
    numRuns: number;
    binary?: boolean;
  },
): void {
  const texts = fc.oneof(
    fc.string({ maxLength: options.maxLength, ...(options.binary ? { unit: "binary" } : {}) }),
    fc.array(fc.constantFrom(...options.pieces), { maxLength: options.maxPieces })
      .map((parts) => parts.join("")),
  );
  fc.assert(
    fc.property(texts, (text) => {
      for (const parse of parsers) assertWithinFile(parse(text), text);
    }),
    { numRuns: options.numRuns },
  );
}
