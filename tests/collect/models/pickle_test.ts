import assert from "node:assert/strict";
import { pythonJson } from "../../_python.ts";
import fc from "fast-check";
import { scanPickle, scanPickleStream } from "../../../collect/models/pickle.ts";
import { bufferSource, readZipDirectory, readZipMember } from "../../../collect/zip.ts";

const models = new URL("../../../../shared/fixtures/models/", import.meta.url);
const fixture = (name: string) => Deno.readFileSync(new URL(name, models));
const names = (globals: { module: string; name: string }[]) =>
  globals.map((g) => `${g.module}.${g.name}`);
const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** Python's pickletools as an independent walker: GLOBAL/INST/EXT args, and STACK_GLOBAL resolved
 * through a stack simulated from each opcode's documented stack effect. */
const PICKLETOOLS = `
import io, json, sys, zipfile, pickletools
from pickletools import markobject
STRINGS = {"SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "UNICODE", "STRING", "BINSTRING", "SHORT_BINSTRING"}
MARK = object()
def walk(data, offset):
    out, stack, memo = [], [], {}
    f = io.BytesIO(data); f.seek(offset)
    for op, arg, pos in pickletools.genops(f):
        n = op.name
        if n in ("PUT", "BINPUT", "LONG_BINPUT"): memo[arg] = stack[-1]; continue
        if n == "MEMOIZE": memo[len(memo)] = stack[-1]; continue
        if n in ("GLOBAL", "INST"): out.append(arg.replace(" ", ".", 1))
        if n == "STACK_GLOBAL":
            m, q = stack[-2], stack[-1]
            out.append(f"{m}.{q}" if isinstance(m, str) and isinstance(q, str) else "?.?")
        if n in ("EXT1", "EXT2", "EXT4"): out.append(f"copyreg-extension.{arg}")
        top = stack[-1] if stack else None
        before = op.stack_before
        if markobject in before:
            k = before.index(markobject)
            while stack[-1] is not MARK: stack.pop()
            stack.pop()
            for _ in range(k): stack.pop()
        else:
            for _ in before: stack.pop()
        if n in STRINGS: stack.append(arg)
        elif n in ("GET", "BINGET", "LONG_BINGET"): stack.append(memo[arg])
        elif n == "DUP": stack += [top, top]
        else: stack += [MARK if a is markobject else None for a in op.stack_after]
    return out, f.tell()
result = {}
for item in json.load(sys.stdin):
    if item.get("zip"):
        archive = zipfile.ZipFile(item["path"])
        datas = [archive.read(n) for n in archive.namelist() if n.endswith(".pkl")]
    else: datas = [open(item["path"], "rb").read()]
    found = []
    for data in datas:
        offset = item.get("offset", 0)
        for _ in range(item.get("pickles", 1000)):
            if offset >= len(data): break
            globals_, offset = walk(data, offset)
            found += globals_
    result[item["key"]] = found
print(json.dumps(result))
`;

interface DiffItem {
  key: string;
  path: string;
  zip?: boolean;
  offset?: number;
  pickles?: number;
}

function pickletools(items: DiffItem[]): Promise<Record<string, string[]>> {
  return pythonJson(PICKLETOOLS, items);
}

async function pklMembers(archive: Uint8Array): Promise<Uint8Array[]> {
  const source = bufferSource(archive);
  const { entries } = await readZipDirectory(source);
  const members = [];
  for (const entry of entries.filter((e) => e.name.endsWith(".pkl"))) {
    members.push((await readZipMember(source, entry)).bytes!);
  }
  return members;
}

async function python(script: string, ...args: string[]): Promise<Uint8Array> {
  const output = await new Deno.Command("python3", { args: ["-c", script, ...args] }).output();
  assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
  return output.stdout;
}

