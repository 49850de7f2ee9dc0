/**
 * `source.https-only`: packages are fetched over verified TLS.
 *
 * @module
 */
import { z } from "zod";
import { defineCheck, type FindingDraft } from "../../core/check.ts";
import { OWASP_ML06, packageSubject } from "../_shared.ts";
import { boundedList, countPackages } from "./_lists.ts";
import { recordedIn, recordedIndexes, relockCommands } from "./_recorded.ts";

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

const PLAINTEXT = /^(?:[a-z0-9+.-]*\+)?(?:http|git|svn|hg|bzr):\/\//i;

/** The host of a URL (VCS prefix `git+` dropped), or undefined when it does not parse. */
function hostOf(url: string): string | undefined {
  try {
    return new URL(url.replace(/^[a-z]+\+/i, "")).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** Traffic to this machine crosses no network: nobody on a path can swap it. */
function isLoopback(host: string): boolean {
  return host === "localhost" || host.endsWith(".localhost") || host === "[::1]" ||
    /^127(?:\.\d{1,3}){3}$/.test(host);
}

/**
 * `source.https-only`: no plain-HTTP indexes or package URLs, and no `--trusted-host`, which
 * turns off certificate checks for a host.
 *
 * @example
 * ```ts
 * import { httpsOnly } from "./https_only.ts";
 * httpsOnly({ allowHosts: ["localhost"] });
 * ```
 */
export const httpsOnly = defineCheck({
  id: "source.https-only",
  title: "Packages are fetched over verified TLS",
  description:
    "Indexes, find-links locations and package URLs must use https (or ssh for VCS), and no " +
    "setting may disable certificate verification (pip --trusted-host, PIP_TRUSTED_HOST). On a " +
    "plain or unverified connection anyone on the path can swap the package. Besides the " +
    "configured indexes, the index every lock entry records (uv.lock, poetry.lock, Pipfile.lock, " +
    "pylock.toml, conda-lock) is judged: the next install fetches from it. Loopback hosts " +
    "(localhost, 127.0.0.1, ::1) cross no network and pass.",
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
      const host = hostOf(url);
      return host !== undefined && (isLoopback(host) || params.allowHosts.includes(host));
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
    for (const recorded of recordedIndexes(snapshot)) {
      if (!PLAINTEXT.test(recorded.url) || exempt(recorded.url)) continue;
      const { packages } = recorded;
      findings.push({
        subject: `index:${recorded.url}`,
        location: recorded.location,
        message: `${recorded.url}, ${recordedIn(recorded)}, is fetched over plain HTTP: ` +
          `${countPackages(packages.length, ["comes", "come"])} from it (${
            boundedList(packages)
          }).`,
        evidence: { packages, recordedIn: recorded.files },
        fix: "Serve that index over https:// (change its URL where it is configured), re-lock " +
          `(${relockCommands(recorded)}) and check that the packages' hashes are still the ` +
          "ones you reviewed.",
      });
    }
    return findings;
  },
});
