/**
 * Reading a launch's command line the way the program it starts would: wrappers (`exec`, `env`,
 * `uv run`, `conda run`, `tini --`…) and `sh -c "…"` unwrapped, `python -m mlflow` read as
 * `mlflow`, inline `NAME=value` assignments added to the environment, and options looked up as
 * argparse and click read them (`--host X`, `--host=X`, the last one wins).
 *
 * @module
 */
import type { CommandWord, Launch } from "../../core/snapshot.ts";

/** One program a launch runs, with its arguments and the environment it sees. */
export interface Invocation {
  /** The program, by its base name (`mlflow`, `jupyter-lab`) or Python module (`vllm.entrypoints.openai.api_server`). */
  program: string;
  /** The words after it. */
  args: CommandWord[];
  /** Variables set for it: a value when literal, undefined when set to something unknown. */
  env: ReadonlyMap<string, CommandWord | undefined>;
}

/** Bounds on hostile command lines. */
const MAX_WORDS = 1_000;
const MAX_DEPTH = 3;
const MAX_SCRIPT = 20_000;
const MAX_WORD = 10_000;

/**
 * What a known image runs when the launch gives only its arguments (compose `command: --model x`)
 * or nothing: its entrypoint, then the launch's words (the first replaced, for `serve`).
 */
const IMAGE_ENTRYPOINTS: ReadonlyArray<
  [RegExp, string[] | ((image: string) => string[]), replaces?: string]
> = [
  [/(?:^|\/)vllm\/vllm-openai(?:[:@]|$)/, ["vllm", "serve"]],
  [/(?:^|\/)huggingface\/text-generation-inference(?:[:@]|$)/, ["text-generation-launcher"]],
  [/(?:^|\/)(?:heartexlabs|humansignal)\/label-studio(?:[:@]|$)/, ["label-studio"]],
  // The official image's entrypoint (docker/dockerd-entrypoint.sh) turns `serve` into this command
  // line; from 0.11.1 on it also turns token authorization off (pytorch/serve 9a3d785, 2024-06-14).
  [/(?:^|\/)pytorch\/torchserve(?:[:@]|$)/, torchserveEntrypoint, "serve"],
];

/** The official TorchServe image's `serve`: with `--disable-token-auth` unless the tag is older than 0.11.1. */
function torchserveEntrypoint(image: string): string[] {
  const command = ["torchserve", "--start", "--ts-config", "/home/model-server/config.properties"];
  const tag = /:(\d+)\.(\d+)\.(\d+)(?:[^:/@]*)$/.exec(image);
  const old = tag !== null &&
    (Number(tag[1]) * 1e6 + Number(tag[2]) * 1e3 + Number(tag[3])) < 11_001;
  return old ? command : [...command, "--disable-token-auth"];
}

/**
 * Every program a launch runs: its own command, or the commands of a `sh -c` script.
 *
 * @param launch The launch.
 * @returns The invocations, wrappers removed; none for an empty command line.
 */
export function invocationsOf(launch: Pick<Launch, "argv" | "env" | "image">): Invocation[] {
  let words = launch.argv.slice(0, MAX_WORDS);
  const entry = launch.image === undefined
    ? undefined
    : IMAGE_ENTRYPOINTS.find(([image]) => image.test(launch.image!));
  if (entry) {
    const [, entrypoint, replaces] = entry;
    const command = typeof entrypoint === "function" ? entrypoint(launch.image!) : entrypoint;
    const prefix = command.map((text) => ({ text }));
    if (words.length === 0 || words[0].text.startsWith("-")) words = [...prefix, ...words];
    else if (replaces !== undefined && words[0].text === replaces) {
      words = [...prefix, ...words.slice(1)];
    }
  }
  const env = new Map<string, CommandWord | undefined>();
  for (const variable of launch.env.slice(0, MAX_WORDS)) {
    env.set(variable.name, variable.value === undefined ? undefined : wordOf(variable.value));
  }
  return unwrap(words, env, 0);
}

/** A word from a literal value, its expansions named. */
function wordOf(value: string): CommandWord {
  const text = value.slice(0, MAX_WORD);
  const unresolved = text.match(/\$\{[^}]*\}|\$\([^)]*\)|\$[A-Za-z_][A-Za-z0-9_]*/g);
  return unresolved ? { text, unresolved: [...unresolved] } : { text };
}

/** Whether a word's value is only known at run time. */
export function isUnresolved(word: CommandWord): boolean {
  return (word.unresolved?.length ?? 0) > 0;
}

/** Wrappers that run the rest of the line, with the options of theirs that take a value. */
const WRAPPERS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ["exec", new Set(["-a"])],
  ["nohup", new Set()],
  ["time", new Set()],
  ["command", new Set()],
  ["nice", new Set(["-n"])],
  ["sudo", new Set(["-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U"])],
  ["tini", new Set(["-s", "-e", "-p"])],
  ["dumb-init", new Set(["-r", "--rewrite"])],
  ["catatonit", new Set()],
  ["ddtrace-run", new Set()],
]);

