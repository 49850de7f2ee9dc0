import assert from "node:assert/strict";
import teamPolicy, { bannedPackages } from "../../examples/policies/team.policy.ts";
import { pkg, runCheck, runPolicy, snapshotOf } from "../../testing.ts";
import { checkJson, NOW } from "../_cli.ts";

Deno.test("custom check from examples/policies: banned packages are found with their reason", async () => {
  const findings = await runCheck(
    bannedPackages(),
    snapshotOf({ packages: [pkg("torchtriton==2.0.0"), pkg("numpy==1.26.4")] }),
  );
  assert.deepEqual(findings.map((f) => [f.subject, f.message]), [[
    "pkg:pypi/torchtriton",
    "torchtriton is banned: malicious package from the 2022 PyTorch nightly dependency-confusion attack.",
  ]]);
});

Deno.test("team TS policy: extends recommended, allows the internal index, adds the custom check", async () => {
  assert.equal(teamPolicy.name, "team-ml");
  assert.ok(teamPolicy.checks.some((c) => c.id === "custom.banned-packages"));
  const report = await runPolicy(
    teamPolicy,
    snapshotOf({ packages: [pkg("ruff==0.4.8", { hashes: ["sha256:" + "1".repeat(64)] })] }),
    { now: new Date(NOW) },
  );
  const banned = report.results.find((r) => r.check === "custom.banned-packages")!;
  assert.equal(banned.status, "fail");
  assert.match(banned.findings[0].message, /shared pre-commit image/);
});

Deno.test("team TS policy on examples/ml-app via --policy: custom check runs, waiver expired", async () => {
  const { code, stderr, report } = await checkJson("examples/ml-app", [
    "--policy",
    "examples/policies/team.policy.ts",
  ]);
  assert.equal(code, 1, stderr);
  const byId = Object.fromEntries(report.results.map((r) => [r.check, r]));
  assert.equal(byId["source.allowed-indexes"].status, "pass");
  assert.deepEqual(byId["custom.banned-packages"].findings.map((f) => f.location), [
    { file: "pyproject.toml", line: 14 },
    { file: "requirements-dev.txt", line: 2 },
  ]);
  // The venv waiver expired on 2026-03-31: the finding counts again and the waiver is reported.
  assert.equal(byId["venv.isolated"].status, "fail");
  assert.match(byId["policy.waivers"].findings[0].message, /expired on 2026-03-31/);
  const { report: earlier } = await checkJson("examples/ml-app", [
    "--now",
    "2026-03-01",
    "--policy",
    "examples/policies/team.policy.ts",
  ]);
  assert.equal(earlier.results.find((r) => r.check === "venv.isolated")!.waived.length, 1);
});

Deno.test("team YAML policy on examples/ml-app: params, severity override and waiver apply", async () => {
  const { code, stderr, report } = await checkJson("examples/ml-app", [
    "--policy",
    "examples/policies/team.yaml",
  ]);
  assert.equal(code, 1, stderr);
  assert.equal(report.policy, "examples/policies/team.yaml");
  const byId = Object.fromEntries(report.results.map((r) => [r.check, r]));
  assert.equal(byId["source.allowed-indexes"].status, "pass");
  assert.deepEqual(byId["hub.no-remote-code"].findings.map((f) => f.severity), ["warning"]);
  assert.deepEqual(byId["signature.hash-pinned"].waived.map((f) => f.subject), [
    "pkg:pypi/sentiment-features@0.4.2",
  ]);
  assert.equal(byId["policy.waivers"].findings.length, 0);
  assert.ok(byId["hub.revision-pinned"].status === "fail");
});
