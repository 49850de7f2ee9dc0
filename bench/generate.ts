/**
 * Synthetic snapshots for benchmarks: realistic proportions of pinned, hashed, VCS and manifest
 * packages, several indexes, environments and model references, from a seeded generator so runs
 * are comparable.
 *
 * @module
 */
import { emptySnapshot, type Package, type Snapshot } from "../core/snapshot.ts";

/**
 * A deterministic pseudo-random generator (mulberry32).
 *
 * @example
 * ```ts
 * import { seeded } from "./generate.ts";
 * const next = seeded(1);
 * next() < 1; // true
 * ```
 */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A snapshot with `packages` dependency entries spread over 20 requirements files and a
 * pyproject, plus indexes, environments and model references in proportion.
 *
 * @example
 * ```ts
 * import { syntheticSnapshot } from "./generate.ts";
 * syntheticSnapshot({ packages: 100 }).packages.length; // 100
 * ```
 */
export function syntheticSnapshot(options: { packages: number; seed?: number }): Snapshot {
  const random = seeded(options.seed ?? 42);
  const snapshot = emptySnapshot({ root: "synthetic", collectedAt: "2026-01-01T00:00:00.000Z" });
  snapshot.collected = ["packages", "indexes", "environments", "models"];
  for (let i = 0; i < options.packages; i++) {
    const roll = random();
    const file = roll < 0.1 ? "pyproject.toml" : `requirements/part-${i % 20}.txt`;
    const pinned = roll > 0.3;
    const version = `${1 + (i % 7)}.${i % 13}.${i % 5}`;
    const pkg: Package = {
      ecosystem: "pypi",
      name: `package-${i}`,
      ...(pinned ? { version } : {}),
      specifier: pinned ? `==${version}` : `>=${version}`,
      extras: [],
      hashes: roll > 0.5 ? [`sha256:${i.toString(16).padStart(64, "0")}`] : [],
      source: roll > 0.98
        ? { kind: "vcs", vcs: "git", url: `https://git.example/p${i}`, ref: "main" }
        : { kind: "index" },
      layer: file === "pyproject.toml" ? "manifest" : "requirements",
      direct: true,
      editable: false,
      groups: [],
      locations: [{ file, line: 1 + Math.floor(i / 20) }],
    };
    snapshot.packages.push(pkg);
  }
  for (let i = 0; i < Math.max(1, options.packages / 500); i++) {
    snapshot.indexes.push({
      url: i % 3 === 0 ? `http://mirror-${i}.example/simple` : `https://index-${i}.example/simple`,
      role: i === 0 ? "primary" : "extra",
      location: { file: `requirements/part-${i % 20}.txt`, line: 1 },
    });
  }
  for (let i = 0; i < Math.max(1, options.packages / 100); i++) {
    snapshot.models.push({
      hub: "huggingface",
      repoId: `org-${i % 17}/model-${i}`,
      publisher: `org-${i % 17}`,
      ...(i % 2 ? { revision: "main" } : {}),
      ...(i % 5 === 0 ? { trustRemoteCode: true } : {}),
      loader: "AutoModel.from_pretrained",
      location: { file: `src/m${i}.py`, line: 3 },
    });
  }
  snapshot.environments.push({
    path: ".venv",
    kind: "venv",
    includeSystemSitePackages: true,
    distributions: [],
    location: { file: ".venv/pyvenv.cfg", line: 2 },
  });
  return snapshot;
}

/**
 * A uv.lock as uv writes it: registry sources, an sdist and three wheels with hashes, edges.
 *
 * @example
 * ```ts ignore
 * const text = syntheticUvLock(5_000);
 * ```
 */
export function syntheticUvLock(packages: number): string {
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
