/**
 * GitHub Actions workflows (`.github/workflows/*.yml`): each `run:` step's script, split as its
 * shell splits it, one launch per command (unit `workflow job/step`: the workflow's `name` or file
 * name, the job id, the step's `name`, `id` or position; origin `workflow`), in the job's
 * `container` image when it has one. `${{ … }}` expressions, which GitHub substitutes before the
 * shell runs, are unresolved words wherever they stand, in quotes or not. The environment is the
 * workflow's, the job's and the step's `env` (the nearer wins), values kept when literal, plus a
 * command's own `NAME=value` prefixes. Steps whose `shell` is not a POSIX shell (`pwsh`, `python`,
 * `cmd`, `powershell`) are not split and say so. Secrets: `env` values, `with:` inputs and
 * arguments, by `secrets.ts` (a `${{ secrets.X }}` reference is not one).
 *
 * @module
 */
import type { Launch, Problem, SecretFact } from "../../core/snapshot.ts";
import { type FileReader, type ReaderResult, textReader } from "../_reader.ts";
import { githubExpression, splitScript } from "./command_words.ts";
import { buildLaunches, type EnvEntry, environmentEntry, secretFact } from "./_launch_facts.ts";
import { readYaml, type YamlFile } from "./_yaml.ts";

/**
 * Whether a path is a GitHub Actions workflow.
 *
 * @example
 * ```ts
 * import { isWorkflowFile } from "./github_workflows.ts";
 * isWorkflowFile(".github/workflows/ci.yml"); // true
 * ```
 */
export function isWorkflowFile(file: string): boolean {
  return /^\.github\/workflows\/[^/]+\.ya?ml$/i.test(file);
}

/**
 * The GitHub Actions workflow reader.
 *
 * @example
 * ```ts
 * import { githubWorkflowReader } from "./github_workflows.ts";
 * githubWorkflowReader.matches(".github/workflows/serve.yaml"); // true
 * ```
 */
export const githubWorkflowReader: FileReader = textReader({
  format: "github workflow",
  matches: isWorkflowFile,
  maxBytes: 4 << 20,
  parse: (text, { file }) => parseGithubWorkflow(text, file),
});

const POSIX_SHELLS = /^(?:bash|sh)\b/;

/**
 * Read a workflow's text.
 *
 * @param text The file's text.
 * @param file Its project-relative path.
 * @returns Launches, secrets and problems.
 * @example
 * ```ts
 * import { parseGithubWorkflow } from "./github_workflows.ts";
 * const text = "jobs:\n  board:\n    runs-on: ubuntu-latest\n    steps:\n" +
 *   "      - run: tensorboard --logdir runs --bind_all\n";
 * parseGithubWorkflow(text, ".github/workflows/board.yml").launches?.[0].unit;
 * // "board.yml board/#1"
 * ```
 */
export function parseGithubWorkflow(text: string, file: string): ReaderResult {
  const yaml = readYaml(text, file);
  const launches: Launch[] = [];
  const secrets: SecretFact[] = [];
  // The same list: limits the YAML reader reaches while we read are added to it.
  const problems: Problem[] = yaml.problems;
  const at = yaml.at;
  const envOf = (node: unknown): EnvEntry[] =>
    yaml.entries(yaml.get(node, "env")).map((entry) => {
      const value = yaml.text(entry.value);
      const read = environmentEntry({
        name: entry.key,
        value,
        unresolved: value !== undefined && value.includes("${{"),
        location: at(entry.value),
      });
      if (read.secret) secrets.push(read.secret);
      return read.entry;
    });
  const merge = (...layers: EnvEntry[][]) => {
    const byName = new Map<string, EnvEntry>();
    for (const layer of layers) for (const entry of layer) byName.set(entry.name, entry);
    return [...byName.values()];
  };
  const shellOf = (node: unknown) =>
    yaml.text(yaml.get(yaml.get(yaml.get(node, "defaults"), "run"), "shell"));
  for (const doc of yaml.documents) {
    const workflow = yaml.text(yaml.get(doc, "name")) ?? file.slice(file.lastIndexOf("/") + 1);
    const workflowEnv = envOf(doc);
    for (const { key: jobId, value: job } of yaml.entries(yaml.get(doc, "jobs"))) {
      const jobEnv = envOf(job);
      const container = yaml.get(job, "container");
      const image = yaml.text(container) ?? yaml.text(yaml.get(container, "image"));
      for (const [index, step] of yaml.items(yaml.get(job, "steps")).entries()) {
        const stepName = yaml.text(yaml.get(step, "name")) ?? yaml.text(yaml.get(step, "id")) ??
          `#${index + 1}`;
        const unit = `${workflow} ${jobId}/${stepName}`;
        const stepEnv = envOf(step);
        for (const input of yaml.entries(yaml.get(step, "with"))) {
          const value = yaml.text(input.value);
          const secret = value === undefined
            ? undefined
            : secretFact({ name: input.key, value, location: at(input.value) });
          if (secret) secrets.push(secret);
        }
        const run = yaml.get(step, "run");
        const script = yaml.text(run);
        if (script === undefined) continue;
        const shell = yaml.text(yaml.get(step, "shell")) ?? shellOf(job) ?? shellOf(doc) ?? "bash";
        if (!POSIX_SHELLS.test(shell)) {
          problems.push({
            file,
            line: yaml.line(run),
            message: `${unit}: a ${shell.split(/\s/)[0]} script, not a POSIX shell's; not split`,
          });
          continue;
        }
        const found = runLaunches(yaml, run, script, {
          unit,
          image,
          env: merge(workflowEnv, jobEnv, stepEnv),
          file,
        });
        launches.push(...found.launches);
        secrets.push(...found.secrets);
        problems.push(...found.problems);
      }
    }
  }
  return { launches, secrets, problems };
}

/** The launches of one `run:` script, each at its own line when the script is a `|` block. */
function runLaunches(
  yaml: YamlFile,
  node: unknown,
  script: string,
  options: { unit: string; image?: string; env: EnvEntry[]; file: string },
): { launches: Launch[]; secrets: SecretFact[]; problems: Problem[] } {
  const { file } = options;
  const base = yaml.line(node) ?? 1;
  const block = yaml.isBlockLiteral(node);
  const split = splitScript(script, githubExpression);
  const problems: Problem[] = split.problems.map((p) => ({
    file,
    line: block ? base + p.line : base,
    message: `${options.unit}: ${p.message}`,
  }));
  const built = buildLaunches({
    origin: "workflow",
    unit: options.unit,
    ...(options.image === undefined ? {} : { image: options.image }),
    argv: [{ word: { text: script }, line: base, block }],
    script: true,
    env: options.env,
    file,
    line: base,
    substitution: githubExpression,
  });
  return { launches: built.launches, secrets: built.secrets, problems };
}
