import assert from "node:assert/strict";
import * as path from "node:path";
import { machinePipConfigFiles } from "../../../collect/config/pip_config.ts";
import { readMachineConfig } from "../../../collect/config/machine_config.ts";

Deno.test("machine files: pip's order on Linux, XDG variables, ~ for the home directory", () => {
  const env = {
    XDG_CONFIG_DIRS: "/opt/xdg:/etc/xdg",
    XDG_CONFIG_HOME: "/home/ada/.cfg",
    VIRTUAL_ENV: "/srv/app/.venv",
    PIP_CONFIG_FILE: "/home/ada/ci/pip.conf",
  };
  assert.deepEqual(machinePipConfigFiles({ env, home: "/home/ada", platform: "linux" }), [
    { path: "/opt/xdg/pip/pip.conf", display: "/opt/xdg/pip/pip.conf", scope: "global" },
    { path: "/etc/xdg/pip/pip.conf", display: "/etc/xdg/pip/pip.conf", scope: "global" },
    { path: "/etc/pip.conf", display: "/etc/pip.conf", scope: "global" },
    { path: "/home/ada/.pip/pip.conf", display: "~/.pip/pip.conf", scope: "user" },
    { path: "/home/ada/.cfg/pip/pip.conf", display: "~/.cfg/pip/pip.conf", scope: "user" },
    { path: "/srv/app/.venv/pip.conf", display: "/srv/app/.venv/pip.conf", scope: "site" },
    { path: "/home/ada/ci/pip.conf", display: "~/ci/pip.conf", scope: "env" },
  ]);
  assert.deepEqual(
    machinePipConfigFiles({ env: { PIP_CONFIG_FILE: "/dev/null" }, home: "/h", platform: "linux" }),
    [],
  );
});

Deno.test("machine files: macOS and Windows locations", () => {
  assert.deepEqual(
    machinePipConfigFiles({ env: {}, home: "/Users/ada", platform: "darwin" }).map((f) =>
      f.display
    ),
    ["/Library/Application Support/pip/pip.conf", "~/.pip/pip.conf", "~/.config/pip/pip.conf"],
  );
  assert.deepEqual(
    machinePipConfigFiles({
      env: {},
      home: "/Users/ada",
      platform: "darwin",
      isDirectory: () => true,
    })[2].display,
    "~/Library/Application Support/pip/pip.conf",
  );
  const windows = machinePipConfigFiles({
    env: {
      APPDATA: "C:\\Users\\ada\\AppData\\Roaming",
      PROGRAMDATA: "C:\\ProgramData",
      VIRTUAL_ENV: "C:\\work\\app\\.venv",
      PIP_CONFIG_FILE: "nul",
    },
    home: "C:\\Users\\ada",
    platform: "windows",
  });
  assert.deepEqual(windows, []);
  const files = machinePipConfigFiles({
    env: { APPDATA: "C:\\Users\\ada\\AppData\\Roaming", VIRTUAL_ENV: "C:\\work\\app\\.venv" },
    home: "C:\\Users\\ada",
    platform: "windows",
  });
  assert.deepEqual(files.map((f) => [f.scope, f.display]), [
    ["global", "C:/ProgramData/pip/pip.ini"],
    ["user", "~/pip/pip.ini"],
    ["user", "~/AppData/Roaming/pip/pip.ini"],
    ["site", "C:/work/app/.venv/pip.ini"],
  ]);
});

Deno.test("readMachineConfig layers files and PIP_* variables like pip; paths never show home", async () => {
  const home = Deno.makeTempDirSync({ prefix: "tollgate-home-" });
  try {
    const write = (relative: string, text: string) => {
      Deno.mkdirSync(path.join(home, path.dirname(relative)), { recursive: true });
      Deno.writeTextFileSync(path.join(home, relative), text);
    };
    write(".pip/pip.conf", "[install]\nindex-url = https://legacy.example/simple\n");
    write(
      ".config/pip/pip.conf",
      "[global]\nindex-url = https://user:pw@user.example/simple\ntrusted-host = user.example\n",
    );
    write("venv/pip.conf", "[global]\ntrusted-host = site.example\nno-index = 1\n");
    write("big/pip.conf", "#".repeat(2048));
    const env = {
      XDG_CONFIG_DIRS: path.join(home, "nowhere"),
      VIRTUAL_ENV: path.join(home, "venv"),
      PIP_EXTRA_INDEX_URL: "https://e1.example/simple https://t:x@e2.example/simple",
      PIP_NO_INDEX: "",
      UV_INDEX: "torch=https://download.pytorch.org/whl/cpu",
      HOME: home,
    };
    // No installer known: pip's and uv's layers both apply.
    const result = await readMachineConfig({ env, home, platform: "linux" });
    const local = (file: string) => file.startsWith("~") || file.startsWith("env:");
    assert.ok(!JSON.stringify(result).includes(home), "the home directory is written as ~");
    assert.deepEqual(result.inputs.filter((i) => local(i.file)), [
      { file: "~/.pip/pip.conf", format: "pip.conf" },
      { file: "~/.config/pip/pip.conf", format: "pip.conf" },
      { file: "~/venv/pip.conf", format: "pip.conf" },
      { file: "env:PIP_EXTRA_INDEX_URL", format: "environment" },
      { file: "env:UV_INDEX", format: "environment" },
    ]);
    // [install] from the legacy user file beats [global] of later files: sections rank above files.
    // Each index carries its installer: pip's layers are pip's, UV_* variables uv's.
    assert.deepEqual(result.indexes!.filter((i) => local(i.location.file)), [
      {
        url: "https://legacy.example/simple",
        role: "primary",
        tool: "pip",
        location: { file: "~/.pip/pip.conf", line: 2 },
      },
      {
        url: "https://e1.example/simple",
        role: "extra",
        tool: "pip",
        location: { file: "env:PIP_EXTRA_INDEX_URL" },
      },
      {
        url: "https://***@e2.example/simple",
        role: "extra",
        tool: "pip",
        location: { file: "env:PIP_EXTRA_INDEX_URL" },
      },
      {
        url: "https://download.pytorch.org/whl/cpu",
        role: "extra",
        name: "torch",
        tool: "uv",
        location: { file: "env:UV_INDEX" },
      },
    ]);
    // the site file replaces the user file's trusted-host; an empty PIP_NO_INDEX is ignored
    assert.deepEqual(result.settings!.filter((s) => local(s.location.file)), [
      {
        name: "trusted-host",
        value: "site.example",
        tool: "pip",
        location: { file: "~/venv/pip.conf", line: 2 },
      },
      { name: "no-index", tool: "pip", location: { file: "~/venv/pip.conf", line: 3 } },
    ]);
    assert.deepEqual(result.problems!.filter((p) => local(p.file)), []);

    const withFile = await readMachineConfig({
      env: { ...env, PIP_CONFIG_FILE: path.join(home, "big/pip.conf") },
      home,
      platform: "linux",
      maxBytes: 1024,
    });
    // PIP_CONFIG_FILE exists, so pip skips the user files; this one is too large to read.
    assert.deepEqual(withFile.inputs.filter((i) => i.file.startsWith("~")), [
      { file: "~/venv/pip.conf", format: "pip.conf" },
    ]);
    assert.deepEqual(withFile.problems!.filter((p) => local(p.file)), [
      {
        file: "~/big/pip.conf",
        message: "pip configuration is 2048 bytes, over the 1024-byte limit",
      },
    ]);
  } finally {
    Deno.removeSync(home, { recursive: true });
  }
});
