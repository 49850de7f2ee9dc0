/**
 * Finding and loading policy files: YAML, TOML, `[tool.tollgate]` in pyproject.toml, or a
 * TypeScript module whose default export is a policy.
 *
 * @module
 */
import { readFile, realpath, stat } from "node:fs/promises";
import * as path from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";
import {
  ConfigError,
  type ConfigFormat,
  parsePolicyConfig,
  resolvePolicyConfig,
} from "../core/config.ts";
import { type Policy, Waiver } from "../core/policy.ts";
import { cleanZodMessage, formatKeyPath, Severity } from "../core/check.ts";
import { z } from "zod";
import { parse as parseToml } from "smol-toml";
import { catalogue } from "../checks/mod.ts";
import { hasErrorCode } from "../collect/node_fs.ts";
import { policies, recommended } from "../policies/mod.ts";

const MAX_POLICY_BYTES = 1024 * 1024;
const MAX_EXTENDS_DEPTH = 16;

/**
 * Data policy files looked for in a project, in order.
 *
 * @example
 * ```ts
 * import { DISCOVERED_POLICY_FILES } from "./policy_file.ts";
 * DISCOVERED_POLICY_FILES[0]; // "tollgate.yaml"
 * ```
 */
export const DISCOVERED_POLICY_FILES = [
  "tollgate.yaml",
  "tollgate.yml",
  "tollgate.toml",
  "pyproject.toml",
];

/**
 * The policy for a run: `--policy FILE` when given, else a data policy file found in the project,
 * else `recommended`. A `tollgate.policy.ts` in the project is not loaded unless named with
 * `--policy`: a TS policy is code, and scanning a project must never run its code.
 *
 * @example
 * ```ts ignore
 * const policy = await choosePolicy({ explicit: undefined, projectDir: "examples/ml-app" });
 * ```
 */
export async function choosePolicy(
  options: { explicit?: string; projectDir?: string },
): Promise<Policy> {
  if (options.explicit) return await loadPolicy({ file: options.explicit });
  if (!options.projectDir) return recommended;
  // A policy found in the scanned project is as untrusted as the project: it may not pull in
  // code, nor files from outside the project.
  const confineTo = await realpath(options.projectDir).catch(() => undefined);
  const trust: Trust = { code: false, confineTo };
  for (const name of DISCOVERED_POLICY_FILES) {
    const file = path.join(options.projectDir, name);
    if (!(await isFile(file))) continue;
    if (name === "pyproject.toml") {
      const text = await readPolicyText(file);
      // A pyproject that is not valid TOML is the collector's to report (as unreadable input);
      // here it only means "no policy in it".
      if (!isToml(text)) continue;
      if (!parsePolicyConfig({ text, file, format: "pyproject" })) continue;
    }
    return await loadPolicyFile(path.resolve(file), [], trust);
  }
  const tsPolicy = path.join(options.projectDir, "tollgate.policy.ts");
  if (await isFile(tsPolicy)) {
    throw new ConfigError({
      file: tsPolicy,
      message: "is a TypeScript policy, which runs code; it is only loaded when named " +
        `explicitly: --policy ${tsPolicy}`,
    });
  }
  return recommended;
}

/** What a policy file may do: load code (TS modules), and read files outside a directory. */
interface Trust {
  /** May `extends` (or the file itself) be a TS/JS module? */
  code: boolean;
  /** When set, every file must lie inside this (real) directory. */
  confineTo?: string;
}

/**
 * Load a policy file named by the user: YAML, TOML, pyproject.toml (`[tool.tollgate]`) or a
 * TS/JS module whose default export is a policy. Its `extends` are resolved relative to it.
 *
 * @param options `file`: the path, relative to the working directory or absolute.
 * @returns The resolved policy.
 * @throws {ConfigError} naming the file, key path and, for YAML, the line.
 * @example
 * ```ts
 * import { loadPolicy } from "./policy_file.ts";
 * const policy = await loadPolicy({ file: "examples/policies/team.yaml" });
 * policy.checks.length > 0; // true
 * ```
 */
export async function loadPolicy(options: { file: string }): Promise<Policy> {
  return await loadPolicyFile(path.resolve(options.file), [], { code: true });
}

