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
