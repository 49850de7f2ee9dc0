// Differential tests: our requirements reader against pip's own parser (tools/pip_oracle.py).
import assert from "node:assert/strict";
import { project } from "../../_cli.ts";
import * as path from "node:path";
import {
  readRequirementsFile,
  type RequirementsParse,
} from "../../../collect/requirements/requirements.ts";
import { redactUrl } from "../../../packaging/mod.ts";

const H1 = "sha256:" + "a".repeat(64);
const H2 = "sha256:" + "b".repeat(64);
const H3 = "sha256:" + "c".repeat(64);

const SHARED = new URL("../../../../shared/", import.meta.url).pathname;
const ORACLE = path.join(SHARED, "tools/pip_oracle.py");
const CORPUS = path.join(SHARED, "corpus");

interface OracleRequirement {
  name: string | null;
  specifier: string | null;
  extras: string[];
  marker: string | null;
  editable: boolean;
  constraint: boolean;
  hashes: string[];
}
type OracleResult = {
  requirements: OracleRequirement[];
  index_urls: string[];
  find_links: string[];
  trusted_hosts: string[];
  no_index: boolean;
  pre: boolean;
  require_hashes: boolean;
} | { error: string };

async function pipOracle(
  files: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<Record<string, OracleResult>> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command("python3", {
      args: [ORACLE, ...files],
      cwd,
      env,
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (error) {
    throw new Error(`the pip differential test needs python3 with pip on PATH: ${error}`);
  }
  const stderr = new TextDecoder().decode(output.stderr);
  if (!output.success) {
    throw new Error(`${ORACLE} failed (is pip >= 23 installed for python3?):\n${stderr}`);
  }
  return JSON.parse(new TextDecoder().decode(output.stdout));
}

/** Our result in the oracle's terms, so one deepEqual shows every difference. */
function asOracle(result: RequirementsParse, expected: OracleResult) {
  assert.ok(!("error" in expected));
  const sortedSpecifier = (s: string | null) =>
    s?.split(",").filter(Boolean).sort().join(",") ?? "";
  const wanted = expected.requirements.filter((r) => !r.constraint);
  const installs = result.packages.filter((p) => p.layer !== "constraint");
  const ours = installs.map((p, i) => {
    const theirs = wanted[i];
    const named = theirs?.name !== null;
    const url = p.source.kind === "url" ? p.source.url : "";
    return {
      name: named ? p.name : null,
      specifier: named ? sortedSpecifier(p.specifier) : "",
      extras: named ? [...p.extras].sort() : [],
      marker: p.markers ?? null,
      editable: p.editable,
      hashes: p.hashes.filter((h) => !url.includes(h.split(":")[1])).sort(),
    };
  });
  let indexUrls: string[] = [];
  for (const index of result.indexes) {
    if (index.role === "primary") indexUrls = [index.url];
    if (index.role === "extra") indexUrls.push(index.url);
  }
  const has = (name: string) => result.settings.some((s) => s.name === name);
  if (has("no-index")) indexUrls = [];
  return {
    actual: {
      requirements: ours,
      index_urls: indexUrls,
      find_links: result.indexes.filter((i) => i.role === "find-links").map((i) => i.url)
        .filter((u) => /^https?:/.test(u)),
      trusted_hosts: result.settings.filter((s) => s.name === "trusted-host").map((s) => s.value),
      no_index: has("no-index"),
      pre: has("pre"),
      require_hashes: has("require-hashes"),
    },
    expected: {
      requirements: wanted.map((r) => ({
        name: r.name,
        specifier: sortedSpecifier(r.specifier),
        extras: r.name === null ? [] : [...r.extras].sort(),
        marker: r.marker,
        editable: r.editable,
        hashes: r.hashes,
      })),
      index_urls: expected.index_urls.map(redactUrl),
      find_links: expected.find_links.filter((u) => /^https?:/.test(u)).map(redactUrl),
      trusted_hosts: expected.trusted_hosts,
      no_index: expected.no_index,
      pre: expected.pre,
      require_hashes: expected.require_hashes,
    },
  };
}

const TRICKY: Record<string, string> = {
  "requirements.txt": [
    "\ufeff# tricky, but every line is one pip accepts",
    "--index-url https://user:${TOLLGATE_TEST_TOKEN}@pypi.internal/simple",
    "--extra-index-url=https://download.pytorch.org/whl/cpu",
    "--extra-index https://abbreviated.example/simple",
    "-f https://download.pytorch.org/whl/torch_stable.html",
    "--trusted-host pypi.internal --pre",
    "Requests[socks, security] >= 2.0 , <3 ; python_version < '3.8' and (os.name == \"posix\" or sys_platform=='win32')",
    "torch==2.3.1+cpu \\",
    `    --hash=${H1} \\`,
    `    --hash ${H2}`,
    "numpy===1.26.4",
    "zope.interface~=6.0 # trailing comment",
    "foo_bar (>=1.0,!=1.5.*)",
    "baz>=1!2.0;python_version>='3'",
    "tabbed\t==\t1.0",
    "cont\\",
    "inued==1.0",
    `pkg @ https://example.com/pkg-1.0.tar.gz#sha256=${"e".repeat(64)}`,
    "unset @ https://example.com/${TOLLGATE_UNSET_VARIABLE}/unset-1.0.tar.gz",
    "https://example.com/g/gradio-4.37.2+custom.20-py3-none-any.whl; platform_system == 'Windows'",
    "git+https://github.com/org/repo.git@v1.0#egg=My_Pkg",
    "unsloth[colab] @ git+https://github.com/unslothai/unsloth.git",
    "-e git+https://github.com/org/editable.git@main#egg=editable_pkg",
    "-e ./local_pkg",
    "./wheels/wheel_pkg-2.0-py3-none-any.whl",
    "-r sub/other.txt",
    "-c constraints.txt",
    "last==1.0",
    "",
  ].join("\r\n"),
  "sub/other.txt": `--extra-index-url https://other.example/simple\nsix==1.16.0 --hash=${H3}\n`,
  "constraints.txt": "numpy<2\n--require-hashes\n",
  "hashed.txt": `--no-index\na==1 --hash=${H1} --hash=${H2}\n`,
  "local_pkg/pyproject.toml": '[project]\nname = "local-pkg"\nversion = "0"\n',
};

Deno.test("differential: tricky requirements files read the same as pip reads them", async () => {
  const root = await project(TRICKY);
  const env = { TOLLGATE_TEST_TOKEN: "s3cret" };
  try {
    const counts: Record<string, number> = {
      "requirements.txt": 18,
      "sub/other.txt": 1,
      "hashed.txt": 1,
    };
    // pip keeps an unset variable as written, and so do we, saying so (issue 15, item 9).
    const problems: Record<string, unknown[]> = {
      "requirements.txt": [{
        file: "requirements.txt",
        line: 19,
        message: "${TOLLGATE_UNSET_VARIABLE} is unset or empty in the environment, so pip keeps " +
          "it as written: the source of unset is unresolved",
      }],
    };
    const files = Object.keys(counts);
    const oracle = await pipOracle(files, root, env);
    for (const file of files) {
      const ours = await readRequirementsFile({ root, file, env });
      const installs = ours.packages.filter((p) => p.layer !== "constraint");
      assert.equal(installs.length, counts[file], file);
      assert.deepEqual(ours.problems, problems[file] ?? [], file);
      const { actual, expected } = asOracle(ours, oracle[file]);
      assert.deepEqual(actual, expected, file);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("differential: the corpus's requirements files read the same as pip reads them", async () => {
  const manifest = await Deno.readTextFile(path.join(CORPUS, "MANIFEST.tsv"));
  const files = manifest.split("\n").slice(1).map((row) => row.split("\t"))
    .filter((columns) => columns[1] === "requirements.txt").map((columns) => columns[0]);
  assert.ok(
    files.length > 50,
    `expected the corpus to list requirements files, found ${files.length}`,
  );
  const oracle = await pipOracle(files, CORPUS, {});
  let compared = 0;
  for (const file of files) {
    const ours = await readRequirementsFile({ root: CORPUS, file, env: {} });
    const expected = oracle[file];
    if ("error" in expected) {
      // pip rejects the file (for example an include that is not in the corpus): we must not
      // pass it silently either.
      assert.notDeepEqual(ours.problems, [], `${file}: pip says ${expected.error}`);
      continue;
    }
    assert.deepEqual(ours.problems, [], file);
    const { actual, expected: wanted } = asOracle(ours, expected);
    assert.deepEqual(actual, wanted, file);
    compared++;
  }
  assert.ok(compared > 50, `compared only ${compared} files with pip`);
});
