/**
 * `readZipDirectory` and `readZipMember` against Python's `zipfile`, on archives python3 writes
 * (and then bends: prepended data, a lying end record, ZIP64 records, cp437 and UTF-8 names,
 * duplicates). Where zipfile lists an archive, ours must list the same names and read the same
 * bytes; where zipfile raises, ours must list nothing or report a problem, and never throw.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { bufferSource, readZipDirectory, readZipMember } from "../../collect/zip.ts";

/**
 * Builds every archive into the directory given, then reads each back with zipfile. Prints, per
 * archive, its path and zipfile's view: `{ names, members }` (members sampled by `every`), or
 * `{ error }`.
 */
const BUILDER = String.raw`
import base64, io, json, os, random, struct, sys, warnings, zipfile, zlib
warnings.simplefilter("ignore")
out_dir, wanted = sys.argv[1], json.loads(sys.argv[2])
rng = random.Random(20240601)
def noise(n): return bytes(rng.getrandbits(8) for _ in range(n))
D, S = zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED
PLAIN = [("a.txt", b"hello\n" * 20, D), ("dir/", b"", S), ("data.bin", noise(3000), S),
         ("empty", b"", D), ("nested/deep/model.pkl", bytes(range(256)) * 8, D)]

def build(entries, comment=b""):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as zf:
        for name, data, method in entries:
            if isinstance(name, zipfile.ZipInfo):
                zf.writestr(name, data)
            else:
                zf.writestr(name, data, compress_type=method)
        zf.comment = comment
    return b.getvalue()

def eocd(b): return b.rfind(b"PK\x05\x06")

def central_offsets(b):
    at = eocd(b)
    (size,), end = struct.unpack("<I", b[at + 12:at + 16]), at
    if b[at - 20:at - 16] == b"PK\x06\x07":
        (size,), end = struct.unpack("<Q", b[at - 36:at - 28]), at - 76
    start = end - size
    pos, found = start, []
    while pos < start + size:
        found.append(pos)
        n, e, c = struct.unpack("<HHH", b[pos + 28:pos + 34])
        pos += 46 + n + e + c
    return found

def patch(b, at, fmt, *values):
    b = bytearray(b)
    struct.pack_into(fmt, b, at, *values)
    return bytes(b)

def deflate(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()

def zip64(members, disks=1):
    """Sizes and offsets only in ZIP64 extra fields; a ZIP64 end record and its locator."""
    out, central = bytearray(), bytearray()
    for name, data in members:
        offset, nb, packed = len(out), name.encode(), deflate(data)
        crc = zlib.crc32(data)
        local_extra = struct.pack("<HHQQ", 1, 16, len(data), len(packed))
        out += struct.pack("<IHHHHHIIIHH", 0x04034b50, 45, 0, 8, 0, 0x21, crc,
                           0xFFFFFFFF, 0xFFFFFFFF, len(nb), len(local_extra)) + nb + local_extra + packed
        extra = struct.pack("<HHQQQ", 1, 24, len(data), len(packed), offset)
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 45, 45, 0, 8, 0, 0x21, crc,
                               0xFFFFFFFF, 0xFFFFFFFF, len(nb), len(extra), 0, 0, 0, 0,
                               0xFFFFFFFF) + nb + extra
    directory_at = len(out)
    out += central
    record_at = len(out)
    n = len(members)
    out += struct.pack("<IQHHIIQQQQ", 0x06064b50, 44, 45, 45, 0, 0, n, n, len(central), directory_at)
    out += struct.pack("<IIQI", 0x07064b50, 0, record_at, disks)
    out += struct.pack("<IHHHHIIH", 0x06054b50, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF,
                       0xFFFFFFFF, 0xFFFFFFFF, 0)
    return bytes(out)

def forced_zip64():
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", compression=D) as zf:
        for name, data in [("w1.bin", noise(500)), ("w2.txt", b"zip64 " * 100)]:
            with zf.open(name, "w", force_zip64=True) as f:
                f.write(data)
    return b.getvalue()

def many(n):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as zf:
        for i in range(n):
            zf.writestr(f"m/{i}.txt", f"member {i}".encode())
    return b.getvalue()

def named(placeholder, raw, extra=()):
    b = build([(placeholder, b"renamed bytes", D), *extra])
    assert b.count(placeholder.encode()) == 2
    return b.replace(placeholder.encode(), raw)

def with_extra(extra):
    info = zipfile.ZipInfo("extra.txt")
    info.extra = extra
    return build([("a.txt", b"a", D), (info, b"b", D)])

plain = build(PLAIN)
CASES = {
    # zipfile lists these
    "plain": lambda: plain,
    "comment": lambda: build(PLAIN, b"an archive comment"),
    "longest comment": lambda: build(PLAIN, bytes(rng.randrange(32, 127) for _ in range(65535))),
    "fake end record in the comment": lambda: build(PLAIN, b"PK\x05\x06" + bytes(18) + b"pad"),
    "prepended data": lambda: b"#!/bin/sh\nexec python3 -m x\n" + noise(1000) + plain,
    "prepended local header": lambda: b"PK\x03\x04" + bytes(26) + plain,
    "appended data": lambda: plain + b"trailing bytes",
    "forced zip64 local headers": forced_zip64,
    "zip64 directory and end record": lambda: zip64([("z/one.bin", noise(700)), ("z/two.txt", b"2" * 900)]),
    "zip64 with prepended data": lambda: noise(333) + zip64([("p.bin", noise(50)), ("q", b"")]),
    "end record count lies": lambda: patch(build(PLAIN[:3]), eocd(build(PLAIN[:3])) + 8, "<HH", 1, 1),
    "utf-8 names": lambda: build([("naïve/模型.pkl", b"utf8", D), ("emoji 😀.txt", b":)", S), ("plain.txt", b"", S)]),
    "cp437 names": lambda: named("H" * 128, bytes(range(128, 256)), [("caf\u00e9.txt", b"flagged", D)]),
    "cp437 short name": lambda: named("cafX.pkl", b"caf\x82.pkl"),
    "duplicate names": lambda: build([("a.txt", b"first", D), ("b.txt", b"b", S), ("a.txt", b"second", S), ("a.txt", b"third", D)]),
    "damaged local header": lambda: patch(plain, 0, "<I", 0x04034b51),
    "stored sizes disagree": lambda: patch(build([("s.bin", b"stored", S)]), central_offsets(build([("s.bin", b"stored", S)]))[0] + 24, "<I", 5),
    # zipfile raises on these
    "empty file": lambda: b"",
    "random bytes": lambda: noise(400),
    "end record cut short": lambda: plain[:-10],
    "central signature damaged": lambda: patch(plain, central_offsets(plain)[1], "<I", 0x02014b51),
    "directory larger than the archive": lambda: patch(plain, eocd(plain) + 12, "<I", len(plain) + 10),
    "directory offset before the start": lambda: patch(plain, eocd(plain) + 12, "<II", 100, 0xFFFFFF00),
    "end record signature in the last 21 bytes": lambda: build(PLAIN[:2], b"note PK\x05\x06xyz"),
    "end record beyond the 65,558 bytes zipfile searches": lambda: plain + bytes(65540),
    "utf-8 flag on bytes that are not UTF-8": lambda: named("\u00e9.pkl", b"\xff\xfe.pkl"),
    "extra field longer than its entry": lambda: with_extra(b"\x99\x99\x10\x00abc"),
    "zip64 extra field too short": lambda: patch(zip64([("t.bin", b"t")]), central_offsets(zip64([("t.bin", b"t")]))[0] + 46 + 5 + 2, "<H", 8),
    "zip64 locator on another disk": lambda: zip64([("d.bin", b"d")], disks=2),
    "version needed 6.4": lambda: patch(plain, central_offsets(plain)[0] + 6, "<H", 64),
    "NUL in a name": lambda: named("evil.pklXtxt", b"evil.pkl\x00txt"),
    "many members": lambda: many(65537),
}

result = []
for name in wanted:
    data = CASES[name]()
    path = os.path.join(out_dir, f"{len(result)}.zip")
    with open(path, "wb") as f:
        f.write(data)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
        every = max(1, len(infos) // 200)
        members = []
        for i in sorted(set(range(0, len(infos), every)) | {len(infos) - 1} if infos else set()):
            try:
                members.append({"index": i, "data": base64.b64encode(zf.read(infos[i])).decode()})
            except Exception as e:
                members.append({"index": i, "error": type(e).__name__ + ": " + str(e)[:80]})
        view = {"names": zf.namelist(), "members": members}
    except Exception as e:
        view = {"error": type(e).__name__ + ": " + str(e)[:80]}
    result.append({"name": name, "path": path, "zipfile": view})
print(json.dumps(result))
`;

