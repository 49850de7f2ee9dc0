import assert from "node:assert/strict";
import fc from "fast-check";
import { parsePipConfig, pipConfigReader } from "../../../collect/config/pip_config.ts";
import { assertWithinFile, corpus, corpusFiles, mutatedTexts } from "../../_property.ts";
import { fixtureNames, fixtures } from "./_pip_config.ts";

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

Deno.test("pip.conf reader matches pip.conf and pip.ini anywhere", () => {
  assert.equal(pipConfigReader.format, "pip.conf");
  assert.ok(pipConfigReader.matches("pip.conf"));
  assert.ok(pipConfigReader.matches(".venv/pip.conf"));
  assert.ok(pipConfigReader.matches("config/pip/pip.ini"));
  assert.ok(!pipConfigReader.matches("pip.config"));
  assert.ok(!pipConfigReader.matches("notpip.conf"));
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
