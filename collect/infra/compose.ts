/**
 * Docker Compose files (`compose.yaml`, `docker-compose.yml`, overrides such as
 * `docker-compose.override.yml` or `compose.prod.yaml`): what each service runs, how it is
 * published, and the secrets written into it.
 *
 * - A launch per service (unit: the service name), with its image; argv is `entrypoint` followed
 *   by `command`, as compose joins them; a string is split as compose splits it (shell words up to
 *   the first unquoted `;`, `&`, `|`, `<` or `>`, newlines being blanks); then `sh -c` scripts are
 *   unwrapped (see `command_words.ts`). A service with neither runs its image's own command: argv
 *   is empty.
 * - Interpolation: `${VAR}`, `${VAR:-default}`, `$VAR` are unresolved words; `$$` is a literal `$`.
 * - `environment` (mapping or `KEY=value` list; a name without a value passes the host's value
 *   through, and is recorded without one), and the variables of each `env_file` inside the project,
 *   at their lines in that file. An env file that is absent adds nothing and is no problem: keeping
 *   `.env` out of version control is how secrets are meant to stay out of compose files.
 * - An exposure per `ports` entry (short syntax as Docker parses it, long syntax with `target`,
 *   `published`, `host_ip`, `protocol`; no host IP means every interface), `expose` entries as
 *   `expose` (reachable by other services only), `network_mode: host` as `host-network`.
 * - Secrets: environment values, arguments, and `labels` values, by `secrets.ts`.
 *
 * Not read: `extends`, `include` and profiles (each file is read on its own), `build` contexts
 * (Dockerfiles are read by their own reader), `secrets:`/`configs:` definitions (files, not
 * values).
 *
 * @module
 */
import type { Exposure, Launch, Location, Problem, SecretFact } from "../../core/snapshot.ts";
import { baseName, type FileReader, type ReaderResult } from "../_reader.ts";
import { ReadError, readTextInRoot } from "../fs.ts";
import { composeInterpolation, expandWord, splitScript } from "./command_words.ts";
import {
  buildLaunches,
  type EnvEntry,
  environmentEntry,
  type PlacedWord,
  secretFact,
} from "./_launch_facts.ts";
import { composePortExposures } from "./_compose_ports.ts";
import { parseDotenv } from "./_dotenv.ts";
import { readYaml, type YamlFile } from "./_yaml.ts";

const COMPOSE_NAME = /^(?:docker-)?compose(?:[.-][^/]*)?\.ya?ml$/i;
const MAX_BYTES = 4 << 20;

/**
 * Whether a path is named like a compose file.
 *
 * @example
 * ```ts
 * import { isComposeFile } from "./compose.ts";
 * isComposeFile("deploy/docker-compose.override.yml"); // true
 * isComposeFile("k8s/deployment.yaml"); // false
 * ```
 */
export function isComposeFile(file: string): boolean {
  return COMPOSE_NAME.test(baseName(file));
}

/**
 * The compose file reader.
 *
 * @example
 * ```ts
 * import { composeReader } from "./compose.ts";
 * composeReader.matches("compose.yaml"); // true
 * ```
 */
export const composeReader: FileReader = {
  format: "docker compose",
  matches: isComposeFile,
  read: async (file, context) => {
    const text = await readTextInRoot({ root: context.root, file, maxBytes: MAX_BYTES });
    const envFiles = new Map<string, string | ReadError>();
    for (const wanted of envFilesOf(text, file)) {
      try {
        envFiles.set(
          wanted,
          await readTextInRoot({ root: context.root, file: wanted, maxBytes: 1 << 20 }),
        );
      } catch (error) {
        if (!(error instanceof ReadError)) throw error;
        envFiles.set(wanted, error);
      }
    }
    return parseCompose(text, { file, envFiles });
  },
};

/** The env files a compose file names (project-relative), to read before parsing. */
function envFilesOf(text: string, file: string): string[] {
  const yaml = readYaml(text, file);
  const found = new Set<string>();
  for (const doc of yaml.documents) {
    for (const service of yaml.entries(yaml.get(doc, "services"))) {
      for (const item of envFileItems(yaml, yaml.get(service.value, "env_file"))) {
        const path = joinPath(file, item.path);
        if (path !== undefined) found.add(path);
      }
    }
  }
  return [...found].slice(0, 64);
}

