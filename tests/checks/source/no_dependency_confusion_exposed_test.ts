// Issue 15, item 3: a finding about an index that can serve any name lists the declared packages
// it puts at risk, internal-looking names first, so a reviewer sees `acme-feature-store`.
import assert from "node:assert/strict";
import { checks } from "../../../checks/mod.ts";
import { collectProject } from "../../../pipeline/mod.ts";
import { index, pkg, runCheck, snapshotOf } from "../../../testing.ts";
import { project } from "../../_cli.ts";
import { at } from "./_source.ts";

const INTERNAL = "https://pypi.acme.example/simple";
const HASH = `--hash=sha256:${"a".repeat(64)}`;

Deno.test("no-dependency-confusion: pip's extra index names the packages at risk, internal-looking first", async () => {
  const root = await project({
    "requirements.txt": [
      `--extra-index-url ${INTERNAL}`,
      `numpy==1.26.4 ${HASH}`,
      `acme-feature-store==1.2.0 ${HASH}`,
      `torch==2.3.1 ${HASH}`,
      `pandas==2.2.2 ${HASH}`,
      `retry==0.9.2 ${HASH}`,
      `scikit-learn==1.5.0 ${HASH}`,
      `acme-models==0.3.0 ${HASH}`,
      "-r requirements-dev.txt",
      "",
    ].join("\n"),
    "requirements-dev.txt": `pytest==8.2.0 ${HASH}\n`,
  });
  const snapshot = await collectProject({ root });
  const [finding] = await runCheck(checks.source.noDependencyConfusion(), snapshot);
  assert.equal(finding.subject, `index:${INTERNAL}`);
  assert.equal(
    finding.message,
    `Extra index ${INTERNAL} lets pip take any package from whichever index offers the highest ` +
      "version, so a public upload can shadow a private name. At risk: acme-feature-store, " +
      "acme-models (internal-looking), numpy, pandas, pytest and 3 more.",
  );
  assert.deepEqual(finding.evidence?.atRisk, [
    "acme-feature-store",
    "acme-models",
    "numpy",
    "pandas",
    "pytest",
    "retry",
    "scikit-learn",
    "torch",
  ]);
  assert.deepEqual(finding.evidence?.internalLooking, ["acme-feature-store", "acme-models"]);
  // internalPackages marks a name the bundled list knows as yours too.
  const [declared] = await runCheck(
    checks.source.noDependencyConfusion({ internalPackages: ["retry"] }),
    snapshot,
  );
  assert.match(
    declared.message,
    /At risk: acme-feature-store, acme-models, retry \(internal-looking\), numpy, pandas and 3 more\.$/,
  );
});

Deno.test("no-dependency-confusion: a uv index exposes its project's unrouted names, transitive ones included", async () => {
  const root = await project({
    "svc/pyproject.toml": `[project]
name = "svc"
version = "1.0.0"
dependencies = ["acme-feature-store>=1.2", "acme-auth>=2", "numpy>=1.26"]

[[tool.uv.index]]
name = "acme"
url = "${INTERNAL}"

[tool.uv.sources]
acme-auth = { index = "acme" }
`,
    "svc/uv.lock": `version = 1
revision = 3
requires-python = ">=3.11"

[[package]]
name = "acme-auth"
version = "2.0.0"
source = { registry = "${INTERNAL}" }
sdist = { url = "https://pypi.acme.example/packages/acme_auth-2.0.0.tar.gz", hash = "sha256:${
      "b".repeat(64)
    }", size = 100 }

[[package]]
name = "acme-telemetry"
version = "0.1.0"
source = { registry = "${INTERNAL}" }
sdist = { url = "https://pypi.acme.example/packages/acme_telemetry-0.1.0.tar.gz", hash = "sha256:${
      "c".repeat(64)
    }", size = 100 }
`,
    // Another project's names are not this index's business.
    "other/requirements.txt": `acme-other==1.0 ${HASH}\n`,
  });
  const snapshot = await collectProject({ root });
  const findings = await runCheck(checks.source.noDependencyConfusion(), snapshot);
  const uv = findings.find((f) => f.subject === `index:${INTERNAL}`)!;
  assert.match(
    uv.message,
    /not explicit: .* At risk: acme-feature-store, acme-telemetry \(internal-looking\), numpy\.$/,
  );
});

Deno.test("no-dependency-confusion: guessed names are unknown, and are neither listed nor matched", async () => {
  const guessed = pkg("unnamed", { nameFrom: "guessed", locations: [at("requirements.txt", 3)] });
  const findings = await runCheck(
    checks.source.noDependencyConfusion({ internalPackages: ["unnamed"] }),
    snapshotOf({
      indexes: [index(INTERNAL, { role: "extra", location: at("requirements.txt", 1) })],
      packages: [pkg("acme-x==1.0", { locations: [at("requirements.txt", 2)] }), guessed],
    }),
  );
  assert.deepEqual(findings.map((f) => f.subject), [`index:${INTERNAL}`]);
  assert.deepEqual(findings[0].evidence?.atRisk, ["acme-x"]);
  // With nothing declared, the finding still stands, and lists nothing.
  const [bare] = await runCheck(
    checks.source.noDependencyConfusion(),
    snapshotOf({ indexes: [index(INTERNAL, { role: "extra" })], packages: [] }),
  );
  assert.doesNotMatch(bare.message, /At risk/);
});
