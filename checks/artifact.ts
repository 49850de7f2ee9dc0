/**
 * Model artifact checks: what loading a model file would import, and whether the format can run
 * code at all.
 *
 * @module
 */
import { z } from "zod";
import { defineCheck, type FindingDraft } from "../core/check.ts";
import { globToRegExp } from "../core/glob.ts";
import type { Artifact } from "../core/snapshot.ts";
import { OWASP_ML06 } from "./_shared.ts";
import { classifyImport, importRules, type ImportVerdict } from "./_pickle_imports.ts";

export { DANGEROUS_PICKLE_GLOBALS, SAFE_PICKLE_GLOBALS } from "./_pickle_imports.ts";

const PICKLED = new Set(["pickle", "pytorch-zip", "pytorch-legacy", "joblib", "npy-pickle"]);

/** Scan issues quoted in one finding; the rest are counted. */
const MAX_ISSUES_SHOWN = 5;

/**
 * `artifact.no-unsafe-pickle`: no model file imports a dangerous global; unknown imports warn.
 *
 * @example
 * ```ts
 * import { noUnsafePickle } from "./artifact.ts";
 * noUnsafePickle({ allow: ["sklearn.**"] });
 * ```
 */
export const noUnsafePickle = defineCheck({
  id: "artifact.no-unsafe-pickle",
  title: "Model files import nothing dangerous and were read to the end",
  description:
    "Pickle-based model files (raw pickle, PyTorch zip and legacy, joblib, NumPy object arrays) " +
    "name the Python globals that loading them calls. A global that runs commands, evaluates " +
    "code or reaches the network executes on torch.load / pickle.load: the model is the " +
    "malware. Deny by default: globals that rebuild tensors and arrays pass, anything else is " +
    "an error until the policy allows it (`allow`, `*` within one dotted segment, `**` across). " +
    "Imports are resolved as CPython resolves them: Python 2 names mapped, dotted names walked " +
    "attribute by attribute, so a dunder segment or a walk past an allowed name is dangerous. " +
    "An import the scanner could not resolve, and a file it could not read to the end (damage, " +
    "limits, unsupported compression), fail: a scanner must not pass what it did not read.",
  family: "artifact",
  severity: "error",
  references: [OWASP_ML06, {
    title: "Python docs: pickle — restricting globals",
    url: "https://docs.python.org/3/library/pickle.html#restricting-globals",
  }],
  params: z.object({
    allow: z.array(z.string().min(1)).default([])
      .describe("Globals (dotted globs: `*` one segment, `**` any) accepted besides the safe list"),
    deny: z.array(z.string().min(1)).default([])
      .describe("Globals to treat as dangerous in addition to the built-in list"),
    warnUnknown: z.boolean().default(false)
      .describe("Report imports outside the safe list as warnings instead of errors"),
  }).strict(),
  needs: ["artifacts"],
  remedy: "Do not load the file. Get the model in a safe format (safetensors) from a trusted " +
    "publisher, or load it with torch.load(weights_only=True) after review.",
  run(snapshot, params) {
    const rules = importRules(params);
    const findings: FindingDraft[] = [];
    for (const artifact of snapshot.artifacts) {
      const verdicts = new Map<string, ImportVerdict>();
      for (const global of artifact.globals) {
        const verdict = classifyImport(global, rules);
        verdicts.set(verdict.name, verdict);
      }
      const names = [...verdicts.keys()].sort();
      const dangerous = names.filter((n) => verdicts.get(n)!.verdict === "dangerous");
      const unknown = names.filter((n) => verdicts.get(n)!.verdict === "unknown");
      if (dangerous.length > 0) {
        const why = dangerous.map((n) => verdicts.get(n)!.why).filter((w) => w !== undefined);
        findings.push(
          finding(artifact, "dangerous", dangerous, "runs code when loaded: it imports", why),
        );
      }
      if (unknown.length > 0) {
        findings.push(finding(
          artifact,
          params.warnUnknown ? "unknown-warning" : "unknown",
          unknown,
          "imports globals outside the safe list:",
        ));
      }
      if (artifact.issues.length > 0) findings.push(incomplete(artifact));
    }
    return findings;
  },
});

type Kind = "dangerous" | "unknown" | "unknown-warning";

function finding(
  artifact: Artifact,
  kind: Kind,
  globals: string[],
  what: string,
  why: (string | undefined)[] = [],
): FindingDraft {
  const reasons = [...new Set(why)];
  return {
    subject: artifact.path,
    severity: kind === "unknown-warning" ? "warning" : "error",
    location: { file: artifact.path },
    message: `${artifact.path} (${artifact.format}) ${what} ${globals.join(", ")}` +
      (reasons.length > 0 ? ` (${reasons.join("; ")}).` : "."),
    evidence: {
      kind: kind === "dangerous" ? "dangerous" : "unknown",
      globals,
      format: artifact.format,
    },
    fix: kind === "dangerous"
      ? "Do not load this file; delete it and obtain the model in safetensors format from its " +
        "original publisher."
      : "Review these imports; if they are expected (your own classes), add them to " +
        "artifact.no-unsafe-pickle.allow (`pkg.**` for a whole package), or better, re-save the " +
        "weights as safetensors.",
  };
}

