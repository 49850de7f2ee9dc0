/**
 * This machine's installer configuration, applied to what each installer installs: pip's
 * configuration files and `PIP_*` variables to a project installed with pip, uv's to a project
 * installed with uv. uv never reads pip.conf, so a hostile pip.conf on the machine says nothing
 * about a uv-only project (and the reverse).
 *
 * @module
 */
import type { Installer, InstallerTool } from "../../core/snapshot.ts";
import type { ReaderResult } from "../_reader.ts";
import type { MachinePlatform } from "./_machine_file.ts";
import { readMachinePipConfig } from "./pip_config.ts";
import { readMachineUvConfig } from "./uv_machine.ts";

/** Installers that run pip, and so read pip's configuration files and `PIP_*` variables. */
const PIP_RUNNERS: readonly InstallerTool[] = [
  // pipenv installs through pip, and reads pip.conf for its default index since 2022.8.x.
  "pip",
  "pipenv",
];

/**
 * Which machine configuration applies to a project, from the installers its files are written
 * for: pip's when it installs with pip (or pipenv, which runs pip), uv's when it installs with
 * uv. When no installer can be told (no lock, no requirements file, no tool table: a bare
 * `[project]` table that `pip install .` and `uv pip install .` read alike), both apply: Tollgate
 * keeps what either installer would use rather than guess, and each index says whose it is.
 * Poetry, PDM and conda read neither.
 *
 * @param installers The project's installers (the snapshot's `installers`).
 * @returns Whether pip's and uv's machine layers apply.
 * @example
 * ```ts
 * import { machineLayersFor } from "./machine_config.ts";
 * machineLayersFor([{ tool: "uv", evidence: [{ file: "uv.lock" }] }]); // { pip: false, uv: true }
 * machineLayersFor([]); // { pip: true, uv: true }
 * ```
 */
export function machineLayersFor(
  installers: readonly Installer[],
): { pip: boolean; uv: boolean } {
  if (installers.length === 0) return { pip: true, uv: true };
  return {
    pip: installers.some((installer) => PIP_RUNNERS.includes(installer.tool)),
    uv: installers.some((installer) => installer.tool === "uv"),
  };
}

/**
 * Read the configuration this machine gives the project's installers: pip's global, user, base
 * and site files and `PIP_*` variables (see `readMachinePipConfig`) when pip's layers apply, uv's
 * user and system uv.toml, `UV_CONFIG_FILE`, `UV_NO_CONFIG` and `UV_*` variables (see
 * `readMachineUvConfig`) when uv's do; see {@linkcode machineLayersFor}.
 *
 * @param options `env`, `home`, `installers` (default: none known, so both apply), `maxBytes`
 * per file, `platform`.
 * @returns Indexes and settings tagged with their tool, problems, and `inputs`: each file and
 * variable read.
 * @example
 * ```ts ignore
 * import { readMachineConfig } from "./machine_config.ts";
 * import process from "node:process";
 * const machine = await readMachineConfig({
 *   env: process.env,
 *   installers: [{ tool: "uv", evidence: [{ file: "uv.lock" }] }],
 * });
 * ```
 */
export async function readMachineConfig(options: {
  env: Record<string, string | undefined>;
  home?: string;
  installers?: readonly Installer[];
  maxBytes?: number;
  platform?: MachinePlatform;
}): Promise<ReaderResult & { inputs: Array<{ file: string; format: string }> }> {
  const layers = machineLayersFor(options.installers ?? []);
  const empty = { indexes: [], settings: [], problems: [], inputs: [] };
  const [pip, uv] = await Promise.all([
    layers.pip ? readMachinePipConfig(options) : empty,
    layers.uv ? readMachineUvConfig(options) : empty,
  ]);
  return {
    indexes: [...pip.indexes ?? [], ...uv.indexes ?? []],
    settings: [...pip.settings ?? [], ...uv.settings ?? []],
    problems: [...pip.problems ?? [], ...uv.problems ?? []],
    inputs: [...pip.inputs, ...uv.inputs],
  };
}
