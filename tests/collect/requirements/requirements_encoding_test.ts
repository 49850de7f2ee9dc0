// Requirements files in other encodings (issue 15, item 10): `pip freeze > requirements.txt` in
// Windows PowerShell writes UTF-16 LE with a byte-order mark, and pip reads it. pip decodes by
// BOM (UTF-8, UTF-32, UTF-16), then by a PEP 263 `coding:` comment, then as UTF-8; so do we,
// with line numbers intact, and bytes that do not decode are a problem naming the line.
import assert from "node:assert/strict";
import fc from "fast-check";
import * as path from "node:path";
import { readRequirementsFile } from "../../../collect/requirements/requirements.ts";
import { decodeRequirementsBytes } from "../../../collect/requirements/_decode.ts";
import { Problem } from "../../../core/snapshot.ts";

const SHARED = new URL("../../../../shared/", import.meta.url).pathname;
const ORACLE = path.join(SHARED, "tools/pip_oracle.py");

const FREEZE = [
  "# pip freeze, from PowerShell — café ✓",
  "certifi==2024.2.2",
  "Jinja2==3.1.3 \\",
  "    --hash=sha256:" + "a".repeat(64),
  "numpy==1.26.4 ; python_version >= '3.9'",
  "",
  "torch @ https://download.pytorch.org/whl/cpu/torch-2.3.1%2Bcpu-cp311-cp311-win_amd64.whl",
  "-r more.txt",
  "zipp==3.17.0",
].join("\r\n") + "\r\n";

/** Write each file with Python's own codec, so the bytes are what Python tools write. */
const WRITE = `
import json, sys, os
root, files = json.load(sys.stdin)
for name, (text, codec, bom) in files.items():
    data = text.encode(codec)
    if bom:
        data = "\\ufeff".encode(codec) + data
    with open(os.path.join(root, name), "wb") as f:
        f.write(data)
print("null")
`;

interface OracleRequirement {
  name: string | null;
  specifier: string | null;
  marker: string | null;
  hashes: string[];
  comes_from: string;
}

async function writeAndAsk(
  root: string,
  files: Record<string, [string, string, boolean]>,
): Promise<Record<string, { requirements: OracleRequirement[] } | { error: string }>> {
  const write = new Deno.Command("python3", { args: ["-c", WRITE], stdin: "piped" }).spawn();
  const writer = write.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify([root, files])));
  await writer.close();
  assert.ok((await write.status).success);
  const oracle = await new Deno.Command("python3", {
    args: [ORACLE, ...Object.keys(files).filter((f) => f.startsWith("requirements"))],
    cwd: root,
    stdout: "piped",
  }).output();
  assert.ok(oracle.success);
  return JSON.parse(new TextDecoder().decode(oracle.stdout));
}

