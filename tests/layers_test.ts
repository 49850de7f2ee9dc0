// The layers the code is built in, checked on the import graph of the source tree: a folder's
// `_` files are its own, core imports nothing of ours, checks judge the snapshot without
// collecting or fetching, verify and packaging are pure, report does not decide verdicts (it does
// not import checks), diff compares and formats without collecting, and the library's face does
// not reach into the CLI.
import assert from "node:assert/strict";
import * as path from "node:path";
import { REPO } from "./_cli.ts";

const ROOT_FILES = ["mod.ts", "cli.ts", "testing.ts"];

interface Import {
  from: string;
  to: string;
  line: number;
}

async function sourceFiles(): Promise<string[]> {
  const files = [...ROOT_FILES];
  const queue = [...FOLDERS];
  while (queue.length > 0) {
    const dir = queue.shift()!;
    for await (const entry of Deno.readDir(path.join(REPO, dir))) {
      const relative = `${dir}/${entry.name}`;
      if (entry.isDirectory) queue.push(relative);
      else if (entry.name.endsWith(".ts")) files.push(relative);
    }
  }
  return files.sort();
}

/** Relative imports and re-exports, static and dynamic, resolved to repository paths. */
async function importsOf(file: string): Promise<Import[]> {
  // Block comments (JSDoc examples import freely) are blanked, keeping the line numbers.
  const text = (await Deno.readTextFile(path.join(REPO, file)))
    .replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, " "));
  const found: Import[] = [];
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)"(\.{1,2}\/[^"]+)"/gm;
  for (const match of text.matchAll(pattern)) {
    const to = path.posix.normalize(path.posix.join(path.posix.dirname(file), match[1]));
    const line = text.slice(0, match.index).split("\n").length;
    found.push({ from: file, to, line });
  }
  return found;
}

/** cli.ts and cli/ are one layer: the entry point and its modules. */
const folderOf = (file: string) =>
  file === "cli.ts" ? "cli" : file.includes("/") ? file.slice(0, file.lastIndexOf("/")) : ".";
const topOf = (file: string) => file.includes("/") ? file.slice(0, file.indexOf("/")) : ".";
const isPrivate = (file: string) => path.posix.basename(file).startsWith("_");

/** The library pipeline puts the layers together; the CLI adds the pipeline. */
const PIPELINE_MAY_IMPORT = [
  "core",
  "packaging",
  "collect",
  "enrich",
  "verify",
  "checks",
  "policies",
  "report",
  "diff",
];

/** Each layer and the top-level folders it may import (besides itself, npm and node:). */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  core: [],
  packaging: ["core"],
  verify: ["core", "packaging", "data"],
  checks: ["core", "packaging", "verify", "data"],
  policies: ["core", "checks"],
  report: ["core"],
  collect: ["core", "packaging"],
  enrich: ["core", "packaging", "collect", "verify"],
  diff: ["core", "packaging", "verify", "report"],
  pipeline: PIPELINE_MAY_IMPORT,
  cli: [...PIPELINE_MAY_IMPORT, "pipeline"],
};

/** The product's folders (tests, benchmarks and examples are not product code). */
const FOLDERS = Object.keys(MAY_IMPORT);

function violations(imports: Import[]): string[] {
  const found: string[] = [];
  for (const { from, to, line } of imports) {
    const where = `${from}:${line} imports ${to}`;
    // A folder's private files are its own and its subfolders' (checks/hub/ uses checks/_shared.ts).
    const inside = folderOf(from) === folderOf(to) || folderOf(from).startsWith(`${folderOf(to)}/`);
    if (isPrivate(to) && !inside) {
      found.push(`${where}: another folder's private file`);
    }
    const [source, target] = [topOf(from), topOf(to)];
    if (source === "." && target === "cli" && from !== "cli.ts") {
      found.push(`${where}: the library's face reaches into the CLI`);
    }
    const allowed = MAY_IMPORT[source];
    if (allowed && target !== source && !allowed.includes(target)) {
      found.push(`${where}: ${source}/ may import only ${allowed.join(", ") || "nothing of ours"}`);
    }
  }
  return found;
}

Deno.test("the import graph keeps the layers", async () => {
  const files = await sourceFiles();
  assert.ok(files.length > 150, `${files.length} source files`);
  const imports = (await Promise.all(files.map(importsOf))).flat();
  assert.ok(imports.length > 300, `${imports.length} imports`);
  assert.deepEqual(violations(imports), []);
});

Deno.test("the layer rules catch each kind of violation", () => {
  const bad: Import[] = [
    { from: "enrich/osv.ts", to: "collect/_zip.ts", line: 1 },
    { from: "core/check.ts", to: "packaging/mod.ts", line: 2 },
    { from: "checks/source.ts", to: "collect/mod.ts", line: 3 },
    { from: "checks/signature_model.ts", to: "verify/_oms_verify.ts", line: 4 },
    { from: "report/text.ts", to: "checks/mod.ts", line: 5 },
    { from: "mod.ts", to: "cli/policy_file.ts", line: 6 },
    { from: "verify/mod.ts", to: "collect/mod.ts", line: 7 },
  ];
  const found = violations(bad);
  assert.equal(found.length, 7, found.join("\n"));
  assert.match(
    found[0],
    /enrich\/osv\.ts:1 imports collect\/_zip\.ts: another folder's private file/,
  );
  assert.match(found[1], /core\/ may import only nothing of ours/);
  assert.match(found[6], /verify\/ may import only core, packaging/);
  // Inside one folder (and its subfolders), private files are shared freely; cli.ts is the CLI
  // folder's entry point. A sibling's private files are not.
  assert.deepEqual(violations([{ from: "collect/mod.ts", to: "collect/_reader.ts", line: 1 }]), []);
  assert.deepEqual(violations([{ from: "checks/hub/x.ts", to: "checks/_shared.ts", line: 1 }]), []);
  assert.equal(
    violations([{ from: "checks/hub/x.ts", to: "checks/source/_roles.ts", line: 1 }]).length,
    1,
  );
  assert.deepEqual(violations([{ from: "cli.ts", to: "cli/_options.ts", line: 1 }]), []);
});

Deno.test("tests mirror the source tree: every test folder is a source folder", async () => {
  const strays: string[] = [];
  const queue = ["tests"];
  while (queue.length > 0) {
    const dir = queue.shift()!;
    for await (const entry of Deno.readDir(path.join(REPO, dir))) {
      if (!entry.isDirectory || entry.name === "fixtures") continue;
      const relative = `${dir}/${entry.name}`;
      const source = relative.slice("tests/".length);
      const exists = await Deno.stat(path.join(REPO, source)).then(
        (s) => s.isDirectory,
        () => false,
      );
      if (!exists) strays.push(`${relative} (no folder ${source}/)`);
      queue.push(relative);
    }
  }
  assert.deepEqual(strays, []);
});
