#!/usr/bin/env -S deno run --allow-read --allow-env
/**
 * The `tollgate` command line. `main(args)` returns the exit code, so tests run it in-process.
 *
 * @example
 * ```sh
 * deno run --allow-read --allow-env cli.ts check examples/ml-app --offline
 * ```
 *
 * @module
 */
import { realpathSync, writeSync } from "node:fs";
import { readFile, stat, writeFile } from "node:fs/promises";
import process from "node:process";
import { isatty } from "node:tty";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ConfigError } from "./core/config.ts";
import { cleanZodMessage, formatKeyPath, Severity } from "./core/check.ts";
import { evaluate } from "./core/evaluate.ts";
import type { Policy } from "./core/policy.ts";
import type { Report } from "./core/report.ts";
import { Snapshot } from "./core/snapshot.ts";
import { readCyclonedxBom, ReadError } from "./collect/mod.ts";
import { hasErrorCode, isNotPermitted } from "./collect/node_fs.ts";
import { formatters, rulesOf } from "./report/mod.ts";
import { EXIT, OutputError, UsageError } from "./cli/_errors.ts";
import { HELP } from "./cli/_help.ts";
import {
  checkProject,
  choosePolicy,
  collectProject,
  diffProject,
  type DiffSide,
  enrichProject,
  formatBaseline,
  OptionError,
  type PipelineProgress,
  readBaseline,
  type RegistrySources,
  RevisionError,
  scanModels,
} from "./pipeline/mod.ts";
import {
  type DiffFormatOptions,
  formatDiffJson,
  formatDiffMarkdown,
  formatDiffText,
  type ProjectDiff,
} from "./diff/mod.ts";
import { type Baseline, baselineOf } from "./core/baseline.ts";
import { commandChecks, commandExplain, commandInit, commandSchema } from "./cli/_info_commands.ts";
import { type Io, OPTIONS, type Values } from "./cli/_options.ts";
import { verifyModel } from "./cli/verify_model.ts";
import { signModel } from "./cli/sign_model.ts";

const systemIo: Io = {
  stdout: (text) => writeAllSync(1, text),
  stderr: (text) => writeAllSync(2, text),
  isTerminal: isatty(1),
};

const encoder = new TextEncoder();
const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Write all of `text` to a file descriptor before returning: the process may exit right after,
 * and a failed write (a closed pipe) throws here, where the command's error handling sees it.
 */
function writeAllSync(fd: number, text: string): void {
  const bytes = encoder.encode(text);
  for (let written = 0; written < bytes.length;) {
    try {
      written += writeSync(fd, bytes, written);
    } catch (error) {
      if (!hasErrorCode(error, "EAGAIN")) throw error;
      Atomics.wait(pause, 0, 0, 1); // a non-blocking pipe is full: give its reader a moment
    }
  }
}

/**
 * Run the CLI.
 *
 * @param args Arguments after the program name.
 * @param io Output streams (default: the process's).
 * @returns The exit code.
 * @example
 * ```ts ignore
 * import process from "node:process";
 * import { main } from "./cli.ts";
 * process.exitCode = await main(["check", "examples/ml-app", "--offline"]);
 * ```
 */
export async function main(args: string[], io: Io = systemIo): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    (command === undefined ? io.stderr : io.stdout)(HELP.main + "\n");
    return command === undefined ? EXIT.usage : EXIT.pass;
  }
  const spec = Object.hasOwn(OPTIONS, command) ? OPTIONS[command] : undefined;
  let debug = rest.includes("--debug");
  try {
    if (!spec) throw new UsageError(`unknown command "${command}"; run 'tollgate --help'`);
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: spec, allowPositionals: true, strict: true });
    } catch (error) {
      throw new UsageError(`${command}: ${(error as Error).message.split("\n")[0]}`);
    }
    const values = parsed.values as Values;
    debug = values.debug === true;
    if (values.help) {
      io.stdout(HELP[command] + "\n");
      return EXIT.pass;
    }
    return await run(command, parsed.positionals, values, io);
  } catch (error) {
    return reportError(error, io, debug);
  }
}

