import assert from "node:assert/strict";
import { checks } from "../../../checks/mod.ts";
import { index, pkg, runCheck, snapshotOf } from "../../../testing.ts";

const at = (file: string, line: number) => ({ file, line });
const INTERNAL = "https://pypi.acme.example/simple";

Deno.test("no-dependency-confusion (a): every way several indexes serve one name, named by tool", async () => {
  const findings = await runCheck(
    checks.source.noDependencyConfusion(),
    snapshotOf({
      packages: [],
      indexes: [
        index(INTERNAL, { role: "extra", location: at("requirements.txt", 1) }),
        index(INTERNAL, { role: "extra", location: at("env:PIP_EXTRA_INDEX_URL", 1) }),
        index(INTERNAL, {
          role: "extra",
          name: "acme",
          tool: "uv",
          location: at("pyproject.toml", 7),
        }),
        index(INTERNAL, { role: "explicit", name: "acme", tool: "uv", location: at("uv.toml", 2) }),
        index(INTERNAL, {
          role: "supplemental",
          name: "acme",
          tool: "poetry",
          location: at("pyproject.toml", 12),
        }),
        index(INTERNAL, {
          role: "extra",
          name: "acme",
          tool: "pdm",
          location: at("pyproject.toml", 20),
        }),
        index("https://pypi.org/simple", { role: "primary", location: at("requirements.txt", 2) }),
      ],
      settings: [{
        name: "index-strategy",
        value: "unsafe-best-match",
        location: at("uv.toml", 5),
      }],
    }),
  );
  assert.deepEqual(findings.map((f) => `${f.location?.file}:${f.location?.line} ${f.subject}`), [
    `env:PIP_EXTRA_INDEX_URL:1 index:${INTERNAL}`,
    `pyproject.toml:7 index:${INTERNAL}`,
    `pyproject.toml:12 index:${INTERNAL}`,
    `pyproject.toml:20 index:${INTERNAL}`,
    `requirements.txt:1 index:${INTERNAL}`,
    "uv.toml:5 setting:index-strategy=unsafe-best-match",
  ]);
  const fixes = Object.fromEntries(
    findings.map((f) => [`${f.location?.file}:${f.location?.line}`, f.fix]),
  );
  assert.match(
    fixes["pyproject.toml:7"]!,
    /explicit = true.*\[tool\.uv\.sources\] <package> = \{ index = "acme" \}/,
  );
  assert.match(fixes["pyproject.toml:12"]!, /priority = "explicit".*source = "acme"/);
  assert.match(fixes["pyproject.toml:20"]!, /include_packages/);
  assert.match(fixes["requirements.txt:1"]!, /--index-url/);
});

Deno.test("no-dependency-confusion (b): a lock entry from another index than the manifest routes to", async () => {
  const findings = await runCheck(
    checks.source.noDependencyConfusion(),
    snapshotOf({
      indexes: [
        index(INTERNAL, {
          role: "explicit",
          name: "acme",
          tool: "uv",
          location: at("svc/pyproject.toml", 9),
        }),
      ],
      packages: [
        pkg("acme-features>=0.4", {
          layer: "manifest",
          source: { kind: "index", name: "acme" },
          locations: [at("svc/pyproject.toml", 4)],
        }),
        pkg("acme-features==0.4.2", {
          layer: "lock",
          source: { kind: "index", url: "https://pypi.org/simple" },
          locations: [at("svc/uv.lock", 5)],
        }),
        pkg("acme-features==0.4.2", {
          layer: "lock",
          source: { kind: "index", url: INTERNAL },
          locations: [at("other/uv.lock", 5)],
        }),
      ],
    }),
  );
  assert.deepEqual(findings.map((f) => [f.location, f.message]), [[
    at("svc/uv.lock", 5),
    `acme-features is locked from https://pypi.org/simple, but svc/pyproject.toml:4 routes it to ${INTERNAL}.`,
  ]]);
});

