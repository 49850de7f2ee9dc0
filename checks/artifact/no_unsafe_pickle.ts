/**
 * `artifact.no-unsafe-pickle`: what loading a model file would import, judged as CPython resolves it; files not read to the end fail.
 *
 * @module
 */
import { z } from "zod";
import { defineCheck, type FindingDraft } from "../../core/check.ts";
import type { Artifact } from "../../core/snapshot.ts";
import { OWASP_ML06 } from "../_shared.ts";
import { classifyImport, importRules, type ImportVerdict } from "./_pickle_imports.ts";
export { DANGEROUS_PICKLE_GLOBALS, SAFE_PICKLE_GLOBALS } from "./_pickle_imports.ts";

/** Scan issues quoted in one finding; the rest are counted. */
const MAX_ISSUES_SHOWN = 5;

/**
 * `artifact.no-unsafe-pickle`: no model file imports a dangerous global; unknown imports warn.
 *
 * @example
 * ```ts
 * import { noUnsafePickle } from "./no_unsafe_pickle.ts";
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
