// Truth: BOMs that cdxgen 12.8.4 wrote for projects built from ../shared/corpus
// (tests/fixtures/sbom/README.md), imported, against Tollgate's own snapshot of the same projects.
// Names and versions must agree; every difference is listed below with its reason, and the test
// fails on any that is not.
import assert from "node:assert/strict";
import { readCyclonedxBom } from "../../../collect/mod.ts";
import { evaluate } from "../../../core/evaluate.ts";
import type { DeclarationLayer, Package, Snapshot } from "../../../core/snapshot.ts";
import { collectProject } from "../../../pipeline/mod.ts";
import { recommended } from "../../../policies/mod.ts";

const FIXTURES = new URL("../../fixtures/sbom/", import.meta.url).pathname;

interface Fixture {
  /** metadata.component's name: the project's name in its pyproject.toml, else the directory's. */
  root: string;
  /**
   * Tollgate's layer that holds what was resolved: cdxgen lists the lock (or the pinned
   * requirements file), while Tollgate's snapshot also keeps the manifest's declarations
   * (pyproject.toml, Pipfile), which are ranges, not what is installed.
   */
  layer: DeclarationLayer;
  /** Packages Tollgate reads and the BOM leaves out, as `name==version`, with why. */
  onlyTollgate: Record<string, string>;
  /** Packages the BOM lists and Tollgate does not read, with why. */
  onlyBom: Record<string, string>;
  /** How many packages both list: the comparison is not empty. */
  shared: number;
}

const FIXTURE_TABLE: Record<string, Fixture> = {
  "poetry-old-lock": { root: "foobar", layer: "lock", onlyTollgate: {}, onlyBom: {}, shared: 1 },
  "poetry-load-tests": {
    root: "text-generation-inference-benchmarks",
    layer: "lock",
    onlyTollgate: {},
    onlyBom: {},
    shared: 19,
  },
  // No pyproject.toml: cdxgen names the project after its directory.
  "pipfile-lock": { root: "pipfile-lock", layer: "lock", onlyTollgate: {}, onlyBom: {}, shared: 2 },
  "requirements-pinned": {
    root: "requirements-pinned",
    layer: "requirements",
    onlyTollgate: {
      "setuptools==80.4.0": "cdxgen's requirements-file reader skips every name on its list of " +
        "Python standard-library modules (data/python-stdlib.json), which holds setuptools, pip, " +
        "dataclasses, typing, distutils and pkg_resources, although all are PyPI projects",
    },
    onlyBom: {},
    shared: 117,
  },
  // The project itself (nanochat) is metadata.component in the BOM and no package in Tollgate's
  // snapshot, so it is no difference.
  "uv-lock": {
    root: "nanochat",
    layer: "lock",
    onlyTollgate: {
      "torch==2.9.1":
        "uv.lock locks torch 2.9.1 twice, from https://download.pytorch.org/whl/cpu " +
        "and from PyPI, for different platforms; cdxgen writes one component per package URL, " +
        "with the first entry's index and the dependencies of both, so the BOM no longer shows " +
        "that torch 2.9.1 also resolves from PyPI",
    },
    onlyBom: {},
    shared: 103,
  },
};

const pin = (p: Package) => `${p.name}==${p.version}`;

/** The items of `items` left once each of `others` has taken away one equal item, sorted. */
function without(items: string[], others: string[]): string[] {
  const left = [...items];
  for (const other of others) {
    const at = left.indexOf(other);
    if (at >= 0) left.splice(at, 1);
  }
  return left.sort();
}

/** The sorted union of string lists; undefined when every list is. */
function union(lists: Array<string[] | undefined>): string[] | undefined {
  if (lists.every((list) => list === undefined)) return undefined;
  return [...new Set(lists.flatMap((list) => list ?? []))].sort();
}

async function bothSides(name: string): Promise<{ tollgate: Package[]; bom: Snapshot }> {
  const tollgate = await collectProject({ root: `${FIXTURES}${name}` });
  const layer = FIXTURE_TABLE[name].layer;
  return {
    tollgate: tollgate.packages.filter((p) => p.ecosystem === "pypi" && p.layer === layer),
    bom: await readCyclonedxBom({ file: `${FIXTURES}${name}.cdx.json` }),
  };
}

for (const [name, fixture] of Object.entries(FIXTURE_TABLE)) {
  Deno.test(`truth: cdxgen's BOM of ${name} has Tollgate's packages, differences explained`, async () => {
    const { tollgate, bom } = await bothSides(name);
    assert.equal(bom.root, fixture.root);
    assert.deepEqual(bom.problems, []);
    assert.ok(bom.packages.every((p) => p.ecosystem === "pypi" && p.version !== undefined));
    // Compared as multisets: a pin locked twice and listed once is a difference.
    const ours = tollgate.map(pin);
    const theirs = bom.packages.map(pin);
    assert.deepEqual(without(ours, theirs), Object.keys(fixture.onlyTollgate).sort(), "Tollgate's");
    assert.deepEqual(without(theirs, ours), Object.keys(fixture.onlyBom).sort(), "the BOM's");
    assert.equal(theirs.length - without(theirs, ours).length, fixture.shared);
  });
}

