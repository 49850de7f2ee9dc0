/**
 * The facts every infrastructure reader builds the same way: an environment variable (its value
 * kept only when literal and not a secret), a value that may be a secret (a label, an annotation,
 * a step input), and command arguments that carry a secret (`--api-key=sk-…`), whose value is
 * replaced by `***` before the command reaches the snapshot.
 *
 * @module
 */
import type {
  CommandWord,
  InfraOrigin,
  Launch,
  Location,
  SecretFact,
} from "../../core/snapshot.ts";
import { type Substitution, unwrapScript, unwrapShell } from "./command_words.ts";
import { secretKind } from "./secrets.ts";

/** One environment entry of a launch. */
export type EnvEntry = Launch["env"][number];

/**
 * An environment variable as a launch records it, and the secret it holds, if any.
 *
 * @param options The variable's `name`, its `value` as written (undefined when it is set from
 *   elsewhere: a Secret, the host, a file), whether the value still holds `unresolved`
 *   expansions, and the `location`.
 * @returns The entry (value only when literal and not secret) and the secret fact.
 * @example
 * ```ts
 * import { environmentEntry } from "./_launch_facts.ts";
 * const at = { file: "compose.yaml", line: 9 };
 * environmentEntry({ name: "HF_TOKEN", value: "hf_" + "a".repeat(34), location: at }).secret?.kind;
 * // "huggingface-token"
 * environmentEntry({ name: "JUPYTER_TOKEN", value: "", location: at }).entry.value; // ""
 * ```
 */
export function environmentEntry(options: {
  name: string;
  value?: string;
  unresolved?: boolean;
  location: Location;
}): { entry: EnvEntry; secret?: SecretFact } {
  const { name, value, location } = options;
  if (value === undefined) return { entry: { name, location } };
  const secret = secretFact({ name, value, location });
  if (secret) return { entry: { name, location }, secret };
  if (options.unresolved) return { entry: { name, location } };
  return { entry: { name, value, location } };
}

/**
 * A secret fact for a value written under a name (a label, an annotation, a step input), or
 * undefined when the value is not a secret.
 *
 * @example
 * ```ts
 * import { secretFact } from "./_launch_facts.ts";
 * secretFact({ name: "password", value: "changeme", location: { file: "values.yaml", line: 3 } })
 *   ?.kind; // "password"
 * ```
 */
export function secretFact(
  options: { name?: string; value: string; location: Location },
): SecretFact | undefined {
  const kind = secretKind({ name: secretName(options.name), value: options.value });
  if (kind === undefined) return undefined;
  return options.name === undefined
    ? { kind, location: options.location }
    : { kind, name: options.name, location: options.location };
}

/**
 * Secret-sounding names written in camelCase (`adminPassword`, `hfToken`) read as words, the way
 * the classifier reads `ADMIN_PASSWORD`.
 */
function secretName(name: string | undefined): string | undefined {
  return name?.replace(/([a-z0-9])([A-Z])/g, "$1_$2");
}

/**
 * Secrets among a command's arguments: `--token=VALUE`, `--token VALUE`, or a word shaped like a
 * token. Their values become `***` in the returned argv, so no secret reaches the snapshot.
 *
 * @param argv The words.
 * @param location Where word `i` is written.
 * @returns The argv to record and the secret facts.
 * @example
 * ```ts
 * import { argumentSecrets } from "./_launch_facts.ts";
 * const argv = ["vllm", "serve", "--api-key", "sk-" + "a".repeat(30)].map((text) => ({ text }));
 * const found = argumentSecrets(argv, () => ({ file: "deploy.yaml", line: 20 }));
 * found.argv.map((w) => w.text); // ["vllm", "serve", "--api-key", "***"]
 * found.secrets[0].name; // "api-key"
 * ```
 */
