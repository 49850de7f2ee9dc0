// review.supply-chain-owners: every dependency file, index configuration, model directory, the
// policy paths and CODEOWNERS itself owned, resolved as GitHub and GitLab resolve CODEOWNERS.
import assert from "node:assert/strict";
import { checks } from "../../../checks/mod.ts";
import type { Finding } from "../../../core/check.ts";
import type { Artifact, OwnerRule, Snapshot } from "../../../core/snapshot.ts";
import { ownerRule, runCheck, snapshotOf } from "../../../testing.ts";

const INPUTS: Snapshot["inputs"] = [
  { file: "requirements.txt", format: "requirements" },
  { file: "services/api/uv.lock", format: "uv.lock" },
  { file: "pip.conf", format: "pip.conf" },
  { file: "~/.config/pip/pip.conf", format: "pip.conf" },
  { file: "env:PIP_INDEX_URL", format: "pip.conf" },
  { file: "src/train.py", format: "python" },
];

const model = (path: string): Artifact => ({
  path,
  format: "safetensors",
  size: 1,
  globals: [],
  embedded: [],
  issues: [],
});

function owners(
  codeowners: OwnerRule[],
  extra: Partial<Snapshot> = {},
  params: Parameters<typeof checks.review.supplyChainOwners>[0] = {},
) {
  return runCheck(
    checks.review.supplyChainOwners(params),
    snapshotOf({ inputs: INPUTS, codeowners, ...extra }),
  );
}

const bySubject = (findings: Finding[]) =>
  [...findings].sort((a, b) => a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0);

const GH = (pattern: string, who: string[], line: number) =>
  ownerRule(pattern, who, { line, location: { file: ".github/CODEOWNERS", line } });

Deno.test("a catch-all owner covers everything; the last matching rule wins and can un-own", async () => {
  assert.deepEqual(await owners([GH("*", ["@acme/everyone"], 1)]), []);
  const findings = await owners([
    GH("*", ["@acme/everyone"], 1),
    GH("/services/", ["@acme/services"], 2),
    GH("/services/api/", [], 3),
    GH("pip.conf", [], 4),
  ]);
  assert.deepEqual(findings.map((f) => [f.subject, f.location?.file, f.message]), [
    [
      "file:pip.conf",
      "pip.conf",
      "pip.conf (index configuration) has no code owner: the last matching rule, `pip.conf` " +
      "(.github/CODEOWNERS:4), names no owners.",
    ],
    [
      "file:services/api/uv.lock",
      "services/api/uv.lock",
      "services/api/uv.lock (a lock file) has no code owner: the last matching rule, " +
      "`/services/api/` (.github/CODEOWNERS:3), names no owners.",
    ],
  ]);
  assert.equal(
    findings[0].fix,
    "Add `/pip.conf @your-org/ml-platform` at the end of .github/CODEOWNERS (the last matching " +
      "rule wins), and require code owner review in branch protection.",
  );
  assert.ok(findings.every((f) => f.severity === "error"));
});

Deno.test("unmatched files, the policy paths and CODEOWNERS itself are each reported", async () => {
  const findings = bySubject(await owners([GH("*.py", ["@acme/ml"], 1)]));
  assert.deepEqual(
    findings.map((f) => [f.subject, f.message]),
    [
      [
        "file:.github/CODEOWNERS",
        ".github/CODEOWNERS (the CODEOWNERS file) has no code owner: no rule in " +
        ".github/CODEOWNERS matches it.",
      ],
      [
        "policy:tollgate",
        "Where Tollgate reads its policy from (tollgate.yaml, tollgate.yml, tollgate.toml, " +
        "tollgate.policy.ts) has no code owner in .github/CODEOWNERS: a pull request adding or " +
        "editing it could switch checks off unreviewed.",
      ],
      [
        "file:pip.conf",
        "pip.conf (index configuration) has no code owner: no rule in .github/CODEOWNERS matches it.",
      ],
      [
        "file:requirements.txt",
        "requirements.txt (a requirements file) has no code owner: no rule in .github/CODEOWNERS " +
        "matches it.",
      ],
      [
        "file:services/api/uv.lock",
        "services/api/uv.lock (a lock file) has no code owner: no rule in .github/CODEOWNERS " +
        "matches it.",
      ],
    ].sort((a, b) => a[0] < b[0] ? -1 : 1),
  );
});

Deno.test("requiredOwners: owned by someone else is a finding naming both; any one of them will do; case is ignored", async () => {
  const rules = [
    GH("*", ["@acme/everyone"], 1),
    GH("/requirements*.txt", ["@Acme/ML-Platform", "@bob"], 2),
  ];
  const findings = await owners(rules, {}, {
    requiredOwners: ["@acme/ml-platform", "@acme/security"],
  });
  const requirements = findings.find((f) => f.subject === "file:requirements.txt");
  assert.equal(requirements, undefined);
  const lock = findings.find((f) => f.subject === "file:services/api/uv.lock")!;
  assert.equal(
    lock.message,
    "services/api/uv.lock (a lock file) is owned by @acme/everyone (.github/CODEOWNERS:1), none " +
      "of the required owners (@acme/ml-platform, @acme/security).",
  );
  assert.match(lock.fix!, /`\/services\/api\/uv\.lock @acme\/ml-platform`/);
});

