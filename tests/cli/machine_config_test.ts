// End to end: `tollgate check` on a temp project with a temp home holding a hostile pip.conf and
// a uv.toml. pip's machine configuration judges only what pip installs, uv's only what uv does.
import assert from "node:assert/strict";
import * as path from "node:path";
import { NOW, project, tollgate } from "../_cli.ts";
import { Report } from "../../core/report.ts";

const UV_PROJECT = {
  "pyproject.toml": '[project]\nname = "app"\nversion = "0.1.0"\ndependencies = []\n\n' +
    "[tool.uv]\npackage = false\n",
  "uv.lock": 'version = 1\nrequires-python = ">=3.11"\n',
};

/** `check` with this machine's configuration read from a temp home; findings as one line each. */
async function checkOnMachine(files: Record<string, string>, extraEnv: Record<string, string>) {
  const home = await project({
    ".config/pip/pip.conf": "[global]\nextra-index-url = http://evil.example/simple\n" +
      "trusted-host = evil.example\n",
    ".config/uv/uv.toml": 'extra-index-url = ["http://uv-user.example/simple"]\n',
  });
  const dir = await project(files);
  try {
    const run = await tollgate(["check", dir, "--offline", "--format", "json", "--now", NOW], {
      env: {
        HOME: home,
        // tests/_cli.ts switches both installers' files off; this test reads them from `home`
        PIP_CONFIG_FILE: "",
        UV_NO_CONFIG: "",
        XDG_CONFIG_DIRS: path.join(home, "no-system-config"),
        PIP_EXTRA_INDEX_URL: "https://pip-env.example/simple",
        UV_EXTRA_INDEX_URL: "https://uv-env.example/simple",
        ...extraEnv,
      },
    });
    assert.ok(!run.stdout.includes(home), "the home directory is written as ~");
    const report = Report.parse(JSON.parse(run.stdout));
    const lines = report.results.flatMap((r) => r.findings)
      .map((f) => `${f.check} ${f.location?.file}:${f.location?.line ?? "-"} ${f.subject}`);
    return { report, lines, inputs: report.coverage.inputs.map((i) => i.file) };
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(home, { recursive: true });
  }
}

const PIP_FINDINGS = [
  "source.allowed-indexes env:PIP_EXTRA_INDEX_URL:- index:https://pip-env.example/simple",
  "source.no-dependency-confusion env:PIP_EXTRA_INDEX_URL:- index:https://pip-env.example/simple",
  "source.https-only ~/.config/pip/pip.conf:3 host:evil.example",
];
const UV_FINDINGS = [
  "source.allowed-indexes env:UV_EXTRA_INDEX_URL:- index:https://uv-env.example/simple",
  "source.allowed-indexes ~/.config/uv/uv.toml:1 index:http://uv-user.example/simple",
  "source.https-only ~/.config/uv/uv.toml:1 index:http://uv-user.example/simple",
  "source.no-dependency-confusion env:UV_EXTRA_INDEX_URL:- index:https://uv-env.example/simple",
  "source.no-dependency-confusion ~/.config/uv/uv.toml:1 index:http://uv-user.example/simple",
];
const isMachine = (line: string) => / (~|env:)/.test(line);

Deno.test("a uv-only project is judged by uv's machine configuration, never pip's", async () => {
  const { lines, inputs } = await checkOnMachine(UV_PROJECT, {});
  assert.deepEqual(lines.filter(isMachine).sort(), UV_FINDINGS.sort());
  assert.ok(!inputs.some((file) => /pip|PIP_/.test(file)), inputs.join("\n"));
  assert.ok(inputs.includes("~/.config/uv/uv.toml"));
});

Deno.test("a pip project is judged by pip's machine configuration; a mixed one by both", async () => {
  const pip = await checkOnMachine({ "requirements.txt": "numpy==1.26.4\n" }, {});
  // PIP_EXTRA_INDEX_URL replaces pip.conf's extra-index-url, as pip layers them
  assert.deepEqual(pip.lines.filter(isMachine).sort(), PIP_FINDINGS.sort());
  const mixed = await checkOnMachine({ ...UV_PROJECT, "requirements.txt": "numpy==1.26.4\n" }, {});
  assert.deepEqual(mixed.lines.filter(isMachine).sort(), [...PIP_FINDINGS, ...UV_FINDINGS].sort());
  // each judged as its installer combines indexes
  const confusion = mixed.report.results.find((r) => r.check === "source.no-dependency-confusion")!
    .findings.map((f) => {
      const installer = f.message.includes("lets pip take any package")
        ? "pip"
        : f.message.startsWith("uv index")
        ? "uv"
        : "?";
      return `${f.location?.file} ${installer}`;
    }).sort();
  assert.deepEqual(confusion, [
    "env:PIP_EXTRA_INDEX_URL pip",
    "env:UV_EXTRA_INDEX_URL uv",
    "~/.config/uv/uv.toml uv",
  ]);
});

Deno.test("UV_NO_CONFIG leaves uv's files out, not its variables", async () => {
  const noConfig = await checkOnMachine(UV_PROJECT, { UV_NO_CONFIG: "1" });
  assert.deepEqual(
    noConfig.lines.filter(isMachine).sort(),
    UV_FINDINGS.filter((line) => line.includes("env:UV_EXTRA_INDEX_URL")).sort(),
  );
  assert.ok(noConfig.inputs.includes("env:UV_NO_CONFIG"));
  assert.ok(!noConfig.inputs.includes("~/.config/uv/uv.toml"));
});
