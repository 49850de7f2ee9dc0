/**
 * Helpers shared by the built-in checks: subjects, references and URL normalisation.
 *
 * @module
 */
import type { Index, Package } from "../core/snapshot.ts";
import { hasWrittenName } from "../packaging/mod.ts";
import type { Reference } from "../core/check.ts";

/**
 * The OWASP ML Top 10 reference every supply-chain check cites.
 *
 * @example
 * ```ts
 * import { OWASP_ML06 } from "./_shared.ts";
 * OWASP_ML06.url;
 * ```
 */
export const OWASP_ML06: Reference = {
  title: "OWASP Machine Learning Security Top 10 (2023): ML06 AI Supply Chain Attacks",
  url: "https://owasp.org/www-project-machine-learning-security-top-10/",
};

/**
 * The subject string of a package: `pkg:pypi/name@version`, or without `@version` when unpinned.
 *
 * @example
 * ```ts
 * import { packageSubject } from "./_shared.ts";
 * packageSubject({ ecosystem: "pypi", name: "torch", version: "2.3.1" }); // "pkg:pypi/torch@2.3.1"
 * ```
 */
export function packageSubject(pkg: Pick<Package, "ecosystem" | "name" | "version">): string {
  return `pkg:${pkg.ecosystem}/${pkg.name}${pkg.version ? `@${pkg.version}` : ""}`;
}

/**
 * A package's name for a message: as is when written, and said to be a guess when a reader made it
 * up from a path or URL (`-e .`, a git URL without `#egg=`), so nobody reads it as the project's.
 *
 * @example
 * ```ts
 * import { packageLabel } from "./_shared.ts";
 * packageLabel({ name: "repo", nameFrom: "guessed", source: { kind: "vcs", vcs: "git", url: "u" } });
 * // "repo (a name guessed from the URL)"
 * ```
 */
export function packageLabel(pkg: Pick<Package, "name" | "nameFrom" | "source">): string {
  if (hasWrittenName(pkg)) return pkg.name;
  return `${pkg.name} (a name guessed from the ${pkg.source.kind === "path" ? "path" : "URL"})`;
}

const DEFAULT_PORTS: Record<string, string> = { "http:": "80", "https:": "443" };
const CONDA_CHANNEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/**
 * Normalise an index URL for comparison: lower-case scheme and host, no credentials, no default
 * port, no trailing slash, no query or fragment. A bare conda channel name (`conda-forge`) becomes
 * its anaconda.org URL, so names and URLs of the same channel compare equal; other non-URLs
 * (paths) come back trimmed.
 *
 * @example
 * ```ts
 * import { normaliseIndexUrl } from "./_shared.ts";
 * normaliseIndexUrl("HTTPS://PyPI.org:443/simple/"); // "https://pypi.org/simple"
 * ```
 */
export function normaliseIndexUrl(url: string): string {
  const trimmed = url.trim();
  // A bare conda channel name means that channel on anaconda.org; "defaults" is Anaconda's own.
  if (CONDA_CHANNEL_NAME.test(trimmed)) {
    return trimmed === "defaults"
      ? "https://repo.anaconda.com/pkgs/main"
      : `https://conda.anaconda.org/${trimmed.toLowerCase()}`;
  }
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    return trimmed.replace(/\/+$/, "");
  }
  const port = parsed.port && parsed.port !== DEFAULT_PORTS[parsed.protocol]
    ? `:${parsed.port}`
    : "";
  // Credentials are not part of an index's identity: allow-list entries never carry them.
  const path = parsed.pathname.replace(/\/+$/, "");
  return `${parsed.protocol}//${parsed.hostname.toLowerCase()}${port}${path}`;
}

/**
 * Normalise a configured index for comparison: like {@linkcode normaliseIndexUrl}, but a bare
 * name is a conda channel only when the index is one (`-f wheels` is a directory, not a channel).
 *
 * @example
 * ```ts
 * import { normaliseIndex } from "./_shared.ts";
 * normaliseIndex({ url: "wheels", role: "find-links" }); // "wheels"
 * normaliseIndex({ url: "conda-forge", role: "conda-channel" }); // "https://conda.anaconda.org/conda-forge"
 * ```
 */
export function normaliseIndex(index: Pick<Index, "url" | "role">): string {
  if (index.role !== "conda-channel" && CONDA_CHANNEL_NAME.test(index.url.trim())) {
    return index.url.trim();
  }
  return normaliseIndexUrl(index.url);
}
