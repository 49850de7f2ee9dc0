/**
 * Identifies a model file by its content and lists the globals its pickles import: raw pickles,
 * joblib (plain, gzip or zlib compressed), PyTorch zip and legacy files, NumPy `.npy`/`.npz`, and
 * the data formats, each validated whole before it is believed: safetensors (header against the
 * file), GGUF (every metadata field and tensor), ONNX (the protobuf to its last byte), Keras
 * (configuration). A file whose first bytes claim a data format but whose structure does not hold
 * is scanned as the pickle it may be. Whatever could not be read to the end is an issue.
 * Large files are read through a {@linkcode ByteSource}, so a 1 GiB safetensors file costs its
 * header and a PyTorch zip its central directory plus its pickle members.
 *
 * @module
 */
import { open } from "node:fs/promises";
import type { FileReader } from "../_reader.ts";
import { resolveInRoot } from "../fs.ts";
import { MODEL_FILE } from "./sniff.ts";
import type { Artifact, EmbeddedItem, PickleGlobal } from "../../core/snapshot_models.ts";
import { readGguf } from "./_gguf.ts";
import { hdf5ConfigItems, kerasConfigItems } from "./_keras.ts";
import { readOnnx } from "./_onnx.ts";
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
import { actsOnLoad, PICKLE_OPCODE_BYTES, scanPickle } from "./pickle.ts";
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
} from "../zip.ts";

