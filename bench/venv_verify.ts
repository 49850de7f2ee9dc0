/**
 * Verifying a real virtualenv against its RECORDs, against a same-run reference: hashing the
 * same site-packages files with `openssl dgst -sha256`, two processes at a time (`xargs -P2`).
 * The venv is made with `python3 -m venv` (pip and its vendored packages: ~1,000 files). A
 * benchmark, not a test:
 *
 * ```sh
 * deno run --allow-read --allow-write --allow-run=python3,sh --allow-env bench/venv_verify.ts
 * ```
 *
 * @module
 */
import * as path from "node:path";
import { collectEnvironments } from "../collect/environments/environments.ts";

const dir = await Deno.makeTempDir({ prefix: "tollgate-venv-bench-" });
try {
  const made = await new Deno.Command("python3", { args: ["-m", "venv", path.join(dir, ".venv")] })
    .output();
  if (!made.success) throw new Error("python3 -m venv failed");
  const rounds = 3;
  const ours: number[] = [];
  const theirs: number[] = [];
  let files = 0;
  let verified = 0;
  for (let round = 0; round < rounds; round++) {
    let start = performance.now();
    const result = await collectEnvironments({
      root: dir,
      envDirs: [".venv"],
      env: {},
      verifyRecords: true,
    });
    ours.push(performance.now() - start);
    const dists = result.environments[0].distributions;
    verified = dists.reduce((n, d) => n + (d.record?.verifiedFiles ?? 0), 0);
    const site = path.join(
      dir,
      ".venv",
      result.environments[0].sitePackages![0].split("/").slice(1).join("/"),
    );
    start = performance.now();
    const out = await new Deno.Command("sh", {
      args: [
        "-c",
        `find "${site}" -type f -print0 | xargs -0 -P2 -n 64 openssl dgst -sha256 | wc -l`,
      ],
      stdout: "piped",
    }).output();
    theirs.push(performance.now() - start);
    files = Number(new TextDecoder().decode(out.stdout).trim());
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(
    `real venv: ${verified} files verified against RECORD in ${median(ours).toFixed(0)} ms ` +
      `(whole collect: discovery, METADATA, RECORD parsing, hashing); openssl -P2 over ${files} ` +
      `site-packages files: ${median(theirs).toFixed(0)} ms → ratio ${
        (median(theirs) / median(ours)).toFixed(2)
      }× (median of ${rounds})`,
  );
} finally {
  await Deno.remove(dir, { recursive: true });
}