Deno.test("scanPickle agrees with pickletools on every fixture pickle and .pkl member", async () => {
  const path = (name: string) => new URL(name, models).pathname;
  const raw = [
    "malicious_eval.pkl",
    "malicious_system_p0.pkl",
    "malicious_system_p2.pkl",
    "malicious_system_p4.pkl",
    "plain_dict.pkl",
    "sklearn_logreg.pkl",
  ];
  const items: DiffItem[] = raw.map((name) => ({ key: name, path: path(name) }));
  for (const name of ["linear_legacy.pt", "malicious_legacy.pt"]) {
    items.push({ key: name, path: path(name), pickles: 5 });
  }
  for (const name of ["array_object.npy", "malicious_object.npy"]) {
    items.push({ key: name, path: path(name), offset: 128 });
  }
  const zips = [
    "linear_full_module.pt",
    "linear_state_dict.pt",
    "malicious_state_dict.pt",
    "pytorch_model.bin",
  ];
  for (const name of zips) items.push({ key: name, path: path(name), zip: true });
  const expected = await pickletools(items);
  for (const item of items) {
    const buffers = item.zip ? await pklMembers(fixture(item.key)) : [fixture(item.key)];
    const ours = buffers.map((bytes) =>
      item.pickles
        ? scanPickleStream(bytes, { maxPickles: item.pickles })
        : scanPickleStream(bytes, { offset: item.offset ?? 0 })
    );
    assert.deepEqual(ours.flatMap((scan) => names(scan.globals)), expected[item.key], item.key);
    assert.deepEqual(ours.flatMap((scan) => scan.problems), [], item.key);
  }
});

Deno.test("memo indirection: module and name stored with BINPUT, fetched with BINGET", () => {
  // PROTO 4; "os" BINPUT 1 POP; "system" BINPUT 2 POP; BINGET 1 BINGET 2 STACK_GLOBAL; "id" TUPLE1 REDUCE STOP
  const bytes = new Uint8Array([
    0x80,
    4,
    0x8c,
    2,
    ...latin1("os"),
    0x71,
    1,
    0x30,
    0x8c,
    6,
    ...latin1("system"),
    0x71,
    2,
    0x30,
    0x68,
    1,
    0x68,
    2,
    0x93,
    0x8c,
    2,
    ...latin1("id"),
    0x85,
    0x52,
    0x2e,
  ]);
  const scan = scanPickle(bytes);
  assert.deepEqual(names(scan.globals), ["os.system"]);
  assert.deepEqual(scan.problems, []);
  assert.equal(scan.end, bytes.length);
});

Deno.test("MEMOIZE and LONG_BINGET resolve too, and DUP keeps the operands", () => {
  const bytes = new Uint8Array([
    0x80,
    4,
    0x8c,
    8,
    ...latin1("builtins"),
    0x94,
    0x32,
    0x30,
    0x8c,
    4,
    ...latin1("exec"),
    0x94,
    0x30,
    0x6a,
    0,
    0,
    0,
    0,
    0x6a,
    1,
    0,
    0,
    0,
    0x93,
    0x2e,
  ]);
  assert.deepEqual(names(scanPickle(bytes).globals), ["builtins.exec"]);
});

Deno.test("protocol 0 INST and OBJ are imports", () => {
  assert.deepEqual(names(scanPickle(latin1("(S'echo owned'\nios\nsystem\n.")).globals), [
    "os.system",
  ]);
  const obj = scanPickle(latin1("(csubprocess\nPopen\n(S'id'\nlo."));
  assert.deepEqual(names(obj.globals), ["subprocess.Popen"]);
  assert.deepEqual(obj.problems, []);
});

Deno.test("a nested pickle.loads payload reports the outer loads global", async () => {
  const bytes = await python(`
import os, pickle, sys
class Inner:
    def __reduce__(self): return (os.system, ("echo owned",))
class Outer:
    def __reduce__(self): return (pickle.loads, (pickle.dumps(Inner()),))
sys.stdout.buffer.write(pickle.dumps(Outer(), protocol=4))`);
  const scan = scanPickle(bytes);
  assert.deepEqual(names(scan.globals), ["_pickle.loads"]);
  assert.deepEqual(scan.problems, []);
});

