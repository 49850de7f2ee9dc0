/**
 * Real reports for the formatter tests (examples/ml-app checked offline, with this machine's
 * configuration replaced by a made-up one; a policy whose checks return hostile text), and the
 * independent readers the tests judge the output with: ajv for SARIF, python3's XML parser for
 * JUnit, markdown-it for Markdown, and GitHub's runner rules for workflow commands.
 *
 * @module
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { z } from "zod";
import ajvDraft04 from "ajv-draft-04";
import ajvFormats from "ajv-formats";
import { defineCheck, type FindingDraft } from "../../core/check.ts";
import { definePolicy, type Policy } from "../../core/policy.ts";
import type { Report } from "../../core/report.ts";
import { checkProject } from "../../pipeline/mod.ts";
import { recommended } from "../../policies/mod.ts";
import { snapshotOf, TEST_NOW } from "../../testing.ts";
import { runPolicy } from "../../testing.ts";
import { REPO } from "../_cli.ts";
import { pythonJson } from "../_python.ts";

/** The example project. */
export const ML_APP = path.join(REPO, "examples/ml-app");

/** The SARIF 2.1.0 schema, from shared/ beside the repository (as CI lays it out). */
export const SARIF_SCHEMA = path.join(REPO, "..", "shared", "schemas", "sarif-schema-2.1.0.json");

/**
 * examples/ml-app checked offline with `recommended` plus one live and one expired waiver, and a
 * made-up machine configuration (a `~/.config/pip/pip.conf` and `PIP_EXTRA_INDEX_URL`), so that
 * findings lie inside and outside the project.
 *
 * @example
 * ```ts ignore
 * const { report, policy } = await mlAppReport();
 * ```
 */
