/**
 * The `source` family: where packages may come from, and how. One check per file beside this
 * one; this module is the family's public surface.
 *
 * @module
 */
export { allowedIndexes, DEFAULT_ALLOWED_INDEXES, httpsOnly } from "./source_indexes.ts";
export { noDependencyConfusion } from "./source_confusion.ts";
export { vcsPinned } from "./source_vcs.ts";
export {
  KNOWN_DISTINCT_PYPI_PACKAGES,
  lookalikePackages,
  POPULAR_PYPI_PACKAGES,
} from "./source_lookalike.ts";