function run(command: string, positionals: string[], values: Values, io: Io): Promise<number> {
  const at = (n: number, what: string) => {
    if (positionals.length > n + 1) {
      throw new UsageError(`${command}: unexpected argument "${positionals[n + 1]}"`);
    }
    return positionals[n] ?? what;
  };
  switch (command) {
    case "check":
      return commandCheck(at(0, "."), values, io);
    case "eval":
      return commandEval(at(0, ""), values, io);
    case "scan":
      return commandScan(positionals, values, io);
    case "diff":
      return commandDiff(positionals, values, io);
    case "snapshot":
      return commandSnapshot(at(0, "."), values, io);
    case "checks":
      return Promise.resolve(commandChecks(values, io));
    case "explain":
      return Promise.resolve(commandExplain(at(0, ""), io));
    case "init":
      return commandInit(at(0, "."), values, io);
    case "sign-model":
      return signModel({
        model: at(0, "") || usage("sign-model: expected a model directory or file"),
        key: (values.key as string | undefined) ??
          usage("sign-model: --key PRIVATE.pem is required (ECDSA P-256/P-384/P-521 or Ed25519)"),
        output: values.output as string | undefined,
        ignorePaths: (values["ignore-paths"] as string[] | undefined)?.flatMap((p) => p.split(",")),
        force: values.force === true,
      }, io);
    case "verify-model":
      return verifyModel({
        model: at(0, "") || usage("verify-model: expected a model directory or file"),
        signature: values.signature as string | undefined,
        keys: values.key as string[] | undefined,
        certChains: values["cert-chain"] as string[] | undefined,
        identities: values.identity as string[] | undefined,
        issuers: values.issuer as string[] | undefined,
        trustedRoot: values["trusted-root"] as string | undefined,
        ignorePaths: (values["ignore-paths"] as string[] | undefined)?.flatMap((p) => p.split(",")),
        format: values.format as string | undefined,
        now: parseNow(values.now as string | undefined),
      }, io);
    default:
      return Promise.resolve(commandSchema(at(0, ""), io));
  }
}

async function commandCheck(dir: string, values: Values, io: Io): Promise<number> {
  const outputs = parseFormats(values.format as string[] | undefined);
  const now = parseNow(values.now as string | undefined);
  const policy = withFailOn(
    await choosePolicy({ explicit: values.policy as string | undefined, projectDir: dir }),
    values,
  );
  const baseline = await baselineFlag(values);
  const progress = progressLine(values);
  const { report, snapshot, warnings } = await checkProject({
    root: await projectDir(dir),
    policy,
    now,
    ...collectFlags(values),
    hashModelFiles: outputs.some((o) => o.format === "cyclonedx"),
    sources: registrySources(values),
    strict: values.strict === true,
    baseline,
    onProgress: progress?.update,
  });
  progress?.done();
  for (const warning of warnings) io.stderr(`tollgate: warning: ${warning}\n`);
  return await writeReport({ report, snapshot, policy, values, outputs, io });
}

async function commandEval(file: string, values: Values, io: Io): Promise<number> {
  const sbom = values.sbom as string | undefined;
  if (sbom !== undefined && file) {
    throw new UsageError(`eval: give a snapshot file or --sbom, not both ("${file}")`);
  }
  if (sbom === "") throw new UsageError("eval: --sbom: expected a CycloneDX JSON file");
  if (!file && sbom === undefined) {
    throw new UsageError("eval: expected the path of a snapshot JSON file, or --sbom BOM.json");
  }
  const outputs = parseFormats(values.format as string[] | undefined);
  const now = parseNow(values.now as string | undefined);
  const policy = withFailOn(
    await choosePolicy({ explicit: values.policy as string | undefined }),
    values,
  );
  const baseline = await baselineFlag(values);
  const snapshot = sbom === undefined
    ? await readSnapshotFile(file)
    : await sbomSnapshot({ file: sbom, policy, values, io, now });
  const report = await evaluate({
    snapshot,
    policy,
    now,
    offline: values.offline === true,
    strict: values.strict === true,
    baseline,
  });
  return await writeReport({ report, snapshot, policy, values, outputs, io });
}

