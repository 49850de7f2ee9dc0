// diffSnapshots: each kind of change, on snapshots built as the collector builds them.
import assert from "node:assert/strict";
import fc from "fast-check";
import { diffSnapshots, isUnchanged } from "../../diff/mod.ts";
import type { Artifact, Signature } from "../../core/snapshot.ts";
import { index, model, pkg, snapshotOf, venv } from "../../testing.ts";

const HASH = (c: string) => `sha256:${c.repeat(64)}`;
const lock = (requirement: string, hashes: string[] = [], file = "uv.lock") =>
  pkg(requirement, { layer: "lock", direct: false, hashes, locations: [{ file, line: 1 }] });

Deno.test("diff: identical snapshots have no changes", () => {
  const side = snapshotOf({ packages: [lock("torch==2.3.1")], models: [model("org/m")] });
  const changes = diffSnapshots({ base: side, head: side });
  assert.ok(isUnchanged(changes));
  assert.deepEqual(changes.notCompared, []);
});

Deno.test("diff: packages added, removed, upgraded and downgraded by PEP 440 order", () => {
  const base = snapshotOf({
    packages: [lock("numpy==1.26.4"), lock("requests==2.32.0"), lock("six==1.16.0")],
  });
  const head = snapshotOf({
    // 2.0.0rc1 > 1.26.4 and 2.31.0 < 2.32.0 by PEP 440, whatever their text order.
    packages: [lock("numpy==2.0.0rc1"), lock("requests==2.31.0"), lock("torch==2.3.1")],
  });
  const changes = diffSnapshots({ base, head }).packages;
  assert.deepEqual(changes.map((c) => [c.name, c.change]), [
    ["numpy", "upgraded"],
    ["requests", "downgraded"],
    ["six", "removed"],
    ["torch", "added"],
  ]);
  assert.equal(changes[0].base?.version, "1.26.4");
  assert.equal(changes[0].head?.version, "2.0.0rc1");
  assert.deepEqual(changes[0].aspects, ["version", "specifier"]);
});

Deno.test("diff: the same version with a hash gone is a replaced file; only added is not", () => {
  const base = snapshotOf({
    packages: [lock("certifi==2025.10.5", [HASH("a"), HASH("b")]), lock("idna==3.10", [HASH("c")])],
  });
  const head = snapshotOf({
    packages: [
      lock("certifi==2025.10.5", [HASH("a"), HASH("e")]),
      // A new wheel for another platform: hashes added, none removed.
      lock("idna==3.10", [HASH("c"), HASH("d")]),
    ],
  });
  const [certifi, idna] = diffSnapshots({ base, head }).packages;
  assert.equal(certifi.change, "changed");
  assert.deepEqual(certifi.hashesReplaced, { removed: [HASH("b")], added: [HASH("e")] });
  assert.deepEqual(idna.aspects, ["hashes"]);
  assert.equal(idna.hashesReplaced, undefined);
});

Deno.test("diff: a source or index change is reported with both sides in words", () => {
  const base = snapshotOf({
    packages: [lock("mylib==1.0", [], "uv.lock")].map((p) => ({
      ...p,
      source: { kind: "index" as const, url: "https://pypi.internal/simple" },
    })),
  });
  const head = snapshotOf({
    packages: [lock("mylib==1.0", [], "uv.lock")].map((p) => ({
      ...p,
      source: { kind: "index" as const, url: "https://pypi.org/simple" },
    })),
  });
  const [change] = diffSnapshots({ base, head }).packages;
  assert.deepEqual(change.aspects, ["source"]);
  assert.equal(change.base?.source, "index https://pypi.internal/simple");
  assert.equal(change.head?.source, "index https://pypi.org/simple");
});

Deno.test("diff: one name in two files or layers is two declarations, each compared", () => {
  const base = snapshotOf({
    packages: [pkg("torch==2.3.1"), lock("torch==2.3.1")],
  });
  const head = snapshotOf({
    packages: [pkg("torch==2.3.1"), lock("torch==2.4.0")],
  });
  const changes = diffSnapshots({ base, head }).packages;
  assert.deepEqual(changes.map((c) => [c.layer, c.change]), [["lock", "upgraded"]]);
});

