/**
 * A bounded, read-only ZIP reader: the central directory, then single members on demand (stored or
 * deflate), listed as Python's `zipfile` lists them. It reads only what it is asked for, so a large
 * archive costs its directory plus the members a caller wants. ZIP64 is read; encryption and other
 * compression methods are refused with a problem.
 *
 * @module
 */
import type { FileHandle } from "node:fs/promises";
import { readAt } from "./node_fs.ts";

/** Random access to a file's bytes (a buffer in memory, or an open file). */
export interface ByteSource {
  /** Total size in bytes. */
  size: number;
  /** Read `length` bytes at `offset` (fewer at the end of the source). */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/**
 * A {@linkcode ByteSource} over a buffer in memory.
 *
 * @example
 * ```ts
 * import { bufferSource } from "./zip.ts";
 * await bufferSource(new Uint8Array([1, 2, 3])).read(1, 5); // Uint8Array [2, 3]
 * ```
 */
export function bufferSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: (offset, length) => Promise.resolve(bytes.subarray(offset, offset + length)),
  };
}

/**
 * A {@linkcode ByteSource} over an open file, read at offsets on demand.
 *
 * @param handle The open file (the caller closes it).
 * @param size Its size in bytes.
 * @returns The source.
 * @example
 * ```ts ignore
 * import { fileSource } from "./zip.ts";
 * import { open } from "node:fs/promises";
 * const handle = await open("model.pt");
 * const source = fileSource(handle, (await handle.stat()).size);
 * ```
 */
export function fileSource(handle: FileHandle, size: number): ByteSource {
  return {
    size,
    read: async (offset, length) => {
      // As seeking before the start did: an error, never a read from somewhere else.
      if (offset < 0) throw new RangeError(`cannot read at offset ${offset}`);
      const out = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
      return out.subarray(0, await readAt(handle, out, offset));
    },
  };
}

/** One member as the central directory lists it. */
export interface ZipEntry {
  /** Path inside the archive. */
  name: string;
  /** 0 stored, 8 deflate. */
  method: number;
  /** General-purpose flags (bit 0: encrypted). */
  flags: number;
  /** Bytes as stored. */
  compressedSize: number;
  /** Bytes once inflated, as declared. */
  uncompressedSize: number;
  /** Offset of the member's local header. */
  headerOffset: number;
}

/** Limits for reading an archive. */
export interface ZipLimits {
  /** Members listed before giving up (default 10,000). */
  maxMembers?: number;
  /** Largest member inflated (default 256 MiB). */
  maxMemberBytes?: number;
  /** Largest declared inflated/stored ratio (default 200). */
  maxRatio?: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_DIRECTORY_BYTES = 64 * 1024 * 1024;
const SATURATED = 0xffffffff;

function u16(b: Uint8Array, at: number): number {
  return b[at] | (b[at + 1] << 8);
}
function u32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16)) + b[at + 3] * 0x1000000;
}
/** A little-endian u64, or `undefined` beyond 2^53 (no real archive is that large). */
function u64(b: Uint8Array, at: number): number | undefined {
  const high = u32(b, at + 4);
  return high >= 0x200000 ? undefined : high * 0x100000000 + u32(b, at);
}

/** Code page 437, as Python's zipfile decodes names without the UTF-8 flag (bit 11). */
const CP437_HIGH =
  "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0";
const utf8 = new TextDecoder("utf-8", { fatal: true });

function decodeName(raw: Uint8Array, flags: number): string {
  // zipfile cuts a name at its first NUL (as the C string it once was).
  const nul = raw.indexOf(0);
  const bytes = nul >= 0 ? raw.subarray(0, nul) : raw;
  if (flags & 0x800) return utf8.decode(bytes);
  let name = "";
  for (const byte of bytes) {
    name += byte < 0x80 ? String.fromCharCode(byte) : CP437_HIGH[byte - 0x80];
  }
  return name;
}

/**
 * Read the central directory: the archive's member list, found where Python's `zipfile` finds it.
 * Like zipfile, the directory's position comes from the end record's own position minus the
 * directory's size (so data prepended to an archive, or an end record whose offset field lies,
 * still lists the members zipfile would load), the ZIP64 end record right before the locator
 * replaces the classic fields, members are read until the directory's size is used up (not the
 * member count the end record claims), and ZIP64 extra fields give sizes and offsets.
 *
 * @param source The archive.
 * @param limits `maxMembers`.
 * @returns Entries and problems (no entries when the directory is unusable).
 * @example
 * ```ts
 * import { bufferSource, readZipDirectory } from "./zip.ts";
 * (await readZipDirectory(bufferSource(new Uint8Array(4)))).problems; // ["no ZIP end-of-central-directory record"]
 * ```
 */
