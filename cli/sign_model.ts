/**
 * `tollgate sign-model PATH --key PRIVATE.pem`: sign a model directory or file with a private key,
 * writing the OpenSSF Model Signing signature model_signing v1.1 writes for key signing (Sigstore
 * bundle v0.3, DSSE envelope, in-toto statement with predicate
 * `https://model_signing/signature/v1.0`, "files" serialization). Exit 0 signed, 2 usage,
 * 3 could not complete.
 *
 * @module
 */
import { link, lstat, realpath, rename, rm, stat, writeFile } from "node:fs/promises";
import * as path from "node:path";
import type { SignedFile } from "../core/snapshot.ts";
import { normaliseRelative } from "../collect/fs.ts";
import { describeFsError, hasErrorCode } from "../collect/node_fs.ts";
import {
  hashSignedFiles,
  type SignedFileJob,
  walkModelDirectory,
} from "../collect/signatures/signatures.ts";
import { GIT_PATHS } from "../verify/mod.ts";
import { describeKeyType, keyFingerprint } from "../verify/mod.ts";
import { buildOmsStatement, type OmsSignedResource, signOmsBundle } from "../verify/mod.ts";
import { readSigningKey } from "./_signing_key.ts";
import { EXIT, OutputError, UsageError } from "./_errors.ts";

/** Where the command writes. */
export interface SignModelIo {
  /** Standard output. */
  stdout: (text: string) => void;
  /** Standard error. */
  stderr: (text: string) => void;
}

/** The command's parsed options. */
export interface SignModelOptions {
  /** The model directory or file. */
  model: string;
  /** `--key PEM`: the private key (PKCS#8 or SEC1; ECDSA P-256/P-384/P-521 or Ed25519). */
  key: string;
  /** `--output FILE` (default: `model.sig` in the model directory, or beside a model file). */
  output?: string;
  /** `--ignore-paths` values: paths relative to the model directory left out of the signature. */
  ignorePaths?: string[];
  /** `--force`: replace an existing output file. */
  force?: boolean;
  /** Hashing workers (default: the pool's default; 0 hashes on this thread). */
  hashWorkers?: number;
}

/** The signature file name model_signing writes by default. */
const SIGNATURE_FILE_NAME = "model.sig";
/** Paths listed in messages before "and N more". */
const SHOWN = 5;

/**
 * Runs `sign-model`: hashes every regular file under the model path (minus the ignore paths, git's
 * files and the signature itself), signs the statement, and writes the bundle atomically.
 * Symbolic links, FIFOs and devices are refused, as model_signing refuses them by default.
 *
 * @param options Parsed options.
 * @param io Output streams.
 * @returns The exit code: 0 signed, 3 when the model could not be read completely.
 * @throws {UsageError} for a bad key, a missing model, symlinks, an existing output without
 *   `force`; {OutputError} when the signature cannot be written.
 * @example
 * ```ts ignore
 * import { signModel } from "./sign_model.ts";
 * const code = await signModel(
 *   { model: "models/bert", key: "keys/release.pem", ignorePaths: ["logs"] },
 *   { stdout: console.log, stderr: console.error },
 * );
 * ```
 */
