/**
 * The part of the CycloneDX 1.6 JSON model that Tollgate writes.
 *
 * @module
 */

/**
 * A name/value pair; names may repeat (one `tollgate:finding` per finding).
 *
 * @example
 * ```ts
 * import type { CyclonedxProperty } from "./cyclonedx.ts";
 * const verdict: CyclonedxProperty = { name: "tollgate:verdict", value: "fail" };
 * ```
 */
export interface CyclonedxProperty {
  /** The name, `tollgate:…` for Tollgate's own. */
  name: string;
  /** The value. */
  value: string;
}

/**
 * A digest of a component's content.
 *
 * @example
 * ```ts
 * import type { CyclonedxHash } from "./cyclonedx.ts";
 * const hash: CyclonedxHash = { alg: "SHA-256", content: "a".repeat(64) };
 * ```
 */
export interface CyclonedxHash {
  /** CycloneDX's name of the algorithm. */
  alg: "MD5" | "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512" | "SHA3-256" | "SHA3-384" | "SHA3-512";
  /** Hex digest. */
  content: string;
}

/**
 * A link from a component: where it is distributed from, or its repository.
 *
 * @example
 * ```ts
 * import type { CyclonedxExternalReference } from "./cyclonedx.ts";
 * const index: CyclonedxExternalReference = { type: "distribution", url: "https://pypi.org/simple" };
 * ```
 */
export interface CyclonedxExternalReference {
  /** `distribution` for an index or download URL, `vcs` for a repository. */
  type: "distribution" | "vcs";
  /** The URL (credentials already redacted by the collector). */
  url: string;
  /** A note, such as the commit a VCS source is pinned to. */
  comment?: string;
}

/**
 * One place a component was found: a file and line of the project.
 *
 * @example
 * ```ts
 * import type { CyclonedxOccurrence } from "./cyclonedx.ts";
 * const where: CyclonedxOccurrence = { location: "uv.lock", line: 12 };
 * ```
 */
export interface CyclonedxOccurrence {
  /** Path relative to the project root (or `~/…`, `env:NAME` for configuration outside it). */
  location: string;
  /** 1-based line, when known. */
  line?: number;
}

/**
 * A component: a package, a model, a model file, the project or the tool.
 *
 * @example
 * ```ts
 * import type { CyclonedxComponent } from "./cyclonedx.ts";
 * const torch: CyclonedxComponent = {
 *   type: "library",
 *   "bom-ref": "pkg:pypi/torch@2.3.1",
 *   name: "torch",
 *   version: "2.3.1",
 *   purl: "pkg:pypi/torch@2.3.1",
 * };
 * ```
 */
export interface CyclonedxComponent {
  /** What kind of component. */
  type: "application" | "library" | "file" | "machine-learning-model";
  /** Its identity inside this BOM, unique, derived from the component (stable across runs). */
  "bom-ref"?: string;
  /** The publisher or organisation (a Hugging Face publisher). */
  group?: string;
  /** Its name. */
  name: string;
  /** Its version, when exact. */
  version?: string;
  /** Digests of its content. */
  hashes?: CyclonedxHash[];
  /** Its package URL. */
  purl?: string;
  /** Where it is distributed from. */
  externalReferences?: CyclonedxExternalReference[];
  /** Where the project declares or holds it. */
  evidence?: { occurrences: CyclonedxOccurrence[] };
  /** Facts and Tollgate's judgement. */
  properties?: CyclonedxProperty[];
}

/**
 * The components one component depends on, by `bom-ref`.
 *
 * @example
 * ```ts
 * import type { CyclonedxDependency } from "./cyclonedx.ts";
 * const edge: CyclonedxDependency = { ref: "pkg:pypi/requests@2.32.3", dependsOn: ["pkg:pypi/idna@3.7"] };
 * ```
 */
export interface CyclonedxDependency {
  /** The depending component's `bom-ref`. */
  ref: string;
  /** What it depends on, sorted; absent when it depends on nothing. */
  dependsOn?: string[];
}

/**
 * A CycloneDX 1.6 JSON BOM as Tollgate writes it.
 *
 * @example
 * ```ts
 * import type { CyclonedxBom } from "./cyclonedx.ts";
 * const bom: CyclonedxBom = {
 *   bomFormat: "CycloneDX",
 *   specVersion: "1.6",
 *   serialNumber: "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
 *   version: 1,
 *   metadata: {
 *     timestamp: "2026-01-01T00:00:00.000Z",
 *     tools: { components: [{ type: "application", name: "tollgate", version: "0.1.0" }] },
 *     component: { type: "application", "bom-ref": "project:app", name: "app" },
 *   },
 *   components: [],
 *   dependencies: [{ ref: "project:app" }],
 * };
 * ```
 */
export interface CyclonedxBom {
  /** Always `CycloneDX`. */
  bomFormat: "CycloneDX";
  /** Always `1.6`. */
  specVersion: "1.6";
  /** `urn:uuid:…`, new for every BOM unless given. */
  serialNumber: string;
  /** The BOM's revision: 1. */
  version: number;
  /** When, by what, about what. */
  metadata: {
    /** When the facts were gathered or judged (ISO 8601). */
    timestamp: string;
    /** Tollgate, as the snapshot names it. */
    tools: { components: CyclonedxComponent[] };
    /** The project. */
    component: CyclonedxComponent;
  };
  /** Packages, models and model files. */
  components: CyclonedxComponent[];
  /** The dependency graph. */
  dependencies: CyclonedxDependency[];
}
