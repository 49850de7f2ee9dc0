// uv's configuration on this machine: which uv.toml files uv reads (user, system, UV_CONFIG_FILE,
// UV_NO_CONFIG), and how they combine with the UV_* variables. Real files in temp homes; the
// system file is looked for only where the test says (`isFile`), never on this machine.
import assert from "node:assert/strict";
import * as path from "node:path";
import { machineUvConfigFiles, readMachineUvConfig } from "../../../collect/config/uv_machine.ts";
import { project } from "../../_cli.ts";

const only = (...files: string[]) => (file: string) => files.includes(file);

Deno.test("uv files on Linux and macOS: XDG_CONFIG_HOME (absolute), one system file, ~ for home", () => {
  const found = (env: Record<string, string>, isFile: (file: string) => boolean) =>
    machineUvConfigFiles({ env, home: "/home/ada", platform: "linux", isFile })
      .files.map((f) => `${f.scope} ${f.display}`);
  assert.deepEqual(found({}, () => false), ["user ~/.config/uv/uv.toml"]);
  // the first XDG_CONFIG_DIRS entry holding a uv.toml wins; /etc/uv/uv.toml only without one
  assert.deepEqual(
    found(
      { XDG_CONFIG_HOME: "/home/ada/.cfg", XDG_CONFIG_DIRS: "/opt/a:/opt/b" },
      only("/opt/b/uv/uv.toml", "/etc/uv/uv.toml"),
    ),
    ["user ~/.cfg/uv/uv.toml", "system /opt/b/uv/uv.toml"],
  );
  assert.deepEqual(found({}, only("/etc/xdg/uv/uv.toml", "/etc/uv/uv.toml")), [
    "user ~/.config/uv/uv.toml",
    "system /etc/xdg/uv/uv.toml",
  ]);
  // a relative XDG_CONFIG_HOME is ignored; uv stops at an empty XDG_CONFIG_DIRS entry
  assert.deepEqual(
    found({ XDG_CONFIG_HOME: "cfg", XDG_CONFIG_DIRS: ":/opt/a" }, only("/opt/a/uv/uv.toml")),
    ["user ~/.config/uv/uv.toml"],
  );
  assert.deepEqual(found({}, only("/etc/uv/uv.toml")), [
    "user ~/.config/uv/uv.toml",
    "system /etc/uv/uv.toml",
  ]);
  assert.deepEqual(
    machineUvConfigFiles({ env: {}, home: "/Users/ada", platform: "darwin", isFile: () => false })
      .files.map((f) => f.display),
    ["~/.config/uv/uv.toml"],
  );
});

Deno.test("uv files: UV_CONFIG_FILE replaces the others, UV_NO_CONFIG drops them; Windows", () => {
  const files = (env: Record<string, string>) =>
    machineUvConfigFiles({ env, home: "/home/ada", platform: "linux", isFile: () => true });
  assert.deepEqual(files({ UV_CONFIG_FILE: "/home/ada/ci/uv.toml", UV_NO_CONFIG: "1" }).files, [
    { path: "/home/ada/ci/uv.toml", display: "~/ci/uv.toml", scope: "env" },
  ]);
  assert.deepEqual(files({ UV_NO_CONFIG: "true" }).files, []);
  // empty is unset (clap); false reads the files; anything else is uv's error, and a problem
  assert.equal(files({ UV_NO_CONFIG: "", UV_CONFIG_FILE: "" }).files.length, 2);
  assert.equal(files({ UV_NO_CONFIG: "off" }).files.length, 2);
  assert.deepEqual(files({ UV_NO_CONFIG: "https://u:p@x.example/" }).problems, [{
    file: "env:UV_NO_CONFIG",
    message: "expected true/false, yes/no, on/off or 1/0, found 'https://***@x.example/' " +
      "(uv refuses to run)",
  }]);
  const windows = machineUvConfigFiles({
    env: { APPDATA: "C:\\Users\\ada\\AppData\\Roaming", SYSTEMDRIVE: "C:" },
    home: "C:\\Users\\ada",
    platform: "windows",
    isFile: only("C:\\ProgramData\\uv\\uv.toml"),
  });
  assert.deepEqual(windows.files.map((f) => `${f.scope} ${f.display}`), [
    "user ~/AppData/Roaming/uv/uv.toml",
    "system C:/ProgramData/uv/uv.toml",
  ]);
});

