/**
 * What a conda package URL says: the channel it was fetched from, the platform subdirectory, and
 * the name, version and build its archive file name fixes (`<name>-<version>-<build>.conda`).
 * Shared by the conda lock readers (conda-lock, pixi.lock, `@EXPLICIT` lists).
 *
 * @module
 */
import type { PackageSource } from "../../core/snapshot.ts";
import { redactUrl } from "../../packaging/mod.ts";

/** `<channel base>/<subdir>/<file>.conda|.tar.bz2`, as conda records package URLs. */
const CONDA_FILE_URL = /^(.+)\/([a-z0-9]+-[a-z0-9_]+|noarch)\/([^/]+\.(?:conda|tar\.bz2))$/;
const ARCHIVE = /^(.+)-([^-]+)-([^-]+)\.(?:conda|tar\.bz2)$/;

/**
 * The parts of a conda package archive URL or file name; `undefined` parts are not in it.
 *
 * @example
 * ```ts
 * import { condaArchive } from "./_conda_url.ts";
 * const parts = condaArchive("https://conda.anaconda.org/conda-forge/noarch/tzdata-2025b-h78e105d_0.conda");
 * [parts.channel, parts.subdir, parts.name, parts.version]; // ["https://conda.anaconda.org/conda-forge", "noarch", "tzdata", "2025b"]
 * ```
 */
export interface CondaArchive {
  /** The channel base URL (everything before the subdirectory). */
  channel?: string;
  /** The platform subdirectory (`linux-64`, `noarch`…). */
  subdir?: string;
  /** The package name, as the file name writes it. */
  name?: string;
  /** The version. */
  version?: string;
  /** The build string. */
  build?: string;
}

/**
 * Split a conda package URL (or bare archive file name) into channel, subdirectory, name, version
 * and build, as conda and rattler derive them: the file name split at its last two dashes.
 *
 * @param url The package URL or file name, with no `#` fragment.
 * @returns The parts found; none when it is not a `.conda` or `.tar.bz2` archive.
 * @example
 * ```ts
 * import { condaArchive } from "./_conda_url.ts";
 * condaArchive("https://repo.example/main/linux-64/ld_impl_linux-64-2.44-ha97dd6f_2.conda").name;
 * // "ld_impl_linux-64"
 * ```
 */
export function condaArchive(url: string): CondaArchive {
  const located = CONDA_FILE_URL.exec(url);
  const file = located ? located[3] : url.slice(url.lastIndexOf("/") + 1);
  const parts = ARCHIVE.exec(file);
  return {
    ...(located ? { channel: located[1], subdir: located[2] } : {}),
    ...(parts ? { name: parts[1], version: parts[2], build: parts[3] } : {}),
  };
}

/**
 * The source of a conda package fetched from `url`: its channel (`{kind: "index", url}`, named
 * when it is one of `channels` written as a name such as `conda-forge`), a plain URL when the URL
 * has no channel layout, a path for a local file.
 *
 * @param url The package URL as the lock file records it.
 * @param channels The channels the lock file lists (names or URLs).
 * @returns The package's source, credentials redacted.
 * @example
 * ```ts
 * import { channelSource } from "./_conda_url.ts";
 * channelSource("https://conda.anaconda.org/conda-forge/linux-64/zlib-1.3.1-h0_0.conda", ["conda-forge"]);
 * // { kind: "index", url: "https://conda.anaconda.org/conda-forge", name: "conda-forge" }
 * ```
 */
export function channelSource(url: string | undefined, channels: string[]): PackageSource {
  if (url === undefined) return { kind: "index" };
  if (/^file:/i.test(url)) return { kind: "path", path: url.replace(/^file:(?:\/\/)?/i, "") };
  if (!/^[a-z][a-z0-9+.-]*:/i.test(url)) return { kind: "path", path: url };
  const base = condaArchive(url).channel;
  if (base === undefined) return { kind: "url", url: redactUrl(url) };
  const trimmed = base.replace(/\/+$/, "");
  // A channel written as a URL is the url itself; only a channel name adds something.
  const name = channels.find((channel) => {
    const bare = channel.replace(/^\/+|\/+$/g, "");
    return !/^[a-z][a-z0-9+.-]*:/i.test(bare) && bare !== "" && trimmed.endsWith(`/${bare}`);
  });
  return { kind: "index", url: redactUrl(trimmed), ...(name !== undefined ? { name } : {}) };
}
