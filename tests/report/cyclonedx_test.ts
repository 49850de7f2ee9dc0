// CycloneDX: every BOM written here validates against the CycloneDX 1.6 JSON schema that the
// @cyclonedx/cyclonedx-library package ships (with the SPDX and JSF schemas it refers to), read
// by ajv; and says what the snapshot and report say: package URLs, hashes, edges, verdicts.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as path from "node:path";
import { parsePurl } from "../../core/purl.ts";
import type { Report } from "../../core/report.ts";
import { type Package, type Snapshot } from "../../core/snapshot.ts";
import { parseCondaLock } from "../../collect/locks/conda.ts";
import { checkProject } from "../../pipeline/mod.ts";
import { type CyclonedxBom, cyclonedxBom, formatCyclonedx, formatters } from "../../report/mod.ts";
import { snapshotOf, TEST_NOW } from "../../testing.ts";
import { corpusPath } from "../_property.ts";
import { assertGraphResolves, assertValidBom, values } from "./_cyclonedx.ts";

const SERIAL = "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79";
const FIXTURES = path.join(corpusPath(""), "..", "fixtures", "models");

/** A project with nanochat's real uv.lock, two model files and code loading two hub models. */
async function checkedProject(): Promise<{ report: Report; snapshot: Snapshot }> {
  const root = await Deno.makeTempDir({ prefix: "tollgate-cyclonedx-" });
  try {
    await Deno.copyFile(corpusPath("karpathy__nanochat__uv.lock"), path.join(root, "uv.lock"));
    await Deno.mkdir(path.join(root, "models"));
    for (const name of ["malicious_eval.pkl", "model.safetensors"]) {
      await Deno.copyFile(path.join(FIXTURES, name), path.join(root, "models", name));
    }
    await Deno.writeTextFile(
      path.join(root, "train.py"),
      [
        "import torch",
        "from transformers import AutoModel",
        'model = AutoModel.from_pretrained("google-bert/bert-base-uncased",',
        '    revision="86b5e0934494bd15c9632b12f734a8a67f723594", trust_remote_code=True)',
        'hub = torch.hub.load("pytorch/vision:v0.10.0", "resnet18")',
        "",
      ].join("\n"),
    );
    const { report, snapshot } = await checkProject({
      root,
      sources: { offline: true },
      now: TEST_NOW,
      verifyInstalled: false,
      hashModelFiles: true,
    });
    return { report, snapshot };
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("a real project: purls, hashes, indexes, edges, models and files, with verdicts", async () => {
  const { report, snapshot } = await checkedProject();
  const bom = cyclonedxBom({ snapshot, report, serialNumber: SERIAL });
  await assertValidBom(bom);
  assertGraphResolves(bom);
  assert.equal(bom.serialNumber, SERIAL);
  assert.equal(bom.metadata.timestamp, report.evaluatedAt);
  assert.deepEqual(bom.metadata.tools.components, [
    { type: "application", name: "tollgate", version: snapshot.tool.version },
  ]);

  // Every locked package is a library whose purl reads back as its name and version.
  const libraries = bom.components.filter((c) => c.type === "library");
  assert.equal(snapshot.packages.length, 104);
  assert.equal(libraries.length, 104);
  for (const pkg of snapshot.packages) {
    const component = libraries.find((c) =>
      c.name === pkg.name && c.version === pkg.version &&
      JSON.stringify(c.externalReferences) ===
        JSON.stringify([{ type: "distribution", url: (pkg.source as { url: string }).url }])
    );
    assert.ok(component, `${pkg.name} ${pkg.version}`);
    assert.deepEqual(parsePurl(component.purl!), {
      type: "pypi",
      name: pkg.name,
      version: pkg.version,
    });
    assert.deepEqual(
      component.hashes?.map((h) => `sha256:${h.content}`).sort() ?? [],
      [...pkg.hashes].sort(),
    );
    assert.deepEqual(component.evidence?.occurrences, [
      { location: "uv.lock", line: pkg.locations[0].line },
    ]);
  }
  // torch 2.9.1 is locked from PyPI and from the PyTorch CPU index: two components, two refs.
  const torch = libraries.filter((c) => c.name === "torch" && c.version === "2.9.1");
  assert.deepEqual(torch.map((c) => [c["bom-ref"], c.externalReferences?.[0].url]), [
    ["pkg:pypi/torch@2.9.1", "https://download.pytorch.org/whl/cpu"],
    ["pkg:pypi/torch@2.9.1#2", "https://pypi.org/simple"],
  ]);
  assert.ok(libraries.some((c) => c.purl === "pkg:pypi/torch@2.9.1%2Bcu128"));

  // Edges: each lock entry's dependencies, by the components of those names.
  const byRef = new Map(bom.components.map((c) => [c["bom-ref"]!, c]));
  const edgesOf = (ref: string) =>
    bom.dependencies.find((d) => d.ref === ref)?.dependsOn?.map((r) => byRef.get(r)!.name) ?? [];
  const fromPypi = snapshot.packages.find((p) =>
    p.name === "torch" && p.version === "2.9.1" &&
    p.source.kind === "index" && p.source.url === "https://pypi.org/simple"
  )!;
  assert.ok(fromPypi.dependsOn!.includes("nvidia-cublas-cu12"));
  assert.deepEqual([...new Set(edgesOf("pkg:pypi/torch@2.9.1#2"))], fromPypi.dependsOn);
  assert.ok(
    bom.dependencies.find((d) => d.ref === "pkg:pypi/torch@2.9.1#2")!.dependsOn!
      .includes("pkg:pypi/nvidia-cublas-cu12@12.8.4.1"),
  );
  let edges = 0;
  for (const component of libraries) {
    const pkg = snapshot.packages.find((p) =>
      `sha256:${component.hashes?.[0]?.content}` === p.hashes[0] &&
      p.name === component.name && p.version === component.version
    );
    if (!pkg?.dependsOn) continue;
    const named = new Set(edgesOf(component["bom-ref"]!));
    edges += named.size;
    assert.deepEqual([...named].sort(), pkg.dependsOn, component["bom-ref"]);
  }
  assert.ok(edges > 150, `${edges} edges`);
  // The project depends on what it declares (uv.lock's root package) and on the models it loads.
  const project = bom.dependencies[0];
  assert.equal(project.ref, bom.metadata.component["bom-ref"]);
  const direct = new Set(snapshot.packages.filter((p) => p.direct).map((p) => p.name));
  assert.deepEqual(
    new Set(
      project.dependsOn!.map((r) => byRef.get(r)!).filter((c) => c.type === "library")
        .map((c) => c.name),
    ),
    direct,
  );

  // Models: a Hugging Face model with its revision, a Torch Hub repository on GitHub.
  const bert = bom.components.find((c) => c.name === "google-bert/bert-base-uncased");
  assert.equal(bert?.type, "machine-learning-model");
  assert.equal(bert?.group, "google-bert");
  assert.equal(
    bert?.purl,
    "pkg:huggingface/google-bert/bert-base-uncased@86b5e0934494bd15c9632b12f734a8a67f723594",
  );
  assert.deepEqual(values(bert, "tollgate:trust-remote-code"), ["true"]);
  assert.deepEqual(values(bert, "tollgate:verdict"), ["fail"]);
  assert.ok(
    values(bert, "tollgate:finding").some((v) => v.startsWith("hub.no-remote-code error: ")),
  );
  const vision = bom.components.find((c) => c.name === "pytorch/vision");
  assert.equal(vision?.purl, "pkg:github/pytorch/vision@v0.10.0");
  assert.ok(project.dependsOn!.includes(bert!["bom-ref"]!));
  assert.ok(project.dependsOn!.includes(vision!["bom-ref"]!));

  // Model files: `file` components with their format and what their pickles import.
  const pickle = bom.components.find((c) => c.name === "models/malicious_eval.pkl");
  assert.equal(pickle?.type, "file");
  assert.deepEqual(values(pickle, "tollgate:format"), ["pickle"]);
  assert.deepEqual(values(pickle, "tollgate:pickle-global"), ["builtins.eval"]);
  assert.deepEqual(values(pickle, "tollgate:verdict"), ["fail"]);
  // Read whole when asked (hashModelFiles; the CLI asks for --format cyclonedx): its sha256.
  const digest = createHash("sha256")
    .update(await Deno.readFile(path.join(FIXTURES, "malicious_eval.pkl"))).digest("hex");
  assert.deepEqual(pickle?.hashes, [{ alg: "SHA-256", content: digest }]);
  assert.ok(
    values(pickle, "tollgate:finding").some((v) =>
      v.startsWith("artifact.no-unsafe-pickle error:")
    ),
  );
  // signature.model-signed names the folder: both files carry it, the safetensors one as a warning.
  const safetensors = bom.components.find((c) => c.name === "models/model.safetensors");
  assert.deepEqual(values(safetensors, "tollgate:verdict"), ["warn"]);
  assert.ok(
    values(safetensors, "tollgate:finding").some((v) =>
      v.startsWith("signature.model-signed warning:")
    ),
  );

  // Every finding of the report lands on a component or, about none (an index), on the project.
  const written = [bom.metadata.component, ...bom.components].flatMap((c) =>
    values(c, "tollgate:finding")
  );
  const findings = report.results.flatMap((r) => r.findings.map((f) => ({ check: r.check, f })));
  assert.ok(findings.length >= 6, `${findings.length} findings`);
  for (const { check, f } of findings) {
    assert.ok(written.some((v) => v === `${check} ${f.severity}: ${f.message}`), f.message);
  }
  assert.deepEqual(values(bom.metadata.component, "tollgate:verdict"), [report.verdict]);
  assert.ok(
    values(bom.metadata.component, "tollgate:finding").some((v) =>
      v.startsWith("source.allowed-indexes error: Index https://download.pytorch.org/whl/cpu")
    ),
  );
});

/** A lock-layer or declared package with the defaults filled in. */
function pkg(fields: Partial<Package> & Pick<Package, "name">): Package {
  return {
    ecosystem: "pypi",
    specifier: fields.version ? `==${fields.version}` : "",
    extras: [],
    hashes: [],
    source: { kind: "index" },
    layer: "lock",
    direct: false,
    editable: false,
    groups: [],
    locations: [{ file: "uv.lock", line: 1 }],
    ...fields,
  };
}

const SHA = (c: string) => c.repeat(64);

Deno.test("declarations of one package merge; purls follow the source", async () => {
  const snapshot = snapshotOf({
    packages: [
      pkg({
        name: "torch",
        version: "2.3.1",
        layer: "requirements",
        direct: true,
        hashes: [`sha256:${SHA("a")}`, `blake2b:${SHA("c")}`, "sha256:abc"],
        locations: [{ file: "requirements.txt", line: 3 }],
      }),
      pkg({
        name: "torch",
        version: "2.3.1",
        hashes: [`sha256:${SHA("b")}`, `SHA512:${"d".repeat(128)}`],
        source: { kind: "index", url: "https://pypi.org/simple" },
        locations: [{ file: "uv.lock", line: 9 }],
      }),
      pkg({
        name: "numpy",
        specifier: ">=1.26",
        layer: "manifest",
        direct: true,
        locations: [{ file: "pyproject.toml", line: 4 }],
      }),
      pkg({ name: "numpy", version: "1.26.4", locations: [{ file: "uv.lock", line: 20 }] }),
      pkg({ name: "scipy", specifier: ">=1", layer: "requirements", direct: true }),
      pkg({ name: "mylib", version: "0.1", source: { kind: "path", path: "./libs/mylib" } }),
      pkg({
        name: "repo",
        nameFrom: "guessed",
        source: { kind: "vcs", vcs: "git", url: "https://github.com/acme/repo.git" },
      }),
      pkg({
        name: "feature-store",
        version: "0.3.0",
        source: {
          kind: "vcs",
          vcs: "git",
          url: "https://github.com/acme/feature-store.git",
          ref: "v0.3.0",
          commit: "0123456789abcdef0123456789abcdef01234567",
        },
      }),
      pkg({
        name: "wheel-from-url",
        version: "1.0",
        source: { kind: "url", url: "https://example.com/wheel_from_url-1.0-py3-none-any.whl" },
      }),
      pkg({
        ecosystem: "conda",
        name: "numpy",
        version: "1.26.4",
        hashes: [`md5:${"e".repeat(32)}`, `sha256:${SHA("f")}`],
        source: {
          kind: "index",
          url: "https://conda.anaconda.org/conda-forge",
          name: "conda-forge",
        },
        platforms: ["linux-64"],
        locations: [{ file: "conda-lock.yml", line: 7 }],
      }),
    ],
  });
  const bom = cyclonedxBom({ snapshot, serialNumber: SERIAL });
  await assertValidBom(bom);
  assertGraphResolves(bom);
  const find = (ref: string) => bom.components.find((c) => c["bom-ref"] === ref);
  // requirements.txt's torch==2.3.1 names no index: it is the one uv.lock resolves from PyPI.
  assert.deepEqual(find("pkg:pypi/torch@2.3.1"), {
    type: "library",
    "bom-ref": "pkg:pypi/torch@2.3.1",
    name: "torch",
    version: "2.3.1",
    hashes: [
      { alg: "SHA-256", content: SHA("b") },
      { alg: "SHA-512", content: "d".repeat(128) },
      { alg: "SHA-256", content: SHA("a") },
    ],
    purl: "pkg:pypi/torch@2.3.1",
    externalReferences: [{ type: "distribution", url: "https://pypi.org/simple" }],
    evidence: {
      occurrences: [{ location: "uv.lock", line: 9 }, { location: "requirements.txt", line: 3 }],
    },
    properties: [
      { name: "tollgate:layer", value: "lock" },
      { name: "tollgate:layer", value: "requirements" },
    ],
  });
  // numpy>=1.26 in pyproject.toml is what uv.lock pins: one component, the specifier kept.
  const numpy = find("pkg:pypi/numpy@1.26.4");
  assert.deepEqual(values(numpy, "tollgate:specifier"), [">=1.26"]);
  assert.deepEqual(numpy?.evidence?.occurrences.map((o) => o.location), [
    "uv.lock",
    "pyproject.toml",
  ]);
  // scipy>=1 resolves nowhere: it appears without a version.
  const scipy = find("pkg:pypi/scipy");
  assert.equal(scipy?.version, undefined);
  assert.deepEqual(values(scipy, "tollgate:specifier"), [">=1"]);
  // A local path and a guessed name get no purl: it would name somebody else's package.
  assert.equal(find("package:mylib@0.1")?.purl, undefined);
  assert.deepEqual(values(find("package:mylib@0.1"), "tollgate:source-path"), ["./libs/mylib"]);
  assert.equal(find("package:repo")?.purl, undefined);
  assert.deepEqual(values(find("package:repo"), "tollgate:name"), ["guessed"]);
  const vcs = bom.components.find((c) => c.name === "feature-store");
  assert.equal(
    vcs?.purl,
    "pkg:pypi/feature-store@0.3.0?vcs_url=git%2Bhttps:%2F%2Fgithub.com%2Facme%2Ffeature-store.git" +
      "%400123456789abcdef0123456789abcdef01234567",
  );
  assert.deepEqual(vcs?.externalReferences, [{
    type: "vcs",
    url: "https://github.com/acme/feature-store.git",
    comment: "git 0123456789abcdef0123456789abcdef01234567",
  }]);
  assert.equal(
    parsePurl(bom.components.find((c) => c.name === "wheel-from-url")!.purl!)?.qualifiers
      ?.download_url,
    "https://example.com/wheel_from_url-1.0-py3-none-any.whl",
  );
  const conda = bom.components.find((c) => c.purl?.startsWith("pkg:conda/"));
  assert.deepEqual([conda?.purl, conda?.hashes], [
    "pkg:conda/numpy@1.26.4?channel=conda-forge&subdir=linux-64",
    [{ alg: "MD5", content: "e".repeat(32) }, { alg: "SHA-256", content: SHA("f") }],
  ]);
  // The project depends on what it declares, unversioned or not; no lock here records edges.
  assert.deepEqual(bom.dependencies, [{
    ref: "project:project",
    dependsOn: ["pkg:pypi/numpy@1.26.4", "pkg:pypi/scipy", "pkg:pypi/torch@2.3.1"],
  }]);
});

/** A report with one check's findings, as evaluate writes it. */
function reportWith(findings: Report["results"][number]["findings"]): Report {
  return {
    schema: "tollgate.report/v1",
    tool: { name: "tollgate", version: "0.1.0" },
    project: "project",
    policy: "test",
    evaluatedAt: "2026-01-15T12:00:01.000Z",
    failOn: "error",
    strict: false,
    verdict: "fail",
    snapshot: { collectedAt: TEST_NOW.toISOString(), digest: "sha256:" + SHA("0") },
    summary: {
      pass: 0,
      warn: 0,
      fail: 1,
      error: 0,
      skipped: 0,
      findings: { error: 1, warning: 0, info: 0 },
      waived: 1,
    },
    results: [{
      check: "test.check",
      title: "A test check",
      family: "custom",
      status: "fail",
      findings,
      waived: [{
        subject: "pkg:pypi/numpy@1.26.4",
        severity: "error",
        check: "test.check",
        message: "numpy is waived",
        waiver: {
          check: "test.check",
          subject: "pkg:pypi/numpy@1.26.4",
          reason: "vendored",
          owner: "@ml",
          expires: "2099-01-01",
        },
      }],
    }],
    coverage: { inputs: [], problems: [], missing: [] },
    data: [],
  };
}

Deno.test("findings reach the components they name, narrowed by location when two match", async () => {
  const snapshot = snapshotOf({
    packages: [
      pkg({
        name: "torch",
        version: "2.3.1",
        source: { kind: "index", url: "https://pypi.org/simple" },
        locations: [{ file: "a/uv.lock", line: 5 }],
      }),
      pkg({
        name: "torch",
        version: "2.3.1",
        source: { kind: "index", url: "https://download.pytorch.org/whl/cpu" },
        locations: [{ file: "b/uv.lock", line: 7 }],
      }),
      pkg({ name: "numpy", version: "1.26.4" }),
    ],
    artifacts: [{
      path: "models/m.bin",
      format: "pytorch-legacy",
      size: 10,
      globals: [],
      embedded: [],
      issues: [],
    }],
    signatures: [{
      path: "models/model.sig",
      format: "application/vnd.dev.sigstore.bundle.v0.3+json",
      modelPath: "models",
      modelKind: "directory",
      bundle: undefined,
      files: [{ path: "m.bin", kind: "file", size: 10, sha256: SHA("9") }],
      truncated: false,
      issues: [],
    }],
  });
  const report = reportWith([
    {
      check: "test.check",
      severity: "error",
      subject: "pkg:pypi/torch@2.3.1",
      message: "the one in b",
      location: { file: "b/uv.lock", line: 7 },
    },
    { check: "test.check", severity: "warning", subject: "model:models", message: "unsigned" },
    { check: "test.check", severity: "error", subject: "index:https://x", message: "index" },
  ]);
  const bom = cyclonedxBom({ snapshot, report, serialNumber: SERIAL });
  await assertValidBom(bom);
  const [pypi, cpu] = bom.components.filter((c) => c.name === "torch");
  assert.deepEqual(values(pypi, "tollgate:verdict"), ["pass"]);
  assert.deepEqual(values(cpu, "tollgate:verdict"), ["fail"]);
  assert.deepEqual(values(cpu, "tollgate:finding"), ["test.check error: the one in b"]);
  const numpy = bom.components.find((c) => c.name === "numpy");
  assert.deepEqual(numpy?.properties?.slice(1), [
    { name: "tollgate:verdict", value: "pass" },
    { name: "tollgate:waived", value: "test.check error: numpy is waived (waived: vendored)" },
  ]);
  // The model file: its digest from the signature manifest, the folder's finding, a warning.
  const file = bom.components.find((c) => c.type === "file");
  assert.deepEqual(file?.hashes, [{ alg: "SHA-256", content: SHA("9") }]);
  assert.deepEqual(values(file, "tollgate:verdict"), ["warn"]);
  // An index is no component: its finding is the project's.
  assert.deepEqual(bom.metadata.component.properties, [
    { name: "tollgate:verdict", value: "fail" },
    { name: "tollgate:finding", value: "test.check error: index" },
  ]);
});

Deno.test("the cyclonedx formatter needs the snapshot, and writes what formatCyclonedx writes", async () => {
  const snapshot = snapshotOf({ packages: [pkg({ name: "numpy", version: "1.26.4" })] });
  const report = reportWith([]);
  assert.throws(
    () => formatters.cyclonedx(report, {}),
    (error: unknown) => error instanceof TypeError && error.message.startsWith("snapshot:"),
  );
  const text = formatters.cyclonedx(report, { snapshot });
  assert.ok(text.endsWith("}\n"));
  const bom = JSON.parse(text);
  await assertValidBom(bom);
  const expected = JSON.parse(
    formatCyclonedx({ snapshot, report, serialNumber: bom.serialNumber }),
  );
  assert.deepEqual(bom, expected);
});

Deno.test("serial numbers: random unless given, and a given one must be a urn:uuid", () => {
  const snapshot = snapshotOf({});
  const [a, b] = [cyclonedxBom({ snapshot }), cyclonedxBom({ snapshot })];
  assert.match(a.serialNumber, /^urn:uuid:[0-9a-f-]{36}$/);
  assert.notEqual(a.serialNumber, b.serialNumber);
  assert.equal(a.metadata.timestamp, snapshot.collectedAt);
  assert.throws(
    () => cyclonedxBom({ snapshot, serialNumber: "3e671687-395b-41f5-a30f-a58921a69b79" }),
    new TypeError(
      "serialNumber: expected urn:uuid: and a lower-case UUID, found " +
        "3e671687-395b-41f5-a30f-a58921a69b79",
    ),
  );
});

Deno.test("the schema check bites: a bad hash, an unknown component type, a URL with a space", async () => {
  const snapshot = snapshotOf({
    packages: [pkg({ name: "numpy", version: "1.26.4", hashes: [`sha256:${SHA("a")}`] })],
  });
  const good = cyclonedxBom({ snapshot, serialNumber: SERIAL });
  await assertValidBom(good);
  const bad = [
    (bom: CyclonedxBom) => (bom.components[0].hashes![0].content = "xyz"),
    (bom: CyclonedxBom) => ((bom.components[0] as { type: string }).type = "model"),
    (
      bom: CyclonedxBom,
    ) => (bom.components[0].externalReferences = [{ type: "distribution", url: "https://a b" }]),
    (bom: CyclonedxBom) => (bom.serialNumber = "urn:uuid:nope"),
  ];
  for (const spoil of bad) {
    const bom = structuredClone(good);
    spoil(bom);
    await assert.rejects(() => assertValidBom(bom), assert.AssertionError);
  }
});

Deno.test("a real conda-lock.yml: conda purls with their channel, and the graph", async () => {
  const file = "conda-lock.yml";
  const { packages } = parseCondaLock(
    Deno.readTextFileSync(corpusPath("01-ai__Yi__conda-lock.yml")),
    { file },
  );
  const bom = cyclonedxBom({ snapshot: snapshotOf({ packages }), serialNumber: SERIAL });
  await assertValidBom(bom);
  assertGraphResolves(bom);
  const mutex = bom.components.find((c) => c.name === "_openmp_mutex");
  assert.equal(mutex?.purl, "pkg:conda/_openmp_mutex@4.5?channel=conda-forge&subdir=linux-64");
  assert.deepEqual(mutex?.hashes?.map((h) => h.alg), ["MD5", "SHA-256"]);
  assert.deepEqual(bom.dependencies.find((d) => d.ref === mutex!["bom-ref"])?.dependsOn, [
    "pkg:conda/_libgcc_mutex@0.1?channel=conda-forge&subdir=linux-64",
    "pkg:conda/llvm-openmp@17.0.6?channel=conda-forge&subdir=linux-64",
  ]);
  const channels = new Set<string>();
  for (const found of packages) {
    const component = bom.components.find((c) =>
      c.name === found.name && c.version === found.version &&
      c.purl?.startsWith(`pkg:${found.ecosystem}/`)
    );
    const purl = parsePurl(component!.purl!);
    assert.equal(purl?.name, found.name);
    if (found.ecosystem === "pypi") continue;
    assert.equal(purl?.qualifiers?.channel, (found.source as { name: string }).name);
    channels.add(purl!.qualifiers!.channel);
  }
  assert.deepEqual([...channels].sort(), ["conda-forge", "nvidia", "pytorch"]);
});