Deno.test("model directories: one finding per directory listing its unowned model files", async () => {
  const artifacts = [
    model("models/bert/model.safetensors"),
    model("models/bert/tokenizer.bin"),
    model("models/owned/model.safetensors"),
    model("weights.pt"),
  ];
  const findings = await owners(
    [
      GH("*", ["@acme/everyone"], 1),
      GH("/models/", [], 2),
      GH("/models/owned/", ["@acme/ml"], 3),
      GH("*.pt", [], 4),
    ],
    { artifacts },
  );
  assert.deepEqual(
    bySubject(findings).map((f) => [f.subject, f.location?.file, f.message]),
    [
      [
        "models:.",
        "weights.pt",
        "The model file in the project root (weights.pt) has no code owner: the last matching " +
        "rule, `*.pt` (.github/CODEOWNERS:4), names no owners.",
      ],
      [
        "models:models/bert",
        "models/bert/model.safetensors",
        "The model files in models/bert (models/bert/model.safetensors, " +
        "models/bert/tokenizer.bin) have no code owner: the last matching rule, `/models/` " +
        "(.github/CODEOWNERS:2), names no owners.",
      ],
    ].sort((a, b) => a[0] < b[0] ? -1 : 1),
  );
});

Deno.test("GitLab: sections are judged apart, optional sections require no approval, exclusions un-own", async () => {
  const lab = (pattern: string, who: string[], line: number, more: Partial<OwnerRule> = {}) =>
    ownerRule(pattern, who, { location: { file: ".gitlab/CODEOWNERS", line }, ...more });
  const findings = await owners(
    [
      lab("*", ["@acme/everyone"], 1),
      lab("requirements.txt", ["@acme/docs"], 3, { section: "Docs", optional: true }),
      lab("pip.conf", ["@acme/infra"], 5, { section: "Infra" }),
      lab("pip.conf", [], 6, { section: "Infra", exclusion: true }),
      lab("services/api/uv.lock", [], 8, { section: "Locks", exclusion: true }),
    ],
    {},
    { requiredOwners: ["@acme/ml"] },
  );
  const bySubject = Object.fromEntries(findings.map((f) => [f.subject, f.message]));
  // The default section's `*` still owns pip.conf and the lock: sections add owners.
  assert.equal(
    bySubject["file:pip.conf"],
    "pip.conf (index configuration) is owned by @acme/everyone (.gitlab/CODEOWNERS:1), none of " +
      "the required owners (@acme/ml).",
  );
  const optionalOnly = await owners([
    lab("requirements.txt", ["@acme/ml"], 3, { section: "Docs", optional: true }),
  ]);
  assert.equal(
    optionalOnly.find((f) => f.subject === "file:requirements.txt")!.message,
    "requirements.txt (a requirements file) is owned only in the optional section [Docs] " +
      "(.gitlab/CODEOWNERS:3), whose approval is not required.",
  );
  assert.match(
    optionalOnly.find((f) => f.subject === "file:requirements.txt")!.fix!,
    /^Move the rule into a required section of \.gitlab\/CODEOWNERS/,
  );
  const excluded = await owners([
    lab("*", ["@acme/ml"], 1, { section: "All" }),
    lab("pip.conf", [], 2, { section: "all", exclusion: true }),
  ]);
  assert.equal(
    excluded.find((f) => f.subject === "file:pip.conf")!.message,
    "pip.conf (index configuration) has no code owner: the last matching rule, `pip.conf` " +
      "(.gitlab/CODEOWNERS:2), excludes it.",
  );
});

Deno.test("no CODEOWNERS at all is a warning naming what is unreviewed, unless requireCodeowners is false", async () => {
  const [finding] = await owners([], { artifacts: [model("models/m.safetensors")] });
  assert.equal(finding.severity, "warning");
  assert.equal(finding.subject, "project:project");
  assert.equal(
    finding.message,
    "No CODEOWNERS file (in .github/, the root, docs/ or .gitlab/): nobody is required to " +
      "review changes to requirements.txt, services/api/uv.lock, pip.conf, models/m.safetensors " +
      "and the Tollgate policy.",
  );
  assert.deepEqual(await owners([], {}, { requireCodeowners: false }), []);
});

Deno.test("extraPaths: files and whole directories; a snapshot without codeowners errors", async () => {
  const rules = [
    GH("*.txt", ["@acme/ml"], 1),
    GH("/.github/", ["@acme/ci"], 2),
    GH("/tollgate.*", ["@acme/ml"], 3),
  ];
  const findings = await owners(rules, { inputs: [] }, {
    extraPaths: ["Dockerfile", ".github/workflows/", "/deploy/"],
  });
  assert.deepEqual(findings.map((f) => f.subject).sort(), ["dir:deploy", "file:Dockerfile"]);
  await assert.rejects(
    runCheck(checks.review.supplyChainOwners(), snapshotOf({ collected: ["packages"] })),
    /review\.supply-chain-owners errored: .*codeowners/,
  );
});
