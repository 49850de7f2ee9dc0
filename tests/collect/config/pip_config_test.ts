import assert from "node:assert/strict";
import * as path from "node:path";
import fc from "fast-check";
import {
  machinePipConfigFiles,
  parsePipConfig,
  pipConfigReader,
  readMachineConfig,
} from "../../../collect/config/pip_config.ts";
import { parseIni } from "../../../collect/config/_ini.ts";
import { redactUrl } from "../../../packaging/mod.ts";
import {
  assertWithinFile,
  corpus,
  corpusFiles,
  corpusPath,
  mutatedTexts,
  pythonJson,
} from "../../_property.ts";

const fixtures = new URL("../../fixtures/pip_config/", import.meta.url);

function fixtureNames(): string[] {
  return [...Deno.readDirSync(fixtures)].map((entry) => entry.name).sort();
}

/**
 * pip's own reading, done by python3: configparser.RawConfigParser (what pip uses) on each file,
 * then pip's rules for `pip install` (sections global then install, names normalised, empty values
 * skipped, list options split on whitespace, strtobool for flags).
 */
const PIP_READING = `
import configparser, json, sys
DESTS = {"index-url": "index-url", "pypi-url": "index-url", "extra-index-url": "extra-index-url",
  "find-links": "find-links", "trusted-host": "trusted-host", "no-index": "no-index",
  "require-hashes": "require-hashes", "pre": "pre", "cert": "cert", "client-cert": "client-cert"}
def strtobool(v):
    v = v.lower()
    if v in ("y", "yes", "t", "true", "on", "1"): return True
    if v in ("n", "no", "f", "false", "off", "0"): return False
    return None
out = {}
for path in sys.argv[1:]:
    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except configparser.Error:
        out[path] = {"error": True}
        continue
    config = {}
    for section in parser.sections():
        for name, value in parser.items(section):
            name = name.lower().replace("_", "-")
            if name.startswith("--"): name = name[2:]
            config[section + "." + name] = value
    effective = {}
    for wanted in ("global", "install"):
        for key, value in config.items():
            section, name = key.split(".", 1)
            if section == wanted and value and name in DESTS:
                effective[DESTS[name]] = value
    indexes, settings, bad = [], [], []
    for dest, value in effective.items():
        if dest in ("no-index", "require-hashes", "pre"):
            flag = strtobool(value)
            if flag is None: bad.append(dest)
            elif flag: settings.append([dest, ""])
        elif dest in ("extra-index-url", "find-links"):
            role = "extra" if dest == "extra-index-url" else "find-links"
            indexes += [[role, word] for word in value.split()]
        elif dest == "trusted-host":
            settings += [["trusted-host", word] for word in value.split()]
        elif dest in ("cert", "client-cert"):
            settings.append([dest, value])
        else:
            indexes.append(["primary", value])
    out[path] = {"error": False, "indexes": sorted(indexes), "settings": sorted(settings), "bad": bad}
print(json.dumps(out))
`;

interface PipReading {
  error: boolean;
  indexes?: string[][];
  settings?: string[][];
  bad?: string[];
}

function pipReading(paths: string[]): Record<string, PipReading> {
  return pythonJson(PIP_READING, paths);
}

/** Compare one file's result with python's reading; `label` names the file in failures. */
function assertSameAsPip(text: string, expected: PipReading, label: string): void {
  const ini = parseIni(text);
  assert.equal(ini.problems.length > 0, expected.error, `${label}: configparser error agreement`);
  if (expected.error) return;
  const result = parsePipConfig(text, { file: "pip.conf" });
  const multiWordIndexUrl = expected.indexes!.some(([role, url]) =>
    role === "primary" && /\s/.test(url)
  );
  const ours = {
    indexes: result.indexes!.map((i) => [i.role, i.url]).sort(),
    settings: result.settings!.map((s) => [s.name, s.value ?? ""]).sort(),
  };
  const theirs = {
    indexes: expected.indexes!.map(([role, url]) => [role, redactUrl(url)]).sort(),
    settings: expected.settings!.map(([name, value]) => [name, redactUrl(value)]).sort(),
  };
  if (multiWordIndexUrl) {
    // pip would take "a b" as one (broken) URL; the reader reports it and keeps the first word.
    assert.ok(result.problems!.some((p) => p.message.includes("expected one URL")), label);
    theirs.indexes = theirs.indexes.filter(([role]) => role !== "primary");
    ours.indexes = ours.indexes.filter(([role]) => role !== "primary");
  }
  assert.deepEqual(ours, theirs, label);
  assert.equal(
    result.problems!.filter((p) => p.message.includes("expected true/false")).length,
    expected.bad!.length,
    `${label}: invalid flags`,
  );
}

