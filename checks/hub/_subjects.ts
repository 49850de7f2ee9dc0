/**
 * How hub model references are named in findings.
 *
 * @module
 */
import type { ModelReference } from "../../core/snapshot.ts";

/**
 * The subject string of a model reference: `hf:org/name` or `torchhub:owner/repo`.
 *
 * @example
 * ```ts
 * import { modelSubject } from "./_subjects.ts";
 * modelSubject({ hub: "huggingface", repoId: "org/m" }); // "hf:org/m"
 * ```
 */
export function modelSubject(ref: Pick<ModelReference, "hub" | "repoId" | "unresolved">): string {
  const id = ref.unresolved !== undefined ? `?(${ref.unresolved})` : ref.repoId;
  return `${ref.hub === "huggingface" ? "hf" : "torchhub"}:${id}`;
}

/** How a model is named in messages: its id, or the expression that computes it. */
export function modelLabel(ref: Pick<ModelReference, "repoId" | "unresolved">): string {
  return ref.unresolved !== undefined ? `The model chosen by ${ref.unresolved}` : ref.repoId;
}
