/**
 * Checks every CycloneDX BOM written in tests must pass: the CycloneDX 1.6 JSON schema that the
 * @cyclonedx/cyclonedx-library package ships (with the SPDX and JSF schemas it refers to), read by
 * ajv; unique bom-refs and edges that resolve.
 *
 * @module
 */
import assert from "node:assert/strict";
import ajvModule from "ajv";
import ajvFormats from "ajv-formats";
import { Spec } from "@cyclonedx/cyclonedx-library";
import type { CyclonedxBom, CyclonedxComponent } from "../../report/mod.ts";

// CommonJS modules: their default export is `module.exports`, which carries `.default` too.
const Ajv = ajvModule.default;
const addFormats = ajvFormats.default;
let validator: ReturnType<InstanceType<typeof Ajv>["compile"]> | undefined;

/**
 * RFC 3987 IRI-reference, by its characters: no space, control or `<>"{}|\^` + "`", and every `%`
 * starting an escape. (ajv-formats has no IRI formats.)
 */
const isIriReference = (text: string) =>
  [...text].every((char) => char.charCodeAt(0) > 0x20 && char.charCodeAt(0) !== 0x7f) &&
  !/[<>"{}|\\^`]/.test(text) && !/%(?![0-9A-Fa-f]{2})/.test(text);

/** Validate a BOM against the bundled CycloneDX 1.6 schema. */
export async function assertValidBom(bom: CyclonedxBom | unknown): Promise<void> {
  if (!validator) {
    // The schemas the library bundles (res/schema/, next to its package.json in the npm cache),
    // with the two the BOM schema refers to under the names it uses.
    const schemaDir = new URL(
      "res/schema/",
      import.meta.resolve("@cyclonedx/cyclonedx-library/package.json"),
    );
    const read = async (name: string) =>
      JSON.parse(await Deno.readTextFile(new URL(name, schemaDir)));
    const schemas = Object.fromEntries(
      await Promise.all(["spdx.SNAPSHOT.schema.json", "jsf-0.82.SNAPSHOT.schema.json"].map(
        async (name) => [`http://cyclonedx.org/schema/${name}`, await read(name)],
      )),
    );
    const ajv = new Ajv({ allErrors: true, strict: false, addUsedSchema: false, schemas });
    addFormats(ajv);
    ajv.addFormat("iri-reference", isIriReference);
    ajv.addFormat("idn-email", /^[^\s@]+@[^\s@]+$/);
    validator = ajv.compile(await read(`bom-${Spec.Version.v1dot6}.SNAPSHOT.schema.json`));
  }
  const validate = validator!;
  // Through JSON, as a consumer reads it.
  const data = JSON.parse(JSON.stringify(bom));
  assert.ok(validate(data), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
}

/** The checks every BOM must pass besides the schema: bom-refs unique, every edge resolves. */
export function assertGraphResolves(bom: CyclonedxBom): void {
  const refs = [bom.metadata.component, ...bom.components].map((c) => c["bom-ref"]!);
  assert.equal(new Set(refs).size, refs.length, "bom-refs are unique");
  for (const { ref, dependsOn = [] } of bom.dependencies) {
    assert.ok(refs.includes(ref), ref);
    for (const target of dependsOn) assert.ok(refs.includes(target), `${ref} → ${target}`);
    assert.deepEqual(dependsOn, [...new Set(dependsOn)].sort(), ref);
  }
}

/** The values of one property of a component. */
export const values = (component: CyclonedxComponent | undefined, name: string) =>
  (component?.properties ?? []).filter((p) => p.name === name).map((p) => p.value);
