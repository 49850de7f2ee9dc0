// Every reader the collector runs, fed mutated real files and random bytes: each returns problems
// (or refuses the file as unreadable), never throws anything else, never hangs.
import assert from "node:assert/strict";
import * as path from "node:path";
import fc from "fast-check";
import { READERS } from "../../collect/mod.ts";
import { ReadError } from "../../collect/fs.ts";

const CORPUS = new URL("../../../shared/corpus/", import.meta.url);
/** Where Python's str.splitlines() breaks lines (pip reads requirements that way). */
const PYTHON_LINE_BREAKS = new Set([
  0x0a,
  0x0b,
  0x0c,
  0x0d,
  0x1c,
  0x1d,
  0x1e,
  0x85,
  0x2028,
  0x2029,
]);

/** Lines as Python counts them, plus one for a trailing break: an upper bound for any reader. */
function pythonLineCount(text: string): number {
  let lines = 1;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!PYTHON_LINE_BREAKS.has(code)) continue;
    if (code === 0x0d && text.charCodeAt(i + 1) === 0x0a) i++;
    lines++;
  }
  return lines;
}
const EXAMPLE = new URL("../../examples/ml-app/", import.meta.url);

/** A real sample for each reader: the file name it reads under, and its text. */
function samples(): Array<{ format: string; name: string; text: string }> {
  const manifest = Deno.readTextFileSync(new URL("MANIFEST.tsv", CORPUS)).trim().split("\n").slice(
    1,
  )
    .map((line) => line.split("\t"));
  const out: Array<{ format: string; name: string; text: string }> = [];
  for (const reader of READERS) {
    const byManifest = manifest.find(([, format]) => reader.matches(format));
    if (byManifest) {
      out.push({
        format: reader.format,
        name: byManifest[1],
        text: Deno.readTextFileSync(new URL(byManifest[0], CORPUS)),
      });
    } else if (reader.format === "python") {
      out.push({
        format: "python",
        name: "train.py",
        text: Deno.readTextFileSync(new URL("src/sentiment/train.py", EXAMPLE)),
      });
    }
  }
  return out;
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant("delete-line"), at: fc.nat() }),
  fc.record({ kind: fc.constant("duplicate-line"), at: fc.nat() }),
  fc.record({
    kind: fc.constant("flip"),
    at: fc.nat(),
    char: fc.constantFrom("[", "]", "{", '"', "'", "=", "\\", "\n", "#", ":", "-", "\0", "é"),
  }),
  fc.record({ kind: fc.constant("truncate"), at: fc.nat() }),
);

function mutate(text: string, steps: Array<{ kind: string; at: number; char?: string }>): string {
  let out = text;
  for (const step of steps) {
    const lines = out.split("\n");
    const line = lines.length ? step.at % lines.length : 0;
    if (step.kind === "delete-line") lines.splice(line, 1);
    else if (step.kind === "duplicate-line") lines.splice(line, 0, lines[line] ?? "");
    if (step.kind === "delete-line" || step.kind === "duplicate-line") out = lines.join("\n");
    else if (step.kind === "flip" && out.length) {
      const i = step.at % out.length;
      out = out.slice(0, i) + step.char + out.slice(i + 1);
    } else if (step.kind === "truncate") out = out.slice(0, step.at % (out.length + 1));
  }
  return out;
}

for (const sample of samples()) {
  Deno.test(`fuzz: the ${sample.format} reader survives mutated and random input`, async () => {
    const root = await Deno.makeTempDir({ prefix: "tollgate-fuzz-" });
    const reader = READERS.find((r) => r.format === sample.format)!;
    const context = { root, env: {} };
    const attempt = async (bytes: Uint8Array) => {
      await Deno.writeFile(path.join(root, sample.name), bytes);
      try {
        const result = await reader.read(sample.name, context);
        const lines = pythonLineCount(new TextDecoder().decode(bytes));
        for (const p of result.problems ?? []) {
          if (p.file === sample.name && p.line !== undefined) {
            assert.ok(
              p.line >= 1 && p.line <= lines,
              `problem line ${p.line} outside 1..${lines}: ${p.message}`,
            );
          }
        }
      } catch (error) {
        assert.ok(error instanceof ReadError, `${sample.format}: ${error}`);
      }
    };
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 6 }), async (steps) => {
          await attempt(new TextEncoder().encode(mutate(sample.text, steps)));
        }),
        { numRuns: 40 },
      );
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), async (bytes) => {
          await attempt(bytes);
        }),
        { numRuns: 40 },
      );
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  });
}
