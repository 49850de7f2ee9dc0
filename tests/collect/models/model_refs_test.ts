import assert from "node:assert/strict";
import fc from "fast-check";
import { findModelReferences } from "../../../collect/models/model_refs.ts";
import { ModelReference, Problem } from "../../../core/snapshot.ts";

const SHA = "3f5a8c2e9d1b4a7c6e0f2d8b1a9c7e5f3d2b1a0c";

function scan(text: string, file = "train.py") {
  const result = findModelReferences(text, { file });
  for (const model of result.models) ModelReference.parse(model);
  for (const problem of result.problems) Problem.parse(problem);
  // Loader calls are tested in tests/loader_calls_test.ts; these tests are about models.
  assert.deepEqual(result.loaderCalls, []);
  return { models: result.models, problems: result.problems };
}

const TRAINING_SCRIPT = `"""Fine-tune a causal LM.

Usage: the model is loaded with AutoModelForCausalLM.from_pretrained("evil/in-docstring").
"""
import torch
import transformers
from transformers import AutoModelForCausalLM, pipeline

BASE_MODEL: str = "mistralai/Mistral-7B-v0.1"
BASE_REVISION = "${SHA}"
EMBEDDER = ("sentence-transformers/"
            "all-MiniLM-L6-v2")


def train(args):
    # tokenizer = AutoTokenizer.from_pretrained("evil/in-comment")
    tokenizer = transformers.AutoTokenizer.from_pretrained(BASE_MODEL, revision="main")
    model = AutoModelForCausalLM.from_pretrained(
        BASE_MODEL,  # the base weights
        revision=BASE_REVISION,
        trust_remote_code=True,  # custom attention
        torch_dtype=torch.bfloat16,
        device_map={"": 0},
    )
    judge = pipeline(
        "text-classification",
        model="OpenAssistant/reward-model-deberta-v3-large-v2",
        revision=args.revision,
    )
    embed = SentenceTransformer(EMBEDDER, trust_remote_code=args.trust)
    return tokenizer, model, judge, embed
`;

Deno.test("findModelReferences reads a training script with calls over several lines", () => {
  assert.deepEqual(scan(TRAINING_SCRIPT), {
    models: [
      {
        hub: "huggingface",
        repoId: "mistralai/Mistral-7B-v0.1",
        publisher: "mistralai",
        revision: "main",
        loader: "transformers.AutoTokenizer.from_pretrained",
        location: { file: "train.py", line: 17, column: 17 },
      },
      {
        hub: "huggingface",
        repoId: "mistralai/Mistral-7B-v0.1",
        publisher: "mistralai",
        revision: SHA,
        trustRemoteCode: true,
        loader: "AutoModelForCausalLM.from_pretrained",
        location: { file: "train.py", line: 18, column: 13 },
      },
      {
        hub: "huggingface",
        repoId: "OpenAssistant/reward-model-deberta-v3-large-v2",
        publisher: "OpenAssistant",
        revisionDynamic: true,
        loader: "pipeline",
        location: { file: "train.py", line: 25, column: 13 },
      },
      {
        hub: "huggingface",
        repoId: "sentence-transformers/all-MiniLM-L6-v2",
        publisher: "sentence-transformers",
        trustRemoteCode: "dynamic",
        loader: "SentenceTransformer",
        location: { file: "train.py", line: 30, column: 13 },
      },
    ],
    problems: [],
  });
});

Deno.test("findModelReferences never reports calls in comments, strings or definitions", () => {
  const source = [
    '"""AutoModel.from_pretrained("org/docstring")"""',
    "# AutoModel.from_pretrained('org/comment')",
    "HELP = 'call pipeline(model=\"org/help\") yourself'",
    "usage = f\"AutoModel.from_pretrained({name!r}) or hf_hub_download('org/x')\"",
    "class Loader:",
    "    def from_pretrained(cls, name='org/default'):",
    "        return cls(name)",
    "",
  ].join("\n");
  assert.deepEqual(scan(source), { models: [], problems: [] });
});

