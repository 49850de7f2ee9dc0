import assert from "node:assert/strict";
import { Package } from "../../../core/snapshot.ts";
import { parsePixiLock, pixiLockReader } from "../../../collect/locks/pixi_lock.ts";
import { assertWithinFile } from "../../_property.ts";

const file = "pixi.lock";
const MD5 = (c: string) => c.repeat(32);
const SHA = (c: string) => c.repeat(64);
const FORGE = "https://conda.anaconda.org/conda-forge";

// The corpus holds a version 5 file only, so the version 6/7 layout (entries keyed by `conda:` or
// `pypi:`, conda names and versions left to the archive file name) is a fixture composed as
// rattler_lock writes it (crates/rattler_lock/src/parse/models/v6 and v7).
Deno.test("pixi.lock v6: channels, conda and PyPI packages with platforms, groups and sources", () => {
  const text = [
    "version: 6", //                                                                   1
    "environments:",
    "  default:",
    "    channels:",
    "    - url: https://conda.anaconda.org/conda-forge/", //                           5
    "    indexes:",
    "    - https://pypi.org/simple",
    "    packages:",
    "      linux-64:",
    `      - conda: ${FORGE}/linux-64/numpy-1.26.4-py311h64a7726_0.conda`, //            10
    `      - conda: ${FORGE}/noarch/tzdata-2025b-h78e105d_0.conda`,
    "      - pypi: https://files.pythonhosted.org/packages/ab/torch-2.3.1-cp311-linux.whl",
    "      osx-arm64:",
    `      - conda: ${FORGE}/osx-arm64/numpy-1.26.4-py311h7125741_0.conda`,
    `      - conda: ${FORGE}/noarch/tzdata-2025b-h78e105d_0.conda`, //                   15
    "      - pypi: git+https://github.com/acme/feature-store.git?rev=v1#0123456789abcdef0123456789abcdef01234567",
    "  cuda:",
    "    channels:",
    "    - url: https://conda.anaconda.org/conda-forge/",
    "    - url: https://tok@conda.example.com/private/", //                              20
    "    indexes:",
    "    - https://pypi.org/simple",
    "    - https://download.pytorch.org/whl/cu121",
    "    packages:",
    "      linux-64:", //                                                                25
    "      - conda: https://tok@conda.example.com/private/linux-64/cuda-kit-12.1-0.tar.bz2",
    "      - pypi: ./libs/my-lib",
    "packages:",
    `- conda: ${FORGE}/linux-64/numpy-1.26.4-py311h64a7726_0.conda`,
    `  sha256: ${SHA("a")}`, //                                                         30
    `  md5: ${MD5("b")}`,
    `- conda: ${FORGE}/noarch/tzdata-2025b-h78e105d_0.conda`,
    `  md5: ${MD5("c")}`,
    `- conda: ${FORGE}/osx-arm64/numpy-1.26.4-py311h7125741_0.conda`,
    `  sha256: ${SHA("d")}`, //                                                         35
    "- conda: https://tok@conda.example.com/private/linux-64/cuda-kit-12.1-0.tar.bz2",
    "  name: CUDA-Kit",
    `  md5: ${MD5("e")}`,
    "- pypi: https://files.pythonhosted.org/packages/ab/torch-2.3.1-cp311-linux.whl",
    "  name: Torch", //                                                                  40
    "  version: 2.3.1",
    `  sha256: ${SHA("f")}`,
    "  requires_dist:",
    "  - filelock",
    "- pypi: git+https://github.com/acme/feature-store.git?rev=v1#0123456789abcdef0123456789abcdef01234567", // 45
    "  name: feature-store",
    "  version: 0.3.0",
    "- pypi: ./libs/my-lib",
    "  name: my-lib",
    "  version: 0.1.0", //                                                              50
    "  editable: true",
  ].join("\n");
  const result = parsePixiLock(text, { file });
  assert.deepEqual(result.problems, []);
  assertWithinFile(result, text);
  assert.deepEqual(result.indexes, [
    { url: `${FORGE}/`, role: "conda-channel", location: { file, line: 5 } },
    {
      url: "https://***@conda.example.com/private/",
      role: "conda-channel",
      location: { file, line: 20 },
    },
  ]);
  for (const pkg of result.packages) Package.parse(pkg);
  assert.deepEqual(result.packages[0], {
    ecosystem: "conda",
    name: "numpy",
    version: "1.26.4",
    specifier: "==1.26.4",
    extras: [],
    hashes: [`sha256:${SHA("a")}`, `md5:${MD5("b")}`, `sha256:${SHA("d")}`],
    source: { kind: "index", url: FORGE },
    layer: "lock",
    direct: false,
    editable: false,
    groups: [],
    platforms: ["linux-64", "osx-arm64"],
    dependsOn: [],
    locations: [{ file, line: 29 }, { file, line: 34 }],
  });
  assert.deepEqual(
    result.packages.slice(1).map((p) => [
      p.ecosystem,
      p.name,
      p.displayName,
      p.version,
      p.source,
      p.groups,
      p.platforms,
      p.editable,
      p.locations[0].line,
    ]),
    [
      [
        "conda",
        "tzdata",
        undefined,
        "2025b",
        { kind: "index", url: FORGE },
        [],
        ["linux-64", "osx-arm64"],
        false,
        32,
      ],
      [
        "conda",
        "cuda-kit",
        "CUDA-Kit",
        "12.1",
        { kind: "index", url: "https://***@conda.example.com/private" },
        ["cuda"],
        ["linux-64"],
        false,
        36,
      ],
      // The one index of the only environment that installs it.
      [
        "pypi",
        "torch",
        "Torch",
        "2.3.1",
        { kind: "index", url: "https://pypi.org/simple" },
        [],
        ["linux-64"],
        false,
        39,
      ],
      [
        "pypi",
        "feature-store",
        undefined,
        "0.3.0",
        {
          kind: "vcs",
          vcs: "git",
          url: "https://github.com/acme/feature-store.git",
          ref: "v1",
          commit: "0123456789abcdef0123456789abcdef01234567",
        },
        [],
        ["osx-arm64"],
        false,
        45,
      ],
      [
        "pypi",
        "my-lib",
        undefined,
        "0.1.0",
        { kind: "path", path: "./libs/my-lib" },
        ["cuda"],
        ["linux-64"],
        true,
        48,
      ],
    ],
  );
});

