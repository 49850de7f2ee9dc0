/**
 * The `artifact` family: model files on disk, and the code that loads them.
 * One check per file beside this one, named after its id; this module is the family's
 * public face.
 *
 * @module
 */
export {
  DANGEROUS_PICKLE_GLOBALS,
  noUnsafePickle,
  SAFE_PICKLE_GLOBALS,
} from "./no_unsafe_pickle.ts";
export { noEmbeddedCode } from "./no_embedded_code.ts";
export { isPickled, safeFormat } from "./safe_format.ts";
export { safeLoaders } from "./safe_loaders.ts";
