// Several formats from one run of the real CLI, each file read back by its independent reader.
import assert from "node:assert/strict";
import * as path from "node:path";
import MarkdownIt from "markdown-it";
import { Report } from "../../core/report.ts";
import { NOW, REPO, tollgate } from "../_cli.ts";
import { assertValidSarif, ML_APP, parseCommand, parseXml } from "./_reports.ts";
import { assertGraphResolves, assertValidBom, values } from "./_cyclonedx.ts";

const OFFLINE = ["--offline", "--no-machine-config", "--now", NOW];
const MODELS = path.join(REPO, "..", "shared", "fixtures", "models");

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const [source, target] = [path.join(from, entry.name), path.join(to, entry.name)];
    if (entry.isDirectory) await copyTree(source, target);
    else if (entry.isFile) await Deno.copyFile(source, target);
  }
}

Deno.test("cli: check --format text --format sarif=… junit=… markdown=… github=… writes each, valid", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tollgate-formats-" });
  try {
    const out = (name: string) => path.join(dir, name);
    const run = await tollgate([
      "check",
      ML_APP,
      "--offline",
      "--no-machine-config",
      "--now",
      NOW,
      "--format",
      "text",
      "--format",
      `sarif=${out("tollgate.sarif")}`,
      "--format",
      `junit=${out("junit.xml")}`,
      "--format",
      `markdown=${out("summary.md")}`,
      "--format",
      `github=${out("annotations.txt")}`,
      "--format",
      `json=${out("report.json")}`,
    ], { write: true });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /^FAIL {2}\d+ failed/m);

    const report = Report.parse(JSON.parse(await Deno.readTextFile(out("report.json"))));
    const findings = report.results.flatMap((r) => r.findings);

    const sarif = await Deno.readTextFile(out("tollgate.sarif"));
    await assertValidSarif(sarif);
    const run0 = JSON.parse(sarif).runs[0];
    assert.equal(run0.results.length, findings.length);
    // The CLI passes the policy's catalogue: rules carry their descriptions and help links.
    const rule = run0.tool.driver.rules.find((r: { id: string }) => r.id === "venv.isolated");
    assert.ok(rule.helpUri && rule.fullDescription.text.length > rule.shortDescription.text.length);

    const [junit] = await parseXml([await Deno.readTextFile(out("junit.xml"))]);
    assert.equal(junit.tag, "testsuites");
    assert.equal(junit.attributes.skipped, String(report.summary.skipped));

    const markdown = await Deno.readTextFile(out("summary.md"));
    assert.ok(markdown.startsWith("## ❌ FAIL · Tollgate · ml-app\n"));
    assert.ok(markdown.length <= 65_000);
    const html = new MarkdownIt({ html: true }).render(markdown);
    assert.equal(html.match(/<tr>/g)?.length, 1 + report.results.length);

    const annotations = (await Deno.readTextFile(out("annotations.txt"))).trimEnd().split("\n");
    assert.equal(annotations.length, findings.length + 1);
    assert.ok(annotations.every((line) => parseCommand(line) !== undefined));

    // Nothing was written anywhere else, and nothing into the project.
    assert.deepEqual(
      [...Deno.readDirSync(dir)].map((e) => e.name).sort(),
      ["annotations.txt", "junit.xml", "report.json", "summary.md", "tollgate.sarif"],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli: an unknown format names the ones there are", async () => {
  const run = await tollgate(["check", ML_APP, "--offline", "--format", "sarif2"]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /expected one of text, json, sarif, junit, markdown, github/);
});

Deno.test("cli: --format cyclonedx=… from check, eval --sbom and scan: valid CycloneDX 1.6", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tollgate-cyclonedx-" });
  try {
    // The example app, with a real (malicious) pickle from the shared fixtures.
    const app = path.join(dir, "ml-app");
    await copyTree(ML_APP, app);
    await Deno.mkdir(path.join(app, "models"));
    await Deno.copyFile(path.join(MODELS, "malicious_eval.pkl"), path.join(app, "models/m.pkl"));
    const bomFile = path.join(dir, "bom.json");
    const check = await tollgate([
      "check",
      app,
      ...OFFLINE,
      "--format",
      `cyclonedx=${bomFile}`,
      "--format",
      `json=${path.join(dir, "report.json")}`,
    ], { write: true });
    assert.equal(check.code, 1, check.stderr);
    const bom = JSON.parse(await Deno.readTextFile(bomFile));
    await assertValidBom(bom);
    assertGraphResolves(bom);
    const report = JSON.parse(await Deno.readTextFile(path.join(dir, "report.json")));
    assert.deepEqual(values(bom.metadata.component, "tollgate:verdict"), [report.verdict]);
    // The CLI asks for whole-file hashes when a BOM is written: every model file carries one.
    const files = bom.components.filter((c: { type: string }) => c.type === "file");
    assert.deepEqual(files.map((f: { name: string }) => f.name), ["models/m.pkl"]);
    assert.equal(files[0].hashes?.[0]?.alg, "SHA-256");
    assert.deepEqual(values(files[0], "tollgate:verdict"), ["fail"]);

    // A BOM read back (another tool's, here our own) is judged, and written again.
    const again = path.join(dir, "again.json");
    const evaluated = await tollgate(
      ["eval", "--sbom", bomFile, "--offline", "--format", `cyclonedx=${again}`],
      { write: true },
    );
    assert.ok([1, 3].includes(evaluated.code), evaluated.stderr);
    const second = JSON.parse(await Deno.readTextFile(again));
    await assertValidBom(second);
    const names = (b: { components: Array<{ purl?: string }> }) =>
      b.components.map((c) => c.purl).filter((p) => p?.startsWith("pkg:pypi/")).sort();
    assert.deepEqual(names(second), names(bom));

    const scanned = await tollgate(["scan", path.join(app, "models"), "--format", "cyclonedx"]);
    await assertValidBom(JSON.parse(scanned.stdout));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
