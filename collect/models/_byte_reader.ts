/**
 * Sequential, bounded reads over a {@linkcode ByteSource}, a window at a time: for formats read
 * field by field (GGUF metadata, ONNX protobuf) whose headers may be large.
 *
 * @module
 */
import type { ByteSource } from "../zip.ts";

/** The input ended, or a read went past the reader's budget. */
export class ByteReaderEnd extends Error {}

const WINDOW = 1 << 20;

/**
 * Reads little-endian integers, byte strings and varints from a source, never beyond `limit`.
 *
 * @example
 * ```ts
 * import { ByteReader } from "./_byte_reader.ts";
 * import { bufferSource } from "../zip.ts";
 * const reader = new ByteReader(bufferSource(new Uint8Array([1, 0, 0, 0])));
 * await reader.u32(); // 1
 * ```
 */
export class ByteReader {
  /** Offset of the next byte. */
  pos: number;
  #window: Uint8Array = new Uint8Array(0);
  #windowStart = 0;
  readonly #source: ByteSource;
  readonly #limit: number;

  /**
   * @param source What to read.
   * @param options `start` offset (default 0) and `limit`: no byte at or past it is read.
   */
  constructor(source: ByteSource, options: { start?: number; limit?: number } = {}) {
    this.#source = source;
    this.pos = options.start ?? 0;
    this.#limit = Math.min(options.limit ?? source.size, source.size);
  }

  /** Bytes left before the limit. */
  get remaining(): number {
    return this.#limit - this.pos;
  }

  /** `length` bytes from the current position (a copy only when they span windows). */
  async bytes(length: number): Promise<Uint8Array> {
    if (!Number.isSafeInteger(length) || length < 0 || length > this.remaining) {
      throw new ByteReaderEnd(`read of ${length} bytes at offset ${this.pos} runs past the end`);
    }
    const offset = this.pos - this.#windowStart;
    if (offset < 0 || offset + length > this.#window.length) {
      const size = Math.min(Math.max(length, WINDOW), this.#limit - this.pos);
      this.#window = await this.#source.read(this.pos, size);
      this.#windowStart = this.pos;
      if (this.#window.length < length) throw new ByteReaderEnd("file shorter than its size");
    }
    const at = this.pos - this.#windowStart;
    this.pos += length;
    return this.#window.subarray(at, at + length);
  }

  /** Skip `length` bytes without reading them. */
  skip(length: number): void {
    if (!Number.isSafeInteger(length) || length < 0 || length > this.remaining) {
      throw new ByteReaderEnd(`skip of ${length} bytes at offset ${this.pos} runs past the end`);
    }
    this.pos += length;
  }

  /** An unsigned little-endian integer of 1, 2, 4 or 8 bytes; past 2^53 it throws. */
  async uint(size: 1 | 2 | 4 | 8): Promise<number> {
    const b = await this.bytes(size);
    let value = 0;
    for (let i = size - 1; i >= 0; i--) value = value * 256 + b[i];
    if (!Number.isSafeInteger(value)) throw new ByteReaderEnd(`integer too large at ${this.pos}`);
    return value;
  }

  /** A little-endian u32. */
  u32(): Promise<number> {
    return this.uint(4);
  }

  /** A protobuf varint (at most 10 bytes; values past 2^53 are refused). */
  async varint(): Promise<number> {
    let value = 0;
    for (let i = 0; i < 10; i++) {
      const [byte] = await this.bytes(1);
      value += (byte & 0x7f) * 2 ** (7 * i);
      if ((byte & 0x80) === 0) {
        if (!Number.isSafeInteger(value)) throw new ByteReaderEnd("varint too large");
        return value;
      }
    }
    throw new ByteReaderEnd("varint longer than 10 bytes");
  }
}
