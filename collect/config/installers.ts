/**
 * Which installers a project is written for, from the files it holds: the evidence that decides
 * which installer's machine configuration applies to it (pip's files and `PIP_*` variables do
 * not reach `uv sync`, and uv's do not reach `pip install`).
 *
 * @module
 */
import { parse as parseToml } from "smol-toml";
import type { Installer, InstallerTool, Location, Package } from "../../core/snapshot.ts";
import { readTextInRoot } from "../fs.ts";

/** Reader formats (as in the snapshot's inputs) and the installer each is written for. */
const FORMAT_TOOLS: Readonly<Record<string, InstallerTool>> = {
  "requirements": "pip",
  "pip.conf": "pip",
  "uv.lock": "uv",
  "uv.toml": "uv",
  "poetry.lock": "poetry",
  "pdm.lock": "pdm",
  "Pipfile": "pipenv",
  "Pipfile.lock": "pipenv",
  "environment.yml": "conda",
  "conda-lock.yml": "conda",
  "conda-explicit.lock": "conda",
  "pixi.lock": "conda",
};

/** Conda formats whose PyPI packages conda (or conda-lock) hands to pip. */
const PIP_SECTION_FORMATS = new Set(["environment.yml", "conda-lock.yml", "conda-explicit.lock"]);

/** pyproject.toml tool tables that say which installer the project uses. */
const PYPROJECT_TOOLS: ReadonlyArray<[string, InstallerTool]> = [
  ["uv", "uv"],
  ["poetry", "poetry"],
  ["pdm", "pdm"],
];

/** The largest pyproject.toml read for its tool tables (the pyproject reader's own bound). */
const MAX_PYPROJECT_BYTES = 8 * 1024 * 1024;

/**
 * The installers a project's files are written for, from the files its readers read (`inputs`:
 * file → reader format) and what they found: requirements files and a project pip.conf → pip;
 * uv.lock and uv.toml → uv; poetry.lock → Poetry; pdm.lock → PDM; Pipfile and Pipfile.lock →
 * pipenv; conda environment, conda-lock, explicit and pixi lock files → conda, and pip too where
 * such a file lists PyPI packages for pip (an environment's `pip:` section); pyproject.toml with
 * `[tool.uv]`, `[tool.poetry]` or `[tool.pdm]` → that tool, located at the table's line. A
 * pyproject.toml with only `[project]` says nothing: any installer reads it. pylock.toml
 * (PEP 751) is written for no installer in particular.
 *
 * @param options `root` (to read pyproject.toml tool tables), `inputs`, `packages`.
 * @returns One entry per tool, sorted by tool, each with its evidence sorted by file.
 * @example
 * ```ts ignore
 * import { findInstallers } from "./installers.ts";
 * await findInstallers({
 *   root: "/srv/app",
 *   inputs: [{ file: "uv.lock", format: "uv.lock" }, { file: "requirements.txt", format: "requirements" }],
 *   packages: [],
 * });
 * // [{ tool: "pip", evidence: [{ file: "requirements.txt" }] }, { tool: "uv", evidence: [{ file: "uv.lock" }] }]
 * ```
 */
export async function findInstallers(options: {
  root: string;
  inputs: ReadonlyArray<{ file: string; format: string }>;
  packages: readonly Package[];
}): Promise<Installer[]> {
  const pyprojects: Array<{ file: string; text: string }> = [];
  for (const input of options.inputs) {
    if (input.format !== "pyproject") continue;
    try {
      const text = await readTextInRoot({
        root: options.root,
        file: input.file,
        maxBytes: MAX_PYPROJECT_BYTES,
      });
      pyprojects.push({ file: input.file, text });
    } catch {
      // The pyproject reader has already recorded why it could not be read.
    }
  }
  return installersOf({ inputs: options.inputs, packages: options.packages, pyprojects });
}

/**
 * The pure half of {@linkcode findInstallers}: the same rules over texts already read.
 *
 * @param options `inputs` (file → reader format), `packages`, `pyprojects` (file and text).
 * @returns One entry per tool, sorted by tool, each with its evidence sorted by file.
 * @example
 * ```ts
 * import { installersOf } from "./installers.ts";
 * installersOf({
 *   inputs: [{ file: "pyproject.toml", format: "pyproject" }],
 *   packages: [],
 *   pyprojects: [{ file: "pyproject.toml", text: '[project]\nname = "a"\n\n[tool.uv]\npackage = false\n' }],
 * });
 * // [{ tool: "uv", evidence: [{ file: "pyproject.toml", line: 4 }] }]
 * ```
 */
export function installersOf(options: {
  inputs: ReadonlyArray<{ file: string; format: string }>;
  packages: readonly Package[];
  pyprojects: ReadonlyArray<{ file: string; text: string }>;
}): Installer[] {
  const evidence = new Map<InstallerTool, Map<string, Location>>();
  const add = (tool: InstallerTool, location: Location) => {
    const found = evidence.get(tool) ?? new Map<string, Location>();
    if (!found.has(location.file)) found.set(location.file, location);
    evidence.set(tool, found);
  };
  const formatOf = new Map<string, string>();
  for (const { file, format } of options.inputs) {
    formatOf.set(file, format);
    const tool = FORMAT_TOOLS[format] ?? toolOfUnknownFormat(format);
    if (tool) add(tool, { file });
  }
  for (const pkg of options.packages) {
    const location = pkg.locations[0];
    if (pkg.ecosystem !== "pypi" || location === undefined) continue;
    if (PIP_SECTION_FORMATS.has(formatOf.get(location.file) ?? "")) {
      add("pip", location.line === undefined ? { file: location.file } : location);
    }
  }
  for (const { file, text } of options.pyprojects) {
    for (const tool of pyprojectTools(text)) {
      add(tool.tool, tool.line === undefined ? { file } : { file, line: tool.line });
    }
  }
  return [...evidence].sort(([a], [b]) => compare(a, b)).map(([tool, found]) => ({
    tool,
    evidence: [...found.values()].sort((a, b) => compare(a.file, b.file)),
  }));
}

/**
 * The tools whose tables a pyproject.toml holds (`[tool.uv]`, `[tool.poetry]`, `[tool.pdm]`,
 * sub-tables included), with the line of the first header that opens one.
 */
function pyprojectTools(text: string): Array<{ tool: InstallerTool; line?: number }> {
  let document: Record<string, unknown>;
  try {
    document = parseToml(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return []; // invalid TOML: the pyproject reader reports it
  }
  const tools = document.tool;
  if (typeof tools !== "object" || tools === null || Array.isArray(tools)) return [];
  const found: Array<{ tool: InstallerTool; line?: number }> = [];
  for (const [key, tool] of PYPROJECT_TOOLS) {
    if (!(key in tools)) continue;
    const header = new RegExp(
      String.raw`^[ \t]*\[\[?[ \t]*(?:tool|"tool"|'tool')[ \t]*\.[ \t]*` +
        String.raw`(?:${key}|"${key}"|'${key}')[ \t]*[.\]]`,
      "m",
    );
    const match = header.exec(text);
    found.push(
      match ? { tool, line: text.slice(0, match.index).split("\n").length } : { tool },
    );
  }
  return found;
}

/** Formats added by readers this table does not know yet, by the tool their name says. */
function toolOfUnknownFormat(format: string): InstallerTool | undefined {
  if (/\bpdm\b/i.test(format)) return "pdm";
  if (/conda|pixi/i.test(format)) return "conda";
  return undefined;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
