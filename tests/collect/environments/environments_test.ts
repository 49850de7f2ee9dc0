import assert from "node:assert/strict";
import * as path from "node:path";
import { collectEnvironments } from "../../../collect/environments/environments.ts";
import type { Distribution, Environment } from "../../../core/snapshot_environments.ts";
import { Environment as EnvironmentSchema } from "../../../core/snapshot_environments.ts";

const MAKE_WHEEL = new URL("../../../../shared/tools/make_wheel.py", import.meta.url).pathname;
const SP = "lib/python3.11/site-packages";

async function run(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
  return new TextDecoder().decode(out.stdout).trim();
}

const temporary: string[] = [];
async function tempDir(prefix: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix });
  temporary.push(dir);
  return dir;
}
globalThis.addEventListener("unload", () => {
  for (const dir of temporary) Deno.removeSync(dir, { recursive: true });
});

const python = await run("python3", ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"])
  .catch(() => undefined);
const ignore = python === undefined;
if (ignore) console.warn("environments_test: python3 is absent; real-venv tests are skipped");

/** One real venv with pip, setuptools and two small wheels installed offline; made once. */
let template: Promise<string> | undefined;
function makeTemplateVenv(): Promise<string> {
  template ??= (async () => {
    const dir = await tempDir("tollgate-venv-");
    const venv = path.join(dir, "venv");
    await run("python3", ["-m", "venv", venv]);
    const wheels = path.join(dir, "wheels");
    const demo = await run("python3", [
      MAKE_WHEEL,
      wheels,
      "demo",
      "1.0.0",
      'demo/__init__.py=def main():\n    print("hi")\n',
      "demo/util.py=X = 1\n",
      'demo-1.0.0.data/scripts/demo-tool=#!python\nprint("tool")\n',
      "demo-1.0.0.dist-info/entry_points.txt=[console_scripts]\ndemo-cli = demo:main\n",
    ]);
    const hook = await run("python3", [
      MAKE_WHEEL,
      wheels,
      "startup-hook",
      "0.1",
      "startup_hook.pth=import startup_hook\n",
      "startup_hook/__init__.py=",
    ]);
    await run(path.join(venv, "bin", "python"), [
      "-m",
      "pip",
      "install",
      "-q",
      "--no-index",
      "--no-deps",
      demo,
      hook,
    ]);
    return venv;
  })();
  return template;
}

/** A project directory holding a copy of the template venv at `.venv`. */
async function projectWithVenv(): Promise<{ root: string; site: string }> {
  const venv = await makeTemplateVenv();
  const root = await tempDir("tollgate-project-");
  await run("cp", ["-a", venv, path.join(root, ".venv")]);
  return { root, site: path.join(root, ".venv", SP.replace("3.11", python!)) };
}

function dist(environment: Environment, name: string): Distribution {
  const found = environment.distributions.find((d) => d.name === name);
  assert.ok(found, `no distribution ${name}`);
  return found;
}

Deno.test({
  name: "an untouched venv (pip, setuptools and two wheels) verifies clean",
  ignore,
  async fn() {
    const { root } = await projectWithVenv();
    let progress = 0;
    const result = await collectEnvironments({
      root,
      envDirs: [".venv"],
      env: {},
      verifyRecords: true,
      onProgress: (done) => progress = done,
    });
    assert.deepEqual(result.problems, []);
    assert.equal(result.environments.length, 1);
    const [environment] = result.environments;
    EnvironmentSchema.parse(environment);
    assert.equal(environment.path, ".venv");
    assert.equal(environment.kind, "venv");
    assert.equal(environment.creator, "venv");
    assert.equal(environment.includeSystemSitePackages, false);
    assert.deepEqual(environment.sitePackages, [`.venv/lib/python${python}/site-packages`]);
    assert.deepEqual(environment.distributions.map((d) => d.name).sort(), [
      "demo",
      "pip",
      "setuptools",
      "startup-hook",
    ]);
    for (const d of environment.distributions) {
      assert.deepEqual(d.record?.discrepancies, [], d.name);
      assert.ok(d.record!.verifiedFiles > 0);
    }
    const demo = dist(environment, "demo");
    assert.equal(demo.version, "1.0.0");
    assert.equal(demo.installer, "pip");
    assert.equal(demo.requested, true);
    assert.match(String(demo.directUrl?.url), /^file:\/\/.*demo-1\.0\.0-py3-none-any\.whl$/);
    // 13 rows: two scripts in bin/ (outside site-packages, inside the environment) included.
    assert.equal(demo.record!.entries, 13);
    assert.equal(demo.record!.verifiedFiles, 10);
    const verified = environment.distributions.reduce((n, d) => n + d.record!.verifiedFiles, 0);
    assert.equal(progress, verified); // every hashed file was reported, and all matched
    const startup = Object.fromEntries(
      environment.startupFiles!.map((f) => [path.basename(f.path), f]),
    );
    assert.deepEqual(startup["startup_hook.pth"], {
      path: `.venv/lib/python${python}/site-packages/startup_hook.pth`,
      executesCode: true,
      owner: "startup-hook",
      line: 1,
    });
    assert.equal(startup["distutils-precedence.pth"].owner, "setuptools");
    assert.equal(startup["distutils-precedence.pth"].executesCode, true);
    assert.deepEqual(result.inputs[0], { file: ".venv/pyvenv.cfg", format: "pyvenv.cfg" });
  },
});

Deno.test({
  name: "tampering is reported with the right path: edited, deleted, dropped-in, bumped",
  ignore,
  async fn() {
    const { root, site } = await projectWithVenv();
    await Deno.writeTextFile(path.join(site, "demo/util.py"), "X = 2\n");
    await Deno.remove(path.join(site, "demo/__init__.py"));
    await Deno.writeTextFile(path.join(site, "demo/backdoor.py"), "import os\n");
    await Deno.writeTextFile(path.join(site, "demo/run"), "#!/bin/sh\n");
    await Deno.chmod(path.join(site, "demo/run"), 0o755);
    await Deno.writeTextFile(path.join(site, "zz-evil.pth"), "# hi\nimport os; os.getcwd()\n");
    const metadata = path.join(site, "demo-1.0.0.dist-info/METADATA");
    await Deno.writeTextFile(
      metadata,
      (await Deno.readTextFile(metadata)).replace("Version: 1.0.0", "Version: 1.0.1"),
    );
    const { environments, problems } = await collectEnvironments({
      root,
      envDirs: [".venv"],
      env: {},
      verifyRecords: true,
      hashWorkers: 1,
    });
    assert.deepEqual(problems, []);
    const demo = dist(environments[0], "demo");
    assert.equal(demo.version, "1.0.1");
    const kinds = demo.record!.discrepancies.map((d) => `${d.kind} ${d.path}`);
    assert.deepEqual(kinds, [
      "hash-mismatch demo-1.0.0.dist-info/METADATA",
      "missing demo/__init__.py",
      "hash-mismatch demo/util.py",
      "unrecorded demo/backdoor.py",
      "unrecorded demo/run",
    ]);
    const edited = demo.record!.discrepancies.find((d) => d.path === "demo/util.py")!;
    assert.equal(edited.line, 13);
    assert.equal(edited.expected, "sha256=Crrh4K5yghbuRJk8Wjp1X4scOH2Uf8TE9yyrDkqEIUs");
    for (const other of ["pip", "setuptools", "startup-hook"]) {
      assert.deepEqual(dist(environments[0], other).record!.discrepancies, [], other);
    }
    const evil = environments[0].startupFiles!.find((f) => f.path.endsWith("zz-evil.pth"));
    assert.deepEqual(evil, {
      path: `.venv/lib/python${python}/site-packages/zz-evil.pth`,
      executesCode: true,
      line: 2,
    });
  },
});

/** A hand-made environment (no Python needed): pyvenv.cfg, one dist-info with the given RECORD. */
async function handMadeEnvironment(record: string): Promise<{ root: string; site: string }> {
  const root = await tempDir("tollgate-hostile-");
  const env = path.join(root, "env");
  const site = path.join(env, SP);
  await Deno.mkdir(path.join(site, "hostile-1.0.dist-info"), { recursive: true });
  await Deno.mkdir(path.join(site, "hostile"));
  await Deno.mkdir(path.join(env, "bin"));
  await Deno.writeTextFile(
    path.join(env, "pyvenv.cfg"),
    "home = /nonexistent/bin\ninclude-system-site-packages = true\nversion_info = 3.11.4\nuv = 0.4.1\n",
  );
  await Deno.writeTextFile(
    path.join(site, "hostile-1.0.dist-info/METADATA"),
    "Metadata-Version: 2.1\nName: hostile\nVersion: 1.0\n\nName: not-this\n",
  );
  await Deno.writeTextFile(path.join(site, "hostile-1.0.dist-info/RECORD"), record);
  return { root, site };
}

Deno.test("hostile RECORD entries are refused or reported, never read outside the environment", async () => {
  const outside = await tempDir("tollgate-outside-");
  await Deno.writeTextFile(path.join(outside, "secret.txt"), "secret");
  const empty = "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU";
  const { root, site } = await handMadeEnvironment([
    `../../../../secret.txt,sha256=${empty},0`,
    `/etc/passwd,sha256=${empty},0`,
    "hostile/a.py,md5=1B2M2Y8AsgTpgAmY7PhCfg,0",
    "hostile/b.py,,",
    "hostile/link.py,sha256=x,6",
    "hostile/loop.py,sha256=x,0",
    `hostile/dir,sha256=${empty},0`,
    `hostile/c.py,sha256=${empty},5`,
    `"hostile/with,comma.py",sha256=${empty},0`,
    `../../../bin/tool,sha256=${empty},0`,
    "hostile/d.py,sha256=x",
    `hostile/e.py,sha256=${empty},big`,
    "hostile-1.0.dist-info/RECORD,,",
    `"hostile/unterminated.py,sha256=${empty},0`,
  ].join("\n"));
  for (const file of ["a.py", "b.py", "c.py", "with,comma.py"]) {
    await Deno.writeTextFile(path.join(site, "hostile", file), "");
  }
  await Deno.mkdir(path.join(site, "hostile/dir"));
  await Deno.writeTextFile(path.join(site, "../../../bin/tool"), "");
  await Deno.symlink(path.join(outside, "secret.txt"), path.join(site, "hostile/link.py"));
  await Deno.symlink(path.join(site, "hostile/loop.py"), path.join(site, "hostile/loop.py"));
  const { environments, problems } = await collectEnvironments({
    root,
    envDirs: ["env"],
    env: {},
    verifyRecords: true,
  });
  assert.deepEqual(problems, []);
  const [environment] = environments;
  assert.equal(environment.creator, "uv");
  assert.equal(environment.includeSystemSitePackages, true);
  assert.equal(environment.pythonVersion, "3.11.4");
  assert.equal(environment.externallyManaged, false);
  const hostile = dist(environment, "hostile");
  assert.equal(hostile.version, "1.0");
  assert.equal(hostile.record!.entries, 14);
  assert.equal(hostile.record!.verifiedFiles, 2); // with,comma.py and ../../../bin/tool
  assert.deepEqual(
    hostile.record!.discrepancies.map((d) => [d.line, d.kind, d.path, d.actual ?? d.expected]),
    [
      [1, "escapes-environment", "../../../../secret.txt", undefined],
      [2, "escapes-environment", "/etc/passwd", undefined],
      [3, "unknown-algorithm", "hostile/a.py", "md5"],
      [4, "unhashed", "hostile/b.py", undefined],
      [5, "escapes-environment", "hostile/link.py", "symlink resolves outside the environment"],
      [6, "unreadable", "hostile/loop.py", "symlink loop"],
      [7, "unreadable", "hostile/dir", "not a regular file"],
      [8, "size-mismatch", "hostile/c.py", "0"],
      [11, "malformed-entry", "hostile/d.py", "expected 3 fields (path,hash,size), found 2"],
      [12, "malformed-entry", "hostile/e.py", 'size "big" is not a whole number'],
      [14, "malformed-entry", "line 14", "quoted field is not closed before the end of the file"],
    ],
  );
});

Deno.test("$VIRTUAL_ENV outside the project is named from ~; conda-meta, egg-info, bad direct_url.json", async () => {
  const home = await tempDir("tollgate-home-");
  const { root: outsideRoot } = await handMadeEnvironment("");
  const virtualEnv = path.join(home, "envs", "tool");
  await Deno.mkdir(path.dirname(virtualEnv));
  await Deno.rename(path.join(outsideRoot, "env"), virtualEnv);
  const root = await tempDir("tollgate-conda-");
  const site = path.join(root, "conda", "lib/python3.12/site-packages");
  await Deno.mkdir(path.join(root, "conda", "conda-meta"), { recursive: true });
  await Deno.writeTextFile(path.join(root, "conda/conda-meta/python-3.12.2-h1234_0.json"), "{}");
  await Deno.mkdir(path.join(site, "old-0.1.egg-info"), { recursive: true });
  await Deno.writeTextFile(
    path.join(site, "old-0.1.egg-info/PKG-INFO"),
    "Metadata-Version: 1.0\nName: old\nVersion: 0.1\n",
  );
  await Deno.mkdir(path.join(site, "new-2.0.dist-info"));
  await Deno.writeTextFile(
    path.join(site, "new-2.0.dist-info/METADATA"),
    "Name: new\nVersion: 2.0\n",
  );
  await Deno.writeTextFile(path.join(site, "new-2.0.dist-info/direct_url.json"), "[1");
  await Deno.writeTextFile(path.join(site, "new-2.0.dist-info/RECORD"), "");
  const { environments, problems } = await collectEnvironments({
    root,
    envDirs: [],
    env: { VIRTUAL_ENV: virtualEnv },
    home,
    systemSitePackages: [], // this machine's own are not the test's business
    verifyRecords: true,
  });
  assert.deepEqual(environments.map((e) => [e.path, e.kind, e.creator, e.pythonVersion]), [
    ["conda", "conda", "conda", "3.12.2"],
    ["~/envs/tool", "venv", "uv", "3.11.4"],
  ]);
  assert.equal(environments[1].location.file, "~/envs/tool/pyvenv.cfg");
  assert.deepEqual(environments[0].distributions.map((d) => [d.name, d.version, !!d.record]), [
    ["new", "2.0", true],
    ["old", "0.1", false],
  ]);
  assert.deepEqual(problems.map((p) => p.file), [
    "conda/lib/python3.12/site-packages/new-2.0.dist-info/direct_url.json",
    "conda/lib/python3.12/site-packages/old-0.1.egg-info",
  ]);
  assert.match(problems[0].message, /not valid JSON/);
  assert.match(problems[1].message, /egg-info install has no RECORD/);
});

/** A fake system site-packages holding one `*.dist-info` per entry of `installs`. */
async function systemSitePackages(
  installs: Array<{ name: string; installer?: string; requested?: boolean }>,
): Promise<string> {
  const site = path.join(await tempDir("tollgate-system-"), "lib/python3.11/site-packages");
  for (const { name, installer, requested } of installs) {
    const distInfo = path.join(site, `${name}-1.0.dist-info`);
    await Deno.mkdir(distInfo, { recursive: true });
    await Deno.writeTextFile(path.join(distInfo, "METADATA"), `Name: ${name}\nVersion: 1.0\n`);
    await Deno.writeTextFile(path.join(distInfo, "RECORD"), `${name}/__init__.py,sha256=x,1\n`);
    if (installer !== undefined) {
      await Deno.writeTextFile(path.join(distInfo, "INSTALLER"), `${installer}\n`);
    }
    if (requested) await Deno.writeTextFile(path.join(distInfo, "REQUESTED"), "");
  }
  return site;
}

Deno.test("with machine configuration, pip installs someone requested in a system site-packages are reported", async () => {
  const root = await tempDir("tollgate-project-");
  const site = await systemSitePackages([
    { name: "asked", installer: "pip", requested: true },
    { name: "dependency", installer: "pip" },
    { name: "distro", installer: "debian", requested: true },
    { name: "unknown", requested: true },
  ]);
  const distroOnly = await systemSitePackages([{ name: "apt", installer: "debian" }]);
  const absent = path.join(root, "no-such-site-packages");
  const home = path.dirname(path.dirname(path.dirname(path.dirname(site))));
  const collectWith = (env: Record<string, string>) =>
    collectEnvironments({
      root,
      envDirs: [],
      condaDirs: [],
      env,
      home,
      systemSitePackages: [site, distroOnly, absent],
      verifyRecords: true,
    });
  const { environments, problems, inputs } = await collectWith({ PATH: "/usr/bin" });
  assert.deepEqual(problems, []);
  const shown = `~${(await Deno.realPath(site)).slice((await Deno.realPath(home)).length)}`;
  assert.deepEqual(environments, [{
    path: shown,
    kind: "system",
    includeSystemSitePackages: false,
    sitePackages: [shown],
    distributions: [{
      name: "asked",
      version: "1.0",
      installer: "pip",
      requested: true,
      location: { file: `${shown}/asked-1.0.dist-info/METADATA` },
    }],
    location: { file: shown },
  }]);
  EnvironmentSchema.parse(environments[0]);
  assert.deepEqual(inputs, [{ file: shown, format: "site-packages" }]);
  const none = await collectWith({});
  assert.deepEqual(none.environments, []);
  assert.deepEqual(none.problems, []);
});