Deno.test("diff: a lock listing two versions of a name pairs them by version", () => {
  const base = snapshotOf({ packages: [lock("numpy==1.26.4"), lock("numpy==2.1.0")] });
  const head = snapshotOf({ packages: [lock("numpy==2.1.0"), lock("numpy==1.26.4")] });
  assert.deepEqual(diffSnapshots({ base, head }).packages, []);
});

Deno.test("diff: indexes and installer settings entered and left", () => {
  const base = snapshotOf({
    indexes: [index("https://pypi.internal/simple")],
    settings: [{ name: "trusted-host", value: "a", location: { file: "pip.conf", line: 2 } }],
  });
  const head = snapshotOf({
    indexes: [
      index("https://pypi.internal/simple"),
      index("https://pypi.org/simple", { role: "extra", location: { file: "r.txt", line: 1 } }),
    ],
  });
  const changes = diffSnapshots({ base, head }).sources;
  assert.deepEqual(changes.map((c) => [c.change, c.kind, c.what, c.location.file]), [
    ["added", "index", "extra https://pypi.org/simple", "r.txt"],
    ["removed", "setting", "trusted-host=a", "pip.conf"],
  ]);
});

Deno.test("diff: a model moving to a look-alike publisher is a publisher change", () => {
  const base = snapshotOf({ models: [model("meta-llama/Llama-3-8B", { revision: "abc" })] });
  const head = snapshotOf({
    models: [
      model("meta-llarna/Llama-3-8B", { revision: "abc", trustRemoteCode: true }),
      model("org/new"),
    ],
  });
  const changes = diffSnapshots({ base, head }).models;
  assert.deepEqual(changes.map((c) => [c.change, c.repoId, c.details]), [
    ["publisher", "meta-llarna/Llama-3-8B", [
      "publisher meta-llama → meta-llarna",
      "loads remote code (trust_remote_code)",
    ]],
    ["added", "org/new", ["revision (unpinned)"]],
  ]);
});

Deno.test("diff: a model's revision change, and one no longer referenced", () => {
  const base = snapshotOf({ models: [model("org/a", { revision: "v1" }), model("org/b")] });
  const head = snapshotOf({ models: [model("org/a", { revision: "v2" })] });
  const changes = diffSnapshots({ base, head }).models;
  assert.deepEqual(changes.map((c) => [c.change, c.repoId, c.details]), [
    ["changed", "org/a", ["revision v1 → v2"]],
    ["removed", "org/b", []],
  ]);
});

const artifact = (path: string, overrides: Partial<Artifact> = {}): Artifact => ({
  path,
  format: "pickle",
  size: 100,
  sha256: "a".repeat(64),
  globals: [{ module: "collections", name: "OrderedDict" }],
  embedded: [],
  issues: [],
  ...overrides,
});

Deno.test("diff: a model file gaining a pickle import, changing format, appearing", () => {
  const base = snapshotOf({
    artifacts: [artifact("model.pkl"), artifact("w.bin", { format: "pytorch-zip" })],
  });
  const head = snapshotOf({
    artifacts: [
      artifact("model.pkl", {
        sha256: "b".repeat(64),
        size: 140,
        globals: [{ module: "collections", name: "OrderedDict" }, { module: "os", name: "system" }],
      }),
      artifact("w.bin", { format: "pytorch-legacy" }),
      artifact("new.joblib", { format: "joblib", globals: [] }),
    ],
  });
  const changes = diffSnapshots({ base, head }).artifacts;
  assert.deepEqual(changes.map((c) => [c.change, c.path, c.newImports]), [
    ["changed", "model.pkl", ["os.system"]],
    ["added", "new.joblib", []],
    ["changed", "w.bin", []],
  ]);
  assert.deepEqual(changes[0].details, [
    "content changed (100 → 140 bytes)",
    "new pickle import os.system",
  ]);
  assert.deepEqual(changes[2].details, ["format pytorch-zip → pytorch-legacy"]);
});

const signature = (path: string, bundle: unknown): Signature => ({
  path,
  format: "application/vnd.dev.sigstore.bundle.v0.3+json",
  modelPath: ".",
  modelKind: "directory",
  bundle,
  files: [],
  truncated: false,
  issues: [],
});
/** A bundle model_signing 1.0 wrote (../shared/conformance/oms): keyless, certificate or key. */
const bundle = (kind: "sigstore" | "certificate" | "elliptic-key") =>
  JSON.parse(
    Deno.readTextFileSync(
      new URL(`../../../shared/conformance/oms/v1.0.0-${kind}/model.sig`, import.meta.url),
    ),
  );

