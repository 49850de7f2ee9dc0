/**
 * Model artifact checks: what loading a model file would import, and whether the format can run
 * code at all.
 *
 * @module
 */
import { z } from "zod";
import { defineCheck, type FindingDraft } from "../core/check.ts";
import { globToRegExp } from "../core/glob.ts";
import type { Artifact, PickleGlobal } from "../core/snapshot.ts";
import { OWASP_ML06 } from "./_shared.ts";

/**
 * Globals that rebuild tensors, arrays and plain containers: what benign torch, NumPy and joblib
 * files import. Anything else is an "unknown import".
 *
 * @example
 * ```ts
 * import { SAFE_PICKLE_GLOBALS } from "./artifact.ts";
 * SAFE_PICKLE_GLOBALS.includes("torch._utils._rebuild_tensor_v2"); // true
 * ```
 */
export const SAFE_PICKLE_GLOBALS: readonly string[] = [
  "collections.OrderedDict",
  "collections.defaultdict",
  "builtins.set",
  "builtins.frozenset",
  "builtins.bytearray",
  "builtins.slice",
  "builtins.complex",
  "builtins.range",
  "_codecs.encode",
  "copyreg._reconstructor",
  "torch._utils._rebuild_tensor",
  "torch._utils._rebuild_tensor_v2",
  "torch._utils._rebuild_parameter",
  "torch._utils._rebuild_parameter_with_state",
  "torch._utils._rebuild_qtensor",
  "torch._utils._rebuild_sparse_tensor",
  "torch._tensor._rebuild_from_type_v2",
  "torch.Size",
  "torch.device",
  "torch.dtype",
  "torch.*Storage",
  "torch.storage._load_from_bytes",
  "torch.float*",
  "torch.int*",
  "torch.bfloat16",
  "torch.bool",
  "numpy.core.multiarray._reconstruct",
  "numpy.core.multiarray.scalar",
  "numpy._core.multiarray._reconstruct",
  "numpy._core.multiarray.scalar",
  "numpy.ndarray",
  "numpy.dtype",
  "numpy.dtypes.*",
  "joblib.numpy_pickle.NumpyArrayWrapper",
];

/**
 * Globals that execute code, reach the OS, the network or the interpreter: a pickle importing
 * one of them runs it on load.
 *
 * @example
 * ```ts
 * import { DANGEROUS_PICKLE_GLOBALS } from "./artifact.ts";
 * DANGEROUS_PICKLE_GLOBALS.includes("posix.*"); // true
 * ```
 */
export const DANGEROUS_PICKLE_GLOBALS: readonly string[] = [
  "os.*",
  "posix.*",
  "nt.*",
  "subprocess.*",
  "builtins.eval",
  "builtins.exec",
  "builtins.compile",
  "builtins.__import__",
  "builtins.getattr",
  "builtins.setattr",
  "builtins.delattr",
  "builtins.open",
  "builtins.input",
  "builtins.breakpoint",
  "builtins.globals",
  "builtins.vars",
  "__builtin__.*",
  "runpy.*",
  "pty.*",
  "socket.*",
  "shutil.*",
  "importlib.*",
  "pickle.*",
  "_pickle.*",
  "dill.*",
  "cloudpickle.*",
  "marshal.*",
  "types.CodeType",
  "types.FunctionType",
  "ctypes.*",
  "webbrowser.*",
  "code.*",
  "sys.*",
  "commands.*",
  "multiprocessing.*",
  "requests.*",
  "urllib.*",
  "http.*",
  "asyncio.*",
  "operator.attrgetter",
  "operator.methodcaller",
  "torch.load",
  "numpy.load",
  "numpy.testing._private.utils.runstring",
];

const PICKLED = new Set(["pickle", "pytorch-zip", "pytorch-legacy", "joblib", "npy-pickle"]);

/** Python 2 module names that unpickling in Python 3 maps to their new homes (_compat_pickle). */
const PYTHON2_MODULES: Readonly<Record<string, string>> = {
  "__builtin__": "builtins",
  "copy_reg": "copyreg",
  "cPickle": "pickle",
  "exceptions": "builtins",
  "commands": "subprocess",
  "UserDict": "collections",
  "Queue": "queue",
};

