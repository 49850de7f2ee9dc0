// Which installers a project is written for, and the evidence: read from the files the collector
// read, never from this machine.
import assert from "node:assert/strict";
import { installersOf } from "../../../collect/config/installers.ts";
import { collect } from "../../../collect/mod.ts";
import { pkg } from "../../../testing.ts";
import { project } from "../../_cli.ts";

Deno.test("reader formats name their installer; a bare [project] or pylock.toml names none", () => {
  assert.deepEqual(
    installersOf({
      inputs: [
        { file: "requirements/base.txt", format: "requirements" },
        { file: "svc/uv.lock", format: "uv.lock" },
        { file: "uv.toml", format: "uv.toml" },
        { file: "lib/poetry.lock", format: "poetry.lock" },
        { file: "Pipfile", format: "Pipfile" },
        { file: "Pipfile.lock", format: "Pipfile.lock" },
        { file: "pdm.lock", format: "pdm.lock" },
        { file: "envs/gpu.conda-lock.yml", format: "conda-lock.yml" },
        { file: "pixi.lock", format: "pixi.lock" },
        { file: "pylock.toml", format: "pylock.toml" },
        { file: "pyproject.toml", format: "pyproject" },
        { file: "models/w.pt", format: "model file" },
      ],
      packages: [],
      pyprojects: [{ file: "pyproject.toml", text: '[project]\nname = "app"\n' }],
    }),
    [
      { tool: "conda", evidence: [{ file: "envs/gpu.conda-lock.yml" }, { file: "pixi.lock" }] },
      { tool: "pdm", evidence: [{ file: "pdm.lock" }] },
      { tool: "pip", evidence: [{ file: "requirements/base.txt" }] },
      { tool: "pipenv", evidence: [{ file: "Pipfile" }, { file: "Pipfile.lock" }] },
      { tool: "poetry", evidence: [{ file: "lib/poetry.lock" }] },
      { tool: "uv", evidence: [{ file: "svc/uv.lock" }, { file: "uv.toml" }] },
    ],
  );
  assert.deepEqual(
    installersOf({
      inputs: [{ file: "pylock.toml", format: "pylock.toml" }],
      packages: [],
      pyprojects: [],
    }),
    [],
  );
});

Deno.test("tool tables in pyproject.toml are evidence at their line; a conda pip: section is pip's", () => {
  const pyproject = [
    "[project]",
    'name = "app"',
    'description = "mentions [tool.uv] in a string"',
    "",
    "[tool.poetry.group.dev.dependencies]",
    'pytest = "^8"',
    "",
    "[[tool.uv.index]]",
    'url = "https://x.example/simple"',
    "",
    "[tool.ruff]",
    "line-length = 100",
    "",
  ].join("\n");
  assert.deepEqual(
    installersOf({
      inputs: [
        { file: "pyproject.toml", format: "pyproject" },
        { file: "environment.yml", format: "environment.yml" },
      ],
      packages: [
        pkg("numpy==1.26.4", { ecosystem: "conda", locations: [{ file: "environment.yml" }] }),
        pkg("torch==2.3.1", { locations: [{ file: "environment.yml", line: 9 }] }),
        pkg("rich==13.7.1", { locations: [{ file: "environment.yml", line: 10 }] }),
      ],
      pyprojects: [{ file: "pyproject.toml", text: pyproject }],
    }),
    [
      { tool: "conda", evidence: [{ file: "environment.yml" }] },
      { tool: "pip", evidence: [{ file: "environment.yml", line: 9 }] },
      { tool: "poetry", evidence: [{ file: "pyproject.toml", line: 5 }] },
      { tool: "uv", evidence: [{ file: "pyproject.toml", line: 8 }] },
    ],
  );
});

Deno.test("collect records the installers, with requirements pulled in by includes", async () => {
  const root = await project({
    "pyproject.toml": '[project]\nname = "app"\n\n[tool.uv]\ndev-dependencies = ["pytest"]\n',
    "uv.lock": 'version = 1\nrequires-python = ">=3.11"\n',
    "docker/requirements.txt": "-r ../constraints/base.in\n",
    "constraints/base.in": "numpy==1.26.4\n",
    "README.md": "# app\n",
  });
  try {
    const snapshot = await collect({ root, env: {} });
    assert.ok(snapshot.collected.includes("installers"));
    assert.deepEqual(snapshot.installers, [
      {
        tool: "pip",
        evidence: [{ file: "constraints/base.in" }, { file: "docker/requirements.txt" }],
      },
      { tool: "uv", evidence: [{ file: "pyproject.toml", line: 4 }, { file: "uv.lock" }] },
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
