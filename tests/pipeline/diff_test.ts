// diffProject on real history: a git repository built here, commit by commit, from a real uv.lock
// of ../shared/corpus edited the way `uv lock --upgrade-package` edits it.
import assert from "node:assert/strict";
import * as path from "node:path";
import { baselineOf } from "../../core/baseline.ts";
import { checkProject, collectProject, diffProject } from "../../pipeline/mod.ts";
import { recommended } from "../../policies/mod.ts";
import { TEST_NOW } from "../../testing.ts";
import { gitHistory, upgradeUvLock } from "../_git.ts";
import { corpusPath } from "../_property.ts";

const LOCK = await Deno.readTextFile(corpusPath("All-Hands-AI__OpenHands__openhands-cli__uv.lock"));
const PYPROJECT = await Deno.readTextFile(
  corpusPath("All-Hands-AI__OpenHands__openhands-cli__pyproject.toml"),
);
const COMMON = { now: TEST_NOW, sources: { offline: true } };

/** BASE: the real project. HEAD: an upgrade, a downgrade, a swapped file, an index, a model. */
function headLock(): string {
  let lock = upgradeUvLock(LOCK, "certifi", "2025.11.12");
  lock = upgradeUvLock(lock, "anyio", "4.10.0");
  // Same version, one wheel's hash replaced: what a re-uploaded or swapped file looks like.
  const idna = lock.indexOf('[[package]]\nname = "idna"\n');
  const hash = lock.indexOf('hash = "sha256:', lock.indexOf("wheels", idna)) + 15;
  return lock.slice(0, hash) + "f".repeat(64) + lock.slice(hash + 64);
}

const HISTORY: Array<Record<string, string>> = [
  { "uv.lock": LOCK, "pyproject.toml": PYPROJECT },
  {
    "uv.lock": headLock(),
    "requirements-extra.txt": "--extra-index-url https://mirror.example.org/simple\n",
    "app/load.py":
      'from transformers import AutoModel\nAutoModel.from_pretrained("meta-llarna/Llama-3-8B", trust_remote_code=True)\n',
  },
];

