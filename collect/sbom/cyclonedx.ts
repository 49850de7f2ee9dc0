/**
 * A snapshot from a CycloneDX JSON BOM written by another tool (cdxgen, Syft…), so that a policy
 * runs on an SBOM. Components with a `pkg:pypi` or `pkg:conda` package URL become lock-layer
 * packages, `pkg:huggingface` ones model references; the dependency graph gives `dependsOn`, and
 * `direct` when the BOM records what its own component depends on. Everything a BOM cannot say
 * (indexes, installer settings, environments, how code loads models, model files, deployment)
 * is listed in the snapshot's `missing`, so the checks that need it error with the reason instead
 * of passing. The BOM is untrusted input: sizes, nesting and strings are bounded, and a BOM that is
 * not one is refused with a {@linkcode ConfigError} naming the file and key path.
 *
 * @module
 */
import * as path from "node:path";
import { emptySnapshot, type Snapshot } from "../../core/snapshot.ts";
import { isRecord } from "../../packaging/mod.ts";
import { BomValues, describeJson, readComponent } from "./_bom_json.ts";
import { parseJson, readBomText } from "./_bom_file.ts";
import {
  linkDependencies,
  MAX_BOM_COMPONENTS,
  MAX_BOM_NESTING,
  problemList,
  readComponents,
} from "./_bom_walk.ts";
import { BOM_COLLECTED, bomMissingSections } from "./_coverage.ts";

/**
 * Largest BOM read, in bytes (and characters for {@linkcode snapshotFromCyclonedx}): cdxgen
 * writes about 3 kB per Python package, so this leaves room for well over 10,000 components.
 *
 * @example
 * ```ts
 * import { MAX_BOM_BYTES } from "./cyclonedx.ts";
 * MAX_BOM_BYTES; // 64 MiB
 * ```
 */
export const MAX_BOM_BYTES = 64 * 1024 * 1024;

/**
 * The CycloneDX specification versions read. JSON BOMs start at 1.2; 1.7 is cdxgen's default and
 * changes nothing the import reads.
 *
 * @example
 * ```ts
 * import { CYCLONEDX_SPEC_VERSIONS } from "./cyclonedx.ts";
 * CYCLONEDX_SPEC_VERSIONS.includes("1.6"); // true
 * ```
 */
export const CYCLONEDX_SPEC_VERSIONS: readonly string[] = [
  "1.2",
  "1.3",
  "1.4",
  "1.5",
  "1.6",
  "1.7",
];

export { MAX_BOM_COMPONENTS, MAX_BOM_NESTING };

/** The input format name in the snapshot's `inputs`. */
const FORMAT = "cyclonedx";

/**
 * What {@linkcode snapshotFromCyclonedx} takes.
 *
 * @example
 * ```ts
 * import type { CyclonedxTextOptions } from "./cyclonedx.ts";
 * const options: CyclonedxTextOptions = {
 *   text: '{"bomFormat": "CycloneDX", "specVersion": "1.6"}',
 *   file: "bom.json",
 *   collectedAt: "2026-01-01T00:00:00.000Z",
 * };
 * ```
 */
export interface CyclonedxTextOptions {
  /** The BOM's JSON text. */
  text: string;
  /** The BOM's path as the user gave it: every location and problem names it. */
  file: string;
  /** The collection time written into the snapshot (ISO 8601). Default: now. */
  collectedAt?: string;
}

/**
 * Build a snapshot from the text of a CycloneDX JSON BOM (specification 1.2 to 1.7).
 *
 * @param options The text, the file it came from, and `collectedAt`.
 * @returns A snapshot whose `collected` is `["packages"]` and whose `missing` gives the reason for
 * every other section; components Tollgate cannot place (no package URL, a model not on the
 * Hugging Face hub) are `problems`. Components of other ecosystems (npm, Maven, OS packages…) are
 * not Python supply chain and are left out, as a project's package.json is.
 * @throws {ConfigError} When the text is not JSON, not a CycloneDX BOM, of another specification
 * version, or has a value of the wrong type (a component without a name, `components` not an
 * array…): the message names the file and key path.
 * @example
 * ```ts
 * import { snapshotFromCyclonedx } from "./cyclonedx.ts";
 * const snapshot = snapshotFromCyclonedx({
 *   file: "bom.json",
 *   collectedAt: "2026-01-01T00:00:00.000Z",
 *   text: JSON.stringify({
 *     bomFormat: "CycloneDX",
 *     specVersion: "1.6",
 *     metadata: { component: { type: "application", name: "demo", "bom-ref": "demo" } },
 *     components: [
 *       { type: "library", name: "PyYAML", purl: "pkg:pypi/pyyaml@6.0.2", "bom-ref": "y" },
 *       {
 *         type: "machine-learning-model",
 *         name: "bert-base-uncased",
 *         purl: "pkg:huggingface/google-bert/bert-base-uncased@86b5e0934494bd15c9632b12f734a8a67f723594",
 *       },
 *     ],
 *     dependencies: [{ ref: "demo", dependsOn: ["y"] }],
 *   }),
 * });
 * snapshot.packages[0].name; // "pyyaml"
 * snapshot.packages[0].specifier; // "==6.0.2"
 * snapshot.packages[0].direct; // true
 * snapshot.models[0].repoId; // "google-bert/bert-base-uncased"
 * snapshot.collected; // ["packages"]
 * ```
 */