export async function signModel(options: SignModelOptions, io: SignModelIo): Promise<number> {
  const key = await readSigningKey(options.key);
  const model = path.resolve(options.model);
  const info = await lstat(model).catch(() => undefined);
  if (!info) throw new UsageError(`sign-model: ${options.model}: no such file or directory`);
  if (info.isSymbolicLink()) {
    throw new UsageError(
      `sign-model: ${options.model} is a symbolic link; model_signing signs without following ` +
        "symlinks: give the directory or file it points to",
    );
  }
  if (!info.isFile() && !info.isDirectory()) {
    throw new UsageError(
      `sign-model: ${options.model}: not a regular file or directory (FIFO, device or socket)`,
    );
  }
  const isDirectory = info.isDirectory();
  const output = path.resolve(
    options.output ?? path.join(isDirectory ? model : path.dirname(model), SIGNATURE_FILE_NAME),
  );
  const shownOutput = path.relative(".", output) || output;
  await checkOutput({ output, shown: shownOutput, model, force: options.force ?? false });

  if (!isDirectory && (options.ignorePaths ?? []).length > 0) {
    throw new UsageError(
      `sign-model: ${options.model} is a file: --ignore-paths applies to model directories only`,
    );
  }
  const ignorePaths = isDirectory
    ? modelIgnorePaths({ model, output, given: options.ignorePaths ?? [] })
    : [];
  const hashed = isDirectory
    ? await hashDirectory({
      model,
      shown: options.model,
      ignorePaths,
      workers: options.hashWorkers,
    })
    : await hashOneFile({ model, workers: options.hashWorkers });
  if ("problems" in hashed) {
    io.stderr(
      `tollgate: sign-model: ${options.model} could not be read completely; nothing was signed:\n` +
        hashed.problems.map((p) => `  ${p}\n`).join(""),
    );
    return EXIT.incomplete;
  }

  const statement = buildOmsStatement({
    modelName: path.basename(model) || model,
    method: "files",
    resources: hashed.resources,
    ignorePaths,
    allowSymlinks: false,
  });
  let bundle;
  try {
    bundle = signOmsBundle({ statement, privateKeyPem: key.privateKeyPem });
  } catch (error) {
    throw new UsageError(`sign-model: --key ${options.key}: ${(error as Error).message}`);
  }
  // Compact, no final newline: byte for byte the shape model_signing writes.
  await writeSignature({
    output,
    shown: shownOutput,
    text: JSON.stringify(bundle),
    force: options.force ?? false,
  });
  const count = hashed.resources.length;
  const lines = [
    `Signed ${path.relative(".", model) || "."}: ${count} file${count === 1 ? "" : "s"}, ` +
    `${formatBytes(hashed.bytes)}`,
    `  model digest  sha256:${statement.subject[0].digest.sha256}`,
    `  key           ${describeKeyType(key.publicKey)} ${keyFingerprint(key.publicKey)}`,
    `  signature     ${shownOutput}`,
  ];
  if (ignorePaths.length > 0) lines.push(`  not signed    ${ignorePaths.join(", ")}`);
  io.stdout(lines.join("\n") + "\n");
  return EXIT.pass;
}

/** The output must go into an existing directory, not onto the model, and not clobber. */
async function checkOutput(options: {
  output: string;
  shown: string;
  model: string;
  force: boolean;
}): Promise<void> {
  const { output, shown } = options;
  if (output === options.model) {
    throw new UsageError(`sign-model: --output ${shown} is the model itself`);
  }
  const parent = await stat(path.dirname(output)).catch(() => undefined);
  if (!parent?.isDirectory()) {
    throw new UsageError(
      `sign-model: cannot write ${shown}: its directory ${path.dirname(shown)} does not exist`,
    );
  }
  const existing = await lstat(output).catch(() => undefined);
  if (existing === undefined) return;
  if (existing.isDirectory()) throw new UsageError(`sign-model: ${shown} is a directory`);
  if (!options.force) {
    throw new UsageError(`sign-model: ${shown} already exists; pass --force to replace it`);
  }
}

/**
 * What the signature leaves out, relative to the model directory, as model_signing v1.1 records
 * it in `ignore_paths`: the paths given, the signature file when it lies inside, git's paths.
 */
function modelIgnorePaths(options: { model: string; output: string; given: string[] }): string[] {
  const ignored: string[] = [];
  for (const given of options.given) {
    const relative = path.isAbsolute(given)
      ? path.relative(options.model, given).split(path.sep).join("/")
      : given;
    const normal = normaliseRelative(relative)?.replace(/\/+$/, "");
    if (normal === undefined) {
      throw new UsageError(
        `sign-model: --ignore-paths ${given} is outside the model directory ` +
          "(ignore paths are relative to it)",
      );
    }
    if (normal === "." || normal === "") {
      throw new UsageError(`sign-model: --ignore-paths ${given} would leave out the whole model`);
    }
    ignored.push(normal);
  }
  const signature = path.relative(options.model, options.output);
  if (!signature.startsWith("..") && !path.isAbsolute(signature)) {
    ignored.push(signature.split(path.sep).join("/"));
  }
  return [...new Set([...ignored, ...GIT_PATHS])];
}

