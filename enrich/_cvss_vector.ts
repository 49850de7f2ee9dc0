/**
 * Strict reading of CVSS vector strings (`CVSS:3.1/AV:N/...`, `CVSS:4.0/AV:N/...`): the prefix,
 * then `METRIC:VALUE` pairs separated by `/`, each metric known, each value allowed, none twice,
 * every mandatory metric present.
 *
 * @module
 */

/** A vector's metrics by abbreviation, or why the vector was refused. */
export type VectorParse =
  | { metrics: Map<string, string>; reason?: undefined }
  | { metrics?: undefined; reason: string };

/** Longest vector read; a CVSS v4.0 vector with every metric is under 200 characters. */
const MAX_VECTOR_LENGTH = 512;

/**
 * Split a vector into its metrics, checking each against the allowed values.
 *
 * @param vector The vector string.
 * @param options `prefix` (`CVSS:3.1`), `allowed` values per metric, `required` metrics.
 * @returns The metrics, or a reason naming what was wrong.
 * @example
 * ```ts
 * import { parseVectorMetrics } from "./_cvss_vector.ts";
 * parseVectorMetrics("CVSS:3.1/AV:N", { prefix: "CVSS:3.1", allowed: { AV: ["N"] }, required: ["AV"] });
 * // { metrics: Map { "AV" => "N" } }
 * ```
 */
export function parseVectorMetrics(
  vector: string,
  options: {
    prefix: string;
    allowed: Readonly<Record<string, readonly string[]>>;
    required: readonly string[];
  },
): VectorParse {
  if (vector.length > MAX_VECTOR_LENGTH) {
    return { reason: `vector is longer than ${MAX_VECTOR_LENGTH} characters` };
  }
  if (!vector.startsWith(`${options.prefix}/`)) {
    return { reason: `vector does not start with "${options.prefix}/"` };
  }
  const metrics = new Map<string, string>();
  for (const part of vector.slice(options.prefix.length + 1).split("/")) {
    const colon = part.indexOf(":");
    if (colon <= 0 || colon !== part.lastIndexOf(":") || colon === part.length - 1) {
      return { reason: `"${part}" is not METRIC:VALUE` };
    }
    const name = part.slice(0, colon);
    const value = part.slice(colon + 1);
    if (!Object.hasOwn(options.allowed, name)) return { reason: `unknown metric "${name}"` };
    if (!options.allowed[name].includes(value)) {
      return {
        reason: `${name}:${value} is not allowed (${name} takes ${
          options.allowed[name].join(", ")
        })`,
      };
    }
    if (metrics.has(name)) return { reason: `metric ${name} appears twice` };
    metrics.set(name, value);
  }
  const missing = options.required.filter((name) => !metrics.has(name));
  if (missing.length > 0) return { reason: `missing base metric(s) ${missing.join(", ")}` };
  return { metrics };
}
