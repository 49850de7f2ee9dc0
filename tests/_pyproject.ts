/**
 * Shared by the pyproject tests.
 *
 * @module
 */
import { Package } from "../core/snapshot.ts";

const file = "pyproject.toml";

/** A manifest package with the defaults filled in, for exact expectations. */
export function pkg(fields: Partial<Package> & { name: string; line: number }): Package {
  const { line, ...rest } = fields;
  return Package.parse({
    ecosystem: "pypi",
    specifier: "",
    extras: [],
    hashes: [],
    source: { kind: "index" },
    layer: "manifest",
    direct: true,
    editable: false,
    groups: [],
    locations: [{ file, line }],
    ...rest,
  });
}