export type { ByteSource } from "../zip.ts";

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
  embedded?: EmbeddedItem[];
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
/** Compressed streams joblib writes (`compress=`), by magic. */
const COMPRESSED: { name: string; magic: Uint8Array; stream?: CompressionFormat }[] = [
  { name: "gzip", magic: new Uint8Array([0x1f, 0x8b]), stream: "gzip" },
  { name: "xz", magic: new Uint8Array([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) },
  { name: "bz2", magic: new Uint8Array([0x42, 0x5a, 0x68]) },
  { name: "lz4", magic: new Uint8Array([0x04, 0x22, 0x4d, 0x18]) },
  { name: "lzma", magic: new Uint8Array([0x5d, 0x00, 0x00]) },
];
/** Where Keras HDF5 files keep their configuration: searched this far for Lambda layers. */
const MAX_HDF5_SEARCH = 64 * 1024 * 1024;

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
  const handle = await open(file, "r");
  try {
    const size = (await handle.stat()).size;
    return await readModelSource(fileSource(handle, size), options);
  } finally {
    await handle.close();
  }
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
 * import { bufferSource } from "../zip.ts";
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
    embedded: found.embedded ?? [],
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

const none = (format: Format, ...issues: string[]): Found => ({ format, globals: [], issues });

async function identify(
  source: ByteSource,
  path: string,
  limits: Limits,
  depth: number,
): Promise<Found> {
  if (source.size === 0) return none("unknown");
  if (source.size > limits.maxFileBytes) {
    return none(
      "unknown",
      `file of ${source.size} bytes exceeds the ${limits.maxFileBytes}-byte limit; not scanned`,
    );
  }
  const head = await source.read(0, Math.min(source.size, 64));
  const extension = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase() ?? "";
  if (startsWith(head, ZIP) || startsWith(head, EMPTY_ZIP)) {
    if (depth >= limits.maxDepth) return none("unknown", "archive nested too deeply; not scanned");
    return await readArchive(source, limits, depth);
  }
  if (startsWith(head, NPY_MAGIC)) return await readNpy(source, limits);
  if (startsWith(head, GGUF)) {
    const gguf = await readGguf(source);
    if (gguf.problems.length > 0) return await claimed(source, "gguf", gguf.problems, limits);
    const found: Found = {
      format: "gguf",
      globals: [],
      embedded: templates(gguf.templates),
      issues: [],
    };
    return await polyglot(source, found, limits);
  }
  if (startsWith(head, HDF5)) {
    const searched = await source.read(0, Math.min(source.size, MAX_HDF5_SEARCH));
    return { format: "keras", globals: [], embedded: hdf5ConfigItems(searched), issues: [] };
  }
  const headerLength = safetensorsHeaderLength(head);
  if (headerLength !== undefined && head[8] === 0x7b && headerLength <= source.size - 8) {
    const header = await source.read(0, 8 + Math.min(headerLength, MAX_SAFETENSORS_HEADER));
    const issues = checkSafetensors(header, source.size).issues;
    if (issues.length > 0) return await claimed(source, "safetensors", issues, limits);
    return await polyglot(source, none("safetensors"), limits);
  }
  if (extension === "onnx" || (head[0] === 0x08 && extension !== "")) {
    const onnx = await readOnnx(source);
    if (onnx.problems.length === 0) {
      const found: Found = {
        format: "onnx",
        globals: [],
        embedded: onnx.externalData.map((value) => ({ kind: "external-data", value })),
        issues: [],
      };
      return await polyglot(source, found, limits);
    }
    if (extension === "onnx") return await claimed(source, "onnx", onnx.problems, limits);
  }
  const compressed = COMPRESSED.find((c) => startsWith(head, c.magic)) ??
    (isZlibHeader(head) ? { name: "zlib", stream: "deflate" as const } : undefined);
  if (compressed && !PICKLE_OPCODE_BYTES.has(head[0])) {
    if (!compressed.stream) {
      return none(
        "unknown",
        `${compressed.name}-compressed content is not decompressed; not scanned`,
      );
    }
    if (depth >= limits.maxDepth) {
      return none("unknown", "compression nested too deeply; not scanned");
    }
    return await readCompressed(source, compressed.name, compressed.stream, path, limits, depth);
  }
  // Python's zipfile finds an archive by its end record, whatever precedes it (a pickle, junk):
  // Keras and NumPy open such a file as the archive while pickle.load reads its first bytes.
  const archive = depth < limits.maxDepth && await endsLikeZip(source)
    ? await readArchive(source, limits, depth)
    : undefined;
  const pickle = head[0] === 0x80 && head[1] <= 5 || await looksLikePickle(source, extension)
    ? await scanWholePickle(source, limits)
    : undefined;
  if (archive && pickle && pickle.format !== "unknown") {
    return {
      format: pickle.globals.length > 0 || archive.format === "unknown"
        ? pickle.format
        : archive.format,
      globals: [...pickle.globals, ...archive.globals],
      embedded: archive.embedded,
      issues: [
        ...pickle.issues.map((i) => `bytes before the archive: ${i}`),
        ...archive.issues,
      ],
    };
  }
  if (archive) return archive;
  if (pickle) return pickle;
  if (extension === "gguf") return none("unknown", "named .gguf but not GGUF; not scanned");
  if (extension === "keras" || extension === "h5") {
    return none("unknown", `named .${extension} but neither a Keras archive nor HDF5; not scanned`);
  }
  return none("unknown");
}

/**
 * A file whose first bytes claim a data format that its structure does not hold: a pickle may be
 * hiding behind the claim (`GGUF` is BINFLOAT; a safetensors length can be a pickle's first
 * opcodes). Scanned as a pickle when it starts like one; either way the claim is an issue.
 */
async function claimed(
  source: ByteSource,
  format: Format,
  problems: string[],
  limits: Limits,
): Promise<Found> {
  const head = await source.read(0, 1);
  const issues = problems.map((p) => `looks like ${format} but ${p.replace(/^not /, "is not ")}`);
  if (PICKLE_OPCODE_BYTES.has(head[0])) {
    const scan = await scanWholePickle(source, limits);
    if (scan.globals.length > 0) return { ...scan, issues: [...issues, ...scan.issues] };
  }
  return none(format, ...issues);
}

async function scanWholePickle(source: ByteSource, limits: Limits): Promise<Found> {
  if (source.size > limits.maxPickleBytes) {
    return none(
      "pickle",
      `pickle of ${source.size} bytes exceeds the ${limits.maxPickleBytes}-byte limit; not scanned`,
    );
  }
  const bytes = await source.read(0, source.size);
  if (startsWith(bytes, TORCH_LEGACY_MAGIC)) return scanTorchLegacy(bytes);
  const scan = scanPickleFile(bytes);
  // Bytes CPython rejects at once, before importing anything, load nothing: not a pickle.
  return scan.notPickle ? none("unknown") : scan;
}

function templates(found: { key: string; value: string }[]): EmbeddedItem[] {
  // Kept whole (the GGUF reader bounds each string): a check must see all of a template.
  return found.map(({ key, value }) => ({ kind: "chat-template", value, where: key }));
}

/**
 * A file that validated as a data format can still be a pickle from its first byte (a GGUF whose
 * counts and strings are also opcodes, an ONNX protobuf whose unknown fields are): pickle.load or
 * torch.load of it runs what it calls. The first 64 KiB are walked; a pickle that imports a
 * Python name and calls something, or ends cleanly, is scanned whole and reported as a pickle.
 */
async function polyglot(source: ByteSource, found: Found, limits: Limits): Promise<Found> {
  const head = await source.read(0, Math.min(source.size, SNIFF_BYTES));
  if (!PICKLE_OPCODE_BYTES.has(head[0])) return found;
  if (!actsOnLoad(scanPickle(head, { maxOps: 100_000 }))) return found;
  const scan = await scanWholePickle(source, limits);
  return {
    format: "pickle",
    globals: scan.globals,
    embedded: found.embedded,
    issues: [`also a valid ${found.format} file (a polyglot)`, ...scan.issues],
  };
}

/** Whether the file's last 64 KiB hold a ZIP end-of-central-directory record. */
async function endsLikeZip(source: ByteSource): Promise<boolean> {
  if (source.size < 22) return false;
  const length = Math.min(source.size, 22 + 0xffff);
  const tail = await source.read(source.size - length, length);
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail[i] === 0x50 && tail[i + 1] === 0x4b && tail[i + 2] === 0x05 && tail[i + 3] === 0x06) {
      return true;
    }
  }
  return false;
}

