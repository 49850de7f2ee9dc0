/**
 * What a snapshot built from a CycloneDX BOM holds, and what it cannot: `collected` and `missing`,
 * so that every check needing a section the BOM does not record errors with the reason instead of
 * passing on an empty list.
 *
 * @module
 */
import type { MissingSection, Section } from "../../core/snapshot.ts";

/**
 * The sections a BOM fills. Only `packages`: a BOM lists components, and that is all it is meant
 * to say. Registry sections are not here either way: enrichment fills them from the packages.
 */
export const BOM_COLLECTED: readonly Section[] = ["packages"];

const NOT_RECORDED = "a CycloneDX BOM does not record";
const NOT_READ = "not read when the snapshot is built from a CycloneDX BOM";

/** Why each section a project snapshot has is absent from one built from a BOM. */
const REASONS: ReadonlyArray<MissingSection> = [
  {
    section: "indexes",
    reason: `${NOT_RECORDED} the indexes, find-links and channels the installers are configured ` +
      "with (at most where some packages came from), so which indexes can serve a name is unknown",
  },
  {
    section: "settings",
    reason: `${NOT_RECORDED} the installer settings (trusted hosts, --no-index, require-hashes, ` +
      "index strategies)",
  },
  {
    section: "installers",
    reason: `${NOT_RECORDED} which installers (pip, uv, Poetry, PDM, pipenv, conda) install the ` +
      "project, so their machine configuration cannot be tied to it",
  },
  {
    section: "environments",
    reason: `${NOT_RECORDED} the project's virtual environments (whether it has one, whether ` +
      "it is isolated, what is installed in it)",
  },
  {
    section: "records",
    reason: `installed files are ${NOT_READ}, so none was verified against its distribution's ` +
      "RECORD",
  },
  {
    section: "artifacts",
    reason: `model files on disk are ${NOT_READ}: none was scanned for pickle imports or ` +
      "embedded code",
  },
  {
    section: "signatures",
    reason: `model signatures (model.sig) are ${NOT_READ}`,
  },
  {
    section: "services",
    reason: `deployment files (Dockerfile, compose, Kubernetes, CI) are ${NOT_READ}, so what ` +
      "the project starts and exposes is unknown",
  },
  {
    section: "secrets",
    reason: `deployment files are ${NOT_READ}, so none was searched for secrets`,
  },
  {
    section: "codeowners",
    reason: `${NOT_RECORDED} the project's CODEOWNERS rules`,
  },
];

/**
 * Why `models` is not collected. A BOM can list the models a project uses, and those are read
 * into `models`; but it never says how code loads them (trust_remote_code, torch.load and pickle
 * calls), and checks that need `models` judge that too: collecting it would let them pass on an
 * empty list of loader calls.
 */
function modelsReason(modelsListed: number): string {
  const loading = `${NOT_RECORDED} how code loads models (trust_remote_code, torch.load, pickle ` +
    "and other deserialising calls), which the model checks judge as well";
  return modelsListed === 0
    ? `this BOM lists no Hugging Face model (which does not mean the code loads none), and ${loading}`
    : `the ${modelsListed} Hugging Face model(s) this BOM lists are read, but ${loading}`;
}

/**
 * The `missing` entries of a snapshot built from a BOM, one per section it cannot fill.
 *
 * @param modelsListed How many Hugging Face models the BOM lists.
 * @returns The entries, in the order of the snapshot's sections.
 * @example
 * ```ts
 * import { bomMissingSections } from "./_coverage.ts";
 * bomMissingSections(0).some((m) => m.section === "indexes"); // true
 * ```
 */
export function bomMissingSections(modelsListed: number): MissingSection[] {
  const models: MissingSection = { section: "models", reason: modelsReason(modelsListed) };
  const at = REASONS.findIndex((m) => m.section === "artifacts");
  return [...REASONS.slice(0, at), models, ...REASONS.slice(at)].map((m) => ({ ...m }));
}
