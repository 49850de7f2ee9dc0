/**
 * Finding and loading policy files: YAML, TOML, `[tool.tollgate]` in pyproject.toml, or a
 * TypeScript module whose default export is a policy.
 *
 * @module
 */
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import {
  ConfigError,
  type ConfigFormat,
  parsePolicyConfig,
  resolvePolicyConfig,
} from "../core/config.ts";
import type { Policy } from "../core/policy.ts";
import { parse as parseToml } from "smol-toml";
import { catalogue } from "../checks/mod.ts";
import { policies, recommended } from "../policies/mod.ts";

const MAX_POLICY_BYTES = 1024 * 1024;
const MAX_EXTENDS_DEPTH = 16;

/** Data policy files looked for in a project, in order. */
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
  if (options.explicit) return await loadPolicyFile(path.resolve(options.explicit), []);
  if (!options.projectDir) return recommended;
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
    return await loadPolicyFile(file, []);
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

async function loadPolicyFile(file: string, chain: string[]): Promise<Policy> {
  const shown = path.relative(Deno.cwd(), file) || file;
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
  if (/\.(?:ts|mts|js|mjs)$/.test(file)) return await importPolicyModule(file, shown);
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
    const builtin = policies[name];
    if (builtin) {
      parents.push(builtin);
    } else if (/[/\\.]/.test(name)) {
      parents.push(await loadPolicyFile(path.resolve(path.dirname(file), name), [...chain, file]));
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
  const policy = module.default as Partial<Policy> | undefined;
  if (
    !policy || typeof policy.name !== "string" || !Array.isArray(policy.checks) ||
    !Array.isArray(policy.waivers) || typeof policy.failOn !== "string"
  ) {
    throw new ConfigError({
      file: shown,
      message: "expected a default export made with definePolicy({ name, checks, … })",
    });
  }
  return policy as Policy;
}

async function readPolicyText(file: string): Promise<string> {
  const shown = path.relative(Deno.cwd(), file) || file;
  try {
    const stat = await Deno.stat(file);
    if (stat.size > MAX_POLICY_BYTES) {
      throw new ConfigError({ file: shown, message: `is over ${MAX_POLICY_BYTES} bytes` });
    }
    return await Deno.readTextFile(file);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const reason = error instanceof Deno.errors.NotFound ? "file not found" : String(error);
    throw new ConfigError({ file: shown, message: reason });
  }
}

async function isFile(file: string): Promise<boolean> {
  return (await Deno.stat(file).catch(() => undefined))?.isFile ?? false;
}

function isToml(text: string): boolean {
  try {
    parseToml(text);
    return true;
  } catch {
    return false;
  }
}
