/**
 * Which virtual environment a Dockerfile makes active for a command, from what the file itself
 * says: the PATH it builds with `ENV PATH=…` (Docker substitution of `$PATH`, `$VIRTUAL_ENV`… as
 * the build does it), `ENV VIRTUAL_ENV=…`, and the environments its `RUN` steps create
 * (`python -m venv DIR`, `virtualenv DIR`, `uv venv [DIR]`, anywhere in the file, since a later
 * stage may `COPY --from` one).
 *
 * A PATH directory `DIR/bin` counts as a virtual environment's when DIR is one the file creates,
 * the one `VIRTUAL_ENV` names, or is named like one (`venv`, `.venv`, `virtualenv`, `*-venv`,
 * `*_venv`, `venv-*`); it makes the environment active when it comes before every system directory
 * (`/usr/local/bin`, `/usr/bin`, `/bin`, their `sbin`s) and before the base image's own PATH.
 *
 * @module
 */
import * as path from "node:path";
import type { CommandWord, LaunchVenv, Location } from "../../core/snapshot.ts";

/** One directory of PATH and where the file put it there; `base` stands for the image's PATH. */
export interface PathEntry {
  /** The directory (absolute when the file's was relative to WORKDIR). */
  dir: string;
  /** Where it was set. */
  location?: Location;
  /** The base image's own PATH, which the file does not show. */
  base?: true;
}

/** What a stage says about virtual environments at one point. */
export interface VenvState {
  /** PATH as the file has built it (the base image's PATH alone when never set). */
  path: PathEntry[];
  /** `VIRTUAL_ENV` when set, with its place. */
  virtualEnv?: { path: string; location: Location };
}

const SYSTEM_DIRS = new Set([
  "/usr/local/sbin",
  "/usr/local/bin",
  "/usr/sbin",
  "/usr/bin",
  "/sbin",
  "/bin",
]);
const VENV_NAME = /^(?:\.?venv|\.?virtualenvs?|.+[-_.]venv|venv[-_.].+)$/i;
/** uv venv options that take a value (the first other operand is the directory). */
const UV_VALUE_OPTIONS = new Set([
  "-p",
  "--python",
  "--prompt",
  "--index-url",
  "--extra-index-url",
  "-i",
  "-f",
  "--find-links",
  "--cache-dir",
  "--link-mode",
  "--index-strategy",
  "--keyring-provider",
  "--exclude-newer",
  "--directory",
  "--project",
  "--config-file",
  "--index",
  "--default-index",
]);

/**
 * The base image's PATH, before the file sets one.
 *
 * @example
 * ```ts
 * import { basePath } from "./_docker_venv.ts";
 * basePath(); // [{ dir: "$PATH", base: true }]
 * ```
 */
export function basePath(): PathEntry[] {
  return [{ dir: "$PATH", base: true }];
}

/**
 * PATH after `ENV PATH=value`: `$PATH` and `${PATH}` stand for the PATH before, other references
 * are substituted by `expand`, relative directories are taken from `workdir`.
 *
 * @example
 * ```ts
 * import { basePath, pathAfter } from "./_docker_venv.ts";
 * const at = { file: "Dockerfile", line: 5 };
 * pathAfter(basePath(), "/opt/venv/bin:$PATH", { location: at, workdir: "/", expand: (s) => s })
 *   .map((e) => e.dir); // ["/opt/venv/bin", "$PATH"]
 * ```
 */
export function pathAfter(
  previous: PathEntry[],
  value: string,
  options: { location: Location; workdir: string; expand: (text: string) => string },
): PathEntry[] {
  const marker = "\u0000";
  const expanded = options.expand(value.replace(/\$\{PATH\}|\$PATH(?![A-Za-z0-9_])/g, marker));
  const entries: PathEntry[] = [];
  for (const part of expanded.split(":")) {
    if (part.includes(marker)) entries.push(...previous);
    else if (part !== "") {
      entries.push({ dir: absolute(part, options.workdir), location: options.location });
    }
  }
  return entries.slice(0, 256);
}

/**
 * The virtual environment active at a point of a stage, if the file makes one so (see the module
 * documentation).
 *
 * @param state PATH and VIRTUAL_ENV there.
 * @param created Directories the file's RUN steps create as virtual environments.
 * @returns The environment and what activates it, or undefined.
 * @example
 * ```ts
 * import { activeVenv, basePath, pathAfter } from "./_docker_venv.ts";
 * const at = { file: "Dockerfile", line: 4 };
 * const path = pathAfter(basePath(), "/opt/app/bin:$PATH", { location: at, workdir: "/", expand: (s) => s });
 * activeVenv({ path }, new Set(["/opt/app"]))?.via; // "PATH"
 * activeVenv({ path }, new Set())?.via; // undefined
 * ```
 */
