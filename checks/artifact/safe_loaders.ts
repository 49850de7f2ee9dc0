/**
 * `artifact.safe-loaders`: code loads model files only in ways that cannot run code.
 *
 * @module
 */
import { z } from "zod";
import { defineCheck, type FindingDraft } from "../../core/check.ts";
import type { LoaderCall } from "../../core/snapshot.ts";
import { OWASP_ML06 } from "../_shared.ts";

/** Calls that always unpickle what they read. */
const ALWAYS_PICKLE = new Set([
  "pickle.load",
  "pickle.loads",
  "dill.load",
  "dill.loads",
  "cloudpickle.load",
  "cloudpickle.loads",
  "joblib.load",
  "pandas.read_pickle",
]);

/**
 * `artifact.safe-loaders`: no `torch.load` without `weights_only=True`, no `pickle.load(s)`,
 * `joblib.load` or `pandas.read_pickle`, no `np.load(…, allow_pickle=True)`, no Keras
 * `load_model(…, safe_mode=False)`.
 *
 * @example
 * ```ts
 * import { safeLoaders } from "./safe_loaders.ts";
 * safeLoaders({ allowCalls: ["joblib.load"] });
 * ```
 */
export const safeLoaders = defineCheck({
  id: "artifact.safe-loaders",
  title: "Code loads model files safely",
  description: "The loader decides whether a model file can run code: torch.load without " +
    "weights_only=True, pickle.load(s), joblib.load, pandas.read_pickle, np.load with " +
    "allow_pickle=True and Keras load_model with safe_mode=False all execute whatever the file's " +
    "pickle imports. A file that is safe today is replaced tomorrow; the loader is the control.",
  family: "artifact",
  severity: "error",
  references: [OWASP_ML06, {
    title: "PyTorch: torch.load weights_only",
    url: "https://pytorch.org/docs/stable/generated/torch.load.html",
  }],
  params: z.object({
    allowCalls: z.array(z.string().min(1)).default([])
      .describe("Canonical calls to accept (e.g. joblib.load for files you build yourself)"),
  }).strict(),
  needs: ["models"],
  remedy: "Load weights with safetensors, or torch.load(..., weights_only=True); never unpickle " +
    "files that come from outside.",
  run(snapshot, params) {
    const allowed = new Set(params.allowCalls);
    const findings: FindingDraft[] = [];
    for (const call of snapshot.loaderCalls) {
      if (allowed.has(call.call)) continue;
      const verdict = judge(call);
      if (!verdict) continue;
      findings.push({
        subject: `call:${call.call}`,
        location: call.location,
        severity: verdict.severity,
        message: `${call.written ?? call.call}(…) ${verdict.what}.`,
        evidence: { call: call.call, options: call.options },
        fix: verdict.fix,
      });
    }
    return findings;
  },
});

function judge(
  call: LoaderCall,
): { severity: "error" | "warning"; what: string; fix: string } | undefined {
  const option = (name: string) => call.options[name];
  if (call.call === "torch.load") {
    const weightsOnly = option("weights_only");
    if (weightsOnly === true) return undefined;
    return {
      severity: weightsOnly === false ? "error" : "warning",
      what: weightsOnly === false
        ? "is called with weights_only=False: the file's pickle runs with full privileges"
        : weightsOnly === "dynamic"
        ? "is called with weights_only computed at run time"
        : "is called without weights_only=True, so safety depends on the torch version " +
          "(only torch 2.6 and later default to True)",
      fix: "Pass weights_only=True (or load safetensors with safetensors.torch.load_file).",
    };
  }
  if (call.call === "numpy.load") {
    const allow = option("allow_pickle");
    if (allow === undefined || allow === false) return undefined;
    return {
      severity: allow === true ? "error" : "warning",
      what: allow === true
        ? "is called with allow_pickle=True, which unpickles object arrays"
        : "is called with allow_pickle computed at run time",
      fix: "Drop allow_pickle=True; store object data in a format that is not pickle.",
    };
  }
  if (call.call === "keras.models.load_model") {
    const safe = option("safe_mode");
    if (safe === undefined || safe === true) return undefined;
    return {
      severity: safe === false ? "error" : "warning",
      what: safe === false
        ? "is called with safe_mode=False, which lets Lambda layers run arbitrary code"
        : "is called with safe_mode computed at run time",
      fix: "Keep safe_mode=True (the default) and replace Lambda layers with registered layers.",
    };
  }
  if (ALWAYS_PICKLE.has(call.call)) {
    return {
      severity: "error",
      what: "unpickles its input: a crafted file runs code",
      fix: `Replace ${call.call} with a data-only format (safetensors, JSON, parquet); if the ` +
        "files are built and signed by your own pipeline, allow the call in " +
        "artifact.safe-loaders.allowCalls.",
    };
  }
  return undefined;
}
