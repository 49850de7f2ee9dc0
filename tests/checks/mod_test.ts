import assert from "node:assert/strict";
import { checks } from "../../checks/mod.ts";
import { normaliseIndexUrl } from "../../checks/_shared.ts";
import { index, model, pkg, runCheck, snapshotOf, venv } from "../../testing.ts";

const SHA = "sha256:" + "ab".repeat(32);

Deno.test("signature.hash-pinned: unhashed, unpinned, VCS, covered and exempt packages", async () => {
  const findings = await runCheck(
    checks.signature.hashPinned(),
    snapshotOf({
      packages: [
        pkg("numpy==1.26.4", { hashes: [SHA] }),
        pkg("torch==2.3.1", { locations: [{ file: "requirements.txt", line: 2 }] }),
        pkg("scipy>=1.11", { hashes: [SHA], locations: [{ file: "requirements.txt", line: 3 }] }),
        pkg("md5only==1.0", {
          hashes: ["md5:" + "0".repeat(32)],
          locations: [{ file: "requirements.txt", line: 4 }],
        }),
        pkg("lib", {
          source: { kind: "vcs", vcs: "git", url: "https://github.com/o/lib", ref: "main" },
          locations: [{ file: "requirements.txt", line: 5 }],
        }),
        pkg("local", {
          source: { kind: "path", path: "./local" },
          locations: [{ file: "requirements.txt", line: 6 }],
        }),
        pkg("numpy>=1.26", { layer: "manifest", locations: [{ file: "pyproject.toml", line: 7 }] }),
        pkg("fastapi>=0.111", {
          layer: "manifest",
          locations: [{ file: "pyproject.toml", line: 8 }],
        }),
      ],
    }),
  );
  assert.deepEqual(
    findings.map((f) => [f.location?.file, f.location?.line, f.subject, f.message]),
    [
      [
        "pyproject.toml",
        8,
        "pkg:pypi/fastapi",
        "fastapi is declared in pyproject.toml but no requirements or lock file pins it with a hash.",
      ],
      ["requirements.txt", 2, "pkg:pypi/torch@2.3.1", "torch is pinned but has no hash."],
      [
        "requirements.txt",
        3,
        "pkg:pypi/scipy",
        'scipy is hashed but not pinned to one version (specifier ">=1.11").',
      ],
      ["requirements.txt", 4, "pkg:pypi/md5only@1.0", "md5only is pinned but has no hash."],
      [
        "requirements.txt",
        5,
        "pkg:pypi/lib",
        "lib is installed from a git checkout, which cannot be hash-checked.",
      ],
    ],
  );
  assert.ok(findings.every((f) => f.fix && f.severity === "error"));
  const strictLocal = await runCheck(
    checks.signature.hashPinned({ exemptLocal: false }),
    snapshotOf({ packages: [pkg("local", { source: { kind: "path", path: "./local" } })] }),
  );
  assert.equal(strictLocal.length, 1);
});

Deno.test("source.allowed-indexes: normalised comparison, globs, roles in messages", async () => {
  assert.equal(normaliseIndexUrl("HTTPS://PyPI.org:443/simple/"), "https://pypi.org/simple");
  assert.equal(normaliseIndexUrl("https://u:p@host:8443/x/"), "https://host:8443/x");
  assert.equal(normaliseIndexUrl("https://***@Host/simple/"), "https://host/simple");
  const findings = await runCheck(
    checks.source.allowedIndexes({
      indexes: ["https://pypi.org/simple", "https://pypi.corp.example/**"],
    }),
    snapshotOf({
      indexes: [
        index("https://PYPI.org/simple/"),
        index("https://pypi.corp.example/team-a/simple", { role: "extra" }),
        index("https://evil.example/simple", {
          role: "extra",
          location: { file: "pip.conf", line: 3 },
        }),
        index("./wheels", { role: "find-links", location: { file: "requirements.txt", line: 4 } }),
      ],
    }),
  );
  assert.deepEqual(findings.map((f) => [f.subject, f.message, f.location]), [
    [
      "index:https://evil.example/simple",
      "Extra index https://evil.example/simple is not on the allowed list.",
      { file: "pip.conf", line: 3 },
    ],
    ["index:./wheels", "Find-links location ./wheels is not on the allowed list.", {
      file: "requirements.txt",
      line: 4,
    }],
  ]);
  // `*` stays within a path segment, so a host glob cannot be satisfied through the path.
  const hosts = await runCheck(
    checks.source.allowedIndexes({ indexes: ["https://*.jfrog.io/**"] }),
    snapshotOf({
      indexes: [
        index("https://acme.jfrog.io/artifactory/api/pypi/simple"),
        index("https://evil.example/x.jfrog.io/simple"),
      ],
    }),
  );
  assert.deepEqual(hosts.map((f) => f.subject), ["index:https://evil.example/x.jfrog.io/simple"]);
  const defaults = await runCheck(
    checks.source.allowedIndexes(),
    snapshotOf({ indexes: [index("https://pypi.org/simple/")] }),
  );
  assert.deepEqual(defaults, []);
});

