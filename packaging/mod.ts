/**
 * The Python-packaging vocabulary every layer shares: PEP 503 names, URLs with their credentials
 * redacted, distribution file names (PEP 427 wheels, sdists), and guards for parsed JSON and TOML.
 * Depends on nothing of Tollgate's but core, so collect, enrich, verify and checks all import it.
 *
 * @example
 * ```ts
 * import { normaliseName, redactUrl } from "./mod.ts";
 * normaliseName("Scikit_Learn"); // "scikit-learn"
 * redactUrl("https://user:pw@pypi.internal/simple"); // "https://***@pypi.internal/simple"
 * ```
 *
 * @module
 */
export {
  distributionVersion,
  isDistributionFilename,
  linkFilename,
  parseWheelFilename,
  sdistVersion,
  type WheelFilename,
} from "./filenames.ts";
export { isRecord } from "./guards.ts";
export { hasWrittenName, normaliseName } from "./names.ts";
export { hasCredentials, isUrl, redactUrl, redactUrlsIn } from "./url.ts";