/** A zlib stream header (RFC 1950): deflate, a window ≤ 32 KiB, and the check bits. */
function isZlibHeader(head: Uint8Array): boolean {
  return head.length >= 2 && (head[0] & 0x0f) === 8 && head[0] >> 4 <= 7 &&
    (head[0] * 256 + head[1]) % 31 === 0;
}

async function readCompressed(
  source: ByteSource,
  name: string,
  stream: CompressionFormat,
  path: string,
  limits: Limits,
  depth: number,
): Promise<Found> {
  if (source.size > limits.maxPickleBytes) {
    return none("unknown", `${name}-compressed file too large to decompress; not scanned`);
  }
  const inflated = await decompress(
    await source.read(0, source.size),
    stream,
    limits.maxPickleBytes,
  );
  if ("problem" in inflated) return none("unknown", `${name}: ${inflated.problem}; not scanned`);
  // A compressed stream that holds no model (a dataset .gz, bytes that only look like a zlib
  // header) is not a model file.
  const inner = await identify(bufferSource(inflated.bytes), path, limits, depth + 1);
  if (!inflated.damaged || inner.format === "unknown" && inner.issues.length === 0) return inner;
  // joblib unpickles while it decompresses: what came out before the damage was read by then.
  return {
    ...inner,
    issues: [...inner.issues, `${name} stream damaged after ${inflated.bytes.length} bytes`],
  };
}

/**
 * Inflate a gzip or zlib stream, keeping what came out before any damage: joblib unpickles while
 * it decompresses, so bytes before a bad checksum were read by then. The stream's last bytes are
 * written one at a time so that output preceding a failing trailer is not lost with it.
 */
async function decompress(
  bytes: Uint8Array,
  format: CompressionFormat,
  max: number,
): Promise<{ bytes: Uint8Array; damaged: boolean } | { problem: string }> {
  const stream = new DecompressionStream(format);
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let damaged = false;
  let tooLarge = false;
  const reading = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        total += value.length;
        if (total > max) {
          tooLarge = true;
          await reader.cancel();
          return;
        }
        chunks.push(value);
      }
    } catch {
      damaged = true;
    }
  })();
  const TAIL = 16;
  try {
    const body = Math.max(0, bytes.length - TAIL);
    for (let at = 0; at < body && !tooLarge; at += 65536) {
      await writer.write(bytes.slice(at, Math.min(body, at + 65536)));
    }
    for (let at = body; at < bytes.length && !tooLarge; at++) {
      await writer.write(bytes.slice(at, at + 1));
    }
    await writer.close();
  } catch {
    damaged = true;
  }
  await reading;
  if (tooLarge) return { problem: `decompresses past the ${max}-byte limit` };
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  chunks.reduce((at, chunk) => (out.set(chunk, at), at + chunk.length), 0);
  return { bytes: out, damaged };
}

