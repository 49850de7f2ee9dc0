/**
 * The snapshot as a CycloneDX 1.6 JSON BOM (an ML-BOM): packages with their package URLs, hashes
 * and indexes, the models the code loads, the model files on disk with their digests, the
 * dependency graph where lock files record it, and, given a report, Tollgate's verdict on each
 * component as properties.
 *
 * @module
 */
import type { Report } from "../core/report.ts";
import type { Snapshot } from "../core/snapshot.ts";
import { type Entry, packageEntries } from "./_cyclonedx_components.ts";
import { artifactEntries, modelEntries } from "./_cyclonedx_models.ts";
import type { CyclonedxBom, CyclonedxComponent, CyclonedxDependency } from "./_cyclonedx_types.ts";
import { addVerdicts } from "./_cyclonedx_verdicts.ts";

export type {
  CyclonedxBom,
  CyclonedxComponent,
  CyclonedxDependency,
  CyclonedxExternalReference,
  CyclonedxHash,
  CyclonedxOccurrence,
  CyclonedxProperty,
} from "./_cyclonedx_types.ts";

/**
 * What {@linkcode cyclonedxBom} takes.
 *
 * @example
 * ```ts
 * import type { CyclonedxOptions } from "./cyclonedx.ts";
 * import { emptySnapshot } from "../core/snapshot.ts";
 * const options: CyclonedxOptions = {
 *   snapshot: emptySnapshot({ root: "app", collectedAt: "2026-01-01T00:00:00.000Z" }),
 *   serialNumber: "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
 * };
 * ```
 */
export interface CyclonedxOptions {
  /** The facts written as components. */
  snapshot: Snapshot;
  /** The report evaluated on that snapshot: its findings become each component's verdict. */
  report?: Report;
  /** `urn:uuid:…`. Default: a new random one, as the specification asks of every BOM. */
  serialNumber?: string;
  /** ISO 8601 time. Default: the report's evaluation time, else the snapshot's collection time. */
  timestamp?: string;
}

const SERIAL_NUMBER = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Build the CycloneDX 1.6 BOM of a snapshot.
 *
 * Components, in this order, each with a `bom-ref` derived from what it is (so two runs over the
 * same snapshot agree): one `library` per distinct package (ecosystem, name, version and source;
 * declarations of the same package merged, their hashes, `evidence.occurrences` and properties
 * combined), one `machine-learning-model` per distinct model reference, one `file` per model
 * file. `dependencies` has the project depending on the packages it declares and the models it
 * loads, and each package depending on what its lock entry lists (resolved to the components of
 * that name locked in the same file, else anywhere; names with no component are left out).
 *
 * @param options The snapshot, the report, and the serial number and time when fixed.
 * @returns The BOM object; {@linkcode formatCyclonedx} writes it as JSON.
 * @throws {TypeError} When `serialNumber` is not a lower-case `urn:uuid:`.
 * @example
 * ```ts
 * import { cyclonedxBom } from "./cyclonedx.ts";
 * import { emptySnapshot } from "../core/snapshot.ts";
 * const snapshot = emptySnapshot({ root: "app", collectedAt: "2026-01-01T00:00:00.000Z" });
 * snapshot.packages.push({
 *   ecosystem: "pypi", name: "torch", version: "2.3.1", specifier: "==2.3.1", extras: [],
 *   hashes: ["sha256:" + "a".repeat(64)], source: { kind: "index", url: "https://pypi.org/simple" },
 *   layer: "lock", direct: true, editable: false, groups: [], locations: [{ file: "uv.lock", line: 3 }],
 * });
 * const bom = cyclonedxBom({ snapshot });
 * bom.components[0].purl; // "pkg:pypi/torch@2.3.1"
 * bom.dependencies[0]; // { ref: "project:app", dependsOn: ["pkg:pypi/torch@2.3.1"] }
 * ```
 */