/** A temp home with uv.toml files at the given places (relative to it). */
async function homeWith(files: Record<string, string>) {
  const home = await project(files);
  const system = path.join(home, "etc-xdg", "uv", "uv.toml");
  return {
    home,
    env: { HOME: home, XDG_CONFIG_DIRS: path.join(home, "etc-xdg") },
    isFile: (file: string) => file === system && files["etc-xdg/uv/uv.toml"] !== undefined,
  };
}

Deno.test("user, system and UV_* combine as uv does: scalars from the highest layer, lists from all", async () => {
  const machine = await homeWith({
    ".config/uv/uv.toml": [
      'index-strategy = "unsafe-best-match"',
      'extra-index-url = ["https://ada:s3cret@user.example/simple"]',
      "no-index = true",
      "",
      "[[index]]",
      'name = "corp"',
      'url = "https://corp.example/simple"',
      "default = true",
      "",
    ].join("\n"),
    "etc-xdg/uv/uv.toml": [
      'index-url = "https://system.example/simple"',
      'index-strategy = "unsafe-first-match"',
      'allow-insecure-host = ["system.example"]',
      "",
      "[pip]",
      'index-url = "https://pip-system.example/simple"',
      'index-strategy = "unsafe-first-match"',
      "",
    ].join("\n"),
  });
  try {
    const result = await readMachineUvConfig({
      env: {
        ...machine.env,
        UV_EXTRA_INDEX_URL: "https://env.example/simple",
        UV_NO_INDEX: "0",
        PIP_EXTRA_INDEX_URL: "https://pip-only.example/simple",
      },
      home: machine.home,
      platform: "linux",
      isFile: machine.isFile,
    });
    const system = "~/etc-xdg/uv/uv.toml";
    assert.deepEqual(result.inputs, [
      { file: "~/.config/uv/uv.toml", format: "uv.toml" },
      { file: system, format: "uv.toml" },
      { file: "env:UV_EXTRA_INDEX_URL", format: "environment" },
      { file: "env:UV_NO_INDEX", format: "environment" },
    ]);
    // The user [[index]] default beats the system's index-url for `uv sync`; for `uv pip` the
    // same [[index]] comes first too. Lists are kept from every layer; PIP_* is not uv's.
    assert.deepEqual(result.indexes!.map((i) => [i.role, i.url, i.location.file, i.tool]), [
      ["extra", "https://env.example/simple", "env:UV_EXTRA_INDEX_URL", "uv"],
      ["primary", "https://corp.example/simple", "~/.config/uv/uv.toml", "uv"],
      ["extra", "https://***@user.example/simple", "~/.config/uv/uv.toml", "uv"],
    ]);
    // The user's index-strategy hides the system's top-level one, not its [pip] one; UV_NO_INDEX=0
    // hides the user's no-index = true; allow-insecure-host is a list.
    assert.deepEqual(result.settings!.map((s) => [s.name, s.value, s.location.file, s.tool]), [
      ["index-strategy", "unsafe-best-match", "~/.config/uv/uv.toml", "uv"],
      ["trusted-host", "system.example", system, "uv"],
      ["index-strategy", "unsafe-first-match", system, "uv"],
    ]);
    assert.equal(result.settings![2].location.line, 7);
    assert.deepEqual(result.problems, []);
    assert.ok(!JSON.stringify(result).includes(machine.home), "home is written as ~");
    assert.ok(!JSON.stringify(result).includes("s3cret"), "credentials are redacted");

    // UV_INDEX_STRATEGY and UV_DEFAULT_INDEX outrank every file.
    const env = await readMachineUvConfig({
      env: {
        ...machine.env,
        UV_INDEX_STRATEGY: "first-index",
        UV_DEFAULT_INDEX: "mirror=https://mirror.example/simple",
      },
      home: machine.home,
      platform: "linux",
      isFile: machine.isFile,
    });
    assert.deepEqual(
      env.indexes!.filter((i) => i.role === "primary").map((i) => [i.url, i.location.file]),
      [["https://mirror.example/simple", "env:UV_DEFAULT_INDEX"]],
    );
    assert.deepEqual(
      env.settings!.filter((s) => s.name === "index-strategy").map((s) => s.location.file),
      ["env:UV_INDEX_STRATEGY"],
    );
  } finally {
    await Deno.remove(machine.home, { recursive: true });
  }
});