export function snapshotFromCyclonedx(options: CyclonedxTextOptions): Snapshot {
  const { file } = options;
  const values: BomValues = new BomValues(file);
  if (options.text.length > MAX_BOM_BYTES) {
    values.fail(
      [],
      `is ${options.text.length} characters long, over the ${MAX_BOM_BYTES}-character limit`,
    );
  }
  const bom = parseJson(options.text, file);
  if (!isRecord(bom)) {
    values.fail(
      [],
      `expected a CycloneDX BOM (a JSON object with bomFormat "CycloneDX"), found ${
        describeJson(bom)
      }`,
    );
  }
  const format = values.string(bom, "bomFormat", []);
  if (format !== "CycloneDX") {
    values.fail(["bomFormat"], `expected "CycloneDX", found ${describeJson(format)}`);
  }
  const spec = values.string(bom, "specVersion", []);
  if (spec === undefined || !CYCLONEDX_SPEC_VERSIONS.includes(spec)) {
    values.fail(
      ["specVersion"],
      `expected a CycloneDX specification version from ${CYCLONEDX_SPEC_VERSIONS[0]} to ${
        CYCLONEDX_SPEC_VERSIONS.at(-1)
      }, found ${describeJson(bom.specVersion)}`,
    );
  }
  const metadata = values.object(bom, "metadata", []);
  const project = metadata?.component === undefined
    ? undefined
    : readComponent(values, metadata.component, ["metadata", "component"]);

  const problems = problemList(file);
  const found = readComponents(values, values.array(bom, "components", []), problems.report);
  linkDependencies(values, bom, { ...found, projectRef: project?.bomRef, report: problems.report });

  const snapshot = emptySnapshot({
    root: project?.name.trim() || path.basename(file),
    collectedAt: options.collectedAt ?? new Date().toISOString(),
  });
  snapshot.collected = [...BOM_COLLECTED];
  snapshot.missing = bomMissingSections(found.models.length);
  snapshot.inputs = [{ file, format: FORMAT }];
  snapshot.packages = found.packages;
  snapshot.models = found.models;
  snapshot.problems = problems.list();
  return snapshot;
}

/**
 * What {@linkcode readCyclonedxBom} takes.
 *
 * @example
 * ```ts
 * import type { ReadCyclonedxOptions } from "./cyclonedx.ts";
 * const options: ReadCyclonedxOptions = { file: "bom.cdx.json", now: new Date("2026-01-01") };
 * ```
 */
export interface ReadCyclonedxOptions {
  /** The BOM file, as the user named it. */
  file: string;
  /** The collection time written into the snapshot. Default: now. */
  now?: Date;
  /** Largest file read, in bytes. Default {@linkcode MAX_BOM_BYTES}. */
  maxBytes?: number;
}

/**
 * Read a CycloneDX JSON BOM file into a snapshot (see {@linkcode snapshotFromCyclonedx}).
 *
 * @param options The file, and `now`, `maxBytes`.
 * @returns The snapshot.
 * @throws {ConfigError} When the file does not exist, is not a regular file, is larger than
 * `maxBytes`, is not UTF-8, or is not a CycloneDX BOM Tollgate reads (the CLI's exit 2).
 * @throws {ReadError} When the file exists but cannot be read (permissions, I/O).
 * @example
 * ```ts
 * import { readCyclonedxBom } from "./cyclonedx.ts";
 * const snapshot = await readCyclonedxBom({ file: "tests/fixtures/sbom/poetry-old-lock.cdx.json" });
 * snapshot.root; // "foobar"
 * snapshot.packages.map((p) => `${p.name}==${p.version}`); // ["sampleproject==1.3.1"]
 * ```
 */
export async function readCyclonedxBom(options: ReadCyclonedxOptions): Promise<Snapshot> {
  const text = await readBomText(options.file, options.maxBytes ?? MAX_BOM_BYTES);
  return snapshotFromCyclonedx({
    text,
    file: options.file,
    collectedAt: (options.now ?? new Date()).toISOString(),
  });
}