export function cyclonedxBom(options: CyclonedxOptions): CyclonedxBom {
  const { snapshot, report } = options;
  if (options.serialNumber !== undefined && !SERIAL_NUMBER.test(options.serialNumber)) {
    throw new TypeError(
      `serialNumber: expected urn:uuid: and a lower-case UUID, found ${options.serialNumber}`,
    );
  }
  const packages = packageEntries(snapshot.packages);
  const models = modelEntries(snapshot.models);
  const files = artifactEntries(snapshot.artifacts, snapshot.signatures);
  const entries = [...packages, ...models, ...files];
  assignReferences(entries);
  const project: Entry = {
    component: { type: "application", "bom-ref": `project:${snapshot.root}`, name: snapshot.root },
    subjects: new Set([`project:${snapshot.root}`, "project"]),
    locations: [],
  };
  if (report) addVerdicts(report, entries, project);
  return {
    bomFormat: "CycloneDX",
    specVersion: "1.6",
    serialNumber: options.serialNumber ?? `urn:uuid:${crypto.randomUUID()}`,
    version: 1,
    metadata: {
      timestamp: options.timestamp ?? report?.evaluatedAt ?? snapshot.collectedAt,
      tools: {
        components: [{
          type: "application",
          name: snapshot.tool.name,
          version: snapshot.tool.version,
        }],
      },
      component: project.component,
    },
    components: entries.map((entry) => entry.component),
    dependencies: dependencyGraph(project, packages, models),
  };
}

/**
 * Write a snapshot as CycloneDX 1.6 JSON text (two-space indented, ending with a newline).
 *
 * @param options As for {@linkcode cyclonedxBom}.
 * @returns The JSON text.
 * @example
 * ```ts
 * import { formatCyclonedx } from "./cyclonedx.ts";
 * import { emptySnapshot } from "../core/snapshot.ts";
 * const snapshot = emptySnapshot({ root: "app", collectedAt: "2026-01-01T00:00:00.000Z" });
 * const text = formatCyclonedx({ snapshot });
 * JSON.parse(text).specVersion; // "1.6"
 * ```
 */
export function formatCyclonedx(options: CyclonedxOptions): string {
  return JSON.stringify(cyclonedxBom(options), null, 2) + "\n";
}

/**
 * Each component's `bom-ref`: its purl, else what it is (`model:…`, `file:…`,
 * `package:<ecosystem>/<name>@<version>`); the second of two alike gets its source or a number.
 */
function assignReferences(entries: Entry[]): void {
  const taken = new Set<string>();
  for (const entry of entries) {
    const { component } = entry;
    const base = component.purl ?? fallbackReference(component);
    let ref = base;
    for (let n = 2; taken.has(ref); n++) ref = `${base}#${n}`;
    taken.add(ref);
    // bom-ref second, after type, as CycloneDX writers order it.
    const { type, ...rest } = component;
    entry.component = { type, "bom-ref": ref, ...rest };
  }
}

function fallbackReference(component: CyclonedxComponent): string {
  if (component.type === "file") return `file:${component.name}`;
  if (component.type === "machine-learning-model") {
    return `model:${component.name}${component.version ? `@${component.version}` : ""}`;
  }
  return `package:${component.name}${component.version ? `@${component.version}` : ""}`;
}

function dependencyGraph(
  project: Entry,
  packages: Entry[],
  models: Entry[],
): CyclonedxDependency[] {
  const refOf = (entry: Entry) => entry.component["bom-ref"]!;
  const edges = (refs: Iterable<string>): Pick<CyclonedxDependency, "dependsOn"> => {
    const list = [...new Set(refs)].sort();
    return list.length > 0 ? { dependsOn: list } : {};
  };
  const graph: CyclonedxDependency[] = [{
    ref: refOf(project),
    ...edges([...packages.filter((entry) => entry.direct), ...models].map(refOf)),
  }];
  const byName = new Map<string, Entry[]>();
  for (const entry of packages) {
    byName.set(entry.name!, [...byName.get(entry.name!) ?? [], entry]);
  }
  for (const entry of packages) {
    if (entry.dependsOn === undefined) continue;
    const files = new Set(entry.locations.map((at) => at.file));
    const targets: Entry[] = [];
    for (const name of entry.dependsOn) {
      const named = (byName.get(name) ?? []).filter((other) => other !== entry);
      const ecosystem = named.filter((other) => other.ecosystem === entry.ecosystem);
      const pool = ecosystem.length > 0 ? ecosystem : named;
      const sameFile = pool.filter((other) => other.locations.some((at) => files.has(at.file)));
      targets.push(...(sameFile.length > 0 ? sameFile : pool));
    }
    graph.push({ ref: refOf(entry), ...edges(targets.map(refOf)) });
  }
  return graph;
}