function envFileItems(
  yaml: YamlFile,
  node: unknown,
): { path: string; required: boolean; node: unknown }[] {
  const list = yaml.isSeq(node) ? yaml.items(node) : [node];
  const items: { path: string; required: boolean; node: unknown }[] = [];
  for (const item of list) {
    const path = yaml.text(item) ?? yaml.text(yaml.get(item, "path"));
    if (path === undefined) continue;
    items.push({ path, required: yaml.text(yaml.get(item, "required")) !== "false", node: item });
  }
  return items;
}

/** A path relative to the compose file's directory, as a project path; undefined if outside. */
function joinPath(file: string, relative: string): string | undefined {
  if (relative.startsWith("/") || /\$/.test(relative)) return undefined;
  const parts = file.split("/").slice(0, -1);
  for (const part of relative.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join("/");
}

/**
 * Read a compose file's text.
 *
 * @param text The file's text.
 * @param options `file` (project-relative), and `envFiles`: the text of each env file it names
 *   (project-relative path → text, or the error reading it), read beforehand.
 * @returns Launches, exposures, secrets and problems.
 * @example
 * ```ts
 * import { parseCompose } from "./compose.ts";
 * const text = `services:
 *   mlflow:
 *     image: ghcr.io/mlflow/mlflow:v2.14.1
 *     command: mlflow server --host 0.0.0.0 --port 5000
 *     ports: ["5000:5000"]
 * `;
 * const result = parseCompose(text, { file: "compose.yaml" });
 * result.launches?.[0].argv.map((w) => w.text).join(" "); // "mlflow server --host 0.0.0.0 --port 5000"
 * result.exposures?.[0].hostPort; // "5000"
 * ```
 */
export function parseCompose(
  text: string,
  options: { file: string; envFiles?: ReadonlyMap<string, string | ReadError> },
): ReaderResult {
  const { file } = options;
  const yaml = readYaml(text, file);
  const launches: Launch[] = [];
  const exposures: Exposure[] = [];
  const secrets: SecretFact[] = [];
  // The same list: limits the YAML reader reaches while we read are added to it.
  const problems: Problem[] = yaml.problems;
  const at = (node: unknown, fallback?: unknown): Location => {
    const line = yaml.line(node) ?? yaml.line(fallback);
    return line === undefined ? { file } : { file, line };
  };
  for (const doc of yaml.documents) {
    const services = yaml.get(doc, "services");
    if (services !== undefined && !yaml.isMap(services)) {
      problems.push({ file, line: yaml.line(services), message: "services is not a mapping" });
      continue;
    }
    for (const { key: unit, keyNode, value: service } of yaml.entries(services)) {
      if (!yaml.isMap(service)) {
        problems.push({
          file,
          line: yaml.line(keyNode),
          message: `service ${unit} is not a mapping`,
        });
        continue;
      }
      const where = at(keyNode);
      const problem = (node: unknown, message: string) =>
        problems.push({
          file,
          line: yaml.line(node) ?? where.line,
          message: `${unit}: ${message}`,
        });

      // Environment: the service's own, then its env files.
      const env: EnvEntry[] = [];
      const addEnv = (
        name: string,
        value: string | undefined,
        unresolved: boolean,
        location: Location,
      ) => {
        const read = environmentEntry({ name, value, unresolved, location });
        env.push(read.entry);
        if (read.secret) secrets.push(read.secret);
      };
      const environment = yaml.get(service, "environment");
      if (yaml.isMap(environment)) {
        for (const entry of yaml.entries(environment)) {
          const raw = yaml.text(entry.value);
          const word = raw === undefined ? undefined : expandWord(raw, composeInterpolation);
          addEnv(
            entry.key,
            word?.text,
            word?.unresolved !== undefined,
            at(entry.value, entry.keyNode),
          );
        }
      } else if (yaml.isSeq(environment)) {
        for (const item of yaml.items(environment)) {
          const raw = yaml.text(item);
          if (raw === undefined) continue;
          const eq = raw.indexOf("=");
          const word = eq < 0 ? undefined : expandWord(raw.slice(eq + 1), composeInterpolation);
          addEnv(
            eq < 0 ? raw : raw.slice(0, eq),
            word?.text,
            word?.unresolved !== undefined,
            at(item),
          );
        }
      } else if (environment !== undefined) {
        problem(environment, "environment is neither a mapping nor a list");
      }
      for (const item of envFileItems(yaml, yaml.get(service, "env_file"))) {
        const path = joinPath(file, item.path);
        const read = path === undefined ? undefined : options.envFiles?.get(path);
        if (read instanceof ReadError) {
          if (!/no such file|not found|ENOENT/i.test(read.message)) {
            problem(item.node, read.message);
          }
          continue;
        }
        if (read === undefined || path === undefined) continue;
        const dotenv = parseDotenv(read);
        for (const p of dotenv.problems) {
          problems.push({ file: path, line: p.line, message: p.message });
        }
        for (const entry of dotenv.entries) {
          const location = { file: path, line: entry.line };
          // `environment` wins over env files; the file's secrets are written there all the same.
          if (env.some((e) => e.name === entry.name && e.location.file === file)) {
            const secret = secretFact({ name: entry.name, value: entry.value, location });
            if (secret && !entry.unresolved) secrets.push(secret);
            continue;
          }
          addEnv(entry.name, entry.value, entry.unresolved, location);
        }
      }

      // The command: entrypoint, then command.
      const argv: PlacedWord[] = [];
      for (const key of ["entrypoint", "command"]) {
        const node = yaml.get(service, key);
        if (node === undefined || node === null) continue;
        const words = commandWords(yaml, node);
        if (words === undefined) problem(node, `${key} is neither a string nor a list`);
        else if ("error" in words) problem(node, `${key}: ${words.error}`);
        else argv.push(...words);
      }
      const commandNode = yaml.keyNode(service, "command") ?? yaml.keyNode(service, "entrypoint");
      const image = yaml.text(yaml.get(service, "image"));
      const built = buildLaunches({
        origin: "compose",
        unit,
        ...(image === undefined ? {} : { image }),
        argv,
        env,
        file,
        line: yaml.line(commandNode) ?? where.line ?? 1,
      });
      launches.push(...built.launches);
      secrets.push(...built.secrets);

      exposures.push(...composePortExposures(yaml, service, { unit, file, problem }));
      if (yaml.text(yaml.get(service, "network_mode")) === "host") {
        exposures.push({
          origin: "compose",
          unit,
          via: "host-network",
          location: at(yaml.get(service, "network_mode")),
        });
      }
      for (const [name, value, node] of labels(yaml, yaml.get(service, "labels"))) {
        const secret = secretFact({ name, value, location: at(node) });
        if (secret) secrets.push(secret);
      }
    }
  }
  return { launches, exposures, secrets, problems };
}

/** A command or entrypoint as compose reads it: a list of words, or a string it splits. */
function commandWords(
  yaml: YamlFile,
  node: unknown,
): PlacedWord[] | { error: string } | undefined {
  if (yaml.isSeq(node)) {
    const words: PlacedWord[] = [];
    for (const item of yaml.items(node)) {
      const text = yaml.text(item);
      if (text === undefined) return { error: "a list item is not a string" };
      words.push({
        word: expandWord(text, composeInterpolation),
        line: yaml.line(item) ?? 1,
        block: yaml.isBlockLiteral(item),
      });
    }
    return words;
  }
  const text = yaml.text(node);
  if (text === undefined) return undefined;
  // go-shellwords, which compose uses: newlines are blanks, and the words end at an operator.
  const split = splitScript(text.replace(/\\?\r?\n/g, " "), composeInterpolation);
  if (split.problems.length > 0) return { error: split.problems[0].message };
  const line = yaml.line(node) ?? 1;
  return (split.commands[0]?.words ?? []).map((word) => ({ word, line }));
}

/** `labels` as a mapping or a `key=value` list: [name, value, node]. */
function labels(yaml: YamlFile, node: unknown): [string, string, unknown][] {
  if (yaml.isMap(node)) {
    return yaml.entries(node).flatMap((e) => {
      const value = yaml.text(e.value);
      return value === undefined ? [] : [[e.key, value, e.value] as [string, string, unknown]];
    });
  }
  return yaml.items(node).flatMap((item) => {
    const text = yaml.text(item);
    const eq = text?.indexOf("=") ?? -1;
    return text === undefined || eq < 0
      ? []
      : [[text.slice(0, eq), text.slice(eq + 1), item] as [string, string, unknown]];
  });
}