Deno.test("unresolvable STACK_GLOBAL operands fail closed", () => {
  const bytes = new Uint8Array([0x80, 4, 0x4b, 1, 0x8c, 1, 0x61, 0x93, 0x2e]);
  const scan = scanPickle(bytes);
  assert.deepEqual(names(scan.globals), ["?.?"]);
  assert.deepEqual(scan.problems, ["unresolved STACK_GLOBAL at offset 7"]);
});

Deno.test("EXT codes are recorded; persistent ids are noted", () => {
  const scan = scanPickle(
    new Uint8Array([0x80, 2, 0x83, 0x39, 0x30, 0x29, 0x52, 0x4e, 0x51, 0x2e]),
  );
  assert.deepEqual(names(scan.globals), ["copyreg-extension.12345"]);
  assert.equal(scan.persistentIds, true);
});

Deno.test("data opcodes are skipped by their declared lengths", () => {
  // BINBYTES of 5 bytes holding a fake GLOBAL, SHORT_BINBYTES, LONG1, BINFLOAT, BYTEARRAY8
  const bytes = new Uint8Array([
    0x80,
    5,
    0x42,
    5,
    0,
    0,
    0,
    ...latin1("cos\ns"),
    0x30,
    0x43,
    2,
    0x63,
    0x0a,
    0x30,
    0x8a,
    2,
    1,
    2,
    0x30,
    0x47,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0x30,
    0x96,
    1,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0x63,
    0x2e,
  ]);
  const scan = scanPickle(bytes);
  assert.deepEqual(scan.globals, []);
  assert.deepEqual(scan.problems, []);
});

Deno.test("truncated pickles, unknown opcodes and bad memo reads are problems", () => {
  const p4 = fixture("malicious_system_p4.pkl");
  const cut = scanPickle(p4.subarray(0, 30));
  assert.equal(cut.complete, false);
  assert.match(cut.problems[0], /truncated/);
  assert.deepEqual(scanPickle(new Uint8Array([0x80, 4, 0xff])).problems, [
    "unknown opcode 0xff at offset 2",
  ]);
  assert.deepEqual(scanPickle(new Uint8Array([0x68, 7, 0x2e])).problems, [
    "memo key 7 read before it was written at offset 0",
  ]);
  assert.match(scanPickle(new Uint8Array([0x80, 9, 0x2e])).problems[0], /protocol 9/);
});

Deno.test("the opcode budget ends endless input", () => {
  const bytes = new Uint8Array(100_000).fill(0x4e); // NONE, NONE, …
  const scan = scanPickle(bytes, { maxOps: 1000 });
  assert.deepEqual(scan.problems, ["more than 1000 opcodes at offset 1000"]);
});

Deno.test("joblib mode skips the inline array buffers", () => {
  const bytes = fixture("sklearn_logreg.joblib");
  assert.notDeepEqual(scanPickle(bytes).problems, []);
  const scan = scanPickleStream(bytes, { joblib: true });
  assert.deepEqual(scan.problems, []);
  assert.equal(scan.end, bytes.length);
});

Deno.test("random and mutated bytes never throw and always end", () => {
  const seeds = ["malicious_system_p0.pkl", "sklearn_logreg.joblib", "linear_legacy.pt"].map(
    fixture,
  );
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 512 }),
      fc.nat({ max: 2 }),
      fc.nat(),
      (noise, seed, at) => {
        const base = seeds[seed];
        const mutated = new Uint8Array(base);
        mutated.set(
          noise.subarray(0, Math.max(0, base.length - (at % base.length))),
          at % base.length,
        );
        for (const bytes of [noise, mutated]) {
          const scan = scanPickleStream(bytes, { joblib: true, maxOps: 100_000 });
          assert.ok(scan.end <= bytes.length);
        }
      },
    ),
    { numRuns: 500 },
  );
});
