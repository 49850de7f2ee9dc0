import assert from "node:assert/strict";
import fc from "fast-check";
import { parse as parseYaml } from "yaml";
import { rateSeverity, scoreCvss, severityFromScore } from "../../enrich/cvss.ts";
import { roundUp } from "../../enrich/_cvss_v3.ts";

/** CVSS v3.x base scores as the specification's calculator and NVD publish them. */
const V3_SCORES: [string, number][] = [
  ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8],
  ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5],
  ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", 5.3],
  ["CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N", 5.4],
  ["CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 8.8],
  ["CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", 7.2],
  ["CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8],
  ["CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.1],
  ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0],
  // Scope changed: PR weights rise, impact and the sum take the changed-scope formulas.
  ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10],
  ["CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1],
  ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:L/A:N", 9.3],
  ["CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9],
  ["CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:H", 9.6],
  ["CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:N/A:N", 4.1],
  ["CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:C/C:L/I:L/A:L", 6.6],
  ["CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:H", 9],
  ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:N/I:N/A:L", 5.8],
  ["CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8],
  ["CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:N/A:N", 6.8],
  // Temporal and environmental metrics are read, and do not change the base score.
  ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C/CR:L/MAV:L", 9.8],
];

/** CVSS v4.0 scores as FIRST's calculator publishes them (base, threat and environmental). */
const V4_SCORES: [string, number][] = [
  ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3],
  ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:H/VA:L/SC:N/SI:H/SA:L", 9.2],
  ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:H/SI:N/SA:L", 7.8],
  ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:N/SC:N/SI:L/SA:N", 6.9],
  ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:H/SI:L/SA:H", 7.9],
  ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:N/VA:L/SC:N/SI:H/SA:N", 8.3],
  ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.6],
  ["CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:H", 6.3],
  ["CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:P/VC:L/VI:L/VA:N/SC:L/SI:N/SA:N", 4.8],
  ["CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:N/SA:H", 9.5],
  ["CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:A/VC:N/VI:N/VA:N/SC:L/SI:N/SA:N", 2.1],
  ["CVSS:4.0/AV:N/AC:L/AT:P/PR:H/UI:A/VC:N/VI:L/VA:L/SC:L/SI:N/SA:N", 1.8],
  ["CVSS:4.0/AV:N/AC:H/AT:N/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N/SI:H/SA:N", 4],
  ["CVSS:4.0/AV:N/AC:H/AT:P/PR:N/UI:N/VC:N/VI:L/VA:N/SC:L/SI:H/SA:L", 7],
  ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N/E:A", 0],
  ["CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:A", 7.3],
  ["CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:P", 5.9],
  ["CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U", 4.1],
  ["CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:H/IR:H/AR:M", 7.2],
  ["CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:M/IR:L/AR:H", 7.1],
  ["CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:M/IR:M/AR:M", 5.5],
  ["CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:L/IR:L/AR:L", 5.4],
];

Deno.test("CVSS v3.x base scores match the published ones, scope changed or not", () => {
  for (const [vector, score] of V3_SCORES) {
    const scored = scoreCvss(vector);
    assert.ok("score" in scored, `${vector}: ${JSON.stringify(scored)}`);
    assert.equal(scored.score, score, vector);
    assert.equal(scored.version, vector.slice(5, 8));
  }
});

Deno.test("CVSS v4.0 scores match FIRST's published ones", () => {
  for (const [vector, score] of V4_SCORES) {
    const scored = scoreCvss(vector);
    assert.ok("score" in scored, `${vector}: ${JSON.stringify(scored)}`);
    assert.equal(scored.score, score, vector);
    assert.equal(scored.version, "4.0");
  }
});

Deno.test("Roundup is the specification's integer-based round up", () => {
  assert.equal(roundUp(4.000000000000001), 4);
  assert.equal(roundUp(4.02), 4.1);
  assert.equal(roundUp(4.1), 4.1);
  assert.equal(roundUp(0), 0);
});

Deno.test("qualitative ratings follow the CVSS scale", () => {
  const cases: [number, string][] = [
    [0, "low"],
    [0.1, "low"],
    [3.9, "low"],
    [4, "moderate"],
    [6.9, "moderate"],
    [7, "high"],
    [8.9, "high"],
    [9, "critical"],
    [10, "critical"],
  ];
  for (const [score, severity] of cases) {
    assert.equal(severityFromScore(score), severity, `${score}`);
  }
  assert.deepEqual(scoreCvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), {
    version: "3.1",
    score: 9.8,
    severity: "critical",
  });
});

