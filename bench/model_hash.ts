/**
 * Collecting a model signature over a 1 GiB model directory (4 × 200 MiB weights and many small
 * files), against `openssl dgst -sha256` over the same files in the same run: one process at a
 * time (`xargs -P1`) and two at a time (`xargs -P2`). Ours is the whole signature collection: the
 * bundle read, the model walk and the hashing through the worker pool. A benchmark, not a test:
 *
 * ```sh
 * deno run --allow-read --allow-write --allow-env --allow-run=openssl,xargs bench/model_hash.ts
 * TOLLGATE_BENCH_MODEL_MIB=128 deno run -A bench/model_hash.ts     # quick: the same shape, smaller
 * ```
 *
 * @module
 */
import * as path from "node:path";
import { collectSignatures } from "../collect/signatures/signatures.ts";
import { median, time, writeRandom } from "./_files.ts";

const totalMiB = Number(Deno.env.get("TOLLGATE_BENCH_MODEL_MIB") ?? 1024);
const smallFiles = Number(Deno.env.get("TOLLGATE_BENCH_MODEL_FILES") ?? 1_000);
const rounds = Number(Deno.env.get("TOLLGATE_BENCH_ROUNDS") ?? 3);
const MiB = 1 << 20;

/** 4 weight files of ~78% of the total between them, the rest over `smallFiles` files. */
async function makeModel(dir: string): Promise<string[]> {
  const block = new Uint8Array(MiB);
  const files: string[] = [];
  const weights = Math.round(totalMiB * MiB * 200 / 1024);
  for (let i = 0; i < 4; i++) {
    const file = path.join(dir, `model-0000${i + 1}-of-00004.safetensors`);
    await writeRandom(file, weights, block);
    files.push(file);
  }
  const rest = totalMiB * MiB - 4 * weights;
  const mean = rest / smallFiles;
  for (let i = 0; i < smallFiles; i++) {
    const file = path.join(dir, `shard${i % 20}`, `part${i}.bin`);
    if (i < 20) await Deno.mkdir(path.dirname(file), { recursive: true });
    await writeRandom(file, Math.round(mean * (i % 2 === 0 ? 0.5 : 1.5)), block);
    files.push(file);
  }
  await Deno.writeTextFile(
    path.join(dir, "model.sig"),
    JSON.stringify({ mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json" }),
  );
  return files;
}

/**
 * openssl at its best: `parallel` processes, each given an equal share of the bytes in one batch
 * (the files are listed so that each batch holds as many weight files and small files).
 */
async function openssl(files: string[], parallel: number): Promise<void> {
  const batch = Math.ceil(files.length / parallel);
  const child = new Deno.Command("xargs", {
    args: ["-0", `-P${parallel}`, "-n", String(batch), "openssl", "dgst", "-sha256"],
    stdin: "piped",
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(files.join("\0")));
  await writer.close();
  if (!(await child.status).success) throw new Error("xargs openssl failed");
}

const root = await Deno.makeTempDir({ prefix: "tollgate-model-bench-" });
try {
  const dir = path.join(root, "model");
  await Deno.mkdir(dir);
  const files = await makeModel(dir);
  const [weights, small] = [files.slice(0, 4), files.slice(4)];
  const half = Math.ceil(small.length / 2);
  // Two even batches for -P2: two weight files and half the small files each.
  const balanced = [
    ...weights.slice(0, 2),
    ...small.slice(0, half),
    ...weights.slice(2),
    ...small.slice(half),
  ];
  console.log(
    `model: ${totalMiB} MiB in ${files.length} files (4 weight files of ` +
      `${(totalMiB * 200 / 1024).toFixed(0)} MiB) under ${dir}`,
  );
  const collectOnce = async () => {
    const { signatures } = await collectSignatures({ root, files: ["model/model.sig"] });
    const hashed = signatures[0].files.filter((f) => f.sha256 !== undefined).length;
    if (hashed !== files.length + 1) throw new Error(`hashed ${hashed} of ${files.length + 1}`);
  };
  await collectOnce(); // warm the page cache
  const ours: number[] = [];
  const sequential: number[] = [];
  const parallel: number[] = [];
  let peak = Deno.memoryUsage().rss;
  const sampler = setInterval(() => peak = Math.max(peak, Deno.memoryUsage().rss), 20);
  for (let round = 0; round < rounds; round++) {
    sequential.push(await time(() => openssl(files, 1)));
    ours.push(await time(collectOnce));
    parallel.push(await time(() => openssl(balanced, 2)));
  }
  clearInterval(sampler);
  const rate = (seconds: number) => `${(totalMiB / seconds).toFixed(0)} MiB/s`;
  const x = median(ours);
  console.log(`collectSignatures (walk + pool of 2 workers): ${rate(x)} (${x.toFixed(3)} s)`);
  for (
    const [label, times] of [["openssl, xargs -P1", sequential], [
      "openssl, xargs -P2",
      parallel,
    ]] as const
  ) {
    const y = median(times);
    console.log(
      `${label}: ${rate(y)} (${y.toFixed(3)} s) → ours is ${(y / x).toFixed(2)}× its throughput`,
    );
  }
  console.log(
    `median of ${rounds} rounds; peak RSS of this process ${(peak / MiB).toFixed(0)} MiB`,
  );
} finally {
  await Deno.remove(root, { recursive: true });
}
