// The collector over a whole tree: every reader runs on the files it understands, and the
// snapshot holds what they found, ordered and de-duplicated.
import assert from "node:assert/strict";
import * as path from "node:path";
import { collect } from "../../collect/mod.ts";
import { Snapshot } from "../../core/snapshot.ts";
import { project } from "../_cli.ts";

const CORPUS = new URL("../../../shared/corpus/", import.meta.url);

/** Corpus files by the name their format is read under (requirements are tested against pip). */
function corpusByFormat(): Array<{ source: string; format: string }> {
  const manifest = Deno.readTextFileSync(new URL("MANIFEST.tsv", CORPUS)).trim().split("\n").slice(
    1,
  );
  const read = new Set([
    "Pipfile",
    "Pipfile.lock",
    "conda-explicit.lock",
    "conda-lock.yml",
    "environment.yml",
    "pdm.lock",
    "pip.conf",
    "pixi.lock",
    "poetry.lock",
    "pylock.toml",
    "pyproject.toml",
    "uv.lock",
    "uv.toml",
  ]);
  return manifest.map((line) => line.split("\t")).filter(([, format]) => read.has(format))
    .map(([source, format]) => ({ source, format }));
}

Deno.test("every corpus file of every format is read in one tree, with no problem", async () => {
  const files = corpusByFormat();
  assert.ok(files.length >= 50, `expected the corpus in ${CORPUS.pathname}`);
  const tree: Record<string, string> = {};
  files.forEach(({ source, format }, i) => {
    tree[`p${String(i).padStart(3, "0")}/${format}`] = Deno.readTextFileSync(
      new URL(source, CORPUS),
    );
  });
  const root = await project(tree);
  const snapshot = Snapshot.parse(await collect({ root, env: {} }));
  assert.deepEqual(snapshot.problems, []);
  const formats = new Map(snapshot.inputs.map((i) => [i.file, i.format]));
  for (const file of Object.keys(tree)) {
    const format = formats.get(file);
    assert.ok(format !== undefined, `${file} was not read`);
  }
  const ecosystems = new Set(snapshot.packages.map((p) => p.ecosystem));
  assert.deepEqual([...ecosystems].sort(), ["conda", "pypi"]);
  const layers = new Set(snapshot.packages.map((p) => p.layer));
  assert.deepEqual([...layers].sort(), ["lock", "manifest", "requirements"]);
  const roles = new Set(snapshot.indexes.map((i) => i.role));
  for (const role of ["primary", "extra", "explicit", "conda-channel"]) {
    assert.ok(roles.has(role as never), `no ${role} index in the corpus tree`);
  }
  // Output is ordered by location, whatever order the readers ran in.
  const keys = snapshot.packages.map((p) =>
    `${p.locations[0].file}:${String(p.locations[0].line).padStart(9, "0")}`
  );
  assert.deepEqual(keys, [...keys].sort());
});

Deno.test("lock entries declared in a manifest beside the lock are direct; others transitive", async () => {
  const root = await project({
    "svc/pyproject.toml":
      '[project]\nname = "svc"\nversion = "1"\ndependencies = ["requests>=2"]\n',
    "svc/poetry.lock": [
      "[[package]]",
      'name = "requests"',
      'version = "2.32.3"',
      'files = [{file = "requests-2.32.3-py3-none-any.whl", hash = "sha256:' + "a".repeat(64) +
      '"}]',
      "",
      "[[package]]",
      'name = "idna"',
      'version = "3.7"',
      'files = [{file = "idna-3.7-py3-none-any.whl", hash = "sha256:' + "b".repeat(64) + '"}]',
      "",
    ].join("\n"),
    "other/poetry.lock": '[[package]]\nname = "requests"\nversion = "2.0.0"\nfiles = []\n',
  });
  const snapshot = await collect({ root, env: {} });
  const locked = snapshot.packages.filter((p) => p.layer === "lock")
    .map((p) => [path.dirname(p.locations[0].file), p.name, p.direct]);
  assert.deepEqual(locked, [
    ["other", "requests", false],
    ["svc", "requests", true],
    ["svc", "idna", false],
  ]);
});

Deno.test("machine configuration joins the snapshot only when asked, with ~ for home", async () => {
  const home = await project({
    ".config/pip/pip.conf": "[global]\nindex-url = https://mirror.example/simple\n",
  });
  const root = await project({ "requirements.txt": "numpy==1.0\n" });
  const without = await collect({ root, env: {} });
  assert.deepEqual(without.indexes, []);
  const env = {
    HOME: home,
    XDG_CONFIG_DIRS: path.join(home, "none"),
    PIP_EXTRA_INDEX_URL: "https://t:secret@x.example/simple",
  };
  const withMachine = await collect({ root, env: {}, machine: { env, home } });
  assert.deepEqual(
    withMachine.indexes.map((i) => [i.location.file, i.role, i.url, i.credentials ?? false]),
    [
      ["env:PIP_EXTRA_INDEX_URL", "extra", "https://***@x.example/simple", true],
      ["~/.config/pip/pip.conf", "primary", "https://mirror.example/simple", false],
    ],
  );
});

Deno.test("every index carries the installer that reads it, set by its reader", async () => {
  const roots = [
    new URL("../../../shared/corpus/", import.meta.url).pathname,
    new URL("../../examples/ml-app/", import.meta.url).pathname,
    ...[...Deno.readDirSync(new URL("../../examples/attacks/", import.meta.url))]
      .filter((e) => e.isDirectory)
      .map((e) => new URL(`../../examples/attacks/${e.name}/`, import.meta.url).pathname),
  ];
  let indexes = 0;
  for (const root of roots) {
    const snapshot = await collect({ root, env: {} });
    for (const index of snapshot.indexes) {
      indexes++;
      assert.ok(
        index.tool,
        `${index.location.file}:${index.location.line}: ${index.url} has no tool`,
      );
    }
  }
  assert.ok(indexes > 50, `${indexes} indexes`);
});

Deno.test("collect: model files are hashed whole only when asked, and only inside the project", async () => {
  const dir = await project({ "models/model.pkl": "cposix\nsystem\n(S'echo hi'\ntR." });
  const outside = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(path.join(outside, "w.pkl"), "cposix\nsystem\n(S'id'\ntR.");
    await Deno.symlink(path.join(outside, "w.pkl"), path.join(dir, "models/linked.pkl"));
    const plain = await collect({ root: dir });
    assert.equal(plain.artifacts.find((a) => a.path === "models/model.pkl")?.sha256, undefined);
    const hashed = await collect({ root: dir, hashModelFiles: true });
    const bytes = await Deno.readFile(path.join(dir, "models/model.pkl"));
    const digest = Array.from(
      new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)),
      (b) => b.toString(16).padStart(2, "0"),
    ).join("");
    assert.equal(hashed.artifacts.find((a) => a.path === "models/model.pkl")?.sha256, digest);
    // A link out of the project is never read, for hashing either: a problem, not an artifact.
    assert.deepEqual(hashed.artifacts.map((a) => a.path), ["models/model.pkl"]);
    assert.ok(hashed.problems.some((p) => p.file === "models/linked.pkl"));
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(outside, { recursive: true });
  }
});