Deno.test("without an [[index]] default, index-url comes from the highest file, [pip] apart", async () => {
  const machine = await homeWith({
    ".config/uv/uv.toml": 'index-url = "https://user.example/simple"\n',
    "etc-xdg/uv/uv.toml": 'index-url = "https://system.example/simple"\n\n[pip]\n' +
      'index-url = "https://pip.example/simple"\n',
  });
  try {
    const result = await readMachineUvConfig({
      env: machine.env,
      home: machine.home,
      platform: "linux",
      isFile: machine.isFile,
    });
    assert.deepEqual(result.indexes!.map((i) => [i.url, i.location.file, i.location.line]), [
      ["https://user.example/simple", "~/.config/uv/uv.toml", 1],
      ["https://pip.example/simple", "~/etc-xdg/uv/uv.toml", 4],
    ]);
  } finally {
    await Deno.remove(machine.home, { recursive: true });
  }
});

Deno.test("UV_CONFIG_FILE alone, UV_NO_CONFIG honoured, broken files are problems", async () => {
  const machine = await homeWith({
    ".config/uv/uv.toml": 'extra-index-url = ["https://user.example/simple"]\n',
    "etc-xdg/uv/uv.toml": 'extra-index-url = ["https://system.example/simple"]\n',
    "ci/uv.toml": '[[index]]\nurl = "https://ci.example/simple"\n',
    "bad/uv.toml": 'index-url = "https://x.example/simple"\nindex-url = 3\n',
  });
  try {
    const read = (env: Record<string, string>) =>
      readMachineUvConfig({
        env: { ...machine.env, ...env },
        home: machine.home,
        platform: "linux",
        isFile: machine.isFile,
      });
    const configFile = await read({ UV_CONFIG_FILE: path.join(machine.home, "ci/uv.toml") });
    assert.deepEqual(configFile.indexes!.map((i) => [i.url, i.location.file]), [
      ["https://ci.example/simple", "~/ci/uv.toml"],
    ]);
    assert.deepEqual(configFile.inputs, [
      { file: "~/ci/uv.toml", format: "uv.toml" },
      { file: "env:UV_CONFIG_FILE", format: "environment" },
    ]);

    const noConfig = await read({ UV_NO_CONFIG: "1", UV_INDEX: "https://env.example/simple" });
    assert.deepEqual(noConfig.indexes!.map((i) => i.location.file), ["env:UV_INDEX"]);
    assert.deepEqual(noConfig.inputs.map((i) => i.file), ["env:UV_INDEX", "env:UV_NO_CONFIG"]);

    const missing = await read({ UV_CONFIG_FILE: path.join(machine.home, "nowhere/uv.toml") });
    assert.deepEqual(missing.problems, [{
      file: "env:UV_CONFIG_FILE",
      message: "names ~/nowhere/uv.toml, which does not exist (uv refuses to run)",
    }]);
    const bad = await read({ UV_CONFIG_FILE: path.join(machine.home, "bad/uv.toml") });
    assert.equal(bad.problems!.length, 1);
    assert.equal(bad.problems![0].file, "~/bad/uv.toml");
    assert.equal(bad.problems![0].line, 2);
    assert.match(bad.problems![0].message, /^invalid TOML: /);
    const big = await readMachineUvConfig({
      env: { ...machine.env, UV_CONFIG_FILE: path.join(machine.home, "ci/uv.toml") },
      home: machine.home,
      platform: "linux",
      maxBytes: 8,
    });
    assert.deepEqual(big.problems, [{
      file: "~/ci/uv.toml",
      message: "uv configuration is 44 bytes, over the 8-byte limit",
    }]);
  } finally {
    await Deno.remove(machine.home, { recursive: true });
  }
});