/** Wrappers whose first argument is a user, not the command (`gosu app mlflow …`). */
const USER_WRAPPERS = new Set(["gosu", "su-exec"]);

/** `X run …` runners and the options of theirs that take a value. */
const RUNNERS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  [
    "uv",
    new Set([
      "--with",
      "--with-editable",
      "--with-requirements",
      "--python",
      "-p",
      "--project",
      "--directory",
      "--env-file",
      "--extra",
      "--group",
      "--only-group",
      "--no-group",
      "--package",
      "--index",
      "--default-index",
      "--index-url",
      "--extra-index-url",
      "--find-links",
      "-f",
      "--cache-dir",
      "--config-file",
    ]),
  ],
  ["poetry", new Set(["-C", "--directory", "-P", "--project"])],
  ["pipenv", new Set()],
  ["pdm", new Set(["-p", "--project"])],
  ["rye", new Set()],
  ["hatch", new Set(["-e", "--env"])],
  ["pixi", new Set(["-e", "--environment", "--manifest-path"])],
  ["conda", new Set(["-n", "--name", "-p", "--prefix", "--cwd"])],
  ["mamba", new Set(["-n", "--name", "-p", "--prefix", "--cwd"])],
  ["micromamba", new Set(["-n", "--name", "-p", "--prefix", "--cwd"])],
]);

/** Tool launchers whose next word is the tool: `uvx mlflow`, `pipx run mlflow`. */
const TOOL_LAUNCHERS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ["uvx", new Set(["--from", "--with", "--python", "-p", "--index", "--index-url"])],
  ["pipx", new Set(["--spec", "--python", "--index-url", "--pip-args"])],
]);

const SHELLS = new Set(["sh", "bash", "dash", "zsh", "ash", "ksh"]);

/** `python -m X` → the program X is (console scripts named differently from their module). */
const MODULES: ReadonlyMap<string, string> = new Map([
  ["jupyterlab", "jupyter-lab"],
  ["notebook", "jupyter-notebook"],
  ["jupyter_server", "jupyter-server"],
  ["nbclassic", "jupyter-nbclassic"],
  ["tensorboard.main", "tensorboard"],
  ["label_studio", "label-studio"],
  ["label_studio.server", "label-studio"],
  ["vllm.entrypoints.cli.main", "vllm"],
]);

/** The base name of a program path (`/opt/conda/bin/mlflow` → `mlflow`). */
function baseName(text: string): string {
  return text.slice(text.lastIndexOf("/") + 1);
}

/** Whether a word is a Python interpreter: `python`, `python3`, `python3.11`, `py`. */
function isPython(name: string): boolean {
  return /^(?:python(?:\d+(?:\.\d+)?)?|py|pypy\d*)$/.test(name);
}

/** Drop leading options (and their values) of a wrapper; `--` ends them. */
function afterOptions(words: CommandWord[], valued: ReadonlySet<string>): CommandWord[] {
  let i = 0;
  while (i < words.length && words[i].text.startsWith("-")) {
    const option = words[i].text;
    i++;
    if (option === "--") break;
    if (valued.has(option)) i++;
  }
  return words.slice(i);
}

function unwrap(
  words: CommandWord[],
  env: Map<string, CommandWord | undefined>,
  depth: number,
): Invocation[] {
  for (let guard = 0; guard < MAX_WORDS && words.length > 0; guard++) {
    const first = words[0].text;
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(first);
    if (assignment) {
      env = new Map(env).set(assignment[1], { ...words[0], text: assignment[2] });
      words = words.slice(1);
      continue;
    }
    const name = baseName(first);
    if (name === "env") {
      words = afterOptions(words.slice(1), new Set(["-u", "--unset", "-C", "--chdir", "-S"]));
      continue;
    }
    if (WRAPPERS.has(name)) {
      words = afterOptions(words.slice(1), WRAPPERS.get(name)!);
      continue;
    }
    if (USER_WRAPPERS.has(name)) {
      words = words.slice(2);
      continue;
    }
    if (RUNNERS.has(name) && words[1]?.text === "run") {
      words = afterOptions(words.slice(2), RUNNERS.get(name)!);
      continue;
    }
    if (name === "uv" && words[1]?.text === "tool" && words[2]?.text === "run") {
      words = afterOptions(words.slice(3), TOOL_LAUNCHERS.get("uvx")!);
      continue;
    }
    if (TOOL_LAUNCHERS.has(name)) {
      const rest = name === "pipx" && words[1]?.text === "run" ? words.slice(2) : words.slice(1);
      words = afterOptions(rest, TOOL_LAUNCHERS.get(name)!);
      continue;
    }
    if (SHELLS.has(name)) {
      const script = shellScript(words.slice(1));
      if (script === undefined) return [];
      if (depth >= MAX_DEPTH) return [];
      return splitScript(script.text.slice(0, MAX_SCRIPT))
        .flatMap((command) => unwrap(command, env, depth + 1));
    }
    if (isPython(name)) return [pythonInvocation(words.slice(1), env)];
    return [{ program: name, args: words.slice(1), env }];
  }
  return [];
}

