/**
 * Dockerfiles (`Dockerfile`, `Containerfile`, `*.Dockerfile`, `Dockerfile.*`): what the image runs
 * and what its build runs, how it is exposed, and the secrets written into it. The syntax is read
 * as BuildKit reads it (`_dockerfile_syntax.ts`); here is what the instructions mean.
 *
 * - Stages: each `FROM image [AS name]` starts one; its unit is the name, or for an unnamed stage
 *   the file's name when it is the only stage and `stage N` otherwise. A stage built `FROM` an
 *   earlier one inherits its environment, PATH, working directory, shell, `CMD`, `ENTRYPOINT` and
 *   `EXPOSE`s; the image recorded is the external one at the root, with global `ARG` defaults
 *   substituted.
 * - What the image runs: `ENTRYPOINT` and `CMD` combined as Docker combines them (an exec-form
 *   entrypoint gets the command as arguments, a shell-form one ignores it, an entrypoint set in a
 *   stage drops the command it inherited), for the final stage and for every stage that sets its
 *   own. Shell forms run through the `SHELL` (`/bin/sh -c` by default); a POSIX shell's script is
 *   read command by command (`_shell_launches.ts`), another shell's text is one word.
 * - Build steps: every `RUN`, in either form, with `build: true`; a `RUN <<EOF` here-document is the
 *   script (run by its `#!` interpreter when it has one), other here-documents are the command's
 *   input, as BuildKit runs them. Their environment is the stage's `ENV` and `ARG`s; the image's
 *   command sees `ENV` only.
 * - Virtual environments: every launch records the one its `python` and `pip` come from, when the
 *   file makes one active (`_docker_venv.ts`), so `RUN pip install` into the image's own
 *   interpreter can be told from an install into a venv.
 * - `EXPOSE` ports as exposures (`via: "expose"`: documentation, not publication).
 * - Secrets: `ENV`, `ARG` defaults and `LABEL` values, and command arguments.
 *
 * Not read: `ONBUILD` (it runs in other images), `HEALTHCHECK`, `COPY`/`ADD` contents.
 *
 * @module
 */
import * as path from "node:path";
import type { Exposure, Location } from "../../core/snapshot.ts";
import { baseName, type FileReader, textReader } from "../_reader.ts";
import {
  argNames,
  type Instruction,
  nameValues,
  parseDockerfileSyntax,
  parseJsonForm,
  splitWords,
  unquote,
} from "./_dockerfile_syntax.ts";
import {
  absolute,
  activeVenv,
  createdVenv,
  expandVariables,
  type VenvState,
} from "./_docker_venv.ts";
import { commandOf, setVariables, type Stage, startStage } from "./_docker_stage.ts";
import { type EnvEntry, secretFact } from "./_launch_facts.ts";
import {
  argvLaunches,
  type LaunchFacts,
  type LaunchUnit,
  scriptLaunches,
} from "./_shell_launches.ts";

/** What a Dockerfile says, as the snapshot records it. */
export interface DockerfileFacts extends LaunchFacts {
  /** `EXPOSE`d ports. */
  exposures: Exposure[];
}

/** Launches whose venv is decided once every created environment is known. */
interface Pending {
  from: number;
  to: number;
  state: VenvState;
}

const KNOWN = new Set(
  "ADD ARG CMD COPY ENTRYPOINT ENV EXPOSE FROM HEALTHCHECK LABEL MAINTAINER ONBUILD RUN SHELL STOPSIGNAL USER VOLUME WORKDIR"
    .split(" "),
);
/** Bounds on hostile files: no real image has this many stages or ports. */
const MAX_STAGES = 256;
const MAX_EXPOSED = 1_000;
const POSIX_SHELLS = new Set(["sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox"]);
const NOT_DOCKERFILES = /\.(?:dockerignore|md|rst|txt|adoc|orig|rej|bak)$/i;

/**
 * Whether a path is named like a Dockerfile.
 *
 * @example
 * ```ts
 * import { isDockerfile } from "./dockerfile.ts";
 * isDockerfile("docker/gpu.Dockerfile"); // true
 * isDockerfile("Dockerfile.dockerignore"); // false
 * ```
 */
export function isDockerfile(file: string): boolean {
  const name = baseName(file);
  if (NOT_DOCKERFILES.test(name)) return false;
  return /^(?:Dockerfile|Containerfile)(?:\..+)?$/.test(name) ||
    /.\.(?:Dockerfile|Containerfile)$/i.test(name);
}

