/**
 * The `freshness` family: how current and how safe the pinned versions are.
 * One check per file beside this one, named after its id; this module is the family's
 * public face.
 *
 * @module
 */
export { maxAge } from "./max_age.ts";
export { minReleaseAge } from "./min_release_age.ts";
export { notYanked } from "./not_yanked.ts";
export { noKnownVulnerabilities } from "./no_known_vulnerabilities.ts";
