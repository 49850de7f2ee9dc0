import assert from "node:assert/strict";
import fc from "fast-check";
import { parseModelConfig } from "../../../collect/models/model_config.ts";
import { findModelReferences } from "../../../collect/models/model_refs.ts";
import { collect } from "../../../collect/mod.ts";
import { project } from "../../_cli.ts";

Deno.test("model references in YAML, JSON and TOML configuration, with lines and siblings", () => {
  const yaml = parseModelConfig(
    [
      "model:",
      "  model_name_or_path: meta-llama/Llama-3-8B",
      "  revision: main",
      "  trust_remote_code: true",
      "data:",
      "  path: ./data/train.jsonl",
      "eval:",
      "  - model_id: ./checkpoints/best",
      "  - model_id: sentence-transformers/all-MiniLM-L6-v2",
    ].join("\n"),
    { file: "configs/train.yaml" },
  );
  assert.deepEqual(
    yaml.models.map((
      m,
    ) => [m.repoId, m.revision ?? null, m.trustRemoteCode ?? null, m.loader, m.location.line]),
    [
      ["meta-llama/Llama-3-8B", "main", true, "config:model_name_or_path", 2],
      ["sentence-transformers/all-MiniLM-L6-v2", null, null, "config:model_id", 9],
    ],
  );
  const json = parseModelConfig(
    '{\n  "base_model": "mistralai/Mistral-7B-v0.1",\n  "lora_r": 16\n}\n',
    { file: "adapter_config.json" },
  );
  assert.deepEqual(json.models.map((m) => [m.repoId, m.publisher, m.location.line]), [[
    "mistralai/Mistral-7B-v0.1",
    "mistralai",
    2,
  ]]);
  const toml = parseModelConfig(
    '[serve]\nmodel_id = "Qwen/Qwen2-7B"\nmodel_revision = "' + "a".repeat(40) + '"\n',
    { file: "serve.toml" },
  );
  assert.deepEqual(toml.models.map((m) => [m.repoId, m.revision, m.location.line]), [[
    "Qwen/Qwen2-7B",
    "a".repeat(40),
    2,
  ]]);
  assert.deepEqual(parseModelConfig("not: [valid", { file: "x.yaml" }), {
    models: [],
    problems: [],
  });
});

Deno.test("vLLM and open_clip loaders are recognised in code", () => {
  const { models } = findModelReferences(
    [
      "from vllm import LLM",
      "import open_clip",
      'llm = LLM(model="meta-llama/Llama-3-8B-Instruct", trust_remote_code=True)',
      'm, _, p = open_clip.create_model_and_transforms("hf-hub:laion/CLIP-ViT-B-32-laion2B-s34B-b79K")',
    ].join("\n"),
    { file: "serve.py" },
  );
  assert.deepEqual(models.map((m) => [m.repoId, m.loader, m.trustRemoteCode ?? null]), [
    ["meta-llama/Llama-3-8B-Instruct", "LLM", true],
    ["laion/CLIP-ViT-B-32-laion2B-s34B-b79K", "open_clip.create_model_and_transforms", null],
  ]);
});

Deno.test("the collector reads config files for models, and skips large or binary data files", async () => {
  const root = await project({
    "configs/finetune.yaml": "base_model: faceb00k/opt-1.3b\n",
    "data/big.json": JSON.stringify({ model_id: "org/x", rows: "x".repeat(2 * 1024 * 1024) }),
    "data/notes.json": '{"name": "nothing here"}',
  });
  const snapshot = await collect({ root, env: {} });
  assert.deepEqual(snapshot.models.map((m) => [m.repoId, m.location.file]), [[
    "faceb00k/opt-1.3b",
    "configs/finetune.yaml",
  ]]);
  assert.deepEqual(snapshot.problems, []);
  assert.deepEqual(snapshot.inputs.map((i) => [i.file, i.format]), [[
    "configs/finetune.yaml",
    "model config",
  ]]);
});

Deno.test("property: configuration parsing never throws and lines stay inside the file", () => {
  fc.assert(
    fc.property(
      fc.string({ maxLength: 300 }),
      fc.constantFrom("c.yaml", "c.json", "c.toml"),
      (text, file) => {
        const lines = text.split("\n").length;
        const found = parseModelConfig("model_id: a/b\n" + text, { file });
        for (const m of found.models) assert.ok((m.location.line ?? 1) <= lines + 1);
      },
    ),
    { numRuns: 300 },
  );
});
