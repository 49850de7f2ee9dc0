/**
 * The publishers the hub checks trust and compare against.
 *
 * @module
 */
import bundled from "../../data/hub_publishers.json" with { type: "json" };

/**
 * Well-known Hugging Face publishers: the default trusted list, and the names look-alikes imitate.
 * Provenance in data/hub_publishers.json.
 *
 * @example
 * ```ts
 * import { WELL_KNOWN_PUBLISHERS } from "./_publishers.ts";
 * WELL_KNOWN_PUBLISHERS.includes("meta-llama"); // true
 * ```
 */
export const WELL_KNOWN_PUBLISHERS: readonly string[] = bundled.publishers;

export const HF_CONFUSION = {
  title: "ML06 scenario: model confusion through an impersonated hub organisation",
  url: "https://owasp.org/www-project-machine-learning-security-top-10/",
};

/** Hub publishers compare case-insensitively (the Hub treats names that way). */
export function key(publisher: string): string {
  return publisher.toLowerCase();
}
