import { readGguf } from "../../../collect/models/_gguf.ts";
import { bufferSource } from "../../../collect/zip.ts";

export const enc = new TextEncoder();

/** Little-endian output; counts and string lengths are u32 in version 1 and u64 after. */
export class Out {
  readonly parts: Uint8Array[] = [];
  constructor(readonly wide: boolean) {}
  raw(bytes: Uint8Array): this {
    this.parts.push(bytes);
    return this;
  }
  #fixed(size: number, write: (view: DataView) => void): this {
    const bytes = new Uint8Array(size);
    write(new DataView(bytes.buffer));
    return this.raw(bytes);
  }
  u8(n: number): this {
    return this.#fixed(1, (v) => v.setUint8(0, n));
  }
  u32(n: number): this {
    return this.#fixed(4, (v) => v.setUint32(0, n, true));
  }
  u64(n: number | bigint): this {
    return this.#fixed(8, (v) => v.setBigUint64(0, BigInt(n), true));
  }
  count(n: number | bigint): this {
    return this.wide ? this.u64(n) : this.u32(Number(n));
  }
  str(text: string | Uint8Array): this {
    const bytes = typeof text === "string" ? enc.encode(text) : text;
    return this.count(bytes.length).raw(bytes);
  }
  get length(): number {
    return this.parts.reduce((n, p) => n + p.length, 0);
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const part of this.parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}

/** A metadata value: its GGUF type and how it is written. */
export interface Value {
  type: number;
  write(out: Out): void;
}

export const fixed = (type: number, size: number, set: (v: DataView) => void): Value => ({
  type,
  write: (out) => {
    const bytes = new Uint8Array(size);
    set(new DataView(bytes.buffer));
    out.raw(bytes);
  },
});

export const v = {
  u8: (n: number) => fixed(0, 1, (d) => d.setUint8(0, n)),
  i8: (n: number) => fixed(1, 1, (d) => d.setInt8(0, n)),
  u16: (n: number) => fixed(2, 2, (d) => d.setUint16(0, n, true)),
  i16: (n: number) => fixed(3, 2, (d) => d.setInt16(0, n, true)),
  u32: (n: number) => fixed(4, 4, (d) => d.setUint32(0, n, true)),
  i32: (n: number) => fixed(5, 4, (d) => d.setInt32(0, n, true)),
  f32: (n: number) => fixed(6, 4, (d) => d.setFloat32(0, n, true)),
  bool: (b: boolean) => fixed(7, 1, (d) => d.setUint8(0, b ? 1 : 0)),
  str: (s: string | Uint8Array): Value => ({ type: 8, write: (out) => out.str(s) }),
  array: (itemType: number, items: Value[]): Value => ({
    type: 9,
    write: (out) => {
      out.u32(itemType).count(items.length);
      for (const item of items) item.write(out);
    },
  }),
  u64: (n: bigint) => fixed(10, 8, (d) => d.setBigUint64(0, n, true)),
  i64: (n: bigint) => fixed(11, 8, (d) => d.setBigInt64(0, n, true)),
  f64: (n: number) => fixed(12, 8, (d) => d.setFloat64(0, n, true)),
  /** A value of any declared type with the given bytes (for malformed files). */
  raw: (type: number, bytes: Uint8Array): Value => ({ type, write: (out) => out.raw(bytes) }),
};

export interface Tensor {
  name: string;
  dims: number[];
  /** ggml type (0 = F32). */
  type?: number;
  /** Relative to the start of the data region. */
  offset: number | bigint;
}

export interface GgufSpec {
  version?: number;
  kvs?: [string | Uint8Array, Value][];
  tensors?: Tensor[];
  /** Bytes of tensor data after the (aligned) header; by default one 32-byte block per tensor. */
  dataBytes?: number;
  /** The padding used before the data region (what `general.alignment` says, 32 by default). */
  alignment?: number;
  tensorCount?: number | bigint;
  kvCount?: number | bigint;
}

