/**
 * Launches from shell text and from exec-form argv, for the readers of files whose commands a shell
 * runs: Dockerfiles, Procfiles, Makefile recipes and shell scripts.
 *
 * Each simple command of a script is one launch, read by `command_words.ts` (`unwrapScript`):
 * reserved words and compound heads taken off, leading `NAME=value` words as the command's
 * environment, `exec`/`nohup` dropped, `sh -c "…"` scripts unwrapped. Besides, an init process or
 * user switcher (`tini --`, `dumb-init`, `gosu USER`, `su-exec USER`) runs the command after it,
 * and `. DIR/bin/activate` (or `source`) makes DIR the active virtual environment of the commands
 * after it in the same script (`deactivate` ends it). Secrets in assignments and arguments are
 * recorded by kind and replaced by `***`.
 *
 * @module
 */
import type {
  CommandWord,
  InfraOrigin,
  Launch,
  LaunchVenv,
  Problem,
  SecretFact,
} from "../../core/snapshot.ts";
import { splitShell } from "./shell_words.ts";
import { type UnwrappedCommand, unwrapScript, unwrapShell } from "./command_words.ts";
import { argumentSecrets, type EnvEntry, environmentEntry, secretFact } from "./_launch_facts.ts";

/** What the launches of one unit share. */
export interface LaunchUnit {
  /** The kind of file. */
  origin: InfraOrigin;
  /** The unit's name there. */
  unit: string;
  /** The project-relative file. */
  file: string;
  /** The image the commands run in. */
  image?: string;
  /** Build steps (Dockerfile `RUN`). */
  build?: boolean;
  /** Environment set for every command of the unit. */
  env: EnvEntry[];
}

/** The facts one file's launches add up to. */
export interface LaunchFacts {
  /** Launches, in order. */
  launches: Launch[];
  /** Secrets found in commands and their assignments. */
  secrets: SecretFact[];
  /** What could not be split, with its line. */
  problems: Problem[];
}

/** Launches kept from one file; a generated script past this is not a deployment file. */
const MAX_LAUNCHES = 5_000;
const ACTIVATE = /^(?:(.*)\/)?bin\/activate$/;
/** Facts already told that commands were left out. */
const truncated = new WeakSet<LaunchFacts>();

/** Where launches go and what they start with. */
interface LaunchOptions {
  /** The unit's shared facts. */
  unit: LaunchUnit;
  /** The line of the text's first line (or of the command) in the file. */
  line: number;
  /** Where launches, secrets and problems go. */
  facts: LaunchFacts;
  /** The virtual environment active when the text starts. */
  venv?: LaunchVenv;
}

/**
 * The launches of a shell script (a `RUN` line, a Procfile command, a recipe line, a script).
 *
 * @param script The shell text.
 * @param options `unit` (shared facts), `line` (of the script's first line in the file), `facts`
 *   (where launches, secrets and problems go), `venv` (active when the script starts).
 * @returns The virtual environment active when the script ends.
 * @example
 * ```ts
 * import { type LaunchFacts, scriptLaunches } from "./_shell_launches.ts";
 * const facts: LaunchFacts = { launches: [], secrets: [], problems: [] };
 * const unit = { origin: "shell" as const, unit: "serve.sh", file: "serve.sh", env: [] };
 * scriptLaunches(". .venv/bin/activate\nif true; then exec mlflow server --host 0.0.0.0; fi\n", {
 *   unit, line: 1, facts,
 * });
 * facts.launches[1].argv.map((w) => w.text); // ["mlflow", "server", "--host", "0.0.0.0"]
 * facts.launches[1].venv?.path; // ".venv"
 * ```
 */
export function scriptLaunches(script: string, options: LaunchOptions): LaunchVenv | undefined {
  for (const problem of splitShell(script).problems) {
    options.facts.problems.push({
      file: options.unit.file,
      line: options.line + problem.line - 1,
      message: `shell text: ${problem.message}`,
    });
  }
  return launchAll(unwrapScript(script), options);
}

/**
 * The launches of an exec-form command (a JSON `CMD`): the command itself, or the commands of the
 * script it hands to a shell.
 *
 * @param argv The words, run without a shell.
 * @param options As {@linkcode scriptLaunches}.
 * @example
 * ```ts
 * import { argvLaunches, type LaunchFacts } from "./_shell_launches.ts";
 * const facts: LaunchFacts = { launches: [], secrets: [], problems: [] };
 * const unit = { origin: "dockerfile" as const, unit: "Dockerfile", file: "Dockerfile", env: [] };
 * argvLaunches(["tini", "--", "sh", "-c", "jupyter lab --ip=0.0.0.0"].map((text) => ({ text })), {
 *   unit, line: 9, facts,
 * });
 * facts.launches[0].argv.map((w) => w.text); // ["jupyter", "lab", "--ip=0.0.0.0"]
 * ```
 */
