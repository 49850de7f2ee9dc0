/**
 * What the formatters share: bounded, well-formed text and the test for "a file in the project".
 *
 * @module
 */

/**
 * `text` with lone surrogates replaced by U+FFFD, cut to `max` UTF-16 units (never inside a
 * surrogate pair) with `…` at the cut.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max && text.isWellFormed()) return text;
  const whole = text.toWellFormed();
  if (whole.length <= max) return whole;
  let end = Math.max(0, max - 1);
  const last = whole.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return whole.slice(0, end) + "…";
}

// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const CONTROLS = new RegExp(CONTROL.source, "g");

/**
 * `text` with control characters other than tab, line feed and carriage return replaced by
 * U+FFFD: a terminal escape sequence in a finding must not repaint a CI log or a rendered page.
 */
export function withoutControls(text: string): string {
  return CONTROL.test(text) ? text.replace(CONTROLS, "\uFFFD") : text;
}

/**
 * The path of a location inside the project, `/`-separated with no `.` or empty segments; or
 * undefined when it names something outside the project (`~/…`, `/…`, a drive, `env:NAME`) or
 * climbs out of it with `..`.
 */
export function projectFile(file: string): string | undefined {
  if (/^(?:~(?:\/|$)|\/|\\|[A-Za-z]:|env:)/.test(file)) return undefined;
  const segments = file.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.length === 0 || segments.includes("..")) return undefined;
  return segments.join("/");
}

/**
 * A `--path-prefix` made canonical: `/`-separated, no `.` or empty segments, `""` for none.
 *
 * @throws {TypeError} when it is absolute or climbs out with `..`: paths must stay in the repository.
 */
export function pathPrefix(prefix: string | undefined): string {
  if (prefix === undefined || prefix.split("/").every((s) => s === "" || s === ".")) return "";
  const inside = projectFile(prefix.replaceAll("\\", "/"));
  if (inside === undefined) {
    throw new TypeError(
      `pathPrefix: "${prefix}" is not a relative path inside the repository (no leading /, no ..)`,
    );
  }
  return inside;
}

/** {@linkcode projectFile} under a canonical prefix (the project's folder in the repository). */
export function repositoryFile(file: string, prefix: string): string | undefined {
  const inside = projectFile(file);
  return inside === undefined || prefix === "" ? inside : `${prefix}/${inside}`;
}

/** `file:line:column`, as far as known. */
export function locationText(
  location: { file: string; line?: number; column?: number } | undefined,
): string {
  if (!location) return "";
  const line = location.line === undefined ? "" : `:${location.line}`;
  const column = location.line === undefined || location.column === undefined
    ? ""
    : `:${location.column}`;
  return `${location.file}${line}${column}`;
}