/**
 * Read a Dockerfile (see the module documentation).
 *
 * @param text The file's text.
 * @param options `file`: the project-relative path recorded in locations.
 * @returns Launches, exposures, secrets and problems.
 * @example
 * ```ts
 * import { readDockerfile } from "./dockerfile.ts";
 * const facts = readDockerfile(
 *   'FROM python:3.12-slim\nRUN pip install mlflow\nEXPOSE 5000\nCMD ["mlflow", "server", "--host", "0.0.0.0"]\n',
 *   { file: "Dockerfile" },
 * );
 * facts.launches.map((l) => [l.build ?? false, l.argv.map((w) => w.text).join(" ")]);
 * // [[true, "pip install mlflow"], [false, "mlflow server --host 0.0.0.0"]]
 * facts.exposures[0].port; // "5000"
 * ```
 */
export function readDockerfile(text: string, options: { file: string }): DockerfileFacts {
  const { file } = options;
  const syntax = parseDockerfileSyntax(text);
  const { escape } = syntax;
  const facts: DockerfileFacts = { launches: [], exposures: [], secrets: [], problems: [] };
  const problem = (line: number, message: string) => facts.problems.push({ file, line, message });
  for (const p of syntax.problems) problem(p.line, p.message);

  const stageCount = syntax.instructions.filter((i) => i.keyword === "FROM").length;
  const stages: Stage[] = [];
  const globals = new Map<string, string>();
  const pending: Pending[] = [];
  const builds: { from: number; to: number; workdir: string }[] = [];
  let stage: Stage | undefined;

  for (const instruction of syntax.instructions) {
    const { keyword, rest, line } = instruction;
    const at: Location = { file, line };
    if (!KNOWN.has(keyword)) {
      problem(line, `unknown instruction ${keyword}; not read`);
      continue;
    }
    if (keyword === "FROM") {
      if (stages.length === MAX_STAGES) {
        problem(line, `more than ${MAX_STAGES} stages; the rest of the file is not read`);
        break;
      }
      stage = startStage({ instruction, stages, globals, stageCount, file, escape });
      stages.push(stage);
      continue;
    }
    if (stage === undefined) {
      if (keyword === "ARG") {
        for (const arg of argNames(rest, escape)) {
          if (arg.value !== undefined) {
            globals.set(
              arg.name,
              expandVariables(arg.value, (n) => globals.get(n)),
            );
          }
          recordSecret(facts, arg.name, arg.value, at);
        }
      } else problem(line, `${keyword} before the first FROM: no stage to apply it to`);
      continue;
    }
    const current = stage;
    const expand = (value: string) => expandVariables(value, (name) => current.values.get(name));
    switch (keyword) {
      case "ENV":
      case "ARG":
        setVariables(current, { instruction, file, escape, globals, expand, facts, problem });
        break;
      case "LABEL": {
        const pairs = nameValues(rest, escape);
        if ("error" in pairs) problem(line, `LABEL ${pairs.error}`);
        else for (const { name, value } of pairs.pairs) recordSecret(facts, name, value, at);
        break;
      }
      case "WORKDIR":
        current.workdir = absolute(expand(unquote(rest.trim(), escape)), current.workdir);
        break;
      case "SHELL": {
        const form = parseJsonForm(rest);
        if (form.kind === "exec" && form.words.length > 0) current.shell = form.words;
        else problem(line, "SHELL must be a JSON array of strings");
        break;
      }
      case "EXPOSE":
        for (const word of splitWords(rest, escape).slice(0, MAX_EXPOSED)) {
          current.exposures.push({
            origin: "dockerfile",
            unit: current.unit,
            via: "expose",
            port: unquote(word, escape),
            location: at,
          });
        }
        break;
      case "CMD":
      case "ENTRYPOINT": {
        const command = commandOf(instruction, problem);
        if (command === undefined) break;
        if (keyword === "CMD") {
          current.cmd = command;
          current.cmdSetHere = true;
        } else {
          current.entrypoint = command;
          if (!current.cmdSetHere) current.cmd = undefined;
        }
        current.ownsCommand = true;
        break;
      }
      case "RUN": {
        const from = facts.launches.length;
        runStep(instruction, current, facts, file, problem);
        pending.push({ from, to: facts.launches.length, state: current.venv });
        builds.push({ from, to: facts.launches.length, workdir: current.workdir });
        break;
      }
    }
  }

  for (const [index, each] of stages.entries()) {
    facts.exposures.push(...each.exposures);
    if (index !== stages.length - 1 && !each.ownsCommand) continue;
    const from = facts.launches.length;
    imageCommand(each, facts, file);
    pending.push({ from, to: facts.launches.length, state: each.venv });
  }

  const created = new Set<string>();
  for (const build of builds) {
    for (const launch of facts.launches.slice(build.from, build.to)) {
      const dir = createdVenv(launch.argv, build.workdir);
      if (dir !== undefined) created.add(dir);
    }
  }
  for (const { from, to, state } of pending) {
    const venv = activeVenv(state, created);
    for (const launch of facts.launches.slice(from, to)) {
      if (!launch.venv && venv) launch.venv = venv;
    }
  }
  return facts;
}