/** What was hashed: resources and their total size, or why the model could not be read. */
type Hashed = { resources: OmsSignedResource[]; bytes: number } | { problems: string[] };

/** Hash every regular file under the model directory that no ignore path covers. */
async function hashDirectory(options: {
  model: string;
  shown: string;
  ignorePaths: readonly string[];
  workers?: number;
}): Promise<Hashed> {
  const real = await realpath(options.model);
  const walk = await walkModelDirectory({ directory: real });
  if (walk.truncated) return { problems: walk.issues };
  const ignored = (p: string) => options.ignorePaths.some((i) => p === i || p.startsWith(`${i}/`));
  const entries = walk.entries.filter((entry) => !ignored(entry.path));
  const refuse = (kind: string, found: string[], advice: string) => {
    const list = found.slice(0, SHOWN).join(", ") +
      (found.length > SHOWN ? ` and ${found.length - SHOWN} more` : "");
    throw new UsageError(`sign-model: ${options.shown} holds ${kind}: ${list}; ${advice}`);
  };
  const links = entries.filter((e) => e.kind === "symlink").map((e) => e.path);
  if (links.length > 0) {
    refuse(
      "symbolic links",
      links,
      "model_signing signs without following symlinks (allow_symlinks false): replace them " +
        "with the files they point to, or leave them out with --ignore-paths",
    );
  }
  const others = entries.filter((e) => e.kind === "other").map((e) => e.path);
  if (others.length > 0) {
    refuse(
      "entries that are not regular files (FIFO, device or socket)",
      others,
      "remove them or leave them out with --ignore-paths",
    );
  }
  if (entries.length === 0) {
    throw new UsageError(
      `sign-model: ${options.shown} holds no regular file to sign after leaving out ` +
        options.ignorePaths.join(", "),
    );
  }
  const jobs = entries.map((entry) => job(entry.path, entry.absolute));
  return await hashJobs(jobs, real, options.workers);
}

/** Hash a model that is one file: its resource is named ".". */
async function hashOneFile(options: { model: string; workers?: number }): Promise<Hashed> {
  const real = await realpath(options.model);
  return await hashJobs([job(".", real)], path.dirname(real), options.workers);
}

function job(relative: string, absolute: string): SignedFileJob {
  const record: SignedFile = { path: relative, kind: "file" };
  return { record, kind: "file", absolute, issues: [] };
}

async function hashJobs(
  jobs: SignedFileJob[],
  rootReal: string,
  workers: number | undefined,
): Promise<Hashed> {
  await hashSignedFiles(jobs, { rootReal, hashWorkers: workers });
  const problems = jobs.filter((j) => j.record.sha256 === undefined)
    .map((j) => `${j.record.path}: ${j.record.error ?? "not hashed"}`);
  if (problems.length > 0) return { problems };
  return {
    resources: jobs.map((j) => ({ name: j.record.path, digest: j.record.sha256! })),
    bytes: jobs.reduce((sum, j) => sum + (j.record.size ?? 0), 0),
  };
}

/**
 * Write through a temporary file beside the output, then move it into place: readers never see
 * half a signature. Without `force`, a hard link puts it in place only if nothing is there yet.
 */
async function writeSignature(options: {
  output: string;
  shown: string;
  text: string;
  force: boolean;
}): Promise<void> {
  const { output, shown } = options;
  const temp = path.join(
    path.dirname(output),
    `.${path.basename(output)}.${crypto.randomUUID().slice(0, 8)}.tmp`,
  );
  const exists = () =>
    new UsageError(`sign-model: ${shown} already exists; pass --force to replace it`);
  try {
    await writeFile(temp, options.text, { flag: "wx", mode: 0o644 });
    if (options.force) {
      await rename(temp, output);
      return;
    }
    try {
      await link(temp, output);
    } catch (error) {
      if (hasErrorCode(error, "EEXIST")) throw exists();
      // A file system without hard links: check, then move.
      if (await lstat(output).then(() => true, () => false)) throw exists();
      await rename(temp, output);
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new OutputError(`sign-model: cannot write ${shown}: ${describeFsError(error)}`);
  } finally {
    await rm(temp).catch(() => {});
  }
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
