/**
 * URLs in packaging configuration: credentials never leave Tollgate unredacted (readers, enrichment, reports).
 *
 * @module
 */

const SCHEME_AUTHORITY =
  /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)([^/?#]*@)?([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/s;

/**
 * Replace credentials in a URL with `***`: user-info (`user:password@`, `token@`), query values
 * (`?token=…`), and path segments that look like access tokens (20+ characters mixing letters and
 * digits, not a hex digest — e.g. Gemfury's `/TOKEN/` prefix). Fragments (`#sha256=…`,
 * `#egg=…`) are kept. Strings that are not URLs come back unchanged.
 *
 * @param url A URL or path as written in a manifest.
 * @returns The same text with credentials replaced.
 * @example
 * ```ts
 * import { redactUrl } from "./url.ts";
 * redactUrl("https://user:s3cret@pypi.internal/simple"); // "https://***@pypi.internal/simple"
 * redactUrl("https://pypi.internal/simple?token=abc"); // "https://pypi.internal/simple?token=***"
 * ```
 */
export function redactUrl(url: string): string {
  const match = SCHEME_AUTHORITY.exec(url);
  if (!match) return url;
  const [, scheme, userinfo, host, path, query, fragment] = match;
  // git+ssh://git@host is the conventional user name, not a secret.
  const auth = userinfo === undefined ? "" : userinfo === "git@" ? "git@" : "***@";
  const safePath = path.split("/").map((segment) => looksLikeToken(segment) ? "***" : segment)
    .join("/");
  const safeQuery = query === undefined ? "" : "?" + query.slice(1).split("&").map((pair) => {
    const eq = pair.indexOf("=");
    return eq < 0 ? (pair === "" ? "" : "***") : `${pair.slice(0, eq)}=***`;
  }).join("&");
  return scheme + auth + host + safePath + safeQuery + (fragment ?? "");
}

/**
 * Whether a URL carries credentials that {@linkcode redactUrl} would hide.
 *
 * @example
 * ```ts
 * import { hasCredentials } from "./url.ts";
 * hasCredentials("https://__token__:x@host/simple"); // true
 * hasCredentials("https://pypi.org/simple"); // false
 * ```
 */
export function hasCredentials(url: string): boolean {
  return redactUrl(url) !== url;
}

function looksLikeToken(segment: string): boolean {
  return segment.length >= 20 && /^[A-Za-z0-9_.~-]+$/.test(segment) && /[A-Za-z]/.test(segment) &&
    /[0-9]/.test(segment) && !/^[0-9a-fA-F]+$/.test(segment) &&
    // a file name such as torch-2.3.1-cp311-cp311-manylinux1_x86_64.whl is not a token
    !/\.(?:whl|zip|tar|gz|bz2|xz|tgz|egg|conda|json|html)$/i.test(segment);
}

/**
 * Redact every URL inside free text (a problem message, a config value), wherever it stands.
 *
 * @example
 * ```ts
 * import { redactUrlsIn } from "./url.ts";
 * redactUrlsIn("expected an option, found 'https://u:pw@host/x'"); // "expected an option, found 'https://***@host/x'"
 * ```
 */
export function redactUrlsIn(text: string): string {
  return text.replace(/[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\s'"`<>]+/g, (url) => redactUrl(url));
}

/**
 * Whether text looks like an absolute URL with a scheme (`https://`, `git+ssh://`, `file://`).
 *
 * @example
 * ```ts
 * import { isUrl } from "./url.ts";
 * isUrl("https://x/y"); // true
 * isUrl("./wheels/a.whl"); // false
 * ```
 */
export function isUrl(text: string): boolean {
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(text);
}
