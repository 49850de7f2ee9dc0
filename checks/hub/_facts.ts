/**
 * The Hub's facts about a referenced model, at its pinned revision.
 *
 * @module
 */
import type { ModelReference, RegistryData, Snapshot } from "../../core/snapshot.ts";

export type HubFacts = RegistryData["hub"][number];

/** Each resolved Hugging Face model reference with the Hub's facts about it, once per id@revision. */
export function withFacts(snapshot: Snapshot): { ref: ModelReference; facts: HubFacts }[] {
  const key = (repoId: string, revision?: string) => `${repoId}@${revision ?? ""}`;
  const facts = new Map(snapshot.registry.hub.map((h) => [key(h.repoId, h.revision), h]));
  const seen = new Set<string>();
  const out: { ref: ModelReference; facts: HubFacts }[] = [];
  for (const ref of snapshot.models) {
    if (ref.hub !== "huggingface" || ref.unresolved !== undefined) continue;
    const k = key(ref.repoId, ref.revision);
    const found = facts.get(k);
    if (found === undefined || seen.has(k)) continue;
    seen.add(k);
    out.push({ ref, facts: found });
  }
  return out;
}

export const at = (ref: ModelReference) => ref.revision ? ` at ${ref.revision}` : "";