Deno.test("truth: where cdxgen records hashes, sources and the graph, they are Tollgate's", async () => {
  const withHashes: string[] = [];
  const withSources: string[] = [];
  let graphEdges = 0;
  for (const name of Object.keys(FIXTURE_TABLE)) {
    const { tollgate, bom } = await bothSides(name);
    const byPin = new Map<string, Package[]>();
    for (const p of tollgate) byPin.set(pin(p), [...byPin.get(pin(p)) ?? [], p]);
    for (const imported of bom.packages) {
      // A pin Tollgate reads several lock entries of is one component in the BOM (see uv-lock).
      const ours = byPin.get(pin(imported));
      if (ours === undefined) continue;
      const label = `${name}: ${pin(imported)}`;
      // cdxgen keeps hashes only from a Poetry 1.x lock's [metadata.files]; never others'.
      if (imported.hashes.length > 0) {
        withHashes.push(name);
        assert.deepEqual([...imported.hashes].sort(), union(ours.map((p) => p.hashes)), label);
      }
      // cdxgen records an index only when it is not PyPI (uv's cdx:pypi:registry): it is one of
      // Tollgate's entries' index. A uv index's name is the pyproject's, in neither the lock nor
      // the BOM. Tollgate's snapshot also names PyPI (uv.lock) and the Pipfile's source.
      if (imported.source.kind !== "index" || imported.source.url !== undefined) {
        withSources.push(label);
        const sources = ours.map(({ source }) => {
          const { name: _name, ...where } = source as { name?: string };
          return JSON.stringify(where);
        });
        assert.ok(sources.includes(JSON.stringify(imported.source)), label);
      }
      // The graph among packages is the lock's: uv.lock and poetry.lock record it, cdxgen writes
      // none for a Pipfile.lock or requirements file; for a merged pin, both entries' dependencies.
      if (imported.dependsOn !== undefined) {
        assert.deepEqual(imported.dependsOn, union(ours.map((p) => p.dependsOn)), label);
        graphEdges += imported.dependsOn.length;
      }
      // cdxgen writes no edge from the project to its dependencies, so nothing in its BOM is
      // direct; Tollgate marks direct what the manifest beside the lock declares.
      assert.equal(imported.direct, false, label);
    }
  }
  assert.deepEqual([...new Set(withHashes)], ["poetry-old-lock"]);
  assert.deepEqual(withSources, [
    "uv-lock: torch==2.9.1",
    "uv-lock: torch==2.9.1+cpu",
    "uv-lock: torch==2.9.1+cu128",
  ]);
  assert.ok(graphEdges > 150, `${graphEdges} dependency edges compared`);
});

Deno.test("recommended policy on an imported BOM: checks needing what a BOM cannot say error, none pass", async () => {
  const snapshot = await readCyclonedxBom({
    file: `${FIXTURES}uv-lock.cdx.json`,
    now: new Date("2026-01-01T00:00:00Z"),
  });
  const report = await evaluate({
    snapshot,
    policy: recommended,
    now: new Date("2026-01-02T00:00:00Z"),
    offline: true,
  });
  const missing = new Map(snapshot.missing.map((m) => [m.section, m.reason]));
  let judgedOnCoverage = 0;
  for (const configured of recommended.checks) {
    const result = report.results.find((r) => r.check === configured.id)!;
    const lacking = configured.definition.needs.filter((section) => missing.has(section));
    if (lacking.length === 0) continue;
    judgedOnCoverage++;
    assert.equal(result.status, "error", `${configured.id}: ${result.status}`);
    for (const section of lacking) {
      assert.ok(
        result.reason?.includes(missing.get(section)!),
        `${configured.id}: ${result.reason}`,
      );
    }
  }
  assert.ok(judgedOnCoverage >= 10, `${judgedOnCoverage} checks`);
  const status = (id: string) => report.results.find((r) => r.check === id);
  assert.match(
    status("source.allowed-indexes")!.reason!,
    /^needs snapshot section\(s\) indexes, which this snapshot does not contain: a CycloneDX BOM does not record the indexes/,
  );
  assert.equal(status("venv.isolated")!.status, "error");
  assert.equal(status("hub.no-remote-code")!.status, "error");
  assert.equal(status("artifact.safe-loaders")!.status, "error");
  // What the BOM does say is judged: no package of uv.lock's BOM carries a hash.
  assert.equal(status("signature.hash-pinned")!.status, "fail");
  assert.ok(status("signature.hash-pinned")!.findings.length > 100);
  assert.notEqual(report.verdict, "pass");
});
