// The infrastructure readers' YAML: lines, merge keys and aliases as YAML defines them, and the
// bounds that keep hostile files cheap; then random text through every reader.
import assert from "node:assert/strict";
import { readYaml, YAML_LIMITS } from "../../../collect/infra/_yaml.ts";
import { parseCompose } from "../../../collect/infra/compose.ts";
import { parseKubernetes } from "../../../collect/infra/kubernetes.ts";
import { parseHelmValues } from "../../../collect/infra/helm.ts";
import { parseGithubWorkflow } from "../../../collect/infra/github_workflows.ts";
import { parseGitlabCi } from "../../../collect/infra/gitlab_ci.ts";
import { checkRandomTexts } from "../../_property.ts";
import { assertInfraWithinFile, mergeBomb } from "./_infra.ts";

Deno.test("yaml: merge keys (own keys first, earlier sources win) and aliases to the last anchor before", () => {
  const yaml = readYaml(
    [
      "base: &base {image: python:3.11, port: 80}",
      "extra: &extra {port: 8080, user: app}",
      "svc:",
      "  <<: [*base, *extra]",
      "  image: python:3.12",
      "a: &x first",
      "b: *x",
      "c: &x second",
      "d: *x",
    ].join("\n"),
    "f.yml",
  );
  const [doc] = yaml.documents;
  const svc = yaml.get(doc, "svc");
  assert.deepEqual(
    yaml.entries(svc).map((e) => `${e.key}=${yaml.text(e.value)}@${yaml.line(e.value)}`),
    [
      "image=python:3.12@5",
      "port=80@1",
      "user=app@2",
    ],
  );
  assert.equal(yaml.text(yaml.get(doc, "b")), "first");
  assert.equal(yaml.text(yaml.get(doc, "d")), "second");
  assert.equal(yaml.text(yaml.get(doc, "missing")), undefined);
  assert.ok(yaml.isBlockLiteral(yaml.get(readYaml("run: |\n  a\n", "f").documents[0], "run")));
});

Deno.test("yaml: every syntax error is a problem at a line of the file", () => {
  const text = "a: [1\n---\nb: {c\n---\n\tkey: tab\n";
  const yaml = readYaml(text, "f.yml");
  assert.ok(yaml.problems.length >= 2);
  for (const problem of yaml.problems) {
    assert.match(problem.message, /^invalid YAML: /);
    assert.ok(problem.line! >= 1 && problem.line! <= 5, JSON.stringify(problem));
  }
  // An unknown alias is no value, and no crash.
  assert.equal(readYaml("a: *nowhere\n", "f.yml").documents.length, 1);
});

Deno.test("yaml: documents, visits and nesting are bounded", () => {
  const many = readYaml("a: 1\n---\n".repeat(YAML_LIMITS.documents + 10), "many.yml");
  assert.equal(many.documents.length, YAML_LIMITS.documents);
  assert.match(many.problems.at(-1)!.message, /^more than 5000 YAML documents/);
  const deep = readYaml("[".repeat(20_000) + "]".repeat(20_000), "deep.yml");
  assert.ok(deep.problems.length > 0);
  // Merges followed for every lookup: the visit budget stops a bomb and says where.
  const bomb = readYaml(mergeBomb(12) + "x: *m12\n", "bomb.yml");
  assert.deepEqual(bomb.entries(bomb.get(bomb.documents[0], "x")).length > 0, true);
  assert.ok(bomb.exhausted());
  assert.equal(bomb.problems.length, 1);
  assert.ok(bomb.problems[0].line! >= 1 && bomb.problems[0].line! <= 14);
});

Deno.test("property: random YAML-ish text never makes an infrastructure reader throw", () => {
  const readers = [
    (t: string) => parseCompose(t, { file: "compose.yaml" }),
    (t: string) => parseKubernetes(t, "k8s.yaml"),
    (t: string) => parseHelmValues(t, { file: "values.yaml", chart: "c" }),
    (t: string) => parseGithubWorkflow(t, ".github/workflows/ci.yml"),
    (t: string) => parseGitlabCi(t, ".gitlab-ci.yml"),
  ];
  const files = [
    "compose.yaml",
    "k8s.yaml",
    "values.yaml",
    ".github/workflows/ci.yml",
    ".gitlab-ci.yml",
  ];
  checkRandomTexts(
    readers.map((read, i) => (text: string) => {
      const found = read(text);
      assertInfraWithinFile(found, text, files[i]);
      return { problems: found.problems };
    }),
    {
      pieces: [
        "apiVersion: v1\n",
        "kind: Pod\n",
        "kind: Service\n",
        "kind: Ingress\n",
        "services:\n",
        "  web:\n",
        "    command: ",
        "sh -c 'a && b'\n",
        '[x, "y"]\n',
        "  - ",
        "&a ",
        "*a\n",
        "<<: *a\n",
        "---\n",
        "jobs:\n",
        "  steps:\n",
        "    - run: |\n",
        "        echo $X\n",
        "ports: ['127.0.0.1:80:80']\n",
        "spec:\n",
        "  containers:\n",
        "    - name: c\n",
        '      args: ["$(X)"]\n',
        "script: [a]\n",
        "{",
        "}",
        '"',
        "'",
        ": ",
        "\n",
        "  ",
        "type: LoadBalancer\n",
        "ingress: {enabled: true}\n",
        "env: {HF_TOKEN: hf_x}\n",
      ],
      maxLength: 300,
      maxPieces: 40,
      numRuns: 300,
    },
  );
});
