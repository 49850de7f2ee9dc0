/**
 * GitLab CI (`.gitlab-ci.yml` at the root): each job's `before_script`, `script` and
 * `after_script` (a string or a list of lines, nested lists flattened as GitLab does; the
 * top-level and `default:` ones too), each line split as the runner's shell splits it, one launch
 * per command (unit `.gitlab-ci.yml job/script`; origin `workflow`), in the job's `image` (or the
 * default one). `extends` is followed (a job takes the scripts, image and variables it does not set
 * from the jobs it extends); hidden jobs (`.name`, such templates) are read like any job too.
 * The environment is the global and the job's `variables` (`NAME: value` or `NAME: {value: …}`),
 * the job's winning; `$VAR` in scripts is the shell's, unresolved. Files `include:`d are not
 * read. Secrets: variable values and arguments, by `secrets.ts`.
 *
 * @module
 */
import type { Launch, Problem, SecretFact } from "../../core/snapshot.ts";
import { type FileReader, type ReaderResult, textReader } from "../_reader.ts";
import { buildLaunches, type EnvEntry, environmentEntry } from "./_launch_facts.ts";
import { readYaml, type YamlFile } from "./_yaml.ts";

/** Top-level keys that are not jobs. */
const GLOBAL_KEYS = new Set([
  "default",
  "include",
  "stages",
  "variables",
  "workflow",
  "image",
  "services",
  "cache",
  "before_script",
  "after_script",
  "spec",
]);
const SCRIPTS = ["before_script", "script", "after_script"];
const MAX_NESTING = 10;

/**
 * Whether a path is the project's GitLab CI file.
 *
 * @example
 * ```ts
 * import { isGitlabCiFile } from "./gitlab_ci.ts";
 * isGitlabCiFile(".gitlab-ci.yml"); // true
 * ```
 */
export function isGitlabCiFile(file: string): boolean {
  return file === ".gitlab-ci.yml" || file === ".gitlab-ci.yaml";
}

/**
 * The GitLab CI reader.
 *
 * @example
 * ```ts
 * import { gitlabCiReader } from "./gitlab_ci.ts";
 * gitlabCiReader.matches(".gitlab-ci.yml"); // true
 * ```
 */
export const gitlabCiReader: FileReader = textReader({
  format: "gitlab ci",
  matches: isGitlabCiFile,
  maxBytes: 4 << 20,
  parse: (text, { file }) => parseGitlabCi(text, file),
});

/**
 * Read a `.gitlab-ci.yml`.
 *
 * @param text The file's text.
 * @param file Its project-relative path.
 * @returns Launches, secrets and problems.
 * @example
 * ```ts
 * import { parseGitlabCi } from "./gitlab_ci.ts";
 * const text = "serve:\n  image: python:3.12\n  script:\n    - mlflow ui --host 0.0.0.0\n";
 * const [launch] = parseGitlabCi(text, ".gitlab-ci.yml").launches ?? [];
 * launch.unit; // ".gitlab-ci.yml serve/script"
 * launch.image; // "python:3.12"
 * ```
 */
export function parseGitlabCi(text: string, file: string): ReaderResult {
  const yaml = readYaml(text, file);
  const launches: Launch[] = [];
  const secrets: SecretFact[] = [];
  // The same list: limits the YAML reader reaches while we read are added to it.
  const problems: Problem[] = yaml.problems;
  const at = yaml.at;
  // Read once per mapping: a template many jobs extend has its secrets counted once.
  const read = new Map<unknown, EnvEntry[]>();
  const variables = (node: unknown): EnvEntry[] => {
    if (!read.has(node)) read.set(node, readVariables(node));
    return read.get(node)!;
  };
  const readVariables = (node: unknown): EnvEntry[] =>
    yaml.entries(yaml.get(node, "variables")).map((entry) => {
      const valueNode = yaml.isMap(entry.value) ? yaml.get(entry.value, "value") : entry.value;
      const value = yaml.text(valueNode);
      const read = environmentEntry({
        name: entry.key,
        value,
        unresolved: value !== undefined && /\$\{?[A-Za-z_]/.test(value),
        location: at(valueNode ?? entry.keyNode),
      });
      if (read.secret) secrets.push(read.secret);
      return read.entry;
    });
  const imageOf = (node: unknown) => {
    const image = yaml.get(node, "image");
    return yaml.text(image) ?? yaml.text(yaml.get(image, "name"));
  };
  for (const doc of yaml.documents) {
    const globalEnv = variables(doc);
    const defaults = yaml.get(doc, "default");
    const defaultImage = imageOf(defaults) ?? imageOf(doc);
    for (const { key: job, value } of yaml.entries(doc)) {
      if (GLOBAL_KEYS.has(job) || !yaml.isMap(value)) continue;
      // The job, then what it extends (the last named first, as GitLab merges them).
      const chain = extendsChain(yaml, doc, value);
      const own = <T>(read: (node: unknown) => T | undefined) => {
        for (const node of chain) {
          const found = read(node);
          if (found !== undefined) return found;
        }
        return undefined;
      };
      const byName = new Map<string, EnvEntry>();
      for (const entry of globalEnv) byName.set(entry.name, entry);
      for (const node of [...chain].reverse()) {
        for (const entry of variables(node)) byName.set(entry.name, entry);
      }
      const env = [...byName.values()];
      const image = own(imageOf) ?? defaultImage;
      for (const key of SCRIPTS) {
        // A job's own scripts, else the default ones (before/after only, as GitLab does).
        const node = own((n) => yaml.get(n, key)) ??
          (key === "script" ? undefined : yaml.get(defaults, key) ?? yaml.get(doc, key));
        for (const line of scriptLines(yaml, node, 0)) {
          const built = buildLaunches({
            origin: "workflow",
            unit: `${file} ${job}/${key}`,
            ...(image === undefined ? {} : { image }),
            argv: [{ word: { text: line.text }, line: line.line, block: line.block }],
            script: true,
            env,
            file,
            line: line.line,
          });
          launches.push(...built.launches);
          secrets.push(...built.secrets);
        }
      }
    }
  }
  return { launches, secrets, problems };
}

/**
 * A job and the jobs it `extends` (a name or a list; nested, up to GitLab's eleven levels), nearest
 * first: a key is taken from the first that sets it (GitLab merges mappings deeper; scripts and
 * images, which are what is read here, are replaced whole).
 */
function extendsChain(yaml: YamlFile, doc: unknown, job: unknown): unknown[] {
  const chain: unknown[] = [];
  const visit = (node: unknown, depth: number) => {
    if (depth > MAX_NESTING || chain.includes(node)) return;
    chain.push(node);
    const named = yaml.get(node, "extends");
    const names = yaml.isSeq(named)
      ? yaml.items(named).map((n) => yaml.text(n))
      : [yaml.text(named)];
    for (const name of names.reverse()) {
      const parent = name === undefined ? undefined : yaml.get(doc, name);
      if (yaml.isMap(parent)) visit(parent, depth + 1);
    }
  };
  visit(job, 0);
  return chain;
}

/** A script's lines: a string, or a list of strings and nested lists. */
function scriptLines(
  yaml: YamlFile,
  node: unknown,
  depth: number,
): { text: string; line: number; block: boolean }[] {
  if (depth > MAX_NESTING) return [];
  const text = yaml.text(node);
  if (text !== undefined) {
    return [{ text, line: yaml.line(node) ?? 1, block: yaml.isBlockLiteral(node) }];
  }
  return yaml.items(node).flatMap((item) => scriptLines(yaml, item, depth + 1));
}
