import assert from "node:assert/strict";
import { scan, SHA } from "./_model_refs.ts";

Deno.test("findModelReferences resolves module-level constants, and every value of a reassigned one", () => {
  const source = [
    'ORG_MODEL = "org/resolved"',
    'REASSIGNED = "org/first"',
    'REASSIGNED = "org/second"',
    'SHADOWED = "org/global"',
    "if DEBUG:",
    '    CONDITIONAL = "org/debug"',
    "for LOOPED in []: pass",
    'LOOPED = "org/looped"',
    "",
    "def load(SHADOWED=None):",
    "    AutoModel.from_pretrained(ORG_MODEL)",
    "    AutoModel.from_pretrained(REASSIGNED)",
    "    AutoModel.from_pretrained(SHADOWED)",
    "    AutoModel.from_pretrained(CONDITIONAL)",
    "    AutoModel.from_pretrained(LOOPED)",
    "    AutoModel.from_pretrained(pretrained_model_name_or_path=ORG_MODEL, revision=None)",
    "",
  ].join("\n");
  // Names bound otherwise than by plain module-level assignments stay unresolved, never guessed;
  // a name reassigned only by plain assignments may hold each value: each is recorded.
  assert.deepEqual(scan(source).models.map((m) => [m.repoId, m.location.line, m.unresolved]), [
    ["org/resolved", 11, undefined],
    ["org/first", 12, undefined],
    ["org/second", 12, undefined],
    ["?", 13, "SHADOWED"],
    ["?", 14, "CONDITIONAL"],
    ["?", 15, "LOOPED"],
    ["org/resolved", 16, undefined],
  ]);
});

Deno.test("findModelReferences resolves constants of the enclosing function, never shadowed ones", () => {
  const source = [
    'MODEL = "org/module"',
    "",
    "def load():",
    '    name = "org/local"',
    "    AutoModel.from_pretrained(name)",
    "    AutoModel.from_pretrained(MODEL)",
    "",
    "def other(name):",
    "    AutoModel.from_pretrained(name)",
    "",
    "def twice():",
    '    m = "org/a"',
    '    m = "org/b"',
    "    AutoModel.from_pretrained(m)",
    "",
    "async def shadow():",
    '    MODEL = "org/shadowed"',
    "    AutoModel.from_pretrained(MODEL)",
    "",
  ].join("\n");
  assert.deepEqual(scan(source).models.map((m) => [m.location.line, m.repoId, m.unresolved]), [
    [5, "org/local", undefined],
    [6, "?", "MODEL"],
    [9, "?", "name"],
    [14, "org/a", undefined],
    [14, "org/b", undefined],
    [18, "org/shadowed", undefined],
  ]);
});

Deno.test("ids the tokenizer used to miss: f-strings, dict configs, environment defaults", () => {
  const source = [
    "import os",
    'ORG = "meta-llama"',
    'CONFIG = {"model": "evil-org/llama", "revision": "' + SHA + '"}',
    'SETTINGS = dict(model_id="acme/clf")',
    "",
    'AutoModel.from_pretrained(f"{ORG}/Llama-3-8B")',
    'AutoModel.from_pretrained(f"evil-org/{size}-chat")',
    'AutoModel.from_pretrained(CONFIG["model"], revision=CONFIG["revision"])',
    'AutoModel.from_pretrained(CONFIG.get("model"))',
    'AutoModel.from_pretrained(SETTINGS["model_id"])',
    'AutoModel.from_pretrained(os.environ.get("MODEL_ID", "evil-org/default"))',
    'AutoModel.from_pretrained(os.getenv("MODEL_ID", "org/" + "concat"))',
    'AutoModel.from_pretrained(os.environ["MODEL_ID"])',
    "",
  ].join("\n");
  const found = scan(source).models.map((m) => [
    m.location.line,
    m.repoId,
    m.publisher,
    m.revision,
    m.unresolved,
    m.overridable,
  ]);
  assert.deepEqual(found, [
    [6, "meta-llama/Llama-3-8B", "meta-llama", undefined, undefined, undefined],
    // Partly known at run time: the publisher is what is known, and it is recorded.
    [7, "?", "evil-org", undefined, 'f"evil-org/{size}-chat"', undefined],
    [8, "evil-org/llama", "evil-org", SHA, undefined, undefined],
    [9, "evil-org/llama", "evil-org", undefined, undefined, undefined],
    [10, "acme/clf", "acme", undefined, undefined, undefined],
    [11, "evil-org/default", "evil-org", undefined, undefined, "MODEL_ID"],
    [12, "org/concat", "org", undefined, undefined, "MODEL_ID"],
    [13, "?", undefined, undefined, 'os.environ["MODEL_ID"]', undefined],
  ]);
});

Deno.test("aliased loaders are followed to what they import", () => {
  const source = [
    "from transformers import pipeline as make, AutoModel as AM",
    "from huggingface_hub import hf_hub_download as dl",
    "from torch.hub import load",
    "import torch.hub as th",
    "from mylib import load as my_load",
    "",
    'make("text-generation", model="evil-org/gpt")',
    'AM.from_pretrained("evil-org/bert")',
    'dl("evil-org/weights", "model.bin")',
    'load("evil-org/repo", "resnet")',
    'th.load("evil-org/other:v1", "resnet")',
    'my_load("not/a-model")',
    "",
  ].join("\n");
  assert.deepEqual(scan(source).models.map((m) => [m.location.line, m.hub, m.repoId, m.loader]), [
    [7, "huggingface", "evil-org/gpt", "make"],
    [8, "huggingface", "evil-org/bert", "AM.from_pretrained"],
    [9, "huggingface", "evil-org/weights", "dl"],
    [10, "torch-hub", "evil-org/repo", "load"],
    [11, "torch-hub", "evil-org/other", "th.load"],
  ]);
});

Deno.test("remote code through **kwargs, a module constant, or diffusers custom_pipeline", () => {
  const source = [
    "TRUST = True",
    'KWARGS = {"trust_remote_code": True, "revision": "main"}',
    "",
    'AutoModel.from_pretrained("org/a", trust_remote_code=TRUST)',
    'AutoModel.from_pretrained("org/b", **KWARGS)',
    'AutoModel.from_pretrained("org/c", **{"trust_remote_code": True})',
    'AutoModel.from_pretrained("org/d", **unknown)',
    'DiffusionPipeline.from_pretrained("org/e", custom_pipeline="evil-org/pipe")',
    'DiffusionPipeline.from_pretrained("org/f", custom_pipeline="./pipelines/mine.py")',
    'DiffusionPipeline.from_pretrained("org/g", custom_pipeline=choice)',
    "",
  ].join("\n");
  assert.deepEqual(
    scan(source).models.map((m) => [m.repoId, m.trustRemoteCode, m.customPipeline, m.revision]),
    [
      ["org/a", true, undefined, undefined],
      ["org/b", true, undefined, "main"],
      ["org/c", true, undefined, undefined],
      ["org/d", "dynamic", undefined, undefined],
      ["org/e", true, "evil-org/pipe", undefined],
      ["org/f", undefined, undefined, undefined],
      ["org/g", "dynamic", undefined, undefined],
    ],
  );
});