export async function readZipDirectory(
  source: ByteSource,
  limits: ZipLimits = {},
): Promise<{ entries: ZipEntry[]; problems: string[] }> {
  const maxMembers = limits.maxMembers ?? 10_000;
  // zipfile looks in the last 64 KiB + 22 bytes; 76 more hold the ZIP64 records before it.
  const window = Math.min(source.size, (1 << 16) + 22);
  const tailLength = Math.min(source.size, window + 76);
  const tailStart = source.size - tailLength;
  const tail = await source.read(tailStart, tailLength);
  const at = endRecordAt(tail, tail.length - window);
  if (at < 0) return { entries: [], problems: ["no ZIP end-of-central-directory record"] };
  const refused = (why: string) => ({
    entries: [],
    problems: [`ZIP refused as zipfile refuses it: ${why}`],
  });
  if (at >= 20 && u32(tail, at - 20) === ZIP64_LOCATOR) {
    if (u32(tail, at - 16) !== 0 || u32(tail, at - 4) > 1) return refused("spans several disks");
  }
  let directorySize: number | undefined = u32(tail, at + 12);
  let directoryOffset: number | undefined = u32(tail, at + 16);
  const endAt = tailStart + at;
  let concat = endAt - directorySize - directoryOffset;
  if (at >= 20 + 56 && u32(tail, at - 20) === ZIP64_LOCATOR && u32(tail, at - 76) === ZIP64_EOCD) {
    directorySize = u64(tail, at - 76 + 40);
    directoryOffset = u64(tail, at - 76 + 48);
    if (directorySize === undefined || directoryOffset === undefined) {
      return { entries: [], problems: ["ZIP64 end record out of range"] };
    }
    concat = endAt - directorySize - directoryOffset - 76;
  }
  const start = directoryOffset + concat;
  if (start < 0 || start + directorySize > source.size) {
    return { entries: [], problems: ["ZIP central directory out of bounds"] };
  }
  if (directorySize > MAX_DIRECTORY_BYTES) {
    return { entries: [], problems: [`ZIP central directory larger than ${MAX_DIRECTORY_BYTES}`] };
  }
  const directory = await source.read(start, directorySize);
  const entries: ZipEntry[] = [];
  const problems: string[] = [];
  let pos = 0;
  while (pos < directory.length) {
    if (entries.length >= maxMembers) {
      problems.push(`ZIP has more than ${maxMembers} members; the rest were not read`);
      break;
    }
    if (pos + 46 > directory.length || u32(directory, pos) !== CENTRAL) {
      problems.push(`ZIP central directory damaged after ${entries.length} members`);
      break;
    }
    const nameLength = u16(directory, pos + 28);
    const extraLength = u16(directory, pos + 30);
    const skip = nameLength + extraLength + u16(directory, pos + 32);
    if (pos + 46 + skip > directory.length) {
      problems.push(`ZIP central directory damaged after ${entries.length} members`);
      break;
    }
    const flags = u16(directory, pos + 8);
    if (u16(directory, pos + 6) > 63) return refused("a member needs a ZIP version above 6.3");
    let name: string;
    try {
      name = decodeName(directory.subarray(pos + 46, pos + 46 + nameLength), flags);
    } catch {
      return refused("a UTF-8-flagged name is not UTF-8");
    }
    const entry: ZipEntry = {
      name,
      method: u16(directory, pos + 10),
      flags,
      compressedSize: u32(directory, pos + 20),
      uncompressedSize: u32(directory, pos + 24),
      headerOffset: u32(directory, pos + 42),
    };
    const extra = directory.subarray(pos + 46 + nameLength, pos + 46 + nameLength + extraLength);
    if (!extraFieldsFit(extra)) return refused(`${name}: an extra field runs past its entry`);
    pos += 46 + skip;
    const problem = applyZip64Extra(entry, extra);
    if (problem) {
      problems.push(`${entry.name}: ${problem}`);
      continue;
    }
    entry.headerOffset += concat;
    entries.push(entry);
  }
  return { entries, problems };
}

/**
 * Where zipfile finds the end record: the last 22 bytes when they are one with no comment, else
 * the last signature in the window (`rfind`), which must leave room for a whole record.
 */
