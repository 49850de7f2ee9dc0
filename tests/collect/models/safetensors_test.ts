import assert from "node:assert/strict";
import fc from "fast-check";
import { checkSafetensors } from "../../../collect/models/safetensors.ts";

function file(header: unknown, dataBytes: number): { bytes: Uint8Array; size: number } {
  const json = new TextEncoder().encode(
    typeof header === "string" ? header : JSON.stringify(header),
  );
  const bytes = new Uint8Array(8 + json.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
  bytes.set(json, 8);
  return { bytes, size: bytes.length + dataBytes };
}
const check = (header: unknown, dataBytes: number) => {
  const { bytes, size } = file(header, dataBytes);
  return checkSafetensors(bytes, size).issues;
};

Deno.test("the fixture is well formed", () => {
  const bytes = Deno.readFileSync(
    new URL("../../../../shared/fixtures/models/model.safetensors", import.meta.url),
  );
  assert.deepEqual(checkSafetensors(bytes, bytes.length), { issues: [], tensors: 2 });
});

Deno.test("overlapping, out-of-range, gapped and inconsistent tensors are issues", () => {
  const t = (begin: number, end: number, shape = [(end - begin) / 4]) => ({
    dtype: "F32",
    shape,
    data_offsets: [begin, end],
  });
  assert.deepEqual(check({ a: t(0, 8), b: t(4, 12) }, 12), [
    "tensor b overlaps another tensor's bytes",
  ]);
  assert.deepEqual(check({ a: t(0, 8), b: t(8, 16) }, 12), [
    "tensor b data_offsets [8, 16] outside the data region (12 bytes)",
    "bytes 8–12 of the data region belong to no tensor",
  ]);
  assert.deepEqual(check({ a: t(0, 4), b: t(8, 12) }, 12), [
    "bytes 4–8 of the data region belong to no tensor",
  ]);
  assert.deepEqual(check({ a: t(0, 8, [3]) }, 8), [
    "tensor a: F32 [3] needs 12 bytes, offsets give 8",
  ]);
  assert.deepEqual(check({ a: { dtype: "Q9", shape: [1], data_offsets: [0, 1] } }, 1), [
    "tensor a has unknown dtype Q9",
  ]);
  assert.deepEqual(check({ __metadata__: { format: "pt", n: 3 } }, 0), [
    "__metadata__.n is not a string",
  ]);
});

Deno.test("bad lengths and headers are issues", () => {
  assert.deepEqual(check("{nope", 0), ["safetensors header is not valid UTF-8 JSON"]);
  assert.deepEqual(check("[]", 0), ["safetensors header is not a JSON object"]);
  const { bytes } = file({}, 0);
  assert.match(checkSafetensors(bytes, 9).issues[0], /runs past the end/);
  assert.match(
    checkSafetensors(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 1]), 2 ** 60).issues[0],
    /exceeds/,
  );
  assert.deepEqual(checkSafetensors(new Uint8Array(3), 3).issues, [
    "safetensors file shorter than 8 bytes",
  ]);
});

Deno.test("random headers never throw", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(), (bytes, extra) => {
      checkSafetensors(bytes, bytes.length + (extra % 1000));
    }),
    { numRuns: 1000 },
  );
  fc.assert(
    fc.property(fc.json(), fc.nat({ max: 64 }), (json, data) => {
      check(json, data);
    }),
    { numRuns: 500 },
  );
});