Deno.test("bad vectors are refused with a reason naming what is wrong", () => {
  const cases: [string, RegExp][] = [
    ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", /missing base metric\(s\) A$/],
    ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:H", /A appears twice/],
    ["CVSS:3.1/AV:Z/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", /AV:Z is not allowed/],
    ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:Y", /unknown metric "XX"/],
    ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/", /"" is not METRIC:VALUE/],
    ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A", /"A" is not METRIC:VALUE/],
    ["CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", /not a CVSS v3.0, v3.1 or v4.0 vector/],
    ["AV:N/AC:L/Au:N/C:P/I:P/A:P", /not a CVSS v3.0, v3.1 or v4.0 vector/],
    ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N", /SI:S is not allowed/],
    ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N", /missing base metric\(s\) SA/],
    ["CVSS:4.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", /unknown metric "S"|not allowed/],
    [`CVSS:3.1/${"AV:N/".repeat(200)}`, /longer than 512/],
  ];
  for (const [vector, reason] of cases) {
    const scored = scoreCvss(vector);
    assert.ok("reason" in scored, vector);
    assert.match(scored.reason, reason, vector);
  }
});

Deno.test("rateSeverity: highest valid CVSS score, then database_specific, else unknown with why", () => {
  const v3 = { type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N" };
  const v4 = {
    type: "CVSS_V4",
    score: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
  };
  assert.deepEqual(rateSeverity([v3, v4], "LOW"), {
    severity: "critical",
    score: 9.3,
    vector: v4.score,
    source: "cvss_v4",
  });
  assert.deepEqual(rateSeverity([v3]), {
    severity: "moderate",
    score: 5.4,
    vector: v3.score,
    source: "cvss_v3",
  });
  const broken = { type: "CVSS_V3", score: "CVSS:3.1/AV:N" };
  assert.deepEqual(rateSeverity([broken], "HIGH"), {
    severity: "high",
    source: "database_specific",
    reason: "CVSS_V3 vector refused: missing base metric(s) AC, PR, UI, S, C, I, A",
  });
  assert.equal(rateSeverity([], "MEDIUM").severity, "moderate");
  assert.equal(rateSeverity([], "critical").severity, "critical");
  const mislabelled = rateSeverity([{ type: "CVSS_V3", score: v4.score }]);
  assert.equal(mislabelled.severity, "unknown");
  assert.match(mislabelled.reason ?? "", /must start with "CVSS:3\."/);
  assert.deepEqual(rateSeverity([]), {
    severity: "unknown",
    reason: "no CVSS v3/v4 vector and no database severity",
  });
  assert.match(rateSeverity([], "SEVERE").reason ?? "", /"SEVERE" not recognised/);
  assert.match(
    rateSeverity([{ type: "CVSS_V2", score: "AV:N/AC:L/Au:N/C:P/I:P/A:P" }]).reason ?? "",
    /CVSS_V2 severity not scored/,
  );
});

Deno.test("every CVSS vector in the PyPA advisory database scores", async () => {
  const root = new URL("../../../shared/corpus-osv/vulns/", import.meta.url);
  let seen = 0;
  for await (const dir of Deno.readDir(root)) {
    if (!dir.isDirectory) continue;
    for await (const file of Deno.readDir(new URL(`${dir.name}/`, root))) {
      const text = await Deno.readTextFile(new URL(`${dir.name}/${file.name}`, root));
      if (!text.includes("CVSS:")) continue;
      const record = parseYaml(text) as { severity?: { type: string; score: string }[] };
      for (const entry of record.severity ?? []) {
        const scored = scoreCvss(entry.score);
        assert.ok("score" in scored, `${file.name}: ${JSON.stringify(scored)}`);
        seen++;
      }
    }
  }
  assert.ok(seen >= 200, `only ${seen} vectors`);
});

const V3_VALUES: [string, string[]][] = [
  ["AV", ["N", "A", "L", "P"]],
  ["AC", ["L", "H"]],
  ["PR", ["N", "L", "H"]],
  ["UI", ["N", "R"]],
  ["S", ["U", "C"]],
  ["C", ["H", "L", "N"]],
  ["I", ["H", "L", "N"]],
  ["A", ["H", "L", "N"]],
];
const V4_BASE_VALUES: [string, string[]][] = [
  ["AV", ["N", "A", "L", "P"]],
  ["AC", ["L", "H"]],
  ["AT", ["N", "P"]],
  ["PR", ["N", "L", "H"]],
  ["UI", ["N", "P", "A"]],
  ["VC", ["H", "L", "N"]],
  ["VI", ["H", "L", "N"]],
  ["VA", ["H", "L", "N"]],
  ["SC", ["H", "L", "N"]],
  ["SI", ["H", "L", "N"]],
  ["SA", ["H", "L", "N"]],
];
const V4_OPTIONAL_VALUES: [string, string[]][] = [
  ["E", ["X", "A", "P", "U"]],
  ["CR", ["X", "H", "M", "L"]],
  ["IR", ["X", "H", "M", "L"]],
  ["AR", ["X", "H", "M", "L"]],
  ["MAV", ["X", "N", "A", "L", "P"]],
  ["MAC", ["X", "L", "H"]],
  ["MAT", ["X", "N", "P"]],
  ["MPR", ["X", "N", "L", "H"]],
  ["MUI", ["X", "N", "P", "A"]],
  ["MVC", ["X", "H", "L", "N"]],
  ["MVI", ["X", "H", "L", "N"]],
  ["MVA", ["X", "H", "L", "N"]],
  ["MSC", ["X", "H", "L", "N"]],
  ["MSI", ["X", "S", "H", "L", "N"]],
  ["MSA", ["X", "S", "H", "L", "N"]],
  ["S", ["X", "N", "P"]],
  ["AU", ["X", "N", "Y"]],
  ["U", ["X", "Clear", "Green", "Amber", "Red"]],
];

const metricValues = (metrics: [string, string[]][]) =>
  fc.tuple(
    ...metrics.map(([name, values]) => fc.constantFrom(...values.map((v) => `${name}:${v}`))),
  );
const v3Vector = fc.tuple(fc.constantFrom("CVSS:3.0", "CVSS:3.1"), metricValues(V3_VALUES))
  .map(([prefix, parts]) => [prefix, ...parts].join("/"));
const v4Vector = fc.tuple(
  metricValues(V4_BASE_VALUES),
  fc.subarray(V4_OPTIONAL_VALUES).chain(metricValues),
).map(([base, optional]) => ["CVSS:4.0", ...base, ...optional].join("/"));

Deno.test("property: every valid vector scores within 0-10 with one decimal", () => {
  fc.assert(
    fc.property(fc.oneof(v3Vector, v4Vector), (vector) => {
      const scored = scoreCvss(vector);
      assert.ok("score" in scored, `${vector}: ${JSON.stringify(scored)}`);
      assert.ok(scored.score >= 0 && scored.score <= 10, vector);
      assert.equal(Math.round(scored.score * 10) / 10, scored.score, vector);
      assert.equal(scored.severity, severityFromScore(scored.score));
    }),
    { numRuns: 2000 },
  );
});

Deno.test("property: v3 base scores never fall when an impact metric rises", () => {
  const higher: Record<string, string> = { N: "L", L: "H" };
  fc.assert(
    fc.property(v3Vector, fc.constantFrom("C", "I", "A"), (vector, metric) => {
      const current = vector.match(new RegExp(`/${metric}:([HLN])`))?.[1] as string;
      if (current === "H") return;
      const raised = vector.replace(`/${metric}:${current}`, `/${metric}:${higher[current]}`);
      const [before, after] = [scoreCvss(vector), scoreCvss(raised)];
      assert.ok("score" in before && "score" in after);
      assert.ok(
        after.score >= before.score,
        `${vector} ${before.score} -> ${raised} ${after.score}`,
      );
    }),
    { numRuns: 2000 },
  );
});

Deno.test("property: the order of metrics does not change the score", () => {
  fc.assert(
    fc.property(fc.oneof(v3Vector, v4Vector), fc.nat(), (vector, seed) => {
      const [prefix, ...parts] = vector.split("/");
      const shuffled = parts.map((part, i) => ({ part, key: (i * 7919 + seed) % 104729 }))
        .sort((a, b) => a.key - b.key).map(({ part }) => part);
      assert.deepEqual(scoreCvss([prefix, ...shuffled].join("/")), scoreCvss(vector));
    }),
    { numRuns: 500 },
  );
});

Deno.test("property: damaged vectors are refused with a reason, never a throw", () => {
  fc.assert(
    fc.property(
      fc.oneof(v3Vector, v4Vector),
      fc.nat(),
      fc.string({ maxLength: 4 }),
      (vector, at, insert) => {
        const position = at % (vector.length + 1);
        const damaged = vector.slice(0, position) + insert + vector.slice(position + 1);
        const scored = scoreCvss(damaged);
        assert.ok("reason" in scored || (scored.score >= 0 && scored.score <= 10));
      },
    ),
    { numRuns: 2000 },
  );
  fc.assert(fc.property(fc.string(), (text) => {
    const scored = scoreCvss(text);
    assert.ok("reason" in scored || scored.score >= 0);
  }));
});
