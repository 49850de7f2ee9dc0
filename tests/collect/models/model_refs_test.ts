import assert from "node:assert/strict";
import fc from "fast-check";
import { findModelReferences } from "../../../collect/models/model_refs.ts";
import { ModelReference, Problem } from "../../../core/snapshot.ts";
import { scan, SHA } from "./_model_refs.ts";

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