Deno.test("findModelReferences: dynamic ids are recorded unresolved; local paths are skipped", () => {
  const source = [
    "a = AutoModel.from_pretrained(args.model)",
    'b = AutoModel.from_pretrained(f"org/{size}")',
    'c = AutoModel.from_pretrained("./checkpoints/best")',
    'd = AutoModel.from_pretrained("/mnt/models/llama")',
    'e = AutoModel.from_pretrained("~/models/x")',
    'f = AutoModel.from_pretrained("C:\\\\models\\\\x")',
    'g = AutoModel.from_pretrained("outputs")',
    'h = AutoModel.from_pretrained("runs/exp1/final")',
    'i = AutoModel.from_pretrained("model.safetensors")',
    'j = AutoModel.from_pretrained("s3://bucket/model")',
    "k = AutoModel.from_pretrained(*paths)",
    'l = AutoModel.from_pretrained(b"org/bytes")',
    'm = AutoModel.from_pretrained("bert-base-uncased")',
    "",
  ].join("\n");
  assert.deepEqual(scan(source).models.map((m) => [m.location.line, m.repoId, m.unresolved]), [
    [1, "?", "args.model"],
    [2, "?", 'f"org/{size}"'],
    [12, "?", 'b"org/bytes"'],
    [13, "bert-base-uncased", undefined],
  ]);
});

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

Deno.test("findModelReferences records revision and trust_remote_code as written", () => {
  const source = [
    `AutoModel.from_pretrained("org/a", revision="${SHA}", trust_remote_code=False)`,
    'AutoModel.from_pretrained("org/b", revision="v2.0", trust_remote_code=flag)',
    'AutoModel.from_pretrained("org/c", revision=f"{tag}", **extra)',
    'AutoModel.from_pretrained("org/d", **extra)',
    'AutoModel.from_pretrained("org/e", trust_remote_code=None)',
    "",
  ].join("\n");
  const models = scan(source).models.map((m) => ({
    repoId: m.repoId,
    revision: m.revision,
    revisionDynamic: m.revisionDynamic,
    trustRemoteCode: m.trustRemoteCode,
  }));
  assert.deepEqual(models, [
    { repoId: "org/a", revision: SHA, revisionDynamic: undefined, trustRemoteCode: false },
    { repoId: "org/b", revision: "v2.0", revisionDynamic: undefined, trustRemoteCode: "dynamic" },
    { repoId: "org/c", revision: undefined, revisionDynamic: true, trustRemoteCode: "dynamic" },
    { repoId: "org/d", revision: undefined, revisionDynamic: true, trustRemoteCode: "dynamic" },
    {
      repoId: "org/e",
      revision: undefined,
      revisionDynamic: undefined,
      trustRemoteCode: undefined,
    },
  ]);
});

Deno.test("findModelReferences reads hub downloads, PyTorch Hub and timm", () => {
  const source = [
    "from huggingface_hub import hf_hub_download, snapshot_download",
    'weights = hf_hub_download("TheBloke/Llama-2-7B-GGUF", "llama-2-7b.Q4_K_M.gguf")',
    'data = hf_hub_download(repo_id="org/corpus", filename="train.csv", repo_type="dataset")',
    'local = snapshot_download(repo_id="stabilityai/sdxl-turbo", revision="fp16")',
    'resnet = torch.hub.load("pytorch/vision:v0.10.0", "resnet18", pretrained=True)',
    'yolo = torch.hub.load("ultralytics/yolov5", "yolov5s")',
    'mine = torch.hub.load("./hubconf_dir", "net", source="local")',
    'use = hub.load("https://tfhub.dev/google/universal-sentence-encoder/4")',
    'vit = timm.create_model("hf-hub:timm/vit_base_patch16_224.augreg_in21k", pretrained=True)',
    'cnn = timm.create_model("resnet50", pretrained=True)',
    "",
  ].join("\n");
  assert.deepEqual(scan(source, "src/load.py").models, [
    {
      hub: "huggingface",
      repoId: "TheBloke/Llama-2-7B-GGUF",
      publisher: "TheBloke",
      loader: "hf_hub_download",
      location: { file: "src/load.py", line: 2, column: 11 },
    },
    {
      hub: "huggingface",
      repoId: "stabilityai/sdxl-turbo",
      publisher: "stabilityai",
      revision: "fp16",
      loader: "snapshot_download",
      location: { file: "src/load.py", line: 4, column: 9 },
    },
    {
      hub: "torch-hub",
      repoId: "pytorch/vision",
      publisher: "pytorch",
      revision: "v0.10.0",
      loader: "torch.hub.load",
      location: { file: "src/load.py", line: 5, column: 10 },
    },
    {
      hub: "torch-hub",
      repoId: "ultralytics/yolov5",
      publisher: "ultralytics",
      loader: "torch.hub.load",
      location: { file: "src/load.py", line: 6, column: 8 },
    },
    {
      hub: "huggingface",
      repoId: "timm/vit_base_patch16_224.augreg_in21k",
      publisher: "timm",
      loader: "timm.create_model",
      location: { file: "src/load.py", line: 9, column: 7 },
    },
  ]);
});

