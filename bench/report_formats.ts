/**
 * Formatting a 10,000-finding report as SARIF, JUnit, Markdown and GitHub workflow commands,
 * each against `JSON.stringify(report)` (compact: the least any consumer of the report pays) in
 * the same run; the issue's target is SARIF, JUnit and Markdown each ≤ 3× it. The report is real:
 * `recommended` plus a team check (family `custom`) and two waivers, evaluated over a synthetic
 * snapshot with model references, pickle files and advisories in proportion; one in 25 model ids,
 * pickle globals and advisory summaries is hostile text, and some paths have spaces, `#` and
 * non-ASCII. Each ratio is the median over rounds (after warm-up) of a format's time over the
 * reference's time in the same round, so that a busy machine slows both. A benchmark, not a test:
 *
 * ```sh
 * deno run --allow-env bench/report_formats.ts
 * TOLLGATE_BENCH_ROUNDS=41 deno run --allow-env bench/report_formats.ts   # steadier medians
 * ```
 *
 * On a quiet 2-core machine (reference ≈ 13 ms), before and after the formatters' fast paths:
 * SARIF 2.4× → 1.6×, JUnit 2.7× → 1.55×, Markdown 0.13× (both), GitHub 2.4× → 1.1×; the three
 * together 5.3× → 3.7×.
 *
 * The last line printed is one JSON object (`{"bench":"report_formats",...}`) for comparing runs.
 *
 * @module
 */
import { z } from "zod";
import { defineCheck, type FindingDraft } from "../core/check.ts";
import { evaluate } from "../core/evaluate.ts";
import { definePolicy, type Policy } from "../core/policy.ts";
import type { Report } from "../core/report.ts";
import { Section, type Snapshot } from "../core/snapshot.ts";
import { recommended } from "../policies/mod.ts";
import { formatGithub } from "../report/github.ts";
import { formatJunit } from "../report/junit.ts";
import { formatMarkdown } from "../report/markdown.ts";
import { rulesOf } from "../report/rules.ts";
import { formatSarif } from "../report/sarif.ts";
import { median } from "./_files.ts";
import { seeded, syntheticSnapshot } from "./generate.ts";

const FINDINGS = 10_000;
const rounds = Number(Deno.env.get("TOLLGATE_BENCH_ROUNDS") ?? 21);
const warmup = 5;
const now = new Date("2026-01-15T00:00:00Z");

/** Text from outside the project that formatters must carry as data. */
const HOSTILE = [
  "]]> <![CDATA[ x ]]>",
  "</details><script>alert(1)</script>",
  "%0A::error::injected %25 %",
  "line one\nline two\r\n# heading\r- item",
  "ctl \u0000\u001b[31m\u007f\u0085 end",
  "emoji 🧨 and a lone \ud800 surrogate",
  "@octocat see #1 and https://evil.example/x and www.evil.example",
  "| cell | break |\n|---|",
  "[link](https://evil.example) <b>bold</b> **strong** `code` $x^2$ &amp; \\",
];
const SUMMARIES = [
  "Deserialization of untrusted data in the model loader",
  "Path traversal when extracting archives",
  "Regular expression denial of service in the tokenizer",
  "Remote code execution via crafted configuration file",
];
const GLOBALS = [
  { module: "torch._utils", name: "_rebuild_tensor_v2" },
  { module: "collections", name: "OrderedDict" },
  { module: "posix", name: "system" },
  { module: "builtins", name: "eval" },
  { module: "numpy.core.multiarray", name: "_reconstruct" },
];

/** The synthetic snapshot, grown into every section a project walk fills offline. */
function benchSnapshot(packages: number): Snapshot {
  const random = seeded(1401);
  const snapshot = syntheticSnapshot({ packages });
  snapshot.collected = Section.options.filter((s) =>
    !s.startsWith("registry.") || s === "registry.advisories"
  );
  snapshot.packages.forEach((pkg, i) => {
    if (i % 40 === 0) {
      pkg.locations = [{ file: `services/api ü/requirements #${i % 3}.txt`, line: 2 }];
    }
  });
  snapshot.models.forEach((model, i) => {
    if (i % 25 === 3) model.repoId = `org-${i}/${HOSTILE[i % HOSTILE.length]}`;
  });
  for (let i = 0; i < packages / 40; i++) {
    const globals = GLOBALS.slice(0, 1 + (i % GLOBALS.length));
    if (i % 25 === 7) globals.push({ module: HOSTILE[i % HOSTILE.length], name: "__reduce__" });
    snapshot.artifacts.push({
      path: i % 10 === 0 ? `models/experiments ${i}/ckpt-é.pt` : `models/run-${i}/model.pt`,
      format: i % 3 === 0 ? "pickle" : "pytorch-zip",
      size: 1_000_000 + i,
      globals,
      embedded: [],
      issues: [],
    });
  }
  for (const pkg of snapshot.packages) {
    if (pkg.version === undefined || random() > 0.12) continue;
    const n = Math.floor(random() * 1000);
    snapshot.registry.advisories.push({
      id: `GHSA-${n.toString(36)}-bench-${pkg.name}`,
      aliases: [`CVE-2025-${10000 + n}`],
      package: pkg.name,
      version: pkg.version,
      summary: n % 25 === 0 ? HOSTILE[n % HOSTILE.length] : SUMMARIES[n % SUMMARIES.length],
      severity: (["low", "moderate", "high", "critical"] as const)[n % 4],
      fixed: n % 5 === 0 ? [] : [`${pkg.version}.post1`],
    });
  }
  return snapshot;
}

