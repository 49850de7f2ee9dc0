// Machine configuration applied to what each installer installs: pip's files and PIP_* variables
// to a project installed with pip, uv's files and UV_* variables to one installed with uv. Real
// files in a temp home; facts from outside it (this machine's /etc) are filtered out.
import assert from "node:assert/strict";
import * as path from "node:path";
import { collect } from "../../../collect/mod.ts";
import type { Snapshot } from "../../../core/snapshot.ts";
import { project } from "../../_cli.ts";

/** A machine with a hostile pip configuration and a uv configuration of its own. */
async function machine() {
  const home = await project({
    ".config/pip/pip.conf": "[global]\nindex-url = http://evil.example/simple\n" +
      "trusted-host = evil.example\n",
    ".config/uv/uv.toml": 'index-strategy = "unsafe-best-match"\n' +
      'extra-index-url = ["https://uv-user.example/simple"]\n',
  });
  const env = {
    HOME: home,
    XDG_CONFIG_DIRS: path.join(home, "no-system"),
    PIP_EXTRA_INDEX_URL: "https://pip-env.example/simple",
    UV_EXTRA_INDEX_URL: "https://uv-env.example/simple",
  };
  return { home, env };
}

/** The machine's facts: `tool file value` for each index and setting located in ~ or env:. */
function machineFacts(snapshot: Snapshot): string[] {
  const local = (file: string) => file.startsWith("~") || file.startsWith("env:");
  return [
    ...snapshot.indexes.filter((i) => local(i.location.file))
      .map((i) => `${i.tool} ${i.location.file} ${i.role} ${i.url}`),
    ...snapshot.settings.filter((s) => local(s.location.file))
      .map((s) => `${s.tool} ${s.location.file} ${s.name} ${s.value}`),
  ].sort();
}

const PIP_FACTS = [
  "pip env:PIP_EXTRA_INDEX_URL extra https://pip-env.example/simple",
  "pip ~/.config/pip/pip.conf primary http://evil.example/simple",
  "pip ~/.config/pip/pip.conf trusted-host evil.example",
];
const UV_FACTS = [
  "uv env:UV_EXTRA_INDEX_URL extra https://uv-env.example/simple",
  "uv ~/.config/uv/uv.toml extra https://uv-user.example/simple",
  "uv ~/.config/uv/uv.toml index-strategy unsafe-best-match",
];

async function collectWith(files: Record<string, string>, env: Record<string, string> = {}) {
  const { home, env: machineEnv } = await machine();
  const root = await project(files);
  try {
    return await collect({ root, env: {}, machine: { env: { ...machineEnv, ...env }, home } });
  } finally {
    await Deno.remove(root, { recursive: true });
    await Deno.remove(home, { recursive: true });
  }
}

Deno.test("a uv-only project gets uv's machine configuration, never pip's", async () => {
  const snapshot = await collectWith({
    "pyproject.toml": '[project]\nname = "app"\ndependencies = ["numpy"]\n\n[tool.uv]\n' +
      "package = false\n",
    "uv.lock": 'version = 1\nrequires-python = ">=3.11"\n',
  });
  assert.deepEqual(snapshot.installers.map((i) => i.tool), ["uv"]);
  assert.deepEqual(machineFacts(snapshot), UV_FACTS);
  // pip's files and variables are not read at all: not inputs, not problems
  const inputs = snapshot.inputs.map((i) => i.file).filter((f) => /^(~|env:)/.test(f));
  assert.deepEqual(inputs, ["env:UV_EXTRA_INDEX_URL", "~/.config/uv/uv.toml"]);
});

Deno.test("a pip project gets pip's machine configuration, never uv's", async () => {
  const snapshot = await collectWith({ "requirements.txt": "numpy==1.26.4\n" });
  assert.deepEqual(snapshot.installers.map((i) => i.tool), ["pip"]);
  assert.deepEqual(machineFacts(snapshot), PIP_FACTS);
});

Deno.test("a project using pip and uv gets both, each fact attributed to its installer", async () => {
  const snapshot = await collectWith({
    "uv.lock": 'version = 1\nrequires-python = ">=3.11"\n',
    "docker/requirements.txt": "numpy==1.26.4\n",
  });
  assert.deepEqual(snapshot.installers.map((i) => i.tool), ["pip", "uv"]);
  assert.deepEqual(machineFacts(snapshot), [...PIP_FACTS, ...UV_FACTS].sort());
});

Deno.test("UV_NO_CONFIG leaves uv's files out, not its variables", async () => {
  const snapshot = await collectWith({ "uv.lock": "version = 1\n" }, { UV_NO_CONFIG: "1" });
  assert.deepEqual(machineFacts(snapshot), [
    "uv env:UV_EXTRA_INDEX_URL extra https://uv-env.example/simple",
  ]);
});

Deno.test("Poetry reads neither; with no installer to tell, both apply", async () => {
  const poetry = await collectWith({
    "pyproject.toml": '[tool.poetry]\nname = "app"\nversion = "0.1.0"\n\n' +
      '[tool.poetry.dependencies]\npython = "^3.11"\n',
    "poetry.lock": '[metadata]\nlock-version = "2.0"\npython-versions = "^3.11"\n' +
      'content-hash = "0"\n',
  });
  assert.deepEqual(poetry.installers.map((i) => i.tool), ["poetry"]);
  assert.deepEqual(machineFacts(poetry), []);
  const unknown = await collectWith({
    "pyproject.toml": '[project]\nname = "app"\ndependencies = ["numpy"]\n',
  });
  assert.deepEqual(unknown.installers, []);
  assert.deepEqual(machineFacts(unknown), [...PIP_FACTS, ...UV_FACTS].sort());
});