Deno.test("diffProject: two revisions of a real lock file, upgraded as uv upgrades it", async () => {
  const repo = await gitHistory(HISTORY);
  try {
    const { diff, warnings } = await diffProject({
      base: { git: "HEAD~1", project: repo },
      head: { git: "HEAD", project: repo },
      ...COMMON,
    });
    assert.deepEqual(warnings, []);
    assert.equal(diff.base.kind, "git");
    assert.equal(diff.base.project, path.basename(repo));
    const packages = diff.changes.packages.map((
      c,
    ) => [c.name, c.change, c.base?.version, c.head?.version]);
    assert.deepEqual(packages, [
      ["anyio", "downgraded", "4.11.0", "4.10.0"],
      ["certifi", "upgraded", "2025.10.5", "2025.11.12"],
      ["idna", "changed", "3.11", "3.11"],
    ]);
    const idna = diff.changes.packages[2];
    assert.equal(idna.hashesReplaced?.removed.length, 1);
    assert.deepEqual(idna.hashesReplaced?.added, [`sha256:${"f".repeat(64)}`]);
    assert.deepEqual(diff.changes.sources.map((s) => [s.change, s.what]), [
      ["added", "extra https://mirror.example.org/simple (pip)"],
    ]);
    assert.deepEqual(diff.changes.models.map((m) => [m.change, m.repoId]), [
      ["added", "meta-llarna/Llama-3-8B"],
    ]);
    // The findings the change brings, and only those: BASE's own findings are not new.
    const fresh = new Set(diff.findings.new.map((f) => f.check));
    for (
      const check of ["hub.no-remote-code", "hub.lookalike-publishers", "source.allowed-indexes"]
    ) {
      assert.ok(fresh.has(check), check);
    }
    assert.ok(diff.findings.unchanged > 0, "BASE's findings are kept, not new");
    assert.equal(diff.verdict, "fail");
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
});

Deno.test("diffProject: new and fixed findings carry the fingerprints baselines use", async () => {
  const repo = await gitHistory(HISTORY);
  const work = await Deno.makeTempDir({ prefix: "tollgate-sides-" });
  try {
    // The same two states as plain directories, checked on their own (in folders of the same
    // name: a finding about the whole project names it).
    const sides = {
      base: path.join(work, "base", "app"),
      head: path.join(work, "head", "app"),
      renamed: path.join(work, "head-checkout"),
    };
    for (const [i, dir] of [sides.base, sides.head, sides.renamed].entries()) {
      for (const [file, text] of Object.entries({ ...HISTORY[0], ...(i > 0 ? HISTORY[1] : {}) })) {
        await Deno.mkdir(path.dirname(path.join(dir, file)), { recursive: true });
        await Deno.writeTextFile(path.join(dir, file), text);
      }
    }
    const base = await checkProject({ root: sides.base, policy: recommended, ...COMMON });
    const head = await checkProject({ root: sides.head, policy: recommended, ...COMMON });
    const { diff } = await diffProject({
      base: { directory: sides.base },
      head: { directory: sides.head },
      policy: recommended,
      ...COMMON,
    });
    const known = new Set(baselineOf(base.report).findings.map((e) => e.fingerprint));
    const expected = baselineOf(head.report).findings.filter((e) => !known.has(e.fingerprint));
    assert.deepEqual(
      diff.findings.new.map((f) => f.fingerprint).sort(),
      expected.map((e) => e.fingerprint).sort(),
    );
    assert.ok(diff.findings.new.length > 0);

    // Reversed, the change fixes what it used to add.
    const { diff: back } = await diffProject({
      base: { directory: sides.head },
      head: { directory: sides.base },
      policy: recommended,
      ...COMMON,
    });
    assert.deepEqual(
      back.findings.fixed.map((e) => e.fingerprint).sort(),
      expected.map((e) => e.fingerprint).sort(),
    );
    assert.deepEqual(back.findings.new, []);
    assert.equal(back.verdict, "pass");

    // Two checkouts in differently named folders: the same change.
    const { diff: renamed } = await diffProject({
      base: { directory: sides.base },
      head: { directory: sides.renamed },
      policy: recommended,
      ...COMMON,
    });
    assert.deepEqual(
      renamed.findings.new.map((f) => f.fingerprint).sort(),
      diff.findings.new.map((f) => f.fingerprint).sort(),
    );

    // A git revision and the matching directory agree on the change.
    const { diff: mixed } = await diffProject({
      base: { git: "HEAD~1", project: repo },
      head: { directory: sides.head },
      policy: recommended,
      ...COMMON,
    });
    assert.deepEqual(
      mixed.findings.new.map((f) => f.fingerprint).sort(),
      diff.findings.new.map((f) => f.fingerprint).sort(),
    );
  } finally {
    await Deno.remove(repo, { recursive: true });
    await Deno.remove(work, { recursive: true });
  }
});

Deno.test("diffProject: a stored snapshot is a side, evaluated as stored", async () => {
  const repo = await gitHistory(HISTORY);
  try {
    const snapshot = await collectProject({ root: repo, now: TEST_NOW });
    const { diff } = await diffProject({
      base: { git: "HEAD~1", project: repo },
      head: { snapshot, label: "head.json" },
      policy: recommended,
      ...COMMON,
    });
    assert.equal(diff.head.kind, "snapshot");
    assert.equal(diff.head.label, "head.json");
    assert.deepEqual(diff.changes.packages.map((c) => c.name), ["anyio", "certifi", "idna"]);
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
});

Deno.test("diffProject: without a policy, BASE's policy file judges, not the change's own", async () => {
  const strictPolicy = "extends: [recommended]\nfailOn: warning\n";
  const weakened = "extends: [recommended]\nfailOn: error\ndisable:\n  - hub.no-remote-code\n";
  const repo = await gitHistory([
    { ...HISTORY[0], "tollgate.yaml": strictPolicy },
    { ...HISTORY[1], "tollgate.yaml": weakened },
  ]);
  try {
    const { diff, policy } = await diffProject({
      base: { git: "HEAD~1", project: repo },
      head: { git: "HEAD", project: repo },
      ...COMMON,
    });
    assert.equal(policy.failOn, "warning");
    assert.ok(diff.findings.new.some((f) => f.check === "hub.no-remote-code"));
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
});

Deno.test("diffProject: environments are not compared when a side is a git revision", async () => {
  const repo = await gitHistory([HISTORY[0]]);
  try {
    await Deno.mkdir(path.join(repo, ".venv"));
    await Deno.writeTextFile(
      path.join(repo, ".venv/pyvenv.cfg"),
      "home = /usr/bin\ninclude-system-site-packages = true\nversion = 3.11.2\n",
    );
    const { diff, warnings } = await diffProject({
      base: { git: "HEAD", project: repo },
      head: { directory: repo },
      policy: recommended,
      ...COMMON,
    });
    assert.deepEqual(diff.changes.environments, []);
    assert.ok(!diff.findings.new.some((f) => f.check.startsWith("venv.")));
    assert.match(warnings.join("\n"), /virtual environments are not compared/);
  } finally {
    await Deno.remove(repo, { recursive: true });
  }
});

Deno.test("diffProject: temporary trees are removed, also when a side fails", async () => {
  const repo = await gitHistory([HISTORY[0]]);
  const tmp = await Deno.makeTempDir({ prefix: "tollgate-tmp-" });
  const saved = Deno.env.get("TMPDIR");
  Deno.env.set("TMPDIR", tmp);
  try {
    await diffProject({
      base: { git: "HEAD", project: repo },
      head: { git: "HEAD", project: repo },
      ...COMMON,
    });
    await assert.rejects(() =>
      diffProject({
        base: { git: "HEAD", project: repo },
        head: { git: "nope", project: repo },
        ...COMMON,
      })
    );
    assert.deepEqual([...Deno.readDirSync(tmp)], []);
  } finally {
    if (saved === undefined) Deno.env.delete("TMPDIR");
    else Deno.env.set("TMPDIR", saved);
    await Deno.remove(repo, { recursive: true });
    await Deno.remove(tmp, { recursive: true });
  }
});