export function argumentSecrets(
  argv: CommandWord[],
  location: (index: number) => Location,
): { argv: CommandWord[]; secrets: SecretFact[] } {
  const secrets: SecretFact[] = [];
  const out = argv.map((word, i) => {
    const option = /^--?([A-Za-z][\w.-]*)=/.exec(word.text);
    if (option) {
      const value = word.text.slice(option[0].length);
      const secret = !word.unresolved &&
        secretFact({ name: option[1], value, location: location(i) });
      if (secret) {
        secrets.push(secret);
        return { text: `${option[0]}***` };
      }
      return word;
    }
    if (word.unresolved) return word;
    // An option's value follows it; a word starting with `-` is another option.
    const previous = word.text.startsWith("-")
      ? undefined
      : /^--?([A-Za-z][\w.-]*)$/.exec(argv[i - 1]?.text ?? "")?.[1];
    const secret = secretFact({ name: previous, value: word.text, location: location(i) });
    if (secret) {
      secrets.push(secret);
      return { text: "***" };
    }
    return word;
  });
  return { argv: out, secrets };
}

/** A word of a command as a file writes it, with the place of the scalar it comes from. */
export interface PlacedWord {
  /** The word, after the tool's substitutions. */
  word: CommandWord;
  /** 1-based line of the scalar holding it. */
  line: number;
  /** Whether that scalar is a block literal (`|`), whose lines follow its header line. */
  block?: boolean;
}

/**
 * The launches one command declaration makes: the command itself, or each command of the script
 * it hands to `sh -c` (see `command_words.ts`), with script assignments added to the environment
 * and secret arguments replaced by `***`.
 *
 * @param options What runs (`argv`, possibly empty: the image's own command; or with `script`,
 *   one word holding a whole shell script, as a CI step's `run:`), where (`file`,
 *   `line` of the declaration), the `origin`, `unit`, `image`, the environment already read, and
 *   the substitution to apply again inside scripts.
 * @returns The launches and the secrets found in arguments and script assignments.
 * @example
 * ```ts
 * import { buildLaunches } from "./_launch_facts.ts";
 * const argv = ["bash", "-c", "HOST=0.0.0.0 mlflow server"].map((text) => ({ word: { text }, line: 4 }));
 * const { launches } = buildLaunches({
 *   origin: "compose", unit: "mlflow", argv, env: [], file: "compose.yaml", line: 3,
 * });
 * launches[0].argv.map((w) => w.text); // ["mlflow", "server"]
 * launches[0].env[0].value; // "0.0.0.0"
 * ```
 */
export function buildLaunches(options: {
  origin: InfraOrigin;
  unit: string;
  image?: string;
  argv: PlacedWord[];
  script?: boolean;
  env: EnvEntry[];
  file: string;
  line: number;
  substitution?: Substitution;
}): { launches: Launch[]; secrets: SecretFact[] } {
  const { file } = options;
  const launches: Launch[] = [];
  const secrets: SecretFact[] = [];
  const commands = options.script
    ? unwrapScript(options.argv[0]?.word.text ?? "", options.substitution)
    : unwrapShell(options.argv.map((a) => a.word), options.substitution);
  for (const command of commands) {
    let line = options.line;
    if (command.script) {
      const holder = options.argv[command.script.index];
      line = holder.block ? holder.line + command.script.line : holder.line;
    }
    const at = (i: number): Location => ({
      file,
      line: command.script ? line : options.argv[i]?.line ?? line,
    });
    const found = argumentSecrets(command.argv, at);
    secrets.push(...found.secrets);
    const env = [...options.env];
    for (const assignment of command.assignments) {
      const read = environmentEntry({
        name: assignment.name,
        value: assignment.value.text,
        unresolved: assignment.value.unresolved !== undefined,
        location: { file, line },
      });
      env.push(read.entry);
      if (read.secret) secrets.push(read.secret);
    }
    const launch: Launch = {
      origin: options.origin,
      unit: options.unit,
      argv: found.argv,
      env,
      location: { file, line },
    };
    if (options.image !== undefined) launch.image = options.image;
    launches.push(launch);
  }
  return { launches, secrets };
}
