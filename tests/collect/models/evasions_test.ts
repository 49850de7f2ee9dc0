// The scanner fails closed on 49 hostile model files built by
// tests/fixtures/evasions/make_evasions.py: evasions from public bypass reports against pickle
// scanners (truncation and limits, unsupported zip members, dotted and Python 2 names, lying
// format headers, CPython parsing quirks, names no scanner looks at). The generator proves that
// each provable file runs `touch pwned` under CPython (in a temporary directory of its own),
// so every case here is a real attack; every one must fail `recommended`.
import assert from "node:assert/strict";
import * as path from "node:path";
import { collect, scanModelPaths } from "../../../collect/mod.ts";
import { checks } from "../../../checks/mod.ts";
import { runCheck } from "../../../testing.ts";
import { tollgate } from "../../_cli.ts";

const GENERATOR = new URL("../../fixtures/evasions/make_evasions.py", import.meta.url).pathname;

interface Entry {
  file: string;
  class: string;
  technique: string;
  load: string;
  provable: boolean;
  expect: "dangerous" | "incomplete" | "either";
}

async function corpus(prove: boolean): Promise<{ dir: string; entries: Entry[]; out: string }> {
  const dir = await Deno.makeTempDir({ prefix: "tollgate-evasions-" });
  const run = await new Deno.Command("python3", {
    args: [GENERATOR, dir, ...(prove ? ["--prove"] : [])],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(run.stdout) + new TextDecoder().decode(run.stderr);
  assert.equal(run.code, 0, out);
  const entries: Entry[] = JSON.parse(await Deno.readTextFile(path.join(dir, "manifest.json")));
  await Deno.remove(path.join(dir, "manifest.json"));
  return { dir, entries, out };
}

Deno.test("every evasion is real: CPython runs the payload of each provable file", async () => {
  const { dir, entries, out } = await corpus(true);
  try {
    const provable = entries.filter((e) => e.provable);
    assert.ok(provable.length >= 48, `${provable.length} provable files`);
    for (const entry of provable) {
      assert.match(out, new RegExp(`^ok\\s+${entry.file.replace(/[.]/g, "\\.")}\\b`, "m"));
    }
    assert.doesNotMatch(out, /^FAIL/m);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("every evasion fails artifact.no-unsafe-pickle or no-embedded-code with an error", async () => {
  const { dir, entries } = await corpus(false);
  try {
    const snapshot = await collect({ root: dir, env: {} });
    const findings = [
      ...await runCheck(checks.artifact.noUnsafePickle(), snapshot),
      ...await runCheck(checks.artifact.noEmbeddedCode(), snapshot),
    ].filter((f) => f.severity === "error");
    for (const entry of entries) {
      const mine = findings.filter((f) => f.subject === entry.file);
      assert.ok(mine.length > 0, `${entry.file} (${entry.technique}) passed`);
      if (entry.expect === "dangerous") {
        assert.ok(
          mine.some((f) => f.evidence?.kind === "dangerous" || f.evidence?.kind === "unknown"),
          `${entry.file}: the import was not named (${mine.map((f) => f.message).join(" / ")})`,
        );
      }
    }
    // Files found by their content, not their name, say so in the snapshot and its coverage.
    const byContent = snapshot.artifacts.filter((a) => a.foundBy === "content").map((a) => a.path);
    for (const name of ["30_weights", "31_model.data", "34_blob.dat", "35_m.p"]) {
      assert.ok(byContent.includes(name), name);
    }
    assert.ok(
      snapshot.inputs.some((i) =>
        i.file === "30_weights" && i.format === "model file (by content)"
      ),
    );
    assert.ok(snapshot.artifacts.some((a) => a.path === "__pycache__/37_cache.bin"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the named payloads are resolved, not just refused", async () => {
  const { dir } = await corpus(false);
  try {
    const snapshot = await collect({ root: dir, env: {} });
    const findings = await runCheck(checks.artifact.noUnsafePickle(), snapshot);
    const dangerous = (file: string) =>
      findings.filter((f) => f.subject === file && f.evidence?.kind === "dangerous")
        .flatMap((f) => f.evidence?.globals as string[]);
    assert.ok(
      dangerous("09_dotted_builtins_dunder.pkl").includes(
        "copyreg._reconstructor.__builtins__.get",
      ),
    );
    assert.ok(dangerous("10_dotted_posixpath_os_system.pkl").includes("posixpath.os.system"));
    assert.ok(dangerous("11_py2_commands_getoutput.pkl").includes("subprocess.getoutput"));
    assert.ok(dangerous("12_py2_builtin_eval.pkl").includes("builtins.eval"));
    for (
      const file of [
        "21_memo_key_space.pkl",
        "22_memo_key_plus.pkl",
        "23_memo_key_underscore.pkl",
        "24_string_octal_overflow.pkl",
        "25_unicode_raw_escape.pkl",
        "39_memo_overwrite_decoy.pkl",
      ]
    ) {
      assert.ok(dangerous(file).includes("os.system"), file);
    }
    for (
      const file of ["17_model.gguf", "18_model.safetensors", "19_model.onnx", "20_weights.h5"]
    ) {
      const artifact = snapshot.artifacts.find((a) => a.path === file)!;
      assert.equal(artifact.format, "pickle", file);
      assert.ok(dangerous(file).includes("os.system"), file);
    }
    for (const file of ["26_dup_descr_data.npy", "27_struct_object_data.npy"]) {
      assert.equal(snapshot.artifacts.find((a) => a.path === file)?.format, "npy-pickle", file);
      assert.ok(dangerous(file).includes("os.system"), file);
    }
    for (const file of ["28_zip_prepended_junk_model.pt", "29_zip_decoy_central_dir_model.pt"]) {
      assert.ok(dangerous(file).includes("os.system"), file);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tollgate check and tollgate scan exit 1 on the evasion corpus", async () => {
  const { dir, entries } = await corpus(false);
  try {
    const check = await tollgate([
      "check",
      dir,
      "--offline",
      "--no-machine-config",
      "--format",
      "json",
    ]);
    assert.equal(check.code, 1, check.stderr);
    const scan = await tollgate(["scan", dir, "--format", "json"]);
    assert.equal(scan.code, 1, scan.stderr);
    const report = JSON.parse(scan.stdout);
    const failed = new Set<string>(
      report.results.flatMap((r: { findings: { subject: string; severity: string }[] }) =>
        r.findings.filter((f) => f.severity === "error").map((f) => f.subject)
      ),
    );
    for (const entry of entries) assert.ok(failed.has(`${dir}/${entry.file}`), entry.file);
    // One file at a time, too, whatever its name.
    const single = await scanModelPaths({ paths: [path.join(dir, "30_weights")] });
    assert.equal(single.artifacts[0].format, "pickle");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