function incomplete(artifact: Artifact): FindingDraft {
  const shown = artifact.issues.slice(0, MAX_ISSUES_SHOWN);
  const more = artifact.issues.length - shown.length;
  return {
    subject: artifact.path,
    severity: "error",
    location: { file: artifact.path },
    message: `${artifact.path} (${artifact.format}) could not be fully scanned: ${
      shown.join("; ")
    }${more > 0 ? `; and ${more} more` : ""}.`,
    evidence: { kind: "incomplete", issues: artifact.issues, format: artifact.format },
    fix: "Treat the file as unsafe until it is read completely: re-export it from the original " +
      "model (safetensors), or raise the scanner's limit if the file is trusted and only large.",
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

/** Module prefixes Keras's own deserialiser uses; anything else is an import of the file's choosing. */
const KERAS_MODULES = ["keras", "tf_keras", "keras_hub", "keras_nlp", "keras_cv", "keras_rs"]
  .flatMap((m) => [m, `${m}.**`]);

/** Jinja reaching Python internals: the server-side template injection in model chat templates. */
const TEMPLATE_ESCAPE =
  /__\w*|\battr\s*\(|\|\s*attr\b|\bmro\b|\bsubclasses\b|\b(?:globals|builtins|import|popen|eval|exec|getattr)\b|\bos\.|\bsubprocess\b/;

/**
 * The Jinja expressions and statements (`{{ }}`, `{% %}`) of a template, read as Jinja reads
 * them: string literals may hold `}}`, their escapes (`\x5f`, `\u005f`, `\137`) are decoded,
 * and adjacent literals joined with `~` or `+` are one string.
 */
function templateBlocks(template: string): string[] {
  const blocks: string[] = [];
  for (let i = template.indexOf("{"); i >= 0 && i < template.length; i = template.indexOf("{", i)) {
    const next = template[i + 1];
    if (next !== "{" && next !== "%") {
      i++;
      continue;
    }
    const close = next === "{" ? "}}" : "%}";
    let j = i + 2;
    let quote: string | undefined;
    for (; j < template.length; j++) {
      const char = template[j];
      if (quote) {
        if (char === "\\") j++;
        else if (char === quote) quote = undefined;
      } else if (char === "'" || char === '"') quote = char;
      else if (template.startsWith(close, j)) break;
    }
    blocks.push(decodeJinjaStrings(template.slice(i + 2, j)));
    i = j + 2;
  }
  return blocks;
}

function decodeJinjaStrings(block: string): string {
  return block
    .replace(
      /\\x([0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})|\\([0-7]{1,3})/g,
      (_all, x, u, big, octal) =>
        String.fromCodePoint(parseInt(x ?? u ?? big ?? octal, x || u || big ? 16 : 8)),
    )
    .replace(/(['"])\s*[~+]\s*(['"])/g, "");
}

/** The first Jinja expression or statement that reaches Python internals. */
function templateEscape(template: string): string | undefined {
  for (const block of templateBlocks(template)) {
    const match = TEMPLATE_ESCAPE.exec(block);
    if (match) return match[0];
  }
  return undefined;
}

/** An external-data path that leaves the model's directory. */
function escapesDirectory(location: string): boolean {
  return /^(?:[\\/]|[A-Za-z]:)/.test(location) || location.split(/[\\/]/).includes("..") ||
    location.includes("\0");
}

/**
 * `artifact.no-embedded-code`: model files carry no code their loader runs besides pickle imports
 * (Keras Lambda layers and foreign modules, Jinja chat templates reaching Python internals) and
 * no external-data path outside the model's directory (ONNX).
 *
 * @example
 * ```ts
 * import { noEmbeddedCode } from "./artifact.ts";
 * noEmbeddedCode({ kerasModules: ["my_layers.**"] });
 * ```
 */
export const noEmbeddedCode = defineCheck({
  id: "artifact.no-embedded-code",
  title: "Model files embed no code and reach no files outside themselves",
  description:
    "Formats that cannot pickle can still carry code: a Keras Lambda layer is Python bytecode, " +
    "a Keras configuration names modules the loader imports, a GGUF chat template is Jinja that " +
    "inference servers render (template injection reaches os through __globals__), and an ONNX " +
    "tensor's external-data path can point at any file the loader can read.",
  family: "artifact",
  severity: "error",
  references: [OWASP_ML06, {
    title: "Keras: safe_mode and Lambda layers",
    url: "https://keras.io/api/models/model_saving_apis/model_saving_and_loading/",
  }],
  params: z.object({
    kerasModules: z.array(z.string().min(1)).default([])
      .describe("Modules (dotted globs) a Keras configuration may reference besides Keras's own"),
  }).strict(),
  needs: ["artifacts"],
  remedy: "Do not load the file. Rebuild the model without Lambda layers or custom modules, " +
    "strip the template, or keep external data beside the model.",
  run(snapshot, params) {
    const modules = [...KERAS_MODULES, ...params.kerasModules]
      .map((g) => globToRegExp(g, { separator: "." }));
    const findings: FindingDraft[] = [];
    for (const artifact of snapshot.artifacts) {
      for (const item of artifact.embedded) {
        const where = item.where ? ` (${item.where})` : "";
        let message: string | undefined;
        if (item.kind === "keras-lambda") {
          message = `Keras Lambda layer ${item.value}${where} holds Python code that runs on load`;
        } else if (item.kind === "keras-module") {
          const module = item.value.slice(0, item.value.lastIndexOf("."));
          if (!modules.some((re) => re.test(module))) {
            message = `Keras configuration${where} makes the loader import ${item.value}`;
          }
        } else if (item.kind === "chat-template") {
          const escape = templateEscape(item.value);
          if (escape !== undefined) {
            message = `chat template${where} reaches Python internals (${escape})`;
          }
        } else if (escapesDirectory(item.value)) {
          message = `external data path ${JSON.stringify(item.value)} leaves the model's directory`;
        }
        if (message === undefined) continue;
        findings.push({
          subject: artifact.path,
          location: { file: artifact.path },
          message: `${artifact.path} (${artifact.format}): ${message}.`,
          evidence: { kind: item.kind, value: item.value.slice(0, 200), where: item.where },
        });
      }
    }
    return findings;
  },
});
