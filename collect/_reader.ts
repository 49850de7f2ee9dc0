/**
 * The shape every file reader has, so that collect/mod.ts runs them all the same way.
 *
 * @module
 */
import type {
  Artifact,
  Environment,
  Index,
  InstallerSetting,
  InstallerTool,
  LoaderCall,
  ModelReference,
  Package,
  Problem,
} from "../core/snapshot.ts";
import { readTextInRoot } from "./fs.ts";

/** What a reader knows about the run. */
export interface ReaderContext {
  /** Absolute project root. */
  root: string;
  /** Environment variables as the installer would see them (for `${VAR}` expansion). */
  env: Record<string, string | undefined>;
}

/** The facts one reader found in one file (and the files it pulled in). */
export interface ReaderResult {
  /** Dependency declarations. */
  packages?: Package[];
  /** Configured indexes, find-links locations and channels. */
  indexes?: Index[];
  /** Installer settings. */
  settings?: InstallerSetting[];
  /** Environments. */
  environments?: Environment[];
  /** Model references. */
  models?: ModelReference[];
  /** Model files. */
  artifacts?: Artifact[];
  /** Deserialising calls in code. */
  loaderCalls?: LoaderCall[];
  /** What could not be read or understood, with file and line. */
  problems?: Problem[];
  /** Every project file read (relative), when more than the one given (includes). */
  files?: string[];
}

/** A reader for one kind of file in the project tree. */
export interface FileReader {
  /** The format name shown in the report's coverage (`uv.lock`, `requirements`…). */
  format: string;
  /**
   * The installer that reads the indexes this kind of file configures (pip for requirements
   * files and pip.conf, uv for uv.toml…), for those the parser did not tag itself.
   */
  tool?: (index: Index) => InstallerTool;
  /** Whether a project-relative path is this reader's kind of file. */
  matches(file: string): boolean;
  /** Read one file. Throws only `ReadError` (unreadable); anything else is a problem. */
  read(file: string, context: ReaderContext): Promise<ReaderResult>;
}

/**
 * Make a reader from a pure text parser: the file is read with the usual bounds and handed over.
 *
 * @example
 * ```ts
 * import { textReader } from "./_reader.ts";
 * const reader = textReader({
 *   format: "example",
 *   matches: (file) => file.endsWith(".example"),
 *   parse: (_text, _options) => ({ problems: [] }),
 * });
 * reader.format; // "example"
 * ```
 */
export function textReader(options: {
  format: string;
  matches: (file: string) => boolean;
  parse: (text: string, options: { file: string; env: ReaderContext["env"] }) => ReaderResult;
  maxBytes?: number;
  tool?: FileReader["tool"];
}): FileReader {
  return {
    format: options.format,
    matches: options.matches,
    ...(options.tool ? { tool: options.tool } : {}),
    read: async (file, context) => {
      const text = await readTextInRoot({ root: context.root, file, maxBytes: options.maxBytes });
      return options.parse(text, { file, env: context.env });
    },
  };
}

/**
 * The last segment of a `/`-separated path.
 *
 * @example
 * ```ts
 * import { baseName } from "./_reader.ts";
 * baseName("a/b/uv.lock"); // "uv.lock"
 * ```
 */
export function baseName(file: string): string {
  return file.slice(file.lastIndexOf("/") + 1);
}
