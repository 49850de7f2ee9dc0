// The CODEOWNERS reader: GitHub's and GitLab's documented example files, the lines each forge
// skips, and which of several CODEOWNERS files is in force.
import assert from "node:assert/strict";
import * as path from "node:path";
import { project } from "../../_cli.ts";
import { codeownersReader, parseCodeowners } from "../../../collect/review/codeowners.ts";

const GITHUB_EXAMPLE = `# This is a comment.
# Each line is a file pattern followed by one or more owners.
*       @global-owner1 @global-owner2
*.js    @js-owner #This is an inline comment.
*.go docs@example.com
*.txt @octo-org/octocats
/build/logs/ @doctocat
docs/*  docs@example.com
apps/ @octocat
/docs/ @doctocat
/scripts/ @doctocat @octocat
**/logs @octocat
/apps/ @octocat
/apps/github
`;

Deno.test("GitHub's example file: patterns, owners, inline comments and an owner-less rule", () => {
  const { codeowners, problems } = parseCodeowners(GITHUB_EXAMPLE, { file: ".github/CODEOWNERS" });
  assert.deepEqual(problems, []);
  assert.deepEqual(codeowners.map((r) => [r.location.line, r.pattern, r.owners.join(" ")]), [
    [3, "*", "@global-owner1 @global-owner2"],
    [4, "*.js", "@js-owner"],
    [5, "*.go", "docs@example.com"],
    [6, "*.txt", "@octo-org/octocats"],
    [7, "/build/logs/", "@doctocat"],
    [8, "docs/*", "docs@example.com"],
    [9, "apps/", "@octocat"],
    [10, "/docs/", "@doctocat"],
    [11, "/scripts/", "@doctocat @octocat"],
    [12, "**/logs", "@octocat"],
    [13, "/apps/", "@octocat"],
    [14, "/apps/github", ""],
  ]);
  assert.ok(
    codeowners.every((r) => r.section === undefined && r.location.file === ".github/CODEOWNERS"),
  );
});

Deno.test("GitLab: sections with default owners, optional sections, approvals, escapes, exclusions, roles", () => {
  const text = [
    "* @default-owner",
    "\\#file_with_pound.rb @owner-file-with-pound",
    "path\\ with\\ spaces/ @space-owner",
    "[Documentation] @docs-team",
    "ee/docs",
    "docs @docs",
    "^[Optional Review][2] @group @group/with-nested/subgroup",
    "/config/ @@maintainer",
    "!/config/generated/",
    "[documentation]",
    "README.md",
  ].join("\n");
  const { codeowners, problems } = parseCodeowners(text, { file: "CODEOWNERS" });
  assert.deepEqual(problems, []);
  assert.deepEqual(
    codeowners.map((
      r,
    ) => [r.pattern, r.owners.join(" "), r.section ?? "-", !!r.optional, !!r.exclusion]),
    [
      ["*", "@default-owner", "-", false, false],
      ["#file_with_pound.rb", "@owner-file-with-pound", "-", false, false],
      ["path with spaces/", "@space-owner", "-", false, false],
      ["ee/docs", "@docs-team", "Documentation", false, false],
      ["docs", "@docs", "Documentation", false, false],
      ["/config/", "@@maintainer", "Optional Review", true, false],
      ["/config/generated/", "", "Optional Review", true, true],
      // A repeated heading (any case) continues the section, with the defaults it gives now.
      ["README.md", "", "documentation", false, false],
    ],
  );
});

Deno.test("lines the forge skips are problems with their line; everything else is kept", () => {
  const { codeowners, problems } = parseCodeowners(
    "* @a\n!secret.txt @b\nreq.txt not-an-owner\n/ok @c\n",
    { file: "CODEOWNERS" },
  );
  assert.deepEqual(codeowners.map((r) => r.pattern), ["*", "/ok"]);
  assert.deepEqual(problems, [
    {
      file: "CODEOWNERS",
      line: 2,
      message: "CODEOWNERS:2: GitHub does not support ! negation; the line is skipped",
    },
    {
      file: "CODEOWNERS",
      line: 3,
      message: 'CODEOWNERS:3: "not-an-owner" is not a user, team or e-mail address; the line is ' +
        "skipped",
    },
  ]);
});

Deno.test("hostile files: CRLF, very long lines and many owners stay bounded", () => {
  const owners = Array.from({ length: 1_000 }, (_, i) => `@u${i}`).join(" ");
  const { codeowners } = parseCodeowners(`*\t${owners}\r\n${"x".repeat(200_000)} @a\r\n`, {
    file: "CODEOWNERS",
  });
  assert.equal(codeowners.length, 2);
  assert.equal(codeowners[0].owners.length, 200);
  const many = parseCodeowners("a @b\n".repeat(60_000), { file: "CODEOWNERS" });
  assert.equal(many.codeowners.length, 50_000);
  assert.match(many.problems[0].message, /more than 50000 rules/);
});

Deno.test("the file in force: .github/ first, then the root, docs/ and .gitlab/; the others give nothing", async () => {
  const root = await project({
    ".github/CODEOWNERS": "* @github\n",
    "CODEOWNERS": "* @root\n",
    "docs/CODEOWNERS": "* @docs\n",
    ".gitlab/CODEOWNERS": "[All]\n* @gitlab\n",
  });
  try {
    const context = { root, env: {} };
    const read = async (file: string) =>
      (await codeownersReader.read(file, context) as { codeowners?: { owners: string[] }[] })
        .codeowners?.map((r) => r.owners[0]) ?? [];
    assert.deepEqual(await read(".github/CODEOWNERS"), ["@github"]);
    assert.deepEqual(await read("CODEOWNERS"), []);
    assert.deepEqual(await read("docs/CODEOWNERS"), []);
    await Deno.remove(path.join(root, ".github"), { recursive: true });
    assert.deepEqual(await read("CODEOWNERS"), ["@root"]);
    await Deno.remove(path.join(root, "CODEOWNERS"));
    await Deno.remove(path.join(root, "docs"), { recursive: true });
    assert.deepEqual(await read(".gitlab/CODEOWNERS"), ["@gitlab"]);
    assert.ok(codeownersReader.matches(".gitlab/CODEOWNERS"));
    assert.ok(!codeownersReader.matches("src/CODEOWNERS"));
    await Deno.writeTextFile(path.join(root, "CODEOWNERS"), "* @a\n".repeat(700_000));
    assert.deepEqual(await codeownersReader.read("CODEOWNERS", context), {
      problems: [{
        file: "CODEOWNERS",
        message: "CODEOWNERS: 3 MB or more, which GitHub does not load; no rules read",
      }],
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