/** A GGUF file: magic, version, counts, metadata, tensor infos, padding, tensor data. */
export function gguf(spec: GgufSpec = {}): Uint8Array {
  const version = spec.version ?? 3;
  const kvs = spec.kvs ?? [];
  const tensors = spec.tensors ?? [];
  const out = new Out(version >= 2);
  out.raw(enc.encode("GGUF")).u32(version);
  out.count(spec.tensorCount ?? tensors.length).count(spec.kvCount ?? kvs.length);
  for (const [key, value] of kvs) {
    out.str(key).u32(value.type);
    value.write(out);
  }
  for (const t of tensors) {
    out.str(t.name).u32(t.dims.length);
    for (const d of t.dims) out.count(d);
    out.u32(t.type ?? 0).u64(t.offset);
  }
  const alignment = spec.alignment ?? 32;
  out.raw(new Uint8Array((alignment - out.length % alignment) % alignment));
  out.raw(new Uint8Array(spec.dataBytes ?? 32 * tensors.length));
  return out.bytes();
}

export const VOCAB = ["<unk>", "<s>", "</s>", "▁the", "▁a", "ing", "<|user|>", "<|assistant|>"];

/** A small, valid model: typical metadata, a vocabulary, two 2×4 F32 tensors. */
export function llama(extra: [string, Value][] = [], version = 3): Uint8Array {
  return gguf({
    version,
    kvs: [
      ["general.architecture", v.str("llama")],
      ["general.name", v.str("tiny-test")],
      ["general.alignment", v.u32(32)],
      ["general.file_type", v.u32(1)],
      ["llama.context_length", v.u32(2048)],
      ["llama.block_count", v.u32(1)],
      ["llama.rope.freq_base", v.f32(10000)],
      ["llama.attention.layer_norm_rms_epsilon", v.f32(1e-5)],
      ["llama.vocab_size", v.u64(BigInt(VOCAB.length))],
      ["example.i8", v.i8(-3)],
      ["example.u8", v.u8(200)],
      ["example.u16", v.u16(65535)],
      ["example.i16", v.i16(-2)],
      ["example.i32", v.i32(-7)],
      ["example.i64", v.i64(123456789n)],
      ["tokenizer.ggml.model", v.str("llama")],
      ["tokenizer.ggml.tokens", v.array(8, VOCAB.map((t) => v.str(t)))],
      ["tokenizer.ggml.scores", v.array(6, VOCAB.map((_, i) => v.f32(-i)))],
      ["tokenizer.ggml.token_type", v.array(5, VOCAB.map(() => v.i32(1)))],
      ["tokenizer.ggml.add_bos_token", v.bool(true)],
      ...extra,
    ],
    tensors: [
      { name: "token_embd.weight", dims: [4, 2], offset: 0 },
      { name: "output.weight", dims: [4, 2], offset: 32 },
    ],
  });
}

export const read = (bytes: Uint8Array) => readGguf(bufferSource(bytes));

// Server-side template injection: Jinja that walks from a value to Python's object graph.
export const SSTI: [string, RegExp][] = [
  [String.raw`{{ ''.__class__.__mro__[1].__subclasses__() }}`, /__class__/],
  [
    String
      .raw`{{ request|attr('application')|attr('\x5f\x5fglobals\x5f\x5f')|attr('\x5f\x5fgetitem\x5f\x5f')('\x5f\x5fbuiltins\x5f\x5f') }}`,
    /attr/,
  ],
  [String.raw`{{ cycler.__init__.__globals__.os.popen('id').read() }}`, /__init__/],
  [String.raw`{% set g = lipsum.__globals__ %}{{ g['os'].popen('id').read() }}`, /__globals__/],
  [String.raw`{{ joiner|attr("__init__") }}`, /__init__|attr/],
  [String.raw`{{ namespace.__init__.__globals__['__builtins__']['eval']('1') }}`, /__init__/],
];
