/**
 * Runs the real CLI in a child process with the permissions the README documents.
 *
 * @module
 */
import * as path from "node:path";
import { Report } from "../core/report.ts";

/** The repository root. */
export const REPO = path.resolve(import.meta.dirname!, "..");

/** What a CLI run produced. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Run `cli.ts` with `args`. `write` adds --allow-write (for --format F=PATH, --output, init);
 * `net` adds --allow-net=127.0.0.1 (for the local API servers); `run` adds --allow-run.
 *
 * @example
 * ```ts ignore
 * const run = await tollgate(["checks"]);
 * ```
 */
export async function tollgate(
  args: string[],
  options: {
    cwd?: string;
    env?: Record<string, string>;
    write?: boolean;
    net?: boolean;
    /** Programs it may run (`--allow-run=…`): git for `diff --git`. */
    run?: string[];
  } = {},
): Promise<CliRun> {
  const permissions = [
    "--allow-read",
    "--allow-env",
    ...(options.write ? ["--allow-write"] : []),
    // Loopback only: tests never reach any other address.
    ...(options.net ? ["--allow-net=127.0.0.1"] : []),
    ...(options.run ? [`--allow-run=${options.run.join(",")}`] : []),
  ];
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "--frozen", ...permissions, path.join(REPO, "cli.ts"), ...args],
    cwd: options.cwd ?? REPO,
    // Hermetic: this machine's pip configuration must not leak into expectations.
    clearEnv: true,
    env: { ...hermeticEnv(), ...options.env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: output.code,
    stdout: new TextDecoder().decode(output.stdout),
    stderr: new TextDecoder().decode(output.stderr),
  };
}

/**
 * A minimal environment for child processes: the paths Deno needs, and pip and uv told to read no
 * configuration files (`PIP_CONFIG_FILE=/dev/null`, `UV_NO_CONFIG=1`: their own switches for that).
 *
 * @example
 * ```ts ignore
 * hermeticEnv().PIP_CONFIG_FILE; // "/dev/null"
 * ```
 */
export function hermeticEnv(): Record<string, string> {
  const home = Deno.env.get("HOME") ?? "/nonexistent";
  const env: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: home,
    DENO_DIR: Deno.env.get("DENO_DIR") ?? path.join(home, ".cache", "deno"),
    PIP_CONFIG_FILE: "/dev/null",
    // uv's switch for the same: no user or system uv.toml (UV_NO_CONFIG="" turns it back on).
    UV_NO_CONFIG: "1",
    // No HTTP cache from earlier real runs: tests that need one pass --cache-dir.
    XDG_CACHE_HOME: "/nonexistent/tollgate-test-cache",
    NO_COLOR: "",
  };
  for (const name of ["TMPDIR", "npm_config_cache"]) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/**
 * Write a small project from a map of relative path → contents into a new temp directory.
 *
 * @example
 * ```ts ignore
 * const dir = await project({ "requirements.txt": "numpy==1.26.4\n" });
 * ```
 */
export async function project(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "tollgate-test-" });
  for (const [file, text] of Object.entries(files)) {
    await Deno.mkdir(path.join(dir, path.dirname(file)), { recursive: true });
    await Deno.writeTextFile(path.join(dir, file), text);
  }
  return dir;
}

/** The fixed evaluation time the CLI tests pass with --now. */
export const NOW = "2026-11-25T00:00:00Z";

/**
 * Run `check DIR --offline --format json --now NOW …extra` and parse the report.
 *
 * @example
 * ```ts ignore
 * const { code, report } = await checkJson("examples/ml-app", ["--strict"]);
 * ```
 */
export async function checkJson(
  dir: string,
  extra: string[] = [],
): Promise<CliRun & { report: Report }> {
  const run = await tollgate([
    "check",
    dir,
    "--offline",
    "--format",
    "json",
    "--now",
    NOW,
    ...extra,
  ]);
  if (run.stdout === "") throw new Error(`no report (exit ${run.code}): ${run.stderr}`);
  return { ...run, report: Report.parse(JSON.parse(run.stdout)) };
}
