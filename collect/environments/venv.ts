/**
 * Reads virtualenv descriptions (`pyvenv.cfg`), the base interpreter's PEP 668 marker, and the
 * small metadata files of an installed distribution (METADATA headers, `direct_url.json`).
 *
 * @module
 */
import { stat } from "node:fs/promises";
import * as path from "node:path";
import type { Environment, Problem } from "../../core/snapshot.ts";
import type { Distribution, StartupFile } from "../../core/snapshot_environments.ts";
import { readConfinedText } from "../_hash.ts";
import { hasErrorCode } from "../node_fs.ts";

const MAX_RECORD_BYTES = 32 * 1024 * 1024;

/**
 * Parse a `pyvenv.cfg` (PEP 405): `key = value` lines. Keys are case-insensitive; unknown keys
 * are ignored; a line without `=` is a problem. The creating tool is read from the key it writes
 * (`uv = …`, `virtualenv = …`); otherwise the standard library's `venv`. It is returned beside
 * the environment (`creator`) for the caller to record.
 *
 * @param text The file's contents.
 * @param options `file` (relative path of the pyvenv.cfg) and `envPath` (its directory).
 * @returns The environment, any problems, and the creating tool.
 * @example
 * ```ts
 * import { parsePyvenvCfg } from "./venv.ts";
 * const { environment } = parsePyvenvCfg(
 *   "home = /usr/bin\ninclude-system-site-packages = true\nversion = 3.11.7\n",
 *   { file: ".venv/pyvenv.cfg", envPath: ".venv" },
 * );
 * environment.includeSystemSitePackages; // true
 * ```
 */
export function parsePyvenvCfg(
  text: string,
  options: { file: string; envPath: string },
): { environment: Environment; problems: Problem[]; creator: string } {
  const { file, envPath } = options;
  const problems: Problem[] = [];
  const values = new Map<string, { value: string; line: number }>();
  const lines = text.split(/\r\n|\r|\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq < 0) {
      problems.push({ file, line: i + 1, message: `expected "key = value", found "${line}"` });
      continue;
    }
    values.set(line.slice(0, eq).trim().toLowerCase(), {
      value: line.slice(eq + 1).trim(),
      line: i + 1,
    });
  }
  const system = values.get("include-system-site-packages");
  if (system && !["true", "false"].includes(system.value.toLowerCase())) {
    problems.push({
      file,
      line: system.line,
      message: `include-system-site-packages: expected true or false, found "${system.value}"`,
    });
  }
  const version = values.get("version") ?? values.get("version_info");
  const home = values.get("home");
  const environment: Environment = {
    path: envPath,
    kind: values.has("conda") ? "conda" : "venv",
    // Python treats anything but "true" (case-insensitive) as false; so do we.
    includeSystemSitePackages: system?.value.toLowerCase() === "true",
    ...(version ? { pythonVersion: version.value } : {}),
    ...(home ? { home: home.value } : {}),
    distributions: [],
    location: system ? { file, line: system.line } : { file },
  };
  return { environment, problems, creator: creatorOf(values) };
}

function creatorOf(values: Map<string, unknown>): string {
  if (values.has("uv")) return "uv";
  if (values.has("virtualenv")) return "virtualenv";
  if (values.has("conda")) return "conda";
  return "venv";
}

/**
 * Read `Name` and `Version` from core metadata (RFC 822-style headers, METADATA or PKG-INFO):
 * headers end at the first blank line; the first occurrence of each wins.
 *
 * @param text The start of the file.
 * @returns The name and version when present.
 * @example
 * ```ts
 * import { parseMetadataHeaders } from "./venv.ts";
 * parseMetadataHeaders("Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n\nlong text");
 * // { name: "demo", version: "1.0" }
 * ```
 */
export function parseMetadataHeaders(text: string): { name?: string; version?: string } {
  const result: { name?: string; version?: string } = {};
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line.trim() === "") break;
    const match = /^(Name|Version)\s*:\s*(.*?)\s*$/i.exec(line);
    if (!match || match[2] === "") continue;
    const key = match[1].toLowerCase() as "name" | "version";
    result[key] ??= match[2];
  }
  return result;
}

