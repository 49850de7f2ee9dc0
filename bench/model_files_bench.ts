/**
 * Model-file reading cost: a sparse 1 GiB safetensors file is judged from its header, and a
 * 200 MB PyTorch zip from its central directory and its small `data.pkl`; `Deno.stat` of the same
 * file is the same-run reference.
 *
 * @module
 */
import { readModelFileAt } from "../collect/models/model_files.ts";

const dir = Deno.makeTempDirSync();
const big = `${dir}/big.safetensors`;
const gib = 1024 * 1024 * 1024;
const json = new TextEncoder().encode(
  JSON.stringify({ w: { dtype: "U8", shape: [gib], data_offsets: [0, gib] } }),
);
const head = new Uint8Array(8 + json.length);
new DataView(head.buffer).setBigUint64(0, BigInt(json.length), true);
head.set(json, 8);
Deno.writeFileSync(big, head);
Deno.truncateSync(big, head.length + gib); // sparse: no data blocks written

const zip = `${dir}/big.pt`;
const made = new Deno.Command("python3", {
  args: [
    "-c",
    `import pickle, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("big/data.pkl", pickle.dumps({"w": 1}, protocol=2))
    with z.open("big/data/0", "w") as member:
        block = bytes(1 << 20)
        for _ in range(200): member.write(block)`,
    zip,
  ],
}).outputSync();
if (!made.success) throw new Error(new TextDecoder().decode(made.stderr));

Deno.bench(
  "reference: Deno.stat of the 1 GiB file",
  { group: "safetensors", baseline: true },
  async () => {
    await Deno.stat(big);
  },
);
Deno.bench(
  "readModelFileAt: 1 GiB safetensors (header only)",
  { group: "safetensors" },
  async () => {
    const artifact = await readModelFileAt(big, { path: "big.safetensors" });
    if (artifact.issues.length > 0) throw new Error(artifact.issues.join("; "));
  },
);
Deno.bench("reference: Deno.stat of the 200 MB zip", { group: "zip", baseline: true }, async () => {
  await Deno.stat(zip);
});
Deno.bench(
  "readModelFileAt: 200 MB PyTorch zip (pickle members only)",
  { group: "zip" },
  async () => {
    const artifact = await readModelFileAt(zip, { path: "big.pt" });
    if (artifact.format !== "pytorch-zip") throw new Error(artifact.format);
  },
);

globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
