/**
 * Shared by the TOML lock file tests (uv.lock, poetry.lock, pylock.toml): the corpus check
 * against python3's tomllib counts, and the property tests over random and mutated locks.
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { Package } from "../core/snapshot.ts";
import type { ReaderResult } from "../collect/_reader.ts";
import {
  checkMutatedFiles,
  checkRandomTexts,
  corpusFiles,
  corpusPath,
  corpusSamples,
  pythonJson,
} from "./_property.ts";

/** A lock reader's parse function. */
export type ParseLock = (text: string, options: { file: string }) => ReaderResult;

/**
 * A sha256 hash of one repeated hex digit, for expectations.
 *
 * @example
 * ```ts
 * import { SHA } from "./_lock.ts";
 * SHA("a").length; // 71
 * ```
 */
export const SHA = (c: string): string => "sha256:" + c.repeat(64);

/**
 * Assert that every corpus file of `format` parses with no problem, that its package and hash
 * counts match what `script` (python3 over tomllib, printing `{path: [packages, hashes]}`) counts,
 * and that each package is valid and passes `assertEntry` given the file's lines.
 *
 * @example
 * ```ts ignore
 * assertCorpusCounts({ format: "uv.lock", minFiles: 5, script, parse: parseUvLock });
 * ```
 */
export function assertCorpusCounts(options: {
  format: string;
  minFiles: number;
  script: string;
  parse: ParseLock;
  assertEntry?: (pkg: Package, lines: string[], name: string) => void;
}): void {
  const { format, parse } = options;
  const names = corpusFiles(format);
  assert.ok(
    names.length >= options.minFiles,
    `expected corpus ${format} files, found ${names.length}`,
  );
  const paths = names.map(corpusPath);
  const expected = pythonJson<Record<string, number[]>>(options.script, paths);
  for (const [i, name] of names.entries()) {
    const text = Deno.readTextFileSync(paths[i]);
    const lines = text.split("\n");
    const { packages = [], problems } = parse(text, { file: name });
    assert.deepEqual(problems, [], name);
    const hashes = packages.reduce((sum, p) => sum + p.hashes.length, 0);
    assert.deepEqual([packages.length, hashes], expected[paths[i]], name);
    for (const pkg of packages) {
      Package.parse(pkg);
      options.assertEntry?.(pkg, lines, name);
    }
  }
}

/**
 * Register the two property tests every lock reader has: random text (and texts joined from
 * `fragments` of the format), and corpus files of `format` with up to eight edits writing TOML's
 * punctuation in, never make `parse` throw, and what it finds lies within the text.
 *
 * @example
 * ```ts ignore
 * testLockProperties({ format: "uv.lock", parse: parseUvLock, fragments, mutatedRuns: 100 });
 * ```
 */
export function testLockProperties(options: {
  format: string;
  parse: ParseLock;
  fragments: string[];
  mutatedRuns: number;
}): void {
  const { format, parse } = options;
  const file = format;
  Deno.test("random text never throws and problems stay within the file", () => {
    checkRandomTexts([(text) => parse(text, { file })], {
      pieces: options.fragments,
      maxLength: 300,
      maxPieces: 30,
      numRuns: 500,
      binary: true,
    });
  });
  Deno.test("mutated corpus files never throw and problems stay within the file", () => {
    const samples = corpusSamples({ [format]: (text) => parse(text, { file }) });
    const chars = fc.constantFrom("[", "]", "=", '"', "{", "}", "\n", "#", "x", ",");
    checkMutatedFiles(samples, { chars, maxEdits: 8, numRuns: options.mutatedRuns });
  });
}

/**
 * Assert that every corpus file of `format` gives each package the `dependsOn` that `script`
 * (python3 over tomllib, printing `{path: {"name version": [names]}}`) reads, the entries of one
 * name and version joined; returns how many edges the files hold, for a floor.
 *
 * @example
 * ```ts ignore
 * const edges = assertCorpusDependsOn({ format: "uv.lock", script, parse: parseUvLock });
 * ```
 */
export function assertCorpusDependsOn(options: {
  format: string;
  script: string;
  parse: ParseLock;
}): number {
  const names = corpusFiles(options.format);
  const paths = names.map(corpusPath);
  const expected = pythonJson<Record<string, Record<string, string[]>>>(options.script, paths);
  let edges = 0;
  for (const [i, name] of names.entries()) {
    const { packages = [] } = options.parse(Deno.readTextFileSync(paths[i]), { file: name });
    const found = new Map<string, Set<string>>();
    for (const pkg of packages) {
      const key = `${pkg.name} ${pkg.version ?? ""}`;
      const set = found.get(key) ?? new Set();
      for (const dependency of pkg.dependsOn ?? []) set.add(dependency);
      found.set(key, set);
      edges += pkg.dependsOn?.length ?? 0;
    }
    assert.deepEqual(
      Object.fromEntries([...found].map(([key, set]) => [key, [...set].sort()])),
      expected[paths[i]],
      name,
    );
  }
  return edges;
}
