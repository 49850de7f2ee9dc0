import assert from "node:assert/strict";
import fc from "fast-check";
import { eco, matches, pypi, record } from "./_osv.ts";

Deno.test("ranges: introduced 0 and fixed, PEP 440 order, pre-releases before the release", () => {
  const r = record("PYSEC-1", [pypi("demo", [eco({ introduced: "0" }, { fixed: "1.10" })])]);
  assert.deepEqual(matches(r, "1.9"), { affected: true, fixed: ["1.10"], lastAffected: [] });
  assert.equal(matches(r, "1.10rc1").affected, true);
  assert.equal(matches(r, "1.10.dev0").affected, true);
  assert.equal(matches(r, "1.10").affected, false);
  assert.equal(matches(r, "1.10.0").affected, false, "1.10.0 == 1.10");
  assert.equal(matches(r, "1.10.post1").affected, false);
  assert.equal(matches(r, "1.2").affected, true, "1.2 < 1.10 by PEP 440, not by string");
  assert.equal(matches(r, "0!0.0.1").affected, true);
  assert.equal(matches(r, "1!0.1").affected, false, "epoch 1 sorts after every epoch-0 version");
});

Deno.test("ranges: several intervals, each with its own fix; unsorted events are sorted", () => {
  const r = record("PYSEC-2", [
    pypi("demo", [eco({ fixed: "3.2.5" }, { introduced: "3.0" }, { fixed: "1.0.2" }, {
      introduced: "1.0",
    })]),
  ]);
  assert.deepEqual(matches(r, "0.9").affected, false);
  assert.deepEqual(matches(r, "1.0"), { affected: true, fixed: ["1.0.2"], lastAffected: [] });
  assert.deepEqual(matches(r, "1.0.2").affected, false);
  assert.deepEqual(matches(r, "2.0").affected, false);
  assert.deepEqual(matches(r, "3.1"), { affected: true, fixed: ["3.2.5"], lastAffected: [] });
  assert.deepEqual(matches(r, "3.2.5").affected, false);
});

Deno.test("ranges: last_affected includes its version; limit caps the range", () => {
  const last = record("PYSEC-3", [
    pypi("demo", [eco({ introduced: "0" }, { last_affected: "2.1.214" })]),
  ]);
  assert.deepEqual(matches(last, "2.1.214"), {
    affected: true,
    fixed: [],
    lastAffected: ["2.1.214"],
  });
  assert.equal(matches(last, "2.1.215").affected, false);
  const limited = record("PYSEC-4", [
    pypi("demo", [
      eco({ introduced: "1.0" }, { limit: "1.5" }),
      eco({ introduced: "2.0" }, {
        limit: "*",
      }),
    ]),
  ]);
  assert.equal(matches(limited, "1.4").affected, true);
  assert.equal(matches(limited, "1.5").affected, false);
  assert.equal(matches(limited, "0.9").affected, false);
  assert.equal(matches(limited, "9.0").affected, true, 'limit "*" is infinity');
  const twoLimits = record("PYSEC-5", [
    pypi("demo", [eco({ introduced: "1.0" }, { limit: "1.5" }, { limit: "3.0" })]),
  ]);
  assert.equal(matches(twoLimits, "2.0").affected, true, "below one of the limits");
  assert.equal(matches(twoLimits, "3.0").affected, false);
});

Deno.test("local versions: last_affected and versions lists cover local builds; fixed compares in full", () => {
  // PyTorch's CUDA builds are pinned as torch==2.2.0+cu121.
  const last = record("PYSEC-L1", [
    pypi("torch", [eco({ introduced: "0" }, { last_affected: "2.2.0" })]),
  ]);
  assert.deepEqual(matches(last, "2.2.0+cu121", "torch"), {
    affected: true,
    fixed: [],
    lastAffected: ["2.2.0"],
  });
  assert.equal(matches(last, "2.2.0", "torch").affected, true);
  assert.equal(matches(last, "2.2.1+cu121", "torch").affected, false);
  assert.equal(matches(last, "2.2.0.post1+cu121", "torch").affected, false);
  // A last_affected that names a local build compares in full.
  const lastLocal = record("PYSEC-L2", [
    pypi("torch", [eco({ introduced: "0" }, { last_affected: "2.2.0+cu118" })]),
  ]);
  assert.equal(matches(lastLocal, "2.2.0+cu118", "torch").affected, true);
  assert.equal(matches(lastLocal, "2.2.0+cu121", "torch").affected, false);

  const listed = record("PYSEC-L3", [
    pypi("torch", [eco({ introduced: "2.3" }, { fixed: "2.4" })], ["2.2.0", "2.1.0+cu118"]),
  ]);
  assert.deepEqual(matches(listed, "2.2.0+cu121", "torch"), {
    affected: true,
    fixed: ["2.4"],
    lastAffected: [],
  });
  assert.equal(matches(listed, "2.2+cpu", "torch").affected, true, "2.2 == 2.2.0");
  assert.equal(matches(listed, "2.1.0+cu118", "torch").affected, true);
  assert.equal(matches(listed, "2.1.0+cu121", "torch").affected, false, "another local build");
  assert.equal(matches(listed, "2.1.0", "torch").affected, false, "the public of a listed build");

  const fixedRange = record("PYSEC-L4", [
    pypi("torch", [eco({ introduced: "0" }, { fixed: "2.2.1" })]),
  ]);
  assert.deepEqual(matches(fixedRange, "2.2.0+cu121", "torch").fixed, ["2.2.1"]);
  assert.equal(matches(fixedRange, "2.2.1+cu121", "torch").affected, false);
  // 2.2.0+cu121 sorts after 2.2.0 (PEP 440), so a fix at exactly 2.2.0 covers it, as `<2.2.0`
  // excludes it.
  const fixedAt = record("PYSEC-L5", [
    pypi("torch", [eco({ introduced: "0" }, { fixed: "2.2.0" })]),
  ]);
  assert.equal(matches(fixedAt, "2.2.0+cu121", "torch").affected, false);
  assert.equal(matches(fixedAt, "2.1.9+cu121", "torch").affected, true);
  const introducedAt = record("PYSEC-L6", [
    pypi("torch", [eco({ introduced: "2.2.0" }, { limit: "2.2.0.post1" })]),
  ]);
  assert.equal(matches(introducedAt, "2.2.0+cu121", "torch").affected, true);
  assert.equal(matches(introducedAt, "2.1.0+cu121", "torch").affected, false);
});

