/**
 * A Dockerfile stage as the build sees it instruction by instruction: its unit and base image, the
 * variables `ENV` and `ARG` set (with Docker's own substitution), PATH and VIRTUAL_ENV for the
 * virtual-environment facts, the working directory, the shell, and `CMD`/`ENTRYPOINT`.
 *
 * @module
 */
import type { Exposure, Location } from "../../core/snapshot.ts";
import { baseName } from "../_reader.ts";
import {
  argNames,
  type Instruction,
  nameValues,
  parseJsonForm,
  splitWords,
  unquote,
} from "./_dockerfile_syntax.ts";
import { absolute, basePath, expandVariables, pathAfter, type VenvState } from "./_docker_venv.ts";
import { type EnvEntry, environmentEntry } from "./_launch_facts.ts";
import type { LaunchFacts } from "./_shell_launches.ts";

/** Variables one stage may set (ENV and ARG): a hostile file is not read without end. */
const MAX_VARIABLES = 500;
/** Stages already told that variables were left out. */
const capped = new WeakSet<Stage>();

/** `CMD` or `ENTRYPOINT` arguments, in exec or shell form, with the instruction's line. */
export type Command =
  | { form: "exec"; words: string[]; line: number }
  | { form: "shell"; text: string; line: number };

/** One stage, at the instruction being read. */
export interface Stage {
  unit: string;
  name?: string;
  image?: string;
  env: EnvEntry[];
  args: EnvEntry[];
  /** Values for Docker's own substitution (ENV and ARG as the build expands them). */
  values: Map<string, string>;
  /** The names ENV set (a later stage inherits their values, not ARG's). */
  envNames: Set<string>;
  venv: VenvState;
  workdir: string;
  shell: string[];
  entrypoint?: Command;
  cmd?: Command;
  cmdSetHere: boolean;
  ownsCommand: boolean;
  exposures: Exposure[];
}

/**
 * The stage a `FROM` starts: a new one on an external image (global `ARG` defaults substituted), or
 * a copy of the earlier stage it names, which it inherits from (ENV, PATH, workdir, shell, CMD,
 * ENTRYPOINT, EXPOSE; not ARG).
 *
 * @example
 * ```ts
 * import { startStage } from "./_docker_stage.ts";
 * import { parseDockerfileSyntax } from "./_dockerfile_syntax.ts";
 * const [from] = parseDockerfileSyntax("FROM python:${V} AS app\n").instructions;
 * const stage = startStage({
 *   instruction: from, stages: [], globals: new Map([["V", "3.12"]]), stageCount: 1,
 *   file: "Dockerfile", escape: "\\",
 * });
 * [stage.unit, stage.image]; // ["app", "python:3.12"]
 * ```
 */
export function startStage(options: {
  instruction: Instruction;
  stages: Stage[];
  globals: Map<string, string>;
  stageCount: number;
  file: string;
  escape: string;
}): Stage {
  const { instruction, stages, globals, file } = options;
  const words = splitWords(instruction.rest, options.escape).map((w) => unquote(w, options.escape));
  const image = expandVariables(words[0] ?? "", (name) => globals.get(name));
  const name = words[1]?.toUpperCase() === "AS" ? words[2] : undefined;
  const index = stages.length;
  const unit = name ?? (options.stageCount === 1 ? baseName(file) : `stage ${index}`);
  const parent = stages.find((s) =>
    s.name !== undefined && s.name.toLowerCase() === image.toLowerCase()
  );
  if (parent) {
    return {
      ...parent,
      unit,
      name,
      env: [...parent.env],
      args: [],
      values: new Map([...parent.values].filter(([name]) => parent.envNames.has(name))),
      envNames: new Set(parent.envNames),
      cmdSetHere: false,
      ownsCommand: false,
      exposures: parent.exposures.map((e) => ({ ...e, unit })),
    };
  }
  return {
    unit,
    name,
    ...(image === "" || image.toLowerCase() === "scratch" ? {} : { image }),
    env: [],
    args: [],
    values: new Map(),
    envNames: new Set(),
    venv: { path: basePath() },
    workdir: "/",
    shell: ["/bin/sh", "-c"],
    cmdSetHere: false,
    ownsCommand: false,
    exposures: [],
  };
}