Deno.test("findModelReferences reads pipeline positional models and PEFT adapters", () => {
  const source = [
    'clf = pipeline("sentiment-analysis", "distilbert-base-uncased-finetuned-sst-2-english")',
    'default = pipeline("summarization")',
    'tuned = PeftModel.from_pretrained(base, "org/lora-adapter", revision="v1")',
    "",
  ].join("\n");
  assert.deepEqual(scan(source).models.map((m) => [m.loader, m.repoId, m.revision]), [
    ["pipeline", "distilbert-base-uncased-finetuned-sst-2-english", undefined],
    ["PeftModel.from_pretrained", "org/lora-adapter", "v1"],
  ]);
});

Deno.test("findModelReferences reports an unclosed string and the token limit as problems", () => {
  const broken = 'MODEL = "org/a\nAutoModel.from_pretrained("org/b")\n';
  assert.deepEqual(scan(broken), {
    models: [{
      hub: "huggingface",
      repoId: "org/b",
      publisher: "org",
      loader: "AutoModel.from_pretrained",
      location: { file: "train.py", line: 2, column: 1 },
    }],
    problems: [{
      file: "train.py",
      line: 1,
      message: "string literal is not closed; model references after it may be missed or misread",
    }],
  });
  const long = 'AutoModel.from_pretrained("org/a")\nAutoModel.from_pretrained("org/b")\n';
  const limited = findModelReferences(long, { file: "big.py", maxTokens: 9 });
  assert.deepEqual(limited.models.map((m) => m.repoId), ["org/a"]);
  assert.deepEqual(limited.problems, [{
    file: "big.py",
    line: 2,
    message:
      "stopped reading after 9 tokens at line 2; model references later in the file were not collected",
  }]);
});

const FRAGMENTS = fc.constantFrom(
  'AutoModel.from_pretrained("org/name", revision="v1")',
  'torch.hub.load("owner/repo:v1", "net")',
  "pipeline('task', model=MODEL)",
  "AutoModel.from_pretrained(",
  "pipeline(",
  "torch.hub.load(",
  "hf_hub_download(",
  '"org/name"',
  "'gpt2'",
  '"owner/repo:v1"',
  "MODEL",
  'MODEL = "org/const"',
  "revision=",
  "trust_remote_code=",
  "True",
  "**kw",
  ",",
  ")",
  "(",
  "\n",
  "\r\n",
  "#",
  '"""',
  "'",
  " ",
  "\\\n",
  "f'{x}'",
  "é",
);
const SOURCES = fc.oneof(
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.array(FRAGMENTS, { maxLength: 40 }).map((parts) => parts.join("")),
);

Deno.test("property: findModelReferences never throws and locations lie inside the file", () => {
  fc.assert(
    fc.property(SOURCES, (text) => {
      const { models, problems } = findModelReferences(text, { file: "x.py" });
      const lines = text.split(/\r\n|\r|\n/);
      for (const model of models) {
        ModelReference.parse(model);
        const { line, column } = model.location;
        assert.ok(line !== undefined && line >= 1 && line <= lines.length);
        assert.ok(column !== undefined && column >= 1 && column <= lines[line - 1].length);
      }
      for (const problem of problems) Problem.parse(problem);
    }),
    { numRuns: 500 },
  );
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
