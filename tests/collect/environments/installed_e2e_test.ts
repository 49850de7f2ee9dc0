// Issue 6 end to end: a real virtualenv, a real wheel installed by pip, then tampering — seen by
// `tollgate check` through signature.installed-integrity and venv.matches-lock.
import assert from "node:assert/strict";
import * as path from "node:path";
import { checkJson } from "../../_cli.ts";

const MAKE_WHEEL = new URL("../../../../shared/tools/make_wheel.py", import.meta.url).pathname;

async function run(cmd: string, args: string[], cwd?: string): Promise<string> {
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.ok(out.success, `${cmd} ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  return text;
}

async function sha256(file: string): Promise<string> {
  const bytes = await Deno.readFile(file);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("a real venv verifies clean, then tampering and drift are caught", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tollgate-e2e-" });
  try {
    const wheels = path.join(dir, "wheels-out");
    const wheel = (await run("python3", [
      MAKE_WHEEL,
      wheels,
      "demo-lib",
      "1.0.0",
      "demo_lib/__init__.py=VALUE = 1",
    ])).trim();
    const project = path.join(dir, "project");
    await Deno.mkdir(project);
    await run("python3", ["-m", "venv", path.join(project, ".venv")]);
    // By name from a find-links directory, as from an index: pip writes no direct_url.json.
    await run(path.join(project, ".venv/bin/python"), [
      "-m",
      "pip",
      "install",
      "--no-index",
      "--quiet",
      "--find-links",
      wheels,
      "demo-lib==1.0.0",
    ]);
    await Deno.writeTextFile(
      path.join(project, "requirements.txt"),
      `demo-lib==1.0.0 --hash=sha256:${await sha256(wheel)}\n`,
    );

    const clean = await checkJson(project);
    assert.equal(
      clean.code,
      0,
      JSON.stringify(clean.report.results.flatMap((r) => r.findings), null, 1),
    );
    const byId = (report: typeof clean.report) =>
      Object.fromEntries(report.results.map((r) => [r.check, r]));
    assert.equal(byId(clean.report)["signature.installed-integrity"].status, "pass");
    assert.equal(byId(clean.report)["venv.matches-lock"].status, "pass");

    const sitePackages =
      (await Array.fromAsync(Deno.readDir(path.join(project, ".venv/lib"))))[0].name;
    const init = path.join(
      project,
      ".venv/lib",
      sitePackages,
      "site-packages/demo_lib/__init__.py",
    );
    await Deno.writeTextFile(init, "VALUE = 1\nimport os  # injected\n");
    await Deno.writeTextFile(
      path.join(project, "requirements.txt"),
      `demo-lib==1.0.1 --hash=sha256:${"0".repeat(64)}\n`,
    );
    const tampered = await checkJson(project);
    assert.equal(tampered.code, 1);
    const integrity = byId(tampered.report)["signature.installed-integrity"].findings;
    assert.deepEqual(integrity.map((f) => [f.subject, f.location?.file]), [[
      "pkg:pypi/demo-lib@1.0.0",
      `.venv/lib/${sitePackages}/site-packages/demo_lib/__init__.py`,
    ]]);
    assert.match(integrity[0].message, /changed after install/);
    const drift = byId(tampered.report)["venv.matches-lock"].findings;
    assert.deepEqual(drift.map((f) => f.message), [
      "demo-lib 1.0.0 is installed in .venv; requirements.txt locks 1.0.1.",
    ]);

    const unverified = await checkJson(project, ["--no-verify-installed"]);
    const skipped = byId(unverified.report)["signature.installed-integrity"];
    assert.equal(skipped.status, "error");
    assert.match(skipped.reason!, /records/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