function unitOf(stage: Stage, file: string, build: boolean, env: EnvEntry[]): LaunchUnit {
  return {
    origin: "dockerfile",
    unit: stage.unit,
    file,
    ...(stage.image === undefined ? {} : { image: stage.image }),
    ...(build ? { build: true } : {}),
    env,
  };
}

/** A RUN step's launches, with here-documents as BuildKit runs them. */
function runStep(
  instruction: Instruction,
  stage: Stage,
  facts: LaunchFacts,
  file: string,
  problem: (line: number, message: string) => void,
): void {
  const unit = unitOf(stage, file, true, [...stage.env, ...stage.args]);
  const command = commandOf(instruction, problem);
  if (command === undefined) return;
  const options = { unit, line: instruction.line, facts };
  if (command.form === "exec") {
    argvLaunches(command.words.map((text) => ({ text })), options);
    return;
  }
  let script = command.text;
  const [first] = instruction.heredocs;
  if (first && /^\d*<<-?\S+$/.test(command.text.trim()) && instruction.heredocs.length === 1) {
    const body = first.chomp ? first.content.replace(/^\t+/gm, "") : first.content;
    const shebang = /^#!\s*(.*)/.exec(body);
    if (shebang) {
      const interpreter = shebang[1].trim().split(/\s+/).map((text) => ({ text }));
      argvLaunches([...interpreter, { text: `/dev/pipes/${first.name}` }], options);
      return;
    }
    shellLaunches(body, stage, { ...options, line: first.line });
    return;
  }
  for (const heredoc of instruction.heredocs) script += `\n${heredoc.content}${heredoc.name}`;
  shellLaunches(script, stage, options);
}

/** Shell-form text, run by the stage's SHELL. */
function shellLaunches(
  text: string,
  stage: Stage,
  options: { unit: LaunchUnit; line: number; facts: LaunchFacts },
): void {
  if (POSIX_SHELLS.has(path.posix.basename(stage.shell[0]))) {
    scriptLaunches(text, options);
    return;
  }
  argvLaunches([...stage.shell, text].map((word) => ({ text: word })), options);
}

/** The command the stage's image runs: ENTRYPOINT and CMD as Docker combines them. */
function imageCommand(stage: Stage, facts: LaunchFacts, file: string): void {
  const { entrypoint, cmd } = stage;
  const used = entrypoint?.form === "shell" ? entrypoint : cmd ?? entrypoint;
  if (used === undefined) return;
  const unit = unitOf(stage, file, false, stage.env);
  const options = { unit, line: used.line, facts };
  if (entrypoint?.form === "shell") return shellLaunches(entrypoint.text, stage, options);
  if (entrypoint === undefined && cmd?.form === "shell") {
    return shellLaunches(cmd.text, stage, options);
  }
  const tail = cmd === undefined
    ? []
    : cmd.form === "exec"
    ? cmd.words
    : [...stage.shell, cmd.text];
  const argv = [...(entrypoint?.form === "exec" ? entrypoint.words : []), ...tail];
  if (argv.length > 0) argvLaunches(argv.map((text) => ({ text })), options);
}

function recordSecret(
  facts: LaunchFacts,
  name: string,
  value: string | undefined,
  location: Location,
): void {
  if (value === undefined) return;
  const secret = secretFact({ name, value, location });
  if (secret) facts.secrets.push(secret);
}

/**
 * The Dockerfile reader.
 *
 * @example
 * ```ts
 * import { dockerfileReader } from "./dockerfile.ts";
 * dockerfileReader.matches("services/api/Dockerfile"); // true
 * ```
 */
export const dockerfileReader: FileReader = textReader({
  format: "Dockerfile",
  matches: isDockerfile,
  parse: (text, { file }) => readDockerfile(text, { file }),
  maxBytes: 1 << 20,
});
