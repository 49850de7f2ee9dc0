import assert from "node:assert/strict";
import fc from "fast-check";
import { Index, InstallerSetting, Problem } from "../../../core/snapshot.ts";
import { envInputs, parseInstallerEnv, parseUvEnv } from "../../../collect/config/env_config.ts";

Deno.test("PIP_* variables: indexes, find-links, trusted hosts and flags, redacted", () => {
  assert.deepEqual(
    parseInstallerEnv({
      PIP_INDEX_URL: "https://ci:t0ken@artifactory.example/api/pypi/simple",
      PIP_EXTRA_INDEX_URL: " https://download.pytorch.org/whl/cpu\thttps://pypi.nvidia.com ",
      PIP_FIND_LINKS: "/opt/wheels",
      PIP_TRUSTED_HOST: "artifactory.example pypi.nvidia.com",
      PIP_NO_INDEX: "off",
      PIP_REQUIRE_HASHES: "1",
      PIP_PRE: "",
      PIP_CERT: "/etc/ssl/corp.pem",
      PIP_VERBOSE: "3",
      HOME: "/home/ada",
    }),
    {
      indexes: [
        {
          url: "https://***@artifactory.example/api/pypi/simple",
          role: "primary",
          location: { file: "env:PIP_INDEX_URL" },
        },
        {
          url: "https://download.pytorch.org/whl/cpu",
          role: "extra",
          location: { file: "env:PIP_EXTRA_INDEX_URL" },
        },
        {
          url: "https://pypi.nvidia.com",
          role: "extra",
          location: { file: "env:PIP_EXTRA_INDEX_URL" },
        },
        { url: "/opt/wheels", role: "find-links", location: { file: "env:PIP_FIND_LINKS" } },
      ],
      settings: [
        {
          name: "trusted-host",
          value: "artifactory.example",
          location: { file: "env:PIP_TRUSTED_HOST" },
        },
        {
          name: "trusted-host",
          value: "pypi.nvidia.com",
          location: { file: "env:PIP_TRUSTED_HOST" },
        },
        { name: "require-hashes", location: { file: "env:PIP_REQUIRE_HASHES" } },
        { name: "cert", value: "/etc/ssl/corp.pem", location: { file: "env:PIP_CERT" } },
      ],
      problems: [],
    },
  );
});

Deno.test("PIP_* names are read like pip: prefix case-sensitive, rest any case", () => {
  const result = parseInstallerEnv({
    PIP_Extra_Index_Url: "https://a.example/simple",
    pip_index_url: "https://ignored.example/simple",
    PIP_PRE: "perhaps",
  });
  assert.deepEqual(result.indexes!.map((i) => [i.url, i.location.file]), [
    ["https://a.example/simple", "env:PIP_Extra_Index_Url"],
  ]);
  assert.deepEqual(result.problems, [{
    file: "env:PIP_PRE",
    message: "PIP_PRE: expected true/false, yes/no, on/off or 1/0, found 'perhaps'",
  }]);
});

