/**
 * `artifact.no-embedded-code`: code and out-of-file references a model's loader follows besides pickle imports.
 *
 * @module
 */
import { z } from "zod";
import { defineCheck, type FindingDraft } from "../../core/check.ts";
import { globToRegExp } from "../../core/glob.ts";
import { OWASP_ML06 } from "../_shared.ts";

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
 * import { noEmbeddedCode } from "./no_embedded_code.ts";
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
