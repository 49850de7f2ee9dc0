import assert from "node:assert/strict";
import fc from "fast-check";
import { ConfigError, parsePolicyConfig, resolvePolicyConfig } from "../../core/config.ts";
import { catalogue } from "../../checks/mod.ts";
import { recommended } from "../../policies/mod.ts";

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${error}`);
    return error;
  }
  assert.fail("expected a ConfigError");
}

Deno.test("YAML policy: checks, false disables, severity override, waivers, failOn", () => {
  const config = parsePolicyConfig({
    file: "tollgate.yaml",
    format: "yaml",
    text: `extends: [recommended]
failOn: warning
checks:
  source.allowed-indexes:
    indexes: [https://pypi.org/simple, "https://pypi.corp.example/*"]
  venv.isolated: false
severity:
  hub.no-remote-code: warning
waivers:
  - check: signature.hash-pinned
    subject: "pkg:pypi/internal-*"
    reason: built in-house
    expires: 2026-12-31
`,
  })!;
  const policy = resolvePolicyConfig({
    config,
    file: "tollgate.yaml",
    catalogue,
    parents: [recommended],
  });
  assert.equal(policy.name, "tollgate.yaml");
  assert.equal(policy.failOn, "warning");
  assert.ok(!policy.checks.some((c) => c.id === "venv.isolated"));
  assert.deepEqual(policy.checks.find((c) => c.id === "source.allowed-indexes")!.params, {
    indexes: ["https://pypi.org/simple", "https://pypi.corp.example/*"],
  });
  const remote = policy.checks.find((c) => c.id === "hub.no-remote-code")!;
  assert.equal(remote.options.severity, "warning");
  assert.equal(
    remote.options.rationale,
    recommended.checks.find((c) => c.id === "hub.no-remote-code")!.options.rationale,
  );
  assert.equal(policy.waivers[0].expires, "2026-12-31");
});

Deno.test("TOML and [tool.tollgate] policies parse to the same config", () => {
  const toml = parsePolicyConfig({
    file: "tollgate.toml",
    format: "toml",
    text: 'extends = ["recommended"]\n[checks."venv.isolated"]\nrequireEnvironment = false\n',
  });
  const pyproject = parsePolicyConfig({
    file: "pyproject.toml",
    format: "pyproject",
    text: '[project]\nname = "x"\n[tool.tollgate]\nextends = ["recommended"]\n' +
      '[tool.tollgate.checks."venv.isolated"]\nrequireEnvironment = false\n',
  });
  assert.deepEqual(toml, pyproject);
  assert.equal(
    parsePolicyConfig({ file: "pyproject.toml", format: "pyproject", text: "[project]\n" }),
    undefined,
  );
});

Deno.test("errors name the file, the line and the key path", () => {
  const typo = configError(() =>
    parsePolicyConfig({
      file: "tollgate.yaml",
      format: "yaml",
      text: "extends: [recommended]\nfailOn: fatal\n",
    })
  );
  assert.equal(
    typo.message,
    'tollgate.yaml:2: failOn: expected one of "info"|"warning"|"error"; found "fatal"',
  );
  const waiver = configError(() =>
    parsePolicyConfig({
      file: "t.yaml",
      format: "yaml",
      text: "waivers:\n  - check: x\n    subject: y\n    reason: z\n    expires: next year\n",
    })
  );
  assert.equal(waiver.message, "t.yaml:5: waivers[0].expires: expected a date as YYYY-MM-DD");
  const unknownKey = configError(() =>
    parsePolicyConfig({ file: "t.yaml", format: "yaml", text: "chekcs: {}\n" })
  );
  assert.match(unknownKey.message, /^t\.yaml:1: unknown key chekcs; expected name, extends/);
  const yaml = configError(() =>
    parsePolicyConfig({ file: "t.yaml", format: "yaml", text: "checks: [\n" })
  );
  assert.match(yaml.message, /^t\.yaml:\d+: not valid YAML/);
  const toml = configError(() =>
    parsePolicyConfig({ file: "t.toml", format: "toml", text: "a = \n" })
  );
  assert.match(toml.message, /^t\.toml:1: not valid TOML/);
  const pyproject = configError(() =>
    parsePolicyConfig({
      file: "pyproject.toml",
      format: "pyproject",
      text: "[tool.tollgate]\nfailOn = 3\n",
    })
  );
  assert.match(pyproject.message, /^pyproject\.toml: tool\.tollgate\.failOn: expected one of/);
  assert.match(
    configError(() => parsePolicyConfig({ file: "t.yaml", format: "yaml", text: "" })).message,
    /t\.yaml: is empty/,
  );
});

Deno.test("an unknown check id or bad params name the key path", () => {
  const unknown = configError(() =>
    resolvePolicyConfig({
      config: { checks: { "source.https-onyl": {} } },
      file: "t.yaml",
      catalogue,
      parents: [],
    })
  );
  assert.equal(
    unknown.message,
    't.yaml: checks["source.https-onyl"]: unknown check id "source.https-onyl"; `tollgate checks` lists them',
  );
  const near = configError(() =>
    resolvePolicyConfig({
      config: { checks: { "hub.isolated": true } },
      file: "t.yaml",
      catalogue,
      parents: [],
    })
  );
  assert.match(near.message, /did you mean "venv\.isolated"/);
  const params = configError(() =>
    resolvePolicyConfig({
      config: { checks: { "source.allowed-indexes": { indexes: "https://pypi.org/simple" } } },
      file: "t.yaml",
      catalogue,
      parents: [],
    })
  );
  assert.equal(
    params.message,
    't.yaml: checks["source.allowed-indexes"].indexes: expected array, received string',
  );
  const extra = configError(() =>
    resolvePolicyConfig({
      config: { checks: { "venv.isolated": { required: true } } },
      file: "t.yaml",
      catalogue,
      parents: [],
    })
  );
  assert.match(extra.message, /checks\["venv\.isolated"\]: Unrecognized key: "required"/);
  const orphanSeverity = configError(() =>
    resolvePolicyConfig({
      config: { severity: { "venv.isolated": "info" } },
      file: "t.yaml",
      catalogue,
      parents: [],
    })
  );
  assert.match(
    orphanSeverity.message,
    /severity\["venv\.isolated"\]: sets a severity for a check this policy does not enable/,
  );
});

Deno.test("YAML aliases that do not resolve, or expand too far, are configuration errors", () => {
  assert.match(
    configError(() => parsePolicyConfig({ file: "t.yaml", format: "yaml", text: "*!" })).message,
    /^t\.yaml: not valid YAML: Unresolved alias/,
  );
  const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"];
  for (let i = 1; i < 9; i++) {
    bomb.push(
      `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [` +
        Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(", ") + "]",
    );
  }
  assert.match(
    configError(() => parsePolicyConfig({ file: "t.yaml", format: "yaml", text: bomb.join("\n") }))
      .message,
    /not valid YAML/,
  );
});

Deno.test("property: any text either parses or raises ConfigError, never anything else", () => {
  fc.assert(
    fc.property(
      fc.string({ maxLength: 200 }),
      fc.constantFrom("yaml", "toml", "pyproject"),
      (text, format) => {
        try {
          parsePolicyConfig({ text, file: "p", format: format as "yaml" | "toml" | "pyproject" });
        } catch (error) {
          assert.ok(error instanceof ConfigError, String(error));
          assert.ok(error.message.startsWith("p"));
        }
      },
    ),
    { numRuns: 500 },
  );
});

Deno.test("property: generated valid YAML policies round-trip their fields", () => {
  const ids = [...catalogue.keys()];
  fc.assert(
    fc.property(
      fc.subarray(ids),
      fc.constantFrom("info", "warning", "error"),
      (disabled, failOn) => {
        const text = `failOn: ${failOn}\nchecks:\n${
          disabled.map((id) => `  ${id}: false\n`).join("")
        }`;
        const config = parsePolicyConfig({
          text: disabled.length ? text : `failOn: ${failOn}\n`,
          file: "p.yaml",
          format: "yaml",
        })!;
        const policy = resolvePolicyConfig({
          config,
          file: "p.yaml",
          catalogue,
          parents: [recommended],
        });
        assert.equal(policy.failOn, failOn);
        assert.deepEqual(policy.disabled, [...disabled].sort());
        assert.equal(policy.checks.length, recommended.checks.length - disabled.length);
      },
    ),
  );
});

Deno.test("TOML dates work as waiver expiries; waivers and severities must name real checks", () => {
  const config = parsePolicyConfig({
    file: "tollgate.toml",
    format: "toml",
    text:
      '[[waivers]]\ncheck = "venv.isolated"\nsubject = "*"\nreason = "r"\nexpires = 2030-01-01\n',
  })!;
  assert.equal(config.waivers![0].expires, "2030-01-01");
  const unknown = configError(() =>
    resolvePolicyConfig({
      config: {
        waivers: [{ check: "venv.isolatd", subject: "*", reason: "r", expires: "2030-01-01" }],
      },
      file: "t.yaml",
      catalogue,
      parents: [],
    })
  );
  assert.match(unknown.message, /t\.yaml: waivers\[0\]\.check: unknown check id "venv\.isolatd"/);
  const disabled = configError(() =>
    resolvePolicyConfig({
      config: { checks: { "venv.isolated": false }, severity: { "venv.isolated": "info" } },
      file: "t.yaml",
      catalogue,
      parents: [recommended],
    })
  );
  assert.match(
    disabled.message,
    /severity\["venv\.isolated"\]: sets a severity for a check this policy disables/,
  );
});
