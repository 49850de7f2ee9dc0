/**
 * Hashing throughput of the worker pool against `openssl dgst -sha256`, measured in the same run:
 * one big file (pool vs one openssl process) and many files (pool vs `xargs -P2 openssl`), plus
 * the peak RSS of our runs. A benchmark, not a test:
 *
 * ```sh
 * deno run -A bench/hash_throughput.ts                       # 256 MiB over 2,000 files + one 256 MiB file
 * TOLLGATE_BENCH_SIZE=full deno run -A bench/hash_throughput.ts   # the 2 GiB over 20,000 files + 2 GiB file
 * TOLLGATE_BENCH_MIB=512 TOLLGATE_BENCH_FILES=5000 deno run -A bench/hash_throughput.ts
 * deno task build:npm && node npm/dist/bench/hash_throughput.js   # the same, on Node
 * ```
 *
 * Node APIs only, so the same file runs on both runtimes.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import process from "node:process";
import { hashFiles, HashPool } from "../collect/_hash_pool.ts";
import { median, time, writeRandom } from "./_files.ts";

const full = process.env.TOLLGATE_BENCH_SIZE === "full";
const totalMiB = Number(process.env.TOLLGATE_BENCH_MIB ?? (full ? 2048 : 256));
const fileCount = Number(process.env.TOLLGATE_BENCH_FILES ?? (full ? 20_000 : 2_000));
const rounds = Number(process.env.TOLLGATE_BENCH_ROUNDS ?? 3);
const MiB = 1 << 20;

async function makeTree(dir: string): Promise<{ big: string; many: string[] }> {
  const block = new Uint8Array(MiB);
  const big = path.join(dir, "big.bin");
  await writeRandom(big, totalMiB * MiB, block);
  const many: string[] = [];
  // Sizes vary around the mean (like a real site-packages) but sum to totalMiB.
  const mean = (totalMiB * MiB) / fileCount;
  for (let i = 0; i < fileCount; i++) {
    const file = path.join(dir, `d${i % 100}`, `f${i}.bin`);
    if (i < 100) await mkdir(path.dirname(file), { recursive: true });
    await writeRandom(file, Math.round(mean * (i % 2 === 0 ? 0.5 : 1.5)), block);
    many.push(file);
  }
  return { big, many };
}

async function command(cmd: string, args: string[], stdin?: string): Promise<void> {
  const child = spawn(cmd, args, {
    stdio: [stdin === undefined ? "ignore" : "pipe", "ignore", "inherit"],
  });
  if (stdin !== undefined) child.stdin!.end(stdin);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  if (code !== 0) throw new Error(`${cmd} failed`);
}

const runtime = "Deno" in globalThis ? `Deno ${process.versions.deno}` : `Node ${process.version}`;
const dir = await mkdtemp(path.join(tmpdir(), "tollgate-hash-bench-"));
try {
  console.log(
    `${runtime} · tree: one ${totalMiB} MiB file; ${totalMiB} MiB over ${fileCount} files (${dir})`,
  );
  const { big, many } = await makeTree(dir);
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => peak = Math.max(peak, process.memoryUsage().rss), 20);
  const pool = new HashPool();
  await pool.hash({ file: big }); // warm the page cache and start the workers
  await command("openssl", ["dgst", "-sha256", big]);
  const ours = { big: [] as number[], many: [] as number[] };
  const theirs = { big: [] as number[], many: [] as number[] };
  const batch = Math.max(1, Math.ceil(many.length / 64)); // keeps both xargs slots busy
  for (let round = 0; round < rounds; round++) {
    theirs.big.push(await time(() => command("openssl", ["dgst", "-sha256", big])));
    ours.big.push(await time(() => pool.hash({ file: big })));
    theirs.many.push(
      await time(() =>
        command(
          "xargs",
          ["-0", "-P2", "-n", String(batch), "openssl", "dgst", "-sha256"],
          many.join("\0"),
        )
      ),
    );
    ours.many.push(
      await time(() =>
        hashFiles(pool, many, { toRequest: (file) => ({ file }), onResult: () => {} })
      ),
    );
  }
  const startup = await time(async () => {
    using fresh = new HashPool();
    await fresh.hash({ file: many[0] });
  });
  pool.close();
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const rate = (seconds: number) => `${(totalMiB / seconds).toFixed(0)} MiB/s`;
  const row = (label: string, a: number[], b: number[]) => {
    const [x, y] = [median(a), median(b)];
    console.log(
      `${label}: pool ${rate(x)} vs openssl ${rate(y)} → ratio ${(y / x).toFixed(2)}× ` +
        `(median of ${rounds}; ours ${x.toFixed(3)} s, openssl ${y.toFixed(3)} s)`,
    );
  };
  row("one big file       ", ours.big, theirs.big);
  row(`${fileCount} files (xargs -P2)`, ours.many, theirs.many);
  console.log(`pool start-up (2 workers, first file): ${(startup * 1000).toFixed(0)} ms`);
  console.log(`peak RSS of this process (sampled every 20 ms): ${(peak / MiB).toFixed(0)} MiB`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
