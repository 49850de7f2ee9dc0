import { model, snapshotOf } from "../../../testing.ts";
import type { RegistryData } from "../../../core/snapshot.ts";

export const SHA = "0123456789abcdef0123456789abcdef01234567";

export const hub: RegistryData["hub"] = [
  {
    repoId: "acme/safe",
    revision: SHA,
    found: true,
    files: ["config.json", "model.safetensors", "pytorch_model.bin"],
  },
  {
    repoId: "acme/pickled",
    found: true,
    files: ["config.json", "pytorch_model.bin", "optimizer.pt"],
  },
  { repoId: "acme/gone", found: false },
  { repoId: "acme/banned", found: true, disabled: true, files: [] },
];

export const registry = (h = hub): RegistryData => ({
  pypi: [],
  advisories: [],
  hub: h,
  provenance: [],
});

export const snapshot = snapshotOf({
  models: [
    model("acme/safe", { revision: SHA }),
    model("acme/pickled"),
    model("acme/pickled", { location: { file: "serve.py", line: 3 } }),
    model("acme/gone"),
    model("acme/banned"),
    model("acme/not-fetched"),
  ],
  registry: registry(),
});