Deno.test("UV_* variables: named indexes, default index, legacy aliases, separators", () => {
  assert.deepEqual(
    parseUvEnv({
      UV_INDEX:
        "pytorch=https://download.pytorch.org/whl/cu121 \n https://u:p@extra.example/simple",
      UV_DEFAULT_INDEX: "internal=https://packages.internal.example/simple",
      UV_INDEX_URL: "https://legacy.example/simple",
      UV_EXTRA_INDEX_URL: "https://e1.example/simple  https://e2.example/simple?token=abc",
      UV_FIND_LINKS: "./wheels,https://data.pyg.org/whl/torch-2.3.0+cpu.html",
      UV_INSECURE_HOST: "localhost:8080 https://packages.internal.example",
      UV_INDEX_STRATEGY: "unsafe-best-match",
      UV_NO_INDEX: "true",
      UV_NATIVE_TLS: "0",
      UV_REQUIRE_HASHES: "yes",
    }),
    {
      indexes: [
        {
          url: "https://download.pytorch.org/whl/cu121",
          role: "extra",
          name: "pytorch",
          location: { file: "env:UV_INDEX" },
        },
        {
          url: "https://***@extra.example/simple",
          role: "extra",
          location: { file: "env:UV_INDEX" },
        },
        {
          url: "https://packages.internal.example/simple",
          role: "primary",
          name: "internal",
          location: { file: "env:UV_DEFAULT_INDEX" },
        },
        {
          url: "https://legacy.example/simple",
          role: "primary",
          location: { file: "env:UV_INDEX_URL" },
        },
        {
          url: "https://e1.example/simple",
          role: "extra",
          location: { file: "env:UV_EXTRA_INDEX_URL" },
        },
        {
          url: "https://e2.example/simple?token=***",
          role: "extra",
          location: { file: "env:UV_EXTRA_INDEX_URL" },
        },
        { url: "./wheels", role: "find-links", location: { file: "env:UV_FIND_LINKS" } },
        {
          url: "https://data.pyg.org/whl/torch-2.3.0+cpu.html",
          role: "find-links",
          location: { file: "env:UV_FIND_LINKS" },
        },
      ],
      settings: [
        {
          name: "trusted-host",
          value: "localhost:8080",
          location: { file: "env:UV_INSECURE_HOST" },
        },
        {
          name: "trusted-host",
          value: "https://packages.internal.example",
          location: { file: "env:UV_INSECURE_HOST" },
        },
        {
          name: "index-strategy",
          value: "unsafe-best-match",
          location: { file: "env:UV_INDEX_STRATEGY" },
        },
        { name: "no-index", location: { file: "env:UV_NO_INDEX" } },
        { name: "require-hashes", location: { file: "env:UV_REQUIRE_HASHES" } },
      ],
      problems: [],
    },
  );
});

Deno.test("UV_* values uv would refuse are problems; a URL with '=' in its query is a URL", () => {
  const result = parseUvEnv({
    UV_INDEX: "bad!name=https://x.example/simple https://q.example/simple?a=b",
    UV_INDEX_STRATEGY: "fastest",
    UV_NO_INDEX: "https://u:SECRET@x.example",
    UV_DEFAULT_INDEX: "",
  });
  assert.deepEqual(result.indexes!.map((i) => [i.url, i.name]), [
    ["https://q.example/simple?a=***", undefined],
  ]);
  assert.deepEqual(result.problems, [
    {
      file: "env:UV_INDEX",
      message: "expected an index name of letters, digits, '-', '_' or '.' before '=', " +
        "found 'bad!name'",
    },
    {
      file: "env:UV_INDEX_STRATEGY",
      message:
        "expected one of first-index, unsafe-first-match, unsafe-best-match, found 'fastest'",
    },
    {
      file: "env:UV_NO_INDEX",
      message: "expected true/false, yes/no, on/off or 1/0, found 'https://***@x.example'",
    },
  ]);
});

Deno.test("envInputs lists the installer variables that are set", () => {
  assert.deepEqual(
    envInputs({
      UV_INDEX: "https://x/simple",
      PIP_TRUSTED_HOST: "x",
      PIP_NO_INDEX: "",
      PIP_VERBOSE: "1",
      HOME: "/home/ada",
    }),
    [
      { file: "env:PIP_TRUSTED_HOST", format: "environment" },
      { file: "env:UV_INDEX", format: "environment" },
    ],
  );
});

Deno.test("property: any environment gives valid facts and never shows credentials", () => {
  const names = [
    "PIP_INDEX_URL",
    "PIP_EXTRA_INDEX_URL",
    "PIP_TRUSTED_HOST",
    "PIP_NO_INDEX",
    "UV_INDEX",
    "UV_DEFAULT_INDEX",
    "UV_FIND_LINKS",
    "UV_INSECURE_HOST",
    "UV_INDEX_STRATEGY",
    "UV_NO_INDEX",
  ];
  const value = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.constantFrom("https://user:SECRET@h.example/simple", "a=https://user:SECRET@h.example/s"),
  );
  fc.assert(
    fc.property(fc.dictionary(fc.constantFrom(...names), value), (env) => {
      const result = parseInstallerEnv(env);
      for (const index of result.indexes!) Index.parse(index);
      for (const setting of result.settings!) InstallerSetting.parse(setting);
      for (const problem of result.problems!) Problem.parse(problem);
      assert.ok(!JSON.stringify(result).includes("SECRET"));
    }),
    { numRuns: 500 },
  );
});
