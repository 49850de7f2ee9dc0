/**
 * Evaluating the recommended policy on 10,000 packages (target: under 200 ms), against a
 * same-process reference: a JSON round trip of the same snapshot, the least any consumer of the
 * snapshot must spend on it.
 *
 * Run with `deno task bench`.
 */
import { evaluate } from "../core/evaluate.ts";
import { Snapshot } from "../core/snapshot.ts";
import { recommended } from "../policies/mod.ts";
import { syntheticSnapshot } from "./generate.ts";

const snapshot = syntheticSnapshot({ packages: 10_000 });
const now = new Date("2026-01-15T00:00:00Z");

Deno.bench({
  name: "reference: JSON.stringify + JSON.parse of the snapshot",
  group: "10k packages",
  baseline: true,
  fn: () => {
    JSON.parse(JSON.stringify(snapshot));
  },
});

Deno.bench({
  name: "evaluate(recommended)",
  group: "10k packages",
  fn: async () => {
    await evaluate({ snapshot, policy: recommended, now, offline: true });
  },
});

Deno.bench({
  name: "Snapshot.parse (schema validation, as `tollgate eval` does)",
  group: "10k packages",
  fn: () => {
    Snapshot.parse(snapshot);
  },
});