/** The script of `sh -c SCRIPT` (also `-lc`, `-ec`, `-euxc`); undefined for `sh script.sh`. */
function shellScript(words: CommandWord[]): CommandWord | undefined {
  for (let i = 0; i < words.length; i++) {
    const text = words[i].text;
    if (!text.startsWith("-")) return undefined;
    if (/^-[a-z]*c[a-z]*$/.test(text)) return words[i + 1];
  }
  return undefined;
}

/** `python [options] -m module args` or `python script.py args`. */
function pythonInvocation(
  words: CommandWord[],
  env: Map<string, CommandWord | undefined>,
): Invocation {
  for (let i = 0; i < words.length; i++) {
    const text = words[i].text;
    if (text === "-m" && words[i + 1]) {
      const module = words[i + 1].text;
      return { program: MODULES.get(module) ?? module, args: words.slice(i + 2), env };
    }
    if (text.startsWith("-m") && text.length > 2) {
      const module = text.slice(2);
      return { program: MODULES.get(module) ?? module, args: words.slice(i + 1), env };
    }
    if (text === "-c") return { program: "python", args: [], env };
    if (!text.startsWith("-")) return { program: "python", args: words.slice(i), env };
    if (text === "-W" || text === "-X") i++;
  }
  return { program: "python", args: [], env };
}

/**
 * Split a `sh -c` script into commands of words: blanks separate words, quotes group them,
 * `;`, `&&`, `||`, `|`, `&` and newlines separate commands. Enough for the one-line scripts
 * deployment files pass to `sh -c`; the collector has already split the outer line.
 */
function splitScript(script: string): CommandWord[][] {
  const commands: CommandWord[][] = [];
  let words: CommandWord[] = [];
  let word: { text: string; unresolved: string[] } | undefined;
  let quote: string | undefined;
  const endWord = () => {
    if (word) words.push(word.unresolved.length ? word : { text: word.text });
    word = undefined;
  };
  const endCommand = () => {
    endWord();
    if (words.length) commands.push(words);
    words = [];
  };
  for (let i = 0; i < script.length; i++) {
    const c = script[i];
    if (quote === undefined) {
      if (c === " " || c === "\t") {
        endWord();
        continue;
      }
      if (c === "\n" || c === ";" || c === "&" || c === "|") {
        endCommand();
        continue;
      }
      if (c === "#" && word === undefined) {
        while (i < script.length && script[i] !== "\n") i++;
        endCommand();
        continue;
      }
      if (c === "\\" && i + 1 < script.length) {
        word ??= { text: "", unresolved: [] };
        if (script[i + 1] !== "\n") word.text += script[i + 1];
        i++;
        continue;
      }
    }
    word ??= { text: "", unresolved: [] };
    if (c === quote) quote = undefined;
    else if (quote === undefined && (c === "'" || c === '"')) quote = c;
    else if (c === "$" && quote !== "'") {
      const expansion = /^\$(?:\{[^}]*\}|\([^)]*\)|[A-Za-z_][A-Za-z0-9_]*)/.exec(
        script.slice(i, i + 1_000),
      );
      const text = expansion?.[0] ?? "$";
      word.text += text;
      if (expansion) word.unresolved.push(text);
      i += text.length - 1;
    } else word.text += c;
  }
  endCommand();
  return commands;
}

/**
 * The value of the last of `names` given as an option: `--host X` or `--host=X`. `present` also
 * for a flag given without a value.
 *
 * @param args The words after the program.
 * @param names The option's spellings (`["--host", "-h"]`).
 * @returns The value word, if any, and whether the option appears at all.
 */
export function option(
  args: readonly CommandWord[],
  names: readonly string[],
): { value?: CommandWord; present: boolean; name?: string } {
  let found: { value?: CommandWord; present: boolean; name?: string } = { present: false };
  for (let i = 0; i < args.length; i++) {
    const text = args[i].text;
    if (text === "--") break;
    for (const name of names) {
      if (text === name) {
        const next = args[i + 1];
        const value = next && !(next.text.startsWith("-") && next.text.length > 1)
          ? next
          : undefined;
        found = { present: true, name, ...(value ? { value } : {}) };
      } else if (text.startsWith(`${name}=`)) {
        found = {
          present: true,
          name,
          value: { ...args[i], text: text.slice(name.length + 1) },
        };
      }
    }
  }
  return found;
}

/**
 * Whether a variable is set for the invocation, and its value when literal.
 *
 * @param env The invocation's environment.
 * @param name The variable.
 * @returns `{ set: false }`, or `{ set: true, value }` (value undefined when not literal).
 */
export function variable(
  env: ReadonlyMap<string, CommandWord | undefined>,
  name: string,
): { set: boolean; value?: CommandWord } {
  if (!env.has(name)) return { set: false };
  const value = env.get(name);
  return value === undefined ? { set: true } : { set: true, value };
}
