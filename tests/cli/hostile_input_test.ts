// Hostile input: what a malicious pull request could put in a scanned project.
import assert from "node:assert/strict";
import * as path from "node:path";
import { parseRequirements } from "../../collect/requirements/requirements.ts";
import { collect } from "../../collect/mod.ts";
import { checkJson, project, tollgate } from "../_cli.ts";

const SECRETS = {
  userinfo: "alice:Pa55w0rdUserInfo",
  query: "QueryTok3nValue9876",
  path: "Fury7ok3nAbCdEfGh12345",
  env: "EnvSecretValue424242",
};

Deno.test("credentials never appear in text, JSON, snapshot or error output", async () => {
  const dir = await project({
    "requirements.txt": [
      `--extra-index-url https://${SECRETS.userinfo}@pypi.corp.example/simple`,
      `--extra-index-url https://pypi.corp.example/simple?token=${SECRETS.query}`,
      `-i https://pypi.fury.io/${SECRETS.path}/acme/`,
      "--extra-index-url https://x.example/${CI_SECRET}/simple",
      "numpy==${CI_SECRET}",
      "torch==2.3.1",
      "",
    ].join("\n"),
  });
  const env = { CI_SECRET: SECRETS.env };
  const runs = await Promise.all([
    tollgate(["check", dir, "--offline"], { env }),
    tollgate(["check", dir, "--offline", "--format", "json"], { env }),
    tollgate(["snapshot", dir], { env }),
    tollgate(["check", dir, "--offline", "--expand-env"], { env }),
  ]);
  for (const run of runs) {
    for (const [where, secret] of Object.entries(SECRETS)) {
      if (where === "env" && run === runs[3]) continue; // opted in below
      assert.ok(!run.stdout.includes(secret), `${where} secret in stdout`);
      assert.ok(!run.stderr.includes(secret), `${where} secret in stderr`);
    }
  }
  // Without --expand-env, ${CI_SECRET} stays as written: the report says so and fails closed.
  assert.match(runs[1].stdout, /x\.example\/\$\{CI_SECRET\}\/simple/);
  assert.match(runs[1].stdout, /https:\/\/\*\*\*@pypi\.corp\.example\/simple/);
  assert.match(runs[1].stdout, /token=\*\*\*/);
  assert.match(runs[1].stdout, /pypi\.fury\.io\/\*\*\*\/acme/);
});

Deno.test("a policy found in the project cannot extend code or files outside the project", async () => {
  const marker = await Deno.makeTempDir();
  const outside = await project({ "base.yaml": "extends: [recommended]\n" });
  const evil = await project({
    "evil.ts": `Deno.writeTextFileSync(${
      JSON.stringify(path.join(marker, "ran"))
    }, "x");\nexport default {};\n`,
    "tollgate.yaml": "extends: [./evil.ts]\n",
  });
  const code = await tollgate(["check", evil], { write: true });
  assert.equal(code.code, 2);
  assert.match(
    code.stderr,
    /evil\.ts: is a TypeScript\/JavaScript policy pulled in by tollgate\.yaml from the scanned project/,
  );
  await assert.rejects(Deno.stat(path.join(marker, "ran")));

  const escaping = await project({
    "tollgate.yaml": `extends: [${JSON.stringify(path.join(outside, "base.yaml"))}]\n`,
  });
  const far = await tollgate(["check", escaping]);
  assert.equal(far.code, 2);
  assert.match(far.stderr, /base\.yaml: lies outside the scanned project/);

  // Named explicitly, the same policy is the user's own choice and loads.
  const named = await tollgate([
    "check",
    escaping,
    "--offline",
    "--policy",
    path.join(escaping, "tollgate.yaml"),
  ]);
  assert.notEqual(named.code, 2, named.stderr);
});

Deno.test("deep marker nesting and bracket runs are problems, parsed in linear time", () => {
  const nested = parseRequirements(`c ; ${"(".repeat(100_000)}\n`, { file: "r.txt" });
  assert.deepEqual(nested.packages, []);
  assert.match(nested.problems[0].message, /markers nest deeper than 32 parentheses/);
  const brackets = parseRequirements(`./b${"[".repeat(200_000)}\n`, { file: "r.txt" });
  assert.equal(brackets.problems.length + brackets.packages.length, 1);
});

Deno.test("names of built-in objects are not commands, formats, schemas or policies", async () => {
  for (
    const args of [["constructor"], ["check", "--format", "constructor"], ["schema", "toString"]]
  ) {
    const run = await tollgate(args);
    assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
  }
  const dir = await project({ "tollgate.yaml": "extends: [constructor]\n" });
  const run = await tollgate(["check", dir]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /unknown built-in policy "constructor"/);
});

Deno.test("a TS policy with a bad shape is a configuration error, not a silent pass", async () => {
  const dir = await project({
    "fatal.ts":
      'export default { name: "x", checks: [], disabled: [], waivers: [], failOn: "fatal" };\n',
    "broken.ts":
      'export default { name: "x", checks: [{ id: "a" }], disabled: [], waivers: [], failOn: "error" };\n',
  });
  for (const file of ["fatal.ts", "broken.ts"]) {
    const run = await tollgate(["check", dir, "--policy", path.join(dir, file)]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /expected a default export made with definePolicy/);
  }
});

Deno.test("problems are ordered by line number, not as text", async () => {
  const lines = Array.from(
    { length: 15 },
    (_, i) => (i === 6 || i === 14 ? "torch=>2" : `p${i}==1`),
  );
  const dir = await project({ "requirements.txt": lines.join("\n") + "\n" });
  const snapshot = await collect({ root: dir, env: {} });
  assert.deepEqual(snapshot.problems.map((p) => p.line), [7, 15]);
});

Deno.test("unwritable --format path exits 3 with the path, not an internal error", async () => {
  const run = await tollgate([
    "check",
    "examples/ml-app",
    "--offline",
    "--format",
    "json=/nonexistent/dir/r.json",
  ], { write: true });
  assert.equal(run.code, 3);
  assert.equal(
    run.stderr,
    "tollgate: cannot write /nonexistent/dir/r.json: its directory does not exist\n",
  );
});

Deno.test("credentialed indexes still match a credential-free allow list", async () => {
  const dir = await project({
    "requirements.txt": "-i https://bob:pw@pypi.corp.example/simple/\nnumpy==1.0\n",
    "tollgate.yaml":
      'extends: [recommended]\nchecks:\n  source.allowed-indexes:\n    indexes: ["https://pypi.corp.example/*"]\n',
  });
  const { report } = await checkJson(dir);
  assert.equal(report.results.find((r) => r.check === "source.allowed-indexes")!.status, "pass");
});

Deno.test("URLs quoted in problem messages are redacted too", async () => {
  const dir = await project({
    "requirements.txt": `baz==1.0 --hash=sha256:${
      "0".repeat(64)
    } https://x:PrObLeMsEcReT99@y.example/s\n`,
  });
  const snapshot = await collect({ root: dir, env: {} });
  assert.equal(snapshot.problems.length, 1);
  assert.ok(!JSON.stringify(snapshot).includes("PrObLeMsEcReT99"), snapshot.problems[0].message);
  assert.match(snapshot.problems[0].message, /https:\/\/\*\*\*@y\.example/);
});