Deno.test("diff: a signature's signer changing, re-made, and removed", () => {
  const keyless = bundle("sigstore");
  const remade = structuredClone(keyless);
  remade.messageSignature = { signature: "AAAA" };
  const base = snapshotOf({
    signatures: [
      signature("a/model.sig", bundle("elliptic-key")),
      signature("b/model.sig", {}),
      signature("c/model.sig", keyless),
    ],
  });
  const head = snapshotOf({
    signatures: [signature("a/model.sig", keyless), signature("c/model.sig", remade)],
  });
  const changes = diffSnapshots({ base, head }).signatures;
  assert.deepEqual(changes.map((c) => [c.change, c.path, c.details]), [
    ["signer", "a/model.sig", [
      "signer public key (sha256:e8450dec4eb99dae) → " +
      "certificate email:stefanb@us.ibm.com (sha256:a9bc792b58fbb352)",
    ]],
    ["removed", "b/model.sig", []],
    ["changed", "c/model.sig", ["signature re-made with the same signer"]],
  ]);
});

Deno.test("diff: environments compared by path: python, system site-packages, installs", () => {
  const dist = (name: string, version: string) => ({
    name,
    version,
    location: { file: `.venv/lib/${name}-${version}.dist-info/METADATA` },
  });
  const base = snapshotOf({
    environments: [
      venv(".venv", { pythonVersion: "3.11.9", distributions: [dist("torch", "2.3.1")] }),
    ],
  });
  const head = snapshotOf({
    environments: [
      venv(".venv", {
        pythonVersion: "3.12.1",
        includeSystemSitePackages: true,
        distributions: [dist("torch", "2.4.0"), dist("evil", "1.0")],
      }),
      venv("other"),
    ],
  });
  const changes = diffSnapshots({ base, head }).environments;
  assert.deepEqual(changes.map((c) => [c.change, c.path]), [["changed", ".venv"], [
    "added",
    "other",
  ]]);
  assert.deepEqual(changes[0].details, [
    "python 3.11.9 → 3.12.1",
    "now includes the system site-packages",
    "installed evil 1.0",
    "reinstalled torch 2.3.1 → 2.4.0",
  ]);
});

Deno.test("diff: a section one side did not collect is not compared, not all added", () => {
  const base = snapshotOf({
    collected: ["packages"],
    packages: [lock("torch==2.3.1")],
  });
  const head = snapshotOf({ models: [model("org/m")], packages: [lock("torch==2.3.1")] });
  const changes = diffSnapshots({ base, head });
  assert.deepEqual(changes.models, []);
  assert.deepEqual(
    changes.notCompared.map((n) => n.reason),
    [
      "indexes not collected on BASE",
      "environments not collected on BASE",
      "models not collected on BASE",
      "artifacts not collected on BASE",
      "signatures not collected on BASE",
    ],
  );
});

Deno.test("diff (property): a snapshot against itself is unchanged; swapping sides mirrors", () => {
  const versions = fc.constantFrom("1.0", "1.1", "2.0rc1", "2.0", "10.0.post1");
  const names = fc.constantFrom("a", "b", "c", "d");
  const packages = fc.uniqueArray(fc.tuple(names, versions), { selector: ([n]) => n, maxLength: 4 })
    .map((list) => list.map(([n, v]) => lock(`${n}==${v}`)));
  fc.assert(
    fc.property(packages, packages, (a, b) => {
      const base = snapshotOf({ packages: a });
      const head = snapshotOf({ packages: b });
      assert.ok(isUnchanged(diffSnapshots({ base, head: base })));
      const forward = diffSnapshots({ base, head }).packages;
      const backward = diffSnapshots({ base: head, head: base }).packages;
      const mirror = {
        added: "removed",
        removed: "added",
        upgraded: "downgraded",
        downgraded: "upgraded",
        changed: "changed",
      } as const;
      assert.deepEqual(
        backward.map((c) => [c.name, c.change]),
        forward.map((c) => [c.name, mirror[c.change]]),
      );
    }),
    { numRuns: 300, seed: 17 },
  );
});
