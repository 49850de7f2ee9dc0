/**
 * Build the npm package into `npm/`: the library and the `tollgate` command for Node ≥ 20.10,
 * compiled by `tsc` from the same sources Deno runs (`deno task build:npm`).
 *
 * What it does, in order:
 * 1. copies the shipped source (every layer, `mod.ts`, `cli.ts`, `testing.ts`, the bundled data)
 *    to `npm/src/`, so `tsc` resolves packages from `npm/node_modules/`;
 * 2. writes `npm/package.json`: the subpath `exports` of deno.json with their types, the `tollgate`
 *    bin, and as dependencies exactly the npm packages the shipped source imports, at the versions
 *    deno.json pins;
 * 3. installs those and the build tools (`npm install --ignore-scripts`);
 * 4. compiles with `rewriteRelativeImportExtensions` (`./x.ts` imports become `./x.js`) into
 *    `npm/dist/`, with declarations, and gives the CLI a Node shebang.
 *
 * The hashing benchmark is compiled too (`node npm/dist/bench/hash_throughput.js`), but not packed.
 * `npm pack` in `npm/` then makes the tarball. The sources contain no `Deno.*` call outside a
 * `globalThis.Deno` guard; a check below refuses to ship one.
 *
 * @module
 */
import { cp, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import * as path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** Versions of the build tools; the package's runtime dependencies come from deno.json. */
const BUILD_TOOLS = { typescript: "5.9.3", "@types/node": "20.19.43" } as const;

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const OUT = path.join(REPO, "npm");
const SHIPPED_FOLDERS = [
  "core",
  "packaging",
  "collect",
  "enrich",
  "verify",
  "checks",
  "policies",
  "report",
  "diff",
  "pipeline",
  "cli",
];
const SHIPPED_FILES = ["mod.ts", "cli.ts", "testing.ts"];
/** Compiled beside the package (for `node npm/dist/bench/…`), never packed. */
const BENCH_FILES = ["bench/hash_throughput.ts", "bench/_files.ts"];
const DATA_FILES = /\.json$/;

interface DenoConfig {
  name: string;
  version: string;
  license: string;
  exports: Record<string, string>;
  imports: Record<string, string>;
}

async function run(cmd: string, args: string[], cwd: string): Promise<void> {
  const { spawn } = await import("node:child_process");
  await new Promise<void>((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ["ignore", "inherit", "inherit"] });
    child.on("error", reject);
    child.on(
      "exit",
      (code) =>
        code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(" ")} exited with ${code}`)),
    );
  });
}

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(REPO, dir), { withFileTypes: true })) {
    const relative = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...await sourceFiles(relative));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith("_test.ts")) out.push(relative);
  }
  return out;
}

/** `npm:@scope/name@1.2.3` → [`@scope/name`, `1.2.3`]. */
function npmSpecifier(specifier: string): [string, string] {
  const bare = specifier.replace(/^npm:/, "");
  const at = bare.lastIndexOf("@");
  if (at <= 0) throw new Error(`deno.json: "${specifier}" has no pinned version`);
  return [bare.slice(0, at), bare.slice(at + 1)];
}

async function main(): Promise<void> {
  const config = JSON.parse(await readFile(path.join(REPO, "deno.json"), "utf8")) as DenoConfig;
  await rm(path.join(OUT, "src"), { recursive: true, force: true });
  await rm(path.join(OUT, "dist"), { recursive: true, force: true });
  await mkdir(path.join(OUT, "src"), { recursive: true });

  const files = [...SHIPPED_FILES, ...BENCH_FILES];
  for (const folder of SHIPPED_FOLDERS) files.push(...await sourceFiles(folder));
  const imported = new Set<string>();
  const denoCalls: string[] = [];
  for (const file of files) {
    const text = await readFile(path.join(REPO, file), "utf8");
    // Static imports and re-exports start a line (deno fmt); their specifier ends the statement.
    for (const match of text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s*"([^".][^"]*)";/gm)) {
      if (!match[1].startsWith("node:") && !match[1].includes("${")) imported.add(match[1]);
    }
    // Every Deno API call must sit behind a `globalThis.Deno` guard, or Node would throw.
    text.split("\n").forEach((line, i) => {
      if (/(?<![.\w])Deno\.(?!land)/.test(line) && !/^\s*(\*|\/\/)/.test(line)) {
        denoCalls.push(`${file}:${i + 1}: ${line.trim()}`);
      }
    });
    await mkdir(path.join(OUT, "src", path.dirname(file)), { recursive: true });
    await writeFile(path.join(OUT, "src", file), text);
  }
  if (denoCalls.length > 0) {
    throw new Error(`Deno APIs Node does not have:\n  ${denoCalls.join("\n  ")}`);
  }
  await mkdir(path.join(OUT, "src", "data"), { recursive: true });
  for (const name of await readdir(path.join(REPO, "data"))) {
    if (DATA_FILES.test(name)) {
      await cp(path.join(REPO, "data", name), path.join(OUT, "src/data", name));
    }
  }

  const dependencies: Record<string, string> = {};
  for (const name of [...imported].sort()) {
    const mapped = config.imports[name];
    if (!mapped) throw new Error(`the source imports "${name}", which deno.json does not map`);
    const [pkg, version] = npmSpecifier(mapped);
    dependencies[pkg] = version;
  }
  const exports: Record<string, { types: string; default: string }> = {};
  for (const [subpath, file] of Object.entries(config.exports)) {
    const js = file.replace(/^\.\//, "./dist/").replace(/\.ts$/, ".js");
    exports[subpath] = { types: js.replace(/\.js$/, ".d.ts"), default: js };
  }
  const packageJson = {
    name: config.name,
    version: config.version,
    description:
      "Policy-as-code for the machine-learning supply chain: dependencies, indexes, environments, " +
      "models and signatures, judged by typed policies (OWASP ML06).",
    license: config.license,
    type: "module",
    engines: { node: ">=20.10" },
    bin: { tollgate: "./dist/cli.js" },
    exports,
    types: "./dist/mod.d.ts",
    files: ["dist/", "!dist/bench/", "README.md", "LICENSE"],
    keywords: ["supply-chain", "security", "machine-learning", "policy-as-code", "sbom", "pypi"],
    dependencies,
    devDependencies: { ...BUILD_TOOLS },
  };
  await writeFile(path.join(OUT, "package.json"), JSON.stringify(packageJson, null, 2) + "\n");
  await cp(path.join(REPO, "README.md"), path.join(OUT, "README.md"));
  await cp(path.join(REPO, "LICENSE"), path.join(OUT, "LICENSE"));

  const tsconfig = {
    compilerOptions: {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      // ES2023 and no later: the compiler then refuses what Node 20 lacks (Array.fromAsync, Map.groupBy).
      lib: ["ES2023", "ES2024.String", "DOM"],
      types: ["node"],
      strict: true,
      declaration: true,
      rewriteRelativeImportExtensions: true,
      resolveJsonModule: true,
      skipLibCheck: true,
      rootDir: "src",
      outDir: "dist",
    },
    include: ["src/**/*.ts"],
  };
  await writeFile(path.join(OUT, "tsconfig.json"), JSON.stringify(tsconfig, null, 2) + "\n");

  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  await run(
    npm,
    ["install", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
    OUT,
  );
  await run(process.execPath.endsWith("deno") ? "node" : process.execPath, [
    path.join(OUT, "node_modules/typescript/bin/tsc"),
    "-p",
    path.join(OUT, "tsconfig.json"),
  ], OUT);

  const cli = path.join(OUT, "dist/cli.js");
  const compiled = await readFile(cli, "utf8");
  await writeFile(cli, "#!/usr/bin/env node\n" + compiled.replace(/^#!.*\n/, ""), { mode: 0o755 });
  console.log(`built ${packageJson.name}@${packageJson.version} into npm/dist`);
}

await main();
