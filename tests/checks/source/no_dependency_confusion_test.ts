import assert from "node:assert/strict";
import { checks } from "../../../checks/mod.ts";
import { index, pkg, runCheck, snapshotOf } from "../../../testing.ts";
import { at } from "./_source.ts";

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