export function activeVenv(state: VenvState, created: ReadonlySet<string>): LaunchVenv | undefined {
  const named = state.virtualEnv ? normal(state.virtualEnv.path) : undefined;
  for (const entry of state.path) {
    if (entry.base || SYSTEM_DIRS.has(normal(entry.dir))) break;
    const dir = normal(entry.dir);
    if (path.posix.basename(dir) !== "bin") continue;
    const home = path.posix.dirname(dir);
    if (created.has(home) || home === named || VENV_NAME.test(path.posix.basename(home))) {
      return { path: home, via: "PATH", location: entry.location! };
    }
  }
  if (state.virtualEnv) {
    return { path: state.virtualEnv.path, via: "VIRTUAL_ENV", location: state.virtualEnv.location };
  }
  return undefined;
}

/**
 * The directory a command creates as a virtual environment (`python -m venv DIR`, `python3 -m
 * virtualenv DIR`, `virtualenv DIR`, `uv venv [DIR]`, `.venv` by default), absolute from `workdir`.
 *
 * @example
 * ```ts
 * import { createdVenv } from "./_docker_venv.ts";
 * createdVenv(["python3", "-m", "venv", "/opt/venv"].map((text) => ({ text })), "/"); // "/opt/venv"
 * createdVenv(["uv", "venv", "--python", "3.12"].map((text) => ({ text })), "/app"); // "/app/.venv"
 * ```
 */
export function createdVenv(argv: CommandWord[], workdir: string): string | undefined {
  const words = argv.map((w) => w.unresolved ? undefined : w.text);
  const program = path.posix.basename(words[0] ?? "");
  let operands: (string | undefined)[] | undefined;
  let valueOptions = new Set<string>();
  if (
    /^python[0-9.]*$/.test(program) && words[1] === "-m" &&
    /^(?:venv|virtualenv)$/.test(words[2] ?? "")
  ) {
    operands = words.slice(3);
    valueOptions = new Set(["--prompt", "-p", "--python"]);
  } else if (program === "virtualenv") {
    operands = words.slice(1);
    valueOptions = new Set(["--prompt", "-p", "--python"]);
  } else if (program === "uv" && words[1] === "venv") {
    operands = words.slice(2);
    valueOptions = UV_VALUE_OPTIONS;
  }
  if (operands === undefined) return undefined;
  for (let i = 0; i < operands.length; i++) {
    const word = operands[i];
    if (word === undefined) return undefined;
    if (valueOptions.has(word)) i++;
    else if (!word.startsWith("-")) return absolute(word, workdir);
  }
  return program === "uv" ? absolute(".venv", workdir) : undefined;
}

/**
 * Docker's substitution of `$NAME`, `${NAME}`, `${NAME:-word}` and `${NAME:+word}` in a value, by
 * `lookup`; a name it does not know stays as written (the base image may set it).
 *
 * @example
 * ```ts
 * import { expandVariables } from "./_docker_venv.ts";
 * const env = new Map([["VIRTUAL_ENV", "/opt/venv"]]);
 * expandVariables("$VIRTUAL_ENV/bin:${HOME:-/root}", (name) => env.get(name)); // "/opt/venv/bin:/root"
 * ```
 */
export function expandVariables(
  text: string,
  lookup: (name: string) => string | undefined,
): string {
  return text.replace(
    /\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\})/g,
    (whole, bare?: string, braced?: string, operator?: string, word?: string) => {
      const value = lookup(bare ?? braced!);
      if (operator === "-") return value === undefined || value === "" ? word! : value;
      if (operator === "+") return value === undefined || value === "" ? "" : word!;
      return value ?? whole;
    },
  );
}

/**
 * An absolute, normalised directory (relative ones from `workdir`; one starting with a variable is
 * left as it is).
 *
 * @example
 * ```ts
 * import { absolute } from "./_docker_venv.ts";
 * absolute(".venv/", "/app"); // "/app/.venv"
 * ```
 */
export function absolute(dir: string, workdir: string): string {
  return normal(dir.startsWith("/") || dir.startsWith("$") ? dir : path.posix.join(workdir, dir));
}

function normal(dir: string): string {
  const normalised = path.posix.normalize(dir);
  return normalised.length > 1 ? normalised.replace(/\/+$/, "") : normalised;
}