async function loadPolicyFile(file: string, chain: string[], trust: Trust): Promise<Policy> {
  const shown = path.relative(process.cwd(), file) || file;
  await enforceTrust(file, shown, chain, trust);
  if (chain.includes(file)) {
    throw new ConfigError({
      file: shown,
      keyPath: "extends",
      message: `extends itself through ${chain.map((f) => path.basename(f)).join(" → ")}`,
    });
  }
  if (chain.length > MAX_EXTENDS_DEPTH) {
    throw new ConfigError({ file: shown, keyPath: "extends", message: "nests too deeply" });
  }
  if (isCode(file)) return await importPolicyModule(file, shown);
  const format: ConfigFormat = /\.ya?ml$/.test(file)
    ? "yaml"
    : path.basename(file) === "pyproject.toml"
    ? "pyproject"
    : file.endsWith(".toml")
    ? "toml"
    : (() => {
      throw new ConfigError({
        file: shown,
        message: "unknown policy file type; expected .yaml, .yml, .toml, pyproject.toml or .ts",
      });
    })();
  const config = parsePolicyConfig({ text: await readPolicyText(file), file: shown, format });
  if (!config) {
    throw new ConfigError({ file: shown, message: "has no [tool.tollgate] table" });
  }
  const parents: Policy[] = [];
  for (const [i, name] of (config.extends ?? []).entries()) {
    if (Object.hasOwn(policies, name)) {
      parents.push(policies[name]);
    } else if (/[/\\.]/.test(name)) {
      const parent = path.resolve(path.dirname(file), name);
      parents.push(await loadPolicyFile(parent, [...chain, file], trust));
    } else {
      throw new ConfigError({
        file: shown,
        keyPath: `extends[${i}]`,
        message: `unknown built-in policy "${name}"; expected one of ${
          Object.keys(policies).join(", ")
        } or a relative path`,
      });
    }
  }
  return resolvePolicyConfig({ config, file: shown, catalogue, parents });
}

async function importPolicyModule(file: string, shown: string): Promise<Policy> {
  let module: { default?: unknown };
  try {
    module = await import(pathToFileURL(file).href);
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new ConfigError({ file: shown, message: `the policy module failed to load: ${message}` });
  }
  const result = PolicyShape.safeParse(module.default);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = formatKeyPath(issue.path as PropertyKey[]);
    throw new ConfigError({
      file: shown,
      keyPath: where ? `default.${where}` : undefined,
      message: "expected a default export made with definePolicy({ name, checks, … }): " +
        cleanZodMessage(issue.message),
    });
  }
  return module.default as Policy;
}

/** What a TS policy's default export must look like (a `definePolicy` result). */
const PolicyShape = z.object({
  name: z.string().min(1),
  checks: z.array(z.object({
    id: z.string(),
    definition: z.object({ run: z.custom<unknown>((v) => typeof v === "function", "a function") }),
    options: z.object({ severity: Severity.optional() }),
  })),
  disabled: z.array(z.string()),
  waivers: z.array(Waiver),
  failOn: Severity,
});

function isCode(file: string): boolean {
  return /\.(?:ts|mts|cts|js|mjs|cjs|tsx|jsx)$/i.test(file);
}

async function enforceTrust(file: string, shown: string, chain: string[], trust: Trust) {
  const from = chain.length ? `${path.basename(chain[chain.length - 1])} ` : "";
  if (isCode(file) && !trust.code) {
    throw new ConfigError({
      file: shown,
      message: `is a TypeScript/JavaScript policy pulled in by ${from}from the scanned ` +
        "project; code policies only load when named with --policy",
    });
  }
  if (trust.confineTo) {
    const real = await realpath(file).catch(() => file);
    if (real !== trust.confineTo && !real.startsWith(trust.confineTo + path.sep)) {
      throw new ConfigError({
        file: shown,
        message:
          `lies outside the scanned project (extended by ${from.trim() || "the project"}); ` +
          "a project's policy may only extend files inside it",
      });
    }
  }
}

async function readPolicyText(file: string): Promise<string> {
  const shown = path.relative(process.cwd(), file) || file;
  try {
    const info = await stat(file);
    if (info.size > MAX_POLICY_BYTES) {
      throw new ConfigError({ file: shown, message: `is over ${MAX_POLICY_BYTES} bytes` });
    }
    return await readFile(file, "utf8");
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const reason = hasErrorCode(error, "ENOENT") ? "file not found" : String(error);
    throw new ConfigError({ file: shown, message: reason });
  }
}

async function isFile(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined))?.isFile() ?? false;
}

function isToml(text: string): boolean {
  try {
    parseToml(text);
    return true;
  } catch {
    return false;
  }
}