Deno.test("pip.conf: [install] replaces [global] per option, multi-line lists keep their lines", () => {
  const file = "deploy/pip.conf";
  const text = Deno.readTextFileSync(new URL("corporate.conf", fixtures));
  const result = parsePipConfig(text, { file });
  assert.deepEqual(result, {
    indexes: [
      {
        url: "https://***@artifactory.example.com/api/pypi/pypi-remote/simple",
        role: "primary",
        location: { file, line: 5 },
      },
      // [install] extra_index_url replaces the whole [global] list (pip does not merge lists)
      {
        url: "https://download.pytorch.org/whl/cu121",
        role: "extra",
        location: { file, line: 16 },
      },
      { url: "https://pypi.nvidia.com", role: "extra", location: { file, line: 17 } },
    ],
    settings: [
      { name: "trusted-host", value: "artifactory.example.com", location: { file, line: 11 } },
      { name: "trusted-host", value: "gitlab.example.com", location: { file, line: 12 } },
      { name: "require-hashes", location: { file, line: 19 } },
    ],
    problems: [],
  });
  assert.ok(!JSON.stringify(result).includes("s3cr3t"));
  assertWithinFile(result, text);
});

Deno.test("pip.ini: CRLF, ':' delimiter, [DEFAULT] inherited, install's no-index = false wins", () => {
  const file = "pip.ini";
  const text = Deno.readTextFileSync(new URL("pip.ini", fixtures));
  assert.deepEqual(parsePipConfig(text, { file }), {
    indexes: [
      {
        url: "https://mirror.internal.example/pypi/simple",
        role: "primary",
        location: { file, line: 12 },
      },
      { url: "file:///opt/wheels", role: "find-links", location: { file, line: 7 } },
    ],
    settings: [
      { name: "cert", value: "C:\\certs\\corp root.pem", location: { file, line: 9 } },
      { name: "trusted-host", value: "mirror.internal.example:8443", location: { file, line: 14 } },
    ],
    problems: [],
  });
});

Deno.test("pip.conf: underscores, upper case and '--' in names; empty values are skipped", () => {
  const site = parsePipConfig(Deno.readTextFileSync(new URL("venv_site.conf", fixtures)), {
    file: ".venv/pip.conf",
  });
  assert.deepEqual(
    [site.indexes!.map((i) => [i.role, i.url]), site.settings!.map((s) => s.name)],
    [[["find-links", "./wheelhouse"], ["find-links", "../shared/wheels"]], ["no-index", "pre"]],
  );
  const empty = parsePipConfig(Deno.readTextFileSync(new URL("empty_override.conf", fixtures)), {
    file: "pip.conf",
  });
  assert.deepEqual(empty.indexes!.map((i) => [i.role, i.url, i.location.line]), [
    ["primary", "https://pypi.example/simple", 2],
    ["extra", "https://extra.example/simple", 3],
  ]);
  assert.deepEqual(empty.settings, [
    { name: "client-cert", value: "/etc/pki/client.pem", location: { file: "pip.conf", line: 8 } },
  ]);
});

Deno.test("pip.conf: what configparser refuses is a problem with its line, the rest is read", () => {
  const file = "pip.conf";
  const result = parsePipConfig(Deno.readTextFileSync(new URL("broken.conf", fixtures)), { file });
  assert.deepEqual(result.problems, [
    { file, line: 1, message: "expected a [section] header before any option" },
    { file, line: 4, message: "option 'index-url' appears twice in [global]" },
    { file, line: 5, message: "expected 'name = value', found 'this line has no delimiter'" },
    { file, line: 6, message: "section [global] appears twice" },
    {
      file,
      line: 7,
      message: "global.pre: expected true/false, yes/no, on/off or 1/0, found 'maybe'",
    },
  ]);
  assert.deepEqual(result.indexes, [
    { url: "https://again.example/simple", role: "primary", location: { file, line: 4 } },
  ]);
});

Deno.test("pip.conf reader matches pip.conf and pip.ini anywhere", () => {
  assert.equal(pipConfigReader.format, "pip.conf");
  assert.ok(pipConfigReader.matches("pip.conf"));
  assert.ok(pipConfigReader.matches(".venv/pip.conf"));
  assert.ok(pipConfigReader.matches("config/pip/pip.ini"));
  assert.ok(!pipConfigReader.matches("pip.config"));
  assert.ok(!pipConfigReader.matches("notpip.conf"));
});

