/**
 * URL helpers shared by readers: credentials never leave a reader unredacted.
 *
 * @module
 */

const SCHEME_AUTHORITY = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)([^/?#]*@)([^/?#]*)/;

/**
 * Replace any `user:password@` (or token `@`) in a URL with `***@`, leaving everything else as
 * written. Strings that are not URLs come back unchanged.
 *
 * @param url A URL or path as written in a manifest.
 * @returns The same text with credentials replaced.
 * @example
 * ```ts
 * import { redactUrl } from "./_url.ts";
 * redactUrl("https://user:s3cret@pypi.internal/simple"); // "https://***@pypi.internal/simple"
 * ```
 */
export function redactUrl(url: string): string {
  const match = SCHEME_AUTHORITY.exec(url);
  if (!match) return url;
  // git+ssh://git@github.com is a user name, not a secret, but telling them apart is guesswork;
  // keep the conventional "git@" and redact everything else.
  if (match[2] === "git@") return url;
  return match[1] + "***@" + match[3] + url.slice(match[0].length);
}

/**
 * Whether text looks like an absolute URL with a scheme (`https://`, `git+ssh://`, `file://`).
 *
 * @example
 * ```ts
 * import { isUrl } from "./_url.ts";
 * isUrl("https://x/y"); // true
 * isUrl("./wheels/a.whl"); // false
 * ```
 */
export function isUrl(text: string): boolean {
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(text);
}
