import assert from "node:assert/strict";
import * as path from "node:path";
import { main } from "../../cli.ts";
import { project, REPO, tollgate } from "../_cli.ts";
import { SHA } from "./_check.ts";

Deno.test("usage errors exit 2; --help exits 0 for every command", async () => {
  for (
    const args of [
      ["frobnicate"],
      ["check", "--bogus"],
      ["check", "--now", "yesterday"],
      ["check", "--format", "xml"],
      ["schema", "nope"],
      ["explain", "no.such"],
      ["check", "--fail-on", "fatal"],
      [],
    ]
  ) {
    const lines: string[] = [];
    const code = await main(args, {
      stdout: (t) => lines.push(t),
      stderr: (t) => lines.push(t),
      isTerminal: false,
    });
    assert.equal(code, 2, `${args.join(" ")}: ${lines.join("")}`);
  }
  for (const command of ["check", "snapshot", "eval", "checks", "explain", "init", "schema"]) {
    const out: string[] = [];
    const code = await main([command, "--help"], {
      stdout: (t) => out.push(t),
      stderr: () => {},
      isTerminal: false,
    });
    assert.equal(code, 0);
    assert.match(out.join(""), new RegExp(`^Usage: tollgate ${command}`));
  }
  const eval2 = await tollgate(["eval", path.join(REPO, "deno.json")]);
  assert.equal(eval2.code, 2);
  assert.match(eval2.stderr, /deno\.json: schema: not a tollgate\.snapshot\/v1/);
});

Deno.test("checks lists every check; explain shows params, fix and the ML06 item", async () => {
  const list = await tollgate(["checks", "--format", "json"]);
  const ids = JSON.parse(list.stdout).map((c: { id: string }) => c.id);
  assert.deepEqual(ids, [
    "artifact.no-embedded-code",
    "artifact.no-unsafe-pickle",
    "artifact.safe-format",
    "artifact.safe-loaders",
    "freshness.max-age",
    "freshness.min-release-age",
    "freshness.no-known-vulnerabilities",
    "freshness.not-yanked",
    "hub.lookalike-publishers",
    "hub.model-resolves",
    "hub.no-remote-code",
    "hub.revision-pinned",
    "hub.safe-weights",
    "hub.trusted-publishers",
    "infra.no-plaintext-secrets",
    "infra.no-unauthenticated-ui",
    "review.supply-chain-owners",
    "signature.hash-pinned",
    "signature.installed-integrity",
    "signature.model-signed",
    "signature.package-attested",
    "source.allowed-indexes",
    "source.https-only",
    "source.lookalike-packages",
    "source.no-dependency-confusion",
    "source.unclaimed-names",
    "source.vcs-pinned",
    "venv.isolated",
    "venv.matches-lock",
  ]);
  const explain = await tollgate(["explain", "source.allowed-indexes"]);
  assert.equal(explain.code, 0);
  assert.match(explain.stdout, /Enforces: ML06 · Use secure package repositories/);
  assert.match(explain.stdout, /indexes \(default \["https:\/\/pypi\.org\/simple"/);
  assert.match(explain.stdout, /Fix: Remove the index/);
});

Deno.test("init writes a YAML policy that loads, and refuses to overwrite", async () => {
  const dir = await project({ "requirements.txt": `numpy==1.26.4 --hash=sha256:${SHA}\n` });
  const init = await tollgate(["init", dir], { write: true });
  assert.equal(init.code, 0, init.stderr);
  const check = await tollgate(["check", dir, "--offline", "--format", "json"]);
  assert.equal(check.code, 0, check.stderr);
  assert.equal(
    JSON.parse(check.stdout).policy,
    path.join(path.relative(REPO, dir), "tollgate.yaml"),
  );
  const again = await tollgate(["init", dir], { write: true });
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already exists; pass --force/);
  const ts = await tollgate(["init", dir, "--type", "ts"], { write: true });
  assert.equal(ts.code, 0);
  assert.match(
    ts.stdout,
    /loads only when named: tollgate check .* --policy .*tollgate\.policy\.ts/,
  );
  const policyFile = path.join(dir, "tollgate.policy.ts");
  assert.match(await Deno.readTextFile(policyFile), /definePolicy/);
  const withTs = await tollgate(["check", dir, "--offline", "--policy", policyFile]);
  assert.equal(withTs.code, 0, withTs.stderr);
});