export function argvLaunches(argv: CommandWord[], options: LaunchOptions): void {
  launchAll(unwrapShell(withoutInit(argv)), { ...options, nested: true });
}

/** Each command in order, following activations; `nested`: all at the one line given. */
function launchAll(
  commands: UnwrappedCommand[],
  options: LaunchOptions & { nested?: boolean },
): LaunchVenv | undefined {
  const { unit } = options;
  let venv = options.venv;
  for (const command of commands) {
    const line = options.nested ? options.line : options.line + (command.script?.line ?? 1) - 1;
    const bare = withoutInit(command.argv);
    const inner = bare === command.argv ? [command] : unwrapShell(bare).map((c) => ({
      ...c,
      assignments: [...command.assignments, ...c.assignments],
    }));
    for (const { argv, assignments } of inner) {
      launch(argv, assignments, { ...options, line, venv });
    }
    const [program, target] = command.argv;
    // `. $VENV/bin/activate`: a venv is active, its path as written.
    const activated = (program?.text === "." || program?.text === "source") &&
      ACTIVATE.exec(target?.text ?? "");
    if (activated) {
      venv = { path: activated[1] || ".", via: "activate", location: { file: unit.file, line } };
    } else if (program?.text === "deactivate") venv = undefined;
  }
  return venv;
}

/** One launch, its assignments as environment, secrets replaced. */
function launch(
  words: CommandWord[],
  assignments: UnwrappedCommand["assignments"],
  options: LaunchOptions,
): void {
  const { unit, facts, line } = options;
  if (facts.launches.length >= MAX_LAUNCHES) {
    if (!truncated.has(facts)) {
      truncated.add(facts);
      facts.problems.push({
        file: unit.file,
        line,
        message: `more than ${MAX_LAUNCHES} commands; the rest are not recorded`,
      });
    }
    return;
  }
  const location = { file: unit.file, line };
  const env = [...unit.env];
  for (const { name, value } of assignments) {
    const read = environmentEntry({
      name,
      value: value.text,
      unresolved: value.unresolved !== undefined,
      location,
    });
    env.push(read.entry);
    if (read.secret) facts.secrets.push(read.secret);
  }
  const named = words.map((word) => assignmentSecret(word, location, facts.secrets));
  const found = argumentSecrets(named, () => location);
  facts.secrets.push(...found.secrets);
  facts.launches.push({
    origin: unit.origin,
    unit: unit.unit,
    ...(unit.image === undefined ? {} : { image: unit.image }),
    ...(unit.build ? { build: true } : {}),
    argv: found.argv,
    env,
    ...(options.venv ? { venv: options.venv } : {}),
    location,
  });
}

/** Init processes and user switchers that run the rest of their arguments. */
const INITS = new Set(["tini", "tini-static", "dumb-init", "catatonit", "docker-init"]);
const INIT_VALUE_OPTIONS = new Set(["-p", "-e", "-r", "--rewrite"]);
const USER_SWITCHERS = new Set(["gosu", "su-exec"]);

/**
 * The command an init process or user switcher runs (`tini -g -- CMD`, `dumb-init CMD`,
 * `gosu USER CMD`), so the program is what the image really runs; anything else as it is.
 */
function withoutInit(words: CommandWord[]): CommandWord[] {
  let at = 0;
  for (let guard = 0; guard < 4 && at < words.length; guard++) {
    const word = words[at];
    const program = word.unresolved ? "" : word.text.slice(word.text.lastIndexOf("/") + 1);
    if (USER_SWITCHERS.has(program) && at + 2 < words.length) {
      at += 2;
    } else if (INITS.has(program)) {
      let next = at + 1;
      while (next < words.length && words[next].text.startsWith("-")) {
        const option = words[next++].text;
        if (option === "--") break;
        if (INIT_VALUE_OPTIONS.has(option)) next++;
      }
      if (next >= words.length) break;
      at = next;
    } else break;
  }
  return at === 0 ? words : words.slice(at);
}

/** A `NAME=value` argument (`export HF_TOKEN=…`, `env PASSWORD=…`) whose value is a secret. */
function assignmentSecret(
  word: CommandWord,
  location: { file: string; line: number },
  secrets: SecretFact[],
): CommandWord {
  const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(word.text);
  if (!assignment || word.unresolved) return word;
  const secret = secretFact({
    name: assignment[1],
    value: word.text.slice(assignment[0].length),
    location,
  });
  if (!secret) return word;
  secrets.push(secret);
  return { text: `${assignment[0]}***` };
}
