// pip's "base" configuration layer (pip ≥ 23.0): sys.base_prefix/pip.conf, shared by every
// virtualenv of one interpreter, read after the user files and before the virtualenv's own.
import assert from "node:assert/strict";
import * as path from "node:path";
import {
  machinePipConfigFiles,
  readMachinePipConfig,
  virtualenvBasePrefix,
} from "../../../collect/config/pip_config.ts";
import { project } from "../../_cli.ts";

Deno.test("the base file sits between user and site, and is left out outside a virtualenv", () => {
  const scopes = (env: Record<string, string>, basePrefix?: string) =>
    machinePipConfigFiles({ env, home: "/home/ada", platform: "linux", basePrefix })
      .filter((f) => f.scope !== "global")
      .map((f) => `${f.scope} ${f.display}`);
  assert.deepEqual(
    scopes({ VIRTUAL_ENV: "/srv/app/.venv", PIP_CONFIG_FILE: "/etc/ci-pip.conf" }, "/opt/py311"),
    [
      "user ~/.pip/pip.conf",
      "user ~/.config/pip/pip.conf",
      "base /opt/py311/pip.conf",
      "site /srv/app/.venv/pip.conf",
      "env /etc/ci-pip.conf",
    ],
  );
  // a conda environment is not a virtualenv: its base prefix is its own prefix, one file
  assert.deepEqual(scopes({ CONDA_PREFIX: "/opt/conda/envs/ml" }, "/opt/conda/envs/ml"), [
    "user ~/.pip/pip.conf",
    "user ~/.config/pip/pip.conf",
    "site /opt/conda/envs/ml/pip.conf",
  ]);
  assert.deepEqual(
    machinePipConfigFiles({
      env: { VIRTUAL_ENV: "C:\\work\\.venv" },
      home: "C:\\Users\\ada",
      platform: "windows",
      basePrefix: "C:\\Users\\ada\\AppData\\Local\\Programs\\Python\\Python311",
    }).filter((f) => f.scope === "base").map((f) => f.display),
    ["~/AppData/Local/Programs/Python/Python311/pip.ini"],
  );
});

Deno.test("the base prefix comes from pyvenv.cfg: base-prefix, else the stdlib landmark above home", async () => {
  const root = await project({
    "py/bin/python3": "",
    "py/lib/python3.12/os.py": "",
    "venv/pyvenv.cfg": "home = @ROOT@/py/bin\nversion_info = 3.12.4.final.0\n",
    "virtualenv/pyvenv.cfg": "home = /usr/bin\nbase-prefix = /opt/base\nversion = 3.11.2\n",
    "nolandmark/pyvenv.cfg": "home = /nonexistent/tollgate/bin\nversion = 3.9.1\n",
    "nohome/pyvenv.cfg": "version = 3.12.0\n",
  });
  try {
    const cfg = path.join(root, "venv/pyvenv.cfg");
    await Deno.writeTextFile(cfg, (await Deno.readTextFile(cfg)).replace("@ROOT@", root));
    const at = (venv: string) => virtualenvBasePrefix(path.join(root, venv), { platform: "linux" });
    assert.equal(await at("venv"), path.join(root, "py"));
    assert.equal(await at("virtualenv"), "/opt/base");
    assert.equal(await at("nolandmark"), "/nonexistent/tollgate");
    assert.equal(await at("nohome"), undefined);
    assert.equal(await at("absent"), undefined);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("readMachinePipConfig layers the base file: above the user file, below the venv's", async () => {
  const home = await project({
    ".config/pip/pip.conf": "[global]\nindex-url = https://user.example/simple\n" +
      "trusted-host = user.example\nextra-index-url = https://user-extra.example/simple\n",
    "py/lib/python3.12/os.py": "",
    "py/pip.conf": "[global]\nindex-url = https://base.example/simple\n" +
      "trusted-host = base.example\n",
    "venv/pip.conf": "[global]\ntrusted-host = site.example\n",
  });
  try {
    await Deno.writeTextFile(
      path.join(home, "venv/pyvenv.cfg"),
      `home = ${path.join(home, "py/bin")}\nversion_info = 3.12.1\n`,
    );
    const result = await readMachinePipConfig({
      env: {
        HOME: home,
        XDG_CONFIG_DIRS: path.join(home, "none"),
        VIRTUAL_ENV: path.join(home, "venv"),
        UV_INDEX: "https://not-pip.example/simple",
      },
      home,
      platform: "linux",
    });
    const local = (file: string) => file.startsWith("~") || file.startsWith("env:");
    assert.deepEqual(result.inputs.filter((i) => local(i.file)).map((i) => i.file), [
      "~/.config/pip/pip.conf",
      "~/py/pip.conf",
      "~/venv/pip.conf",
    ]);
    assert.deepEqual(
      result.indexes!.filter((i) => local(i.location.file))
        .map((i) => [i.role, i.url, i.location.file, i.tool]),
      [
        ["primary", "https://base.example/simple", "~/py/pip.conf", "pip"],
        ["extra", "https://user-extra.example/simple", "~/.config/pip/pip.conf", "pip"],
      ],
    );
    assert.deepEqual(
      result.settings!.filter((s) => local(s.location.file)).map((s) => [s.value, s.tool]),
      [["site.example", "pip"]],
    );
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
