import assert from "node:assert/strict";
import * as path from "node:path";
import fc from "fast-check";
import { parsePipConfig } from "../../../collect/config/pip_config.ts";
import { parseIni } from "../../../collect/config/_ini.ts";
import { redactUrl } from "../../../packaging/mod.ts";
import { corpusFiles, corpusPath, pythonJson } from "../../_property.ts";
import { fixtureNames, fixtures } from "./_pip_config.ts";

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