/**
 * The snapshot of a CycloneDX BOM, with the registry data the policy needs: a BOM lists packages,
 * and their vulnerabilities, age and yanks are what a policy most often asks of it.
 */
async function sbomSnapshot(options: {
  file: string;
  policy: Policy;
  values: Values;
  io: Io;
  now?: Date;
}): Promise<Snapshot> {
  const { values, io } = options;
  const read = await readCyclonedxBom({ file: options.file, now: options.now });
  const progress = progressLine(values);
  const { snapshot, warnings } = await enrichProject({
    snapshot: read,
    policy: options.policy,
    sources: registrySources(values),
    onProgress: progress?.update,
  });
  progress?.done();
  for (const warning of warnings) io.stderr(`tollgate: warning: ${warning}\n`);
  return snapshot;
}

async function commandScan(paths: string[], values: Values, io: Io): Promise<number> {
  if (paths.length === 0) {
    throw new UsageError("scan: expected one or more model files or directories");
  }
  const outputs = parseFormats(values.format as string[] | undefined);
  const now = parseNow(values.now as string | undefined);
  if (values.baseline !== undefined || values["write-baseline"] !== undefined) {
    throw new UsageError("scan: --baseline and --write-baseline apply to check and eval");
  }
  // Only the checks that judge model files apply to a scan; a policy file tunes their params.
  const policy = withFailOn(
    await choosePolicy({ explicit: values.policy as string | undefined }),
    values,
  );
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new UsageError(`scan: ${path}: no such file or directory`);
  }
  const { report, snapshot } = await scanModels({ paths, policy, now });
  return await writeReport({ report, snapshot, policy, values, outputs, io });
}

async function commandDiff(positionals: string[], values: Values, io: Io): Promise<number> {
  const revisions = (values.git as string[] | undefined) ?? [];
  if (revisions.length > 2) throw new UsageError("diff: --git names BASE and HEAD, at most twice");
  const project = values.project as string | undefined;
  const wanted = revisions.length === 2 ? 0 : revisions.length === 1 ? 1 : 2;
  if (positionals.length > wanted) {
    throw new UsageError(`diff: unexpected argument "${positionals[wanted]}"`);
  }
  if (revisions.length === 0 && positionals.length < 2) {
    throw new UsageError("diff: expected BASE and HEAD (directories or snapshot files), or --git");
  }
  const outputs = parseOutputs(values.format as string[] | undefined, DIFF_FORMATS);
  const now = parseNow(values.now as string | undefined);
  if (project !== undefined) await projectDir(project);
  const sides: DiffSide[] = revisions.map((git) => ({ git, project }));
  for (const given of positionals) sides.push(await diffSide(given));
  if (sides.length === 1) sides.push({ directory: project ?? "." });
  const policy = values.policy === undefined
    ? undefined
    : await choosePolicy({ explicit: values.policy as string });
  const progress = progressLine(values);
  const { diff, warnings } = await diffProject({
    base: sides[0],
    head: sides[1],
    policy,
    now,
    ...collectFlags(values),
    sources: registrySources(values),
    strict: values.strict === true,
    onProgress: progress?.update,
    failOn: failOnFlag(values),
  });
  progress?.done();
  for (const warning of warnings) io.stderr(`tollgate: warning: ${warning}\n`);
  const color = io.isTerminal && values["no-color"] !== true && !process.env.NO_COLOR;
  for (const output of outputs) {
    const text = DIFF_FORMATS[output.format](diff, { color: output.path === undefined && color });
    if (output.path === undefined) io.stdout(text);
    else await writeOutput(output.path, text);
  }
  if (diff.verdict === "fail") return EXIT.fail;
  if (diff.verdict === "incomplete") {
    io.stderr(
      `tollgate: incomplete: HEAD could not be fully evaluated` +
        (values["allow-incomplete"] ? " (allowed by --allow-incomplete)\n" : "\n"),
    );
    return values["allow-incomplete"] ? EXIT.pass : EXIT.incomplete;
  }
  return EXIT.pass;
}

