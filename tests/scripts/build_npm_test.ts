// The npm package, end to end: build it, `npm pack` it, install the tarball into an empty
// directory, and run it with Node on a PATH that has no Deno. Its verdict and findings must equal
// Deno's on the same project, from the command line and from the library; so must its CycloneDX
// BOM and a diff of two git revisions.
import assert from "node:assert/strict";
import * as path from "node:path";
import { checkJson, NOW, REPO, tollgate } from "../_cli.ts";
import { gitHistory } from "../_git.ts";
import type { Report } from "../../core/report.ts";

const ML_APP = path.join(REPO, "examples/ml-app");

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(
  cmd: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string>; clearEnv?: boolean },
): Promise<Ran> {
  const out = await new Deno.Command(cmd, {
    args,
    cwd: options.cwd,
    env: options.env,
    clearEnv: options.clearEnv,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

function must(ran: Ran, what: string): Ran {
  if (ran.code !== 0) throw new Error(`${what} exited ${ran.code}:\n${ran.stderr}${ran.stdout}`);
  return ran;
}

/** A run's JSON output; when it is not JSON, an error that shows what the run printed. */
function jsonOf(ran: Ran): unknown {
  try {
    return JSON.parse(ran.stdout);
  } catch (error) {
    throw new Error(
      `not JSON (${(error as Error).message}), exit ${ran.code}:\n` +
        `stdout: ${ran.stdout.slice(0, 2000)}\nstderr: ${ran.stderr.slice(0, 2000)}`,
    );
  }
}

/** What must agree between runtimes: everything but the clock-dependent fields. */
function comparable(report: Report) {
  return {
    verdict: report.verdict,
    policy: report.policy,
    summary: report.summary,
    coverage: report.coverage,
    results: report.results.map((r) => ({
      check: r.check,
      status: r.status,
      reason: r.reason,
      findings: r.findings,
      waived: r.waived,
    })),
  };
}

Deno.test({
  name: "npm package: built, packed, installed and run on Node without Deno, it agrees with Deno",
  // npm install reaches the registry; everything else stays on this machine.
  sanitizeResources: false,
  fn: async () => {
    must(
      await run(Deno.execPath(), ["run", "-A", "--quiet", "scripts/build_npm.ts"], { cwd: REPO }),
      "deno task build:npm",
    );
    const work = await Deno.makeTempDir({ prefix: "tollgate-npm-" });
    try {
      const packed = must(
        await run("npm", ["pack", "--silent", "--pack-destination", work], {
          cwd: path.join(REPO, "npm"),
        }),
        "npm pack",
      );
      const tarball = path.join(work, packed.stdout.trim().split("\n").at(-1)!);
      const listing = must(await run("tar", ["-tzf", tarball], { cwd: work }), "tar").stdout;
      assert.match(listing, /package\/dist\/cli\.js/);
      assert.match(listing, /package\/dist\/mod\.d\.ts/);
      assert.doesNotMatch(listing, /package\/src\//, "sources stay out of the tarball");
      assert.doesNotMatch(listing, /_test\.js/);
      assert.doesNotMatch(listing, /package\/dist\/bench\//, "benchmarks are not shipped");

      // A PATH with node, npm, a shell (npx runs bins through sh) and git (diff --git): no Deno.
      const bin = path.join(work, "bin");
      await Deno.mkdir(bin);
      for (const tool of ["node", "npm", "npx", "sh", "git"]) {
        const real = must(await run("sh", ["-c", `command -v ${tool}`], { cwd: work }), tool);
        await Deno.symlink(real.stdout.trim(), path.join(bin, tool));
      }
      const app = path.join(work, "app");
      await Deno.mkdir(app);
      await Deno.writeTextFile(
        path.join(app, "package.json"),
        JSON.stringify({ name: "app", private: true, type: "module" }),
      );
      const env = {
        PATH: bin,
        HOME: work,
        npm_config_cache: path.join(work, "npm-cache"),
        npm_config_update_notifier: "false",
      };
      const node = (args: string[]) =>
        run(path.join(bin, "node"), args, { cwd: app, env, clearEnv: true });
      must(
        await run(path.join(bin, "npm"), ["install", "--no-audit", "--no-fund", tarball], {
          cwd: app,
          env,
          clearEnv: true,
        }),
        "npm install",
      );
      const noDeno = await run("sh", ["-c", "command -v deno || echo none"], {
        cwd: app,
        env,
        clearEnv: true,
      })
        .catch(() => ({ code: 0, stdout: "none", stderr: "" }));
      assert.equal(noDeno.stdout.trim(), "none");

      const deno = await checkJson(ML_APP, ["--no-machine-config"]);
      const cli = await run(path.join(bin, "npx"), [
        "tollgate",
        "check",
        ML_APP,
        "--offline",
        "--no-machine-config",
        "--format",
        "json",
        "--now",
        NOW,
      ], { cwd: app, env, clearEnv: true });
      assert.equal(cli.code, deno.code, cli.stderr);
      const fromNode = JSON.parse(cli.stdout) as Report;
      assert.deepEqual(comparable(fromNode), comparable(deno.report));

      // The CycloneDX BOM and a diff of two revisions: the same from Node as from Deno.
      const npx = (args: string[]) =>
        run(path.join(bin, "npx"), ["tollgate", ...args], { cwd: app, env, clearEnv: true });
      const bomArgs = ["check", ML_APP, "--offline", "--no-machine-config", "--now", NOW];
      const bomOf = (ran: Ran) => ({ ...jsonOf(ran) as object, serialNumber: undefined });
      const nodeBom = await npx([...bomArgs, "--format", "cyclonedx"]);
      const denoBom = await tollgate([...bomArgs, "--format", "cyclonedx"]);
      assert.equal(nodeBom.code, denoBom.code, nodeBom.stderr);
      assert.deepEqual(bomOf(nodeBom), bomOf(denoBom));
      const repo = await gitHistory([
        { "requirements.txt": "torch==2.3.1\n" },
        { "requirements.txt": "--extra-index-url https://x.example/simple\ntorch==2.2.0\n" },
      ]);
      try {
        const diffArgs = ["diff", "--git", "HEAD~1", "--git", "HEAD", "--project", repo];
        const options = [...diffArgs, "--offline", "--no-machine-config", "--now", NOW];
        const nodeDiff = await npx([...options, "--format", "json"]);
        const denoDiff = await tollgate([...options, "--format", "json"], {
          write: true,
          run: ["git"],
        });
        assert.equal(nodeDiff.code, 1, nodeDiff.stderr);
        assert.equal(denoDiff.code, 1, denoDiff.stderr);
        assert.deepEqual(jsonOf(nodeDiff), jsonOf(denoDiff));
      } finally {
        await Deno.remove(repo, { recursive: true });
      }

      await Deno.writeTextFile(
        path.join(app, "library.mjs"),
        `import { checkProject } from "@tollgate/tollgate";
const { report } = await checkProject({
  root: process.argv[2], now: new Date(process.argv[3]), sources: { offline: true },
});
process.stdout.write(JSON.stringify(report));
`,
      );
      const library = must(await node(["library.mjs", ML_APP, NOW]), "node library.mjs");
      assert.deepEqual(comparable(JSON.parse(library.stdout)), comparable(deno.report));
    } finally {
      await Deno.remove(work, { recursive: true });
    }
  },
});