/**
 * `ENV` or `ARG`: each variable recorded (its secret, if any), its value kept for Docker's
 * substitution in later instructions, PATH and VIRTUAL_ENV followed.
 *
 * @example
 * ```ts
 * import { setVariables, startStage } from "./_docker_stage.ts";
 * import { parseDockerfileSyntax } from "./_dockerfile_syntax.ts";
 * const { instructions } = parseDockerfileSyntax("FROM python\nENV PATH=/opt/venv/bin:$PATH\n");
 * const file = "Dockerfile";
 * const common = { globals: new Map<string, string>(), file, escape: "\\" };
 * const stage = startStage({ ...common, instruction: instructions[0], stages: [], stageCount: 1 });
 * setVariables(stage, {
 *   ...common,
 *   instruction: instructions[1],
 *   expand: (text) => text,
 *   facts: { launches: [], secrets: [], problems: [] },
 *   problem: () => {},
 * });
 * stage.venv.path[0].dir; // "/opt/venv/bin"
 * ```
 */
export function setVariables(stage: Stage, options: {
  instruction: Instruction;
  file: string;
  escape: string;
  globals: ReadonlyMap<string, string>;
  expand: (text: string) => string;
  facts: LaunchFacts;
  problem: (line: number, message: string) => void;
}): void {
  const { instruction, escape, expand, facts } = options;
  const { keyword, rest, line } = instruction;
  const at: Location = { file: options.file, line };
  const pairs = keyword === "ENV" ? nameValues(rest, escape) : { pairs: argNames(rest, escape) };
  if ("error" in pairs) {
    options.problem(line, `${keyword} ${pairs.error}`);
    return;
  }
  // One instruction substitutes the values from before it (`ENV A=x B=$A` takes the old A).
  const updates: [string, string][] = [];
  for (const { name, value: written } of pairs.pairs) {
    const list = keyword === "ENV" ? stage.env : stage.args;
    const kept = list.filter((e) => e.name !== name);
    if (kept.length === list.length && stage.env.length + stage.args.length >= MAX_VARIABLES) {
      if (!capped.has(stage)) {
        capped.add(stage);
        options.problem(
          line,
          `more than ${MAX_VARIABLES} variables in one stage; the rest are not read`,
        );
      }
      return;
    }
    // `ARG NAME` without a default takes the global one.
    const value = written ?? (keyword === "ARG" ? options.globals.get(name) : undefined);
    const read = environmentEntry({ name, value, location: at });
    if (read.secret) facts.secrets.push(read.secret);
    list.length = 0;
    list.push(...kept, read.entry);
    if (value === undefined) continue;
    const expanded = expand(value);
    if (keyword === "ENV" && name === "PATH") {
      const path = pathAfter(stage.venv.path, value, {
        location: at,
        workdir: stage.workdir,
        expand,
      });
      stage.venv = { ...stage.venv, path };
    } else if (keyword === "ENV" && name === "VIRTUAL_ENV") {
      const virtualEnv = { path: absolute(expanded, stage.workdir), location: at };
      stage.venv = { ...stage.venv, virtualEnv };
    }
    updates.push([name, expanded]);
    if (keyword === "ENV") stage.envNames.add(name);
  }
  for (const [name, value] of updates) stage.values.set(name, value);
}

/**
 * CMD or ENTRYPOINT arguments; undefined (with a problem) when BuildKit would refuse them.
 *
 * @example
 * ```ts
 * import { commandOf } from "./_docker_stage.ts";
 * import { parseDockerfileSyntax } from "./_dockerfile_syntax.ts";
 * const [cmd] = parseDockerfileSyntax('CMD ["mlflow", "ui"]\n').instructions;
 * commandOf(cmd, () => {}); // { form: "exec", words: ["mlflow", "ui"], line: 1 }
 * ```
 */
export function commandOf(
  instruction: Instruction,
  problem: (line: number, message: string) => void,
): Command | undefined {
  const form = parseJsonForm(instruction.rest);
  if (form.kind === "not-strings") {
    problem(instruction.line, `${instruction.keyword}: a JSON array must hold strings only`);
    return undefined;
  }
  return form.kind === "exec"
    ? { form: "exec", words: form.words, line: instruction.line }
    : { form: "shell", text: instruction.rest, line: instruction.line };
}
