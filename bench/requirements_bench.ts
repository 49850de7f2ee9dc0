/**
 * Reading a 5,000-line hashed requirements file (target: under 150 ms). Reference, in the same
 * script: pip's own requirements parser on the same file (`../shared/tools/pip_oracle.py`, which
 * includes Python's start-up), and a plain split of the text into lines in this process — the
 * least any reader does.
 *
 * Run with `deno task bench`.
 */
import * as path from "node:path";
import { parseRequirements } from "../collect/requirements/requirements.ts";
import { seeded } from "./generate.ts";

/** A requirements file as `pip-compile --generate-hashes` writes it: two hashes per package. */
function syntheticRequirements(packages: number): string {
  const next = seeded(508);
  const hex = () => {
    let digest = "";
    while (digest.length < 64) {
      digest += Math.floor(next() * 0x100000000).toString(16).padStart(8, "0");
    }
    return digest;
  };
  const lines = ["# generated", "--index-url https://pypi.org/simple", ""];
  for (let i = 0; i < packages; i++) {
    const marker = i % 9 === 0 ? ' ; python_version >= "3.10"' : "";
    lines.push(`package-${i}[extra]==${1 + (i % 7)}.${i % 31}.${i % 5}${marker} \\`);
    lines.push(`    --hash=sha256:${hex()} \\`);
    lines.push(`    --hash=sha256:${hex()}`);
    lines.push(`    # via package-${(i * 7) % packages}`);
  }
  return lines.join("\n") + "\n";
}

const text = syntheticRequirements(5_000);
const dir = await Deno.makeTempDir({ prefix: "tollgate-bench-" });
const file = path.join(dir, "requirements.txt");
await Deno.writeTextFile(file, text);
const oracle = new URL("../../shared/tools/pip_oracle.py", import.meta.url).pathname;
const canRunPip = await new Deno.Command("python3", { args: ["-c", "import pip"] }).output()
  .then((o) => o.success, () => false);

Deno.bench({
  name: "reference: split into lines",
  group: "requirements 5k hashed",
  baseline: true,
  fn: () => {
    text.split(/\r?\n/);
  },
});

Deno.bench({
  name: "parseRequirements",
  group: "requirements 5k hashed",
  fn: () => {
    parseRequirements(text, { file: "requirements.txt" });
  },
});

Deno.bench({
  name: "reference: pip's own parser (python3 pip_oracle.py, incl. start-up)",
  group: "requirements 5k hashed",
  ignore: !canRunPip,
  n: 5,
  fn: async () => {
    const out = await new Deno.Command("python3", { args: [oracle, file], stdout: "null" })
      .output();
    if (!out.success) throw new Error("pip_oracle.py failed");
  },
});