Deno.test("differential: UTF-16 (LE and BE), UTF-32 BE, UTF-8 with BOM and PEP 263 files read as pip reads them", async () => {
  const root = await Deno.makeTempDir({ prefix: "tollgate-encoding-" });
  try {
    const more = "six==1.16.0\r\n";
    const latin1 = "# -*- coding: latin-1 -*-\nnumpy==1.26.4  # café\n";
    const files: Record<string, [string, string, boolean]> = {
      "requirements-utf16.txt": [FREEZE, "utf-16", false], // Python writes the BOM itself (LE here)
      "requirements-utf16be.txt": [FREEZE, "utf-16-be", true],
      "requirements-utf32be.txt": [FREEZE, "utf-32-be", true],
      "requirements-utf8sig.txt": [FREEZE, "utf-8-sig", false],
      "requirements-latin1.txt": [latin1, "latin-1", false],
      "more.txt": [more, "utf-16", false],
    };
    const oracle = await writeAndAsk(root, files);
    const lineOf = (comesFrom: string) => Number(/\(line (\d+)\)/.exec(comesFrom)?.[1]);
    for (const file of Object.keys(files).filter((f) => f.startsWith("requirements"))) {
      const expected = oracle[file];
      assert.ok(!("error" in expected), `${file}: pip says ${JSON.stringify(expected)}`);
      const ours = await readRequirementsFile({ root, file });
      assert.deepEqual(ours.problems, [], file);
      assert.deepEqual(
        ours.packages.map((p) => ({
          name: p.name,
          specifier: p.specifier,
          marker: p.markers ?? null,
          hashes: p.hashes,
          at: `${p.locations[0].file}:${p.locations[0].line}`,
        })),
        expected.requirements.map((r) => ({
          name: r.name,
          specifier: r.specifier ?? "",
          marker: r.marker,
          hashes: r.hashes,
          at: `${/^-r (\S+)/.exec(r.comes_from)?.[1]}:${lineOf(r.comes_from)}`,
        })),
        file,
      );
    }
    const freeze = await readRequirementsFile({ root, file: "requirements-utf16.txt" });
    assert.deepEqual(freeze.packages.map((p) => [p.name, p.version, p.locations[0].line]), [
      ["certifi", "2024.2.2", 2],
      ["jinja2", "3.1.3", 3],
      ["numpy", "1.26.4", 5],
      ["torch", "2.3.1+cpu", 7],
      ["six", "1.16.0", 1],
      ["zipp", "3.17.0", 9],
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("UTF-32 LE reads as current pip reads it (pip before pypa/pip#12795 took its BOM for UTF-16's)", () => {
  const text = "numpy==1.26.4\r\ntorch==2.3.1\r\n";
  const bytes = new Uint8Array(4 + text.length * 4);
  bytes.set([0xff, 0xfe, 0, 0]);
  for (let i = 0; i < text.length; i++) bytes[4 + i * 4] = text.charCodeAt(i);
  assert.deepEqual(decodeRequirementsBytes(bytes), { text, encoding: "UTF-32LE" });
});

Deno.test("bytes that do not decode are a problem naming the line, never a crash", async () => {
  const utf16 = (text: string) => {
    const bytes = new Uint8Array(2 + text.length * 2);
    bytes.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) {
      bytes[2 + i * 2] = text.charCodeAt(i) & 0xff;
      bytes[3 + i * 2] = text.charCodeAt(i) >> 8;
    }
    return bytes;
  };
  const odd = utf16("a==1\r\nb==2\r\nc==3");
  const lone = utf16("a==1\nb==2\n# \ud800 lone\nc==3\n");
  const latin = new TextEncoder().encode("a==1\nb==2\n# caf\u00e9\n");
  const badUtf8 = new Uint8Array([...latin.slice(0, -3), 0xe9, 0x0a]);
  const root = await Deno.makeTempDir({ prefix: "tollgate-encoding-" });
  try {
    await Deno.writeFile(path.join(root, "odd.txt"), new Uint8Array([...odd, 0x41]));
    await Deno.writeFile(path.join(root, "lone.txt"), lone);
    await Deno.writeFile(path.join(root, "latin.txt"), badUtf8);
    await Deno.writeFile(
      path.join(root, "requirements.txt"),
      new TextEncoder().encode("-r lone.txt\nz==1\n"),
    );
    const read = (file: string) => readRequirementsFile({ root, file });
    assert.deepEqual((await read("odd.txt")).problems, [{
      file: "odd.txt",
      line: 3,
      message:
        "odd.txt: not valid UTF-16LE (from its byte-order mark) at byte offset 34, line 3: " +
        "a byte is left over at the end; pip cannot read the file either",
    }]);
    const lonely = await read("lone.txt");
    assert.deepEqual(lonely.packages, []);
    assert.deepEqual(lonely.problems, [{
      file: "lone.txt",
      line: 3,
      message:
        "lone.txt: not valid UTF-16LE (from its byte-order mark) at byte offset 26, line 3: " +
        "an unpaired surrogate; pip cannot read the file either",
    }]);
    assert.deepEqual((await read("latin.txt")).problems, [{
      file: "latin.txt",
      line: 3,
      message:
        "latin.txt: not valid UTF-8 at byte offset 15, line 3 (no byte-order mark or PEP 263 " +
        "coding comment names another encoding); pip would fall back to this machine's locale " +
        "encoding: save the file as UTF-8",
    }]);
    // An include that does not decode is a problem in that file; the including file goes on.
    const including = await read("requirements.txt");
    assert.deepEqual(including.packages.map((p) => p.name), ["z"]);
    assert.deepEqual(including.problems.map((p) => `${p.file}:${p.line}`), ["lone.txt:3"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("property: any text reads the same in every encoding pip detects", () => {
  const line = fc.oneof(
    fc.constantFrom("numpy==1.26.4", "# comment é ✓ 𝄞", "torch>=2 ; python_version >= '3.9'", ""),
    fc.string({ maxLength: 20, unit: "grapheme" }),
  );
  const encoders: Record<string, (text: string) => Uint8Array> = {
    "utf-8-bom": (t) => new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(t)]),
    "utf-16le": (t) => units(t, false, [0xff, 0xfe]),
    "utf-16be": (t) => units(t, true, [0xfe, 0xff]),
    "utf-32be": (t) => points(t, true, [0, 0, 0xfe, 0xff]),
    "utf-32le": (t) => points(t, false, [0xff, 0xfe, 0, 0]),
  };
  fc.assert(fc.property(
    fc.array(line, { maxLength: 8 }),
    fc.constantFrom("\n", "\r\n"),
    fc.constantFrom(...Object.keys(encoders)),
    (lines, newline, encoding) => {
      const text = lines.join(newline);
      if (text.startsWith("\ufeff") || text.startsWith("\u0000")) return;
      const decoded = decodeRequirementsBytes(encoders[encoding](text));
      assert.ok("text" in decoded, JSON.stringify(decoded));
      assert.equal(decoded.text, text);
    },
  ));
});

Deno.test("property: random bytes after a byte-order mark never throw; problems lie in the file", () => {
  const bom = fc.constantFrom(
    [0xff, 0xfe],
    [0xfe, 0xff],
    [0xef, 0xbb, 0xbf],
    [0xff, 0xfe, 0, 0],
    [],
  );
  fc.assert(fc.property(bom, fc.uint8Array({ maxLength: 64 }), (mark, body) => {
    const decoded = decodeRequirementsBytes(new Uint8Array([...mark, ...body]));
    if ("text" in decoded) return;
    assert.ok(decoded.line >= 1 && decoded.line <= body.length + 1, JSON.stringify(decoded));
    assert.ok(decoded.offset >= 0 && decoded.offset <= mark.length + body.length);
    Problem.parse({ file: "f", line: decoded.line, message: decoded.message });
  }));
});

function units(text: string, bigEndian: boolean, bom: number[]): Uint8Array {
  const bytes = new Uint8Array(bom.length + text.length * 2);
  bytes.set(bom);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    bytes[bom.length + i * 2 + (bigEndian ? 1 : 0)] = unit & 0xff;
    bytes[bom.length + i * 2 + (bigEndian ? 0 : 1)] = unit >> 8;
  }
  return bytes;
}

function points(text: string, bigEndian: boolean, bom: number[]): Uint8Array {
  const codes = [...text].map((char) => char.codePointAt(0)!);
  const bytes = new Uint8Array(bom.length + codes.length * 4);
  bytes.set(bom);
  codes.forEach((code, i) => {
    const at = bom.length + i * 4;
    const parts = [code & 0xff, (code >> 8) & 0xff, (code >> 16) & 0xff, 0];
    bytes.set(bigEndian ? parts.reverse() : parts, at);
  });
  return bytes;
}

Deno.test("a PEP 263 comment names the encoding; one Tollgate does not decode is a problem", () => {
  const bytes = (text: string, ...extra: number[]) =>
    new Uint8Array([...new TextEncoder().encode(text), ...extra]);
  assert.deepEqual(decodeRequirementsBytes(bytes("# coding: cp1252\n# caf", 0xe9, 0x80)), {
    text: "# coding: cp1252\n# café€",
    encoding: "cp1252",
  });
  const undefinedByte = decodeRequirementsBytes(bytes("# coding=windows-1252\n\n", 0x81));
  assert.ok(!("text" in undefinedByte));
  assert.equal(undefinedByte.line, 3);
  assert.match(undefinedByte.message, /byte 0x81 means nothing in cp1252/);
  assert.deepEqual(decodeRequirementsBytes(bytes("six==1\n# -*- coding: koi8-r -*-\n")), {
    message: "declares the encoding 'koi8-r' in a PEP 263 coding comment, which Tollgate does " +
      "not decode: save the file as UTF-8",
    encoding: "koi8-r",
    offset: 7,
    line: 2,
  });
  // Only the first two lines count, and only comment lines.
  assert.deepEqual(decodeRequirementsBytes(bytes("a\nb\n# coding: koi8-r\n")), {
    text: "a\nb\n# coding: koi8-r\n",
    encoding: "UTF-8",
  });
});
