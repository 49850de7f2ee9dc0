import { deepStrictEqual, match } from "node:assert/strict";
import { formatText } from "../../report/text.ts";
import { checks } from "../../checks/mod.ts";
import { pkg, runPolicy, snapshotOf } from "../../testing.ts";
import { definePolicy } from "../../core/policy.ts";

Deno.test("the text report names every registry data source: requests, cache, stale answers, database version", async () => {
  const snapshot = snapshotOf({
    packages: [pkg("torch==2.1.0")],
    registry: { pypi: [], advisories: [], hub: [], provenance: [] },
    data: [
      {
        name: "pypi",
        url: "https://pypi.org",
        retrievedAt: "2026-01-15T10:00:00.000Z",
        oldestRetrievedAt: "2026-01-14T09:00:00.000Z",
        requests: 3,
        fromCache: 2,
        stale: 1,
      },
      {
        name: "osv-db",
        url: "/srv/osv",
        retrievedAt: "2026-01-01T00:00:00Z",
        version: "12 records",
      },
    ],
  });
  const report = await runPolicy(
    definePolicy({ name: "t", checks: [checks.freshness.notYanked({ private: ["torch"] })] }),
    snapshot,
  );
  const text = formatText(report);
  match(text, /Registry data:\n/);
  match(
    text,
    / {2}pypi https:\/\/pypi\.org · 3 request\(s\) · 2 from cache · 1 STALE \(server unreachable\) · fetched 2026-01-14T09:00:00\.000Z … 2026-01-15T10:00:00\.000Z\n/,
  );
  match(text, / {2}osv-db \/srv\/osv · 12 records\n/);
  deepStrictEqual(formatText({ ...report, data: [] }).includes("Registry data:"), false);
});