Deno.test("fixtures and corpus pip.conf files agree with python's configparser read the pip way", () => {
  const paths = [
    ...fixtureNames().map((name) => new URL(name, fixtures).pathname),
    ...corpusFiles("pip.conf").map(corpusPath),
  ];
  assert.ok(paths.length >= 7);
  const expected = pipReading(paths);
  for (const file of paths) {
    const text = Deno.readTextFileSync(file);
    assertSameAsPip(text, expected[file], file);
  }
});

Deno.test("corpus: every pip.conf parses with no problem", () => {
  const names = corpusFiles("pip.conf");
  assert.ok(names.length > 0, "no pip.conf in the corpus");
  for (const name of names) {
    const text = Deno.readTextFileSync(new URL(name, corpus));
    const result = parsePipConfig(text, { file: name });
    assert.deepEqual(result.problems, [], name);
    assertWithinFile(result, text);
  }
});

const iniLine = fc.oneof(
  fc.constantFrom("[global]", "[install]", "[DEFAULT]", "[download]", "[Global]", " [install]"),
  fc.constantFrom("[global] # trailing", "[", "[]", "]", "=novalue", ": x", "no delimiter"),
  fc.constantFrom("# comment", "; comment", "  # indented comment", "", "   "),
  fc.tuple(
    fc.constantFrom("", " ", "\t"),
    fc.constantFrom(
      "index-url",
      "Index_URL",
      "--index-url",
      "pypi-url",
      "extra-index-url",
      "extra_index_url",
      "find-links",
      "trusted-host",
      "no-index",
      "require-hashes",
      "pre",
      "cert",
      "timeout",
    ),
    fc.constantFrom(" = ", "=", ": ", " : ", " ="),
    fc.constantFrom(
      "",
      "https://a.example/simple",
      "https://u:p@b.example/simple",
      "http://c.example/simple http://d.example/simple",
      "yes",
      "off",
      "maybe",
      "host.example",
      "/path with space/x.pem",
      "a=b",
      "x:y",
    ),
  ).map(([indent, key, delimiter, value]) => indent + key + delimiter + value),
  fc.tuple(
    fc.constantFrom(" ", "  ", "\t", "    "),
    fc.constantFrom("https://e.example/simple", "f.example", "on", "https://g.example/x y"),
  ).map(([indent, value]) => indent + value),
);

Deno.test("differential: random INI texts read like python's configparser (600 files)", () => {
  const texts = fc.sample(
    fc.tuple(fc.array(iniLine, { maxLength: 14 }), fc.constantFrom("\n", "\r\n")).map((
      [lines, eol],
    ) => lines.join(eol) + eol),
    { numRuns: 600, seed: 20240611 },
  );
  const directory = Deno.makeTempDirSync({ prefix: "tollgate-pip-" });
  try {
    const paths = texts.map((text, i) => {
      const file = path.join(directory, `${i}.conf`);
      Deno.writeTextFileSync(file, text);
      return file;
    });
    const expected = pipReading(paths);
    let compared = 0;
    texts.forEach((text, i) => {
      assertSameAsPip(text, expected[paths[i]], JSON.stringify(text));
      if (!expected[paths[i]].error) compared++;
    });
    assert.ok(compared > 50, `only ${compared} texts were valid for configparser`);
  } finally {
    Deno.removeSync(directory, { recursive: true });
  }
});

Deno.test("property: random text and mutated fixtures never throw; problem lines lie in the file", () => {
  const samples = fixtureNames().map((name) => Deno.readTextFileSync(new URL(name, fixtures)));
  const chars = fc.string({ minLength: 1, maxLength: 1, unit: "binary" });
  const mutated = mutatedTexts(samples, { chars, maxEdits: 8 });
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ maxLength: 400 }),
        fc.string({ unit: "binary", maxLength: 200 }),
        mutated,
      ),
      (text) => {
        const result = parsePipConfig(text, { file: "pip.conf" });
        assertWithinFile(result, text, /\r\n|\r|\n/);
      },
    ),
    { numRuns: 500 },
  );
});

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
        location: { file: "~/venv/pip.conf", line: 2 },
      },
      { name: "no-index", location: { file: "~/venv/pip.conf", line: 3 } },
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
