/**
 * Reading a 5,000-package uv.lock (target: under 150 ms), against a same-process reference:
 * smol-toml's `parse` of the same text, the floor any TOML-based reader pays.
 *
 * Run with `deno task bench`.
 */
import { parse as parseToml } from "smol-toml";
import { parseUvLock } from "../collect/locks/uv_lock.ts";
import { seeded } from "./generate.ts";

/** A uv.lock as uv writes it: registry sources, an sdist and three wheels with hashes, edges. */
function syntheticUvLock(packages: number): string {
  const next = seeded(751);
  const hex = () => {
    let digest = "";
    while (digest.length < 64) {
      digest += Math.floor(next() * 0x100000000).toString(16).padStart(8, "0");
    }
    return digest;
  };
  const files = "https://files.pythonhosted.org/packages";
  const lines = ["version = 1", "revision = 3", 'requires-python = ">=3.10"', ""];
  lines.push("[[package]]", 'name = "app"', 'version = "0.1.0"', 'source = { editable = "." }');
  lines.push("dependencies = [");
  for (let i = 0; i < 40; i++) lines.push(`    { name = "pkg-${i * 97 % packages}" },`);
  lines.push("]", "");
  for (let i = 0; i < packages; i++) {
    const name = `pkg-${i}`;
    const version = `${1 + (i % 7)}.${i % 31}.${i % 5}`;
    const file = `${name.replace("-", "_")}-${version}`;
    lines.push("[[package]]", `name = "${name}"`, `version = "${version}"`);
    lines.push('source = { registry = "https://pypi.org/simple" }');
    lines.push("dependencies = [");
    for (let d = 1; d <= i % 4; d++) {
      const marker = d === 2 ? `, marker = "sys_platform == 'linux'"` : "";
      lines.push(`    { name = "pkg-${(i + d * 13) % packages}"${marker} },`);
    }
    lines.push("]");
    lines.push(
      `sdist = { url = "${files}/${hex().slice(0, 2)}/${hex().slice(0, 2)}/${hex().slice(4, 60)}/` +
        `${file}.tar.gz", hash = "sha256:${hex()}", size = ${1000 + i}, ` +
        `upload-time = "2025-01-0${1 + (i % 9)}T12:00:00.000Z" }`,
    );
    lines.push("wheels = [");
    for (
      const tag of ["py3-none-any", "cp312-cp312-manylinux_2_28_x86_64", "cp312-cp312-win_amd64"]
    ) {
      lines.push(
        `    { url = "${files}/${hex().slice(0, 2)}/${hex().slice(0, 2)}/${hex().slice(4, 60)}/` +
          `${file}-${tag}.whl", hash = "sha256:${hex()}", size = ${2000 + i}, ` +
          `upload-time = "2025-01-0${1 + (i % 9)}T12:00:00.000Z" },`,
      );
    }
    lines.push("]", "");
  }
  return lines.join("\n");
}

const text = syntheticUvLock(5_000);
const check = parseUvLock(text, { file: "uv.lock" });
if (check.packages?.length !== 5_000 || check.problems?.length !== 0) {
  throw new Error(`synthetic uv.lock read wrongly: ${check.packages?.length} packages`);
}

Deno.bench({
  name: "reference: smol-toml parse of the same text",
  group: "uv.lock, 5k packages",
  baseline: true,
  fn: () => {
    parseToml(text);
  },
});

Deno.bench({
  name: "parseUvLock",
  group: "uv.lock, 5k packages",
  fn: () => {
    parseUvLock(text, { file: "uv.lock" });
  },
});
