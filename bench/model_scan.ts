/**
 * Scanning 1,000 mixed model files with Tollgate's model-file reader, against `cat` of the same
 * files to `/dev/null` (one `xargs -0 cat` process) in the same run, with the page cache warm for
 * both. Ours is `readModelFileAt` on every file, one after another as collect does. The files are
 * copies and extension variants of the real fixtures in `shared/fixtures/models/` (PyTorch zips,
 * legacy `.pt`, joblib, `.npy`, pickles, safetensors) and synthetic large ones: safetensors with a
 * valid header over random data, protocol-4 pickles holding big `BINBYTES`, float `.npy` arrays and
 * PyTorch zips (stored members) whose storage is random. Nothing is ever unpickled or executed.
 * A benchmark, not a test:
 *
 * ```sh
 * deno run --allow-read --allow-write --allow-env --allow-run=xargs,cat bench/model_scan.ts
 * TOLLGATE_BENCH_SCAN_FILES=200 TOLLGATE_BENCH_ROUNDS=5 deno run -A bench/model_scan.ts  # smaller
 * ```
 *
 * The last line printed is one JSON object (`{"bench":"model_scan",...}`) for comparing two runs.
 *
 * @module
 */
import * as path from "node:path";
import { readModelFileAt } from "../collect/models/model_files.ts";
import { concat, median, time, writeRandom } from "./_files.ts";

const count = Number(Deno.env.get("TOLLGATE_BENCH_SCAN_FILES") ?? 1_000);
const rounds = Number(Deno.env.get("TOLLGATE_BENCH_ROUNDS") ?? 3);
const fixtures = new URL("../../shared/fixtures/models/", import.meta.url);
const MiB = 1 << 20;
const encoder = new TextEncoder();

/** Little-endian integer of `width` bytes. */
function le(value: number, width: number): Uint8Array {
  const out = new Uint8Array(width);
  for (let i = 0, v = value; i < width; i++, v = Math.floor(v / 256)) out[i] = v % 256;
  return out;
}

/** A file of `size` random bytes (via `writeRandom`) with `patches` written over it. */
async function writePatched(
  file: string,
  size: number,
  patches: [offset: number, bytes: Uint8Array][],
  block: Uint8Array,
): Promise<void> {
  await writeRandom(file, size, block);
  using handle = await Deno.open(file, { write: true });
  for (const [offset, bytes] of patches) {
    await handle.seek(offset, Deno.SeekMode.Start);
    for (let done = 0; done < bytes.length;) done += await handle.write(bytes.subarray(done));
  }
}

/** Safetensors as the reference writer lays it out: space-padded JSON header, contiguous data. */
async function writeSafetensors(file: string, target: number, k: number, block: Uint8Array) {
  const dtypes = [["F32", 4], ["F16", 2], ["BF16", 2]] as const;
  const tensors = 4 + (k % 13);
  const header: Record<string, unknown> = { __metadata__: { format: "pt" } };
  let offset = 0;
  for (let t = 0; t < tensors; t++) {
    const [dtype, size] = dtypes[(k + t) % dtypes.length];
    const rows = Math.max(1, Math.floor(target / tensors / (1024 * size)));
    const bytes = rows * 1024 * size;
    header[`model.layers.${t}.weight`] = {
      dtype,
      shape: [rows, 1024],
      data_offsets: [offset, offset + bytes],
    };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - json.length % 8) % 8);
  const head = concat(le(json.length, 8), encoder.encode(json));
  await writePatched(file, head.length + offset, [[0, head]], block);
}

/**
 * A raw protocol-4 pickle of `{name: bytes, ...}` laid out as CPython's pickler writes it: each
 * large `BINBYTES` payload outside any frame, the opcodes around it in `FRAME`s.
 */
async function writeBigPickle(file: string, payloads: number[], block: Uint8Array) {
  const MEMOIZE = 0x94, FRAME = 0x95, BINBYTES = 0x42;
  const patches: [number, Uint8Array][] = [];
  let at = 0;
  const put = (bytes: Uint8Array) => (patches.push([at, bytes]), at += bytes.length);
  const frame = (opcodes: number[]) =>
    put(
      opcodes.length >= 4
        ? concat(new Uint8Array([FRAME]), le(opcodes.length, 8), new Uint8Array(opcodes))
        : new Uint8Array(opcodes),
    );
  put(new Uint8Array([0x80, 4]));
  let pending = [0x7d, MEMOIZE, ...(payloads.length > 1 ? [0x28] : [])]; // EMPTY_DICT, MARK
  payloads.forEach((n, i) => {
    const key = encoder.encode(`layers.${i}.weight`);
    pending.push(0x8c, key.length, ...key, MEMOIZE); // SHORT_BINUNICODE
    frame(pending);
    put(concat(new Uint8Array([BINBYTES]), le(n, 4)));
    at += n; // the payload: random bytes left as written
    pending = [MEMOIZE];
  });
  frame([...pending, payloads.length > 1 ? 0x75 : 0x73, 0x2e]); // SETITEMS or SETITEM, STOP
  await writePatched(file, at, patches, block);
}

