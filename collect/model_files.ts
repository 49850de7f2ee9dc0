/**
 * Identifies a model file by its content and lists the globals its pickles import: raw pickles,
 * joblib, PyTorch zip and legacy files, NumPy `.npy`/`.npz`, and safetensors (judged from its
 * header only). Large files are read through a {@linkcode ByteSource}, so a 1 GiB safetensors file
 * costs its header and a PyTorch zip its central directory plus its pickle members.
 *
 * @module
 */
import type { Artifact, PickleGlobal } from "../core/snapshot_models.ts";
import {
  type ContainerScan,
  NPY_MAGIC,
  parseNpyHeader,
  scanNpy,
  scanPickleFile,
  scanTorchLegacy,
  startsWith,
  TORCH_LEGACY_MAGIC,
} from "./_model_pickles.ts";
import { PICKLE_OPCODES } from "./_pickle_opcodes.ts";
import { scanPickle } from "./pickle.ts";
import {
  checkSafetensors,
  MAX_SAFETENSORS_HEADER,
  safetensorsHeaderLength,
} from "./safetensors.ts";
import {
  bufferSource,
  type ByteSource,
  fileSource,
  readZipDirectory,
  readZipMember,
} from "./_zip.ts";

export type { ByteSource } from "./_zip.ts";

/** Options for {@linkcode readModelFile}; every limit has a default. */
export interface ReadModelFileOptions {
  /** Path recorded in the artifact (relative to the project root). */
  path: string;
  /** Largest pickle (file or archive member) read whole (default 256 MiB). */
  maxPickleBytes?: number;
  /** Largest file judged at all (default 2 GiB; safetensors reads only its header). */
  maxFileBytes?: number;
  /** Archive members listed (default 10,000). */
  maxMembers?: number;
  /** Largest compression ratio inflated (default 200). */
  maxRatio?: number;
  /** Archives within archives followed (default 3). */
  maxDepth?: number;
}

type Limits = Required<Omit<ReadModelFileOptions, "path">>;
type Format = Artifact["format"];
interface Found {
  format: Format;
  globals: PickleGlobal[];
  issues: string[];
}

const DEFAULTS: Limits = {
  maxPickleBytes: 256 * 1024 * 1024,
  maxFileBytes: 2 * 1024 * 1024 * 1024,
  maxMembers: 10_000,
  maxRatio: 200,
  maxDepth: 3,
};

