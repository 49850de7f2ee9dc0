// GGUF files built byte by byte from the llama.cpp format description: validation of the header,
// metadata and tensor descriptions (readGguf), identification (readModelFile), chat templates
// judged by artifact.no-embedded-code, and pickles that start with the bytes "GGUF".
import assert from "node:assert/strict";
import * as path from "node:path";
import fc from "fast-check";
import { readGguf } from "../../../collect/models/_gguf.ts";
import { bufferSource } from "../../../collect/zip.ts";
import { readModelFile } from "../../../collect/models/model_files.ts";
import { collect } from "../../../collect/mod.ts";
import { noEmbeddedCode } from "../../../checks/artifact/mod.ts";
import { Artifact } from "../../../core/snapshot_models.ts";
import { runCheck, snapshotOf } from "../../../testing.ts";

const enc = new TextEncoder();

/** Little-endian output; counts and string lengths are u32 in version 1 and u64 after. */
class Out {
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
interface Value {
  type: number;
  write(out: Out): void;
}
const fixed = (type: number, size: number, set: (v: DataView) => void): Value => ({
  type,
  write: (out) => {
    const bytes = new Uint8Array(size);
    set(new DataView(bytes.buffer));
    out.raw(bytes);
  },
});
const v = {
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

interface Tensor {
  name: string;
  dims: number[];
  /** ggml type (0 = F32). */
  type?: number;
  /** Relative to the start of the data region. */
  offset: number | bigint;
}

interface GgufSpec {
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
function gguf(spec: GgufSpec = {}): Uint8Array {
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

const VOCAB = ["<unk>", "<s>", "</s>", "▁the", "▁a", "ing", "<|user|>", "<|assistant|>"];

/** A small, valid model: typical metadata, a vocabulary, two 2×4 F32 tensors. */
function llama(extra: [string, Value][] = [], version = 3): Uint8Array {
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

const read = (bytes: Uint8Array) => readGguf(bufferSource(bytes));

// A benign template in the style of the ones models ship: system prompt, alternating roles,
// raise_exception, add_generation_prompt, and the filters that look like attribute access.
const BENIGN_TEMPLATE = String.raw`{%- set ns = namespace(system='') -%}
{%- for message in messages -%}
    {%- if message['role'] == 'system' -%}
        {%- set ns.system = message['content'] | trim -%}
    {%- endif -%}
{%- endfor -%}
{%- set chat = messages | rejectattr('role', 'equalto', 'system') | list -%}
{%- set roles = chat | map(attribute='role') | list -%}
{{- bos_token -}}
{%- if ns.system -%}
    {{- '<|system|>\n' + ns.system + '<|end|>\n' -}}
{%- endif -%}
{%- for message in chat -%}
    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) -%}
        {{- raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') -}}
    {%- endif -%}
    {%- if message['role'] == 'user' -%}
        {{- '<|user|>\n' + message['content'] | trim + '<|end|>\n' -}}
    {%- elif message['role'] == 'assistant' -%}
        {%- if message.tool_calls is defined -%}
            {%- for call in message.tool_calls | selectattr('type', 'equalto', 'function') -%}
                {{- '<tool_call>' + call.function.name + ' ' + call.function.arguments | tojson + '</tool_call>' -}}
            {%- endfor -%}
        {%- endif -%}
        {{- '<|assistant|>\n' + message['content'] | trim + eos_token + '\n' -}}
    {%- else -%}
        {{- raise_exception('Unknown role: ' + message['role'] + '; only ' + roles | join(', ')) -}}
    {%- endif -%}
{%- endfor -%}
{%- if add_generation_prompt -%}
    {{- '<|assistant|>\n' -}}
{%- endif -%}`;

async function embeddedFindings(bytes: Uint8Array, file = "models/chat.gguf") {
  const artifact = await readModelFile(bytes, { path: file });
  return {
    artifact,
    findings: await runCheck(noEmbeddedCode(), snapshotOf({ artifacts: [artifact] })),
  };
}

Deno.test("a valid v3 file: common metadata types, a vocabulary, two tensors", async () => {
  const bytes = llama();
  assert.deepEqual(await read(bytes), { problems: [], templates: [], tensors: 2 });
  const artifact = await readModelFile(bytes, { path: "models/tiny.gguf" });
  Artifact.parse(artifact);
  assert.deepEqual(artifact, {
    path: "models/tiny.gguf",
    format: "gguf",
    size: bytes.length,
    globals: [],
    embedded: [],
    issues: [],
  });
  // Content decides, not the name.
  assert.equal((await readModelFile(bytes, { path: "weights.bin" })).format, "gguf");
  const findings = await runCheck(noEmbeddedCode(), snapshotOf({ artifacts: [artifact] }));
  assert.deepEqual(findings, []);
});

Deno.test("versions 1 and 2, no tensors, and a custom alignment are valid", async () => {
  assert.deepEqual(await read(llama([], 1)), { problems: [], templates: [], tensors: 2 });
  assert.deepEqual(await read(llama([], 2)), { problems: [], templates: [], tensors: 2 });
  assert.equal((await readModelFile(llama([], 1), { path: "v1.gguf" })).format, "gguf");
  assert.deepEqual(await read(gguf()), { problems: [], templates: [], tensors: 0 });
  const aligned = gguf({
    kvs: [["general.alignment", v.u32(64)]],
    tensors: [{ name: "a", dims: [16], offset: 0 }, { name: "b", dims: [16], offset: 64 }],
    alignment: 64,
    dataBytes: 128,
  });
  assert.deepEqual(await read(aligned), { problems: [], templates: [], tensors: 2 });
  // A one-dimensional and a four-dimensional tensor, and a template in a version 1 file.
  const v1 = gguf({
    version: 1,
    kvs: [["tokenizer.chat_template", v.str("{{ messages[0]['content'] }}")]],
    tensors: [{ name: "a", dims: [8], offset: 0 }, { name: "b", dims: [1, 1, 2, 4], offset: 32 }],
  });
  assert.deepEqual((await read(v1)).templates, [
    { key: "tokenizer.chat_template", value: "{{ messages[0]['content'] }}" },
  ]);
});

Deno.test("a benign chat template is recorded but not reported", async () => {
  const bytes = llama([
    ["tokenizer.chat_template", v.str(BENIGN_TEMPLATE)],
    ["tokenizer.chat_templates", v.array(8, [v.str("tool_use")])],
    ["tokenizer.chat_template.tool_use", v.str(BENIGN_TEMPLATE.replace("<|system|>", "<|tools|>"))],
  ]);
  const gguf = await read(bytes);
  assert.deepEqual(gguf.problems, []);
  assert.deepEqual(gguf.templates.map((t) => t.key), [
    "tokenizer.chat_template",
    "tokenizer.chat_template.tool_use",
  ]);
  const { artifact, findings } = await embeddedFindings(bytes);
  assert.equal(artifact.format, "gguf");
  assert.deepEqual(artifact.embedded[0], {
    kind: "chat-template",
    value: BENIGN_TEMPLATE,
    where: "tokenizer.chat_template",
  });
  assert.equal(artifact.embedded.length, 2);
  assert.deepEqual(findings, []);
});

// Server-side template injection: Jinja that walks from a value to Python's object graph.
const SSTI: [string, RegExp][] = [
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

Deno.test("template injection in a chat template is an error naming the key", async () => {
  for (const [payload] of SSTI) {
    const template = BENIGN_TEMPLATE.replace("{{- bos_token -}}", payload);
    const { artifact, findings } = await embeddedFindings(
      llama([["tokenizer.chat_template", v.str(template)]]),
    );
    assert.deepEqual(artifact.issues, [], payload);
    assert.equal(findings.length, 1, payload);
    const [finding] = findings;
    assert.equal(finding.check, "artifact.no-embedded-code");
    assert.equal(finding.severity, "error");
    assert.equal(finding.subject, "models/chat.gguf");
    assert.deepEqual(finding.location, { file: "models/chat.gguf" });
    assert.match(
      finding.message,
      /^models\/chat\.gguf \(gguf\): chat template \(tokenizer\.chat_template\) reaches Python internals \(.+\)\.$/,
    );
    assert.equal(finding.evidence?.kind, "chat-template");
    assert.equal(finding.evidence?.where, "tokenizer.chat_template");
  }
  // The matched part is quoted.
  const { findings } = await embeddedFindings(
    llama([["tokenizer.chat_template", v.str(SSTI[2][0])]]),
  );
  assert.match(findings[0].message, /\(__init__\)\.$/);
  // A named template is judged too, under its own key.
  const named = await embeddedFindings(llama([
    ["tokenizer.chat_template", v.str(BENIGN_TEMPLATE)],
    ["tokenizer.chat_template.rag", v.str(SSTI[0][0])],
  ]));
  assert.deepEqual(named.findings.map((f) => f.evidence?.where), ["tokenizer.chat_template.rag"]);
  // Text outside {{ }} and {% %} is output, not code.
  const prose = await embeddedFindings(
    llama([["tokenizer.chat_template", v.str("Mention __class__ and os.system freely. {{ x }}")]]),
  );
  assert.deepEqual(prose.findings, []);
});

// Jinja's lexer decodes string literals with Python's unicode-escape, so '\x5F', '\u005f' and
// '\137' are all "_"; and it reads a string literal whole, so "}}" inside one does not end the
// expression. Each payload below reaches os through __globals__ in an unsandboxed Environment.
Deno.test("template injection spelled with other escapes, or hiding behind '}}', is reported", async () => {
  const evasions = [
    String
      .raw`{{ ''['\x5F\x5Fclass\x5F\x5F']['\x5F\x5Fmro\x5F\x5F'][1]['\x5F\x5Fsubclasses\x5F\x5F']() }}`,
    String
      .raw`{{ cycler['\u005f\u005finit\u005f\u005f']['\u005f\u005fglobals\u005f\u005f']['os']['system']('id') }}`,
    String.raw`{{ lipsum['\137\137globals\137\137']['os']['system']('id') }}`,
    String.raw`{{ '}}' ~ lipsum.__globals__['os'].popen('id').read() }}`,
  ];
  const missed: string[] = [];
  for (const payload of evasions) {
    const { findings } = await embeddedFindings(
      llama([["tokenizer.chat_template", v.str(payload)]]),
    );
    if (findings.length === 0) missed.push(payload);
  }
  assert.deepEqual(missed, [], "template injections artifact.no-embedded-code did not report");
});

// readModelFile keeps the first 1 MiB of a template in the snapshot; Jinja renders all of it.
Deno.test("an injection after a megabyte of template text is still reported", async () => {
  const padded = BENIGN_TEMPLATE + " ".repeat(1024 * 1024) + SSTI[2][0];
  const { artifact, findings } = await embeddedFindings(
    llama([["tokenizer.chat_template", v.str(padded)]]),
  );
  assert.deepEqual([artifact.format, artifact.issues], ["gguf", []]);
  assert.equal(findings.length, 1, "no finding for an injection past the first MiB");
});

Deno.test("damaged files are problems, and readModelFile reports them as issues", async () => {
  const valid = llama();
  const at = (text: string) => {
    const needle = enc.encode(text);
    for (let i = 0; i + needle.length <= valid.length; i++) {
      if (needle.every((b, j) => valid[i + j] === b)) return i;
    }
    throw new Error(`${text} not found`);
  };
  const cases: [string, Uint8Array, RegExp][] = [
    ["version 0", gguf({ version: 0 }), /unknown GGUF version 0/],
    ["version 4", gguf({ version: 4 }), /unknown GGUF version 4/],
    ["header cut short", valid.subarray(0, 20), /runs past the end/],
    ["cut inside the vocabulary", valid.subarray(0, at("<|user|>") + 2), /runs past the end/],
    ["cut inside the tensor infos", valid.subarray(0, at("output.weight") + 20), /past the end/],
    [
      "tensor offset past the end",
      gguf({
        tensors: [{ name: "w", dims: [8], offset: 0 }, { name: "x", dims: [8], offset: 64 }],
      }),
      /a tensor offset \(64\) lies past the end of the file/,
    ],
    [
      "tensor offset far past the end",
      gguf({ tensors: [{ name: "w", dims: [8], offset: 2n ** 40n }] }),
      /lies past the end of the file/,
    ],
    [
      "no data region at all",
      gguf({ tensors: [{ name: "w", dims: [8], offset: 0 }], dataBytes: 0 }),
      /lies past the end of the file|no tensor data after the header/,
    ],
    [
      "unaligned offset",
      gguf({ tensors: [{ name: "w", dims: [2], offset: 8 }], dataBytes: 64 }),
      /tensor w offset not aligned/,
    ],
    [
      "offset unaligned for a custom alignment",
      gguf({
        kvs: [["general.alignment", v.u32(64)]],
        tensors: [{ name: "w", dims: [8], offset: 32 }],
        alignment: 64,
        dataBytes: 128,
      }),
      /tensor w offset not aligned/,
    ],
    ["alignment 0", gguf({ kvs: [["general.alignment", v.u32(0)]] }), /alignment 0/],
    ["alignment 12", gguf({ kvs: [["general.alignment", v.u32(12)]] }), /alignment 12/],
    [
      "unknown value type",
      gguf({ kvs: [["general.name", v.raw(13, new Uint8Array(8))]] }),
      /metadata general\.name has unknown type 13/,
    ],
    [
      "unknown array item type",
      gguf({ kvs: [["tokenizer.ggml.tokens", v.array(13, [])]] }),
      /array tokenizer\.ggml\.tokens of unknown type 13/,
    ],
    [
      "nested array",
      gguf({ kvs: [["x", v.array(9, [])]] }),
      /array x of unknown type 9/,
    ],
    ["absurd tensor count", gguf({ tensorCount: 2n ** 40n }), /implausible counts/],
    ["absurd metadata count", gguf({ kvCount: 10_000_001 }), /implausible counts/],
    ["count past 2^53", gguf({ kvCount: 2n ** 63n }), /integer too large/],
    [
      "absurd array length",
      gguf({ kvs: [["x", v.raw(9, new Out(true).u32(0).u64(2n ** 32n).bytes())]] }),
      /array x of 4294967296 items/,
    ],
    [
      "array longer than the file",
      gguf({ kvs: [["x", v.raw(9, new Out(true).u32(6).u64(1_000_000).bytes())]] }),
      /skip of 4000000 bytes .* runs past the end/,
    ],
    [
      "five dimensions",
      gguf({ tensors: [{ name: "w", dims: [1, 1, 1, 1, 8], offset: 0 }] }),
      /tensor w has 5 dimensions/,
    ],
    [
      "ggml type past 255",
      gguf({ tensors: [{ name: "w", dims: [8], type: 256, offset: 0 }] }),
      /tensor w has unknown type 256/,
    ],
    [
      "key not UTF-8",
      gguf({ kvs: [[new Uint8Array([0x6b, 0xff, 0xfe]), v.u8(1)]] }),
      /a string is not UTF-8/,
    ],
  ];
  for (const [name, bytes, expected] of cases) {
    const result = await read(bytes);
    assert.equal(result.problems.length, 1, name);
    assert.match(result.problems[0], /^not valid GGUF: /, name);
    assert.match(result.problems[0], expected, name);
    const artifact = await readModelFile(bytes, { path: "models/broken.gguf" });
    Artifact.parse(artifact);
    assert.equal(artifact.format, "gguf", name);
    assert.deepEqual(artifact.globals, [], name);
    assert.deepEqual(
      artifact.issues,
      [`looks like gguf but is ${result.problems[0]}`],
      name,
    );
  }
});

Deno.test("string lengths that run past the file are problems, never exceptions", async () => {
  const key = (length: bigint, body = "general.name") =>
    new Out(true).raw(enc.encode("GGUF")).u32(3).u64(0).u64(1).u64(length).raw(enc.encode(body))
      .bytes();
  const value = (length: bigint) =>
    gguf({ kvs: [["tokenizer.chat_template", v.raw(8, new Out(true).u64(length).bytes())]] });
  const cases: [Uint8Array, RegExp][] = [
    [key(1000n), /read of 1000 bytes at offset 32 runs past the end/],
    [key(2n ** 40n), /string of 1099511627776 bytes/],
    [key(2n ** 64n - 1n), /integer too large/],
    [value(64n), /read of 64 bytes .* runs past the end/],
    [value(2n ** 62n), /integer too large/],
    [
      gguf({ tensors: [{ name: "w", dims: [8], offset: 0 }] }).subarray(0, 40),
      /runs past the end/,
    ],
  ];
  for (const [bytes, expected] of cases) {
    const result = await read(bytes);
    assert.deepEqual(result.templates, []);
    assert.equal(result.problems.length, 1);
    assert.match(result.problems[0], expected);
    assert.equal((await readModelFile(bytes, { path: "m.gguf" })).format, "gguf");
  }
  // A version 1 length is a u32, read as one.
  const v1 = (length: number) =>
    new Out(false).raw(enc.encode("GGUF")).u32(1).u32(0).u32(1).u32(length).raw(enc.encode("ab"))
      .bytes();
  assert.match((await read(v1(1000))).problems[0], /read of 1000 bytes at offset 20 runs past/);
  assert.match((await read(v1(0xffffffff))).problems[0], /string of 4294967295 bytes/);
});

Deno.test("a pickle that starts with GGUF is scanned as the pickle it is", async () => {
  // 'G' is BINFLOAT: it takes the next 8 bytes ("GUF" and five more) as a double, then the
  // pickle goes on. GGUF validation fails on the counts, so the file is read as a pickle.
  const polyglot = new Uint8Array([
    ...enc.encode("GGUF"),
    3,
    0,
    0,
    0,
    0,
    ...enc.encode("cos\nsystem\n(S'id'\ntR."),
  ]);
  assert.equal((await read(polyglot)).problems.length, 1);
  const artifact = await readModelFile(polyglot, { path: "models/model.gguf" });
  Artifact.parse(artifact);
  assert.equal(artifact.format, "pickle");
  assert.ok(artifact.globals.some((g) => g.module === "os" && g.name === "system"));
  assert.match(artifact.issues[0], /^looks like gguf but is not valid GGUF: /);
  // Whatever the five bytes are.
  for (const filler of [[0, 0, 0, 0, 0], [1, 0, 0, 0, 0x41], [0xff, 0xff, 0xff, 0xff, 0xff]]) {
    const bytes = new Uint8Array(polyglot);
    bytes.set(filler, 4);
    const scanned = await readModelFile(bytes, { path: "x.gguf" });
    assert.deepEqual(
      [scanned.format, scanned.globals.map((g) => `${g.module}.${g.name}`)],
      ["pickle", ["os.system"]],
    );
  }
  // Bytes that start with GGUF but are neither stay gguf, with the issue.
  const junk = await readModelFile(enc.encode("GGUF\x03\0\0\0 hello"), { path: "x.gguf" });
  assert.deepEqual([junk.format, junk.globals, junk.issues.length], ["gguf", [], 1]);
});

Deno.test("readGguf reads only the header: a 1 GiB file costs its metadata", async () => {
  const head = gguf({
    kvs: [["general.name", v.str("big")]],
    tensors: [{ name: "w", dims: [268435456], offset: 0 }],
    dataBytes: 0,
  });
  let read = 0;
  const result = await readGguf({
    size: head.length + 1024 * 1024 * 1024,
    read: (offset, length) => {
      const chunk = head.subarray(offset, offset + length);
      read += chunk.length;
      return Promise.resolve(chunk);
    },
  });
  assert.deepEqual(result, { problems: [], templates: [], tensors: 1 });
  assert.ok(read <= head.length, `${read} bytes read`);
});

Deno.test("collected from a project: only the injected template fails", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tollgate-gguf-" });
  try {
    await Deno.mkdir(path.join(dir, "models"));
    await Deno.writeFile(
      path.join(dir, "models", "ok.gguf"),
      llama([["tokenizer.chat_template", v.str(BENIGN_TEMPLATE)]]),
    );
    await Deno.writeFile(
      path.join(dir, "models", "evil.gguf"),
      llama([["tokenizer.chat_template", v.str(SSTI[2][0])]]),
    );
    const snapshot = await collect({ root: dir, env: {} });
    const byPath = new Map(snapshot.artifacts.map((a) => [a.path, a]));
    assert.equal(byPath.get("models/ok.gguf")?.format, "gguf");
    assert.equal(byPath.get("models/evil.gguf")?.format, "gguf");
    const findings = await runCheck(noEmbeddedCode(), snapshot);
    assert.deepEqual(findings.map((f) => f.subject), ["models/evil.gguf"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// llama.cpp's format has FLOAT64, INT64 and UINT64 metadata; their values are ordinary
// (0.5 is 0x3FE0000000000000, -1 is 0xFFFFFFFFFFFFFFFF), not counts.
Deno.test("64-bit metadata values of any magnitude are valid", async () => {
  const rejected: Record<string, string[]> = {};
  for (
    const [key, value] of [
      ["example.f64", v.f64(0.5)],
      ["example.i64", v.i64(-1n)],
      ["example.u64", v.u64(2n ** 63n)],
    ] as [string, Value][]
  ) {
    const bytes = llama([[key, value]]);
    const result = await read(bytes);
    const artifact = await readModelFile(bytes, { path: "m.gguf" });
    if (result.problems.length > 0 || artifact.issues.length > 0) {
      rejected[key] = [...result.problems, ...artifact.issues];
    }
  }
  assert.deepEqual(rejected, {}, "valid GGUF files reported as damaged");
});

Deno.test("random bytes after GGUF never throw and yield no problem or one", async () => {
  const seeds = [llama(), llama([], 1), llama([["tokenizer.chat_template", v.str(SSTI[0][0])]])];
  const check = async (bytes: Uint8Array) => {
    const result = await read(bytes);
    assert.ok(
      result.problems.length === 0 ||
        (result.problems.length === 1 && /^not valid GGUF: /.test(result.problems[0])),
      JSON.stringify(result.problems),
    );
    if (result.problems.length > 0) assert.equal(result.tensors, 0);
    const artifact = Artifact.parse(await readModelFile(bytes, { path: "x.gguf" }));
    assert.ok(["gguf", "pickle"].includes(artifact.format), artifact.format);
    if (result.problems.length === 0) {
      assert.deepEqual([artifact.format, artifact.issues], ["gguf", []]);
    }
  };
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (tail) => {
      await check(new Uint8Array([...enc.encode("GGUF"), ...tail]));
      // With a plausible version and small counts, so the walk gets further.
      await check(new Uint8Array([...enc.encode("GGUF"), 3, 0, 0, 0, ...tail]));
    }),
    { numRuns: 300 },
  );
  await fc.assert(
    fc.asyncProperty(
      fc.nat({ max: seeds.length - 1 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 8,
      }),
      fc.option(fc.nat(), { nil: undefined }),
      async (seed, edits, cut) => {
        const bytes = new Uint8Array(seeds[seed]);
        for (const [at, value] of edits) bytes[4 + at % (bytes.length - 4)] = value;
        await check(cut === undefined ? bytes : bytes.subarray(0, 4 + cut % (bytes.length - 4)));
      },
    ),
    { numRuns: 300 },
  );
});
