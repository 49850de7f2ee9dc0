/**
 * `artifact.safe-format`: model files use a format that cannot run code.
 *
 * @module
 */
import { z } from "zod";
import { defineCheck } from "../../core/check.ts";
import { globToRegExp } from "../../core/glob.ts";
import type { Artifact } from "../../core/snapshot.ts";
import { OWASP_ML06 } from "../_shared.ts";

export { DANGEROUS_PICKLE_GLOBALS, SAFE_PICKLE_GLOBALS } from "./_pickle_imports.ts";
const PICKLED = new Set(["pickle", "pytorch-zip", "pytorch-legacy", "joblib", "npy-pickle"]);

/**
 * `artifact.safe-format`: model files are in a format that cannot run code (safetensors, ONNX,
 * GGUF, plain NumPy arrays) rather than a pickle-based one.
 *
 * @example
 * ```ts
 * import { safeFormat } from "./safe_format.ts";
 * safeFormat({ allowPickleIn: ["tests/fixtures/*"] });
 * ```
 */
export const safeFormat = defineCheck({
  id: "artifact.safe-format",
  title: "Model files use a format that cannot run code",
  description:
    "Pickle-based formats (raw pickle, PyTorch .pt/.bin, joblib, NumPy object arrays) can run " +
    "code when loaded, whatever a scanner finds today. Safetensors, ONNX and GGUF hold data only.",
  family: "artifact",
  severity: "warning",
  references: [OWASP_ML06, {
    title: "Hugging Face: safetensors",
    url: "https://huggingface.co/docs/safetensors/index",
  }],
  params: z.object({
    allowPickleIn: z.array(z.string().min(1)).default([])
      .describe("Paths (globs) where pickle-based files are accepted"),
  }).strict(),
  needs: ["artifacts"],
  remedy: "Convert the weights to safetensors (e.g. safetensors.torch.save_file) and load them " +
    "with safetensors, or with torch.load(weights_only=True).",
  run(snapshot, params) {
    const allowed = params.allowPickleIn.map((g) => globToRegExp(g, { path: true }));
    return snapshot.artifacts.filter((a) => PICKLED.has(a.format))
      .filter((a) => !allowed.some((re) => re.test(a.path)))
      .map((artifact) => ({
        subject: artifact.path,
        location: { file: artifact.path },
        message: `${artifact.path} is ${artifact.format}, a pickle-based format that can run ` +
          "code when loaded.",
        evidence: { format: artifact.format },
        fix: "Re-save it as safetensors and load it with safetensors.torch.load_file.",
      }));
  },
});

/**
 * Whether a format carries pickle data (and so can run code when loaded).
 *
 * @example
 * ```ts
 * import { isPickled } from "./safe_format.ts";
 * isPickled("pytorch-zip"); // true
 * ```
 */
export function isPickled(format: Artifact["format"]): boolean {
  return PICKLED.has(format);
}