/** A team's own check (family `custom`): lower-bound-only requirements, up to `max` of them. */
const lowerBoundOnly = defineCheck({
  id: "custom.lower-bound-only",
  title: "Requirements have an upper bound or a pin",
  description: "A requirement with only a lower bound installs whatever is newest at build time.",
  family: "custom",
  severity: "warning",
  references: [{ title: "PEP 440", url: "https://peps.python.org/pep-0440/" }],
  params: z.object({ max: z.number().int().min(0).default(1_000) }).strict(),
  needs: ["packages"],
  remedy: "Pin the version (==) in the lock, or add an upper bound.",
  run(snapshot, params): FindingDraft[] {
    return snapshot.packages.filter((p) => p.specifier.startsWith(">=")).slice(0, params.max)
      .map((p, i) => ({
        subject: `pkg:pypi/${p.name}`,
        message: `${p.name} is required as ${p.specifier}: any newer release installs unreviewed.`,
        location: p.locations[0],
        severity: i % 7 === 0 ? "info" : "warning",
        fix: `Pin ${p.name}${p.specifier.replace(">=", "==")} in the lock file.`,
      }));
  },
});

function benchPolicy(customFindings: number): Policy {
  return definePolicy({
    name: "team-ml",
    extends: [recommended],
    checks: [lowerBoundOnly({ max: customFindings })],
    waivers: [
      {
        check: "signature.hash-pinned",
        subject: "pkg:pypi/package-1*",
        reason: "vendored by the platform team; hashes land with the next lock refresh",
        owner: "@ml-platform",
        expires: "2099-12-31",
      },
      {
        check: "*",
        subject: "*",
        file: "models/experiments */**",
        reason: "experiments are never deployed",
        expires: "2099-12-31",
      },
    ],
  });
}

const count = (report: Report) =>
  report.results.reduce((n, r) => n + r.findings.length + r.waived.length, 0);

/** The report with exactly `FINDINGS` findings: the custom check tops up what the others find. */
async function benchReport(): Promise<{ report: Report; policy: Policy }> {
  const snapshot = benchSnapshot(11_000);
  const base = count(await evaluate({ snapshot, policy: benchPolicy(0), now, offline: true }));
  if (base > FINDINGS) throw new Error(`the snapshot alone gives ${base} findings`);
  const policy = benchPolicy(FINDINGS - base);
  const report = await evaluate({ snapshot, policy, now, offline: true });
  if (count(report) !== FINDINGS) throw new Error(`${count(report)} findings, not ${FINDINGS}`);
  return { report, policy };
}

const { report, policy } = await benchReport();
const checks = rulesOf(policy);
const REFERENCE = "JSON.stringify";
const formats: Record<string, () => string> = {
  [REFERENCE]: () => JSON.stringify(report),
  sarif: () => formatSarif(report, { checks }),
  junit: () => formatJunit(report),
  markdown: () => formatMarkdown(report),
  github: () => formatGithub(report),
};
const COMBINED = "sarif+junit+markdown";
const names = [...Object.keys(formats), COMBINED];
const times = new Map(names.map((name) => [name, [] as number[]]));
// Each round's times over the reference of the same round: the machine's load moves both.
const ratios = new Map(names.map((name) => [name, [] as number[]]));
const sizes = new Map<string, number>();
for (let round = 0; round < warmup + rounds; round++) {
  const took = new Map<string, number>();
  for (const [name, format] of Object.entries(formats)) {
    const start = performance.now();
    sizes.set(name, format().length);
    took.set(name, performance.now() - start);
  }
  took.set(COMBINED, took.get("sarif")! + took.get("junit")! + took.get("markdown")!);
  if (round < warmup) continue;
  for (const [name, ms] of took) {
    times.get(name)!.push(ms);
    ratios.get(name)!.push(ms / took.get(REFERENCE)!);
  }
}

const byFamily = new Map<string, number>();
for (const r of report.results) {
  byFamily.set(r.family, (byFamily.get(r.family) ?? 0) + r.findings.length + r.waived.length);
}
console.log(
  `report: ${count(report)} findings (${report.summary.waived} waived) by family: ` +
    [...byFamily].filter(([, n]) => n > 0).map(([f, n]) => `${f} ${n}`).join(", "),
);
const summary: Record<string, number> = {};
for (const name of names) {
  const size = sizes.has(name) ? `${(sizes.get(name)! / 1e6).toFixed(2)} MB` : "";
  summary[name] = Number(median(ratios.get(name)!).toFixed(2));
  console.log(
    `${name.padEnd(20)} ${median(times.get(name)!).toFixed(1).padStart(6)} ms ${size.padStart(8)}` +
      `  ${summary[name].toFixed(2)}× ${REFERENCE}`,
  );
}
console.log(
  `target: SARIF, JUnit and Markdown each ≤ 3× (median of ${rounds} rounds, ${warmup} warm-up)`,
);
console.log(JSON.stringify({
  bench: "report_formats",
  findings: count(report),
  referenceMs: Number(median(times.get(REFERENCE)!).toFixed(2)),
  ratios: summary,
}));