Deno.test("source.https-only: http indexes, trusted hosts, plaintext package URLs", async () => {
  const findings = await runCheck(
    checks.source.httpsOnly({ allowHosts: ["127.0.0.1"] }),
    snapshotOf({
      indexes: [
        index("http://mirror.example/simple"),
        index("http://127.0.0.1:8080/simple"),
        index("https://pypi.org/simple"),
      ],
      settings: [{
        name: "trusted-host",
        value: "mirror.example",
        location: { file: "requirements.txt", line: 2 },
      }],
      packages: [
        pkg("a", {
          source: { kind: "url", url: "http://files.example/a-1.0.tar.gz" },
          locations: [{ file: "requirements.txt", line: 3 }],
        }),
        pkg("b", {
          source: { kind: "vcs", vcs: "git", url: "git://github.com/o/b" },
          locations: [{ file: "requirements.txt", line: 4 }],
        }),
        pkg("c", {
          source: { kind: "vcs", vcs: "git", url: "https://github.com/o/c" },
          locations: [{ file: "requirements.txt", line: 5 }],
        }),
      ],
    }),
  );
  assert.deepEqual(findings.map((f) => f.subject), [
    "index:http://mirror.example/simple",
    "host:mirror.example",
    "pkg:pypi/a",
    "pkg:pypi/b",
  ]);
});

Deno.test("venv.isolated: system site-packages is an error; no venv is a warning unless allowed", async () => {
  const leaky = await runCheck(
    checks.venv.isolated(),
    snapshotOf({
      environments: [
        venv(".venv", {
          includeSystemSitePackages: true,
          location: { file: ".venv/pyvenv.cfg", line: 2 },
        }),
        venv("env2"),
      ],
    }),
  );
  assert.deepEqual(leaky.map((f) => [f.severity, f.subject, f.location]), [
    ["error", "env:.venv", { file: ".venv/pyvenv.cfg", line: 2 }],
  ]);
  const none = await runCheck(checks.venv.isolated(), snapshotOf({ environments: [] }));
  assert.deepEqual(none.map((f) => [f.severity, f.subject]), [["warning", "project:project"]]);
  assert.deepEqual(
    await runCheck(
      checks.venv.isolated({ requireEnvironment: false }),
      snapshotOf({ environments: [] }),
    ),
    [],
  );
  const system = await runCheck(
    checks.venv.isolated(),
    snapshotOf({ environments: [venv("/usr", { kind: "system" })] }),
  );
  assert.match(system[0].message, /system interpreter/);
});

Deno.test("hub.revision-pinned: missing, branch, dynamic and full-commit revisions", async () => {
  const findings = await runCheck(
    checks.hub.revisionPinned(),
    snapshotOf({
      models: [
        model("org/none", { location: { file: "a.py", line: 1 } }),
        model("org/branch", { revision: "main", location: { file: "a.py", line: 2 } }),
        model("org/short", { revision: "8bb2e6b", location: { file: "a.py", line: 3 } }),
        model("org/dynamic", { revisionDynamic: true, location: { file: "a.py", line: 4 } }),
        model("org/pinned", {
          revision: "8bb2e6b0d3d16d5a4a05d5e8e8e5bc6c51a7a3c2",
          location: { file: "a.py", line: 5 },
        }),
        model("owner/repo", {
          hub: "torch-hub",
          loader: "torch.hub.load",
          location: { file: "a.py", line: 6 },
        }),
      ],
    }),
  );
  assert.deepEqual(findings.map((f) => [f.severity, f.subject]), [
    ["error", "hf:org/none"],
    ["error", "hf:org/branch"],
    ["error", "hf:org/short"],
    ["warning", "hf:org/dynamic"],
    ["error", "torchhub:owner/repo"],
  ]);
  assert.match(findings[1].message, /"main", a branch, tag or short id/);
});

Deno.test("hub.no-remote-code: true is an error, dynamic a warning, false and absent pass", async () => {
  const findings = await runCheck(
    checks.hub.noRemoteCode(),
    snapshotOf({
      models: [
        model("org/a", { trustRemoteCode: true }),
        model("org/b", { trustRemoteCode: "dynamic" }),
        model("org/c", { trustRemoteCode: false }),
        model("org/d"),
      ],
    }),
  );
  assert.deepEqual(findings.map((f) => [f.severity, f.subject]), [["error", "hf:org/a"], [
    "warning",
    "hf:org/b",
  ]]);
});

Deno.test("per-check severity override replaces every finding's severity", async () => {
  const findings = await runCheck(
    checks.hub.noRemoteCode({}, { severity: "info" }),
    snapshotOf({ models: [model("org/a", { trustRemoteCode: true })] }),
  );
  assert.equal(findings[0].severity, "info");
});

Deno.test("bad params throw at configuration time, naming the key", () => {
  assert.throws(
    () => checks.source.allowedIndexes({ indexes: [""] } as never),
    /source\.allowed-indexes: invalid params: indexes\[0\]: Too small/,
  );
  assert.throws(() => checks.venv.isolated({ nope: 1 } as never), /Unrecognized key: "nope"/);
});

Deno.test("the catalogue maps 1:1 onto files: checks/<family>/<name>.ts defines <family>.<name>", async () => {
  const { catalogue } = await import("../../checks/mod.ts");
  const checksDir = new URL("../../checks/", import.meta.url);
  const files = new Set<string>();
  for await (const family of Deno.readDir(checksDir)) {
    if (!family.isDirectory) continue;
    for await (const file of Deno.readDir(new URL(`${family.name}/`, checksDir))) {
      if (!file.name.startsWith("_") && file.name !== "mod.ts") {
        files.add(`${family.name}/${file.name}`);
      }
    }
  }
  const expected = [...catalogue.keys()].map((id) => {
    const [family, name] = id.split(".");
    return `${family}/${name.replaceAll("-", "_")}.ts`;
  });
  assert.deepEqual([...files].sort(), expected.sort());
  for (const id of catalogue.keys()) {
    const [family, name] = id.split(".");
    const text = await Deno.readTextFile(
      new URL(`${family}/${name.replaceAll("-", "_")}.ts`, checksDir),
    );
    assert.match(text, new RegExp(`id: "${id.replace(".", "\\.")}"`), id);
  }
});