/** A side of `diff` given as a path: a project directory or a snapshot JSON file. */
async function diffSide(given: string): Promise<DiffSide> {
  const info = await stat(given).catch(() => undefined);
  if (!info) throw new UsageError(`diff: ${given}: no such directory or snapshot file`);
  if (info.isDirectory()) return { directory: given };
  return { snapshot: await readSnapshotFile(given, "diff"), label: given };
}

const DIFF_FORMATS: Record<string, (diff: ProjectDiff, options: DiffFormatOptions) => string> = {
  text: formatDiffText,
  json: (diff) => formatDiffJson(diff),
  markdown: formatDiffMarkdown,
};

/** The policy with `--fail-on` applied. */
function withFailOn(policy: Policy, values: Values): Policy {
  const failOn = failOnFlag(values);
  return failOn === undefined ? policy : { ...policy, failOn };
}

/** The severity `--fail-on` names, validated. */
function failOnFlag(values: Values): Severity | undefined {
  if (values["fail-on"] === undefined) return undefined;
  const failOn = Severity.safeParse(values["fail-on"]);
  if (!failOn.success) {
    throw new UsageError(`--fail-on: expected error, warning or info, got "${values["fail-on"]}"`);
  }
  return failOn.data;
}

/** The baseline `--baseline` names, read and validated before any work is done. */
async function baselineFlag(values: Values): Promise<Baseline | undefined> {
  const file = values.baseline;
  if (file === undefined) return undefined;
  if (typeof file !== "string" || file === "") throw new UsageError("--baseline: expected a file");
  return await readBaseline({ file });
}

/** Write the report in every format asked for, and map its verdict to the exit code. */
async function writeReport(options: {
  report: Report;
  /** The snapshot the report was computed from (the CycloneDX BOM describes it). */
  snapshot: Snapshot;
  /** The policy evaluated: its checks describe the rules in SARIF. */
  policy: Policy;
  values: Values;
  outputs: Array<{ format: string; path?: string }>;
  io: Io;
}): Promise<number> {
  const { values, io, report } = options;
  const color = io.isTerminal && values["no-color"] !== true && !process.env.NO_COLOR;
  const prefix = values["path-prefix"] as string | undefined;
  for (const output of options.outputs) {
    let text: string;
    try {
      text = formatters[output.format](report, {
        color: output.path === undefined && color,
        quiet: values.quiet === true,
        checks: rulesOf(options.policy),
        pathPrefix: prefix,
        snapshot: options.snapshot,
      });
    } catch (error) {
      if (error instanceof TypeError && error.message.startsWith("pathPrefix:")) {
        throw new UsageError(`--path-prefix${error.message.slice("pathPrefix".length)}`);
      }
      throw error;
    }
    if (output.path === undefined) io.stdout(text);
    else await writeOutput(output.path, text);
  }
  const record = values["write-baseline"];
  if (typeof record === "string") {
    const baseline = baselineOf(report);
    await writeOutput(record, formatBaseline(baseline));
    if (values.quiet !== true) {
      io.stderr(`tollgate: recorded ${baseline.findings.length} finding(s) in ${record}\n`);
    }
  }
  const skipped = report.results.filter((r) => r.status === "skipped").length;
  if (skipped > 0 && values.quiet !== true) {
    io.stderr(
      `tollgate: ${skipped} check(s) skipped: their registry data is not in the cache ` +
        "(--offline); run once online, or give --osv-db for vulnerabilities\n",
    );
  }
  if (report.verdict === "fail") return EXIT.fail;
  if (report.verdict === "incomplete") {
    const problems = report.coverage.problems.length;
    const errored = report.summary.error;
    io.stderr(
      `tollgate: incomplete: ${problems} input problem(s), ${errored} check(s) errored` +
        (values["allow-incomplete"] ? " (allowed by --allow-incomplete)\n" : "\n"),
    );
    for (const m of report.coverage.missing) io.stderr(`  ${m.section}: ${m.reason}\n`);
    for (const p of report.coverage.problems.slice(0, 5)) {
      io.stderr(
        `  ${p.line ? `${p.file}:${p.line}` : p.file}: ${p.message.replace(`${p.file}: `, "")}\n`,
      );
    }
    return values["allow-incomplete"] ? EXIT.pass : EXIT.incomplete;
  }
  return EXIT.pass;
}

