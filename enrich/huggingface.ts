/**
 * Model facts from the Hugging Face Hub API at the revision the project pins: author, resolved
 * commit, last modified, file list, gated/private/disabled. Enough to judge a hub model (its
 * publisher, whether it ships safetensors) without downloading weights.
 *
 * @module
 */
import { isRecord } from "../packaging/mod.ts";
import type { RegistryData } from "../core/snapshot.ts";
import { HttpError } from "./_http_errors.ts";
import type { FetchSource, HttpClient } from "./http.ts";

/** One model's facts, as the snapshot records them. */
export type HubFacts = RegistryData["hub"][number];

const MAX_FILES = 100_000;

/**
 * The Hub API URL for a model at a revision: `BASE/api/models/ID` or
 * `BASE/api/models/ID/revision/REV`.
 *
 * @example
 * ```ts
 * import { hubModelUrl } from "./huggingface.ts";
 * hubModelUrl("https://huggingface.co", "meta-llama/Llama-3-8B", "refs/pr/1");
 * // "https://huggingface.co/api/models/meta-llama/Llama-3-8B/revision/refs%2Fpr%2F1"
 * ```
 */
export function hubModelUrl(base: string, repoId: string, revision?: string): string {
  const id = repoId.split("/").map(encodeURIComponent).join("/");
  const root = `${base.replace(/\/+$/, "")}/api/models/${id}`;
  return revision === undefined ? root : `${root}/revision/${encodeURIComponent(revision)}`;
}

/**
 * Facts about hub models. A model the Hub does not show (404, or 401 for a private or missing
 * repository without a token) comes back `found: false`; other failures reject with the
 * {@linkcode HttpError}.
 *
 * @param client The HTTP layer.
 * @param options `baseUrl` (e.g. `https://huggingface.co`) and the models with their pinned revision.
 * @returns One entry per model, in order, and the fetch provenance.
 * @example
 * ```ts ignore
 * import { HttpClient } from "./http.ts";
 * import { fetchHubFacts } from "./huggingface.ts";
 * const { facts } = await fetchHubFacts(new HttpClient(), {
 *   baseUrl: "https://huggingface.co",
 *   models: [{ repoId: "google-bert/bert-base-uncased" }],
 * });
 * facts[0].files?.includes("model.safetensors");
 * ```
 */
export async function fetchHubFacts(
  client: HttpClient,
  options: { baseUrl: string; models: readonly { repoId: string; revision?: string }[] },
): Promise<{ facts: HubFacts[]; sources: FetchSource[] }> {
  const sources: FetchSource[] = [];
  const facts = await Promise.all(options.models.map(async (m): Promise<HubFacts> => {
    const url = hubModelUrl(options.baseUrl, m.repoId, m.revision);
    const asked = { repoId: m.repoId, ...(m.revision ? { revision: m.revision } : {}) };
    try {
      const { data, source } = await client.getJson(url, { allowMissing: true });
      sources.push(source);
      if (data === null) return { ...asked, found: false };
      return { ...asked, found: true, ...parseModelInfo(data, source.url) };
    } catch (error) {
      // The Hub answers 401 for a private or unknown repository without a token.
      if (error instanceof HttpError && error.kind === "status" && error.status === 401) {
        return { ...asked, found: false };
      }
      throw error;
    }
  }));
  return { facts, sources };
}

/**
 * The fields Tollgate keeps from a Hub `ModelInfo` answer; unexpected types are dropped, and an
 * answer that is not an object is an error.
 *
 * @example
 * ```ts
 * import { parseModelInfo } from "./huggingface.ts";
 * parseModelInfo({ author: "acme", sha: "abc", gated: "manual", siblings: [{ rfilename: "model.bin" }] }, "u");
 * // { author: "acme", sha: "abc", gated: "manual", files: ["model.bin"] }
 * ```
 */
export function parseModelInfo(data: unknown, url: string): Omit<HubFacts, "repoId" | "found"> {
  if (!isRecord(data)) {
    throw new HttpError({
      kind: "invalid",
      method: "GET",
      url,
      attempts: 1,
      reason: "not a Hub model object",
    });
  }
  const out: Omit<HubFacts, "repoId" | "found"> = {};
  if (typeof data.author === "string") out.author = data.author;
  if (typeof data.sha === "string") out.sha = data.sha;
  if (typeof data.lastModified === "string") out.lastModified = data.lastModified;
  if (typeof data.gated === "boolean" || typeof data.gated === "string") out.gated = data.gated;
  if (typeof data.private === "boolean") out.private = data.private;
  if (typeof data.disabled === "boolean") out.disabled = data.disabled;
  if (Array.isArray(data.siblings)) {
    out.files = data.siblings.slice(0, MAX_FILES).filter(isRecord)
      .map((s) => s.rfilename).filter((f): f is string => typeof f === "string");
  }
  return out;
}
