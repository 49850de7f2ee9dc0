/**
 * Snapshots from software bills of materials written by other tools: CycloneDX JSON BOMs
 * (cdxgen, Syft…), so that a policy runs on an SBOM. What a BOM cannot say is reported as missing
 * coverage, never assumed to pass.
 *
 * @example
 * ```ts
 * import { readCyclonedxBom } from "./mod.ts";
 * const snapshot = await readCyclonedxBom({ file: "tests/fixtures/sbom/pipfile-lock.cdx.json" });
 * snapshot.packages.map((p) => p.name); // ["pypi-pkg-test", "there"]
 * ```
 *
 * @module
 */
export {
  CYCLONEDX_SPEC_VERSIONS,
  type CyclonedxTextOptions,
  MAX_BOM_BYTES,
  MAX_BOM_COMPONENTS,
  MAX_BOM_NESTING,
  readCyclonedxBom,
  type ReadCyclonedxOptions,
  snapshotFromCyclonedx,
} from "./cyclonedx.ts";