async function commandSnapshot(dir: string, values: Values, io: Io): Promise<number> {
  const now = parseNow(values.now as string | undefined);
  // With --enrich, the registry data the policy's checks need is fetched into the snapshot, so
  // `tollgate eval` can later reproduce the verdict offline from this file alone.
  const policy = values.enrich === true
    ? await choosePolicy({ explicit: values.policy as string | undefined, projectDir: dir })
    : undefined;
  const progress = progressLine(values);
  const collected = await collectProject({
    root: await projectDir(dir),
    policy,
    now,
    ...collectFlags(values),
    onProgress: progress?.update,
  });
  let snapshot = collected;
  if (policy) {
    const enriched = await enrichProject({
      snapshot: collected,
      policy,
      sources: registrySources(values),
      onProgress: progress?.update,
    });
    snapshot = enriched.snapshot;
    for (const warning of enriched.warnings) io.stderr(`tollgate: warning: ${warning}\n`);
  }
  progress?.done();
  const text = JSON.stringify(snapshot, null, 2) + "\n";
  if (typeof values.output === "string") await writeOutput(values.output, text);
  else io.stdout(text);
  if (snapshot.problems.length > 0) {
    io.stderr(`tollgate: ${snapshot.problems.length} input problem(s) recorded in the snapshot\n`);
  }
  for (const m of snapshot.missing) io.stderr(`tollgate: ${m.section} is missing: ${m.reason}\n`);
  return EXIT.pass;
}

/** Where registry data comes from, as the flags say. */
function registrySources(values: Values): RegistrySources {
  return {
    offline: values.offline === true,
    cacheDir: values["cache-dir"] as string | undefined,
    pypiUrl: values["pypi-url"] as string | undefined,
    osvUrl: values["osv-url"] as string | undefined,
    osvDb: values["osv-db"] as string | undefined,
    hfUrl: values["hf-url"] as string | undefined,
    integrityUrl: values["integrity-url"] as string | undefined,
  };
}

/** How the project is collected, as the flags say. */
function collectFlags(values: Values) {
  return {
    env: expansionEnv(values),
    machine: values["no-machine-config"] === true ? undefined : {
      env: environment(),
      home: process.env.HOME ?? process.env.USERPROFILE,
    },
    verifyInstalled: values["no-verify-installed"] !== true,
  };
}

/**
 * Progress on stderr while files are hashed or data fetched. On a terminal, one line rewritten in
 * place; elsewhere (a CI log) nothing, unless `--progress`: then a plain line every few seconds.
 */
function progressLine(values: Values) {
  const terminal = isatty(2);
  if (!terminal && values.progress !== true) return undefined;
  const every = terminal ? 200 : 5_000;
  let last = 0;
  let shown = false;
  return {
    update: ({ stage, done, total }: PipelineProgress) => {
      const what = stage === "hashing" ? "hashing files" : "fetching registry data";
      const now = Date.now();
      if (now - last < every && done !== total) return;
      last = now;
      if (!terminal) return writeAllSync(2, `tollgate: ${what}: ${done}/${total}\n`);
      shown = true;
      writeAllSync(2, `\r${what}: ${done}/${total}\x1b[K`);
    },
    done: () => {
      if (shown) writeAllSync(2, "\r\x1b[K");
    },
  };
}

/**
 * The environment used for `${VAR}` in requirements files: empty unless `--expand-env`. Expanding
 * by default would let a scanned pull request print the CI's secrets into the report
 * (`--extra-index-url https://x/${AWS_SECRET_ACCESS_KEY}/`).
 */
function expansionEnv(values: Values): Record<string, string> {
  return values["expand-env"] === true ? environment() : {};
}

/** A copy of the process's environment variables. */
function environment(): Record<string, string> {
  const copy: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined) copy[name] = value;
  }
  return copy;
}

