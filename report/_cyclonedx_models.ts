/**
 * Models and model files as CycloneDX components: one per distinct model reference, one per model
 * file, each with the finding subjects that name it.
 *
 * @module
 */
import { formatPurl } from "../core/purl.ts";
import type { Artifact, ModelReference, Signature } from "../core/snapshot.ts";
import type {
  CyclonedxComponent,
  CyclonedxExternalReference,
  CyclonedxProperty,
} from "./_cyclonedx_types.ts";
import { cyclonedxHashes, type Entry, occurrences, shortened } from "./_cyclonedx_components.ts";

/** Most pickle globals, embedded items or scan issues listed per model file. */
const MAX_LISTED = 100;

/**
 * One entry per distinct model (hub, id, revision): a `machine-learning-model` whose purl is
 * `pkg:huggingface/<publisher>/<name>@<revision>` (the revision as written, when literal) or, for
 * Torch Hub, `pkg:github/<owner>/<repo>@<ref>`. An id computed at run time has no purl: its name
 * is the expression.
 */
export function modelEntries(models: readonly ModelReference[]): Entry[] {
  const groups = new Map<string, ModelReference[]>();
  for (const ref of models) {
    const key = [ref.hub, ref.repoId, ref.revision ?? "", ref.unresolved ?? ""].join("\u0000");
    groups.set(key, [...groups.get(key) ?? [], ref]);
  }
  return [...groups.values()].map((refs) => {
    const [ref] = refs;
    const id = ref.unresolved !== undefined ? `?(${ref.unresolved})` : ref.repoId;
    const properties: CyclonedxProperty[] = [{ name: "tollgate:hub", value: ref.hub }];
    const add = (name: string, values: Iterable<string | undefined>) => {
      for (const value of new Set(values)) {
        if (value !== undefined) properties.push({ name, value: shortened(value) });
      }
    };
    add("tollgate:loader", refs.map((item) => item.loader));
    add("tollgate:trust-remote-code", refs.map((item) => optionValue(item.trustRemoteCode)));
    add("tollgate:use-safetensors", refs.map((item) => optionValue(item.useSafetensors)));
    add("tollgate:revision", refs.map((item) => item.revisionDynamic ? "dynamic" : undefined));
    add("tollgate:custom-pipeline", refs.map((item) => item.customPipeline));
    add("tollgate:overridable-by", refs.map((item) => item.overridable));
    add("tollgate:unresolved", refs.map((item) => item.unresolved));
    const purl = ref.unresolved === undefined ? modelPurl(ref) : undefined;
    const home = ref.unresolved === undefined && /^[A-Za-z0-9][\w.-]*(\/[\w.-]+)?$/.test(ref.repoId)
      ? modelHome(ref)
      : undefined;
    const locations = refs.map((item) => item.location);
    const component: CyclonedxComponent = {
      type: "machine-learning-model",
      ...(ref.publisher !== undefined ? { group: ref.publisher } : {}),
      name: id,
      ...(ref.revision !== undefined ? { version: ref.revision } : {}),
      ...(purl !== undefined ? { purl } : {}),
      ...(home !== undefined ? { externalReferences: [home] } : {}),
      ...occurrences(locations),
      properties,
    };
    const subject = `${ref.hub === "huggingface" ? "hf" : "torchhub"}:${id}`;
    return { component, subjects: new Set([subject]), locations };
  });
}

const optionValue = (value: boolean | "dynamic" | undefined) =>
  value === undefined ? undefined : String(value);

function modelPurl(ref: ModelReference): string | undefined {
  const slash = ref.repoId.indexOf("/");
  const namespace = slash > 0 ? ref.repoId.slice(0, slash) : undefined;
  const name = slash > 0 ? ref.repoId.slice(slash + 1) : ref.repoId;
  if (name === "" || (ref.hub === "torch-hub" && namespace === undefined)) return undefined;
  return formatPurl({
    type: ref.hub === "huggingface" ? "huggingface" : "github",
    ...(namespace !== undefined ? { namespace } : {}),
    name,
    ...(ref.revision !== undefined ? { version: ref.revision } : {}),
  });
}

function modelHome(ref: ModelReference): CyclonedxExternalReference {
  return ref.hub === "huggingface"
    ? { type: "distribution", url: `https://huggingface.co/${ref.repoId}` }
    : { type: "vcs", url: `https://github.com/${ref.repoId}` };
}

/**
 * One `file` component per model file. A file, not a `machine-learning-model`: what the scan
 * knows is a file identified by its content, and a pickle, `.npy` or joblib file may hold data
 * rather than a model, while one model may span several files (shards, a config); the models the
 * code loads are the `machine-learning-model` components. Its SHA-256 is the scan's, else the one
 * hashed for a model signature that covers the file.
 */
export function artifactEntries(
  artifacts: readonly Artifact[],
  signatures: readonly Signature[],
): Entry[] {
  const digests = signedDigests(signatures);
  return artifacts.map((artifact) => {
    const properties: CyclonedxProperty[] = [
      { name: "tollgate:format", value: artifact.format },
      { name: "tollgate:size", value: String(artifact.size) },
    ];
    for (const global of artifact.globals.slice(0, MAX_LISTED)) {
      properties.push({ name: "tollgate:pickle-global", value: `${global.module}.${global.name}` });
    }
    for (const item of (artifact.embedded ?? []).slice(0, MAX_LISTED)) {
      const where = item.where !== undefined ? ` (${item.where})` : "";
      properties.push({
        name: "tollgate:embedded",
        value: shortened(`${item.kind}${where}: ${item.value}`),
      });
    }
    for (const issue of artifact.issues.slice(0, MAX_LISTED)) {
      properties.push({ name: "tollgate:scan-issue", value: shortened(issue) });
    }
    if (artifact.foundBy !== undefined) {
      properties.push({ name: "tollgate:found-by", value: artifact.foundBy });
    }
    const digest = artifact.sha256 ?? digests.get(artifact.path);
    const hashes = digest ? cyclonedxHashes([`sha256:${digest}`]) : [];
    const component: CyclonedxComponent = {
      type: "file",
      name: artifact.path,
      ...(hashes.length > 0 ? { hashes } : {}),
      evidence: { occurrences: [{ location: artifact.path }] },
      properties,
    };
    const parts = artifact.path.split("/");
    const folders = [".", ...parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join("/"))];
    return {
      component,
      subjects: new Set([artifact.path, `model:${artifact.path}`, `file:${artifact.path}`]),
      folders,
      locations: [{ file: artifact.path }],
    };
  });
}

/** The sha256 of each regular file the signatures' manifests hashed, by project path. */
function signedDigests(signatures: readonly Signature[]): Map<string, string> {
  const digests = new Map<string, string>();
  for (const signature of signatures) {
    for (const file of signature.files) {
      if (file.kind !== "file" || file.sha256 === undefined) continue;
      const path = file.path === "."
        ? signature.modelPath
        : signature.modelPath === "."
        ? file.path
        : `${signature.modelPath}/${file.path}`;
      digests.set(path, file.sha256);
    }
  }
  return digests;
}
