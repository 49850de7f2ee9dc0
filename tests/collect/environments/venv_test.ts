import assert from "node:assert/strict";
import * as path from "node:path";
import fc from "fast-check";
import { parsePyvenvCfg } from "../../../collect/environments/venv.ts";
import { collect } from "../../../collect/mod.ts";
import { checks } from "../../../checks/mod.ts";
import { runCheck, snapshotOf, venv } from "../../../testing.ts";

Deno.test("pyvenv.cfg: keys, case, the line of include-system-site-packages, bad values", () => {
  const { environment, problems } = parsePyvenvCfg(
    "home = /usr/bin\nInclude-System-Site-Packages = TRUE\nversion_info = 3.12.1.final.0\nnot a pair\n",
    { file: "env/pyvenv.cfg", envPath: "env" },
  );
  assert.deepEqual(environment, {
    path: "env",
    kind: "venv",
    includeSystemSitePackages: true,
    pythonVersion: "3.12.1.final.0",
    home: "/usr/bin",
    distributions: [],
    location: { file: "env/pyvenv.cfg", line: 2 },
  });
  assert.deepEqual(problems, [{
    file: "env/pyvenv.cfg",
    line: 4,
    message: 'expected "key = value", found "not a pair"',
  }]);
  const odd = parsePyvenvCfg("include-system-site-packages = yes\n", { file: "p", envPath: "." });
  assert.equal(odd.environment.includeSystemSitePackages, false);
  assert.match(odd.problems[0].message, /expected true or false, found "yes"/);
});

Deno.test("property: pyvenv.cfg parsing never throws and problems point inside the file", () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 300 }), (text) => {
      const lines = text.split(/\r\n|\r|\n/).length;
      const { problems } = parsePyvenvCfg(text, { file: "p", envPath: "." });
      for (const p of problems) assert.ok(p.line! >= 1 && p.line! <= lines);
    }),
    { numRuns: 1000 },
  );
});

async function makeVenv(dir: string, systemSitePackages: boolean) {
  const args = [
    "-m",
    "venv",
    "--without-pip",
    ...(systemSitePackages ? ["--system-site-packages"] : []),
    dir,
  ];
  const out = await new Deno.Command("python3", { args, stderr: "piped" }).output();
  assert.equal(out.code, 0, `python3 -m venv failed: ${new TextDecoder().decode(out.stderr)}`);
}

Deno.test("real virtualenvs made by python3 -m venv: isolated passes, --system-site-packages fails", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tollgate-venv-" });
  try {
    await checkVenvs(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

async function checkVenvs(dir: string) {
  await makeVenv(path.join(dir, ".venv"), false);
  await makeVenv(path.join(dir, "tools", "env"), true);
  const snapshot = await collect({ root: dir, env: {} });
  assert.deepEqual(snapshot.environments.map((e) => [e.path, e.includeSystemSitePackages]), [
    [".venv", false],
    ["tools/env", true],
  ]);
  assert.match(snapshot.environments[0].pythonVersion ?? "", /^3\.\d+\.\d+/);
  const findings = await runCheck(checks.venv.isolated(), snapshot);
  assert.deepEqual(findings.map((f) => [f.subject, f.location?.file]), [[
    "env:tools/env",
    "tools/env/pyvenv.cfg",
  ]]);
  assert.equal(typeof findings[0].location?.line, "number");
}

Deno.test("venv.isolated: pip installs into the system interpreter, error without a venv", async () => {
  const system = {
    path: "/usr/local/lib/python3.11/site-packages",
    kind: "system" as const,
    includeSystemSitePackages: false,
    distributions: [{
      name: "torch",
      version: "2.3.1",
      installer: "pip",
      requested: true,
      location: { file: "/usr/local/lib/python3.11/site-packages" },
    }],
    location: { file: "/usr/local/lib/python3.11/site-packages" },
  };
  const alone = await runCheck(checks.venv.isolated(), snapshotOf({ environments: [system] }));
  assert.deepEqual(alone.map((f) => [f.severity, f.subject]), [["error", `env:${system.path}`]]);
  assert.match(alone[0].message, /pip installed packages into the system interpreter .* \(torch\)/);
  const beside = await runCheck(
    checks.venv.isolated(),
    snapshotOf({ environments: [system, venv(".venv")] }),
  );
  assert.deepEqual(beside.map((f) => f.severity), ["warning"]);
});