/**
 * Parse a PEP 610 `direct_url.json`: a JSON object (`url` plus `vcs_info`, `archive_info` or
 * `dir_info`).
 *
 * @param text The file's text.
 * @returns The object, or an error saying what was wrong.
 * @example
 * ```ts
 * import { parseDirectUrl } from "./venv.ts";
 * parseDirectUrl('{"url": "file:///src/demo", "dir_info": {"editable": true}}').value?.url;
 * // "file:///src/demo"
 * ```
 */
export function parseDirectUrl(
  text: string,
): { value: Record<string, unknown> } | { value?: undefined; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: `not valid JSON: ${error instanceof Error ? error.message : error}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { error: "expected a JSON object" };
  }
  if (typeof (value as Record<string, unknown>).url !== "string") {
    return { error: 'expected a "url" string' };
  }
  return { value: value as Record<string, unknown> };
}

/**
 * Whether the base interpreter a virtualenv was made from carries the PEP 668
 * `EXTERNALLY-MANAGED` marker in its standard-library directory. Only the marker's existence is
 * checked, at two candidate paths at most.
 *
 * @param home `home` from pyvenv.cfg (the base interpreter's directory).
 * @param version The Python version (`3.11.7`).
 * @returns `true`/`false`, or `undefined` when it cannot be decided.
 * @example
 * ```ts ignore
 * import { isExternallyManaged } from "./venv.ts";
 * await isExternallyManaged("/usr/bin", "3.11.2"); // true on Debian 12
 * ```
 */
export async function isExternallyManaged(
  home: string,
  version: string,
): Promise<boolean | undefined> {
  const xy = /^(\d+)\.(\d+)/.exec(version);
  if (!xy) return undefined;
  const windows = /^[A-Za-z]:[\\/]/.test(home) || home.includes("\\");
  if (!windows && !home.startsWith("/")) return undefined;
  const stdlib = `python${xy[1]}.${xy[2]}`;
  const candidates = windows ? [`${home.replace(/[\\/]+$/, "")}\\Lib\\EXTERNALLY-MANAGED`] : [
    path.posix.join(path.posix.dirname(home), "lib", stdlib, "EXTERNALLY-MANAGED"),
    path.posix.join(home, "lib", stdlib, "EXTERNALLY-MANAGED"),
  ];
  for (const candidate of candidates) {
    try {
      if ((await stat(candidate)).isFile()) return true;
    } catch (error) {
      if (!hasErrorCode(error, "ENOENT")) return undefined;
    }
  }
  return false;
}

/**
 * Read one `*.dist-info` (or legacy `*.egg-info`) directory of a site-packages: METADATA name
 * and version, INSTALLER, REQUESTED, `direct_url.json`, and RECORD's text. Reads stay inside
 * `envReal`; what cannot be read becomes a problem.
 *
 * @param options `envReal` (resolved environment root), `sitePackages` (relative to it), `name`
 *   (the directory's name), `show` (display a path), `problems`.
 * @returns The distribution and RECORD's text, or `undefined` when it has no name at all.
 * @example
 * ```ts ignore
 * import { readDistInfo } from "./venv.ts";
 * const read = await readDistInfo({
 *   envReal: "/srv/app/.venv", sitePackages: "lib/python3.11/site-packages",
 *   name: "pip-23.2.1.dist-info", show: (p) => `.venv/${p}`, problems: [],
 * });
 * ```
 */
export async function readDistInfo(options: {
  envReal: string;
  sitePackages: string;
  name: string;
  show: (relative: string) => string;
  problems: Problem[];
}): Promise<{ distribution: Distribution; recordText?: string } | undefined> {
  const { envReal, name, show, problems } = options;
  const dir = `${options.sitePackages}/${name}`;
  const report = (file: string, message: string) =>
    problems.push({ file: show(file), message: `${show(file)}: ${message}` });
  const egg = name.endsWith(".egg-info");
  const fallback = /^(.+?)-([^-]+)\.(dist|egg)-info$/.exec(name);
  // An .egg-info is a directory holding PKG-INFO, or (distutils) a single PKG-INFO-style file.
  let metadataFile = egg ? `${dir}/PKG-INFO` : `${dir}/METADATA`;
  let metadata = await readConfinedText(envReal, metadataFile, 64 * 1024);
  if (egg && "error" in metadata) {
    const single = await readConfinedText(envReal, dir, 64 * 1024);
    if ("text" in single) [metadata, metadataFile] = [single, dir];
  }
  let headers: { name?: string; version?: string } = {};
  if ("error" in metadata) report(metadataFile, metadata.error);
  else {
    headers = parseMetadataHeaders(metadata.text);
    if (!headers.name || !headers.version) report(metadataFile, "no Name or Version header");
  }
  const distName = headers.name ?? fallback?.[1];
  if (!distName) return undefined;
  const distribution: Distribution = {
    name: distName,
    version: headers.version ?? fallback?.[2] ?? "",
    location: { file: show(metadataFile) },
  };
  if (egg) return { distribution };
  const installer = await readConfinedText(envReal, `${dir}/INSTALLER`, 1024);
  if ("text" in installer && installer.text.trim() !== "") {
    distribution.installer = installer.text.trim();
  }
  distribution.requested = "text" in await readConfinedText(envReal, `${dir}/REQUESTED`, 1024);
  const directUrl = await readConfinedText(envReal, `${dir}/direct_url.json`, 64 * 1024);
  if ("text" in directUrl) {
    const parsed = directUrl.truncated
      ? { error: "larger than 64 KiB; not read" }
      : parseDirectUrl(directUrl.text);
    if (parsed.value) distribution.directUrl = parsed.value;
    else report(`${dir}/direct_url.json`, parsed.error);
  } else if (!directUrl.missing) report(`${dir}/direct_url.json`, directUrl.error);
  const record = await readConfinedText(envReal, `${dir}/RECORD`, MAX_RECORD_BYTES);
  if ("error" in record) {
    if (!record.missing) report(`${dir}/RECORD`, record.error);
    return { distribution };
  }
  if (record.truncated) {
    report(`${dir}/RECORD`, `larger than ${MAX_RECORD_BYTES} bytes; not verified`);
    return { distribution };
  }
  return { distribution, recordText: record.text };
}

/**
 * Read the `.pth` files of a site-packages. Python's `site` module executes each line that
 * starts with `import ` or `import\t`; the others add paths.
 *
 * @param options `envReal`, `sitePackages`, `names` (file names ending `.pth`), `owners` (file
 *   name → the distribution whose RECORD lists it), `show`, `problems`.
 * @returns One startup file per `.pth`, with the first executing line.
 * @example
 * ```ts ignore
 * import { readStartupFiles } from "./venv.ts";
 * const files = await readStartupFiles({
 *   envReal: "/srv/app/.venv", sitePackages: "lib/python3.11/site-packages",
 *   names: ["distutils-precedence.pth"], owners: new Map(), show: (p) => p, problems: [],
 * });
 * ```
 */
export async function readStartupFiles(options: {
  envReal: string;
  sitePackages: string;
  names: readonly string[];
  owners: ReadonlyMap<string, string>;
  show: (relative: string) => string;
  problems: Problem[];
}): Promise<StartupFile[]> {
  const files: StartupFile[] = [];
  for (const name of options.names) {
    const file = options.show(`${options.sitePackages}/${name}`);
    const owner = options.owners.get(name);
    const read = await readConfinedText(
      options.envReal,
      `${options.sitePackages}/${name}`,
      1 << 20,
    );
    if ("error" in read) {
      options.problems.push({ file, message: `${file}: ${read.error}` });
      files.push({ path: file, executesCode: false, ...(owner ? { owner } : {}) });
      continue;
    }
    const index = read.text.split(/\r\n|\r|\n/).findIndex((l) => /^import[ \t]/.test(l));
    files.push({
      path: file,
      executesCode: index >= 0,
      ...(owner ? { owner } : {}),
      ...(index >= 0 ? { line: index + 1 } : {}),
    });
    if (read.truncated) {
      options.problems.push({
        file,
        message: `${file}: larger than 1 MiB; only the start was read`,
      });
    }
  }
  return files;
}