Deno.test("no-dependency-confusion (c): internal names resolve only from internal indexes", async () => {
  const check = checks.source.noDependencyConfusion({
    internalPackages: ["acme-*"],
    internalIndexes: ["https://pypi.acme.example/*"],
  });
  const leaky = await runCheck(
    check,
    snapshotOf({
      indexes: [],
      packages: [
        pkg("acme-features==0.4.2", { locations: [at("requirements.txt", 1)] }),
        pkg("acme-models==1.0", {
          layer: "lock",
          source: { kind: "index", url: "https://pypi.org/simple" },
          locations: [at("uv.lock", 3)],
        }),
        pkg("numpy==1.26.4", { locations: [at("requirements.txt", 2)] }),
      ],
    }),
  );
  assert.deepEqual(leaky.map((f) => `${f.location?.file}:${f.location?.line} ${f.subject}`), [
    "requirements.txt:1 pkg:pypi/acme-features@0.4.2",
    "uv.lock:3 pkg:pypi/acme-models@1.0",
  ]);
  assert.match(leaky[0].message, /can be resolved from https:\/\/pypi\.org\/simple/);
  assert.match(leaky[1].message, /may already be an attacker's upload/);
  // One internal mirror for everything, or explicit routing, is safe.
  const mirror = await runCheck(
    check,
    snapshotOf({
      indexes: [index(INTERNAL, { role: "primary" })],
      packages: [pkg("acme-features==0.4.2")],
    }),
  );
  assert.deepEqual(mirror, []);
  const routed = await runCheck(
    check,
    snapshotOf({
      indexes: [index(INTERNAL, { role: "explicit", name: "acme" })],
      packages: [
        pkg("acme-features>=0.4", { layer: "manifest", source: { kind: "index", name: "acme" } }),
      ],
    }),
  );
  assert.deepEqual(routed, []);
});

Deno.test("vcs-pinned: branches, tags, missing revisions and unhashed URLs; commits and hashes pass", async () => {
  const commit = "0123456789abcdef0123456789abcdef01234567";
  const findings = await runCheck(
    checks.source.vcsPinned(),
    snapshotOf({
      packages: [
        pkg("a", {
          source: { kind: "vcs", vcs: "git", url: "https://github.com/o/a", ref: "main" },
          locations: [at("r.txt", 1)],
        }),
        pkg("b", {
          source: { kind: "vcs", vcs: "git", url: "https://github.com/o/b" },
          locations: [at("r.txt", 2)],
        }),
        pkg("c", {
          source: { kind: "vcs", vcs: "git", url: "https://github.com/o/c", ref: commit },
          locations: [at("r.txt", 3)],
        }),
        pkg("d", {
          layer: "lock",
          source: { kind: "vcs", vcs: "git", url: "https://github.com/o/d", ref: "v1", commit },
          locations: [at("uv.lock", 4)],
        }),
        pkg("e", {
          source: { kind: "url", url: "https://x.example/e-1.0.tar.gz" },
          locations: [at("r.txt", 5)],
        }),
        pkg("f", {
          source: { kind: "url", url: "https://x.example/f-1.0.tar.gz" },
          hashes: ["sha256:" + "f".repeat(64)],
          locations: [at("r.txt", 6)],
        }),
        pkg("g", {
          source: { kind: "url", url: "file:///opt/wheels/g-1.0.whl" },
          locations: [at("r.txt", 7)],
        }),
      ],
    }),
  );
  assert.deepEqual(findings.map((f) => f.subject), ["pkg:pypi/a", "pkg:pypi/b", "pkg:pypi/e"]);
  assert.match(findings[0].message, /at "main", a branch or tag that can move/);
  assert.match(findings[1].message, /with no revision/);
  assert.match(findings[0].fix!, /git\+https:\/\/github\.com\/o\/a@<full commit id>/);
});

Deno.test("allowed-indexes: conda channel names and URLs compare equal", async () => {
  const findings = await runCheck(
    checks.source.allowedIndexes(),
    snapshotOf({
      indexes: [
        index("conda-forge", { role: "conda-channel" }),
        index("https://conda.anaconda.org/conda-forge/", { role: "conda-channel" }),
        index("defaults", { role: "conda-channel" }),
        index("pytorch", { role: "conda-channel" }),
      ],
    }),
  );
  assert.deepEqual(findings.map((f) => f.subject), ["index:defaults", "index:pytorch"]);
});

Deno.test("hash-pinned covers conda: environment.yml specs need a conda-lock with sha256", async () => {
  const sha = "sha256:" + "e".repeat(64);
  const findings = await runCheck(
    checks.signature.hashPinned(),
    snapshotOf({
      packages: [
        pkg("numpy", {
          ecosystem: "conda",
          specifier: "=1.26",
          layer: "manifest",
          locations: [at("environment.yml", 5)],
        }),
        pkg("python", {
          ecosystem: "conda",
          specifier: ">=3.10",
          layer: "manifest",
          locations: [at("environment.yml", 6)],
        }),
        pkg("numpy==1.26.4", {
          ecosystem: "conda",
          layer: "lock",
          hashes: [sha, "md5:" + "0".repeat(32)],
          locations: [at("conda-lock.yml", 9)],
        }),
        pkg("libzlib==1.3", {
          ecosystem: "conda",
          layer: "lock",
          hashes: ["md5:" + "1".repeat(32)],
          locations: [at("conda-lock.yml", 20)],
        }),
      ],
    }),
  );
  assert.deepEqual(findings.map((f) => `${f.location?.file}:${f.location?.line} ${f.subject}`), [
    "conda-lock.yml:20 pkg:conda/libzlib@1.3",
    "environment.yml:6 pkg:conda/python",
  ]);
  assert.match(findings[1].fix!, /conda-lock/);
});

Deno.test("no-dependency-confusion (b): several routes per name (extras, markers) are all allowed", async () => {
  const cpu = "https://download.pytorch.org/whl/cpu", cu = "https://download.pytorch.org/whl/cu128";
  const findings = await runCheck(
    checks.source.noDependencyConfusion(),
    snapshotOf({
      indexes: [
        index(cpu, { role: "explicit", name: "cpu", tool: "uv" }),
        index(cu, { role: "explicit", name: "cu128", tool: "uv" }),
      ],
      packages: [
        pkg("torch>=2", {
          layer: "manifest",
          source: { kind: "index", name: "cpu", url: cpu },
          groups: ["cpu"],
          locations: [at("pyproject.toml", 4)],
        }),
        pkg("torch>=2", {
          layer: "manifest",
          source: { kind: "index", name: "cu128", url: cu },
          groups: ["gpu"],
          locations: [at("pyproject.toml", 5)],
        }),
        pkg("torch==2.8.0", {
          layer: "lock",
          source: { kind: "index", url: cpu },
          locations: [at("uv.lock", 10)],
        }),
        pkg("torch==2.8.0+cu128", {
          layer: "lock",
          source: { kind: "index", url: cu },
          locations: [at("uv.lock", 20)],
        }),
        pkg("torch==2.8.0", {
          layer: "lock",
          source: { kind: "index", url: "https://evil.example/simple" },
          locations: [at("uv.lock", 30)],
        }),
      ],
    }),
  );
  assert.deepEqual(findings.map((f) => f.location), [at("uv.lock", 30)]);
  assert.match(findings[0].message, /routes it to .*cpu or .*cu128/);
});

Deno.test("no-dependency-confusion: pipenv searching all sources, and one finding per internal lock entry", async () => {
  const findings = await runCheck(
    checks.source.noDependencyConfusion({
      internalPackages: ["acme-*"],
      internalIndexes: [INTERNAL],
    }),
    snapshotOf({
      indexes: [
        index(INTERNAL, {
          role: "extra",
          name: "acme",
          tool: "pipenv",
          location: at("Pipfile", 6),
        }),
      ],
      packages: [
        pkg("acme-features>=0.4", {
          layer: "manifest",
          source: { kind: "index", name: "acme", url: INTERNAL },
          locations: [at("Pipfile", 12)],
        }),
        pkg("acme-features==0.4.2", {
          layer: "lock",
          source: { kind: "index", url: "https://pypi.org/simple" },
          locations: [at("Pipfile.lock", 20)],
        }),
      ],
    }),
  );
  assert.deepEqual(findings.map((f) => `${f.location?.file}:${f.location?.line}`), [
    "Pipfile:6",
    "Pipfile.lock:20",
  ]);
  assert.match(findings[0].fix!, /install_search_all_sources.*index = "acme"/);
});

Deno.test("https-only: the fix names each installer's own TLS switch", async () => {
  const findings = await runCheck(
    checks.source.httpsOnly(),
    snapshotOf({
      settings: [
        { name: "trusted-host", value: "a.example", location: at("requirements.txt", 1) },
        { name: "trusted-host", value: "b.example", location: at("Pipfile", 3) },
        { name: "trusted-host", value: "c.example", location: { file: "env:UV_INSECURE_HOST" } },
        { name: "trusted-host", value: "d.example", location: { file: "env:PIP_TRUSTED_HOST" } },
      ],
    }),
  );
  const fixes = Object.fromEntries(findings.map((f) => [f.subject, f.fix]));
  assert.match(fixes["host:a.example"]!, /^Remove --trusted-host from requirements\.txt/);
  assert.match(fixes["host:b.example"]!, /^Set verify_ssl = true on the source in Pipfile/);
  assert.match(fixes["host:c.example"]!, /^Unset UV_INSECURE_HOST/);
  assert.match(fixes["host:d.example"]!, /^Unset PIP_TRUSTED_HOST/);
});

Deno.test("vcs-pinned: a manifest tag passes when the lock beside it records the commit; md5 is no hash", async () => {
  const commit = "0123456789abcdef0123456789abcdef01234567";
  const findings = await runCheck(
    checks.source.vcsPinned(),
    snapshotOf({
      packages: [
        pkg("mylib", {
          layer: "manifest",
          source: { kind: "vcs", vcs: "git", url: "https://github.com/o/mylib", ref: "v1.0" },
          locations: [at("pyproject.toml", 4)],
        }),
        pkg("mylib==1.0", {
          layer: "lock",
          source: {
            kind: "vcs",
            vcs: "git",
            url: "https://github.com/o/mylib",
            ref: "v1.0",
            commit,
          },
          locations: [at("uv.lock", 8)],
        }),
        pkg("other", {
          layer: "manifest",
          source: { kind: "vcs", vcs: "git", url: "https://github.com/o/other", ref: "main" },
          locations: [at("pyproject.toml", 5)],
        }),
        pkg("arch", {
          source: { kind: "url", url: "https://x.example/arch-1.0.tar.gz" },
          hashes: ["md5:" + "0".repeat(32)],
          locations: [at("r.txt", 1)],
        }),
      ],
    }),
  );
  assert.deepEqual(findings.map((f) => f.subject), ["pkg:pypi/other", "pkg:pypi/arch"]);
  assert.match(
    findings[0].fix!,
    /\[tool\.uv\.sources\] other = \{ git = .*rev = "<full commit id>"/,
  );
});

Deno.test("allowed-indexes: a bare find-links directory is a path, not a conda channel", async () => {
  const findings = await runCheck(
    checks.source.allowedIndexes({
      indexes: ["https://pypi.org/simple", "https://conda.anaconda.org/*"],
    }),
    snapshotOf({
      indexes: [
        index("wheels", { role: "find-links" }),
        index("bioconda", { role: "conda-channel" }),
      ],
    }),
  );
  assert.deepEqual(findings.map((f) => f.subject), ["index:wheels"]);
  assert.match(findings[0].fix!, /add "wheels"/);
});