function endRecordAt(tail: Uint8Array, windowStart: number): number {
  const last = tail.length - 22;
  if (last >= 0 && u32(tail, last) === EOCD && u16(tail, last + 20) === 0) return last;
  for (let i = tail.length - 4; i >= Math.max(windowStart, 0); i--) {
    if (u32(tail, i) === EOCD) return i <= last ? i : -1;
  }
  return -1;
}

/** zipfile walks every extra field of a member and refuses one that runs past the rest. */
function extraFieldsFit(extra: Uint8Array): boolean {
  let rest = extra.length;
  let i = 0;
  while (rest >= 4) {
    const length = u16(extra, i + 2);
    if (length + 4 > rest) return false;
    i += length + 4;
    rest -= length + 4;
  }
  return true;
}

/** Take saturated sizes and offset from the ZIP64 extra field (id 1), in zipfile's order. */
function applyZip64Extra(entry: ZipEntry, extra: Uint8Array): string | undefined {
  const wanted = (["uncompressedSize", "compressedSize", "headerOffset"] as const)
    .filter((field) => entry[field] === SATURATED);
  if (wanted.length === 0) return undefined;
  for (let i = 0; i + 4 <= extra.length;) {
    const id = u16(extra, i);
    const length = u16(extra, i + 2);
    if (id === 1) {
      const data = extra.subarray(i + 4, i + 4 + length);
      for (let k = 0; k < wanted.length; k++) {
        if (data.length < 8 * (k + 1)) return "ZIP64 extra field too short";
        const value = u64(data, 8 * k);
        if (value === undefined) return "ZIP64 size out of range";
        entry[wanted[k]] = value;
      }
      return undefined;
    }
    i += 4 + length;
  }
  return "ZIP64 sizes without a ZIP64 extra field";
}

/**
 * Read and inflate one member, within the size and ratio limits.
 *
 * @param source The archive.
 * @param entry A member from {@linkcode readZipDirectory}.
 * @param limits `maxMemberBytes`, `maxRatio`.
 * @returns The member's bytes, or a problem saying why not.
 * @example
 * ```ts ignore
 * import { readZipDirectory, readZipMember } from "./zip.ts";
 * const { entries } = await readZipDirectory(source);
 * const { bytes } = await readZipMember(source, entries[0]);
 * ```
 */
export async function readZipMember(
  source: ByteSource,
  entry: ZipEntry,
  limits: ZipLimits = {},
): Promise<{ bytes?: Uint8Array; problem?: string }> {
  const maxBytes = limits.maxMemberBytes ?? 256 * 1024 * 1024;
  const maxRatio = limits.maxRatio ?? 200;
  const fail = (why: string) => ({ problem: `${entry.name}: ${why}` });
  if (entry.flags & 1) return fail("encrypted member not read");
  if (entry.uncompressedSize > maxBytes) {
    return fail(`member of ${entry.uncompressedSize} bytes exceeds the ${maxBytes}-byte limit`);
  }
  if (entry.method === 8 && entry.uncompressedSize > maxRatio * Math.max(entry.compressedSize, 1)) {
    return fail(`compression ratio exceeds ${maxRatio}:1 (possible zip bomb)`);
  }
  if (entry.method !== 0 && entry.method !== 8) {
    return fail(`compression method ${entry.method} not supported`);
  }
  const header = await source.read(entry.headerOffset, 30);
  if (header.length < 30 || u32(header, 0) !== LOCAL) return fail("bad local header");
  const start = entry.headerOffset + 30 + u16(header, 26) + u16(header, 28);
  if (start + entry.compressedSize > source.size) return fail("member truncated");
  const stored = await source.read(start, entry.compressedSize);
  if (entry.method === 0) {
    return entry.compressedSize === entry.uncompressedSize
      ? { bytes: stored }
      : fail("stored member sizes disagree");
  }
  return await inflate(stored, entry.uncompressedSize, fail);
}

async function inflate(
  stored: Uint8Array,
  declared: number,
  fail: (why: string) => { problem: string },
): Promise<{ bytes?: Uint8Array; problem?: string }> {
  const out = new Uint8Array(declared);
  let filled = 0;
  const stream = new Blob([stored as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new DecompressionStream("deflate-raw"));
  const reader = stream.getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      if (filled + value.length > declared) {
        await reader.cancel();
        return fail("inflates past its declared size (possible zip bomb)");
      }
      out.set(value, filled);
      filled += value.length;
    }
  } catch {
    return fail("deflate data damaged");
  }
  return filled === declared ? { bytes: out } : fail("inflates short of its declared size");
}