function usage(message: string): never {
  throw new UsageError(message);
}

async function projectDir(dir: string): Promise<string> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new UsageError(`${dir}: ${info ? "not a directory" : "no such directory"}`);
  }
  return dir;
}

async function writeOutput(file: string, text: string): Promise<void> {
  try {
    await writeFile(file, text);
  } catch (error) {
    const reason = hasErrorCode(error, "ENOENT")
      ? "its directory does not exist"
      : error instanceof Error
      ? error.message
      : String(error);
    throw new OutputError(`cannot write ${file}: ${reason}`);
  }
}

function parseFormats(raw: string[] | undefined): Array<{ format: string; path?: string }> {
  return parseOutputs(raw, formatters);
}

function parseOutputs(
  raw: string[] | undefined,
  known: Record<string, unknown>,
): Array<{ format: string; path?: string }> {
  const outputs = (raw ?? ["text"]).map((entry) => {
    const eq = entry.indexOf("=");
    const format = eq < 0 ? entry : entry.slice(0, eq);
    const file = eq < 0 ? undefined : entry.slice(eq + 1);
    if (!Object.hasOwn(known, format)) {
      throw new UsageError(
        `--format: unknown format "${format}"; expected one of ${Object.keys(known).join(", ")}`,
      );
    }
    if (file === "") throw new UsageError(`--format ${format}=: expected a file path after "="`);
    return { format, path: file };
  });
  if (outputs.filter((o) => o.path === undefined).length > 1) {
    throw new UsageError("--format: only one format can go to stdout; give the others =PATH");
  }
  return outputs;
}

function parseNow(raw: string | undefined): Date | undefined {
  if (raw === undefined) return undefined;
  const text = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? `${raw}T00:00:00Z` : raw;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) {
    throw new UsageError(`--now: expected an ISO 8601 date or time, got "${raw}"`);
  }
  return date;
}

async function readSnapshotFile(file: string, command = "eval"): Promise<Snapshot> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new UsageError(
      `${command}: ${file}: ${hasErrorCode(error, "ENOENT") ? "file not found" : error}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError({ file, message: `not valid JSON: ${(error as Error).message}` });
  }
  const result = Snapshot.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigError({
      file,
      keyPath: formatKeyPath(issue.path as PropertyKey[]) || undefined,
      message: `not a tollgate.snapshot/v1: ${cleanZodMessage(issue.message)}`,
    });
  }
  return result.data;
}

function reportError(error: unknown, io: Io, debug: boolean): number {
  if (error instanceof OptionError) {
    // The library names the option; the command line names its flag.
    const flag = `--${error.option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    io.stderr(`tollgate: ${flag}${error.message.slice(error.option.length)}\n`);
    return EXIT.usage;
  }
  if (
    error instanceof UsageError || error instanceof ConfigError || error instanceof RevisionError
  ) {
    io.stderr(`tollgate: ${error.message}\n`);
    if (debug) io.stderr(`${error.stack}\n`);
    return EXIT.usage;
  }
  if (error instanceof ReadError || error instanceof OutputError) {
    io.stderr(`tollgate: ${error.message}\n`);
    if (debug) io.stderr(`${error.stack}\n`);
    return EXIT.incomplete;
  }
  if (error instanceof Error && (hasErrorCode(error, "EACCES", "EPERM") || isNotPermitted(error))) {
    io.stderr(`tollgate: ${error.message} (see README: permissions)\n`);
    return EXIT.incomplete;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`tollgate: internal error: ${message}\n`);
  io.stderr(
    debug && error instanceof Error ? `${error.stack}\n` : "run again with --debug for details\n",
  );
  return EXIT.incomplete;
}

/**
 * Whether this module is the program being run: `import.meta.main` where the runtime has it
 * (Deno), else the script Node was started with (through any symlink, as npm's bin links are).
 */
function isEntryPoint(): boolean {
  const main = (import.meta as ImportMeta & { main?: boolean }).main;
  if (main !== undefined) return main;
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) process.exit(await main(process.argv.slice(2)));
