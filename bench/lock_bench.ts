/**
 * Reading a 5,000-package uv.lock (target: under 150 ms), against a same-process reference:
 * smol-toml's `parse` of the same text, the floor any TOML-based reader pays.
 *
 * Run with `deno task bench`.
 */
import { parse as parseToml } from "smol-toml";
import { parseUvLock } from "../collect/locks/uv_lock.ts";
import { syntheticUvLock } from "./generate.ts";

const text = syntheticUvLock(5_000);
const check = parseUvLock(text, { file: "uv.lock" });
if (check.packages?.length !== 5_000 || check.problems?.length !== 0) {
  throw new Error(`synthetic uv.lock read wrongly: ${check.packages?.length} packages`);
}

Deno.bench({
  name: "reference: smol-toml parse of the same text",
  group: "uv.lock, 5k packages",
  baseline: true,
  fn: () => {
    parseToml(text);
  },
});

Deno.bench({
  name: "parseUvLock",
  group: "uv.lock, 5k packages",
  fn: () => {
    parseUvLock(text, { file: "uv.lock" });
  },
});
