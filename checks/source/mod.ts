/**
 * The `source` family: where packages may come from, and how.
 * One check per file beside this one, named after its id; this module is the family's
 * public face.
 *
 * @module
 */
export { allowedIndexes, DEFAULT_ALLOWED_INDEXES } from "./allowed_indexes.ts";
export { httpsOnly } from "./https_only.ts";
export { noDependencyConfusion } from "./no_dependency_confusion.ts";
export { unclaimedNames } from "./unclaimed_names.ts";
export { vcsPinned } from "./vcs_pinned.ts";
export {
  KNOWN_DISTINCT_PYPI_PACKAGES,
  lookalikePackages,
  POPULAR_PYPI_PACKAGES,
} from "./lookalike_packages.ts";
