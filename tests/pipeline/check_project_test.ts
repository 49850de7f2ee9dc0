// The library pipeline: one call does what `tollgate check` does, planned from the policy alone
// (the checks' `needs` and `wants`), so no pipeline or CLI code names a particular check.
import assert from "node:assert/strict";
import * as path from "node:path";
import { z } from "zod";
import {
  catalogue,
  checkProject,
  collectProject,
  defineCheck,
  definePolicy,
  modelFilePolicy,
  OptionError,
  policies,
  policyWants,
  scanModels,
} from "../../mod.ts";
import { checkJson, NOW as CLI_NOW, REPO } from "../_cli.ts";

const NOW = new Date(CLI_NOW);
const ML_APP = path.join(REPO, "examples/ml-app");

/** A check that wants a signature file collected, as signature.model-signed does. */
const wantsSignature = defineCheck({
  id: "custom.wants-signature",
  title: "t",
  description: "d",
  family: "signature",
  severity: "error",
  references: [],
  params: z.object({ signature: z.string().default("sigs/custom.sig") }).strict(),
  needs: ["signatures"],
  wants: (params) => ({ signatures: [{ signature: params.signature, model: "weights" }] }),
  remedy: "r",
  run: () => [],
});

Deno.test("checkProject gives the report tollgate check gives, on the same project", async () => {
  const cli = await checkJson(ML_APP, ["--no-machine-config"]);
  const { report, snapshot, policy } = await checkProject({
    root: ML_APP,
    now: NOW,
    sources: { offline: true },
  });
  assert.equal(policy.name, cli.report.policy);
  assert.equal(report.verdict, cli.report.verdict);
  assert.deepEqual(
    report.results.map((r) => [r.check, r.status, r.findings.length]),
    cli.report.results.map((r) => [r.check, r.status, r.findings.length]),
  );
  assert.ok(snapshot.packages.length > 0);
});

Deno.test("checks say what they want; collection plans from it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tollgate-pipeline-" });
  try {
    await Deno.mkdir(path.join(dir, "weights"));
    await Deno.mkdir(path.join(dir, "sigs"));
    await Deno.writeTextFile(path.join(dir, "weights", "w.bin"), "weights");
    await Deno.writeTextFile(path.join(dir, "sigs", "custom.sig"), "{}");
    const policy = definePolicy({ name: "p", checks: [wantsSignature()] });
    assert.deepEqual(policyWants(policy.checks), {
      signatures: [{ signature: "sigs/custom.sig", model: "weights" }],
      attestedPackages: [],
    });
    const snapshot = await collectProject({ root: dir, policy, now: NOW });
    assert.deepEqual(snapshot.signatures.map((s) => [s.path, s.modelPath]), [
      ["sigs/custom.sig", "weights"],
    ]);
    // Without the check, nobody asks for that file: it is not a model.sig, so it is not read.
    const without = await collectProject({ root: dir, now: NOW });
    assert.deepEqual(without.signatures, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("policyWants merges the wants of every check, once each", () => {
  const attested = catalogue.get("signature.package-attested")!;
  const signed = catalogue.get("signature.model-signed")!;
  const wants = policyWants([
    attested({ packages: ["torch", "numpy"] }),
    attested({ packages: ["torch"] }),
    signed({ signatures: [{ signature: "a.sig" }] }),
    signed({ signatures: [{ signature: "a.sig" }] }),
    wantsSignature(),
  ]);
  assert.deepEqual(wants.attestedPackages, ["torch", "numpy"]);
  assert.deepEqual(wants.signatures.map((s) => s.signature), ["a.sig", "sigs/custom.sig"]);
});

Deno.test("a model-file scan runs the checks a model-file snapshot can judge", async () => {
  const scanned = modelFilePolicy(policies.recommended);
  assert.ok(scanned.checks.length > 0);
  for (const check of scanned.checks) assert.deepEqual(check.definition.needs, ["artifacts"]);
  const fixture = path.join(REPO, "../shared/fixtures/models/malicious_eval.pkl");
  const { report } = await scanModels({ paths: [fixture], now: NOW });
  assert.equal(report.verdict, "fail");
});

Deno.test("a bad source URL is an OptionError naming the option", async () => {
  await assert.rejects(
    checkProject({ root: ML_APP, now: NOW, sources: { pypiUrl: "ftp://mirror" } }),
    (error: unknown) => error instanceof OptionError && error.option === "pypiUrl",
  );
});

Deno.test("no pipeline or CLI code names a particular check", async () => {
  const ids = [...catalogue.keys()];
  const files = ["cli.ts", ...await filesIn("pipeline"), ...await filesIn("cli")];
  for (const file of files) {
    // Code only: documentation examples may show a check id.
    const text = (await Deno.readTextFile(path.join(REPO, file)))
      .replace(/\/\*[\s\S]*?\*\//g, "");
    for (const id of ids) assert.ok(!text.includes(`"${id}"`), `${file} names ${id}`);
    assert.doesNotMatch(text, /from "\.\.?\/checks\/(?!mod\.ts)/, `${file} imports a check module`);
  }
});

async function filesIn(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(path.join(REPO, dir))) {
    if (entry.name.endsWith(".ts")) out.push(`${dir}/${entry.name}`);
  }
  return out;
}