/** A float `.npy` (format 1.0, header padded to 64 bytes as NumPy does). */
async function writeNpy(file: string, target: number, k: number, block: Uint8Array) {
  const [descr, size] = ([["<f4", 4], ["<f8", 8], ["<f2", 2]] as const)[k % 3];
  const rows = Math.max(1, Math.floor(target / (256 * size)));
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${rows}, 256), }`;
  dict += " ".repeat(63 - (10 + dict.length) % 64) + "\n";
  const head = concat(new Uint8Array([0x93, ...encoder.encode("NUMPY"), 1, 0]), le(dict.length, 2));
  await writePatched(file, 10 + dict.length + rows * 256 * size, [
    [0, concat(head, encoder.encode(dict))],
  ], block);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The members of a small stored (uncompressed) zip, in directory order, from its central directory. */
function storedMembers(zip: Uint8Array): [string, Uint8Array][] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let eocd = zip.length - 22;
  while (eocd >= 0 && view.getUint32(eocd, true) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error("fixture zip without end-of-central-directory record");
  const members: [string, Uint8Array][] = [];
  let pos = view.getUint32(eocd + 16, true);
  for (let i = 0; i < view.getUint16(eocd + 10, true); i++) {
    if (view.getUint16(pos + 10, true) !== 0) throw new Error("fixture zip member not stored");
    const nameLength = view.getUint16(pos + 28, true);
    const name = new TextDecoder().decode(zip.subarray(pos + 46, pos + 46 + nameLength));
    const size = view.getUint32(pos + 20, true);
    const local = view.getUint32(pos + 42, true);
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    members.push([name, zip.subarray(start, start + size)]);
    pos += 46 + nameLength + view.getUint16(pos + 30, true) + view.getUint16(pos + 32, true);
  }
  return members;
}

/** A zip of stored members, each member's data 64-byte aligned with an "FB" extra field (as torch). */
function storedZip(members: [string, Uint8Array][]): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const [name, data] of members) {
    const nameBytes = encoder.encode(name);
    const pad = (64 - (offset + 30 + nameBytes.length + 4) % 64) % 64;
    const extra = concat(le(0x4246, 2), le(pad, 2), new Uint8Array(pad));
    const crc = crc32(data);
    // version, flags, method (stored), time, date (1980-01-01), crc, sizes, name and extra lengths
    const common = (extraLength: number) =>
      concat(
        le(20, 2),
        le(0, 2),
        le(0, 2),
        le(0, 2),
        le(0x21, 2),
        le(crc, 4),
        le(data.length, 4),
        le(data.length, 4),
        le(nameBytes.length, 2),
        le(extraLength, 2),
      );
    const local = concat(le(0x04034b50, 4), common(extra.length), nameBytes, extra);
    locals.push(local, data);
    centrals.push(
      concat(
        le(0x02014b50, 4),
        le(20, 2), // version made by
        common(0),
        le(0, 2), // comment length
        le(0, 2), // disk
        le(0, 2), // internal attributes
        le(0, 4), // external attributes
        le(offset, 4),
        nameBytes,
      ),
    );
    offset += local.length + data.length;
  }
  const directory = concat(...centrals);
  const end = concat(
    le(0x06054b50, 4),
    le(0, 2),
    le(0, 2),
    le(members.length, 2),
    le(members.length, 2),
    le(directory.length, 4),
    le(offset, 4),
    le(0, 2),
  );
  return concat(...locals, directory, end);
}

function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let at = 0; at < n; at += 65536) crypto.getRandomValues(out.subarray(at, at + 65536));
  return out;
}

/** Fixture file names with a second extension a real project might use for the same format. */
const VARIANT: Record<string, string> = {
  pkl: "pickle",
  pt: "pth",
  bin: "pt",
  joblib: "pkl",
  npy: "npy",
  safetensors: "safetensors",
};

/**
 * `count` files in `dir`, the same mix every run: of every 20, one large safetensors (1–3 MiB),
 * one large protocol-4 pickle (1–3 MiB in 1–4 `BINBYTES`), one float `.npy` (0.5–2 MiB), one
 * PyTorch zip with a random storage (0.5–2 MiB), one small safetensors and one small pickle
 * (16–256 KiB), and 14 copies of the fixtures under their own or a variant extension.
 */
async function makeFiles(dir: string): Promise<string[]> {
  const names = [...Deno.readDirSync(fixtures)].map((e) => e.name)
    .filter((name) => /\.(pkl|pt|bin|joblib|npy|safetensors)$/.test(name)).sort();
  const real = await Promise.all(names.map((name) => Deno.readFile(new URL(name, fixtures))));
  const isZip = (bytes: Uint8Array) => new DataView(bytes.buffer).getUint32(0, true) === 0x04034b50;
  const zips = real.flatMap((bytes) => isZip(bytes) ? [storedMembers(bytes)] : []);
  if (names.length === 0 || zips.length === 0) throw new Error(`no fixtures in ${fixtures}`);
  const block = new Uint8Array(MiB);
  const files: string[] = [];
  let copies = 0;
  for (let i = 0; i < count; i++) {
    const k = Math.floor(i / 20);
    const id = String(i).padStart(5, "0");
    const small = 16 * 1024 * (1 + k % 16);
    let name: string;
    switch (i % 20) {
      case 0:
        name = `${id}-model.safetensors`;
        await writeSafetensors(path.join(dir, name), (1 + k % 3) * MiB, k, block);
        break;
      case 1: {
        name = `${id}-weights.pkl`;
        const parts = 1 + k % 4;
        const each = Math.floor((1 + (k + 1) % 3) * MiB / parts) + 8 * (k % 7);
        await writeBigPickle(path.join(dir, name), Array(parts).fill(each), block);
        break;
      }
      case 2:
        name = `${id}-array.npy`;
        await writeNpy(path.join(dir, name), (1 + k % 4) * MiB / 2, k, block);
        break;
      case 3: {
        name = `${id}-${k % 2 ? "pytorch_model.bin" : "checkpoint.pt"}`;
        const members = zips[k % zips.length].map(([member, data]): [string, Uint8Array] => [
          member,
          /\/data\/0$/.test(member) ? randomBytes((1 + (k + 2) % 4) * MiB / 2) : data,
        ]);
        await Deno.writeFile(path.join(dir, name), storedZip(members));
        break;
      }
      case 4:
        name = `${id}-adapter.safetensors`;
        await writeSafetensors(path.join(dir, name), small, k, block);
        break;
      case 5:
        name = `${id}-small.pkl`;
        await writeBigPickle(path.join(dir, name), [small], block);
        break;
      default: {
        const fixture = copies % names.length;
        const [stem, extension] = names[fixture].split(/\.(?=[^.]+$)/);
        const variant = Math.floor(copies / names.length) % 2 ? VARIANT[extension] : extension;
        name = `${id}-${stem}.${variant}`;
        await Deno.writeFile(path.join(dir, name), real[fixture]);
        copies++;
      }
    }
    files.push(path.join(dir, name));
  }
  return files;
}

/** `cat` of every file to /dev/null: one `xargs -0 cat` process, names given relative to `dir`. */
async function cat(dir: string, files: string[]): Promise<void> {
  const child = new Deno.Command("xargs", {
    args: ["-0", "cat"],
    cwd: dir,
    stdin: "piped",
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(encoder.encode(files.map((f) => path.basename(f)).join("\0")));
  await writer.close();
  if (!(await child.status).success) throw new Error("xargs cat failed");
}

/** Ours: every file through `readModelFileAt`, sequentially; formats and issues counted. */
async function scan(files: string[]): Promise<{ formats: Record<string, number>; issues: number }> {
  const formats: Record<string, number> = {};
  let issues = 0;
  for (const file of files) {
    const artifact = await readModelFileAt(file, { path: path.basename(file) });
    formats[artifact.format] = (formats[artifact.format] ?? 0) + 1;
    if (artifact.issues.length > 0) issues++;
  }
  return { formats, issues };
}

const root = await Deno.makeTempDir({ prefix: "tollgate-scan-bench-" });
try {
  const files = await makeFiles(root);
  let bytes = 0;
  for (const file of files) bytes += (await Deno.stat(file)).size;
  const mib = bytes / MiB;
  console.log(`model files: ${files.length} files, ${mib.toFixed(1)} MiB under ${root}`);
  await cat(root, files); // warm the page cache for both
  let sanity = await scan(files);
  const ours: number[] = [];
  const reference: number[] = [];
  for (let round = 0; round < rounds; round++) {
    reference.push(await time(() => cat(root, files)));
    ours.push(await time(async () => sanity = await scan(files)));
  }
  const x = median(ours);
  const y = median(reference);
  const formats = Object.fromEntries(
    Object.entries(sanity.formats).sort(([a], [b]) => a < b ? -1 : 1),
  );
  console.log(
    `formats: ${Object.entries(formats).map(([f, n]) => `${f} ${n}`).join(", ")}; ` +
      `files with issues: ${sanity.issues}`,
  );
  console.log(
    `readModelFileAt, sequential: ${x.toFixed(3)} s (${(files.length / x).toFixed(0)} files/s, ` +
      `${(mib / x).toFixed(0)} MiB/s of file size)`,
  );
  console.log(
    `cat to /dev/null, xargs -0 cat: ${y.toFixed(3)} s (${
      (files.length / y).toFixed(0)
    } files/s, ` +
      `${(mib / y).toFixed(0)} MiB/s)`,
  );
  console.log(`ours/cat: ${(x / y).toFixed(2)}× the time; median of ${rounds} rounds`);
  console.log(JSON.stringify({
    bench: "model_scan",
    files: files.length,
    mib: Number(mib.toFixed(1)),
    rounds,
    ours_s: Number(x.toFixed(4)),
    cat_s: Number(y.toFixed(4)),
    ratio: Number((x / y).toFixed(3)),
    files_per_s: Number((files.length / x).toFixed(1)),
    formats,
    with_issues: sanity.issues,
    ours_rounds_s: ours.map((s) => Number(s.toFixed(4))),
    cat_rounds_s: reference.map((s) => Number(s.toFixed(4))),
  }));
} finally {
  await Deno.remove(root, { recursive: true });
}