const ZIP = new Uint8Array([0x50, 0x4b, 0x03, 0x04]);
const EMPTY_ZIP = new Uint8Array([0x50, 0x4b, 0x05, 0x06]);
const GGUF = new Uint8Array([0x47, 0x47, 0x55, 0x46]);
const HDF5 = new Uint8Array([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Identify a model file held in memory and list what its pickles import.
 *
 * @param bytes The whole file.
 * @param options `path` and limits.
 * @returns The artifact.
 * @example
 * ```ts
 * import { readModelFile } from "./model_files.ts";
 * const bytes = new TextEncoder().encode("cposix\nsystem\n(S'echo hi'\ntR.");
 * const artifact = await readModelFile(bytes, { path: "model.pkl" });
 * artifact.format; // "pickle"
 * ```
 */
export function readModelFile(bytes: Uint8Array, options: ReadModelFileOptions): Promise<Artifact> {
  return readModelSource(bufferSource(bytes), options);
}

/**
 * Identify a model file on disk, reading only the parts needed (header, zip directory, pickles).
 *
 * @param file Path to open.
 * @param options `path` recorded in the artifact, and limits.
 * @returns The artifact.
 * @example
 * ```ts ignore
 * import { readModelFileAt } from "./model_files.ts";
 * const artifact = await readModelFileAt("/srv/models/model.safetensors", { path: "model.safetensors" });
 * ```
 */
export async function readModelFileAt(
  file: string,
  options: ReadModelFileOptions,
): Promise<Artifact> {
  using handle = await Deno.open(file, { read: true });
  const size = (await handle.stat()).size;
  const source = fileSource(handle, size);
  return await readModelSource(source, options);
}

/**
 * Identify a model file read through a {@linkcode ByteSource}.
 *
 * @param source Random access to the file.
 * @param options `path` and limits.
 * @returns The artifact.
 * @example
 * ```ts
 * import { readModelSource } from "./model_files.ts";
 * import { bufferSource } from "./_zip.ts";
 * (await readModelSource(bufferSource(new Uint8Array(0)), { path: "empty.bin" })).format; // "unknown"
 * ```
 */
export async function readModelSource(
  source: ByteSource,
  options: ReadModelFileOptions,
): Promise<Artifact> {
  const limits: Limits = { ...DEFAULTS, ...withoutUndefined(options) };
  let found: Found;
  try {
    found = await identify(source, options.path, limits, 0);
  } catch (error) {
    found = { format: "unknown", globals: [], issues: [`could not read: ${String(error)}`] };
  }
  return {
    path: options.path,
    format: found.format,
    size: source.size,
    globals: unique(found.globals),
    issues: found.issues,
  };
}

function withoutUndefined(options: ReadModelFileOptions): Partial<Limits> {
  const { path: _path, ...rest } = options;
  return Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
}

function unique(globals: PickleGlobal[]): PickleGlobal[] {
  const seen = new Map<string, PickleGlobal>();
  for (const g of globals) seen.set(`${g.module}\0${g.name}`, g);
  return [...seen.values()];
}

async function identify(
  source: ByteSource,
  path: string,
  limits: Limits,
  depth: number,
): Promise<Found> {
  const none = (format: Format, ...issues: string[]): Found => ({ format, globals: [], issues });
  if (source.size === 0) return none("unknown", "empty file");
  if (source.size > limits.maxFileBytes) {
    return none(
      "unknown",
      `file of ${source.size} bytes exceeds the ${limits.maxFileBytes}-byte limit`,
    );
  }
  const head = await source.read(0, Math.min(source.size, 64));
  const extension = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase() ?? "";
  if (startsWith(head, ZIP) || startsWith(head, EMPTY_ZIP)) {
    if (depth >= limits.maxDepth) return none("unknown", "archive nested too deeply");
    return await readArchive(source, limits, depth);
  }
  if (startsWith(head, NPY_MAGIC)) return await readNpy(source, limits);
  if (startsWith(head, GGUF)) return none("gguf");
  if (startsWith(head, HDF5)) return none("keras");
  const headerLength = safetensorsHeaderLength(head);
  if (headerLength !== undefined && head[8] === 0x7b && headerLength <= source.size - 8) {
    const header = await source.read(0, 8 + Math.min(headerLength, MAX_SAFETENSORS_HEADER));
    return none("safetensors", ...checkSafetensors(header, source.size).issues);
  }
  if (extension === "onnx" && head[0] === 0x08) return none("onnx");
  if (head[0] === 0x80 && head[1] <= 5 || looksLikeOldPickle(head, extension)) {
    if (source.size > limits.maxPickleBytes) {
      return none(
        "pickle",
        `pickle of ${source.size} bytes exceeds the ${limits.maxPickleBytes}-byte limit; not scanned`,
      );
    }
    const bytes = await source.read(0, source.size);
    return startsWith(bytes, TORCH_LEGACY_MAGIC) ? scanTorchLegacy(bytes) : scanPickleFile(bytes);
  }
  if (extension === "onnx") return none("onnx");
  if (extension === "gguf") return none("gguf");
  if (extension === "keras" || extension === "h5") return none("keras");
  return none("unknown");
}

const PICKLE_EXTENSIONS = new Set(["pkl", "pickle", "pt", "pth", "bin", "joblib", "ckpt", "dat"]);

/** Protocol 0/1 pickles have no PROTO: trust the extension, or a clean walk to the end. */
function looksLikeOldPickle(head: Uint8Array, extension: string): boolean {
  const first = PICKLE_OPCODES[head[0]];
  if (first === undefined || first.name === "STOP") return false;
  if (PICKLE_EXTENSIONS.has(extension)) return true;
  const scan = scanPickle(head, { maxOps: 64 });
  return scan.complete || scan.problems.every((p) => p.startsWith("pickle truncated"));
}

async function readNpy(source: ByteSource, limits: Limits): Promise<Found> {
  const head = await source.read(0, Math.min(source.size, 12 + 0x10000));
  const header = parseNpyHeader(head);
  if ("problem" in header) return { format: "npy", globals: [], issues: [header.problem] };
  if (!header.objects) return { format: "npy", globals: [], issues: [] };
  if (source.size > limits.maxPickleBytes) {
    return { format: "npy-pickle", globals: [], issues: ["object array too large to scan"] };
  }
  return scanNpy(await source.read(0, source.size));
}

const TORCH_STORAGE = /(^|\/)data\/\d+$/;
const TORCH_METADATA =
  /(^|\/)(version|byteorder|\.data\/serialization_id|\.format_version|\.storage_alignment)$/;

async function readArchive(source: ByteSource, limits: Limits, depth: number): Promise<Found> {
  const directory = await readZipDirectory(source, limits);
  const found: Found = { format: "unknown", globals: [], issues: [...directory.problems] };
  const files = directory.entries.filter((e) => !e.name.endsWith("/"));
  const hasTorchPickle = files.some((e) => /(^|\/)data\.pkl$/.test(e.name));
  let pickles = 0;
  for (const entry of files) {
    if (hasTorchPickle && (TORCH_STORAGE.test(entry.name) || TORCH_METADATA.test(entry.name))) {
      continue;
    }
    const member = await readZipMember(source, entry, {
      ...limits,
      maxMemberBytes: limits.maxPickleBytes,
    });
    if (!member.bytes) {
      found.issues.push(member.problem!);
      continue;
    }
    const inner: Found | ContainerScan = entry.name.toLowerCase().endsWith(".pkl")
      ? scanPickleFile(member.bytes)
      : await identify(bufferSource(member.bytes), entry.name, limits, depth + 1);
    if (["pickle", "joblib", "pytorch-legacy", "pytorch-zip"].includes(inner.format)) pickles++;
    found.globals.push(...inner.globals);
    found.issues.push(...inner.issues.map((issue) => `${entry.name}: ${issue}`));
  }
  const names = files.map((e) => e.name.split("/").at(-1)!);
  if (pickles > 0) found.format = "pytorch-zip";
  else if (files.length > 0 && files.every((e) => e.name.endsWith(".npy"))) found.format = "npz";
  else if (
    names.includes("config.json") && names.some((n) => /weights\.h5$|metadata\.json$/.test(n))
  ) {
    found.format = "keras";
  }
  return found;
}