/** Extensions only pickles use; `.dat` and `.p` are too generic and go by content. */
const PICKLE_EXTENSIONS = new Set(["pkl", "pickle", "pt", "pth", "bin", "joblib", "ckpt", "sav"]);
/** How much of a file without a pickle extension is walked to tell whether it is one. */
const SNIFF_BYTES = 64 * 1024;

/**
 * Protocol 0/1 pickles have no PROTO. A file named like a pickle is scanned as one if it starts
 * with an opcode. Otherwise its first 64 KiB are walked, and it is a pickle when it imports a
 * Python name and either calls something or ends cleanly at STOP: what CPython would import and
 * run before it raised. Text that merely starts with opcode letters ("cat\ndog\n…") imports a
 * name but calls nothing.
 */
async function looksLikePickle(source: ByteSource, extension: string): Promise<boolean> {
  const head = await source.read(0, Math.min(source.size, SNIFF_BYTES));
  if (!PICKLE_OPCODE_BYTES.has(head[0]) || PICKLE_OPCODES[head[0]]?.name === "STOP") return false;
  if (PICKLE_EXTENSIONS.has(extension)) return true;
  return actsOnLoad(scanPickle(head, { maxOps: 100_000 }));
}

async function readNpy(source: ByteSource, limits: Limits): Promise<Found> {
  const head = await source.read(0, Math.min(source.size, 12 + 0x10000));
  const header = parseNpyHeader(head);
  if ("problem" in header) return none("npy", header.problem);
  if (!header.objects) return none("npy");
  if (source.size > limits.maxPickleBytes) {
    return none("npy-pickle", "object array too large to scan; not scanned");
  }
  return scanNpy(await source.read(0, source.size));
}

const TORCH_STORAGE = /(^|\/)data\/\d+$/;
const TORCH_METADATA =
  /(^|\/)(version|byteorder|\.data\/serialization_id|\.format_version|\.storage_alignment)$/;

async function readArchive(source: ByteSource, limits: Limits, depth: number): Promise<Found> {
  const directory = await readZipDirectory(source, limits);
  const found: Found = {
    format: "unknown",
    globals: [],
    embedded: [],
    issues: [...directory.problems],
  };
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
    if (/(^|\/)config\.json$/.test(entry.name)) {
      const keras = kerasConfigItems(member.bytes, entry.name);
      found.embedded!.push(...keras.items);
      if (keras.problem) found.issues.push(keras.problem);
      continue;
    }
    const inner: Found | ContainerScan = entry.name.toLowerCase().endsWith(".pkl")
      ? scanPickleFile(member.bytes)
      : await identify(bufferSource(member.bytes), entry.name, limits, depth + 1);
    if (["pickle", "joblib", "pytorch-legacy", "pytorch-zip"].includes(inner.format)) pickles++;
    found.globals.push(...inner.globals);
    if ("embedded" in inner) {
      found.embedded!.push(...(inner.embedded ?? []).map((e) => ({ ...e, where: entry.name })));
    }
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

/**
 * The reader of model files found by name (their content decides the format).
 *
 * @example
 * ```ts
 * import { modelFileReader } from "./model_files.ts";
 * modelFileReader.matches("ckpt.pth.tar"); // true
 * ```
 */
export const modelFileReader: FileReader = {
  format: "model file",
  matches: (file) => MODEL_FILE.test(file),
  read: async (file, context) => {
    const { real, relative } = await resolveInRoot({ root: context.root, file });
    return { artifacts: [await readModelFileAt(real, { path: relative })] };
  },
};