Deno.test("pixi.lock dependsOn: conda depends and PyPI requires_dist, extras as installed", () => {
  const text = [
    "version: 6",
    "environments:",
    "  default:",
    "    channels:",
    "    - url: https://conda.anaconda.org/conda-forge/",
    "    packages:",
    "      linux-64:",
    `      - conda: ${FORGE}/linux-64/bzip2-1.0.8-h4bc722e_7.conda`,
    "      - pypi: https://files.pythonhosted.org/packages/ab/requests-2.32.3-py3-none-any.whl",
    "        extras: [socks]",
    "packages:",
    `- conda: ${FORGE}/linux-64/bzip2-1.0.8-h4bc722e_7.conda`,
    "  depends:",
    "  - __glibc >=2.17,<3.0.a0",
    "  - libgcc-ng >=12",
    "  - Bzip2",
    "- pypi: https://files.pythonhosted.org/packages/ab/requests-2.32.3-py3-none-any.whl",
    "  name: requests",
    "  version: 2.32.3",
    "  requires_dist:",
    "  - charset_normalizer<4,>=2",
    "  - idna<4,>=2.5",
    `  - PySocks!=1.5.7,>=1.5.6 ; extra == 'socks'`,
    `  - chardet<6,>=3.0.2 ; extra == "use-chardet-on-py3"`,
  ].join("\n");
  const { packages, problems } = parsePixiLock(text, { file });
  assert.deepEqual(problems, []);
  assert.deepEqual(packages.map((p) => [p.name, p.extras, p.dependsOn]), [
    // The system's virtual package and the package itself are no dependencies.
    ["bzip2", [], ["libgcc-ng"]],
    // Of the extras' requirements, only the installed extra's.
    ["requests", ["socks"], ["charset-normalizer", "idna", "pysocks"]],
  ]);
});

Deno.test("pixi.lock v7: a PyPI entry's own index wins; else the one index on the file's host", () => {
  const text = [
    "version: 7",
    "platforms:",
    "- name: linux-64",
    "environments:",
    "  default:",
    "    channels:",
    "    - url: https://conda.anaconda.org/conda-forge/",
    "    indexes:",
    "    - https://pypi.org/simple",
    "    - https://pypi.acme.internal/simple",
    "    packages:",
    "      linux-64:",
    "      - pypi: https://pypi.acme.internal/packages/acme_core-1.0-py3-none-any.whl",
    "      - pypi: https://files.pythonhosted.org/packages/six-1.16.0-py2.py3-none-any.whl",
    "      - pypi: https://mirror.example/whl/attrs-23.2.0-py3-none-any.whl",
    "packages:",
    "- pypi: https://pypi.acme.internal/packages/acme_core-1.0-py3-none-any.whl",
    "  name: acme-core",
    "  version: 1.0",
    "  index: https://pypi.acme.internal/simple",
    "- pypi: https://files.pythonhosted.org/packages/six-1.16.0-py2.py3-none-any.whl",
    "  name: six",
    "  version: 1.16.0",
    "- pypi: https://mirror.example/whl/attrs-23.2.0-py3-none-any.whl",
    "  name: attrs",
    "  version: 23.2.0",
  ].join("\n");
  const result = parsePixiLock(text, { file });
  assert.deepEqual(result.problems, []);
  assert.deepEqual(result.packages.map((p) => [p.name, p.version, p.source]), [
    ["acme-core", "1.0", { kind: "index", url: "https://pypi.acme.internal/simple" }],
    // Files from files.pythonhosted.org are PyPI's; a host no index is on names none.
    ["six", "1.16.0", { kind: "index", url: "https://pypi.org/simple" }],
    ["attrs", "23.2.0", { kind: "index" }],
  ]);
});

