import assert from "node:assert/strict";
import { findModelReferences } from "../../../collect/models/model_refs.ts";
import { checks } from "../../../checks/mod.ts";
import { runCheck, snapshotOf } from "../../../testing.ts";

const SOURCE = [
  "import pickle, joblib, torch",
  "import numpy as np",
  "import pandas as pd",
  "from tensorflow import keras",
  'state = torch.load("model.pt")',
  'state = torch.load("model.pt", weights_only=True)',
  'state = torch.load("model.pt", weights_only=False)',
  'clf = pickle.load(open("clf.pkl", "rb"))',
  "clf = joblib.load(path)",
  'arr = np.load("a.npy", allow_pickle=True)',
  'arr = np.load("a.npy")',
  'df = pd.read_pickle("df.pkl")',
  'm = keras.models.load_model("m.keras", safe_mode=False)',
  "# torch.load(x) in a comment is not a call",
  'doc = "pickle.loads(data)"',
  "",
].join("\n");

Deno.test("loader calls are recorded with the options that matter, from code only", () => {
  const { loaderCalls } = findModelReferences(SOURCE, { file: "serve.py" });
  assert.deepEqual(
    loaderCalls.map((c) => [c.location.line, c.call, c.written ?? null, c.options]),
    [
      [5, "torch.load", null, {}],
      [6, "torch.load", null, { weights_only: true }],
      [7, "torch.load", null, { weights_only: false }],
      [8, "pickle.load", null, {}],
      [9, "joblib.load", null, {}],
      [10, "numpy.load", "np.load", { allow_pickle: true }],
      [11, "numpy.load", "np.load", {}],
      [12, "pandas.read_pickle", "pd.read_pickle", {}],
      [13, "keras.models.load_model", null, { safe_mode: false }],
    ],
  );
});

Deno.test("artifact.safe-loaders: unsafe loads are errors, torch.load without the flag a warning", async () => {
  const { loaderCalls } = findModelReferences(SOURCE, { file: "serve.py" });
  const findings = await runCheck(checks.artifact.safeLoaders(), snapshotOf({ loaderCalls }));
  assert.deepEqual(findings.map((f) => [f.location?.line, f.severity, f.subject]), [
    [5, "warning", "call:torch.load"],
    [7, "error", "call:torch.load"],
    [8, "error", "call:pickle.load"],
    [9, "error", "call:joblib.load"],
    [10, "error", "call:numpy.load"],
    [12, "error", "call:pandas.read_pickle"],
    [13, "error", "call:keras.models.load_model"],
  ]);
  const allowed = await runCheck(
    checks.artifact.safeLoaders({ allowCalls: ["joblib.load"] }),
    snapshotOf({ loaderCalls }),
  );
  assert.ok(!allowed.some((f) => f.subject === "call:joblib.load"));
});

Deno.test("use_safetensors is recorded on hub loads", () => {
  const { models } = findModelReferences(
    [
      'AutoModel.from_pretrained("org/a", use_safetensors=True)',
      'AutoModel.from_pretrained("org/b", use_safetensors=False)',
      'AutoModel.from_pretrained("org/c", use_safetensors=flag)',
      'AutoModel.from_pretrained("org/d")',
      "",
    ].join("\n"),
    { file: "m.py" },
  );
  assert.deepEqual(models.map((m) => [m.repoId, m.useSafetensors]), [
    ["org/a", true],
    ["org/b", false],
    ["org/c", "dynamic"],
    ["org/d", undefined],
  ]);
});