function dotted(global: PickleGlobal): string {
  const module = Object.hasOwn(PYTHON2_MODULES, global.module)
    ? PYTHON2_MODULES[global.module]
    : global.module;
  return `${module}.${global.name}`;
}

/**
 * `artifact.no-unsafe-pickle`: no model file imports a dangerous global; unknown imports warn.
 *
 * @example
 * ```ts
 * import { noUnsafePickle } from "./artifact.ts";
 * noUnsafePickle({ allow: ["sklearn.*"] });
 * ```
 */
export const noUnsafePickle = defineCheck({
  id: "artifact.no-unsafe-pickle",
  title: "Model files import nothing dangerous",
  description:
    "Pickle-based model files (raw pickle, PyTorch zip and legacy, joblib, NumPy object arrays) " +
    "name the Python globals that loading them calls. A global that runs commands, evaluates " +
    "code or reaches the network executes on torch.load / pickle.load: the model is the " +
    "malware. Globals that rebuild tensors and arrays pass; anything else is an unknown import " +
    "to review. An import the scanner could not resolve counts as dangerous.",
  family: "artifact",
  severity: "error",
  references: [OWASP_ML06, {
    title: "Python docs: pickle — restricting globals",
    url: "https://docs.python.org/3/library/pickle.html#restricting-globals",
  }],
  params: z.object({
    allow: z.array(z.string().min(1)).default([])
      .describe("Globals (module.name globs) to accept in addition to the safe list"),
    deny: z.array(z.string().min(1)).default([])
      .describe("Globals to treat as dangerous in addition to the built-in list"),
  }).strict(),
  needs: ["artifacts"],
  remedy: "Do not load the file. Get the model in a safe format (safetensors) from a trusted " +
    "publisher, or load it with torch.load(weights_only=True) after review.",
  run(snapshot, params) {
    const safe = [...SAFE_PICKLE_GLOBALS, ...params.allow].map((g) => globToRegExp(g));
    const deny = [...DANGEROUS_PICKLE_GLOBALS, ...params.deny].map((g) => globToRegExp(g));
    const findings: FindingDraft[] = [];
    for (const artifact of snapshot.artifacts) {
      const names = [...new Set(artifact.globals.map(dotted))].sort();
      // "?.?" is an import the scanner could not resolve: fail closed.
      const dangerous = names.filter((n) => n === "?.?" || deny.some((re) => re.test(n)));
      const unknown = names.filter((n) => !dangerous.includes(n) && !safe.some((re) => re.test(n)));
      if (dangerous.length > 0) {
        findings.push(finding(artifact, "error", dangerous, "runs code when loaded: it imports"));
      } else if (unknown.length > 0) {
        findings.push(
          finding(artifact, "warning", unknown, "imports globals outside the safe list:"),
        );
      }
    }
    return findings;
  },
});

function finding(
  artifact: Artifact,
  severity: "error" | "warning",
  globals: string[],
  what: string,
): FindingDraft {
  return {
    subject: artifact.path,
    severity,
    location: { file: artifact.path },
    message: `${artifact.path} (${artifact.format}) ${what} ${globals.join(", ")}.`,
    evidence: { globals, format: artifact.format },
    fix: severity === "error"
      ? "Do not load this file; delete it and obtain the model in safetensors format from its " +
        "original publisher."
      : "Review these imports; if they are expected (your own classes), add them to " +
        "artifact.no-unsafe-pickle.allow, or better, re-save the weights as safetensors.",
  };
}

/**
 * `artifact.safe-format`: model files are in a format that cannot run code (safetensors, ONNX,
 * GGUF, plain NumPy arrays) rather than a pickle-based one.
 *
 * @example
 * ```ts
 * import { safeFormat } from "./artifact.ts";
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
 * import { isPickled } from "./artifact.ts";
 * isPickled("pytorch-zip"); // true
 * ```
 */
export function isPickled(format: Artifact["format"]): boolean {
  return PICKLED.has(format);
}