interface ZipfileView {
  names: string[];
  members: ({ index: number; data: string } | { index: number; error: string })[];
}
interface Built {
  name: string;
  path: string;
  zipfile: ZipfileView | { error: string };
}

async function buildArchives(names: string[]): Promise<Built[]> {
  const dir = await Deno.makeTempDir({ prefix: "tollgate-zip-test-" });
  try {
    const output = await new Deno.Command("python3", {
      args: ["-c", BUILDER, dir, JSON.stringify(names)],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
    const built: Built[] = JSON.parse(new TextDecoder().decode(output.stdout));
    // Read the archives now: the directory goes away below.
    for (const item of built) item.path = await keep(item.path);
    return built;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const archives = new Map<string, Uint8Array>();
async function keep(path: string): Promise<string> {
  archives.set(path, await Deno.readFile(path));
  return path;
}

const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const LIMITS = { maxMembers: 100_000, maxRatio: Number.MAX_SAFE_INTEGER };

/** How ours departs from zipfile on one archive (empty when they agree). */
async function compare(item: Built): Promise<string[]> {
  const bytes = archives.get(item.path)!;
  const source = bufferSource(bytes);
  let listed: Awaited<ReturnType<typeof readZipDirectory>>;
  try {
    listed = await readZipDirectory(source, LIMITS);
  } catch (error) {
    return [`readZipDirectory threw: ${error}`];
  }
  const view = item.zipfile;
  if ("error" in view) {
    if (listed.entries.length === 0 || listed.problems.length > 0) return [];
    return [
      `zipfile raises ${view.error}, ours lists ${
        JSON.stringify(listed.entries.map((e) => e.name).slice(0, 5))
      } with no problem`,
    ];
  }
  const found: string[] = [];
  const ours = listed.entries.map((entry) => entry.name);
  if (JSON.stringify(ours) !== JSON.stringify(view.names)) {
    found.push(
      `names: ours ${JSON.stringify(ours.slice(0, 5))}… (${ours.length}), zipfile ${
        JSON.stringify(view.names.slice(0, 5))
      }… (${view.names.length})`,
    );
  }
  if (listed.problems.length > 0) found.push(`problems where zipfile has none: ${listed.problems}`);
  for (const member of view.members) {
    const entry = listed.entries[member.index];
    if (entry === undefined) continue;
    let read: Awaited<ReturnType<typeof readZipMember>>;
    try {
      read = await readZipMember(source, entry, LIMITS);
    } catch (error) {
      found.push(`readZipMember threw on ${entry.name}: ${error}`);
      continue;
    }
    if ("error" in member) {
      if (read.problem === undefined) {
        found.push(`${entry.name}: zipfile raises ${member.error}, ours reads it`);
      }
    } else if (read.bytes === undefined) {
      found.push(`${entry.name}: ours ${read.problem}, zipfile reads it`);
    } else {
      const expected = fromBase64(member.data);
      if (read.bytes.length !== expected.length || !read.bytes.every((b, i) => b === expected[i])) {
        found.push(`${entry.name}: bytes differ from zipfile's`);
      }
    }
  }
  return found;
}

async function assertAgrees(names: string[]): Promise<Built[]> {
  const built = await buildArchives(names);
  const found: Record<string, string[]> = {};
  for (const item of built) {
    const differences = await compare(item);
    if (differences.length > 0) found[item.name] = differences;
  }
  assert.deepEqual(found, {}, JSON.stringify(found, null, 1));
  return built;
}

Deno.test("archives zipfile lists: same names, same member bytes", async () => {
  const built = await assertAgrees([
    "plain",
    "comment",
    "longest comment",
    "fake end record in the comment",
    "prepended data",
    "prepended local header",
    "appended data",
    "forced zip64 local headers",
    "zip64 directory and end record",
    "zip64 with prepended data",
    "end record count lies",
    "utf-8 names",
    "cp437 names",
    "cp437 short name",
    "duplicate names",
    "damaged local header",
    "stored sizes disagree",
  ]);
  // The generated archives are what each case says they are.
  const view = (name: string) => built.find((item) => item.name === name)!.zipfile as ZipfileView;
  assert.deepEqual(view("end record count lies").names, ["a.txt", "dir/", "data.bin"]);
  assert.deepEqual(view("duplicate names").names, ["a.txt", "b.txt", "a.txt", "a.txt"]);
  assert.deepEqual(view("cp437 short name").names, ["café.pkl"]);
  assert.equal(view("cp437 names").names[0].length, 128);
  assert.deepEqual(view("utf-8 names").names, ["naïve/模型.pkl", "emoji 😀.txt", "plain.txt"]);
  assert.ok("error" in view("damaged local header").members[0]);
});

Deno.test("archives zipfile refuses: ours lists nothing or reports a problem", async () => {
  await assertAgrees([
    "empty file",
    "random bytes",
    "end record cut short",
    "central signature damaged",
    "directory larger than the archive",
    "directory offset before the start",
    "zip64 extra field too short",
  ]);
});

Deno.test("a ZIP64 archive of 65,537 members lists them all", async () => {
  const started = performance.now();
  const [item] = await assertAgrees(["many members"]);
  const view = item.zipfile as ZipfileView;
  assert.equal(view.names.length, 65_537);
  assert.equal(view.names.at(-1), "m/65536.txt");
  assert.ok(performance.now() - started < 8000, `took ${performance.now() - started} ms`);
  // The default member limit stops early, with a problem rather than silence.
  const limited = await readZipDirectory(bufferSource(archives.get(item.path)!));
  assert.equal(limited.entries.length, 10_000);
  assert.equal(limited.problems.length, 1);
});

// Each test below is one archive zipfile refuses (or names differently) that ours once listed as
// if nothing were wrong, kept so that readZipDirectory goes on following zipfile there.

Deno.test("zipfile refuses an archive whose last signature has no room for an end record", async () => {
  // _EndRecData takes the last "PK\5\6" in the tail; with fewer than 22 bytes after it, it fails.
  await assertAgrees(["end record signature in the last 21 bytes"]);
});

Deno.test("zipfile looks for the end record only in the last 65,558 bytes", async () => {
  // 22 bytes of record and 65,535 of comment (+1); ours reads 75 bytes further back.
  await assertAgrees(["end record beyond the 65,558 bytes zipfile searches"]);
});

Deno.test("zipfile refuses a UTF-8-flagged name that is not UTF-8", async () => {
  await assertAgrees(["utf-8 flag on bytes that are not UTF-8"]);
});

Deno.test("zipfile refuses an extra field that runs past its entry", async () => {
  await assertAgrees(["extra field longer than its entry"]);
});

Deno.test("zipfile refuses a ZIP64 locator naming another disk", async () => {
  await assertAgrees(["zip64 locator on another disk"]);
});

Deno.test("zipfile refuses a member needing a ZIP version above 6.3", async () => {
  await assertAgrees(["version needed 6.4"]);
});

Deno.test("zipfile ends a member name at its first NUL", async () => {
  await assertAgrees(["NUL in a name"]);
});

Deno.test("mutated and truncated archives never make the reader throw", async () => {
  const [plain, zip64] = await buildArchives(["plain", "zip64 directory and end record"]);
  const seeds = [archives.get(plain.path)!, archives.get(zip64.path)!];
  await fc.assert(
    fc.asyncProperty(
      fc.nat({ max: 1 }),
      fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { minLength: 1, maxLength: 8 }),
      fc.nat(),
      async (which, flips, cut) => {
        const base = seeds[which];
        const bytes = new Uint8Array(base);
        // Most flips land in the directory and end record, where the reader's decisions are.
        for (const [at, value] of flips) bytes[bytes.length - 1 - (at % 400)] = value;
        for (const candidate of [bytes, bytes.subarray(0, cut % (bytes.length + 1))]) {
          const source = bufferSource(candidate);
          const { entries } = await readZipDirectory(source, LIMITS);
          for (const entry of entries.slice(0, 20)) {
            const read = await readZipMember(source, entry);
            assert.ok(read.bytes !== undefined || read.problem !== undefined);
          }
        }
      },
    ),
    { numRuns: 300 },
  );
});