export async function mlAppReport(): Promise<{ report: Report; policy: Policy }> {
  const home = await Deno.makeTempDir({ prefix: "tollgate-report-home-" });
  try {
    await Deno.mkdir(path.join(home, ".config", "pip"), { recursive: true });
    await Deno.writeTextFile(
      path.join(home, ".config", "pip", "pip.conf"),
      "[global]\nindex-url = http://mirror.example.com/simple\n",
    );
    const policy = definePolicy({
      name: "recommended+waivers",
      extends: [recommended],
      waivers: [
        {
          check: "signature.hash-pinned",
          subject: "pkg:pypi/numpy*",
          reason: "numpy is vendored from the internal build; hashes land with #1234",
          owner: "@ml-platform",
          expires: "2099-12-31",
        },
        {
          check: "venv.isolated",
          subject: "*",
          reason: "old exception",
          expires: "2020-01-01",
        },
      ],
    });
    const { report } = await checkProject({
      root: ML_APP,
      policy,
      now: TEST_NOW,
      sources: { offline: true },
      machine: {
        env: { HOME: home, PIP_EXTRA_INDEX_URL: "https://extra.example.com/simple" },
        home,
      },
    });
    return { report, policy };
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

/** Text no formatter may let through unescaped. */
export const HOSTILE = [
  "]]> <![CDATA[ x ]]>",
  "</details><script>alert(1)</script>",
  "%0A::error::injected %25 %",
  "line one\nline two\r\n# heading\r- item",
  "::warning file=x::forged,title=y",
  "ctl \u0000\u0001\u0008\u000b\u000c\u001b[31m\u007f\u0085 end",
  "emoji 🧨 and a lone \ud800 surrogate \udfff and \ufffe\uffff",
  "@octocat see #1 and https://evil.example/x and www.evil.example and a@b.example",
  "| cell | break |\n|---|",
  "[link](https://evil.example) ![img](x) <b>bold</b> **strong** `code` $x^2$ &amp; \\",
];

/** A check that reports the hostile strings as subjects, messages, fixes and file names. */
const hostileCheck = defineCheck({
  id: "custom.hostile",
  title: "Hostile </summary> title | with @mention",
  description: "Findings built from text an attacker controls.",
  family: "custom",
  severity: "error",
  references: [{ title: "Spec", url: "https://example.com/a b" }],
  params: z.object({}).strict(),
  needs: [],
  remedy: "Do the **right** thing.",
  run: (): FindingDraft[] => [
    ...HOSTILE.map((text, i) => ({
      subject: `pkg:pypi/${text}`,
      message: text,
      fix: `fix ${text}`,
      location: { file: `dir with space/${i}#%é.txt`, line: i + 1, column: 2 },
    })),
    {
      subject: "outside-home",
      message: "m",
      location: { file: "~/.config/pip/pip.conf", line: 2 },
    },
    { subject: "outside-abs", message: "m", location: { file: "/etc/pip.conf" } },
    { subject: "outside-env", message: "m", location: { file: "env:PIP_INDEX_URL" } },
    { subject: "climbs-out", message: "m", location: { file: "a/../../etc/passwd", line: 3 } },
    { subject: "no-location", message: "nowhere", severity: "warning" },
    { subject: "info-one", message: "fyi", severity: "info", location: { file: "./a//b.txt" } },
    { subject: "waived </details>", message: HOSTILE[1], location: { file: "w.txt", line: 1 } },
  ],
});

/** A check that fails with hostile text. */
const brokenCheck = defineCheck({
  id: "custom.broken",
  title: "Broken",
  description: "Throws.",
  family: "custom",
  severity: "error",
  references: [],
  params: z.object({}).strict(),
  needs: [],
  remedy: "",
  run: () => {
    throw new Error(HOSTILE[0] + HOSTILE[3]);
  },
});

/** The policy of {@linkcode hostileReport}. */
export const hostilePolicy: Policy = definePolicy({
  name: "hostile </details> policy",
  checks: [hostileCheck(), brokenCheck()],
  waivers: [{
    check: "custom.hostile",
    subject: "waived*",
    reason: `accepted: ${HOSTILE[3]} ${HOSTILE[1]}`,
    owner: "@team",
    expires: "2099-01-01",
  }],
});

/**
 * A report full of hostile text: findings, an errored check, a waived finding, input problems
 * and a missing section.
 *
 * @example
 * ```ts ignore
 * const report = await hostileReport();
 * ```
 */
export function hostileReport(): Promise<Report> {
  return runPolicy(
    hostilePolicy,
    snapshotOf({
      problems: [
        ...HOSTILE.map((text, i) => ({ file: `bad ${i}.txt`, line: i + 1, message: text })),
        { file: "env:PIP_INDEX_URL", message: "unreadable" },
      ],
      missing: [{ section: "registry.pypi", reason: HOSTILE[2] }],
    }),
  );
}

// CommonJS modules: their default export is `module.exports`, which carries `.default` too.
const Ajv = ajvDraft04.default;
const addFormats = ajvFormats.default;
let validator: ReturnType<InstanceType<typeof Ajv>["compile"]> | undefined;

/**
 * Validate a SARIF log against the official 2.1.0 schema (draft-04, with `uri`,
 * `uri-reference` and `date-time` formats checked), failing the test with ajv's errors.
 *
 * @example
 * ```ts ignore
 * await assertValidSarif(formatSarif(report));
 * ```
 */
export async function assertValidSarif(text: string): Promise<void> {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    validator = ajv.compile(JSON.parse(await Deno.readTextFile(SARIF_SCHEMA)));
  }
  const validate = validator!;
  assert.ok(validate(JSON.parse(text)), JSON.stringify(validate.errors, null, 2));
}

/** An XML element as python3's ElementTree parsed it. */
export interface XmlElement {
  tag: string;
  attributes: Record<string, string>;
  text: string;
  children: XmlElement[];
}

const PARSE_XML = `
import json, sys
import xml.etree.ElementTree as ET
def tree(e):
    return {"tag": e.tag, "attributes": dict(e.attrib), "text": e.text or "",
            "children": [tree(c) for c in e]}
out = []
for doc in json.load(sys.stdin):
    try:
        out.append({"ok": tree(ET.fromstring(doc.encode("utf-8")))})
    except ET.ParseError as err:
        out.append({"error": str(err)})
print(json.dumps(out))
`;

/**
 * Parse XML documents with python3's ElementTree (one process for all of them); a document that
 * is not well-formed fails the test.
 *
 * @example
 * ```ts ignore
 * const [root] = await parseXml([formatJunit(report)]);
 * ```
 */
export async function parseXml(documents: string[]): Promise<XmlElement[]> {
  const parsed = await pythonJson<Array<{ ok?: XmlElement; error?: string }>>(
    PARSE_XML,
    documents,
  );
  return parsed.map((result, i) => {
    assert.ok(result.ok, `document ${i} is not well-formed XML: ${result.error}`);
    return result.ok;
  });
}

/**
 * A workflow command line as GitHub's runner reads it (`ActionCommand.TryParseV2`): the name up
 * to the first space, properties split on `,` then the first `=`, the message after the next
 * `::`; values unescaped as the runner does.
 *
 * @example
 * ```ts ignore
 * parseCommand("::error file=a%2Cb::m%0A"); // { name: "error", properties: { file: "a,b" }, message: "m\n" }
 * ```
 */
export function parseCommand(
  line: string,
): { name: string; properties: Record<string, string>; message: string } | undefined {
  if (!line.startsWith("::")) return undefined;
  const end = line.indexOf("::", 2);
  if (end < 0) return undefined;
  const info = line.slice(2, end);
  const space = info.indexOf(" ");
  const name = space < 0 ? info : info.slice(0, space);
  const properties: Record<string, string> = {};
  if (space >= 0) {
    for (const pair of info.slice(space + 1).split(",")) {
      const eq = pair.indexOf("=");
      if (eq > 0) properties[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1));
    }
  }
  return { name, properties, message: unescapeData(line.slice(end + 2)) };
}

/**
 * The runner's unescaping of a message: `%0D`, `%0A`, then `%25`.
 *
 * @example
 * ```ts ignore
 * unescapeData("50%25%0A"); // "50%\n"
 * ```
 */
export function unescapeData(text: string): string {
  return text.replaceAll("%0D", "\r").replaceAll("%0A", "\n").replaceAll("%25", "%");
}

/**
 * The runner's unescaping of a property value: `%0D`, `%0A`, `%3A`, `%2C`, then `%25`.
 *
 * @example
 * ```ts ignore
 * unescapeProperty("a%2Cb%3A"); // "a,b:"
 * ```
 */
export function unescapeProperty(text: string): string {
  return text.replaceAll("%0D", "\r").replaceAll("%0A", "\n").replaceAll("%3A", ":")
    .replaceAll("%2C", ",").replaceAll("%25", "%");
}