Deno.test("versions lists: exact or PEP 440 equal; GIT ranges only count through them", () => {
  const r = record("PYSEC-6", [
    pypi("Demo_Pkg", [
      {
        type: "GIT",
        repo: "https://example.invalid/demo",
        events: [{ introduced: "0" }, {
          fixed: "a".repeat(40),
        }],
      },
      eco({ introduced: "3.0" }, { fixed: "3.1" }),
    ], ["1.0", "2.0.0", "2.0-weird"]),
  ]);
  assert.deepEqual(matches(r, "1.0", "demo-pkg"), {
    affected: true,
    fixed: ["3.1"],
    lastAffected: [],
  });
  assert.equal(matches(r, "1.0.0", "DEMO.pkg").affected, true, "PEP 440 equal, PEP 503 name");
  assert.equal(matches(r, "2.0", "demo_pkg").affected, true);
  assert.equal(matches(r, "1.5", "demo-pkg").affected, false, "GIT range not evaluated");
  assert.equal(matches(r, "2.0-weird", "demo-pkg").affected, true, "listed, though not PEP 440");
  assert.equal(matches(r, "3.0.1", "demo-pkg").affected, true);
  assert.equal(matches(r, "1.0", "other").affected, false);
  const npm = record("GHSA-npm1-xxxx-yyyy", [{
    package: { ecosystem: "npm", name: "demo" },
    ranges: [eco({ introduced: "0" })],
  }]);
  assert.equal(matches(npm, "1.0").affected, false, "other ecosystems never match");
});

Deno.test("a version that is not PEP 440 is matched against versions lists only", () => {
  const r = record("PYSEC-7", [pypi("demo", [eco({ introduced: "0" })], ["nightly"])]);
  assert.equal(matches(r, "nightly").affected, true);
  assert.equal(matches(r, "not a version").affected, false);
});

/** Versions "1.<n>" for small n, so a brute-force model can use the integers. */
const asVersion = (n: number) => `1.${n}`;

const eventArb = fc.oneof(
  fc.record({ kind: fc.constant("introduced"), at: fc.integer({ min: -1, max: 20 }) }),
  fc.record({
    kind: fc.constantFrom("fixed", "last_affected", "limit"),
    at: fc.integer({ min: 0, max: 20 }),
  }),
);

Deno.test("property: range evaluation agrees with a brute-force model over integers", () => {
  fc.assert(
    fc.property(
      fc.array(eventArb, { minLength: 1, maxLength: 8 }),
      fc.integer({ min: 0, max: 22 }),
      fc.boolean(),
      (raw, at, local) => {
        // Distinct positions, so the order of equal versions (record order) does not matter.
        const events = raw.filter((e, i) => raw.findIndex((o) => o.at === e.at) === i);
        if (!events.some((e) => e.kind === "introduced")) {
          events.push({ kind: "introduced", at: -1 });
        }
        const osvEvents = events.map((e) => ({ [e.kind]: e.at === -1 ? "0" : asVersion(e.at) }));
        const r = record("PYSEC-P", [pypi("demo", [eco(...osvEvents)])]);
        // The model: walk the integer positions in order, as the schema's pseudo-code does. A
        // local build "1.<at>+cu121" sits between 1.<at> and 1.<at + 1>, except for last_affected,
        // which (as PEP 440's <=) compares its public version.
        const position = local ? at + 0.5 : at;
        const limits = events.filter((e) => e.kind === "limit").map((e) => e.at);
        const sorted = events.filter((e) => e.kind !== "limit").sort((a, b) => a.at - b.at);
        let affected = false;
        let closing: { kind: string; at: number } | undefined;
        if (limits.length === 0 || limits.some((limit) => position < limit)) {
          for (const e of sorted) {
            if (e.kind === "introduced" && position >= e.at) affected = true;
            else if (e.kind === "fixed" && position >= e.at) affected = false;
            else if (e.kind === "last_affected" && at > e.at) affected = false;
          }
          closing = sorted.find((e) =>
            e.kind !== "introduced" && (e.kind === "fixed" ? e.at > position : e.at >= at)
          );
        }
        const got = matches(r, asVersion(at) + (local ? "+cu121" : ""));
        assert.equal(got.affected, affected, JSON.stringify({ events, at, local }));
        if (affected) {
          assert.deepEqual(got.fixed, closing?.kind === "fixed" ? [asVersion(closing.at)] : []);
          assert.deepEqual(
            got.lastAffected,
            closing?.kind === "last_affected" ? [asVersion(closing.at)] : [],
          );
        }
      },
    ),
    { numRuns: 3000 },
  );
});