Deno.test("pixi.lock v4/v5: entries tagged with kind, with url or path", () => {
  const text = [
    "version: 5",
    "environments:",
    "  default:",
    "    channels:",
    "    - url: https://conda.anaconda.org/conda-forge/",
    "    packages:",
    "      win-64:",
    `      - conda: ${FORGE}/win-64/python-3.12.3-h2628c8c_0_cpython.conda`,
    "      - pypi: ../shared",
    "packages:",
    "- kind: conda",
    "  name: python",
    "  version: 3.12.3",
    "  build: h2628c8c_0_cpython",
    "  subdir: win-64",
    `  url: ${FORGE}/win-64/python-3.12.3-h2628c8c_0_cpython.conda`,
    `  sha256: ${SHA("1")}`,
    "- kind: pypi",
    "  name: shared",
    "  version: 0.0.1",
    "  path: ../shared",
    "  editable: true",
  ].join("\n");
  const result = parsePixiLock(text, { file });
  assert.deepEqual(result.problems, []);
  assert.deepEqual(
    result.packages.map((p) => [p.name, p.version, p.source, p.platforms, p.editable]),
    [
      ["python", "3.12.3", { kind: "index", url: FORGE }, ["win-64"], false],
      ["shared", "0.0.1", { kind: "path", path: "../shared" }, ["win-64"], true],
    ],
  );
});

Deno.test("pixi.lock: old and unknown versions, and malformed entries, are problems with lines", () => {
  assert.deepEqual(parsePixiLock("version: 3\nmetadata: {}\npackage: []\n", { file }).problems, [
    { file, line: 1, message: "expected pixi.lock version 4 to 7, found 3; not read" },
  ]);
  const text = [
    "version: 9",
    "environments:",
    "  default:",
    "    channels: conda-forge",
    "    packages:",
    "      linux-64:",
    "      - npm: left-pad",
    "packages:",
    "- conda: https://example.com/not-an-archive",
    "- pypi: https://files.pythonhosted.org/x.whl",
    "- just-a-string",
    "- conda: https://conda.anaconda.org/c/linux-64/a-1-0.conda",
    "  md5: nothex",
  ].join("\n");
  const result = parsePixiLock(text, { file });
  assertWithinFile(result, text);
  assert.deepEqual(result.problems, [
    { file, line: 1, message: "expected pixi.lock version 4 to 7, found 9; read as version 7" },
    {
      file,
      line: 4,
      message: 'expected a list for environments.default.channels, found "conda-forge"',
    },
    {
      file,
      line: 7,
      message:
        "expected {conda: url} or {pypi: url} in environments.default.packages.linux-64, found a mapping",
    },
    {
      file,
      line: 9,
      message:
        "expected a name and version for packages[0] (none given, and https://example.com/not-an-archive is no conda archive name)",
    },
    { file, line: 10, message: "expected a string for packages[1].name, found nothing" },
    { file, line: 11, message: 'expected a mapping for packages[2], found "just-a-string"' },
    { file, line: 12, message: "expected a hex digest for packages[3].md5, found 'nothex'" },
  ]);
  assert.deepEqual(result.packages.map((p) => [p.name, p.hashes, p.platforms]), [
    ["a", [], ["linux-64"]],
  ]);
});

Deno.test("the reader matches pixi.lock by name; its channels are conda's", () => {
  assert.equal(pixiLockReader.format, "pixi.lock");
  assert.ok(pixiLockReader.matches("infra/pixi.lock"));
  assert.ok(!pixiLockReader.matches("pixi.toml"));
  assert.equal(
    pixiLockReader.tool?.({ url: FORGE, role: "conda-channel", location: { file } }),
    "conda",
  );
});
