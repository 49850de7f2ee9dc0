/**
 * `tollgate verify-model PATH`: verify one OpenSSF Model Signing signature against the files on
 * disk and a trusted key, CA or Sigstore identity. Exit 0 valid, 1 invalid (with the verdict),
 * 2 usage, 3 could not complete.
 *
 * @module
 */
import { readFile, stat } from "node:fs/promises";
import * as path from "node:path";
import { collectSignatures } from "../collect/signatures/signatures.ts";
import {
  checkOmsTrust,
  judgeModelSignature,
  type ModelSignatureResult,
  ModelSignatureTrust,
} from "../verify/mod.ts";
import { EXIT, UsageError } from "./_errors.ts";

/** Where the command writes. */
export interface VerifyModelIo {
  /** Standard output. */
  stdout: (text: string) => void;
  /** Standard error. */
  stderr: (text: string) => void;
}

/** The command's parsed options (as `node:util` parseArgs returns them). */
export interface VerifyModelOptions {
  /** The model directory or file. */
  model: string;
  /** `--signature FILE` (default: `model.sig` in the model directory, or beside a model file). */
  signature?: string;
  /** `--key PEM` files. */
  keys?: string[];
  /** `--cert-chain PEM` files: trusted CA certificates (and intermediates). */
  certChains?: string[];
  /** `--identity` values, paired in order with `issuers`. */
  identities?: string[];
  /** `--issuer` values. */
  issuers?: string[];
  /** `--trusted-root FILE`: Sigstore trusted_root.json. */
  trustedRoot?: string;
  /** `--ignore-paths` values, relative to the model path. */
  ignorePaths?: string[];
  /** `--format text|json`. */
  format?: string;
  /** Evaluation time (certificate validity). */
  now?: Date;
}

const MAX_TRUST_FILE = 4 << 20;

/**
 * Runs `verify-model`.
 *
 * @param options Parsed options.
 * @param io Output streams.
 * @returns The exit code.
 * @example
 * ```ts ignore
 * import { verifyModel } from "./verify_model.ts";
 * const code = await verifyModel(
 *   { model: "models/bert", keys: ["keys/release.pub.pem"] },
 *   { stdout: console.log, stderr: console.error },
 * );
 * ```
 */
export async function verifyModel(options: VerifyModelOptions, io: VerifyModelIo): Promise<number> {
  const format = options.format ?? "text";
  if (format !== "text" && format !== "json") {
    throw new UsageError(`verify-model: --format must be text or json, got "${format}"`);
  }
  const trust = await readTrust(options);
  const model = path.resolve(options.model);
  const info = await stat(model).catch(() => undefined);
  if (!info) throw new UsageError(`verify-model: ${options.model}: no such file or directory`);
  if (!info.isFile() && !info.isDirectory()) {
    throw new UsageError(`verify-model: ${options.model}: not a file or directory`);
  }
  const signature = path.resolve(
    options.signature ?? path.join(info.isDirectory() ? model : path.dirname(model), "model.sig"),
  );
  if (!(await stat(signature).catch(() => undefined))?.isFile()) {
    throw new UsageError(
      `verify-model: ${options.signature ?? path.relative(".", signature)}: no signature file ` +
        "(pass --signature FILE)",
    );
  }
  // Collect from the nearest directory holding both, so reads stay confined to it.
  const root = commonDirectory(info.isDirectory() ? model : path.dirname(model), signature);
  const rel = (p: string) => path.relative(root, p).split(path.sep).join("/") || ".";
  const collected = await collectSignatures({
    root,
    files: [],
    specs: [{ signature: rel(signature), model: rel(model) }],
  });
  const found = collected.signatures[0];
  if (found === undefined) {
    const why = collected.problems.map((p) => p.message).join("; ") || "nothing was read";
    io.stderr(`tollgate: verify-model: ${why}\n`);
    return EXIT.incomplete;
  }
  const result = await judgeModelSignature(found, { trust, now: options.now ?? new Date() });
  const shown = {
    signature: path.relative(".", signature),
    model: path.relative(".", model) || ".",
  };
  if (format === "json") {
    io.stdout(JSON.stringify({ ...shown, ...result }, null, 2) + "\n");
  } else {
    io.stdout(textReport(shown, result));
  }
  if (result.verdict === "valid") return EXIT.pass;
  return result.verdict === "incomplete" ? EXIT.incomplete : EXIT.fail;
}

function textReport(
  shown: { signature: string; model: string },
  result: ModelSignatureResult,
): string {
  const head = result.verdict === "valid" ? "VALID" : `INVALID (${result.verdict})`;
  const lines = [`${head}  ${shown.model} (signature ${shown.signature})`, `  ${result.message}`];
  if (result.verdict === "incomplete") lines[0] = `INCOMPLETE  ${shown.model}`;
  if (result.signer && result.verdict !== "valid") lines.push(`  signer: ${result.signer}`);
  return lines.join("\n") + "\n";
}

async function readTrust(options: VerifyModelOptions) {
  const identities = options.identities ?? [];
  const issuers = options.issuers ?? [];
  if (identities.length !== issuers.length) {
    throw new UsageError(
      "verify-model: give --identity and --issuer together, one --issuer per --identity",
    );
  }
  const keys = await Promise.all((options.keys ?? []).map((f) => readTrustFile(f, "--key")));
  const cas = await Promise.all(
    (options.certChains ?? []).map((f) => readTrustFile(f, "--cert-chain")),
  );
  if (keys.length + cas.length + identities.length === 0) {
    throw new UsageError(
      "verify-model: say whom to trust: --key PEM, --cert-chain PEM, or --identity ID --issuer URL",
    );
  }
  let trustedRoot: unknown;
  if (options.trustedRoot !== undefined) {
    const text = await readTrustFile(options.trustedRoot, "--trusted-root");
    try {
      trustedRoot = JSON.parse(text);
    } catch (error) {
      throw new UsageError(
        `verify-model: --trusted-root ${options.trustedRoot}: not JSON (${
          (error as Error).message
        })`,
      );
    }
  }
  const parsed = ModelSignatureTrust.safeParse({
    publicKeys: keys,
    certificateAuthorities: cas,
    identities: identities.map((identity, i) => ({ identity, issuer: issuers[i] })),
    trustedRoot,
    ignorePaths: options.ignorePaths ?? [],
  });
  if (!parsed.success) {
    throw new UsageError(`verify-model: ${parsed.error.issues[0].message}`);
  }
  const unusable = checkOmsTrust(parsed.data);
  if (unusable.length > 0) throw new UsageError(`verify-model: ${unusable.join("; ")}`);
  return parsed.data;
}

async function readTrustFile(file: string, flag: string): Promise<string> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) {
    throw new UsageError(
      `verify-model: ${flag} ${file}: ${info ? "not a regular file" : "no such file"}`,
    );
  }
  if (info.size > MAX_TRUST_FILE) {
    throw new UsageError(`verify-model: ${flag} ${file}: larger than ${MAX_TRUST_FILE} bytes`);
  }
  return await readFile(file, "utf8");
}

/** The deepest directory containing both `directory` and `file`. */
function commonDirectory(directory: string, file: string): string {
  let dir = directory;
  while (dir !== path.dirname(dir)) {
    const rel = path.relative(dir, file);
    if (!rel.startsWith("..") && !path.isAbsolute(rel)) return dir;
    dir = path.dirname(dir);
  }
  return dir;
}
