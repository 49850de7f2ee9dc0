// CI workflows: a GitHub Actions job serving TensorBoard to the world from its run step, and a
// GitLab pipeline with defaults, templates and nested script lists.
import assert from "node:assert/strict";
import {
  githubWorkflowReader,
  parseGithubWorkflow,
} from "../../../collect/infra/github_workflows.ts";
import { gitlabCiReader, parseGitlabCi } from "../../../collect/infra/gitlab_ci.ts";
import { checkMutatedFiles } from "../../_property.ts";
import { aliasBomb, assertInfraWithinFile, launchLines, mergeBomb, secretLines } from "./_infra.ts";

const ROOT = new URL("../../fixtures/infra/workflows/", import.meta.url).pathname;
const GITHUB = ".github/workflows/tensorboard.yml";

Deno.test("github: each command of a run step, at its line, with ${{ }} unresolved", async () => {
  const found = await githubWorkflowReader.read(GITHUB, { root: ROOT, env: {} });
  const env = "[HF_HUB_ENABLE_HF_TRANSFER=1, HF_TOKEN, LOGDIR]";
  assert.deepEqual(launchLines(found), [
    `Training dashboard board/Serve TensorBoard ${GITHUB}:28: pip install tensorboard ${env}`,
    `Training dashboard board/Serve TensorBoard ${GITHUB}:29: [ -d ⟨$LOGDIR⟩ ] ${env}`,
    // Single quotes do not keep GitHub from substituting the expression.
    `Training dashboard board/Serve TensorBoard ${GITHUB}:30: tensorboard --logdir ` +
    `⟨\${{ inputs.logdir }}⟩ --bind_all ${env}`,
  ]);
  assert.ok(found.launches!.every((l) => l.image === "tensorflow/tensorflow:2.16.1"));
  // A token written into a step's inputs is a secret; ${{ secrets.HF_TOKEN }} is a reference.
  assert.deepEqual(secretLines(found), [`huggingface-token token @${GITHUB}:23`]);
  assert.deepEqual(found.problems, [{
    file: GITHUB,
    line: 34,
    message:
      "Training dashboard board/Windows check: a pwsh script, not a POSIX shell's; not split",
  }]);
  assert.ok(githubWorkflowReader.matches(".github/workflows/serve.yaml"));
  assert.ok(!githubWorkflowReader.matches("docs/.github/workflows/x.yml"));
});

Deno.test("github: sh -c inside a step, assignments as environment, workflow/job/step env layered", () => {
  const text = [
    "env: {HOST: 127.0.0.1, PORT: '8080'}",
    "jobs:",
    "  demo:",
    "    env: {HOST: 0.0.0.0}",
    "    steps:",
    "      - id: serve",
    "        env: {PORT: '7860'}",
    '        run: docker run -d app sh -c "GRADIO_SERVER_NAME=$HOST python app.py"',
    "      - run: GRADIO_SERVER_NAME=0.0.0.0 python app.py",
  ].join("\n");
  assert.deepEqual(launchLines(parseGithubWorkflow(text, ".github/workflows/demo.yml")), [
    // docker run's own argv is what the step runs; the container's command is docker's business.
    "demo.yml demo/serve .github/workflows/demo.yml:8: docker run -d app sh -c " +
    "⟨GRADIO_SERVER_NAME=$HOST python app.py⟩ [HOST=0.0.0.0, PORT=7860]",
    "demo.yml demo/#2 .github/workflows/demo.yml:9: python app.py " +
    "[HOST=0.0.0.0, PORT=8080, GRADIO_SERVER_NAME=0.0.0.0]",
  ]);
});

Deno.test("gitlab: defaults, templates a job extends, nested lists, variables", async () => {
  const found = await gitlabCiReader.read(".gitlab-ci.yml", { root: ROOT, env: {} });
  assert.deepEqual(found.problems, []);
  assert.deepEqual(launchLines(found), [
    ".gitlab-ci.yml .serve-template/before_script .gitlab-ci.yml:8: pip install -r requirements.txt [PIP_INDEX_URL]",
    ".gitlab-ci.yml .serve-template/script .gitlab-ci.yml:12: mlflow ui --host 0.0.0.0 --port 5000 [PIP_INDEX_URL]",
    ".gitlab-ci.yml train/before_script .gitlab-ci.yml:8: pip install -r requirements.txt [PIP_INDEX_URL, WANDB_API_KEY]",
    ".gitlab-ci.yml train/script .gitlab-ci.yml:19: python train.py --epochs 3 [PIP_INDEX_URL, WANDB_API_KEY]",
    ".gitlab-ci.yml train/script .gitlab-ci.yml:20: echo nested [PIP_INDEX_URL, WANDB_API_KEY]",
    ".gitlab-ci.yml train/script .gitlab-ci.yml:21: echo lists [PIP_INDEX_URL, WANDB_API_KEY]",
    ".gitlab-ci.yml serve/before_script .gitlab-ci.yml:8: pip install -r requirements.txt [PIP_INDEX_URL]",
    // serve extends the template: its script, in serve's own image.
    ".gitlab-ci.yml serve/script .gitlab-ci.yml:12: mlflow ui --host 0.0.0.0 --port 5000 [PIP_INDEX_URL]",
  ]);
  assert.deepEqual(found.launches!.map((l) => l.image), [
    ...Array(6).fill("python:3.12"),
    "ghcr.io/mlflow/mlflow:v2.14.1",
    "ghcr.io/mlflow/mlflow:v2.14.1",
  ]);
  assert.deepEqual(secretLines(found), ["url-credentials PIP_INDEX_URL @.gitlab-ci.yml:4"]);
  assert.ok(!JSON.stringify(found).includes("s3cr3t"));
});

Deno.test("property: mutated workflows never throw; bombs cost a bounded amount of work", async () => {
  const samples = await Promise.all([
    [GITHUB, (t: string) => parseGithubWorkflow(t, GITHUB)] as const,
    [".gitlab-ci.yml", (t: string) => parseGitlabCi(t, ".gitlab-ci.yml")] as const,
  ].map(async ([file, parse]) => {
    const text = await Deno.readTextFile(ROOT + file);
    return {
      text,
      parse: (t: string) => {
        const found = parse(t);
        assertInfraWithinFile(found, t, file);
        return found;
      },
    };
  }));
  checkMutatedFiles(samples, { maxEdits: 6, numRuns: 150 });
  for (
    const bomb of [
      aliasBomb(12) + "jobs:\n  x:\n    steps: *a12\n",
      mergeBomb(12) + "jobs: *m12\n",
      mergeBomb(12) + "job:\n  <<: *m12\n  script: [echo]\n",
    ]
  ) {
    const started = performance.now();
    assertInfraWithinFile(parseGithubWorkflow(bomb, GITHUB), bomb, GITHUB);
    assertInfraWithinFile(parseGitlabCi(bomb, ".gitlab-ci.yml"), bomb, ".gitlab-ci.yml");
    assert.ok(performance.now() - started < 5_000, "bounded");
  }
});
