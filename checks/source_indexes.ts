/**
 * `source.allowed-indexes` and `source.https-only`: which indexes, and over what transport.
 *
 * @module
 */
import { z } from "zod";
import { defineCheck, type FindingDraft } from "../core/check.ts";
import { globToRegExp } from "../core/glob.ts";
import { normaliseIndex, normaliseIndexUrl, OWASP_ML06, packageSubject } from "./_shared.ts";

/**
 * The indexes allowed when a policy names none: PyPI and conda-forge.
 *
 * @example
 * ```ts
 * import { DEFAULT_ALLOWED_INDEXES } from "./source.ts";
 * DEFAULT_ALLOWED_INDEXES.includes("https://pypi.org/simple"); // true
 * ```
 */
export const DEFAULT_ALLOWED_INDEXES: readonly string[] = [
  "https://pypi.org/simple",
  "https://conda.anaconda.org/conda-forge",
];

/**
 * `source.allowed-indexes`: every index, find-links location and conda channel is on the allow
 * list (globs, compared after URL normalisation).
 *
 * @example
 * ```ts
 * import { allowedIndexes } from "./source.ts";
 * allowedIndexes({ indexes: ["https://pypi.org/simple", "https://pypi.corp.example/*"] });
 * ```
 */
export const allowedIndexes = defineCheck({
  id: "source.allowed-indexes",
  title: "Packages come only from allowed indexes",
  description:
    "Every package index, find-links location and conda channel the project configures must be on " +
    "the allow list. An unexpected index is where typo-squatted, shadowing or tampered packages " +
    "come from. URLs are compared after normalisation (case of scheme and host, default ports, " +
    "trailing slashes); credentials are never shown.",
  family: "source",
  severity: "error",
  references: [OWASP_ML06],
  params: z.object({
    indexes: z.array(z.string().min(1)).default([...DEFAULT_ALLOWED_INDEXES])
      .describe(
        "Allowed index URLs or channel names (globs: '*' within a path segment, '**' across)",
      ),
  }).strict(),
  needs: ["indexes"],
  remedy: "Remove the index, or add it to the policy's allow list after review.",
  run(snapshot, params) {
    const allowed = params.indexes.map((glob) =>
      globToRegExp(normaliseIndexUrl(glob), { path: true })
    );
    return snapshot.indexes.filter((index) => {
      const url = normaliseIndex(index);
      return !allowed.some((re) => re.test(url));
    }).map((index) => ({
      subject: `index:${index.url}`,
      location: index.location,
      message: `${describeRole(index.role)} ${index.url} is not on the allowed list.`,
      evidence: { role: index.role, allowed: params.indexes },
      fix: `Remove it from ${index.location.file}, or add "${
        normaliseIndex(index)
      }" to source.allowed-indexes.indexes once it is reviewed.`,
    }));
  },
});

/** How each installer spells "do not verify TLS for this host", by where it was configured. */
function insecureOrigin(file: string): { what: string; remove: string; ca: string } {
  const base = file.slice(file.lastIndexOf("/") + 1);
  if (base === "Pipfile" || base === "pyproject.toml") {
    return {
      what: "verify_ssl = false",
      remove: `Set verify_ssl = true on the source in ${file}`,
      ca: "REQUESTS_CA_BUNDLE",
    };
  }
  if (file === "env:UV_INSECURE_HOST" || base === "uv.toml") {
    return {
      what: "uv allow-insecure-host",
      remove: file.startsWith("env:")
        ? "Unset UV_INSECURE_HOST"
        : `Remove allow-insecure-host from ${file}`,
      ca: "SSL_CERT_FILE, or native-tls = true",
    };
  }
  return {
    what: "pip --trusted-host",
    remove: file.startsWith("env:")
      ? `Unset ${file.slice(4)}`
      : `Remove --trusted-host from ${file}`,
    ca: "--cert / PIP_CERT",
  };
}

function describeRole(role: string): string {
  switch (role) {
    case "primary":
      return "Index";
    case "extra":
      return "Extra index";
    case "find-links":
      return "Find-links location";
    case "conda-channel":
      return "Conda channel";
    default:
      return `${role[0].toUpperCase()}${role.slice(1)} index`;
  }
}

const PLAINTEXT = /^(?:[a-z0-9+.-]*\+)?(?:http|git|svn|hg|bzr):\/\//i;

/**
 * `source.https-only`: no plain-HTTP indexes or package URLs, and no `--trusted-host`, which
 * turns off certificate checks for a host.
 *
 * @example
 * ```ts
 * import { httpsOnly } from "./source.ts";
 * httpsOnly({ allowHosts: ["localhost"] });
 * ```
 */
export const httpsOnly = defineCheck({
  id: "source.https-only",
  title: "Packages are fetched over verified TLS",
  description:
    "Indexes, find-links locations and package URLs must use https (or ssh for VCS), and no " +
    "setting may disable certificate verification (pip --trusted-host, PIP_TRUSTED_HOST). On a " +
    "plain or unverified connection anyone on the path can swap the package.",
  family: "source",
  severity: "error",
  references: [OWASP_ML06],
  params: z.object({
    allowHosts: z.array(z.string().min(1)).default([])
      .describe("Hosts exempt from this check (e.g. a loopback mirror)"),
  }).strict(),
  needs: ["indexes", "packages", "settings"],
  remedy: "Serve the index over https with a valid certificate and remove --trusted-host.",
  run(snapshot, params) {
    const exempt = (url: string) => {
      try {
        return params.allowHosts.includes(new URL(url.replace(/^[a-z]+\+/i, "")).hostname);
      } catch {
        return false;
      }
    };
    const findings: FindingDraft[] = [];
    for (const index of snapshot.indexes) {
      if (!PLAINTEXT.test(index.url) || exempt(index.url)) continue;
      findings.push({
        subject: `index:${index.url}`,
        location: index.location,
        message: `${index.url} is fetched over plain HTTP.`,
        fix: `Change it to https:// in ${index.location.file}.`,
      });
    }
    for (const setting of snapshot.settings) {
      if (setting.name !== "trusted-host" || params.allowHosts.includes(setting.value ?? "")) {
        continue;
      }
      const origin = insecureOrigin(setting.location.file);
      findings.push({
        subject: `host:${setting.value ?? ""}`,
        location: setting.location,
        message: `${origin.what} turns off TLS verification for ${setting.value}.`,
        fix: `${origin.remove} and give the host a valid certificate (or trust your CA bundle: ` +
          `${origin.ca}).`,
      });
    }
    for (const pkg of snapshot.packages) {
      const url = pkg.source.kind === "url" || pkg.source.kind === "vcs" ? pkg.source.url : "";
      if (!url || !PLAINTEXT.test(url) || exempt(url)) continue;
      findings.push({
        subject: packageSubject(pkg),
        location: pkg.locations[0],
        message: `${pkg.name} is downloaded from ${url} without TLS.`,
        fix: "Use an https:// (or ssh) URL.",
      });
    }
    return findings;
  },
});
